// Serves the node's control plane on a ROUTER socket on its own thread: ping, info,
// stats, members, replay (from the retained ring or the log) and query
// (control_query.hpp). Never touches the data sockets. A malformed request gets an
// error reply. Thread-safety: start()/stop() from the owner; handlers must be
// thread-safe.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "control/control_query.hpp"
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
  std::function<Result<QuerySlice>(const QueryRequest&)> query;
  // --- variety ops (chaos, partition_resolve; control/variety_ops.hpp) ---
  // Op name -> handler of the raw request: the reply's extra map pairs and their count,
  // or an error for the error reply.
  using ExtraOp =
      std::function<Result<std::pair<std::string, std::uint32_t>>(std::string_view request)>;
  std::map<std::string, ExtraOp, std::less<>> extra_ops;
  // --- end variety ops ---
};

class ControlServer {
 public:
  ControlServer(zmq::context_t& ctx, ControlHandlers handlers);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Binds `endpoint` ("tcp://127.0.0.1:*" picks a port) and starts the thread.
  Status start(const std::string& endpoint);
  // Resolved endpoint after start().
  const std::string& endpoint() const noexcept { return endpoint_; }
  void request_stop();
  void stop();  // joins; idempotent

 private:
  void run(std::stop_token stop);
  void handle(const zmq::message_t& identity, const zmq::message_t& request);
  void handle_query(const zmq::message_t& identity, std::uint64_t rid, const QueryRequest& q);
  void reply_error(const zmq::message_t& identity, std::uint64_t rid, const std::string& err);
  // Sends the reply map `body` and then `frames` (one envelope each).
  void send_reply(const zmq::message_t& identity, const std::string& body,
                  const std::vector<std::string>& frames);

  zmq::context_t& ctx_;
  zmq::socket_t socket_;
  ControlHandlers handlers_;
  std::string endpoint_;
  std::jthread thread_;
};

// Encodes NodeStats as a msgpack map (shared by the control reply and tools).
void encode_stats(const NodeStats& stats, std::string& out);

}  // namespace vsm::detail
