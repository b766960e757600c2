// Encoding and decoding of gossip messages, datagrams and push-pull stream frames
// (format in gossip_format.hpp). Decoding never throws or crashes on untrusted bytes; it
// uses vsm::MsgpackReader. Thread-safety: free functions over caller-owned data.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/gossip/keyring.hpp"
#include "vsm/gossip/message.hpp"
#include "vsm/gossip/stats.hpp"
#include "vsm/result.hpp"

namespace vsm::gossip {

// Appends one encoded message (a msgpack array) to `out`.
void encode_message(const Message& message, std::string& out);
// One encoded message as a new string.
std::string encode_message(const Message& message);

// A complete datagram from already-encoded messages: header + msgpack array of them,
// sealed with the keyring's primary key when `keyring` is non-null.
// REQUIRES: !messages.empty()
std::string encode_datagram(const std::vector<std::string>& messages, const Keyring* keyring);
// The same from `count` encoded messages stored back to back in `messages`.
// REQUIRES: count > 0
std::string encode_datagram(std::size_t count, std::string_view messages, const Keyring* keyring);

// Bytes a datagram adds around the encoded messages (header, array header, sealing).
std::size_t datagram_overhead(std::size_t message_count, bool sealed) noexcept;

// Decodes a datagram. With a keyring only sealed datagrams are accepted; without one
// only plain datagrams. Push-pull messages are refused (they travel on streams). On
// failure `reason` says why and the Error describes it. Without `now_ms` the keyring's
// grace deadlines are not checked.
Result<std::vector<Message>> decode_datagram(std::string_view datagram, const Keyring* keyring,
                                             DropReason& reason);
Result<std::vector<Message>> decode_datagram(std::string_view datagram, const Keyring* keyring,
                                             std::uint64_t now_ms, DropReason& reason);
// Receivers already holding most records pass `skip`: asked with a record's name,
// incarnation and state (alive for alive messages), true leaves the record out of the
// result without decoding the rest of it (its msgpack structure is still checked). Most
// piggybacked and push-pull records are old news.
using SkipRecord =
    std::function<bool(std::string_view name, std::uint64_t incarnation, MemberState state)>;
Result<std::vector<Message>> decode_datagram(std::string_view datagram, const Keyring* keyring,
                                             std::uint64_t now_ms, DropReason& reason,
                                             const SkipRecord& skip);

// The envelope of a push-pull stream frame (without the length prefix the transport adds).
std::string encode_stream_frame(const PushPull& message, const Keyring* keyring);
// Decodes a push-pull stream frame envelope of at most `max_bytes`; it must hold exactly
// one push_pull message. Same sealing rules and drop reasons as datagrams.
Result<PushPull> decode_stream_frame(std::string_view frame, const Keyring* keyring,
                                     std::uint64_t now_ms, std::size_t max_bytes,
                                     DropReason& reason, const SkipRecord& skip = {});

// Decodes the body (msgpack array of messages) of an opened datagram or frame.
Result<std::vector<Message>> decode_body(std::string_view body, DropReason& reason);
Result<std::vector<Message>> decode_body(std::string_view body, DropReason& reason,
                                         const SkipRecord& skip);

// The compact endpoint form of gossip_format.hpp: ":<port>" when `endpoint` is exactly
// "<scheme>://<host of gossip_address>:<port>", else `endpoint` itself.
std::string compact_endpoint(std::string_view endpoint, std::string_view scheme,
                             std::string_view gossip_address);
// The inverse; nullopt when the compact form cannot be expanded (no gossip host, no port).
std::optional<std::string> expand_endpoint(std::string_view text, std::string_view scheme,
                                           std::string_view gossip_address);

}  // namespace vsm::gossip
