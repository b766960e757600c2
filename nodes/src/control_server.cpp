#include "control_server.hpp"

#include <spdlog/spdlog.h>

#include "control_format.hpp"
#include "vsm/msgpack_reader.hpp"
#include "vsm/msgpack_writer.hpp"

namespace vsm::detail {
namespace cf = control_format;
namespace {

struct Request {
  std::string_view op;
  std::uint64_t rid = 0;
  std::optional<Channel> channel;
  std::uint64_t from = 0;
  std::uint64_t to = UINT64_MAX;
  std::uint64_t max = cf::kMaxReplayBatch;
};

Result<Request> parse_request(std::string_view bytes) {
  if (bytes.size() > cf::kMaxRequestBytes) return Error::too_large("control request too large");
  MsgpackReader r(bytes);
  auto n = r.read_map_header();
  if (!n || *n > 16) return Error::invalid("control request must be a msgpack map");
  Request req;
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto key = r.read_str();
    if (!key) return Error::invalid("control request keys must be strings");
    if (*key == "op") {
      auto v = r.read_str();
      if (!v) return Error::invalid("'op' must be a string");
      req.op = *v;
    } else if (*key == "ch") {
      auto v = r.read_str();
      if (!v || !(req.channel = parse_channel(*v))) return Error::invalid("'ch' must be a channel name");
    } else if (*key == "rid" || *key == "from" || *key == "to" || *key == "max") {
      auto v = r.read_uint();
      if (!v) return Error::invalid("'" + std::string(*key) + "' must be an unsigned integer");
      (*key == "rid" ? req.rid : *key == "from" ? req.from : *key == "to" ? req.to : req.max) = *v;
    } else if (!r.skip_value()) {
      return Error::invalid("malformed value in control request");
    }
  }
  if (!r.at_end()) return Error::invalid("trailing bytes in control request");
  return req;
}

void put_channel_stats(MsgpackWriter& w, const ChannelStats& c) {
  w.map_header(7);
  w.str("published"); w.uint(c.published);
  w.str("sent"); w.uint(c.sent);
  w.str("received"); w.uint(c.received);
  w.str("delivered"); w.uint(c.delivered);
  w.str("dropped"); w.uint(c.dropped);
  w.str("blocked"); w.uint(c.blocked);
  w.str("routed"); w.uint(c.routed);
}

}  // namespace

void encode_stats(const NodeStats& s, std::string& out) {
  MsgpackWriter w(out);
  w.map_header(8);
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
  w.str("total");
  put_channel_stats(w, s.total());
}

ControlServer::ControlServer(zmq::context_t& ctx, ControlHandlers handlers)
    : socket_(ctx, zmq::socket_type::router), handlers_(std::move(handlers)) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.set(zmq::sockopt::router_mandatory, 0);
}

ControlServer::~ControlServer() { stop(); }

Status ControlServer::start(const std::string& endpoint) {
  try {
    socket_.bind(endpoint);
    endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t& e) {
    return Error::io("cannot bind control endpoint '" + endpoint + "': " + e.what());
  }
  thread_ = std::jthread([this](std::stop_token st) { run(st); });
  return {};
}

void ControlServer::request_stop() { thread_.request_stop(); }

void ControlServer::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

void ControlServer::run(std::stop_token stop) {
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

void ControlServer::handle(const zmq::message_t& identity, const zmq::message_t& request) {
  auto req = parse_request(request.to_string_view());
  if (!req) return reply_error(identity, 0, req.error().to_string());
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
  } else {
    return reply_error(identity, req->rid, "unknown op '" + std::string(req->op) +
                                               "' (ping, info, stats, replay, members)");
  }
  w.str("rid"); w.uint(req->rid);
  w.str("ok"); w.boolean(true);
  socket_.send(zmq::buffer(identity.data(), identity.size()), zmq::send_flags::sndmore);
  const auto more = slice.events.empty() ? zmq::send_flags::none : zmq::send_flags::sndmore;
  socket_.send(zmq::buffer(body), more | zmq::send_flags::dontwait);
  for (std::size_t i = 0; i < slice.events.size(); ++i) {
    const bool last = i + 1 == slice.events.size();
    socket_.send(zmq::buffer(slice.events[i]),
                 (last ? zmq::send_flags::none : zmq::send_flags::sndmore) | zmq::send_flags::dontwait);
  }
}

}  // namespace vsm::detail
