#include "vsm/gossip/simulator.hpp"

namespace vsm::gossip {

Simulator::Simulator(SimulatorConfig config) : config_(std::move(config)), rng_(config_.seed) {}

std::size_t Simulator::add_node(std::string name, Role role, MembershipConfig config) {
  std::size_t i = nodes_.size();
  by_address_[name] = i;
  nodes_.push_back(Node{std::move(name), role, std::move(config), nullptr, nullptr, false});
  reset_node(i);
  return i;
}

void Simulator::reset_node(std::size_t i) {
  Node& n = nodes_[i];
  Member self;
  self.name = n.name;
  self.role = n.role;
  self.endpoints.gossip = n.name;
  self.endpoints.pub = "tcp://" + n.name + ":1";
  n.membership = std::make_unique<Membership>(n.config, std::move(self), rng_());
  if (config_.partition_detection) {
    n.detector = std::make_unique<PartitionDetector>(config_.partition, n.name);
  }
}

void Simulator::join(std::size_t node, const std::vector<std::size_t>& seeds) {
  std::vector<std::string> addresses;
  for (std::size_t s : seeds) {
    if (s != node) addresses.push_back(nodes_.at(s).name);
  }
  nodes_.at(node).running = true;
  nodes_[node].membership->join(now_ms_, std::move(addresses));
  drain(node);
}

void Simulator::crash(std::size_t node) { nodes_.at(node).running = false; }

void Simulator::restart(std::size_t node, const std::vector<std::size_t>& seeds) {
  reset_node(node);
  join(node, seeds);
}

void Simulator::leave(std::size_t node) {
  nodes_.at(node).membership->leave(now_ms_);
  drain(node);
}

void Simulator::set_groups(std::vector<int> group) { groups_ = std::move(group); }

bool Simulator::can_talk(std::size_t a, std::size_t b) const {
  if (groups_.empty()) return true;
  return groups_.at(a) == groups_.at(b);
}

void Simulator::drain(std::size_t i) {
  Node& n = nodes_[i];
  for (auto& d : n.membership->take_datagrams()) {
    stats_.datagrams_sent++;
    stats_.bytes_sent += d.bytes.size();
    stats_.max_datagram_bytes = std::max<std::uint64_t>(stats_.max_datagram_bytes, d.bytes.size());
    auto to = by_address_.find(d.address);
    if (to == by_address_.end() || !can_talk(i, to->second)) {
      stats_.datagrams_partitioned++;
      continue;
    }
    if (config_.loss > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < config_.loss) {
      stats_.datagrams_lost++;
      continue;
    }
    std::uint64_t delay = std::uniform_int_distribution<std::uint64_t>(
        config_.min_delay_ms, std::max(config_.min_delay_ms, config_.max_delay_ms))(rng_);
    in_flight_.push({now_ms_ + delay, order_++, to->second, i, std::move(d.bytes)});
  }
  for (auto& e : n.membership->take_events()) {
    if (event_hook_) event_hook_(i, now_ms_, e);
  }
}

void Simulator::step() {
  const std::uint64_t until = now_ms_ + config_.tick_ms;
  while (!in_flight_.empty() && in_flight_.top().at_ms <= until) {
    InFlight f = in_flight_.top();
    in_flight_.pop();
    now_ms_ = std::max(now_ms_, f.at_ms);
    Node& to = nodes_[f.to];
    // Partitions also cut datagrams already in flight; crashed nodes receive nothing.
    if (!to.running || !can_talk(f.from, f.to)) {
      stats_.datagrams_partitioned++;
      continue;
    }
    to.membership->receive(now_ms_, nodes_[f.from].name, f.bytes);
    drain(f.to);
  }
  now_ms_ = until;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i].running) continue;
    nodes_[i].membership->tick(now_ms_);
    drain(i);
  }
  if (!config_.partition_detection || now_ms_ < next_eval_ms_) return;
  next_eval_ms_ = now_ms_ + config_.partition_eval_interval_ms;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    Node& n = nodes_[i];
    if (!n.running) continue;
    auto ev = n.detector->evaluate(now_ms_, n.membership->members(),
                                   n.membership->local_unreachable(),
                                   n.membership->reach_reports());
    if (ev && partition_hook_) partition_hook_(i, now_ms_, *ev);
  }
}

void Simulator::run_for(std::uint64_t ms) {
  const std::uint64_t end = now_ms_ + ms;
  while (now_ms_ < end) step();
}

bool Simulator::run_until(const std::function<bool()>& done, std::uint64_t max_ms) {
  const std::uint64_t end = now_ms_ + max_ms;
  while (!done()) {
    if (now_ms_ >= end) return false;
    step();
  }
  return true;
}

bool Simulator::converged() const {
  std::size_t running = 0;
  for (const Node& n : nodes_) running += n.running ? 1 : 0;
  for (const Node& n : nodes_) {
    if (!n.running) continue;
    if (n.membership->live_count() != running) return false;
  }
  // live_count() could match with a wrong set; confirm every running node is alive.
  for (const Node& n : nodes_) {
    if (!n.running) continue;
    for (const Node& other : nodes_) {
      if (!other.running) continue;
      const Member* m = n.membership->find(other.name);
      if (m == nullptr || m->state != MemberState::kAlive) return false;
    }
  }
  return true;
}

std::size_t Simulator::observers_seeing(const std::string& name, MemberState state) const {
  std::size_t count = 0;
  for (const Node& n : nodes_) {
    if (!n.running || n.name == name) continue;
    const Member* m = n.membership->find(name);
    if (m != nullptr && m->state == state) ++count;
  }
  return count;
}

}  // namespace vsm::gossip
