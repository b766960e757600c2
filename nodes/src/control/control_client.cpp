#include "vsm/control_client.hpp"

#include <zmq.hpp>

#include "control/control_format.hpp"
#include "control/control_query.hpp"
#include "security/curve.hpp"
#include "vsm/codec.hpp"
#include "vsm/msgpack_reader.hpp"
#include "vsm/msgpack_writer.hpp"

namespace vsm {
namespace cf = control_format;
namespace {

zmq::context_t& client_context() {
  static zmq::context_t ctx(1);
  return ctx;
}

struct Reply {
  std::string header;               // msgpack map
  std::vector<zmq::message_t> extra;
};

// Finds `key` in a flat reply map and returns its raw value bytes.
std::optional<std::string_view> find_key(std::string_view map, std::string_view key) {
  MsgpackReader r(map);
  auto n = r.read_map_header();
  if (!n) return std::nullopt;
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto k = r.read_str();
    auto v = r.skip_value();
    if (!k || !v) return std::nullopt;
    if (*k == key) return v;
  }
  return std::nullopt;
}

std::uint64_t uint_key(std::string_view map, std::string_view key) {
  auto v = find_key(map, key);
  if (!v) return 0;
  MsgpackReader r(*v);
  return r.read_uint().value_or(0);
}

std::vector<std::uint64_t> uint_array_key(std::string_view map, std::string_view key) {
  std::vector<std::uint64_t> out;
  auto v = find_key(map, key);
  if (!v) return out;
  MsgpackReader r(*v);
  auto n = r.read_array_header();
  for (std::uint32_t i = 0; n && i < *n; ++i) {
    auto u = r.read_uint();
    if (!u) break;  // malformed: offsets past here read as 0
    out.push_back(*u);
  }
  return out;
}

}  // namespace

struct ControlClient::Impl {
  std::string endpoint;
  std::chrono::milliseconds timeout;
  std::unique_ptr<zmq::socket_t> socket;
  std::uint64_t next_rid = 1;
  std::optional<CurveClientKeys> curve;

  void reset() {
    socket = std::make_unique<zmq::socket_t>(client_context(), zmq::socket_type::dealer);
    socket->set(zmq::sockopt::linger, 0);
    if (curve)
      detail::make_curve_client(*socket, curve->public_key, curve->secret_key, curve->server_key);
    socket->connect(endpoint);
  }

  Result<Reply> call(const std::string& request, std::uint64_t rid) {
    try {
      if (!socket) reset();
      socket->send(zmq::buffer(request), zmq::send_flags::dontwait);
      const auto deadline = std::chrono::steady_clock::now() + timeout;
      for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        zmq::pollitem_t item{socket->handle(), 0, ZMQ_POLLIN, 0};
        if (left.count() <= 0 || zmq::poll(&item, 1, left) == 0) {
          socket.reset();  // drop the pending request; a late reply must not leak
          return Error::delivery_timeout("no reply from control endpoint " + endpoint +
                                         " within " + std::to_string(timeout.count()) + " ms");
        }
        Reply reply;
        zmq::message_t msg;
        (void)socket->recv(msg);
        reply.header = msg.to_string();
        bool more = msg.more();
        while (more) {
          zmq::message_t part;
          (void)socket->recv(part);
          more = part.more();
          reply.extra.push_back(std::move(part));
        }
        if (uint_key(reply.header, "rid") != rid) continue;  // stale reply
        auto ok = find_key(reply.header, "ok");
        if (!ok || *ok != std::string_view("\xc3", 1)) {
          std::string err = "control request failed";
          if (auto e = find_key(reply.header, "err")) {
            MsgpackReader r(*e);
            if (auto s = r.read_str()) err = std::string(*s);
          }
          return Error::invalid(err);
        }
        return reply;
      }
    } catch (const zmq::error_t& e) {
      socket.reset();
      return Error::io("control endpoint " + endpoint + ": " + e.what());
    }
  }

  std::string request(std::string_view op, std::uint64_t rid, std::uint32_t extra_fields,
                      std::string* body) {
    std::string out;
    MsgpackWriter w(out);
    w.map_header(2 + extra_fields);
    w.str("op");
    w.str(op);
    w.str("rid");
    w.uint(rid);
    if (body) out += *body;
    return out;
  }
};

ControlClient::ControlClient(std::string endpoint, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->endpoint = std::move(endpoint);
  impl_->timeout = timeout;
}
ControlClient::ControlClient(std::string endpoint, std::chrono::milliseconds timeout,
                             CurveClientKeys curve)
    : ControlClient(std::move(endpoint), timeout) {
  impl_->curve = std::move(curve);
}
ControlClient::~ControlClient() = default;
ControlClient::ControlClient(ControlClient&&) noexcept = default;
ControlClient& ControlClient::operator=(ControlClient&&) noexcept = default;

