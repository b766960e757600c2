// The advertised-address rule, as a pure function and through two Membership cores, one
// on a routable address with loopback endpoints, one reading its records: loopback and
// wildcard hosts never reach a member on another machine.
#include <catch2/catch.hpp>

#include "vsm/gossip/advertise.hpp"
#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/membership.hpp"

using namespace vsm::gossip;

namespace {

Member member(const std::string& name, const std::string& gossip, Endpoints eps) {
  Member m;
  m.name = name;
  eps.gossip = gossip;
  m.endpoints = std::move(eps);
  return m;
}

// Hands every datagram and stream exchange between two cores until both are quiet.
void exchange(Membership& a, Membership& b, std::uint64_t now) {
  for (int round = 0; round < 20; ++round) {
    bool moved = false;
    for (auto [from, to] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
      for (auto& d : from->take_datagrams()) {
        if (d.address != to->self().endpoints.gossip) continue;
        to->receive(now, from->self().endpoints.gossip, d.bytes);
        moved = true;
      }
      for (auto& s : from->take_stream_requests()) {
        auto reply = to->handle_stream(now, from->self().endpoints.gossip, s.frame);
        if (reply) from->stream_reply(now, s.id, *reply);
        moved = true;
      }
    }
    if (!moved) return;
  }
}

}  // namespace

TEST_CASE("loopback and wildcard hosts follow the gossip host", "[gossip][advertise]") {
  Endpoints e{"tcp://127.0.0.1:5000", "tcp://0.0.0.0:5001", "udp://127.0.0.1:5002",
              "198.18.0.1:7946"};
  EndpointRewrite r = normalize_endpoints(e);
  CHECK(r.rewritten == 3);
  CHECK(e.pub == "tcp://198.18.0.1:5000");
  CHECK(e.control == "tcp://198.18.0.1:5001");
  CHECK(e.dish == "udp://198.18.0.1:5002");
  CHECK(normalize_endpoints(e).rewritten == 0);  // idempotent

  // A loopback gossip address only reaches this machine: loopback endpoints stay.
  Endpoints local{"tcp://127.0.0.1:5000", "tcp://*:5001", "", "127.0.0.1:7946"};
  r = normalize_endpoints(local);
  CHECK(local.pub == "tcp://127.0.0.1:5000");
  CHECK(local.control == "tcp://127.0.0.1:5001");  // wildcard still made concrete
  CHECK(r.rewritten == 1);

  // Explicit routable endpoints and local transports are kept.
  Endpoints explicit_eps{"tcp://198.18.0.7:5000", "ipc:///run/ctl", "udp://[fd00::3]:5002",
                         "198.18.0.1:7946"};
  Endpoints before = explicit_eps;
  CHECK(normalize_endpoints(explicit_eps).rewritten == 0);
  CHECK(explicit_eps == before);

  // A wildcard gossip host gives nothing usable: such endpoints are left out.
  Endpoints wild{"tcp://127.0.0.1:5000", "tcp://198.18.0.1:5001", "", "0.0.0.0:7946"};
  r = normalize_endpoints(wild);
  CHECK(r.omitted == 1);
  CHECK(wild.pub.empty());
  CHECK(wild.control == "tcp://198.18.0.1:5001");

  Endpoints v6{"tcp://[::1]:5000", "", "", "[fd00::1]:7946"};
  normalize_endpoints(v6);
  CHECK(v6.pub == "tcp://[fd00::1]:5000");
}

TEST_CASE("a member on a routable address never advertises loopback endpoints",
          "[gossip][advertise]") {
  MembershipConfig cfg;
  cfg.allowed_networks = {"198.18.0.0/15"};
  Membership a(cfg, member("a", "198.18.0.1:7946",
                           {"tcp://127.0.0.1:5000", "tcp://127.0.0.1:5001", "udp://127.0.0.1:5002", ""}),
               1);
  Membership b(cfg, member("b", "198.18.0.2:7946", {"tcp://198.18.0.2:5000", "", "", ""}), 2);
  CHECK(a.self().endpoints.dish == "udp://198.18.0.1:5002");
  CHECK(a.stats().endpoints_substituted == 3);
  b.join(0, {});
  a.join(0, {"198.18.0.2:7946"});
  exchange(a, b, 1);
  REQUIRE(b.find("a").has_value());
  const Endpoints seen = b.find("a")->endpoints;
  CHECK(seen.pub == "tcp://198.18.0.1:5000");
  CHECK(seen.control == "tcp://198.18.0.1:5001");
  CHECK(seen.dish == "udp://198.18.0.1:5002");

  // update_local() follows the same rule.
  REQUIRE(a.update_local(2, {"tcp://0.0.0.0:6000", "", "udp://127.0.0.1:6002", ""}, {}).ok());
  CHECK(a.self().endpoints.pub == "tcp://198.18.0.1:6000");
  CHECK(a.self().endpoints.dish == "udp://198.18.0.1:6002");
}

TEST_CASE("received loopback endpoints of a routable member are rewritten",
          "[gossip][advertise]") {
  MembershipConfig cfg;
  cfg.allowed_networks = {"198.18.0.0/15"};
  Membership b(cfg, member("b", "198.18.0.2:7946", {}), 2);
  b.join(0, {});
  // An older or foreign implementation sends loopback endpoints next to a routable
  // gossip address: they are rewritten to its gossip host (not dropped), and counted.
  Member c = member("c", "198.18.0.3:7946", {"tcp://127.0.0.1:5000", "", "udp://0.0.0.0:5002", ""});
  b.receive(1, "198.18.0.3:7946", encode_datagram({encode_message(Alive{c})}, nullptr));
  REQUIRE(b.find("c").has_value());
  CHECK(b.find("c")->endpoints.pub == "tcp://198.18.0.3:5000");
  CHECK(b.find("c")->endpoints.dish == "udp://198.18.0.3:5002");
  CHECK(b.stats().endpoints_rewritten == 2);
}
