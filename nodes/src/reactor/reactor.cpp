#include "reactor/reactor.hpp"

#include <spdlog/spdlog.h>

#include <cstring>
#include <future>

#include "core/hello.hpp"
#include "core/node_thread.hpp"
#include "vsm/monotonic_clock.hpp"

namespace vsm::detail {

Reactor::Reactor(const NodeConfig& config, zmq::context_t& ctx, NodeCounters& counters,
                 NodeSecurity& security)
    : config_(config), ctx_(ctx), counters_(counters), security_(security) {}

Reactor::~Reactor() { stop(); }

Status Reactor::open() {
  if (auto st = wake_.open(); !st) return st;
  try {
    sub_ = zmq::socket_t(ctx_, zmq::socket_type::xsub);
    sub_.set(zmq::sockopt::rcvhwm, config_.recv_hwm_msgs);
    sub_.set(zmq::sockopt::linger, 0);
    // A peer cannot make us buffer more than one legal frame per message.
    sub_.set(zmq::sockopt::maxmsgsize, static_cast<std::int64_t>(config_.limits.max_frame_bytes));
    // Publishers' announcements (Reliable delivery, tail-loss counting). '~' sorts
    // after every channel, before the presence topics (internal_topics.hpp).
    set_topic(kHelloPrefix, true);
  } catch (const zmq::error_t& e) {
    return Error::io(std::string("creating the subscribe socket: ") + e.what());
  }
  if (auto st = open_monitor(); !st) return st;
  for (const auto& peer : config_.peers) {
    if (auto st = connect(peer); !st) {
      return Error(st.error().code(), "peer '" + peer + "': " + st.error().message());
    }
  }
  return {};
}

// Security on: follow the XSUB's connections, to name the sender of each message.
Status Reactor::open_monitor() {
  if (!security_.enabled()) return {};
  const std::string ep =
      "inproc://vsm-sub-monitor-" + std::to_string(reinterpret_cast<std::uintptr_t>(this));
  if (zmq_socket_monitor(sub_.handle(), ep.c_str(), ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED) !=
      0) {
    return Error::io("cannot monitor the subscribe socket: " +
                     std::string(zmq_strerror(zmq_errno())));
  }
  try {
    monitor_ = zmq::socket_t(ctx_, zmq::socket_type::pair);
    monitor_.set(zmq::sockopt::linger, 0);
    monitor_.connect(ep);
  } catch (const zmq::error_t& e) {
    return Error::io(std::string("cannot monitor the subscribe socket: ") + e.what());
  }
  return {};
}

// Events are two frames: [event u16 | value u32] and the endpoint (libzmq monitor v1).
std::string_view Reactor::peer_of_message() {
  zmq::message_t ev, addr;
  while (monitor_.recv(ev, zmq::recv_flags::dontwait)) {
    if (!ev.more() || !monitor_.recv(addr) || ev.size() < 6) continue;
    std::uint16_t event = 0;
    std::uint32_t value = 0;
    std::memcpy(&event, ev.data(), 2);
    std::memcpy(&value, ev.data<char>() + 2, 4);
    peers_.on_event(event, value, addr.to_string_view());
  }
  return peers_.name_of(msg_.get(ZMQ_SRCFD));
}

void Reactor::start(ReactorHandler& handler) {
  handler_ = &handler;
  thread_ = std::jthread([this](std::stop_token st) { run(st); });
}

void Reactor::close() {
  if (closing_.exchange(true)) return;
  thread_.request_stop();
  wake_.signal();
}

void Reactor::stop() {
  close();
  join_unless_self(thread_);
}

bool Reactor::on_reactor_thread() const noexcept { return is_current(thread_); }

bool Reactor::post(CommandQueue::Command cmd) {
  if (!commands_.post(std::move(cmd))) return false;
  if (sleeping_.load(std::memory_order_acquire)) wake_.signal();
  return true;
}

Status Reactor::call(std::function<Status()> fn) {
  if (closing_) return Error::shutting_down("node is not running");
  if (on_reactor_thread()) return fn();
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  bool posted = post([this, promise, fn = std::move(fn)] {
    promise->set_value(closing_ ? Status(Error::shutting_down("node is closing")) : fn());
  });
  if (!posted) return Error::shutting_down("node is closing");
  wake_.signal();
  return future.get();
}

void Reactor::set_topic(std::string_view prefix, bool subscribe) {
  // XSUB takes (un)subscriptions as messages: 0x01/0x00 followed by the prefix.
  zmq::message_t msg(prefix.size() + 1);
  auto* p = msg.data<char>();
  p[0] = subscribe ? 1 : 0;
  prefix.copy(p + 1, prefix.size());
  (void)sub_.send(msg, zmq::send_flags::dontwait);
}

bool Reactor::send_upstream(std::string_view frame) {
  if (closing_) return false;
  return sub_.send(zmq::buffer(frame), zmq::send_flags::dontwait).has_value();
}

Status Reactor::connect(const std::string& spec) {
  const auto [name, endpoint] = split_named_endpoint(spec);
  if (auto d = draining_.find(endpoint); d != draining_.end()) {
    // Back before the grace ran out: the connection stays. Another member now at that
    // endpoint (another name, with security another key) gets a fresh connection.
    const bool same = d->second.spec == spec;
    draining_.erase(d);
    if (same) return {};
    if (auto st = disconnect(spec); !st) return st;
  }
  if (connected_.count(endpoint)) return {};
  try {
    if (auto st = security_.make_client(sub_, name, endpoint); !st) return st;
    if (security_.enabled()) peers_.expect(endpoint, name);
    sub_.connect(endpoint);
  } catch (const zmq::error_t& e) {
    return Error::invalid("cannot connect to '" + endpoint + "': " + e.what());
  }
  connected_.insert(endpoint);
  counters_.connected_publishers.store(connected_.size());
  spdlog::debug("vsm: node {} subscribes to {}", config_.name, spec);
  return {};
}

Status Reactor::disconnect(const std::string& spec) {
  const std::string endpoint = split_named_endpoint(spec).endpoint;
  draining_.erase(endpoint);
  if (!connected_.erase(endpoint)) return Error::not_found("not connected to '" + endpoint + "'");
  spdlog::debug("vsm: node {} unsubscribes from {}", config_.name, spec);
  peers_.forget(endpoint);
  counters_.connected_publishers.store(connected_.size());
  try {
    sub_.disconnect(endpoint);
  } catch (const zmq::error_t& e) {
    return Error::io("cannot disconnect from '" + endpoint + "': " + e.what());
  }
  return {};
}

Status Reactor::disconnect_after(const std::string& spec, std::chrono::milliseconds grace) {
  if (grace.count() <= 0) return disconnect(spec);
  const std::string endpoint = split_named_endpoint(spec).endpoint;
  if (!connected_.count(endpoint)) return Error::not_found("not connected to '" + endpoint + "'");
  draining_[endpoint] = {spec, static_cast<std::int64_t>(monotonic_ms()) + grace.count()};
  return {};
}

// Reactor thread, after a turn's reads: disconnects publishers whose grace ran out.
void Reactor::finish_draining() {
  const auto now = static_cast<std::int64_t>(monotonic_ms());
  for (auto it = draining_.begin(); it != draining_.end();) {
    if (it->second.due_ms > now) {
      ++it;
      continue;
    }
    const std::string spec = std::move(it->second.spec);
    it = draining_.erase(it);
    if (auto st = disconnect(spec); !st && st.error().code() != ErrorCode::kNotFound) {
      spdlog::warn("vsm: node {}: disconnect {}: {}", config_.name, spec, st.error().to_string());
    }
  }
}

void Reactor::run(std::stop_token stop) {
  set_thread_name("vsm-reactor");
  while (!stop.stop_requested()) {
    try {
      turn();
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) break;
      if (e.num() != EINTR) spdlog::error("vsm: node {} reactor: {}", config_.name, e.what());
    }
  }
  // Commands posted before close() still run (a call() waiting on one gets its answer).
  commands_.run_all(/*close=*/true);
  handler_->on_turn_end();
  try {
    sub_.close();
    if (monitor_) monitor_.close();
  } catch (const zmq::error_t& e) {
    spdlog::warn("vsm: node {} closing the subscribe socket: {}", config_.name, e.what());
  }
}

