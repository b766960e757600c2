// `vsmcat bench`: measure a live fabric with vsmfabric nodes. One process publishes
// (--role pub --bind EP), another subscribes (--role sub --connect EP); the subscriber
// reports throughput, loss and one-way latency (send time in the payload). See
// docs/BENCHMARKS.md; the side-by-side comparison with libzmq/nats/redis is
// bench/pubsub/pubsub_bench.
#pragma once

#include "command.hpp"

namespace vsmcat {

Command register_bench(CLI::App& root);

}  // namespace vsmcat
