#include "republisher.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <string>

#include "output.hpp"
#include "publish_retry.hpp"
#include "vsm/value_pack.hpp"

namespace vsmcat {

vsm::Event republished_event(const vsm::Event& original) {
  vsm::Event e = original;
  e.ts = {};
  e.seq = 0;
  e.metadata.try_emplace(std::string(kReplaySeqKey), vsm::pack_value(original.seq));
  e.metadata.try_emplace(std::string(kReplayNodeKey), vsm::Value::string(original.ts.node));
  e.metadata.try_emplace(std::string(kReplayWallMsKey), vsm::pack_value(original.ts.wall_ms));
  return e;
}

vsm::Result<std::unique_ptr<Republisher>> Republisher::start(const NodeOptions& o) {
  auto cfg = build_node_config(o, default_node_name("replay"));
  if (!cfg) return std::move(cfg).error();
  std::unique_ptr<Republisher> r(new Republisher(std::move(cfg).value()));
  if (auto st = r->node_.start(); !st) {
    return vsm::Error(st.error().code(), "cannot start the node: " + st.error().message());
  }
  for (const auto& ep : r->node_.endpoints()) status_line("endpoint " + ep);
  return r;
}

vsm::Status Republisher::wait_for_subscribers(std::size_t n, double timeout_s) {
  const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(timeout_s * 1000));
  if (node_.wait_for_subscribers(n, timeout)) {
    spdlog::info("{} subscriber(s) ready", node_.stats().subscribers);
    return {};
  }
  if (interrupted_) return vsm::Error::shutting_down("interrupted while waiting for subscribers");
  return vsm::Error::delivery_timeout("timed out after " + std::to_string(timeout_s) +
                                      " s waiting for " + std::to_string(n) + " subscriber(s) (" +
                                      std::to_string(node_.stats().subscribers) + " ready)");
}

vsm::Status Republisher::publish(const vsm::Event& original) {
  auto receipt = publish_retrying(node_, republished_event(original));
  if (!receipt) return std::move(receipt).error();
  ++published_;
  spdlog::debug("republished {} as seq {}", receipt->id.to_string(), receipt->seq);
  return {};
}

void Republisher::interrupt() {
  interrupted_ = true;
  node_.close();
}

void Republisher::stop() { node_.stop(); }

}  // namespace vsmcat
