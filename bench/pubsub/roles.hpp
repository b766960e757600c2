// The two child-process roles of a run. The driver (driver.cpp) re-executes this binary
// with `--role pub|sub`; each role talks to the driver over pipes with text lines:
//   pub -> driver: "READY endpoint=<ep>", then "SENT count= send_ns= retries=",
//                  then "CPU user_ns= sys_ns="                  (or "ERROR <text>")
//   driver -> pub: "GO" (subscriber ready), "EXIT" (subscriber done)
//   sub -> driver: "READY", then "RESULT received= ... p50_ns= ..." (or "ERROR <text>")
// Repair mode (gap-repair measurement): the publisher publishes without waiting for a
// subscriber and reports SENT; only then does the driver start the subscriber, a
// Reliable one with start_seq = 1, which reports when the whole history arrived.
#pragma once

#include <cstdint>
#include <string>

#include "transport.hpp"

namespace vsm::bench {

enum class Mode { kThroughput, kLatency, kRepair };

struct RoleArgs {
  System system = System::kZmq;
  Mode mode = Mode::kThroughput;
  std::size_t payload_bytes = 100;
  std::uint64_t count = 0;      // measured messages
  std::uint64_t warmup = 0;     // warm-up messages sent first, not measured
  double rate = 0;              // msgs/s in latency mode; 0 = as fast as possible
  std::string endpoint;         // server endpoint (pub) / publisher endpoint (sub)
  std::string work_dir;
  int ctl_fd = -1;              // pub only: lines from the driver
  int status_fd = -1;           // lines to the driver
  std::int64_t idle_ms = 1'500; // sub: end of stream after this long without a message
  std::int64_t run_timeout_ms = 300'000;
};

int run_publisher(const RoleArgs& args);
int run_subscriber(const RoleArgs& args);

}  // namespace vsm::bench
