// MembershipBridge over a real UDP socket on loopback: 300 forged members (plain
// datagrams from a raw socket) make the node open at most max_gossip_connections
// publisher connections, refusals are counted, and places freed by dead members go to
// waiting ones (a forged leave frees one); control_advertise replaces the advertised
// control endpoint.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>

#include "membership/membership_bridge.hpp"
#include "vsm/gossip/codec.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;

namespace {

// Counts the connects the bridge asks for and the most held at any time. (Forged members
// that nobody answers for also die after a while; that frees places too.)
struct Wiring {
  std::mutex mu;
  std::set<std::string> open;
  std::size_t connects = 0;
  std::size_t peak = 0;

  vsm::detail::MembershipHooks hooks() {
    vsm::detail::MembershipHooks h;
    h.connect_pub = [this](const std::string& ep) {
      std::lock_guard lock(mu);
      open.insert(ep);
      ++connects;
      peak = std::max(peak, open.size());
    };
    h.disconnect_pub = [this](const std::string& ep) {
      std::lock_guard lock(mu);
      open.erase(ep);
    };
    return h;
  }
  std::size_t connect_count() {
    std::lock_guard lock(mu);
    return connects;
  }
};

vsm::NodeConfig bridge_config(std::size_t max_connections) {
  vsm::NodeConfig c;
  c.name = "target";
  c.gossip_bind = "127.0.0.1:0";
  c.max_gossip_connections = max_connections;
  return c;
}

// Sends each message in its own plain datagram to `port` from a loopback socket.
void send_all(std::uint16_t port, const std::vector<vsm::gossip::Message>& messages) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  for (const auto& msg : messages) {
    std::string d = vsm::gossip::encode_datagram({vsm::gossip::encode_message(msg)}, nullptr);
    ::sendto(fd, d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  ::close(fd);
}

// Alive records of forged members forged-<i>, whose pub endpoint has port 30000 + i.
std::vector<vsm::gossip::Message> forged_members(std::size_t count) {
  std::vector<vsm::gossip::Message> out;
  for (std::size_t i = 0; i < count; ++i) {
    vsm::gossip::Member m;
    m.name = "forged-" + std::to_string(i);
    m.endpoints.gossip = "127.0.0.1:" + std::to_string(20000 + i);  // nobody answers there
    m.endpoints.pub = "tcp://127.0.0.1:" + std::to_string(30000 + i);
    out.push_back(vsm::gossip::Alive{m});
  }
  return out;
}

std::uint16_t port_of(const std::string& address) {
  return static_cast<std::uint16_t>(std::stoul(address.substr(address.rfind(':') + 1)));
}

}  // namespace

TEST_CASE("forged members open at most max_gossip_connections publisher connections",
          "[node][gossip][bridge]") {
  Wiring wiring;
  auto made = vsm::detail::MembershipBridge::create(bridge_config(8), wiring.hooks());
  REQUIRE(made.ok());
  vsm::detail::MembershipBridge& bridge = **made;
  REQUIRE(bridge.start({"tcp://127.0.0.1:5999", "", "", ""}).ok());
  const std::uint16_t port = port_of(bridge.gossip_address());
  // Loopback datagrams can be dropped under load: resend until all were taken in.
  REQUIRE(vsm::test::wait_until(
      [&] {
        if (bridge.members().size() >= 301) return true;
        send_all(port, forged_members(300));
        return bridge.members().size() >= 301;
      },
      20s));
  REQUIRE(vsm::test::wait_until([&] { return wiring.connect_count() >= 8; }, 10s));
  CHECK(vsm::test::wait_until([&] { return bridge.stats().connections_refused >= 292; }, 10s));
  // A connected member leaves: its place goes to one that waited, never more than 8.
  std::string connected;
  {
    std::lock_guard lock(wiring.mu);
    REQUIRE_FALSE(wiring.open.empty());
    connected = *wiring.open.begin();
  }
  const std::string member = "forged-" + std::to_string(port_of(connected) - 30000);
  REQUIRE(vsm::test::wait_until(
      [&] {
        send_all(port, {vsm::gossip::Leave{member, 0}});
        return wiring.connect_count() > 8;
      },
      10s));
  bridge.stop();
  std::lock_guard lock(wiring.mu);
  CHECK(wiring.peak == 8);
  CHECK(wiring.open.size() <= 8);
}

TEST_CASE("control_advertise replaces the advertised control endpoint",
          "[node][gossip][bridge]") {
  Wiring wiring;
  vsm::NodeConfig config = bridge_config(8);
  config.control_advertise = "tcp://198.18.0.9:7001";
  auto made = vsm::detail::MembershipBridge::create(config, wiring.hooks());
  REQUIRE(made.ok());
  vsm::detail::MembershipBridge& bridge = **made;
  REQUIRE(bridge.start({"tcp://127.0.0.1:5999", "tcp://127.0.0.1:7001", "", ""}).ok());
  REQUIRE(vsm::test::wait_until(
      [&] {
        for (const auto& m : bridge.members()) {
          if (m.name == "target") return m.endpoints.control == "tcp://198.18.0.9:7001";
        }
        return false;
      },
      10s));
  bridge.stop();
}
