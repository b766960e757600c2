// Gossip wire format, shared by the encoder and the decoder (STYLE rule 4);
// docs/GOSSIP.md is the prose copy. Version numbers and message types are never reused.
// Version 2 (this one) added the compact endpoint form and moved push-pull to streams;
// version 1 nodes and version 2 nodes do not talk to each other (bad_version).
//
// Envelope (one UDP payload of at most kMaxDatagramBytes, or one stream frame):
//   plain:  magic "VG" (2) | version u8 | flags u8 (0)           | body
//   sealed: magic "VG" (2) | version u8 | flags u8 (kFlagSealed) | key_id u32 BE
//           | nonce (24) | XChaCha20-Poly1305(body) incl. tag (16)
//   The AEAD additional data is the 8 header bytes (magic .. key_id).
// Stream frame (TCP push-pull): length u32 BE | envelope, length <= push_pull_max_bytes;
//   its body holds exactly one push_pull message; datagrams never carry push_pull.
// body = msgpack array of >= 1 messages; each message = msgpack array [type u8, fields...]:
//   1 ping      [1, seq, target_name, source_name]
//   2 ping_req  [2, seq, target_name, target_address, source_name]
//   3 ack       [3, seq, source_name]
//   4 nack      [4, seq]
//   5 alive     [5, record]
//   6 suspect   [6, name, incarnation, from_name]
//   7 dead      [7, name, incarnation, from_name]
//   8 leave     [8, name, incarnation]
//   9 push_pull [9, request_id, flags (1 reply, 2 join), chunk, chunks, [state_record...]]
//  10 reach     [10, origin, version, chunk, chunks, [unreachable_name...]]
// record       = [name, incarnation, role u8, [pub, control, dish, gossip], {tag: value}]
// state_record = [name, incarnation, state u8, role u8, [pub, control, dish, gossip], {tags}]
//   pub/control/dish: "" (none), a full endpoint, or the compact form ":<port>" meaning
//   "tcp://<gossip host>:<port>" (pub, control) / "udp://<gossip host>:<port>" (dish).
// Messages after the first are piggybacked updates (memberlist "compound" style).
#pragma once

#include <cstddef>
#include <cstdint>

namespace vsm::gossip::format {

inline constexpr std::uint8_t kMagic0 = 'V';
inline constexpr std::uint8_t kMagic1 = 'G';
inline constexpr std::uint8_t kVersion = 2;
inline constexpr std::uint8_t kFlagSealed = 0x01;

inline constexpr std::size_t kPlainHeaderBytes = 4;
inline constexpr std::size_t kKeyIdBytes = 4;
inline constexpr std::size_t kNonceBytes = 24;  // crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
inline constexpr std::size_t kTagBytes = 16;    // crypto_aead_xchacha20poly1305_ietf_ABYTES
inline constexpr std::size_t kKeyBytes = 32;    // crypto_aead_xchacha20poly1305_ietf_KEYBYTES
inline constexpr std::size_t kSealedHeaderBytes = kPlainHeaderBytes + kKeyIdBytes;
inline constexpr std::size_t kSealOverheadBytes = kKeyIdBytes + kNonceBytes + kTagBytes;

// 1400 keeps a sealed datagram inside a 1500-byte Ethernet MTU with IPv4/IPv6 + UDP
// headers, so gossip is never IP-fragmented (fragment loss drops the whole datagram).
inline constexpr std::size_t kMaxDatagramBytes = 1400;
inline constexpr std::size_t kMaxBodyBytes =
    kMaxDatagramBytes - kPlainHeaderBytes - kSealOverheadBytes;

// Decoder limits on untrusted input.
inline constexpr std::size_t kMaxNameBytes = 128;
inline constexpr std::size_t kMaxEndpointBytes = 256;
inline constexpr std::size_t kMaxTags = 32;
inline constexpr std::size_t kMaxTagBytes = 256;
inline constexpr std::size_t kMaxMessagesPerDatagram = 256;
// A single member record must fit a push-pull chunk with room to spare.
inline constexpr std::size_t kMaxRecordBytes = 1000;
// Stream frames: the length prefix, and the smallest push_pull_max_bytes accepted.
inline constexpr std::size_t kFrameLengthBytes = 4;
inline constexpr std::size_t kMinFrameLimitBytes = 64 * 1024;
// Default schemes of the compact endpoint form.
inline constexpr char kPubScheme[] = "tcp";
inline constexpr char kControlScheme[] = "tcp";
inline constexpr char kDishScheme[] = "udp";

enum class MessageType : std::uint8_t {
  kPing = 1,
  kPingReq = 2,
  kAck = 3,
  kNack = 4,
  kAlive = 5,
  kSuspect = 6,
  kDead = 7,
  kLeave = 8,
  kPushPull = 9,
  kReach = 10,
};
inline constexpr std::uint8_t kMaxMessageType = 10;

inline constexpr std::uint8_t kPushPullReply = 0x01;
inline constexpr std::uint8_t kPushPullJoin = 0x02;

}  // namespace vsm::gossip::format
