// The TCP push-pull side of UdpDriver against raw sockets on loopback: a well-formed
// request gets the full state back; silent, oversized, garbage and excess connections
// are closed within their bounds and counted.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/gossip_format.hpp"
#include "vsm/gossip/udp_driver.hpp"
#include "wait_until.hpp"

using namespace vsm::gossip;
using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t kTimeoutMs = 300;

UdpDriverConfig driver_config(std::uint64_t timeout_ms = kTimeoutMs) {
  UdpDriverConfig cfg;
  cfg.name = "server";
  cfg.endpoints.pub = "tcp://127.0.0.1:5000";
  cfg.membership.push_pull_timeout_ms = timeout_ms;
  cfg.max_stream_connections = 4;
  return cfg;
}

int connect_to(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
  return fd;
}

std::string prefixed(std::uint32_t length, std::string_view frame) {
  std::string out;
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>(length >> (8 * i)));
  out.append(frame);
  return out;
}

// Reads until the peer closes or `timeout` passes; returns what arrived and whether the
// peer closed.
std::pair<std::string, bool> read_until_closed(int fd, std::chrono::milliseconds timeout) {
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, 50);
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0) return {got, true};
    if (n > 0) got.append(buf, static_cast<std::size_t>(n));
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return {got, true};
  }
  return {got, false};
}

GossipStats stats_when(UdpDriver& d, const std::function<bool(const GossipStats&)>& done) {
  GossipStats s;
  vsm::test::wait_until([&] { return done(s = d.stats()); }, 10s);
  return s;
}

}  // namespace

TEST_CASE("a push-pull request over TCP is answered with the full state", "[gossip][tcp]") {
  UdpDriver server(driver_config());
  REQUIRE(server.start().ok());
  int fd = connect_to(server.local_port());
  Member client;
  client.name = "raw-client";
  client.endpoints.gossip = "127.0.0.1:9";
  const std::string frame = encode_stream_frame(PushPull{77, 0, 0, 1, {client}}, nullptr);
  const std::string request = prefixed(static_cast<std::uint32_t>(frame.size()), frame);
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size()));
  auto [reply, closed] = read_until_closed(fd, 5s);
  ::close(fd);
  CHECK(closed);
  REQUIRE(reply.size() > format::kFrameLengthBytes);
  DropReason reason{};
  auto pp = decode_stream_frame(std::string_view(reply).substr(format::kFrameLengthBytes), nullptr,
                                0, 1 << 20, reason);
  REQUIRE(pp.ok());
  CHECK(pp->request_id == 77);
  CHECK((pp->flags & format::kPushPullReply) != 0);
  bool has_server = false, has_client = false;
  for (const auto& m : pp->members) {
    has_server |= m.name == "server";
    has_client |= m.name == "raw-client";
  }
  CHECK(has_server);
  CHECK(has_client);  // merged before the reply was built
  CHECK(stats_when(server, [](const GossipStats& s) { return s.push_pulls_answered == 1; })
            .push_pulls_answered == 1);
  server.stop();
}

TEST_CASE("bad push-pull connections are closed within their bounds and counted",
          "[gossip][tcp]") {
  UdpDriver server(driver_config());
  REQUIRE(server.start().ok());
  const std::uint16_t port = server.local_port();
  SECTION("a client that sends nothing is cut off after push_pull_timeout_ms") {
    int fd = connect_to(port);
    auto t0 = std::chrono::steady_clock::now();
    auto [got, closed] = read_until_closed(fd, 5s);
    ::close(fd);
    CHECK(closed);
    CHECK(got.empty());
    CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(kTimeoutMs / 2));
    CHECK(stats_when(server, [](const GossipStats& s) {
            return s.dropped_for(DropReason::kTruncated) >= 1;
          }).dropped_for(DropReason::kTruncated) >= 1);
  }
  SECTION("a length prefix over push_pull_max_bytes is refused at once") {
    int fd = connect_to(port);
    std::string huge = prefixed(0xffffffffu, "VG");
    ::send(fd, huge.data(), huge.size(), MSG_NOSIGNAL);
    auto [got, closed] = read_until_closed(fd, 5s);
    ::close(fd);
    CHECK(closed);
    CHECK(got.empty());
    CHECK(stats_when(server, [](const GossipStats& s) {
            return s.dropped_for(DropReason::kOversized) == 1;
          }).dropped_for(DropReason::kOversized) == 1);
  }
  SECTION("a frame that is not a push-pull is dropped without a reply") {
    int fd = connect_to(port);
    std::string junk = prefixed(10, "xxxxxxxxxx");
    ::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
    auto [got, closed] = read_until_closed(fd, 5s);
    ::close(fd);
    CHECK(closed);
    CHECK(got.empty());
    CHECK(stats_when(server, [](const GossipStats& s) {
            return s.dropped_for(DropReason::kBadMagic) == 1;
          }).dropped_for(DropReason::kBadMagic) == 1);
  }
  server.stop();
}

TEST_CASE("connections beyond max_stream_connections are closed and counted", "[gossip][tcp]") {
  UdpDriver server(driver_config(60'000));  // accepted ones stay open while we look
  REQUIRE(server.start().ok());
  std::vector<int> fds;
  for (int i = 0; i < 10; ++i) fds.push_back(connect_to(server.local_port()));
  std::vector<bool> closed(fds.size(), false);
  auto count_closed = [&] {
    for (std::size_t i = 0; i < fds.size(); ++i) {
      char c;
      if (!closed[i] && ::recv(fds[i], &c, 1, MSG_DONTWAIT) == 0) closed[i] = true;
    }
    return static_cast<int>(std::count(closed.begin(), closed.end(), true));
  };
  CHECK(vsm::test::wait_until([&] { return count_closed() >= 6; }, 10s));
  CHECK(count_closed() == 6);  // max_stream_connections = 4 stay open
  for (int fd : fds) ::close(fd);
  CHECK(stats_when(server, [](const GossipStats& s) { return s.streams_refused == 6; })
            .streams_refused == 6);
  server.stop();
}
