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
};

}  // namespace vsm::test
