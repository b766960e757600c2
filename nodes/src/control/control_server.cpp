#include "control/control_server.hpp"

#include <spdlog/spdlog.h>

#include "control/control_format.hpp"
#include "control/control_request.hpp"
#include "core/node_thread.hpp"
#include "variety/variety_stats.hpp"
#include "vsm/msgpack_writer.hpp"

namespace vsm::detail {
namespace cf = control_format;
namespace {

void put_channel_stats(MsgpackWriter& w, const ChannelStats& c) {
  w.map_header(10);
  w.str("published"); w.uint(c.published);
  w.str("sent"); w.uint(c.sent);
  w.str("received"); w.uint(c.received);
  w.str("delivered"); w.uint(c.delivered);
  w.str("dropped"); w.uint(c.dropped);
  w.str("blocked"); w.uint(c.blocked);
  w.str("routed"); w.uint(c.routed);
  w.str("quota_delayed"); w.uint(c.quota_delayed);
  w.str("quota_rejected"); w.uint(c.quota_rejected);
  w.str("variety_pressure"); w.float64(c.variety_pressure);
}

}  // namespace

void encode_stats(const NodeStats& s, std::string& out) {
  MsgpackWriter w(out);
  w.map_header(24);
  w.str("channels");
  w.map_header(static_cast<std::uint32_t>(kChannelCount));
  for (Channel c : kAllChannels) {
    w.str(channel_name(c));
    put_channel_stats(w, s.of(c));
  }
  w.str("publish_queue_depth"); w.uint(s.publish_queue_depth);
  w.str("publish_queue_full"); w.uint(s.publish_queue_full);
  w.str("decode_errors"); w.uint(s.decode_errors);
  w.str("gap_events"); w.uint(s.gap_events);
  w.str("subscribers"); w.uint(s.subscribers);
  w.str("connected_publishers"); w.uint(s.connected_publishers);
  w.str("hellos_received"); w.uint(s.hellos_received);
  w.str("repairs_requested"); w.uint(s.repairs_requested);
  w.str("repairs_failed"); w.uint(s.repairs_failed);
  w.str("repaired_events"); w.uint(s.repaired_events);
  w.str("dead_letters"); w.uint(s.dead_letters);
  w.str("duplicates"); w.uint(s.duplicates);
  w.str("batches_sent"); w.uint(s.batches_sent);
  w.str("reliable_followers"); w.uint(s.reliable_followers);
  w.str("reliable_held"); w.uint(s.reliable_held);
  w.str("reliable_backpressure"); w.uint(s.reliable_backpressure);
  w.str("reliable_lost"); w.uint(s.reliable_lost);
  w.str("reliable_timed_out"); w.uint(s.reliable_timed_out);
  w.str("acks_received"); w.uint(s.acks_received);
  w.str("acks_sent"); w.uint(s.acks_sent);
  w.str("variety");  // compression, AIMD, bargains, degraded mode, fault injection
  encode_variety_stats(s.variety, w);
  w.str("repair_breakers");  // publisher -> closed | open | half_open
  w.map_header(static_cast<std::uint32_t>(s.repair_breakers.size()));
  for (const auto& [name, state] : s.repair_breakers) {
    w.str(name);
    w.str(breaker_state_name(state));
  }
  w.str("total");
  put_channel_stats(w, s.total());
}

ControlServer::ControlServer(zmq::context_t& ctx, ControlHandlers handlers)
    : ctx_(ctx), handlers_(std::move(handlers)) {}

ControlServer::~ControlServer() { stop(); }

Status ControlServer::start(const std::string& endpoint) {
  try {
    socket_ = zmq::socket_t(ctx_, zmq::socket_type::router);
    socket_.set(zmq::sockopt::linger, 0);
    socket_.set(zmq::sockopt::router_mandatory, 0);
    socket_.bind(endpoint);
    endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t& e) {
    return Error::io("cannot bind control endpoint '" + endpoint + "': " + e.what());
  }
  thread_ = std::jthread([this](std::stop_token st) { run(st); });
  return {};
}

void ControlServer::request_stop() { thread_.request_stop(); }

void ControlServer::stop() { join_unless_self(thread_); }

void ControlServer::run(std::stop_token stop) {
  set_thread_name("vsm-control");
  zmq::message_t identity, request;
  while (!stop.stop_requested()) {
    try {
      zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
      if (zmq::poll(&item, 1, std::chrono::milliseconds(50)) == 0) continue;
      if (!socket_.recv(identity, zmq::recv_flags::dontwait)) continue;
      if (!identity.more()) continue;
      (void)socket_.recv(request);
      while (request.more()) (void)socket_.recv(request);  // ignore extra frames
      handle(identity, request);
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) break;
      if (e.num() != EINTR) spdlog::warn("vsm: control server: {}", e.what());
    }
  }
  socket_.close();
}

