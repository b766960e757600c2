// Wire format of the data plane, protocol version 2, shared by every encoder and decoder
// (STYLE rule 4). Mirrored in docs/PROTOCOL.md §1, which is normative for other languages.
//
// One ZeroMQ frame per message:
//   <channel>/<source>/<type>  0x00  <body>
//   topic: UTF-8 names without '/' or control characters, so 0x00 cannot occur in it and
//   ZeroMQ prefix matching on the frame filters by channel, source and type.
// body: one msgpack value
//   map   one event  (map 0x80..0x8f / map16 0xde / map32 0xdf)
//   array a batch: 1..max_batch_events event maps of this topic (0x90.. / 0xdc / 0xdd)
// event map: unsigned integer keys, each at most once, in any order (encoders: ascending);
// unknown keys are skipped. Source and type come from the topic only.
//   key type       field            when absent
//    0  uint       version          2; a larger one is rejected (kUnsupported)
//    1  bin 16     id               required (16 random bytes, a UUID v4)
//    2  uint 0..4  channel          required; must equal the topic's channel
//    3  uint       seq              required; per publisher and channel
//    4  uint       ts.wall_ms       0
//    5  uint32     ts.logical       0
//    6  str        ts.node          the topic's source
//    7  str        target           "broadcast"
//    8  uint 0..3  priority         1 (normal)
//    9  str        correlation id   none
//   10  str        causation id     none
//   11  any        payload          nil
//   12  map        metadata         empty (str keys -> any value)
//   13  bin 64     signature        none: Ed25519 over signing_bytes() (codec.hpp, §1.14)
//   14  str        signer           ts.node: the node whose key made the signature
// Encoders write every value in its smallest msgpack form, except a publisher that
// numbers events after encoding them (codec.hpp encode_event_unsequenced): it writes
// seq and ts.wall_ms as uint 64 (0xcf + 8 bytes) and ts.logical as uint 32 (0xce + 4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vsm::frame_format {

inline constexpr std::uint64_t kVersion = 2;
inline constexpr char kSeparator = '\0';  // ends the topic

// Event map keys (positive fixint, one byte each on the wire).
inline constexpr std::uint8_t kKeyVersion = 0;
inline constexpr std::uint8_t kKeyId = 1;
inline constexpr std::uint8_t kKeyChannel = 2;
inline constexpr std::uint8_t kKeySeq = 3;
inline constexpr std::uint8_t kKeyWallMs = 4;
inline constexpr std::uint8_t kKeyLogical = 5;
inline constexpr std::uint8_t kKeyNode = 6;
inline constexpr std::uint8_t kKeyTarget = 7;
inline constexpr std::uint8_t kKeyPriority = 8;
inline constexpr std::uint8_t kKeyCorrelation = 9;
inline constexpr std::uint8_t kKeyCausation = 10;
inline constexpr std::uint8_t kKeyPayload = 11;
inline constexpr std::uint8_t kKeyMetadata = 12;
inline constexpr std::uint8_t kKeySignature = 13;
inline constexpr std::uint8_t kKeySigner = 14;
inline constexpr std::uint8_t kKeyCount = 15;  // known keys are 0..kKeyCount-1

inline constexpr std::size_t kIdBytes = 16;
inline constexpr std::size_t kSignatureBytes = 64;  // Ed25519 (RFC 8032)
// What a signature covers (PROTOCOL.md §1.14): this prefix, the signer, the topic and the
// event's content fields, never the per-hop fields seq, ts and the signature itself.
inline constexpr std::string_view kSigningDomain = "vsm-sig/1";
inline constexpr std::size_t kMaxEventKeys = 64;  // entries of one event map, unknown included
inline constexpr std::uint8_t kMaxPriority = 3;
inline constexpr std::size_t kMaxStringFieldBytes = 255;  // target, node, correlation, causation
// "resource_bargain" + '/' + 255-byte source + '/' + 255-byte type.
inline constexpr std::size_t kMaxTopicBytes = 16 + 1 + 255 + 1 + 255;

// msgpack tags of the fixed-width fields a publisher patches in place.
inline constexpr std::uint8_t kTagUint64 = 0xcf;
inline constexpr std::uint8_t kTagUint32 = 0xce;
inline constexpr std::uint8_t kTagBin8 = 0xc4;
// msgpack tag a batch header is written with when it holds 16 events or more.
inline constexpr std::uint8_t kTagArray16 = 0xdc;

// What a publisher puts in one batch frame unless configured otherwise
// (BatchBuilder; receivers accept up to CodecLimits::max_batch_events / max_frame_bytes).
inline constexpr std::size_t kDefaultBatchMaxBytes = 64 << 10;  // whole frame
inline constexpr std::size_t kDefaultBatchMaxEvents = 1024;

}  // namespace vsm::frame_format
