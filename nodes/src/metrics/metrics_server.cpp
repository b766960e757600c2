#include "metrics/metrics_server.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "core/node_thread.hpp"
#include "vsm/host_port.hpp"

namespace vsm::detail {

MetricsServer::MetricsServer() = default;

MetricsServer::~MetricsServer() { stop(); }

Status MetricsServer::start(const std::string& bind, std::function<std::string()> render) {
  auto hp = parse_host_port(bind, PortRule::kZeroOk);
  if (!hp) return Error::invalid("NodeConfig.metrics_bind: " + hp.error().message());
  auto server = std::make_unique<httplib::Server>();
  server->new_task_queue = [] { return new httplib::ThreadPool(1); };
  server->set_keep_alive_max_count(1);
  server->set_read_timeout(kTimeoutS, 0);
  server->set_write_timeout(kTimeoutS, 0);
  server->set_payload_max_length(4'096);
  server->Get("/metrics",
              [render = std::move(render)](const httplib::Request&, httplib::Response& res) {
                res.set_content(render(), "text/plain; version=0.0.4; charset=utf-8");
              });
  int port = hp->port;
  if (port == 0) {
    port = server->bind_to_any_port(hp->host);
  } else if (!server->bind_to_port(hp->host, port)) {
    port = -1;
  }
  if (port <= 0) return Error::io("cannot bind the metrics endpoint '" + bind + "'");
  const bool v6 = hp->host.find(':') != std::string::npos;
  endpoint_ =
      "http://" + (v6 ? "[" + hp->host + "]" : hp->host) + ":" + std::to_string(port) + "/metrics";
  server_ = std::move(server);
  thread_ = std::jthread([srv = server_.get()] {
    set_thread_name("vsm-metrics");
    if (!srv->listen_after_bind()) spdlog::debug("vsm: metrics server stopped listening");
  });
  // httplib's stop() is a no-op until the listening loop runs: wait for it (bounded), so
  // that a stop() right after start() cannot leave the loop running forever.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!server_->is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return {};
}

void MetricsServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

}  // namespace vsm::detail
