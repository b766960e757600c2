// Test program: runs one UdpDriver and prints membership and partition events as lines on
// stdout until SIGTERM/SIGINT (or the parent dies). Line formats:
//   READY <name> <port>
//   EVENT <kind> <member> <incarnation> <pub endpoint or ->
//   PARTITION <state> <members,...>|<members,...>...   (local partition first)
//   STATS <counter>=<value>...                          (every 200 ms)
// Usage: gossip_agent --name N [--role S1] [--bind 127.0.0.1] [--seed host:port]...
//        [--probe-timeout-ms N] [--probe-interval-ms N] [--expected N]
//        [--push-pull-interval-ms N] [--key 64-hex] [--pub endpoint]
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

std::string stats_line(const GossipStats& s) {
  std::string out = "STATS";
  auto add = [&](const char* name, std::uint64_t v) {
    out += std::string(" ") + name + "=" + std::to_string(v);
  };
  add("push_pulls_sent", s.push_pulls_sent);
  add("push_pulls_answered", s.push_pulls_answered);
  add("push_pull_failures", s.push_pull_failures);
  add("stream_bytes_received", s.stream_bytes_received);
  add("dropped", s.dropped_total());
  for (std::size_t r = 0; r < kDropReasonCount; ++r) {
    if (s.dropped[r] != 0) add(drop_reason_name(static_cast<DropReason>(r)).data(), s.dropped[r]);
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
    else if (flag == "--push-pull-interval-ms") cfg.membership.push_pull_interval_ms = std::stoull(value);
    else if (flag == "--pub") cfg.endpoints.pub = value;
    else if (flag == "--key") {
      auto key = Keyring::key_from_hex(1, value);
      if (!key) return usage();
      cfg.membership.keyring = std::make_shared<Keyring>(key.value());
    }
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
    const std::string& pub = e.member.endpoints.pub;
    print_line("EVENT " + std::string(member_event_name(e.kind)) + " " + e.member.name + " " +
               std::to_string(e.member.incarnation) + " " + (pub.empty() ? "-" : pub));
  });
  driver.on_partition([](const PartitionEvent& e) { print_line("PARTITION " + describe(e.view)); });
  if (auto s = driver.start(); !s.ok()) {
    std::fprintf(stderr, "gossip_agent: %s\n", s.error().to_string().c_str());
    return 1;
  }
  print_line("READY " + cfg.name + " " + std::to_string(driver.local_port()));
  const timespec period{0, 200'000'000};
  while (sigtimedwait(&set, nullptr, &period) < 0) print_line(stats_line(driver.stats()));
  driver.stop();
  return 0;
}
