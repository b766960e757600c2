// probe_endpoint(): a publish endpoint, a control endpoint, nothing listening, a host that
// does not resolve, and a TCP server that does not speak ZeroMQ.
#include "vsm/endpoint_probe.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "node_fixture.hpp"

using namespace std::chrono_literals;

namespace {

// A listening TCP socket nobody accepts on: the kernel completes the handshake, then the
// peer never speaks ZMTP. Returns the fd (closed by the caller) and its port.
std::pair<int, int> silent_listener() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(fd, 4) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  return {fd, ntohs(a.sin_port)};
}

// A port that was free a moment ago (bound, then closed): nothing listens there.
int dead_port() {
  auto [fd, port] = silent_listener();
  ::close(fd);
  return port;
}

}  // namespace

TEST_CASE("probe_endpoint tells publish from control endpoints", "[node][control][probe]") {
  vsm::Node n(vsm::test::node_config("s1.probe", vsm::Role::kS1));
  REQUIRE(n.start().ok());
  auto pub = vsm::probe_endpoint(n.endpoints().front(), 5s);
  REQUIRE(pub.ok());
  CHECK(*pub == vsm::EndpointKind::kPublisher);
  auto ctl = vsm::probe_endpoint(n.control_endpoint(), 5s);
  REQUIRE(ctl.ok());
  CHECK(*ctl == vsm::EndpointKind::kControl);
  CHECK(vsm::endpoint_kind_name(*ctl) == "control endpoint");
}

TEST_CASE("probe_endpoint errors say what is wrong", "[node][control][probe]") {
  SECTION("nothing listens") {
    auto r = vsm::probe_endpoint("tcp://127.0.0.1:" + std::to_string(dead_port()), 5s);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == vsm::ErrorCode::kIo);
    CHECK(r.error().message().find("connection refused") != std::string::npos);
  }
  SECTION("host does not resolve") {
    auto r = vsm::probe_endpoint("tcp://no-such-host.invalid:5555", 5s);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == vsm::ErrorCode::kInvalid);
    CHECK(r.error().message().find("cannot resolve host 'no-such-host.invalid'") !=
          std::string::npos);
  }
  SECTION("malformed") {
    auto r = vsm::probe_endpoint("tcp://127.0.0.1", 1s);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == vsm::ErrorCode::kInvalid);
  }
  SECTION("a TCP server that does not speak ZeroMQ") {
    auto [fd, port] = silent_listener();
    auto r = vsm::probe_endpoint("tcp://127.0.0.1:" + std::to_string(port), 1s);
    ::close(fd);
    REQUIRE_FALSE(r.ok());
    CHECK((r.error().code() == vsm::ErrorCode::kDeliveryTimeout ||
           r.error().code() == vsm::ErrorCode::kUnsupported));
  }
}
