// No datagram can kill a node (issue #16): a real node process (alg_agent) receives raw
// UDP datagrams on its DISH port that libzmq 4.3.4 used to abort on (group length byte
// >= 0x80), and every other malformed shape, then still delivers and acknowledges an
// alert. Real processes, real UDP on loopback.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "algedonic/udp_endpoint.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;
using vsm::test::ChildProcess;

namespace {
const std::string kAgent = vsm::test::bin_path("tests/algedonic/alg_agent");

// Sends each datagram from one plain UDP socket; returns how many the kernel took.
std::size_t send_raw(const vsm::detail::UdpEndpoint& to, const std::vector<std::string>& grams) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  // Large enough for the 65,507-byte datagram on every kernel default.
  const int sndbuf = 1 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(to.port));
  ::inet_pton(AF_INET, to.host.c_str(), &addr.sin_addr);
  std::size_t sent = 0;
  for (const auto& g : grams) {
    const ssize_t n = ::sendto(fd, g.data(), g.size(), 0, reinterpret_cast<sockaddr*>(&addr),
                               sizeof addr);
    if (n == static_cast<ssize_t>(g.size())) ++sent;
  }
  ::close(fd);
  return sent;
}

std::string random_bytes(std::mt19937_64& rng, std::size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// Datagrams libzmq's UDP engine must drop (or, with a joined group, pass on to the lane,
// which counts them as malformed) without aborting, leaking or corrupting memory.
std::vector<std::string> hostile_datagrams(std::mt19937_64& rng) {
  std::vector<std::string> grams;
  for (int first = 0x80; first <= 0xff; ++first) {  // the abort of libzmq 4.3.4
    grams.push_back(static_cast<char>(first) + random_bytes(rng, 1 + rng() % 64));
  }
  grams.emplace_back();                        // empty
  grams.emplace_back(1, '\x00');               // group "" and no body
  grams.emplace_back(1, '\x05');               // group length 5, nothing follows
  grams.push_back("\x10" + std::string("alg"));  // group length 16 > 3 bytes left
  grams.push_back(std::string(1, '\xff') + std::string(254, 'g'));  // 255 > 254 left
  for (int i = 0; i < 200; ++i) {                    // random garbage of any size
    std::string g = random_bytes(rng, rng() % 1500);
    if (!g.empty() && (g[0] == '\x03')) g[0] = '\x04';  // never a real "alg"/"ack" group
    grams.push_back(g);
  }
  grams.push_back(std::string(1, '\x03') + "alg" + std::string(65'507 - 4, 'x'));  // oversized
  grams.push_back(random_bytes(rng, 65'507));
  return grams;
}

// A datagram with the lane's group and a body that is not an algedonic datagram: libzmq
// delivers it and the lane drops it, counting it as malformed. It marks a point in the
// DISH socket's queue: once it is counted, every datagram sent before it was read.
std::string lane_marker(std::mt19937_64& rng) {
  return "\x03" "alg" + random_bytes(rng, 1 + rng() % 200);
}

std::optional<std::string> counts(ChildProcess& p) {
  p.write("counts\n");
  return p.expect_prefix("counts ", 10s);
}

long malformed_in(const std::string& counts_line) {
  const auto at = counts_line.find(" malformed ");
  return at == std::string::npos ? -1 : std::stol(counts_line.substr(at + 11));
}

struct Settled {
  long markers_sent = 0;
  long malformed = 0;  // counted by the node once everything was read
};

// Sends `grams` in small batches (so the node's socket buffer does not overflow), each
// followed by a marker, and waits until the node has counted it: then the node read the
// whole batch. A full socket buffer may still drop a marker on a loaded machine, so a
// marker that is not counted in time is sent again (bounded).
Settled send_in_settled_batches(ChildProcess& node, const vsm::detail::UdpEndpoint& ep,
                                const std::vector<std::string>& grams, std::mt19937_64& rng) {
  constexpr std::size_t kBatchBytes = 32 * 1024;
  constexpr std::size_t kBatchCount = 32;
  Settled out;
  std::size_t i = 0;
  while (i < grams.size()) {
    std::vector<std::string> batch;
    std::size_t bytes = 0;
    do {
      bytes += grams[i].size();
      batch.push_back(grams[i++]);
    } while (i < grams.size() && batch.size() < kBatchCount &&
             bytes + grams[i].size() <= kBatchBytes);
    CHECK(send_raw(ep, batch) == batch.size());
    std::string last;
    bool settled = false;
    for (int attempt = 0; attempt < 5 && !settled; ++attempt) {
      REQUIRE(send_raw(ep, {lane_marker(rng)}) == 1);
      ++out.markers_sent;
      settled = vsm::test::wait_until(
          [&] {
            auto c = counts(node);
            last = c.value_or("");
            return !c || malformed_in(*c) > out.malformed;
          },
          5s);
    }
    INFO(last);
    REQUIRE(settled);
    REQUIRE(malformed_in(last) > out.malformed);
    out.malformed = malformed_in(last);
  }
  return out;
}
}  // namespace

TEST_CASE("hostile datagrams on the DISH port neither kill nor stall a node",
          "[algedonic][process][hardening]") {
  std::signal(SIGPIPE, SIG_IGN);  // a node that dies must fail the test, not kill it
  ChildProcess s5({kAgent, "recv", "s5.policy", "S5"});
  auto dish = s5.expect_prefix("dish ", 20s);
  REQUIRE(dish);
  auto ep = vsm::detail::parse_udp_endpoint(*dish);
  REQUIRE(ep);

  std::mt19937_64 rng(0x4a11);
  const Settled sent = send_in_settled_batches(s5, *ep, hostile_datagrams(rng), rng);
  REQUIRE(sent.malformed > 5);

  // Alive and answering, and an alert raised afterwards is delivered and acknowledged.
  ChildProcess s1({kAgent, "send", "s1.ops", "S1", "0", *dish});
  auto report = s1.expect_prefix("report ", 30s);
  REQUIRE(report);
  CHECK(*report == "1 1 s5.policy");
  std::string last;
  CHECK(vsm::test::wait_until(
      [&] {
        last = counts(s5).value_or("");
        return last.empty() || last.find(" lane 1 ") != std::string::npos;
      },
      30s));
  INFO(last);
  CHECK(last.find(" lane 1 ") != std::string::npos);
  CHECK(malformed_in(last) >= sent.malformed);
  CHECK(malformed_in(last) <= sent.markers_sent);  // no hostile datagram reached the lane
  CHECK_FALSE(s5.wait_exit(0ms));        // still running

  for (ChildProcess* p : {&s1, &s5}) {
    p->close_stdin();
    CHECK(p->wait_exit(20s) == std::optional<int>(0));
  }
}
