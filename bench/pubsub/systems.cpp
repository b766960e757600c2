// Names, availability and factories of the systems under test.
#include "external_server.hpp"
#include "transport.hpp"

namespace vsm::bench {

bool node_has_log_dir();  // node_transport.cpp

std::string_view system_name(System s) noexcept {
  switch (s) {
    case System::kZmq: return "zmq";
    case System::kZmqNoDrop: return "zmq-nodrop";
    case System::kZmqWire: return "zmq-wire";
    case System::kNode: return "node";
    case System::kNodeReliable: return "node-reliable";
    case System::kNodeLog: return "node-log";
    case System::kNodeReliableLog: return "node-reliable-log";
    case System::kNodeLogChain: return "node-log-chain";
    case System::kNats: return "nats";
    case System::kRedis: return "redis";
  }
  return "?";
}

std::string_view system_title(System s) noexcept {
  switch (s) {
    case System::kZmq: return "raw libzmq PUB/SUB";
    case System::kZmqNoDrop: return "raw libzmq, XPUB_NODROP (lossless)";
    case System::kZmqWire: return "raw libzmq carrying vsm wire frames";
    case System::kNode: return "vsm Node BestEffort (log off)";
    case System::kNodeReliable: return "vsm Node Reliable (log off)";
    case System::kNodeLog: return "vsm Node + log (fsync interval)";
    case System::kNodeReliableLog: return "vsm Node Reliable + log (fsync interval)";
    case System::kNodeLogChain: return "vsm Node + log + hash chain";
    case System::kNats: return "nats-server + C client";
    case System::kRedis: return "redis-server pub/sub";
  }
  return "?";
}

std::optional<System> parse_system(std::string_view name) noexcept {
  for (System s : kAllSystems) {
    if (system_name(s) == name) return s;
  }
  return std::nullopt;
}

std::string system_unavailable_reason(System s) {
  switch (s) {
    case System::kZmq:
    case System::kZmqNoDrop:
    case System::kZmqWire: return {};
    case System::kNode:
    case System::kNodeReliable:
      return VSM_BENCH_HAVE_NODE ? "" : "built without vsm::node (nodes/ not in this build)";
    case System::kNodeLog:
    case System::kNodeReliableLog:
    case System::kNodeLogChain:
      if (!VSM_BENCH_HAVE_NODE) return "built without vsm::node";
      return node_has_log_dir() ? "" : "NodeConfig has no log_dir yet (log not wired into Node)";
    case System::kNats:
      if (!VSM_BENCH_HAVE_NATS) return "built without libnats-dev";
      return find_executable("nats-server").empty() ? "nats-server binary not found" : "";
    case System::kRedis:
      if (!VSM_BENCH_HAVE_REDIS) return "built without libhiredis-dev";
      return find_executable("redis-server").empty() ? "redis-server binary not found" : "";
  }
  return "unknown system";
}

std::unique_ptr<PubTransport> make_publisher(System s) {
  switch (s) {
    case System::kZmq: return make_zmq_publisher(false);
    case System::kZmqNoDrop: return make_zmq_publisher(true);
    case System::kZmqWire: return make_zmq_publisher(false, true);
    case System::kNode:
    case System::kNodeReliable: return make_node_publisher(false);
    case System::kNodeLog:
    case System::kNodeReliableLog: return make_node_publisher(true);
    case System::kNodeLogChain: return make_node_publisher(true, true);
    case System::kNats: return make_nats_publisher();
    case System::kRedis: return make_redis_publisher();
  }
  return nullptr;
}

std::unique_ptr<SubTransport> make_subscriber(System s) {
  switch (s) {
    case System::kZmq:
    case System::kZmqNoDrop: return make_zmq_subscriber();
    case System::kZmqWire: return make_zmq_subscriber(true);
    case System::kNode:
    case System::kNodeLog:
    case System::kNodeLogChain: return make_node_subscriber(false);
    case System::kNodeReliable:
    case System::kNodeReliableLog: return make_node_subscriber(true);
    case System::kNats: return make_nats_subscriber();
    case System::kRedis: return make_redis_subscriber();
  }
  return nullptr;
}

}  // namespace vsm::bench
