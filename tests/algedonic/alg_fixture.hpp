// Helpers for in-process algedonic tests: nodes with fast retries and a report waiter.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <optional>

#include "vsm/node.hpp"

namespace vsm::test {

inline NodeConfig alg_config(std::string name, Role role) {
  NodeConfig c;
  c.name = std::move(name);
  c.role = role;
  c.control_bind.clear();
  // Acks on loopback take well under a millisecond, but a loaded CI machine can delay
  // them; tests that count attempts exactly use a silent peer or accept retries.
  c.algedonic_retry_initial_ms = 100;
  c.algedonic_retry_max_ms = 400;
  return c;
}

inline std::optional<DeliveryReport> wait_report(const AlgedonicReceipt& r,
                                                 std::chrono::milliseconds timeout =
                                                     std::chrono::seconds(10)) {
  if (r.report.wait_for(timeout) != std::future_status::ready) return std::nullopt;
  return r.report.get();
}

}  // namespace vsm::test
