#include "control/control_wiring.hpp"

#include "control/control_query.hpp"
#include "telemetry/telemetry_codec.hpp"
#include "control/variety_ops.hpp"
#include "vsm/msgpack_writer.hpp"

namespace vsm::detail {

Status ControlWiring::start(ControlSources sources) {
  if (config_.control_bind.empty()) return {};
  src_ = std::move(sources);
  ControlHandlers h;
  h.stats = src_.stats;
  // Replay and query see everything published before the request arrived.
  h.replay = [this](Channel c, std::uint64_t from, std::uint64_t to, std::size_t max) {
    src_.publish->flush();
    return src_.publish->replay_slice(c, from, to, max);
  };
  h.info = [this](std::string& out, std::uint32_t& fields) { encode_info(out, fields); };
  h.members = [this](std::string& out, std::uint32_t& fields) { encode_members(out, fields); };
  h.health = [this](std::string& out, std::uint32_t& fields) { encode_health(out, fields); };
  h.recent = [this](std::string& out, std::uint32_t& fields) { encode_recent(out, fields); };
  h.query = [this](const QueryRequest& q) {
    src_.publish->flush();
    return src_.log->enabled() ? src_.log->query(q)
                               : query_ring(src_.publish->ring(), config_.name, q);
  };
  add_variety_ops(h, *src_.chaos, *src_.membership);
  ReplyLimits limits;
  limits.client_replies = config_.control_max_client_replies;
  limits.client_bytes = config_.control_max_client_reply_bytes;
  limits.total_bytes = config_.control_max_reply_bytes;
  server_ = std::make_unique<ControlServer>(ctx_, std::move(h), limits, [this](zmq::socket_t& s) {
    security_.make_server(s, kZapDomainControl);
  });
  return server_->start(config_.control_bind);
}

void ControlWiring::fill_stats(NodeStats& s) const {
  if (!server_) return;
  const ControlCounters c = server_->counters();
  s.control_busy = c.busy;
  s.control_dropped = c.dropped;
  s.control_reply_bytes = c.reply_bytes;
}

void ControlWiring::encode_members(std::string& out, std::uint32_t& fields) const {
  MsgpackWriter w(out);
  MembershipBridge* bridge = src_.membership->bridge();
  const auto members = bridge ? bridge->members() : std::vector<gossip::Member>{};
  const auto breakers = src_.reliable->breaker_states();
  w.str("members");
  w.array_header(static_cast<std::uint32_t>(members.size()));
  for (const auto& m : members) {
    w.map_header(9);
    w.str("name"); w.str(m.name);
    w.str("state"); w.str(gossip::member_state_name(m.state));
    w.str("incarnation"); w.uint(m.incarnation);
    w.str("role"); w.str(role_name(m.role));
    w.str("pub"); w.str(m.endpoints.pub);
    w.str("control"); w.str(m.endpoints.control);
    w.str("dish"); w.str(m.endpoints.dish);
    w.str("gossip"); w.str(m.endpoints.gossip);
    // Gap-repair circuit towards this member ("closed" when never repaired from).
    auto b = breakers.find(m.name);
    w.str("breaker"); w.str(breaker_state_name(b == breakers.end() ? BreakerState::kClosed : b->second));
  }
  const auto view = bridge ? bridge->partition_view() : gossip::PartitionView{};
  w.str("partition"); w.str(gossip::partition_state_name(view.state));
  w.str("reason"); w.str(view.reason);
  w.str("sides");
  w.array_header(static_cast<std::uint32_t>(view.partitions.size()));
  for (const auto& p : view.partitions) {
    w.array_header(static_cast<std::uint32_t>(p.members.size()));
    for (const auto& m : p.members) w.str(m);
  }
  w.str("quorum"); w.boolean(view.quorum);
  fields += 5;
  encode_partition_extras(view, out, fields);  // variety: strategy, one_way
}

void ControlWiring::encode_health(std::string& out, std::uint32_t& fields) const {
  const HealthReport h = src_.stats().health;
  MsgpackWriter w(out);
  w.str("state"); w.str(viability_name(h.state));
  w.str("code"); w.uint(static_cast<std::uint64_t>(h.state));
  w.str("reasons");
  w.array_header(static_cast<std::uint32_t>(h.reasons.size()));
  for (const auto& r : h.reasons) w.str(r);
  w.str("node"); w.str(config_.name);
  w.str("role"); w.str(role_name(config_.role));
  fields += 5;
}

void ControlWiring::encode_recent(std::string& out, std::uint32_t& fields) const {
  MsgpackWriter w(out);
  const auto reports = src_.telemetry->recent();
  w.str("telemetry");
  w.array_header(static_cast<std::uint32_t>(reports.size()));
  for (const auto& t : reports) encode_telemetry(t, out);
  const auto alerts = src_.telemetry->recent_alerts();
  w.str("alerts");
  w.array_header(static_cast<std::uint32_t>(alerts.size()));
  for (const auto& a : alerts) {
    w.map_header(7);
    w.str("id"); w.str(a.id);
    w.str("ms"); w.uint(a.wall_ms);
    w.str("source"); w.str(a.source);
    w.str("severity"); w.str(severity_name(a.severity));
    w.str("signal"); w.str(signal_name(a.signal));
    w.str("description"); w.str(a.description);
    w.str("raised"); w.boolean(a.raised_here);
  }
  fields += 2;
}

void ControlWiring::encode_info(std::string& out, std::uint32_t& fields) const {
  MsgpackWriter w(out);
  w.str("name"); w.str(config_.name);
  w.str("role"); w.str(role_name(config_.role));
  w.str("instance"); w.str(src_.instance);
  w.str("control"); w.str(endpoint());
  const auto eps = src_.publish->endpoints();
  w.str("pub");
  w.array_header(static_cast<std::uint32_t>(eps.size()));
  for (const auto& e : eps) w.str(e);
  w.str("version"); w.str(VSM_PROJECT_VERSION);
  fields += 6;
}

}  // namespace vsm::detail
