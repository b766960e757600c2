#include "vsm/host_port.hpp"

#include <catch2/catch.hpp>

namespace vsm {

TEST_CASE("host:port parses IPv4, names and bracketed IPv6", "[host_port]") {
  auto a = parse_host_port("127.0.0.1:7946");
  REQUIRE(a.ok());
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 7946);
  CHECK(a->to_string() == "127.0.0.1:7946");

  auto b = parse_host_port("[::1]:80");
  REQUIRE(b.ok());
  CHECK(b->host == "::1");
  CHECK(b->to_string() == "[::1]:80");

  auto c = parse_host_port("node-3.example:65535");
  REQUIRE(c.ok());
  CHECK(c->port == 65535);
}

TEST_CASE("host:port port rules", "[host_port]") {
  CHECK_FALSE(parse_host_port("127.0.0.1:0").ok());
  CHECK(parse_host_port("127.0.0.1:0", PortRule::kZeroOk)->port == 0);
  CHECK_FALSE(parse_host_port("127.0.0.1:*", PortRule::kZeroOk).ok());
  CHECK(parse_host_port("127.0.0.1:*", PortRule::kWildcardOk)->port == 0);
}

TEST_CASE("host:port rejects malformed text with a clear error", "[host_port]") {
  for (const char* bad : {"", "no-port", ":80", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:65536",
                          "127.0.0.1:-1", "::1:80", "[::1]80", "[::1", "127.0.0.1:80x"}) {
    INFO(bad);
    auto r = parse_host_port(bad, PortRule::kZeroOk);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::kInvalid);
    CHECK(r.error().message().find("expected HOST:") != std::string::npos);
  }
}

TEST_CASE("endpoints: tcp, udp, ipc and inproc", "[host_port]") {
  auto t = parse_endpoint("tcp://127.0.0.1:*", PortRule::kWildcardOk);
  REQUIRE(t.ok());
  CHECK(t->scheme == "tcp");
  CHECK(t->address.port == 0);
  auto u = parse_endpoint("udp://[::1]:9000");
  REQUIRE(u.ok());
  CHECK(u->address.host == "::1");
  auto i = parse_endpoint("ipc:///tmp/vsm.sock");
  REQUIRE(i.ok());
  CHECK(i->path == "/tmp/vsm.sock");
  CHECK_FALSE(parse_endpoint("127.0.0.1:80").ok());
  CHECK_FALSE(parse_endpoint("pgm://x:1").ok());
  CHECK_FALSE(parse_endpoint("ipc://").ok());
  CHECK_FALSE(parse_endpoint("tcp://127.0.0.1:*").ok());  // wildcard not allowed by default
}

TEST_CASE("loopback hosts", "[host_port]") {
  CHECK(is_loopback_host("127.0.0.1"));
  CHECK(is_loopback_host("127.1.2.3"));
  CHECK(is_loopback_host("::1"));
  CHECK(is_loopback_host("localhost"));
  CHECK_FALSE(is_loopback_host("198.18.0.1"));
  CHECK_FALSE(is_loopback_host("0.0.0.0"));
}

}  // namespace vsm
