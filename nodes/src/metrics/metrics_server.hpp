// Serves GET /metrics over HTTP (cpp-httplib) with the text `render` returns
// (node_metrics.hpp), for Prometheus. Its own listening thread ("vsm-metrics") and one
// worker thread; connections are not kept alive and time out after kTimeoutS, so a slow
// or silent client holds the worker for at most that long; requests carry no body.
// Thread-safety: start()/stop() from the owner; `render` is called on the worker thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "vsm/result.hpp"

namespace httplib {
class Server;
}

namespace vsm::detail {

class MetricsServer {
 public:
  static constexpr int kTimeoutS = 2;

  MetricsServer();
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Binds "HOST:PORT" (port 0 = a free one) and starts serving. kInvalid for a malformed
  // address, kIo when it cannot be bound.
  Status start(const std::string& bind, std::function<std::string()> render);
  // "http://HOST:PORT/metrics" after start(); empty before or when not serving.
  const std::string& endpoint() const noexcept { return endpoint_; }
  void stop();  // idempotent

 private:
  std::unique_ptr<httplib::Server> server_;
  std::string endpoint_;
  std::jthread thread_;
};

}  // namespace vsm::detail
