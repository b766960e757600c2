// Partition test across two network namespaces joined by a veth pair (198.18.0.0/15):
// loopback publish endpoints reach the other side as the gossip host's address; link
// down -> both sides report the two partitions with the right members; link up -> they
// heal. Needs root and iproute2; otherwise prints why and exits 77 (ctest SKIP).
// Namespaces are named per run (vsmg<pid>a/b); leftovers of dead runs are removed first.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "agent_harness.hpp"

using namespace vsm::gossip::test;

namespace {

constexpr int kSkip = 77;
const std::string kAgent = std::string(VSM_TEST_BIN_DIR) + "/tests/gossip/gossip_agent";

int sh(const std::string& cmd) {
  int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 1;
}

// Deletes vsmg<pid>{a,b} namespaces whose creating process no longer exists.
void remove_stale_namespaces() {
  DIR* d = opendir("/var/run/netns");
  if (d == nullptr) return;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n.rfind("vsmg", 0) != 0 || n.size() < 6) continue;
    std::string pid = n.substr(4, n.size() - 5);
    struct stat st{};
    if (stat(("/proc/" + pid).c_str(), &st) != 0) sh("ip netns del " + n);
  }
  closedir(d);
}

struct Namespaces {
  std::string a, b;
  ~Namespaces() {
    sh("ip netns del " + a);
    sh("ip netns del " + b);
  }
};

bool setup(const Namespaces& ns) {
  const std::string va = "vg" + std::to_string(getpid()) + "a";
  const std::string vb = "vg" + std::to_string(getpid()) + "b";
  return sh("ip netns add " + ns.a) == 0 && sh("ip netns add " + ns.b) == 0 &&
         sh("ip link add " + va + " netns " + ns.a + " type veth peer name " + vb + " netns " + ns.b) == 0 &&
         sh("ip -n " + ns.a + " addr add 198.18.0.1/24 dev " + va) == 0 &&
         sh("ip -n " + ns.b + " addr add 198.18.0.2/24 dev " + vb) == 0 &&
         sh("ip -n " + ns.a + " link set lo up") == 0 && sh("ip -n " + ns.b + " link set lo up") == 0 &&
         sh("ip -n " + ns.a + " link set " + va + " up") == 0 &&
         sh("ip -n " + ns.b + " link set " + vb + " up") == 0;
}

std::vector<std::string> agent(const std::string& ns, const std::string& ip, const std::string& name,
                               const std::string& role, const std::string& seed) {
  std::vector<std::string> a = {"/usr/sbin/ip", "netns", "exec", ns, kAgent, "--name", name,
                                "--role", role, "--bind", ip, "--expected", "5",
                                "--probe-timeout-ms", "150", "--pub", "tcp://127.0.0.1:5555"};
  if (!seed.empty()) {
    a.push_back("--seed");
    a.push_back(seed);
  }
  return a;
}

// Every agent advertised tcp://127.0.0.1:5555; on the other machine that would name a
// different process, so members must see the gossip host instead.
bool advertised_reachable(AgentSet& agents) {
  const std::string b0_sees_a0 = latest_pub(agents.lines("b0"), "a0");
  const std::string a1_sees_b1 = latest_pub(agents.lines("a1"), "b1");
  if (b0_sees_a0 == "tcp://198.18.0.1:5555" && a1_sees_b1 == "tcp://198.18.0.2:5555") return true;
  std::fprintf(stderr, "b0 sees a0 at %s, a1 sees b1 at %s\n", b0_sees_a0.c_str(),
               a1_sees_b1.c_str());
  return false;
}

int fail(const char* what) {
  std::fprintf(stderr, "gossip_netns_test: FAILED: %s\n", what);
  return 1;
}

}  // namespace

int main() {
  if (geteuid() != 0) {
    std::printf("SKIP: gossip_netns_test needs root to create network namespaces\n");
    return kSkip;
  }
  if (access("/usr/sbin/ip", X_OK) != 0 || sh("/usr/sbin/ip netns list") != 0) {
    std::printf("SKIP: iproute2 'ip' with netns support is missing\n");
    return kSkip;
  }
  remove_stale_namespaces();
  const std::string pid = std::to_string(getpid());
  Namespaces ns{"vsmg" + pid + "a", "vsmg" + pid + "b"};
  if (!setup(ns)) {
    std::printf("SKIP: cannot create namespaces/veth here (container without CAP_NET_ADMIN?)\n");
    return kSkip;
  }
  const std::string link = "vg" + pid + "a";
  AgentSet agents;  // destroyed (children killed) before the namespaces
  agents.spawn("a0", agent(ns.a, "198.18.0.1", "a0", "S5", ""));
  if (!agents.wait_for([&] { return ready_port(agents.lines("a0")) != 0; }, 10'000)) {
    return fail("seed agent did not start");
  }
  const std::string seed = "198.18.0.1:" + std::to_string(ready_port(agents.lines("a0")));
  agents.spawn("a1", agent(ns.a, "198.18.0.1", "a1", "S3", seed));
  agents.spawn("a2", agent(ns.a, "198.18.0.1", "a2", "S1", seed));
  agents.spawn("b0", agent(ns.b, "198.18.0.2", "b0", "S1", seed));
  agents.spawn("b1", agent(ns.b, "198.18.0.2", "b1", "S2", seed));
  auto all_report = [&](const std::string& a_view, const std::string& b_view) {
    for (const auto& id : agents.ids()) {
      const std::string want = id[0] == 'a' ? a_view : b_view;
      if (last_partition(agents.lines(id)) != want) return false;
    }
    return true;
  };
  const std::string whole = "a0,a1,a2,b0,b1";
  if (!agents.wait_for([&] { return all_report("healthy " + whole, "healthy " + whole); }, 20'000)) {
    return fail("cluster did not form");
  }
  if (!advertised_reachable(agents)) return fail("loopback endpoint advertised across the veth link");
  std::printf("advertised endpoints use the gossip host\n");
  sh("ip -n " + ns.a + " link set " + link + " down");
  if (!agents.wait_for([&] {
        return all_report("healthy a0,a1,a2|b0,b1", "degraded b0,b1|a0,a1,a2");
      }, 20'000)) {
    for (const auto& id : agents.ids()) std::fprintf(stderr, "%s: %s\n", id.c_str(), last_partition(agents.lines(id)).c_str());
    return fail("partition not reported on both sides");
  }
  std::printf("partition seen on both sides\n");
  sh("ip -n " + ns.a + " link set " + link + " up");
  if (!agents.wait_for([&] { return all_report("healthy " + whole, "healthy " + whole); }, 30'000)) {
    for (const auto& id : agents.ids()) std::fprintf(stderr, "%s: %s\n", id.c_str(), last_partition(agents.lines(id)).c_str());
    return fail("partition did not heal");
  }
  std::printf("partition healed\n");
  agents.stop_all();
  return 0;
}
