#include "vsm/gossip/member.hpp"

#include "vsm/gossip/stats.hpp"

namespace vsm::gossip {

std::string_view member_state_name(MemberState state) noexcept {
  switch (state) {
    case MemberState::kAlive: return "alive";
    case MemberState::kSuspect: return "suspect";
    case MemberState::kDead: return "dead";
    case MemberState::kLeft: return "left";
  }
  return "unknown";
}

std::string_view member_event_name(MemberEventKind kind) noexcept {
  switch (kind) {
    case MemberEventKind::kJoined: return "joined";
    case MemberEventKind::kUpdated: return "updated";
    case MemberEventKind::kSuspect: return "suspect";
    case MemberEventKind::kAlive: return "alive";
    case MemberEventKind::kDead: return "dead";
    case MemberEventKind::kLeft: return "left";
  }
  return "unknown";
}

std::string_view drop_reason_name(DropReason reason) noexcept {
  switch (reason) {
    case DropReason::kTruncated: return "truncated";
    case DropReason::kOversized: return "oversized";
    case DropReason::kBadMagic: return "bad_magic";
    case DropReason::kBadVersion: return "bad_version";
    case DropReason::kMalformed: return "malformed";
    case DropReason::kUnknownType: return "unknown_type";
    case DropReason::kUnknownKey: return "unknown_key";
    case DropReason::kAuthFailed: return "auth_failed";
    case DropReason::kNotSealed: return "not_sealed";
    case DropReason::kSealedNoKey: return "sealed_no_key";
    case DropReason::kNotAllowed: return "not_allowed";
    case DropReason::kKeyExpired: return "key_expired";
  }
  return "unknown";
}

}  // namespace vsm::gossip
