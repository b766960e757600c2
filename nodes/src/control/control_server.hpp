// Serves the node's control plane on a ROUTER socket on its own thread: ping, info,
// stats, members, health, recent, replay (from the retained ring or the log) and query
// (control_query.hpp). Never touches the data sockets. A malformed request gets an
// error reply. Replies to clients that do not read are bounded (reply_budget.hpp): a
// client over its in-flight limit gets a short "busy" error instead of its reply, a
// reply its full queue cannot take is dropped (both counted), and their memory returns
// when ZeroMQ lets go of them (the client reads, or leaves).
// Thread-safety: start()/stop() from the owner; handlers must be thread-safe;
// the counters from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <map>
#include <string>
#include <utility>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "control/control_query.hpp"
#include "control/reply_budget.hpp"
#include "vsm/channel.hpp"
#include "vsm/node_stats.hpp"
#include "vsm/result.hpp"

namespace vsm::detail {

struct ReplaySlice {
  std::vector<std::string> events;  // encoded envelopes, oldest first
  std::uint64_t oldest = 0;         // first seq still available (0 = none)
  std::uint64_t last = 0;           // last seq published on the channel
};

struct ControlHandlers {
  std::function<NodeStats()> stats;
  std::function<ReplaySlice(Channel, std::uint64_t from, std::uint64_t to, std::size_t max)> replay;
  std::function<void(std::string& out_map_body, std::uint32_t& fields)> info;  // appends pairs
  std::function<void(std::string& out_map_body, std::uint32_t& fields)> members;  // ditto
  std::function<void(std::string& out_map_body, std::uint32_t& fields)> health;   // ditto
  std::function<void(std::string& out_map_body, std::uint32_t& fields)> recent;   // ditto
  std::function<Result<QuerySlice>(const QueryRequest&)> query;
  // --- variety ops (chaos, partition_resolve; control/variety_ops.hpp) ---
  // Op name -> handler of the raw request: the reply's extra map pairs and their count,
  // or an error for the error reply.
  using ExtraOp =
      std::function<Result<std::pair<std::string, std::uint32_t>>(std::string_view request)>;
  std::map<std::string, ExtraOp, std::less<>> extra_ops;
  // --- end variety ops ---
};

// Counters of the control plane's bounds (NodeStats).
struct ControlCounters {
  std::uint64_t busy = 0;            // requests answered "busy" (client over its limit)
  std::uint64_t dropped = 0;         // replies dropped: the client's queue was full, or it left
  std::uint64_t reply_bytes = 0;     // reply bytes not yet written to their clients
};

class ControlServer {
 public:
  // `secure` (may be empty) configures the ROUTER before it binds (a CURVE server).
  ControlServer(zmq::context_t& ctx, ControlHandlers handlers, ReplyLimits limits = {},
                std::function<void(zmq::socket_t&)> secure = {});
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Binds `endpoint` ("tcp://127.0.0.1:*" picks a port) and starts the thread.
  Status start(const std::string& endpoint);
  // Resolved endpoint after start().
  const std::string& endpoint() const noexcept { return endpoint_; }
  void request_stop();
  void stop();  // joins; idempotent
  ControlCounters counters() const;

 private:
  using MapHandler = std::function<void(std::string&, std::uint32_t&)>;
  const MapHandler* map_handler(std::string_view op) const;
  void run(std::stop_token stop);
  void handle(const zmq::message_t& identity, const zmq::message_t& request);
  void handle_query(const zmq::message_t& identity, std::uint64_t rid, const QueryRequest& q);
  void reply_error(const zmq::message_t& identity, std::uint64_t rid, const std::string& err);
  // Sends the reply map `body` and then `frames` (one envelope each), charged to the
  // client's budget until ZeroMQ has written them.
  void send_reply(const zmq::message_t& identity, std::string body,
                  std::vector<std::string> frames);
  // Sends `identity` then `messages` as one reply; false (counted) when the client's
  // queue is full or the client is gone: the reply is dropped and its memory released.
  bool send_to(const zmq::message_t& identity, std::vector<zmq::message_t>& messages);
  // The heap freed by a drained burst of replies goes back to the operating system.
  void trim_heap_if_due();

  zmq::context_t& ctx_;
  zmq::socket_t socket_;
  ControlHandlers handlers_;
  std::function<void(zmq::socket_t&)> secure_;
  const std::shared_ptr<ReplyBudget> budget_;
  std::string endpoint_;
  std::atomic<std::uint64_t> busy_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::jthread thread_;
};

// Encodes NodeStats as a msgpack map (shared by the control reply and tools).
void encode_stats(const NodeStats& stats, std::string& out);

}  // namespace vsm::detail
