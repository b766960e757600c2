// Address parsing, CIDR matching (IPv4 and IPv6), the derived default networks of an
// unkeyed node, and which member records the allow-list lets through.
#include <catch2/catch.hpp>

#include "vsm/gossip/address.hpp"
#include "vsm/gossip/network_filter.hpp"

using namespace vsm::gossip;

TEST_CASE("addresses and endpoints split into host and port", "[gossip][address]") {
  CHECK(address_host("10.1.2.3:7946") == "10.1.2.3");
  CHECK(address_host("[fd00::1]:7946") == "[fd00::1]");
  CHECK(address_host("n3") == "n3");
  CHECK(address_host("::1") == "::1");  // IPv6 without brackets has no port
  auto p = split_endpoint("tcp://127.0.0.1:5555");
  CHECK((p.scheme == "tcp" && p.host == "127.0.0.1" && p.port == "5555" && p.has_host));
  p = split_endpoint("udp://[::1]:6000");
  CHECK((p.host == "[::1]" && p.port == "6000" && p.has_host));
  p = split_endpoint("ipc:///tmp/x.sock");
  CHECK_FALSE(p.networked);
  CHECK_FALSE(p.has_host);
  p = split_endpoint("tcp://no-port");
  CHECK(p.networked);
  CHECK_FALSE(p.has_host);
  CHECK(with_host("tcp://127.0.0.1:5555", "198.18.0.1") == "tcp://198.18.0.1:5555");
  CHECK(with_host("udp://0.0.0.0:6000", "[fd00::7]") == "udp://[fd00::7]:6000");
}

TEST_CASE("loopback and wildcard hosts are recognised", "[gossip][address]") {
  CHECK(is_loopback_host("127.0.0.1"));
  CHECK(is_loopback_host("127.9.9.9"));
  CHECK(is_loopback_host("::1"));
  CHECK(is_loopback_host("[::1]"));
  CHECK(is_loopback_host("::ffff:127.0.0.1"));
  CHECK(is_loopback_host("localhost"));
  CHECK_FALSE(is_loopback_host("198.18.0.1"));
  CHECK_FALSE(is_loopback_host("fd00::1"));
  CHECK_FALSE(is_loopback_host("example.org"));
  CHECK(is_wildcard_host("0.0.0.0"));
  CHECK(is_wildcard_host("*"));
  CHECK(is_wildcard_host("::"));
  CHECK(is_wildcard_host("[::]"));
  CHECK_FALSE(is_wildcard_host("127.0.0.1"));
}

TEST_CASE("CIDRs parse, reject garbage and match by prefix", "[gossip][filter]") {
  auto v4 = Cidr::parse("10.1.2.3/8");
  REQUIRE(v4.ok());
  CHECK(v4->to_string() == "10.0.0.0/8");
  CHECK(v4->contains(*parse_ip("10.200.0.1")));
  CHECK_FALSE(v4->contains(*parse_ip("11.0.0.1")));
  CHECK_FALSE(v4->contains(*parse_ip("::ffff:10.0.0.1")));  // other family
  auto v6 = Cidr::parse("fd00::/8");
  REQUIRE(v6.ok());
  CHECK(v6->contains(*parse_ip("fd12:3456::1")));
  CHECK_FALSE(v6->contains(*parse_ip("fe80::1")));
  auto host = Cidr::parse("192.0.2.7");
  REQUIRE(host.ok());
  CHECK(host->prefix_bits == 32);
  CHECK(Cidr::parse("0.0.0.0/0")->contains(*parse_ip("203.0.113.9")));
  for (const char* bad : {"", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "fd00::/129",
                          "example.org/8", "localhost", "10.0.0/8"}) {
    INFO(bad);
    auto c = Cidr::parse(bad);
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().code() == vsm::ErrorCode::kInvalid);
  }
  auto list = NetworkFilter::parse({"10.0.0.0/8", "oops"});
  REQUIRE_FALSE(list.ok());
  CHECK(list.error().message().find("oops") != std::string::npos);
}

TEST_CASE("an unkeyed node's default networks come from its address and seeds",
          "[gossip][filter]") {
  NetworkFilter f = NetworkFilter::derived({"198.18.0.1:7946", "198.19.4.5:7946", "[fd00::9]:7946"});
  REQUIRE(f.enabled());
  CHECK(f.allows_address("198.18.0.200:1"));
  CHECK(f.allows_address("198.19.4.77:1"));
  CHECK_FALSE(f.allows_address("198.18.1.1:1"));  // outside the /24
  CHECK(f.allows_address("[fd00::abcd]:1"));      // inside the /64
  CHECK_FALSE(f.allows_address("[fd00:0:0:1::1]:1"));
  CHECK_FALSE(f.allows_address("127.0.0.1:1"));  // no loopback address was given
  CHECK_FALSE(f.allows_address("example.org:1"));

  NetworkFilter loop = NetworkFilter::derived({"127.0.0.1:7946"});
  CHECK(loop.allows_address("127.0.0.2:9"));
  CHECK(loop.allows_address("[::1]:9"));
  CHECK_FALSE(loop.allows_address("10.0.0.1:9"));

  // Symbolic addresses (the simulator) give no networks: the filter stays off.
  NetworkFilter none = NetworkFilter::derived({"n0", "n1"});
  CHECK_FALSE(none.enabled());
  CHECK(none.allows_address("anything"));
}

TEST_CASE("records pass only with every network endpoint inside", "[gossip][filter]") {
  auto f = NetworkFilter::parse({"198.18.0.0/15"}).value();
  Endpoints ok{"tcp://198.18.0.1:5000", "tcp://198.18.0.1:5001", "udp://198.18.0.1:5002",
               "198.18.0.1:7946"};
  CHECK(f.allows_endpoints(ok));
  Endpoints local_only{"ipc:///tmp/pub.sock", "inproc://ctl", "", "198.19.0.1:7946"};
  CHECK(f.allows_endpoints(local_only));  // ipc/inproc reach no other machine
  Endpoints e = ok;
  e.gossip = "10.0.0.1:7946";
  CHECK_FALSE(f.allows_endpoints(e));
  e = ok;
  e.pub = "tcp://203.0.113.5:5000";  // a forged record pointing the node elsewhere
  CHECK_FALSE(f.allows_endpoints(e));
  e = ok;
  e.dish = "udp://evil.example:5002";  // names cannot be checked: refused
  CHECK_FALSE(f.allows_endpoints(e));
  e = ok;
  e.control = "tcp://garbage";
  CHECK_FALSE(f.allows_endpoints(e));
  CHECK(NetworkFilter{}.allows_endpoints(e));  // disabled filter
}
