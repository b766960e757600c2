// DISH port theft (issue #16): while a node runs, no other socket can bind its DISH port,
// neither a second node nor a plain UDP socket with SO_REUSEADDR|SO_REUSEPORT, and a node
// asked to bind a busy port fails to start with kIo "udp port in use" naming it.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <zmq.hpp>

#include "alg_fixture.hpp"
#include "child_process.hpp"
#include "algedonic/udp_endpoint.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;
using vsm::detail::UdpEndpoint;
using vsm::test::ChildProcess;

namespace {
const std::string kAgent = vsm::test::bin_path("tests/algedonic/alg_agent");

// A plain UDP socket that asks for every kind of address sharing, as a thief would.
class ReuseSocket {
 public:
  ReuseSocket() : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    REQUIRE(fd_ >= 0);
    const int on = 1;
    REQUIRE(::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == 0);
    REQUIRE(::setsockopt(fd_, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) == 0);
  }
  ~ReuseSocket() { ::close(fd_); }
  ReuseSocket(const ReuseSocket&) = delete;
  ReuseSocket& operator=(const ReuseSocket&) = delete;

  // 0 when bound, else the errno of bind().
  int bind(const UdpEndpoint& ep) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(ep.port));
    ::inet_pton(AF_INET, ep.host.c_str(), &addr.sin_addr);
    return ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

UdpEndpoint free_loopback_port() {
  auto port = vsm::detail::probe_free_udp_port("127.0.0.1");
  REQUIRE(port);
  return UdpEndpoint{"127.0.0.1", *port};
}
}  // namespace

TEST_CASE("a running node's DISH port cannot be bound by another process or socket",
          "[algedonic][process][hardening]") {
  ChildProcess owner({kAgent, "recv", "s5.owner", "S5"});
  auto dish = owner.expect_prefix("dish ", 20s);
  REQUIRE(dish);
  auto ep = vsm::detail::parse_udp_endpoint(*dish);
  REQUIRE(ep);

  // A second node on the same DISH endpoint refuses to start and says why.
  ChildProcess thief({kAgent, "recv", "s5.thief", "S5", *dish}, vsm::test::StderrMode::kToStdout);
  auto error = thief.expect_prefix("alg_agent: ", 20s);
  REQUIRE(error);
  CHECK(error->find("udp port in use") != std::string::npos);
  CHECK(error->find(*dish) != std::string::npos);
  CHECK(thief.wait_exit(20s) == std::optional<int>(2));

  // Nor can a plain socket that sets SO_REUSEADDR and SO_REUSEPORT.
  ReuseSocket plain;
  CHECK(plain.bind(*ep) == EADDRINUSE);

  // The owner still receives and acknowledges alerts sent to that port.
  ChildProcess s1({kAgent, "send", "s1.ops", "S1", "0", *dish});
  auto report = s1.expect_prefix("report ", 30s);
  REQUIRE(report);
  CHECK(*report == "1 1 s5.owner");
  for (ChildProcess* p : {&s1, &owner}) {
    p->close_stdin();
    CHECK(p->wait_exit(20s) == std::optional<int>(0));
  }
}

TEST_CASE("a node whose explicit dish_bind is busy fails to start with kIo naming it",
          "[algedonic][hardening]") {
  const UdpEndpoint ep = free_loopback_port();
  ReuseSocket holder;
  REQUIRE(holder.bind(ep) == 0);
  CHECK_FALSE(vsm::detail::check_udp_port_free(ep));

  auto cfg = vsm::test::alg_config("s5.busy", vsm::Role::kS5);
  cfg.dish_bind = ep.to_string();
  vsm::Node node(cfg);
  auto st = node.start();
  REQUIRE_FALSE(st);
  CHECK(st.error().code() == vsm::ErrorCode::kIo);
  CHECK(st.error().message().find("udp port in use") != std::string::npos);
  CHECK(st.error().message().find(ep.to_string()) != std::string::npos);
}

TEST_CASE("check_udp_port_free accepts a free port", "[algedonic][hardening]") {
  CHECK(vsm::detail::check_udp_port_free(free_loopback_port()));
}

namespace {
// Sends "probe" to `to` until `dish` receives one. DISH binds are asynchronous; this
// waits until a bind has been made (and every bind requested before it on the same
// context's single I/O thread has been attempted).
bool wait_bound(zmq::context_t& ctx, zmq::socket_t& dish, const UdpEndpoint& to) {
  zmq::socket_t radio(ctx, zmq::socket_type::radio);
  radio.set(zmq::sockopt::linger, 0);
  radio.connect(to.to_string());
  zmq::message_t in;
  return vsm::test::wait_until([&] {
    zmq::message_t out("probe", 5);
    out.set_group("g");
    (void)radio.send(out, zmq::send_flags::dontwait);
    return dish.recv(in, zmq::recv_flags::dontwait).has_value();
  });
}

// Messages other than probes now waiting on `dish`.
int drain_payloads(zmq::socket_t& dish) {
  int n = 0;
  zmq::message_t in;
  while (dish.recv(in, zmq::recv_flags::dontwait)) n += in.to_string_view() != "probe";
  return n;
}
}  // namespace

// The libzmq patch itself (scripts/patches/0002-*): a second DISH bound to the same
// unicast port gets nothing; every datagram reaches the first. (Unpatched, SO_REUSEADDR
// on both sockets let the kernel hand every datagram to the last one bound.)
TEST_CASE("a second libzmq DISH on a bound unicast port receives nothing",
          "[algedonic][hardening]") {
  const UdpEndpoint busy = free_loopback_port();
  zmq::context_t ctx1, ctx2;
  zmq::socket_t first(ctx1, zmq::socket_type::dish);
  first.set(zmq::sockopt::linger, 0);
  first.bind(busy.to_string());
  first.join("g");
  REQUIRE(wait_bound(ctx1, first, busy));

  zmq::socket_t second(ctx2, zmq::socket_type::dish);
  second.set(zmq::sockopt::linger, 0);
  second.join("g");
  second.bind(busy.to_string());  // fails inside libzmq's I/O thread, reported nowhere
  const UdpEndpoint other = free_loopback_port();
  second.bind(other.to_string());
  REQUIRE(wait_bound(ctx2, second, other));  // so the bind to `busy` was attempted

  constexpr int kCount = 20;
  zmq::socket_t radio(ctx1, zmq::socket_type::radio);
  radio.set(zmq::sockopt::linger, 0);
  radio.connect(busy.to_string());
  for (int i = 0; i < kCount; ++i) {
    zmq::message_t out(std::to_string(i));
    out.set_group("g");
    REQUIRE(radio.send(out, zmq::send_flags::none));
  }
  int got = 0;
  CHECK(vsm::test::wait_until([&] {
    got += drain_payloads(first);
    return got >= kCount;
  }));
  CHECK(got == kCount);
  CHECK(drain_payloads(second) == 0);
}
