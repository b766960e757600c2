// The systems under test behind one small interface, so the publisher and subscriber
// roles (roles.cpp) run the same loop for raw libzmq, the vsm::Node, nats and redis.
// One object per process; not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/result.hpp"

namespace vsm::bench {

// kZmqNoDrop: raw libzmq with ZMQ_XPUB_NODROP (the publisher waits at the high-water
// mark instead of dropping), the fair ceiling next to the lossless brokers.
// kNodeReliable: the Node with a DeliveryMode::kReliable subscription (flow control:
// the publisher never runs further ahead than the subscriber's window).
// kNodeReliableLog: the same, with the publisher's event log on (fsync interval).
// kNodeLogChain: kNodeLog with the log's hash chain on (LogOptions::hash_chain, the
// default when security is on): what tamper evidence costs.
// kZmqWire: raw libzmq sending the Node's exact single-event frames (built once), the
// ceiling of unbatched protocol v2.
enum class System {
  kZmq, kZmqNoDrop, kZmqWire, kNode, kNodeReliable, kNodeLog, kNodeReliableLog, kNodeLogChain,
  kNats, kRedis
};

inline constexpr System kAllSystems[] = {
    System::kZmq,     System::kZmqNoDrop,       System::kZmqWire, System::kNode,
    System::kNodeReliable, System::kNodeLog, System::kNodeReliableLog, System::kNodeLogChain,
    System::kNats, System::kRedis};

std::string_view system_name(System s) noexcept;   // "zmq", "zmq-nodrop", "node", ...
std::string_view system_title(System s) noexcept;  // "raw libzmq PUB/SUB", ...
std::optional<System> parse_system(std::string_view name) noexcept;

// Why a system cannot run in this build or on this machine; empty when it can.
std::string system_unavailable_reason(System s);

struct TransportParams {
  std::size_t payload_bytes = 100;
  std::string endpoint;  // server URL (nats, redis) or the publisher's endpoint (sub)
  std::string work_dir;  // scratch directory (the Node's log)
  int hwm_msgs = 100'000;
  // Latency runs: a client that batches on its own (redis pipelining) writes each
  // message at once instead, as an application sending 10 k msgs/s would.
  bool latency_mode = false;
  // Reliable subscriptions: SubscribeOptions::start_seq (1 = replay all history first).
  std::uint64_t start_seq = 0;
};

enum class SendOutcome { kSent, kRetry, kFailed };

class PubTransport {
 public:
  virtual ~PubTransport() = default;
  // Binds (zmq, node) or connects (nats, redis); returns the endpoint to subscribe to.
  virtual Result<std::string> open(const TransportParams& p) = 0;
  // Blocks until a subscriber's subscription reached this publisher, where the system
  // can tell (XPUB subscription message, Node::wait_for_subscribers).
  virtual Status wait_subscribed(std::chrono::milliseconds timeout) = 0;
  // kRetry when the message cannot be queued right now (the caller yields and retries).
  virtual SendOutcome send(std::string_view payload) = 0;
  // Pushes out anything buffered in the client library.
  virtual Status flush() = 0;
  virtual void close() = 0;
  virtual std::string last_error() const = 0;
};

class SubTransport {
 public:
  virtual ~SubTransport() = default;
  // Connects and subscribes; returns once the subscription is confirmed where the
  // system can confirm it (nats flush, redis SUBSCRIBE reply).
  virtual Status open(const TransportParams& p) = 0;
  // The next payload, empty after timeout_ms without one (or on failure: see failed()).
  // The view is valid until the next call.
  virtual std::optional<std::string_view> recv(int timeout_ms) = 0;
  virtual bool failed() const = 0;
  virtual std::string last_error() const = 0;
  virtual void close() = 0;
};

std::unique_ptr<PubTransport> make_zmq_publisher(bool nodrop, bool wire = false);
std::unique_ptr<SubTransport> make_zmq_subscriber(bool wire = false);
std::unique_ptr<PubTransport> make_node_publisher(bool with_log,
                                                  std::optional<bool> hash_chain = std::nullopt);
std::unique_ptr<SubTransport> make_node_subscriber(bool reliable);
std::unique_ptr<PubTransport> make_nats_publisher();
std::unique_ptr<SubTransport> make_nats_subscriber();
std::unique_ptr<PubTransport> make_redis_publisher();
std::unique_ptr<SubTransport> make_redis_subscriber();

// Null when the system is not available in this build.
std::unique_ptr<PubTransport> make_publisher(System s);
std::unique_ptr<SubTransport> make_subscriber(System s);

}  // namespace vsm::bench
