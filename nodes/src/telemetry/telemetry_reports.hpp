// Telemetry reports built from what the node's components tell it (gossip member and
// partition events, raised alerts and their delivery reports). Pure conversions, so that
// each report's form has a deterministic test; node, seq and wall_ms are filled in when
// the report is published (telemetry_hub.hpp). Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>

#include "vsm/algedonic.hpp"
#include "vsm/gossip/member.hpp"
#include "vsm/gossip/partition_detector.hpp"
#include "vsm/telemetry.hpp"

namespace vsm::detail {

// member_joined/_updated/_suspect/_alive/_dead/_left: subject = the member, state = its
// member state, values "incarnation"; reason = role.
TelemetryEvent member_report(const gossip::MemberEvent& event);
// partition: state/previous = partition states, reason, sides = each partition's members,
// values "partitions", "quorum" (0/1), "local_members".
TelemetryEvent partition_report(const gossip::PartitionEvent& event);
// algedonic_raised: subject = the alert id, state = severity, reason = "<signal>:
// <description>", values "seq", "data_plane" (0/1).
TelemetryEvent alert_raised_report(const AlgedonicReceipt& receipt, Severity severity,
                                   Signal signal, const std::string& description);
// algedonic_confirmed when every peer acknowledged; algedonic_unconfirmed otherwise, also
// for an alert raised with no peer at all (reason "no algedonic peers"); subject = the
// alert id, values "peers", "delivered", "latency_max_us".
TelemetryEvent alert_settled_report(const DeliveryReport& report);

}  // namespace vsm::detail
