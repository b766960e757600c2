// The vsmfabric Node: the publisher node binds its XPUB, the subscriber node connects to
// it as a static peer and pulls events with Subscription::next_into(), BestEffort or (the
// "node-reliable" system) with a DeliveryMode::kReliable subscription.
// The benchmark payload travels as a msgpack bin in Event::payload; everything else in
// the envelope (id, source, HLC ts, seq) is filled by publish() as in production.
// The "with log" variant sets NodeConfig::log_dir when this build's NodeConfig has it.
#include "transport.hpp"
#include "wire_template.hpp"

#if VSM_BENCH_HAVE_NODE
#include <cstdint>

#include "vsm/node.hpp"

namespace vsm::bench {
namespace {

// True when NodeConfig has a log_dir field (the persist/ log is wired into the Node).
template <typename Config>
constexpr bool kHasLogDir = requires(Config c) { c.log_dir = std::string(); };

template <typename Config>
bool set_log_dir(Config& cfg, const std::string& dir) {
  if constexpr (kHasLogDir<Config>) {
    cfg.log_dir = dir;
    return true;
  } else {
    (void)cfg;
    (void)dir;
    return false;
  }
}

// The bytes inside a msgpack bin value; empty view when it is not one.
std::string_view bin_body(std::string_view v) {
  if (v.size() < 2) return {};
  const auto b = [&](std::size_t i) { return static_cast<std::uint8_t>(v[i]); };
  std::size_t skip = 0;
  switch (b(0)) {
    case 0xc4: skip = 2; break;
    case 0xc5: skip = 3; break;
    case 0xc6: skip = 5; break;
    default: return {};
  }
  return v.size() >= skip ? v.substr(skip) : std::string_view();
}

class NodePublisher final : public PubTransport {
 public:
  NodePublisher(bool with_log, std::optional<bool> hash_chain)
      : with_log_(with_log), hash_chain_(hash_chain) {}
  ~NodePublisher() override { close(); }

  Result<std::string> open(const TransportParams& p) override {
    NodeConfig cfg;
    cfg.name = "s1.bench-pub";
    cfg.role = Role::kS1;
    cfg.send_hwm_msgs = p.hwm_msgs;
    cfg.recv_hwm_msgs = p.hwm_msgs;
    // Back-pressure (full queue, a Reliable subscriber's window) waits here instead of
    // spinning through retries.
    cfg.publish_block_timeout_ms = 1'000;
    if (with_log_ && !set_log_dir(cfg, p.work_dir + "/log")) {
      return Error::unsupported("NodeConfig has no log_dir in this build");
    }
    cfg.log_options.hash_chain = hash_chain_;
    header_ = msgpack_bin_header(p.payload_bytes);
    node_ = std::make_unique<Node>(std::move(cfg));
    if (auto st = node_->start(); !st) return st.error();
    const auto eps = node_->endpoints();
    if (eps.empty()) return Error::io("node reported no endpoint");
    return eps.front();
  }

  Status wait_subscribed(std::chrono::milliseconds timeout) override {
    if (!node_->wait_for_subscribers(1, timeout)) {
      return Error::delivery_timeout("no subscriber node within the timeout");
    }
    return {};
  }

  // publish_from(): one reused Event, as an application's hot loop would keep (its
  // payload buffer is reused; nothing is allocated per event).
  SendOutcome send(std::string_view payload) override {
    body_.assign(header_).append(payload);
    event_.payload.assign_encoded(body_);
    auto r = node_->publish_from(event_);
    if (r) return SendOutcome::kSent;
    // A full queue, or a Reliable subscriber's flow-control window: try again.
    const auto code = r.error().code();
    if (code == ErrorCode::kQueueFull || code == ErrorCode::kBackpressure) return SendOutcome::kRetry;
    error_ = r.error().to_string();
    return SendOutcome::kFailed;
  }

  Status flush() override { return {}; }  // stop() flushes within linger_ms

  void close() override {
    if (node_) node_->stop();
    node_.reset();
  }

  std::string last_error() const override { return error_; }

 private:
  bool with_log_;
  std::optional<bool> hash_chain_;  // unset: the Node's default
  std::string header_;
  std::string body_;
  Event event_ = [] {
    Event e;
    e.channel = Channel::kCoordination;
    e.type = "bench";
    return e;
  }();
  std::unique_ptr<Node> node_;
  std::string error_;
};

class NodeSubscriber final : public SubTransport {
 public:
  explicit NodeSubscriber(bool reliable) : reliable_(reliable) {}
  ~NodeSubscriber() override { close(); }

  Status open(const TransportParams& p) override {
    NodeConfig cfg;
    cfg.name = "s2.bench-sub";
    cfg.role = Role::kS2;
    cfg.peers = {p.endpoint};
    cfg.send_hwm_msgs = p.hwm_msgs;
    cfg.recv_hwm_msgs = p.hwm_msgs;
    node_ = std::make_unique<Node>(std::move(cfg));
    if (auto st = node_->start(); !st) return st;
    SubscribeOptions opts;
    if (reliable_) {
      opts.mode = DeliveryMode::kReliable;
      opts.start_seq = p.start_seq;
    }
    auto sub = node_->subscribe(Filter::on(Channel::kCoordination), opts);
    if (!sub) return sub.error();
    sub_ = std::move(sub.value());
    return {};
  }

  std::optional<std::string_view> recv(int timeout_ms) override {
    // next_into(): one reused Event, as an application loop would keep (no allocation).
    if (!sub_.next_into(event_, std::chrono::milliseconds(timeout_ms))) return std::nullopt;
    return bin_body(event_.payload.bytes());
  }

  bool failed() const override { return false; }
  std::string last_error() const override { return {}; }

  void close() override {
    sub_.close();
    if (node_) node_->stop();
    node_.reset();
  }

 private:
  bool reliable_;
  std::unique_ptr<Node> node_;
  Subscription sub_;
  Event event_;
};

}  // namespace

bool node_has_log_dir() { return kHasLogDir<NodeConfig>; }

std::unique_ptr<PubTransport> make_node_publisher(bool with_log,
                                                  std::optional<bool> hash_chain) {
  if (with_log && !node_has_log_dir()) return nullptr;
  return std::make_unique<NodePublisher>(with_log, hash_chain);
}
std::unique_ptr<SubTransport> make_node_subscriber(bool reliable) {
  return std::make_unique<NodeSubscriber>(reliable);
}

}  // namespace vsm::bench

#else  // built without the Node (nodes/ not present yet)

namespace vsm::bench {
bool node_has_log_dir() { return false; }
std::unique_ptr<PubTransport> make_node_publisher(bool, bool) { return nullptr; }
std::unique_ptr<SubTransport> make_node_subscriber(bool) { return nullptr; }
}  // namespace vsm::bench

#endif
