// Two in-process nodes wired publisher -> subscriber over tcp loopback.
#pragma once

#include <catch2/catch.hpp>

#include "vsm/node.hpp"
#include "vsm/value_pack.hpp"

namespace vsm::test {

inline NodeConfig node_config(std::string name, Role role) {
  NodeConfig c;
  c.name = std::move(name);
  c.role = role;
  return c;
}

inline Event make_event(Channel ch, std::string type, int index) {
  Event e;
  e.channel = ch;
  e.type = std::move(type);
  e.payload = pack_value(index);
  return e;
}

struct PubSubPair {
  Node pub;
  Node sub;
  PubSubPair(NodeConfig p, NodeConfig s) : pub(std::move(p)), sub(std::move(s)) {
    REQUIRE(pub.start().ok());
    sub = Node([&] {
      NodeConfig c = sub.config();
      c.peers = pub.endpoints();
      return c;
    }());
    REQUIRE(sub.start().ok());
  }
  // Subscribes on `sub` and waits until `pub` sees it (its first subscriber).
  Subscription subscribe_ready(Filter filter, SubscribeOptions options = {}) {
    auto s = sub.subscribe(std::move(filter), options);
    REQUIRE(s.ok());
    REQUIRE(pub.wait_for_subscribers(1, std::chrono::seconds(10)));
    return std::move(s).value();
  }
  // wait_for_subscribers() is true from the subscriber's first subscription on; this
  // waits until `pub` applies every subscription `sub` has made so far. A probe
  // subscription on `probe` (a channel the test does not otherwise use) is made last and
  // probes (type "~probe") are published until it gets one: a connection's subscriptions
  // are applied in order, so the earlier ones are in force too.
  void sync_subscriptions(Channel probe) {
    auto s = sub.subscribe(Filter::on(probe));
    REQUIRE(s.ok());
    bool seen = false;
    for (int i = 0; i < 200 && !seen; ++i) {  // 200 x 50 ms: 10 s
      REQUIRE(pub.publish(make_event(probe, "~probe", 1)).ok());
      seen = s.value().next(std::chrono::milliseconds(50)).has_value();
    }
    REQUIRE(seen);
  }
};

}  // namespace vsm::test
