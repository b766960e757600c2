// Test program: runs one UdpDriver and prints membership and partition events as lines on
// stdout until SIGTERM/SIGINT (or the parent dies). Line formats:
//   READY <name> <port>
//   EVENT <kind> <member> <incarnation>
//   PARTITION <state> <members,...>|<members,...>...   (local partition first)
// Usage: gossip_agent --name N [--role S1] [--bind 127.0.0.1] [--seed host:port]...
//        [--probe-timeout-ms N] [--probe-interval-ms N] [--expected N]
#include <signal.h>
#include <sys/prctl.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "vsm/gossip/udp_driver.hpp"

using namespace vsm::gossip;

namespace {

std::mutex print_mu;

void print_line(const std::string& line) {
  std::lock_guard lock(print_mu);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

std::string describe(const PartitionView& v) {
  std::string out(partition_state_name(v.state));
  out += ' ';
  for (std::size_t i = 0; i < v.partitions.size(); ++i) {
    // Local partition first so readers can tell which side they are on.
    std::size_t idx = i == 0 ? v.local : (i <= v.local ? i - 1 : i);
    if (i > 0) out += '|';
    const auto& ms = v.partitions[idx].members;
    for (std::size_t j = 0; j < ms.size(); ++j) out += (j ? "," : "") + ms[j];
  }
  return out;
}

int usage() {
  std::fprintf(stderr, "usage: gossip_agent --name N [--role S1] [--bind ip] [--seed ip:port]...\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the test that spawned us
  UdpDriverConfig cfg;
  cfg.partition.require_s3 = cfg.partition.require_s5 = true;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--name") cfg.name = value;
    else if (flag == "--role") cfg.role = vsm::parse_role(value).value_or(vsm::Role::kS1);
    else if (flag == "--bind") cfg.bind_address = value;
    else if (flag == "--seed") cfg.seeds.push_back(value);
    else if (flag == "--probe-timeout-ms") cfg.membership.probe_timeout_ms = std::stoull(value);
    else if (flag == "--probe-interval-ms") cfg.membership.probe_interval_ms = std::stoull(value);
    else if (flag == "--expected") cfg.partition.expected_total_weight = std::stod(value);
    else return usage();
  }
  if (cfg.name.empty()) return usage();
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // the driver thread inherits the mask

  UdpDriver driver(cfg);
  driver.on_event([](const MemberEvent& e) {
    print_line("EVENT " + std::string(member_event_name(e.kind)) + " " + e.member.name + " " +
               std::to_string(e.member.incarnation));
  });
  driver.on_partition([](const PartitionEvent& e) { print_line("PARTITION " + describe(e.view)); });
  if (auto s = driver.start(); !s.ok()) {
    std::fprintf(stderr, "gossip_agent: %s\n", s.error().to_string().c_str());
    return 1;
  }
  print_line("READY " + cfg.name + " " + std::to_string(driver.local_port()));
  int sig = 0;
  sigwait(&set, &sig);
  driver.stop();
  return 0;
}