const std::string& ControlClient::endpoint() const noexcept { return impl_->endpoint; }

Status ControlClient::ping() {
  const auto rid = impl_->next_rid++;
  auto r = impl_->call(impl_->request(cf::kOpPing, rid, 0, nullptr), rid);
  if (!r) return r.error();
  return {};
}

Result<Value> ControlClient::info() {
  const auto rid = impl_->next_rid++;
  auto r = impl_->call(impl_->request(cf::kOpInfo, rid, 0, nullptr), rid);
  if (!r) return r.error();
  return Value::from_encoded(std::move(r->header));
}

Result<Value> ControlClient::members() {
  const auto rid = impl_->next_rid++;
  auto r = impl_->call(impl_->request(cf::kOpMembers, rid, 0, nullptr), rid);
  if (!r) return r.error();
  return Value::from_encoded(std::move(r->header));
}

Result<Value> ControlClient::health() {
  const auto rid = impl_->next_rid++;
  auto r = impl_->call(impl_->request(cf::kOpHealth, rid, 0, nullptr), rid);
  if (!r) return r.error();
  return Value::from_encoded(std::move(r->header));
}

Result<Value> ControlClient::recent() {
  const auto rid = impl_->next_rid++;
  auto r = impl_->call(impl_->request(cf::kOpRecent, rid, 0, nullptr), rid);
  if (!r) return r.error();
  return Value::from_encoded(std::move(r->header));
}

Result<Value> ControlClient::stats() {
  const auto rid = impl_->next_rid++;
  auto r = impl_->call(impl_->request(cf::kOpStats, rid, 0, nullptr), rid);
  if (!r) return r.error();
  auto v = find_key(r->header, "stats");
  if (!v) return Error::invalid("stats reply lacks 'stats'");
  return Value::from_encoded(std::string(*v));
}

Result<ReplayBatch> ControlClient::replay(Channel channel, std::uint64_t from, std::uint64_t to,
                                          std::size_t max) {
  const auto rid = impl_->next_rid++;
  std::string body;
  MsgpackWriter w(body);
  w.str("ch"); w.str(channel_name(channel));
  w.str("from"); w.uint(from);
  w.str("to"); w.uint(to);
  w.str("max"); w.uint(max);
  auto r = impl_->call(impl_->request(cf::kOpReplay, rid, 4, &body), rid);
  if (!r) return r.error();
  ReplayBatch batch;
  batch.oldest = uint_key(r->header, "oldest");
  batch.last = uint_key(r->header, "last");
  for (const auto& m : r->extra) {
    auto e = decode_event(m.to_string_view());
    if (e) {
      batch.events.push_back(std::move(e).value());
    } else {
      ++batch.decode_errors;
    }
  }
  return batch;
}

Result<QueryPage> ControlClient::query(const persist::LogQuery& q, std::uint64_t cursor) {
  const auto rid = impl_->next_rid++;
  auto r = impl_->call(detail::encode_query_request(detail::QueryRequest{q, cursor}, rid), rid);
  if (!r) return r.error();
  QueryPage page;
  page.next = uint_key(r->header, "next");
  auto log = find_key(r->header, "log");
  page.from_log = log && *log == std::string_view("\xc3", 1);
  const auto offsets = uint_array_key(r->header, "off");
  for (std::size_t i = 0; i < r->extra.size(); ++i) {
    auto e = decode_event(r->extra[i].to_string_view());
    if (!e) {
      ++page.decode_errors;
      continue;
    }
    page.entries.push_back(
        persist::LogEntry{i < offsets.size() ? offsets[i] : 0, std::move(e).value()});
  }
  return page;
}

// --- variety ops ---
Result<Value> ControlClient::chaos(const std::map<std::string, std::string>& args) {
  const auto rid = impl_->next_rid++;
  std::string body;
  MsgpackWriter w(body);
  std::uint32_t fields = 0;
  for (const auto& [k, v] : args) {
    if (k == "op" || k == "rid") continue;  // the request's own keys
    w.str(k);
    w.str(v);
    ++fields;
  }
  auto r = impl_->call(impl_->request(cf::kOpChaos, rid, fields, &body), rid);
  if (!r) return r.error();
  return Value::from_encoded(std::move(r->header));
}

Result<Value> ControlClient::resolve_partition() {
  const auto rid = impl_->next_rid++;
  auto r = impl_->call(impl_->request(cf::kOpPartitionResolve, rid, 0, nullptr), rid);
  if (!r) return r.error();
  return Value::from_encoded(std::move(r->header));
}
// --- end variety ops ---

}  // namespace vsm
