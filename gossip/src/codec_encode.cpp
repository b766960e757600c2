// Encoder half of codec.hpp.
#include <cassert>

#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/gossip_format.hpp"
#include "vsm/msgpack_writer.hpp"

namespace vsm::gossip {
namespace {

using format::MessageType;

void put_type(MsgpackWriter& w, std::uint32_t fields, MessageType type) {
  w.array_header(fields + 1);
  w.uint(static_cast<std::uint8_t>(type));
}

void put_endpoints_and_tags(MsgpackWriter& w, const Member& m) {
  w.array_header(4);
  w.str(m.endpoints.pub);
  w.str(m.endpoints.control);
  w.str(m.endpoints.dish);
  w.str(m.endpoints.gossip);
  w.map_header(static_cast<std::uint32_t>(m.tags.size()));
  for (const auto& [k, v] : m.tags) {
    w.str(k);
    w.str(v);
  }
}

struct Encoder {
  MsgpackWriter& w;

  void operator()(const Ping& m) {
    put_type(w, 3, MessageType::kPing);
    w.uint(m.seq);
    w.str(m.target);
    w.str(m.source);
  }
  void operator()(const PingReq& m) {
    put_type(w, 4, MessageType::kPingReq);
    w.uint(m.seq);
    w.str(m.target);
    w.str(m.target_address);
    w.str(m.source);
  }
  void operator()(const Ack& m) {
    put_type(w, 2, MessageType::kAck);
    w.uint(m.seq);
    w.str(m.source);
  }
  void operator()(const Nack& m) {
    put_type(w, 1, MessageType::kNack);
    w.uint(m.seq);
  }
  void operator()(const Alive& m) {
    put_type(w, 1, MessageType::kAlive);
    w.array_header(5);
    w.str(m.member.name);
    w.uint(m.member.incarnation);
    w.uint(static_cast<std::uint8_t>(m.member.role));
    put_endpoints_and_tags(w, m.member);
  }
  void operator()(const Suspect& m) {
    put_type(w, 3, MessageType::kSuspect);
    w.str(m.name);
    w.uint(m.incarnation);
    w.str(m.from);
  }
  void operator()(const Dead& m) {
    put_type(w, 3, MessageType::kDead);
    w.str(m.name);
    w.uint(m.incarnation);
    w.str(m.from);
  }
  void operator()(const Leave& m) {
    put_type(w, 2, MessageType::kLeave);
    w.str(m.name);
    w.uint(m.incarnation);
  }
  void operator()(const PushPull& m) {
    put_type(w, 5, MessageType::kPushPull);
    w.uint(m.request_id);
    w.uint(m.flags);
    w.uint(m.chunk);
    w.uint(m.chunks);
    w.array_header(static_cast<std::uint32_t>(m.members.size()));
    for (const Member& r : m.members) {
      w.array_header(6);
      w.str(r.name);
      w.uint(r.incarnation);
      w.uint(static_cast<std::uint8_t>(r.state));
      w.uint(static_cast<std::uint8_t>(r.role));
      put_endpoints_and_tags(w, r);
    }
  }
  void operator()(const Reach& m) {
    put_type(w, 5, MessageType::kReach);
    w.str(m.origin);
    w.uint(m.version);
    w.uint(m.chunk);
    w.uint(m.chunks);
    w.array_header(static_cast<std::uint32_t>(m.unreachable.size()));
    for (const auto& n : m.unreachable) w.str(n);
  }
};

std::size_t array_header_bytes(std::size_t n) noexcept {
  if (n < 16) return 1;
  return n <= 0xffff ? 3 : 5;
}

}  // namespace

void encode_message(const Message& message, std::string& out) {
  MsgpackWriter w(out);
  std::visit(Encoder{w}, message);
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

std::string encode_datagram(const std::vector<std::string>& messages, const Keyring* keyring) {
  assert(!messages.empty());
  std::string body;
  MsgpackWriter w(body);
  w.array_header(static_cast<std::uint32_t>(messages.size()));
  for (const auto& m : messages) w.raw(m);
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
