// Encoding and decoding of gossip messages and datagrams (format in gossip_format.hpp).
// Decoding never throws or crashes on untrusted bytes; it uses vsm::MsgpackReader.
// Thread-safety: free functions over caller-owned data.
#pragma once

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

// Bytes a datagram adds around the encoded messages (header, array header, sealing).
std::size_t datagram_overhead(std::size_t message_count, bool sealed) noexcept;

// Decodes a datagram. With a keyring only sealed datagrams are accepted; without one
// only plain datagrams. On failure `reason` says why and the Error describes it.
Result<std::vector<Message>> decode_datagram(std::string_view datagram, const Keyring* keyring,
                                             DropReason& reason);

// Decodes the body (msgpack array of messages) of an opened datagram.
Result<std::vector<Message>> decode_body(std::string_view body, DropReason& reason);

}  // namespace vsm::gossip
