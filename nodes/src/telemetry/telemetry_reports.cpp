#include "telemetry/telemetry_reports.hpp"

#include <algorithm>

#include "vsm/role.hpp"

namespace vsm::detail {
namespace {

TelemetryKind member_kind(gossip::MemberEventKind k) {
  using K = gossip::MemberEventKind;
  switch (k) {
    case K::kJoined: return TelemetryKind::kMemberJoined;
    case K::kUpdated: return TelemetryKind::kMemberUpdated;
    case K::kSuspect: return TelemetryKind::kMemberSuspect;
    case K::kAlive: return TelemetryKind::kMemberAlive;
    case K::kDead: return TelemetryKind::kMemberDead;
    case K::kLeft: return TelemetryKind::kMemberLeft;
  }
  return TelemetryKind::kMemberUpdated;
}

}  // namespace

TelemetryEvent member_report(const gossip::MemberEvent& e) {
  TelemetryEvent t;
  t.kind = member_kind(e.kind);
  t.subject = e.member.name;
  t.state = gossip::member_state_name(e.member.state);
  t.reason = std::string(role_name(e.member.role));
  t.values["incarnation"] = static_cast<double>(e.member.incarnation);
  return t;
}

TelemetryEvent partition_report(const gossip::PartitionEvent& e) {
  TelemetryEvent t;
  t.kind = TelemetryKind::kPartition;
  t.state = gossip::partition_state_name(e.to);
  t.previous = gossip::partition_state_name(e.from);
  t.reason = e.view.reason;
  for (const auto& p : e.view.partitions) t.sides.push_back(p.members);
  t.values["partitions"] = static_cast<double>(e.view.partitions.size());
  t.values["quorum"] = e.view.quorum ? 1.0 : 0.0;
  if (e.view.local < e.view.partitions.size()) {
    t.values["local_members"] = static_cast<double>(e.view.partitions[e.view.local].members.size());
  }
  return t;
}

TelemetryEvent alert_raised_report(const AlgedonicReceipt& r, Severity severity, Signal signal,
                                   const std::string& description) {
  TelemetryEvent t;
  t.kind = TelemetryKind::kAlgedonicRaised;
  t.subject = r.id.to_string();
  t.state = severity_name(severity);
  t.reason = std::string(signal_name(signal)) + ": " + description;
  t.values["seq"] = static_cast<double>(r.seq);
  t.values["data_plane"] = r.data_plane ? 1.0 : 0.0;
  return t;
}

TelemetryEvent alert_settled_report(const DeliveryReport& r) {
  TelemetryEvent t;
  const bool all = !r.peers.empty() && r.all_delivered();
  t.kind = all ? TelemetryKind::kAlgedonicConfirmed : TelemetryKind::kAlgedonicUnconfirmed;
  t.subject = r.id.to_string();
  std::int64_t max_us = 0;
  std::string silent;
  for (const auto& p : r.peers) {
    max_us = std::max<std::int64_t>(max_us, p.latency.count());
    if (!p.delivered) silent += (silent.empty() ? "" : ", ") + p.endpoint;
  }
  t.values["peers"] = static_cast<double>(r.peers.size());
  t.values["delivered"] = static_cast<double>(r.delivered_count());
  t.values["latency_max_us"] = static_cast<double>(max_us);
  if (r.peers.empty()) {
    t.reason = "no algedonic peers";
  } else if (!all) {
    t.reason = "no acknowledgement from " + silent + (r.closed ? " (node closing)" : "");
  }
  return t;
}

}  // namespace vsm::detail
