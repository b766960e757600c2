// A cluster member as seen by gossip: identity, liveness state and advertised endpoints.
// Plain values; safe to copy between threads.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "vsm/role.hpp"

namespace vsm::gossip {

// Advertised addresses. `gossip` is the UDP "host:port" other members send datagrams to.
struct Endpoints {
  std::string pub;
  std::string control;
  std::string dish;
  std::string gossip;
  friend bool operator==(const Endpoints&, const Endpoints&) = default;
};

enum class MemberState : std::uint8_t { kAlive = 1, kSuspect = 2, kDead = 3, kLeft = 4 };

// "alive", "suspect", "dead", "left".
std::string_view member_state_name(MemberState state) noexcept;

struct Member {
  std::string name;
  std::uint64_t incarnation = 0;
  MemberState state = MemberState::kAlive;
  Role role = Role::kS1;
  Endpoints endpoints;
  std::map<std::string, std::string> tags;
  std::uint64_t state_change_ms = 0;  // local time of the last state change
};

enum class MemberEventKind : std::uint8_t {
  kJoined = 1,   // new member, or a dead/left member that came back
  kUpdated = 2,  // endpoints, role or tags changed (incarnation bump)
  kSuspect = 3,  // alive -> suspect
  kAlive = 4,    // suspect -> alive (refuted)
  kDead = 5,     // declared dead by the failure detector
  kLeft = 6,     // left gracefully
};

// "joined", "updated", "suspect", "alive", "dead", "left".
std::string_view member_event_name(MemberEventKind kind) noexcept;

struct MemberEvent {
  MemberEventKind kind;
  Member member;  // the record after the change
};

}  // namespace vsm::gossip
