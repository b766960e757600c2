#include "security/zap_handler.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <vector>

#include "core/node_thread.hpp"
#include "security/key_file.hpp"
#include "vsm/monotonic_clock.hpp"

namespace vsm::detail {

ZapDecision ZapPolicy::decide(const ZapRequest& r, std::uint64_t now_monotonic_ms) {
  ZapDecision d;
  if (r.mechanism != "CURVE") {
    d.reason = "mechanism " + (r.mechanism.empty() ? std::string("(none)") : r.mechanism) +
               " is not CURVE";
  } else if (r.credential.size() != kCurveKeyBytes) {
    d.reason = "malformed CURVE credential";
  } else {
    const auto keys = keys_.get(now_monotonic_ms);
    if (const auto* k = keys->by_curve_key(r.credential, unix_ms())) {
      d.allowed = true;
      d.user_id = k->name;
    } else {
      d.reason = "untrusted or expired key " + z85_encode_key(r.credential) + " (" + r.domain + ")";
    }
  }
  if (d.allowed) {
    accepted_.fetch_add(1, std::memory_order_relaxed);
  } else {
    refused_.fetch_add(1, std::memory_order_relaxed);
    log_.warn(r.address, d.reason, now_monotonic_ms);
  }
  return d;
}

Status ZapHandler::start() {
  try {
    socket_ = zmq::socket_t(ctx_, zmq::socket_type::rep);
    socket_.set(zmq::sockopt::linger, 0);
    socket_.bind(std::string(kZapEndpoint));
  } catch (const zmq::error_t& e) {
    return Error::io(std::string("cannot bind the ZAP handler: ") + e.what());
  }
  thread_ = std::jthread([this](std::stop_token st) { run(st); });
  return {};
}

void ZapHandler::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  join_unless_self(thread_);
}

void ZapHandler::run(std::stop_token stop) {
  set_thread_name("vsm-zap");
  while (!stop.stop_requested()) {
    try {
      zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
      if (zmq::poll(&item, 1, std::chrono::milliseconds(50)) > 0) serve_one();
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) break;
      if (e.num() != EINTR) spdlog::warn("vsm: ZAP handler: {}", e.what());
    }
  }
  socket_.close();
}

// RFC 27: version, request id, domain, address, identity, mechanism, credentials...
// The reply: version, request id, status code, status text, user id, metadata.
void ZapHandler::serve_one() {
  std::vector<zmq::message_t> frames;
  do {
    zmq::message_t m;
    if (!socket_.recv(m, zmq::recv_flags::dontwait)) return;
    const bool more = m.more();
    if (frames.size() < 8) frames.push_back(std::move(m));
    if (!more) break;
  } while (true);
  const auto text = [&](std::size_t i) {
    return i < frames.size() ? frames[i].to_string() : std::string();
  };
  ZapDecision d;
  if (text(0) != "1.0" || frames.size() < 6) {
    d.reason = "malformed ZAP request";
  } else {
    d = policy_.decide(ZapRequest{text(2), text(3), text(5), text(6)}, monotonic_ms());
  }
  const std::array<std::string, 6> reply = {
      "1.0", text(1), d.allowed ? "200" : "400", d.allowed ? "OK" : d.reason, d.user_id, ""};
  for (std::size_t i = 0; i < reply.size(); ++i) {
    socket_.send(zmq::buffer(reply[i]),
                 i + 1 < reply.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
  }
}

}  // namespace vsm::detail
