#include "vsm/gossip/simulator.hpp"

#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/gossip_format.hpp"

namespace vsm::gossip {

Simulator::Simulator(SimulatorConfig config) : config_(std::move(config)), rng_(config_.seed) {}

std::size_t Simulator::add_node(std::string name, Role role, MembershipConfig config) {
  std::size_t i = nodes_.size();
  by_address_[name] = i;
  nodes_.push_back(Node{std::move(name), role, std::move(config), nullptr, nullptr, false, 0});
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
  n.membership.reset();  // release its records before the new one interns them again
  n.membership = std::make_unique<Membership>(n.config, std::move(self), rng_(), pool_);
  n.generation++;
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

void Simulator::bootstrap() {
  PushPull everyone{0, format::kPushPullJoin | format::kPushPullReply, 0, 1, {}};
  everyone.members.reserve(nodes_.size());
  for (const Node& n : nodes_) everyone.members.push_back(n.membership->self());
  std::map<std::uint64_t, std::string> frames;  // plain replies by request id
  const std::string seed = "(bootstrap)";
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    Node& n = nodes_[i];
    n.running = true;
    n.membership->join(now_ms_, {seed});
    for (StreamRequest& r : n.membership->take_stream_requests()) {
      const Keyring* keyring = n.membership->keyring();
      std::string sealed;
      if (keyring != nullptr) {
        everyone.request_id = r.id;
        sealed = encode_stream_frame(everyone, keyring);
      } else if (frames.count(r.id) == 0) {
        everyone.request_id = r.id;
        frames[r.id] = encode_stream_frame(everyone, nullptr);
      }
      n.membership->stream_reply(now_ms_, r.id, keyring != nullptr ? sealed : frames[r.id]);
    }
    drain(i);
  }
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
  if (one_way_.count({a, b}) != 0) return false;
  if (groups_.empty()) return true;
  return groups_.at(a) == groups_.at(b);
}

std::uint64_t Simulator::delay() {
  return std::uniform_int_distribution<std::uint64_t>(
      config_.min_delay_ms, std::max(config_.min_delay_ms, config_.max_delay_ms))(rng_);
}

void Simulator::schedule(InFlight f) {
  f.order = order_++;
  in_flight_.push(std::move(f));
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
    schedule({now_ms_ + delay(), 0, to->second, i, std::move(d.bytes)});
  }
  drain_streams(i);
  for (auto& e : n.membership->take_events()) {
    if (event_hook_) event_hook_(i, now_ms_, e);
  }
}

// Streams are reliable; they fail after the requester's timeout when there is no route
// to the peer, and after one delay when the peer process is down (connection refused).
void Simulator::drain_streams(std::size_t i) {
  Node& n = nodes_[i];
  for (auto& r : n.membership->take_stream_requests()) {
    stats_.stream_exchanges++;
    stats_.stream_bytes += r.frame.size();
    auto to = by_address_.find(r.address);
    if (to == by_address_.end() || !can_talk(i, to->second)) {
      stats_.stream_failures++;
      schedule({now_ms_ + n.config.push_pull_timeout_ms, 0, i, i, {}, Kind::kStreamFailed, r.id,
                n.generation});
      continue;
    }
    schedule({now_ms_ + delay(), 0, to->second, i, std::move(r.frame), Kind::kStreamRequest, r.id,
              n.generation});
  }
}

void Simulator::deliver_stream(InFlight& f) {
  Node& to = nodes_[f.to];
  if (f.kind == Kind::kStreamRequest) {
    const Node& from = nodes_[f.from];
    InFlight back{now_ms_ + delay(), 0, f.from, f.to, {}, Kind::kStreamFailed, f.stream_id,
                  f.generation};
    if (!can_talk(f.from, f.to)) {
      back.at_ms = now_ms_ + from.config.push_pull_timeout_ms;
    } else if (to.running) {
      if (auto reply = to.membership->handle_stream(now_ms_, from.name, f.bytes)) {
        stats_.stream_bytes += reply->size();
        back.kind = Kind::kStreamReply;
        back.bytes = std::move(*reply);
      }
      drain(f.to);
    }
    if (back.kind == Kind::kStreamFailed) stats_.stream_failures++;
    schedule(std::move(back));
    return;
  }
  // Reply or failure for the requester, unless it crashed or restarted meanwhile.
  if (!to.running || to.generation != f.generation) return;
  if (f.kind == Kind::kStreamReply && can_talk(f.from, f.to)) {
    to.membership->stream_reply(now_ms_, f.stream_id, f.bytes);
  } else {
    if (f.kind == Kind::kStreamReply) stats_.stream_failures++;
    to.membership->stream_failed(now_ms_, f.stream_id);
  }
  drain(f.to);
}

void Simulator::deliver(InFlight& f) {
  if (f.kind != Kind::kDatagram) {
    deliver_stream(f);
    return;
  }
  Node& to = nodes_[f.to];
  // Partitions also cut datagrams already in flight; crashed nodes receive nothing.
  if (!to.running || !can_talk(f.from, f.to)) {
    stats_.datagrams_partitioned++;
    return;
  }
  to.membership->receive(now_ms_, nodes_[f.from].name, f.bytes);
  drain(f.to);
}

void Simulator::step() {
  const std::uint64_t until = now_ms_ + config_.tick_ms;
  while (!in_flight_.empty() && in_flight_.top().at_ms <= until) {
    // Moving out of top() is safe: pop() only compares at_ms/order, which a move keeps.
    InFlight f = std::move(const_cast<InFlight&>(in_flight_.top()));
    in_flight_.pop();
    now_ms_ = std::max(now_ms_, f.at_ms);
    deliver(f);
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
                                   n.membership->reach_reports(),
                                   n.membership->one_way_links(now_ms_));
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
    if (n.running && n.membership->live_count() != running) return false;
  }
  // live_count() could match with a wrong set; confirm every running node is alive.
  for (const Node& n : nodes_) {
    if (!n.running) continue;
    for (const Node& other : nodes_) {
      if (other.running && n.membership->state_of(other.name) != MemberState::kAlive) return false;
    }
  }
  return true;
}

std::size_t Simulator::observers_seeing(const std::string& name, MemberState state) const {
  std::size_t count = 0;
  for (const Node& n : nodes_) {
    if (!n.running || n.name == name) continue;
    if (n.membership->state_of(name) == state) ++count;
  }
  return count;
}

}  // namespace vsm::gossip
