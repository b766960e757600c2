#include "control/control_server.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <spdlog/spdlog.h>

#include "control/control_format.hpp"
#include "control/control_request.hpp"
#include "core/node_thread.hpp"
#include "membership/gossip_node_stats.hpp"
#include "variety/variety_stats.hpp"
#include "vsm/msgpack_writer.hpp"

namespace vsm::detail {
namespace cf = control_format;
namespace {

// Percentiles of a latency snapshot, in microseconds (0 when there are no samples).
void put_latency(MsgpackWriter& w, std::string_view prefix, const LatencySnapshot& l) {
  const std::string p(prefix);
  w.str(p + "p50_us"); w.uint(l.percentile_us(0.50));
  w.str(p + "p95_us"); w.uint(l.percentile_us(0.95));
  w.str(p + "p99_us"); w.uint(l.percentile_us(0.99));
  w.str(p + "max_us"); w.uint(l.max_us);
}

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

void put_security_stats(MsgpackWriter& w, const SecurityStats& s) {
  w.map_header(10);
  w.str("enabled"); w.boolean(s.enabled);
  w.str("connections_accepted"); w.uint(s.connections_accepted);
  w.str("connections_refused"); w.uint(s.connections_refused);
  w.str("connects_refused"); w.uint(s.connects_refused);
  w.str("forged_dropped"); w.uint(s.forged_dropped);
  w.str("flow_dropped"); w.uint(s.flow_dropped);
  w.str("unsigned_dropped"); w.uint(s.unsigned_dropped);
  w.str("bad_signature_dropped"); w.uint(s.bad_signature_dropped);
  w.str("signed_published"); w.uint(s.signed_published);
  w.str("signatures_verified"); w.uint(s.signatures_verified);
}

// A replay reply carries at most kMaxReplayReplyBytes of events (at least one).
void cap_replay_bytes(std::vector<std::string>& events) {
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    bytes += events[i].size();
    if (bytes > cf::kMaxReplayReplyBytes && i > 0) {
      events.resize(i);
      return;
    }
  }
}

// The bounds on peer-driven state and what the log could not take: 6 pairs
// (docs/PROTOCOL.md §2).
constexpr std::uint32_t kDurabilityPairs = 6;
void put_durability_stats(MsgpackWriter& w, const NodeStats& s) {
  w.str("unlogged"); w.uint(s.unlogged);
  w.str("log_received_failures"); w.uint(s.log_received_failures);
  w.str("tracked_publishers"); w.uint(s.tracked_publishers);
  w.str("publishers_evicted"); w.uint(s.publishers_evicted);
  w.str("control_busy"); w.uint(s.control_busy);
  w.str("control_dropped"); w.uint(s.control_dropped);
}

// Per channel and in total: "latency" (publish -> deliver percentiles) and "rates"
// (per second over the last telemetry interval), each a map of rows like "channels".
void put_channel_tables(MsgpackWriter& w, const NodeStats& s) {
  const ChannelStats total = s.total();
  w.str("latency");
  w.map_header(static_cast<std::uint32_t>(kChannelCount + 1));
  for (std::size_t i = 0; i <= kChannelCount; ++i) {
    const ChannelStats& c = i < kChannelCount ? s.channels[i] : total;
    w.str(i < kChannelCount ? channel_name(kAllChannels[i]) : "total");
    w.map_header(5);
    w.str("count"); w.uint(c.latency.count);
    put_latency(w, "", c.latency);
  }
  w.str("rates");
  w.map_header(static_cast<std::uint32_t>(kChannelCount + 1));
  for (std::size_t i = 0; i <= kChannelCount; ++i) {
    const ChannelStats& c = i < kChannelCount ? s.channels[i] : total;
    w.str(i < kChannelCount ? channel_name(kAllChannels[i]) : "total");
    w.map_header(3);
    w.str("published_per_s"); w.float64(c.published_per_s);
    w.str("delivered_per_s"); w.float64(c.delivered_per_s);
    w.str("dropped_per_s"); w.float64(c.dropped_per_s);
  }
}

// The operator's fields (docs/OPERATIONS.md): latency and rate tables, health, algedonic
// lane, telemetry, log.
constexpr std::uint32_t kOperatorFields = 7;
void put_operator_stats(MsgpackWriter& w, const NodeStats& s) {
  put_channel_tables(w, s);
  w.str("health"); w.str(viability_name(s.health.state));
  w.str("health_reasons");
  w.array_header(static_cast<std::uint32_t>(s.health.reasons.size()));
  for (const auto& r : s.health.reasons) w.str(r);
  const AlgedonicStats& a = s.algedonic;
  w.str("algedonic");
  w.map_header(9);
  w.str("raised"); w.uint(a.raised);
  w.str("confirmed"); w.uint(a.confirmed);
  w.str("unconfirmed"); w.uint(a.unconfirmed);
  w.str("confirmation_rate"); w.float64(a.confirmation_rate);
  w.str("received_lane"); w.uint(a.received_lane);
  put_latency(w, "confirm_", a.confirm_latency);
  const TelemetryStats& t = s.telemetry;
  w.str("telemetry");
  w.map_header(4);
  w.str("published"); w.uint(t.published);
  w.str("suppressed"); w.uint(t.suppressed);
  w.str("remote_received"); w.uint(t.remote_received);
  w.str("remote_dropped"); w.uint(t.remote_dropped);
  w.str("log");
  if (!s.log_enabled) return w.nil();
  w.map_header(13);
  w.str("enabled"); w.boolean(true);
  w.str("bytes"); w.uint(s.log.bytes);
  w.str("segments"); w.uint(s.log.segments);
  w.str("last_offset"); w.uint(s.log.last_offset);
  w.str("health"); w.str(s.log.health == persist::LogHealth::kHealthy ? "healthy" : "failing");
  w.str("last_error"); w.str(s.log.last_error);
  w.str("write_errors"); w.uint(s.log.write_errors);
  w.str("failed_appends"); w.uint(s.log.failed_appends);
  w.str("recoveries"); w.uint(s.log.recoveries);
  put_latency(w, "fsync_", s.log.sync_latency);  // 4 fields
}

}  // namespace

