#include "control/control_wiring.hpp"

#include "control/control_query.hpp"
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
  h.query = [this](const QueryRequest& q) {
    src_.publish->flush();
    return src_.log->enabled() ? src_.log->query(q)
                               : query_ring(src_.publish->ring(), config_.name, q);
  };
  add_variety_ops(h, *src_.chaos, *src_.membership);
  server_ = std::make_unique<ControlServer>(ctx_, std::move(h));
  return server_->start(config_.control_bind);
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
  fields += 3;
  encode_partition_extras(view, out, fields);  // variety: strategy, one_way
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
