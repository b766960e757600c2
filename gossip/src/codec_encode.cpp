// Encoder half of codec.hpp.
#include <cassert>
#include <map>
#include <type_traits>

#include "vsm/gossip/address.hpp"
#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/gossip_format.hpp"
#include "vsm/msgpack_writer.hpp"

namespace vsm::gossip {
namespace {

using format::MessageType;

// The stateless `record` of an alive message; a bare Member is written as a state_record.
struct AliveRecord {
  const Member& member;
};

// Writes each message as the msgpack array of gossip_format.hpp. Field counts are derived
// from the fields written, so a message cannot announce a different count than it sends.
class MessageEncoder {
 public:
  explicit MessageEncoder(std::string& out) : w_(out) {}

  void operator()(const Ping& m) { message(MessageType::kPing, m.seq, m.target, m.source); }
  void operator()(const PingReq& m) {
    message(MessageType::kPingReq, m.seq, m.target, m.target_address, m.source);
  }
  void operator()(const Ack& m) { message(MessageType::kAck, m.seq, m.source); }
  void operator()(const Nack& m) { message(MessageType::kNack, m.seq); }
  void operator()(const Alive& m) { message(MessageType::kAlive, AliveRecord{m.member}); }
  void operator()(const Suspect& m) {
    message(MessageType::kSuspect, m.name, m.incarnation, m.from);
  }
  void operator()(const Dead& m) { message(MessageType::kDead, m.name, m.incarnation, m.from); }
  void operator()(const Leave& m) { message(MessageType::kLeave, m.name, m.incarnation); }
  void operator()(const PushPull& m) {
    message(MessageType::kPushPull, m.request_id, m.flags, m.chunk, m.chunks, m.members);
  }
  void operator()(const Reach& m) {
    message(MessageType::kReach, m.origin, m.version, m.chunk, m.chunks, m.unreachable);
  }

 private:
  template <typename... Fields>
  void message(MessageType type, const Fields&... fields) {
    array(type, fields...);
  }
  template <typename... Fields>
  void array(const Fields&... fields) {
    w_.array_header(static_cast<std::uint32_t>(sizeof...(fields)));
    (put(fields), ...);
  }

  void put(std::uint64_t v) { w_.uint(v); }
  void put(std::string_view s) { w_.str(s); }
  void put(const std::string& s) { w_.str(s); }
  template <typename Enum>
  requires std::is_enum_v<Enum>  // message type, role and member state are all u8
  void put(Enum e) { w_.uint(static_cast<std::uint8_t>(e)); }
  void put(const Endpoints& e) {
    array(compact_endpoint(e.pub, format::kPubScheme, e.gossip),
          compact_endpoint(e.control, format::kControlScheme, e.gossip),
          compact_endpoint(e.dish, format::kDishScheme, e.gossip), std::string_view(e.gossip));
  }
  void put(const std::map<std::string, std::string>& tags) {
    w_.map_header(static_cast<std::uint32_t>(tags.size()));
    for (const auto& [k, v] : tags) {
      put(k);
      put(v);
    }
  }
  void put(const AliveRecord& r) {
    const Member& m = r.member;
    array(m.name, m.incarnation, m.role, m.endpoints, m.tags);
  }
  void put(const Member& m) {  // state_record
    array(m.name, m.incarnation, m.state, m.role, m.endpoints, m.tags);
  }
  template <typename T>
  void put(const std::vector<T>& items) {
    w_.array_header(static_cast<std::uint32_t>(items.size()));
    for (const T& item : items) put(item);
  }

  MsgpackWriter w_;
};

std::size_t array_header_bytes(std::size_t n) noexcept {
  if (n < 16) return 1;
  return n <= 0xffff ? 3 : 5;
}

}  // namespace

void encode_message(const Message& message, std::string& out) {
  std::visit(MessageEncoder{out}, message);
}

std::string encode_message(const Message& message) {
  std::string out;
  encode_message(message, out);
  return out;
}

std::size_t datagram_overhead(std::size_t message_count, bool sealed) noexcept {
  return format::kPlainHeaderBytes + array_header_bytes(message_count) +
         (sealed ? format::kSealOverheadBytes : 0);
}

std::string compact_endpoint(std::string_view endpoint, std::string_view scheme,
                             std::string_view gossip_address) {
  const EndpointParts p = split_endpoint(endpoint);
  const std::string_view host = address_host(gossip_address);
  if (!p.has_host || p.scheme != scheme || host.empty() || p.host != host) {
    return std::string(endpoint);
  }
  return ":" + std::string(p.port);
}

std::string encode_stream_frame(const PushPull& message, const Keyring* keyring) {
  return encode_datagram({encode_message(message)}, keyring);
}

std::string encode_datagram(const std::vector<std::string>& messages, const Keyring* keyring) {
  assert(!messages.empty());
  std::string joined;
  for (const auto& m : messages) joined += m;
  return encode_datagram(messages.size(), joined, keyring);
}

std::string encode_datagram(std::size_t count, std::string_view messages, const Keyring* keyring) {
  assert(count > 0);
  std::string body;
  body.reserve(messages.size() + 5);
  MsgpackWriter w(body);
  w.array_header(static_cast<std::uint32_t>(count));
  w.raw(messages);
  if (keyring != nullptr) return keyring->seal(body);
  std::string out;
  out.reserve(format::kPlainHeaderBytes + body.size());
  out.push_back(static_cast<char>(format::kMagic0));
  out.push_back(static_cast<char>(format::kMagic1));
  out.push_back(static_cast<char>(format::kVersion));
  out.push_back(0);
  out += body;
  return out;
}

}  // namespace vsm::gossip
