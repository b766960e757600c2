// NodeCore's control plane: the ControlServer wiring and what it serves.
#include "control_query.hpp"
#include "node_core.hpp"
#include "vsm/msgpack_writer.hpp"

namespace vsm::detail {

Status NodeCore::start_control() {
  if (config_.control_bind.empty()) return {};
  ControlHandlers h;
  h.stats = [this] { return stats(); };
  h.replay = [this](Channel c, std::uint64_t from, std::uint64_t to, std::size_t max) {
    return replay_slice(c, from, to, max);
  };
  h.info = [this](std::string& out, std::uint32_t& fields) { encode_info(out, fields); };
  h.members = [this](std::string& out, std::uint32_t& fields) { encode_members(out, fields); };
  h.query = [this](const QueryRequest& q) {
    return log_ ? query_log(*log_, q) : query_ring(ring_, config_.name, q);
  };
  control_ = std::make_unique<ControlServer>(ctx_, std::move(h));
  return control_->start(config_.control_bind);
}

std::string NodeCore::control_endpoint() const {
  return control_ ? control_->endpoint() : std::string();
}

ReplaySlice NodeCore::replay_slice(Channel channel, std::uint64_t from, std::uint64_t to,
                                   std::size_t max) const {
  ReplaySlice slice;
  slice.last = last_seq_[channel_index(channel)].load(std::memory_order_relaxed);
  slice.events = ring_.range(channel, from, to, max, &slice.oldest);
  const bool ring_covers = !slice.events.empty() && slice.oldest <= from;
  if (log_ && !ring_covers) log_slice(channel, from, to, max, slice);
  return slice;
}

void NodeCore::encode_members(std::string& out, std::uint32_t& fields) const {
  MsgpackWriter w(out);
  const auto members = membership_ ? membership_->members() : std::vector<gossip::Member>{};
  const auto breakers = repairs_ ? repairs_->breaker_states() : std::map<std::string, BreakerState>{};
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
  const auto view = membership_ ? membership_->partition_view() : gossip::PartitionView{};
  w.str("partition"); w.str(gossip::partition_state_name(view.state));
  w.str("reason"); w.str(view.reason);
  fields += 3;
}

void NodeCore::encode_info(std::string& out, std::uint32_t& fields) const {
  MsgpackWriter w(out);
  w.str("name"); w.str(config_.name);
  w.str("role"); w.str(role_name(config_.role));
  w.str("instance"); w.str(instance_);
  w.str("control"); w.str(control_endpoint());
  const auto eps = endpoints();
  w.str("pub");
  w.array_header(static_cast<std::uint32_t>(eps.size()));
  for (const auto& e : eps) w.str(e);
  w.str("version"); w.str(VSM_PROJECT_VERSION);
  fields += 6;
}

}  // namespace vsm::detail