void encode_stats(const NodeStats& s, std::string& out) {
  MsgpackWriter w(out);
  w.map_header(24 + kDurabilityPairs + kOperatorFields + 2);  // + "variety", "gossip"
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
  w.str("gossip");  // membership counts, probes, push-pull, bytes
  encode_gossip_stats(s.gossip, w);
  w.str("repair_breakers");  // publisher -> closed | open | half_open
  w.map_header(static_cast<std::uint32_t>(s.repair_breakers.size()));
  for (const auto& [name, state] : s.repair_breakers) {
    w.str(name);
    w.str(breaker_state_name(state));
  }
  w.str("security");
  put_security_stats(w, s.security);
  w.str("total");
  put_channel_stats(w, s.total());
  put_durability_stats(w, s);
  put_operator_stats(w, s);
}

ControlServer::ControlServer(zmq::context_t& ctx, ControlHandlers handlers, ReplyLimits limits,
                             std::function<void(zmq::socket_t&)> secure)
    : ctx_(ctx),
      handlers_(std::move(handlers)),
      secure_(std::move(secure)),
      budget_(ReplyBudget::create(limits)) {}

ControlServer::~ControlServer() { stop(); }

Status ControlServer::start(const std::string& endpoint) {
  try {
    socket_ = zmq::socket_t(ctx_, zmq::socket_type::router);
    socket_.set(zmq::sockopt::linger, 0);
    // Full or gone clients fail the send (counted) instead of a silent drop.
    socket_.set(zmq::sockopt::router_mandatory, 1);
    socket_.set(zmq::sockopt::sndhwm, cf::kServerSendHwm);
    socket_.set(zmq::sockopt::rcvhwm, cf::kServerRecvHwm);
    socket_.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(cf::kMaxMessageBytes));
    if (secure_) secure_(socket_);
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

ControlCounters ControlServer::counters() const {
  ControlCounters c;
  c.busy = busy_.load(std::memory_order_relaxed);
  c.dropped = dropped_.load(std::memory_order_relaxed);
  c.reply_bytes = budget_->bytes_in_flight();
  return c;
}

void ControlServer::trim_heap_if_due() {
  if (!budget_->take_trim_due()) return;
#if defined(__GLIBC__)
  ::malloc_trim(0);  // every arena: replies are freed on ZeroMQ's I/O threads
#endif
}

void ControlServer::run(std::stop_token stop) {
  set_thread_name("vsm-control");
  zmq::message_t identity, request;
  while (!stop.stop_requested()) {
    try {
      trim_heap_if_due();
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
  // Small and uncharged: the client's queue (kServerSendHwm) bounds these.
  std::vector<zmq::message_t> messages;
  messages.emplace_back(body.data(), body.size());
  send_to(identity, messages);
}

void ControlServer::send_reply(const zmq::message_t& identity, std::string body,
                               std::vector<std::string> frames) {
  auto messages = budget_->messages(identity.to_string_view(), std::move(body), std::move(frames));
  send_to(identity, messages);
}

bool ControlServer::send_to(const zmq::message_t& identity, std::vector<zmq::message_t>& messages) {
  try {
    if (!socket_.send(zmq::buffer(identity.data(), identity.size()),
                      zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
      dropped_.fetch_add(1, std::memory_order_relaxed);  // its queue is full: it does not read
      return false;
    }
  } catch (const zmq::error_t& e) {
    if (e.num() != EHOSTUNREACH) throw;
    dropped_.fetch_add(1, std::memory_order_relaxed);  // gone before its reply
    return false;
  }
  // The first frame took a place in the client's queue: the others always follow it.
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto flag = i + 1 == messages.size() ? zmq::send_flags::none : zmq::send_flags::sndmore;
    (void)socket_.send(std::move(messages[i]), flag | zmq::send_flags::dontwait);
  }
  return true;
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
  send_reply(identity, std::move(body), std::move(slice->events));
}

// The handler of an op whose reply is a flat map of fields; null for other ops.
const ControlServer::MapHandler* ControlServer::map_handler(std::string_view op) const {
  if (op == cf::kOpInfo) return &handlers_.info;
  if (op == cf::kOpMembers) return &handlers_.members;
  if (op == cf::kOpHealth) return &handlers_.health;
  if (op == cf::kOpRecent) return &handlers_.recent;
  return nullptr;
}

void ControlServer::handle(const zmq::message_t& identity, const zmq::message_t& request) {
  std::uint64_t rid = 0;
  auto req = parse_control_request(request.to_string_view(), &rid);
  if (!req) return reply_error(identity, rid, req.error().to_string());
  if (auto busy = budget_->refuse(identity.to_string_view())) {
    busy_.fetch_add(1, std::memory_order_relaxed);
    return reply_error(identity, req->rid, *busy);
  }
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
  } else if (const auto* fill = map_handler(req->op); fill != nullptr && *fill) {
    std::string pairs;
    std::uint32_t fields = 0;
    (*fill)(pairs, fields);
    w.map_header(2 + fields);
    w.raw(pairs);
  } else if (req->op == cf::kOpReplay) {
    if (!req->channel) return reply_error(identity, req->rid, "replay needs 'ch'");
    const std::size_t max = static_cast<std::size_t>(std::min<std::uint64_t>(req->max, cf::kMaxReplayBatch));
    slice = handlers_.replay(*req->channel, req->from, req->to, max);
    cap_replay_bytes(slice.events);
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
    return reply_error(identity, req->rid,
                       "unknown op '" + std::string(req->op) +
                           "' (ping, info, stats, replay, members, query, health, recent, "
                           "chaos, partition_resolve)");
  }
  w.str("rid"); w.uint(req->rid);
  w.str("ok"); w.boolean(true);
  send_reply(identity, std::move(body), std::move(slice.events));
}

}  // namespace vsm::detail
