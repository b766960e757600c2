// Wire format of the event envelope, shared by encoder and decoder (STYLE rule 4).
// Mirrored in docs/PROTOCOL.md, which is normative for other languages.
//
// ZeroMQ message (data plane): 2 frames
//   frame 1: topic  "<channel>/<source>/<type>"  (UTF-8, no NUL)
//   frame 2: envelope, a msgpack map with short string keys:
//     "v"   uint     format version (kEnvelopeVersion)           required
//     "id"  str      "evt_<uuid>"                                required
//     "src" str      source                                       required
//     "tgt" str      target ("broadcast" when absent)             optional
//     "ch"  str      channel name                                 required
//     "typ" str      event type                                   required
//     "pl"  any      payload (nil when absent)                    optional
//     "ts"  array    [wall_ms uint, logical uint, node str]       required
//     "pri" uint     0..3                                         optional (1)
//     "cid" str      correlation id                               optional
//     "cau" str      causation id                                 optional
//     "seq" uint     per-publisher sequence                       required
//     "md"  map      str -> any                                   optional
// Unknown keys are skipped (forward compatibility within a major version);
// a larger "v" than kEnvelopeVersion is rejected as unsupported.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vsm::envelope_format {

inline constexpr std::uint64_t kEnvelopeVersion = 1;

inline constexpr std::string_view kKeyVersion = "v";
inline constexpr std::string_view kKeyId = "id";
inline constexpr std::string_view kKeySource = "src";
inline constexpr std::string_view kKeyTarget = "tgt";
inline constexpr std::string_view kKeyChannel = "ch";
inline constexpr std::string_view kKeyType = "typ";
inline constexpr std::string_view kKeyPayload = "pl";
inline constexpr std::string_view kKeyTimestamp = "ts";
inline constexpr std::string_view kKeyPriority = "pri";
inline constexpr std::string_view kKeyCorrelation = "cid";
inline constexpr std::string_view kKeyCausation = "cau";
inline constexpr std::string_view kKeySeq = "seq";
inline constexpr std::string_view kKeyMetadata = "md";

inline constexpr std::uint8_t kMaxPriority = 3;

}  // namespace vsm::envelope_format
