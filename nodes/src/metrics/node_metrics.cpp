#include "metrics/node_metrics.hpp"

#include <array>

#include "metrics/prometheus_text.hpp"

namespace vsm::detail {
namespace {

struct ChannelCounter {
  const char* name;
  const char* help;
  std::uint64_t ChannelStats::*field;
};

constexpr std::array<ChannelCounter, 9> kChannelCounters = {{
    {"vsm_events_published_total", "Events accepted by publish() (numbered, logged, sent)",
     &ChannelStats::published},
    {"vsm_events_sent_total", "Events written to the publish socket", &ChannelStats::sent},
    {"vsm_events_received_total", "Events decoded from the receive socket",
     &ChannelStats::received},
    {"vsm_events_delivered_total", "Events handed to a subscription", &ChannelStats::delivered},
    {"vsm_events_dropped_total", "Events lost: subscription overflow and sequence gaps",
     &ChannelStats::dropped},
    {"vsm_events_blocked_total", "Publishes refused by the channel flow rules",
     &ChannelStats::blocked},
    {"vsm_events_routed_total", "Publishes that passed the channel flow rules",
     &ChannelStats::routed},
    {"vsm_quota_delayed_total", "Publishes admitted after waiting for variety quota",
     &ChannelStats::quota_delayed},
    {"vsm_quota_rejected_total", "Publishes rejected by the variety quota",
     &ChannelStats::quota_rejected},
}};

PromLabels channel_label(Channel c) { return {{"channel", std::string(channel_name(c))}}; }

void channels(PrometheusText& t, const NodeStats& s) {
  for (const auto& c : kChannelCounters) {
    t.family(c.name, "counter", c.help);
    for (Channel ch : kAllChannels) t.sample(c.name, channel_label(ch), s.of(ch).*c.field);
  }
  t.family("vsm_variety_pressure_ratio", "gauge",
           "Fill of the fullest variety quota bucket of the channel, 0..1");
  for (Channel ch : kAllChannels) {
    t.sample("vsm_variety_pressure_ratio", channel_label(ch), s.of(ch).variety_pressure);
  }
  t.family("vsm_deliver_latency_seconds", "histogram",
           "Publish -> deliver latency of received events, from the event's HLC wall time "
           "(includes the clock offset between hosts)");
  for (Channel ch : kAllChannels) {
    t.histogram("vsm_deliver_latency_seconds", channel_label(ch), s.of(ch).latency);
  }
}

void gauge(PrometheusText& t, const char* name, const char* help, double v) {
  t.family(name, "gauge", help);
  t.sample(name, {}, v);
}

void counter(PrometheusText& t, const char* name, const char* help, std::uint64_t v) {
  t.family(name, "counter", help);
  t.sample(name, {}, v);
}

void node_wide(PrometheusText& t, const NodeStats& s) {
  gauge(t, "vsm_publish_queue_depth", "Encoded events waiting for the sender thread",
        static_cast<double>(s.publish_queue_depth));
  counter(t, "vsm_publish_queue_full_total", "publish() calls refused: queue full",
          s.publish_queue_full);
  counter(t, "vsm_decode_errors_total", "Malformed frames received and dropped", s.decode_errors);
  counter(t, "vsm_batch_frames_sent_total", "Frames that carried a batch of events",
          s.batches_sent);
  counter(t, "vsm_gap_events_total", "Events missing in per-publisher sequences", s.gap_events);
  counter(t, "vsm_duplicates_total", "Duplicate events dropped", s.duplicates);
  counter(t, "vsm_dead_letters_total", "Reliable ranges given up", s.dead_letters);
  counter(t, "vsm_repairs_requested_total", "Gap repair requests sent", s.repairs_requested);
  counter(t, "vsm_repairs_failed_total", "Gap repair requests that failed", s.repairs_failed);
  counter(t, "vsm_reconciled_events_total",
          "Events fetched after a partition healed and delivered (vsm.reconciled)",
          s.variety.reconciled_events);
  counter(t, "vsm_reconcile_failed_total", "Reconciliation fetches that failed",
          s.variety.reconcile_failed);
  counter(t, "vsm_reconcile_truncated_total",
          "Reconciliation ranges cut or left out by the per-announcement caps",
          s.variety.reconcile_truncated);
  gauge(t, "vsm_subscribers", "Remote subscriber nodes ready on this publisher",
        static_cast<double>(s.subscribers));
  gauge(t, "vsm_connected_publishers", "Publisher endpoints the receive socket is connected to",
        static_cast<double>(s.connected_publishers));
  t.family("vsm_repair_breaker_state", "gauge",
           "Gap-repair circuit breaker per publisher: 1 for its current state");
  for (const auto& [publisher, state] : s.repair_breakers) {
    for (BreakerState b : {BreakerState::kClosed, BreakerState::kOpen, BreakerState::kHalfOpen}) {
      t.sample("vsm_repair_breaker_state",
               {{"publisher", publisher}, {"state", std::string(breaker_state_name(b))}},
               std::uint64_t{state == b ? 1u : 0u});
    }
  }
}

void algedonic(PrometheusText& t, const AlgedonicStats& a) {
  counter(t, "vsm_algedonic_raised_total", "Alerts raised by this node", a.raised);
  counter(t, "vsm_algedonic_confirmed_total", "Peer deliveries of raised alerts acknowledged",
          a.confirmed);
  counter(t, "vsm_algedonic_unconfirmed_total", "Peer deliveries given up after the retries",
          a.unconfirmed);
  gauge(t, "vsm_algedonic_confirmation_ratio", "confirmed / (confirmed + unconfirmed)",
        a.confirmation_rate);
  t.family("vsm_algedonic_received_total", "counter",
           "Alerts received, by the path they took first");
  t.sample("vsm_algedonic_received_total", {{"path", "lane"}}, a.received_lane);
  t.sample("vsm_algedonic_received_total", {{"path", "data_plane"}}, a.received_data_plane);
  t.family("vsm_algedonic_confirm_latency_seconds", "histogram",
           "First send -> acknowledgement of an alert, per peer");
  t.histogram("vsm_algedonic_confirm_latency_seconds", {}, a.confirm_latency);
}

void gossip_counters(PrometheusText& t, const GossipNodeStats& g) {
  counter(t, "vsm_gossip_probes_sent_total", "Direct failure-detector probes sent", g.probes_sent);
  counter(t, "vsm_gossip_probes_failed_total", "Failure-detector probes that failed",
          g.probes_failed);
  counter(t, "vsm_gossip_push_pulls_total", "Push-pull exchanges started and answered",
          g.push_pulls);
  counter(t, "vsm_gossip_push_pull_failures_total", "Push-pull exchanges that failed",
          g.push_pull_failures);
  t.family("vsm_gossip_bytes_total", "counter", "Gossip bytes (datagrams and push-pull frames)");
  t.sample("vsm_gossip_bytes_total", {{"direction", "sent"}}, g.bytes_sent);
  t.sample("vsm_gossip_bytes_total", {{"direction", "received"}}, g.bytes_received);
}

void membership(PrometheusText& t, const MetricsSnapshot& m) {
  using gossip::MemberState;
  t.family("vsm_members", "gauge", "Gossip members known to this node, by state");
  for (MemberState st :
       {MemberState::kAlive, MemberState::kSuspect, MemberState::kDead, MemberState::kLeft}) {
    std::uint64_t n = 0;
    for (const auto& mem : m.members) n += mem.state == st ? 1 : 0;
    t.sample("vsm_members", {{"state", std::string(gossip::member_state_name(st))}}, n);
  }
  t.family("vsm_member_up", "gauge", "1 while the member is alive or suspect, 0 when dead or left");
  for (const auto& mem : m.members) {
    const bool up = mem.state == MemberState::kAlive || mem.state == MemberState::kSuspect;
    t.sample("vsm_member_up", {{"member", mem.name}, {"role", std::string(role_name(mem.role))}},
             std::uint64_t{up ? 1u : 0u});
  }
  using gossip::PartitionState;
  t.family("vsm_partition_state", "gauge", "Partition state of this node: 1 for the current one");
  for (PartitionState st :
       {PartitionState::kHealthy, PartitionState::kDegraded, PartitionState::kHealing}) {
    t.sample("vsm_partition_state", {{"state", std::string(gossip::partition_state_name(st))}},
             std::uint64_t{m.partition.state == st ? 1u : 0u});
  }
  gossip_counters(t, m.stats.gossip);
  gauge(t, "vsm_partitions", "Partitions (strongly connected components) seen",
        static_cast<double>(m.partition.partitions.size()));
  gauge(t, "vsm_partition_quorum", "1 when this node's partition has a quorum",
        m.partition.quorum ? 1.0 : 0.0);
}

void log(PrometheusText& t, const persist::LogStats& l) {
  gauge(t, "vsm_log_bytes", "Bytes in the event log's segments", static_cast<double>(l.bytes));
  gauge(t, "vsm_log_segments", "Segments of the event log", static_cast<double>(l.segments));
  counter(t, "vsm_log_appended_total", "Records appended since the log was opened", l.appended);
  counter(t, "vsm_log_write_errors_total", "Failed log writes, truncates and syncs",
          l.write_errors);
  gauge(t, "vsm_log_healthy", "1 while the last log write succeeded",
        l.health == persist::LogHealth::kHealthy ? 1.0 : 0.0);
  t.family("vsm_log_fsync_seconds", "histogram", "Duration of the event log's fdatasync calls");
  t.histogram("vsm_log_fsync_seconds", {}, l.sync_latency);
}

void telemetry(PrometheusText& t, const TelemetryStats& s) {
  counter(t, "vsm_telemetry_published_total", "Telemetry reports published", s.published);
  counter(t, "vsm_telemetry_suppressed_total", "Telemetry reports dropped by the rate limit",
          s.suppressed);
  counter(t, "vsm_telemetry_remote_received_total", "Other nodes' telemetry reports received",
          s.remote_received);
  counter(t, "vsm_telemetry_remote_dropped_total", "Other nodes' telemetry reports dropped",
          s.remote_dropped);
}

}  // namespace

std::string render_node_metrics(const MetricsSnapshot& m) {
  PrometheusText t;
  t.family("vsm_node_info", "gauge", "This node: name, VSM role and vsmfabric release");
  t.sample("vsm_node_info",
           {{"node", m.node}, {"role", std::string(role_name(m.role))}, {"version", m.version}},
           std::uint64_t{1});
  t.family("vsm_health_state", "gauge", "The node's health verdict: 1 for the current one");
  for (Viability v : {Viability::kViable, Viability::kDegraded, Viability::kNotViable}) {
    t.sample("vsm_health_state", {{"state", std::string(viability_name(v))}},
             std::uint64_t{m.stats.health.state == v ? 1u : 0u});
  }
  channels(t, m.stats);
  node_wide(t, m.stats);
  algedonic(t, m.stats.algedonic);
  if (m.gossip) membership(t, m);
  if (m.stats.log_enabled) log(t, m.stats.log);
  telemetry(t, m.stats.telemetry);
  return t.take();
}

}  // namespace vsm::detail
