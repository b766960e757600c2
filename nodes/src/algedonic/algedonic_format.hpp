// Wire format of the algedonic lane (DESIGN §2), shared by encoder and decoder (STYLE
// rule 4). Mirrored in docs/PROTOCOL.md ("Algedonic plane"), which is normative.
//
// Transport: ZeroMQ RADIO -> DISH over UDP; one datagram per message; group "alg" for
// alerts, "ack" for acknowledgements. Datagram = the RADIO message body:
//   offset size
//   0      2    magic "VA"
//   2      1    version (kVersion)
//   3      1    kind: 1 alert, 2 ack
//   4      1    flags: bit 0 = sealed
//   5      ..   plain:  body
//                sealed: nonce[24] | XChaCha20-Poly1305-IETF(body) incl. tag[16],
//                        additional data = bytes 0..4 (the header)
//   alert body: msgpack array [from str, reply str, to str, attempt uint, envelope bin]
//   ack body:   msgpack array [from str, id str, to str, attempt uint]
// from = sending node's name; reply = its DISH endpoint (acks go there); to = the DISH
// endpoint the alert was sent to (echoed in the ack to name the peer); attempt = 0 for
// the first send; envelope = the event envelope (envelope_format.hpp), channel algedonic;
// id = the acknowledged event id.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vsm::detail::algedonic_format {

inline constexpr std::string_view kMagic = "VA";
inline constexpr std::uint8_t kVersion = 1;
inline constexpr std::uint8_t kKindAlert = 1;
inline constexpr std::uint8_t kKindAck = 2;
inline constexpr std::uint8_t kFlagSealed = 0x01;
inline constexpr std::size_t kHeaderBytes = 5;

inline constexpr const char* kAlertGroup = "alg";  // ZMQ group names are <= 15 bytes
inline constexpr const char* kAckGroup = "ack";

inline constexpr std::size_t kNonceBytes = 24;  // crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
inline constexpr std::size_t kTagBytes = 16;    // crypto_aead_xchacha20poly1305_ietf_ABYTES
inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kSealOverheadBytes = kNonceBytes + kTagBytes;

// libzmq's UDP engine copies group + body into an 8192-byte buffer without a size
// check, so every datagram we build stays well below it ("one datagram, ~8 KiB").
inline constexpr std::size_t kMaxDatagramBytes = 8000;
inline constexpr std::size_t kMaxEndpointBytes = 255;  // also bounds node names
inline constexpr std::uint32_t kMaxAttempt = 255;
// Worst-case body framing besides the envelope: array header, three str8 fields of
// kMaxEndpointBytes, a uint64, and a bin32 header.
inline constexpr std::size_t kMaxAlertFramingBytes = 1 + 3 * (2 + kMaxEndpointBytes) + 9 + 5;
// Alerts whose encoded envelope exceeds this are rejected with kTooLarge at publish.
inline constexpr std::size_t kMaxAlertEnvelopeBytes =
    kMaxDatagramBytes - kHeaderBytes - kSealOverheadBytes - kMaxAlertFramingBytes;

// Event fields of an alert (envelope_format.hpp): channel "algedonic", type
// kTypePain / kTypePleasure, priority 3, payload a map with the keys below,
// metadata {"severity": str, "signal": str}.
inline constexpr std::string_view kTypePain = "pain";
inline constexpr std::string_view kTypePleasure = "pleasure";
inline constexpr std::string_view kKeySeverity = "severity";
inline constexpr std::string_view kKeySignal = "signal";
inline constexpr std::string_view kKeyDescription = "description";
inline constexpr std::string_view kKeyMetrics = "metrics";  // map str -> float64
inline constexpr std::size_t kMaxMetrics = 256;

}  // namespace vsm::detail::algedonic_format
