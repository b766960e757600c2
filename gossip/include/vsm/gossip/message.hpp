// In-memory forms of the gossip messages of gossip_format.hpp. Plain values.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "vsm/gossip/member.hpp"

namespace vsm::gossip {

struct Ping {
  std::uint64_t seq = 0;
  std::string target;  // the name the sender expects to reach; mismatches are ignored
  std::string source;
};
struct PingReq {
  std::uint64_t seq = 0;
  std::string target;
  std::string target_address;
  std::string source;
};
struct Ack {
  std::uint64_t seq = 0;
  std::string source;
};
struct Nack {
  std::uint64_t seq = 0;
};
// `member.state` and `state_change_ms` are not on the wire for alive (always alive).
struct Alive {
  Member member;
};
struct Suspect {
  std::string name;
  std::uint64_t incarnation = 0;
  std::string from;
};
struct Dead {
  std::string name;
  std::uint64_t incarnation = 0;
  std::string from;
};
struct Leave {
  std::string name;
  std::uint64_t incarnation = 0;
};
// One chunk of a full-state exchange; chunks are independent and merged one by one.
struct PushPull {
  std::uint64_t request_id = 0;
  std::uint8_t flags = 0;  // format::kPushPullReply | format::kPushPullJoin
  std::uint32_t chunk = 0;
  std::uint32_t chunks = 1;
  std::vector<Member> members;
};
// One chunk of `origin`'s reachability report: the members it cannot reach.
struct Reach {
  std::string origin;
  std::uint64_t version = 0;
  std::uint32_t chunk = 0;
  std::uint32_t chunks = 1;
  std::vector<std::string> unreachable;
};

using Message = std::variant<Ping, PingReq, Ack, Nack, Alive, Suspect, Dead, Leave, PushPull, Reach>;

}  // namespace vsm::gossip