void Reactor::turn() {
  wait_for_work();
  commands_.run_all();
  read_messages();
  if (!draining_.empty()) finish_draining();
  handler_->on_batch_end();
  handler_->on_turn_end();
}

// Spins a little for commands or messages (idle_spin.hpp says when and how long),
// then sleeps in zmq_poll until the SUB or the eventfd is readable.
void Reactor::wait_for_work() {
  if (!commands_.empty()) return;
  zmq::pollitem_t items[] = {
      {sub_.handle(), 0, ZMQ_POLLIN, 0},
      {nullptr, wake_.fd(), ZMQ_POLLIN, 0},
  };
  const std::int64_t start = IdleSpin::now_ns();
  const std::int64_t budget = spin_.budget_ns();
  std::int64_t next_poll = start;
  for (std::int64_t now = start; now - start < budget; now = IdleSpin::now_ns()) {
    if (now >= next_poll) {
      zmq::poll(items, 1, std::chrono::milliseconds(0));
      if (items[0].revents != 0 || !commands_.empty()) {
        spin_.idle_ended(now - start);
        return;
      }
      next_poll = now + IdleSpin::kPollEveryNs;
    }
    if (!spin_.relax(start, now - start)) break;
  }
  sleeping_.store(true, std::memory_order_seq_cst);
  if (commands_.empty()) {
    zmq::poll(items, 2, kIdlePoll);
    if (items[1].revents & ZMQ_POLLIN) wake_.drain();
  }
  sleeping_.store(false, std::memory_order_release);
  spin_.idle_ended(IdleSpin::now_ns() - start);
}

void Reactor::read_messages() {
  for (int i = 0; i < kMaxReadsPerTurn; ++i) {
    if (!sub_.recv(msg_, zmq::recv_flags::dontwait)) return;
    if (msg_.more()) {  // a multi-frame message is not protocol v2: drain and count it
      while (msg_.more()) (void)sub_.recv(msg_);
      NodeCounters::add(counters_.decode_errors);
      continue;
    }
    handler_->on_message(msg_.to_string_view(),
                         security_.enabled() ? peer_of_message() : std::string_view());
    // A long turn still hands its events over in batches.
    if ((i & (kWakeBatch - 1)) == kWakeBatch - 1) handler_->on_batch_end();
  }
}

}  // namespace vsm::detail