void ControlServer::reply_error(const zmq::message_t& identity, std::uint64_t rid,
                                const std::string& err) {
  std::string body;
  MsgpackWriter w(body);
  w.map_header(3);
  w.str("rid"); w.uint(rid);
  w.str("ok"); w.boolean(false);
  w.str("err"); w.str(err);
  socket_.send(zmq::buffer(identity.data(), identity.size()), zmq::send_flags::sndmore);
  socket_.send(zmq::buffer(body), zmq::send_flags::dontwait);
}

void ControlServer::send_reply(const zmq::message_t& identity, const std::string& body,
                               const std::vector<std::string>& frames) {
  socket_.send(zmq::buffer(identity.data(), identity.size()), zmq::send_flags::sndmore);
  const auto more = frames.empty() ? zmq::send_flags::none : zmq::send_flags::sndmore;
  socket_.send(zmq::buffer(body), more | zmq::send_flags::dontwait);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto flag = i + 1 == frames.size() ? zmq::send_flags::none : zmq::send_flags::sndmore;
    socket_.send(zmq::buffer(frames[i]), flag | zmq::send_flags::dontwait);
  }
}

void ControlServer::handle_query(const zmq::message_t& identity, std::uint64_t rid,
                                 const QueryRequest& q) {
  if (!handlers_.query) return reply_error(identity, rid, "query is not served by this node");
  if (q.query.limit == 0) return reply_error(identity, rid, "query: 'max' must be at least 1");
  auto slice = handlers_.query(q);
  if (!slice) return reply_error(identity, rid, "query: " + slice.error().message());
  std::string body;
  MsgpackWriter w(body);
  w.map_header(6);
  w.str("count"); w.uint(slice->events.size());
  w.str("next"); w.uint(slice->next);
  w.str("log"); w.boolean(slice->from_log);
  w.str("off");
  w.array_header(static_cast<std::uint32_t>(slice->offsets.size()));
  for (std::uint64_t off : slice->offsets) w.uint(off);
  w.str("rid"); w.uint(rid);
  w.str("ok"); w.boolean(true);
  send_reply(identity, body, slice->events);
}

void ControlServer::handle(const zmq::message_t& identity, const zmq::message_t& request) {
  std::uint64_t rid = 0;
  auto req = parse_control_request(request.to_string_view(), &rid);
  if (!req) return reply_error(identity, rid, req.error().to_string());
  if (req->op == cf::kOpQuery) return handle_query(identity, req->rid, as_query(*req));
  std::string body;
  MsgpackWriter w(body);
  ReplaySlice slice;
  if (req->op == cf::kOpPing) {
    w.map_header(2);
  } else if (req->op == cf::kOpStats) {
    w.map_header(3);
    w.str("stats");
    encode_stats(handlers_.stats(), body);
  } else if (req->op == cf::kOpInfo || req->op == cf::kOpMembers) {
    std::string pairs;
    std::uint32_t fields = 0;
    (req->op == cf::kOpInfo ? handlers_.info : handlers_.members)(pairs, fields);
    w.map_header(2 + fields);
    w.raw(pairs);
  } else if (req->op == cf::kOpReplay) {
    if (!req->channel) return reply_error(identity, req->rid, "replay needs 'ch'");
    const std::size_t max = static_cast<std::size_t>(std::min<std::uint64_t>(req->max, cf::kMaxReplayBatch));
    slice = handlers_.replay(*req->channel, req->from, req->to, max);
    w.map_header(5);
    w.str("count"); w.uint(slice.events.size());
    w.str("oldest"); w.uint(slice.oldest);
    w.str("last"); w.uint(slice.last);
  } else if (auto op = handlers_.extra_ops.find(req->op); op != handlers_.extra_ops.end()) {
    auto extra = op->second(request.to_string_view());  // variety ops
    if (!extra) return reply_error(identity, req->rid, extra.error().message());
    w.map_header(2 + extra->second);
    w.raw(extra->first);
  } else {
    return reply_error(identity, req->rid, "unknown op '" + std::string(req->op) +
                                               "' (ping, info, stats, replay, members, query, "
                                               "chaos, partition_resolve)");
  }
  w.str("rid"); w.uint(req->rid);
  w.str("ok"); w.boolean(true);
  send_reply(identity, body, slice.events);
}

}  // namespace vsm::detail
