// The node's ZAP handler (ZeroMQ RFC 27) on inproc://zeromq.zap.01 of the data-plane
// context: it admits a CURVE client to the XPUB or the control ROUTER only when its
// public key is in the trusted directory (and not expired), and names the connection
// with the key's node name (the "User-Id" property of every message it sends). Anything
// else (another mechanism, an unknown or expired key) is refused, counted and logged
// with the peer address (rate-limited, RefusalLog).
// ZapPolicy is the sans-I/O decision; ZapHandler is its thread ("vsm-zap").
// Thread-safety: ZapPolicy::decide() and the counters from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <zmq.hpp>

#include "security/refusal_log.hpp"
#include "security/trusted_keys.hpp"
#include "vsm/result.hpp"

namespace vsm::detail {

inline constexpr std::string_view kZapEndpoint = "inproc://zeromq.zap.01";
inline constexpr std::string_view kZapDomainData = "vsm-data";
inline constexpr std::string_view kZapDomainControl = "vsm-control";

struct ZapRequest {
  std::string domain;
  std::string address;     // peer IP address
  std::string mechanism;   // "NULL", "PLAIN", "CURVE"
  std::string credential;  // CURVE: the client's 32-byte public key
};

struct ZapDecision {
  bool allowed = false;
  std::string user_id;  // the trusted node name
  std::string reason;   // why it was refused
};

class ZapPolicy {
 public:
  ZapPolicy(TrustedKeyStore& keys, std::string node, std::uint64_t log_interval_ms)
      : keys_(keys), log_(std::move(node), "refused a connection from", log_interval_ms) {}

  // Decides, counts and (rate-limited) logs. `now_monotonic_ms` paces the key reload.
  ZapDecision decide(const ZapRequest& request, std::uint64_t now_monotonic_ms);
  std::uint64_t accepted() const noexcept { return accepted_.load(std::memory_order_relaxed); }
  std::uint64_t refused() const noexcept { return refused_.load(std::memory_order_relaxed); }

 private:
  TrustedKeyStore& keys_;
  RefusalLog log_;
  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::uint64_t> refused_{0};
};

class ZapHandler {
 public:
  ZapHandler(zmq::context_t& ctx, ZapPolicy& policy) : ctx_(ctx), policy_(policy) {}
  ~ZapHandler() { stop(); }
  ZapHandler(const ZapHandler&) = delete;
  ZapHandler& operator=(const ZapHandler&) = delete;

  // Binds the ZAP endpoint (before any CURVE server socket binds) and starts the thread.
  // kIo when the endpoint is taken (another handler in this context).
  Status start();
  // Joins the thread; idempotent. REQUIRES: the CURVE sockets of the context are closed
  // or will not handshake again (a handshake without a handler is refused by libzmq).
  void stop();

 private:
  void run(std::stop_token stop);
  void serve_one();

  zmq::context_t& ctx_;
  ZapPolicy& policy_;
  zmq::socket_t socket_;
  std::jthread thread_;
};

}  // namespace vsm::detail
