// Secured nodes over real sockets (tcp loopback, docs/SECURITY.md §6): trusted nodes
// exchange signed events; an untrusted node or a client without CURVE gets nothing from
// the data or the control plane; a trusted publisher cannot pass events off as another
// node's, break the flow rules, or skip or fake signatures; a secured node hash-chains
// its log by default.
#include <catch2/catch.hpp>
#include <zmq.hpp>

#include "node_fixture.hpp"
#include "temp_dir.hpp"
#include "vsm/codec.hpp"
#include "vsm/control_client.hpp"
#include "vsm/node.hpp"
#include "vsm/persist/log_reader.hpp"
#include "vsm/security.hpp"
#include "wait_until.hpp"

namespace vsm {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Key pairs in <dir>/keys, the public halves of `trusted` in <dir>/trusted.
struct Keys {
  test::TempDir dir;
  Keys(std::initializer_list<std::pair<const char*, Role>> nodes,
       std::initializer_list<const char*> trusted) {
    for (const auto& [name, role] : nodes) {
      REQUIRE(write_node_key_files((dir / "keys").string(), name, role).ok());
    }
    std::filesystem::create_directories(dir / "trusted");
    for (const char* name : trusted) {
      std::filesystem::copy_file(dir / "keys" / (std::string(name) + ".pub"),
                                 dir / "trusted" / (std::string(name) + ".pub"));
    }
  }
  SecurityConfig config(const std::string& name, const std::string& trusted = "trusted") const {
    SecurityConfig s;
    s.key_file = (dir / "keys" / (name + ".key")).string();
    s.trusted_dir = (dir / trusted).string();
    return s;
  }
};

NodeConfig secured(const Keys& keys, const std::string& name, Role role) {
  NodeConfig c = test::node_config(name, role);
  c.security = keys.config(name);
  c.dish_bind.clear();
  return c;
}

}  // namespace

TEST_CASE("secure node: trusted nodes exchange signed events", "[security]") {
  Keys keys({{"node-a", Role::kS3}, {"node-b", Role::kS1}}, {"node-a", "node-b"});
  Node a(secured(keys, "node-a", Role::kS3));
  REQUIRE(a.start().ok());
  NodeConfig bc = secured(keys, "node-b", Role::kS1);
  bc.peers = {"node-a@" + a.endpoints().front()};
  Node b(std::move(bc));
  REQUIRE(b.start().ok());
  auto sub = b.subscribe(Filter::all());
  REQUIRE(sub.ok());
  REQUIRE(a.wait_for_subscribers(1, seconds(10)));

  Event cmd = test::make_event(Channel::kCommand, "set_limit", 1);
  cmd.target = "s1";
  REQUIRE(a.publish(std::move(cmd)).ok());
  REQUIRE(a.publish(test::make_event(Channel::kResourceBargain, "offer", 2)).ok());
  auto got = sub->next(seconds(10));
  REQUIRE(got.has_value());
  CHECK(got->channel == Channel::kCommand);
  CHECK(got->signature.size() == 64);  // command is a signed channel
  CHECK(got->signer == "node-a");
  auto offer = sub->next(seconds(10));
  REQUIRE(offer.has_value());
  CHECK(offer->signature.empty());  // resource_bargain is not
  const auto sb = b.stats().security;
  CHECK(sb.enabled);
  CHECK(sb.signatures_verified == 1);
  CHECK(sb.forged_dropped + sb.flow_dropped + sb.unsigned_dropped + sb.bad_signature_dropped == 0);
  CHECK(a.stats().security.signed_published == 1);
  CHECK(a.stats().security.connections_accepted >= 1);

  // The control plane answers a trusted client, over CURVE.
  auto ck = curve_client_keys(keys.config("node-b"), "node-a");
  REQUIRE(ck.ok());
  ControlClient client(a.control_endpoint(), seconds(5), *ck);
  CHECK(client.ping().ok());
}

TEST_CASE("secure node: untrusted clients get nothing from the data and control planes",
          "[security]") {
  // eve has a key pair and trusts node-a, but node-a does not trust eve.
  Keys keys({{"node-a", Role::kS3}, {"node-b", Role::kS1}, {"eve", Role::kS1}},
            {"node-a", "node-b"});
  std::filesystem::create_directories(keys.dir / "eve-trusted");
  for (const char* n : {"node-a.pub", "eve.pub"}) {
    std::filesystem::copy_file(keys.dir / "keys" / n, keys.dir / "eve-trusted" / n);
  }
  Node a(secured(keys, "node-a", Role::kS3));
  REQUIRE(a.start().ok());
  const std::string ep = a.endpoints().front();

  NodeConfig ec = secured(keys, "eve", Role::kS1);
  ec.security.trusted_dir = (keys.dir / "eve-trusted").string();
  ec.peers = {"node-a@" + ep};
  Node eve(std::move(ec));
  REQUIRE(eve.start().ok());
  auto eve_sub = eve.subscribe(Filter::all());
  REQUIRE(eve_sub.ok());

  zmq::context_t ctx;
  zmq::socket_t plain(ctx, zmq::socket_type::sub);  // no CURVE at all
  plain.set(zmq::sockopt::linger, 0);
  plain.set(zmq::sockopt::subscribe, "");
  plain.connect(ep);

  REQUIRE(test::wait_until([&] { return a.stats().security.connections_refused >= 1; }));

  // A trusted subscriber proves the events went out while eve and the plain SUB listened.
  NodeConfig bc = secured(keys, "node-b", Role::kS1);
  bc.peers = {"node-a@" + ep};
  Node b(std::move(bc));
  REQUIRE(b.start().ok());
  auto b_sub = b.subscribe(Filter::all());
  REQUIRE(b_sub.ok());
  REQUIRE(a.wait_for_subscribers(1, seconds(10)));
  for (int i = 0; i < 20; ++i)
    REQUIRE(a.publish(test::make_event(Channel::kResourceBargain, "t", i)).ok());
  for (int i = 0; i < 20; ++i) REQUIRE(b_sub->next(seconds(10)).has_value());
  CHECK_FALSE(eve_sub->next(milliseconds(200)).has_value());
  zmq::pollitem_t item{plain.handle(), 0, ZMQ_POLLIN, 0};
  CHECK(zmq::poll(&item, 1, milliseconds(200)) == 0);
  CHECK(a.stats().subscribers == 1);  // only node-b is a ready subscriber

  // Control plane: eve's key and a plain client time out, node-b's key is answered.
  auto eve_keys = curve_client_keys(keys.config("eve", "eve-trusted"), "node-a");
  REQUIRE(eve_keys.ok());
  const auto refused = a.stats().security.connections_refused;
  ControlClient untrusted(a.control_endpoint(), milliseconds(500), *eve_keys);
  CHECK(untrusted.stats().error().code() == ErrorCode::kDeliveryTimeout);
  ControlClient no_curve(a.control_endpoint(), milliseconds(500));
  CHECK(no_curve.query(persist::LogQuery{}).error().code() == ErrorCode::kDeliveryTimeout);
  CHECK(a.stats().security.connections_refused > refused);
  ControlClient trusted(a.control_endpoint(), seconds(5),
                        curve_client_keys(keys.config("node-b"), "node-a").value());
  CHECK(trusted.stats().ok());
}

TEST_CASE("secure node: a trusted publisher cannot forge, break flows or fake signatures",
          "[security]") {
  Keys keys({{"node-b", Role::kS1}, {"mallory", Role::kS1}}, {"node-b", "mallory"});
  // mallory: a raw CURVE XPUB with its trusted key, sending whatever it likes.
  std::string secret(32, '\0'), pub(32, '\0');
  {
    std::ifstream in(keys.dir / "keys" / "mallory.key");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("curve_secret = ", 0) == 0)
        zmq_z85_decode(reinterpret_cast<std::uint8_t*>(secret.data()), line.substr(15).c_str());
    }
  }
  zmq::context_t ctx;
  zmq::socket_t xpub(ctx, zmq::socket_type::xpub);
  xpub.set(zmq::sockopt::linger, 0);
  xpub.set(zmq::sockopt::curve_server, 1);
  xpub.set(zmq::sockopt::curve_secretkey, zmq::const_buffer(secret.data(), 32));
  xpub.bind("tcp://127.0.0.1:*");
  const std::string ep = xpub.get(zmq::sockopt::last_endpoint);

  NodeConfig bc = secured(keys, "node-b", Role::kS1);
  bc.peers = {"mallory@" + ep};
  Node b(std::move(bc));
  REQUIRE(b.start().ok());
  auto sub = b.subscribe(Filter::all());
  REQUIRE(sub.ok());
  // Wait for node-b's presence topic: every channel prefix was subscribed before it.
  zmq::message_t m;
  REQUIRE(test::wait_until([&] {
    while (xpub.recv(m, zmq::recv_flags::dontwait)) {
      if (m.to_string_view().find("~vsm/sub/") != std::string_view::npos) return true;
    }
    return false;
  }));

  auto send = [&](Channel ch, const std::string& source, const std::string& node,
                  const std::string& signature = {}) {
    Event e = test::make_event(ch, "t", 1);
    e.id = EventId::generate();
    e.source = source;
    e.ts.node = node;
    e.signature = signature;
    if (ch == Channel::kAlgedonic) e.priority = kPriorityCritical;
    xpub.send(zmq::buffer(encode_event(e).value()));
  };
  send(Channel::kCoordination, "node-b", "node-b");   // someone else's name: forged
  send(Channel::kCoordination, "s1.ops", "mallory");  // a source not in its key: forged
  send(Channel::kCommand, "mallory", "mallory");      // S1 may not command: flow
  send(Channel::kAlgedonic, "mallory", "mallory");    // signed channel, unsigned
  send(Channel::kAlgedonic, "mallory", "mallory", std::string(64, 'x'));  // bad signature
  send(Channel::kCoordination, "mallory", "mallory");                     // fine: delivered

  auto got = sub->next(seconds(10));
  REQUIRE(got.has_value());
  CHECK(got->source == "mallory");
  CHECK(got->channel == Channel::kCoordination);
  REQUIRE(test::wait_until([&] {
    const auto s = b.stats().security;
    return s.forged_dropped == 2 && s.flow_dropped == 1 && s.unsigned_dropped == 1 &&
           s.bad_signature_dropped == 1;
  }));
  CHECK_FALSE(sub->next(milliseconds(100)).has_value());
}

TEST_CASE("secure node: configuration errors name what is wrong", "[security]") {
  Keys keys({{"node-a", Role::kS3}, {"node-b", Role::kS1}}, {"node-b"});
  {
    Node a(secured(keys, "node-a", Role::kS3));  // its own key is not trusted
    auto st = a.start();
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().message().find("lacks this node's key") != std::string::npos);
  }
  {
    NodeConfig c = secured(keys, "node-b", Role::kS1);
    c.security.key_file = (keys.dir / "keys" / "node-a.key").string();
    auto st = Node(std::move(c)).start();
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().message().find("holds the key of node 'node-a'") != std::string::npos);
  }
  {
    NodeConfig c = secured(keys, "node-b", Role::kS1);
    c.peers = {"tcp://127.0.0.1:1"};  // unnamed: which key to pin?
    auto st = Node(std::move(c)).start();
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().message().find("NAME@") != std::string::npos);
  }
  {
    NodeConfig c = secured(keys, "node-b", Role::kS1);
    c.pub_bind = {"inproc://x"};
    CHECK(Node(std::move(c)).start().error().code() == ErrorCode::kInvalid);
  }
}

}  // namespace vsm

namespace vsm {
namespace {
// Publishes three events from a node with `config`'s log and reports the log.
persist::VerifyReport log_of(NodeConfig config) {
  {
    Node n(config);
    REQUIRE(n.start().ok());
    for (int i = 0; i < 3; ++i) {
      REQUIRE(n.publish(test::make_event(Channel::kCoordination, "c", i)).ok());
    }
  }
  auto reader = persist::LogReader::open(config.log_dir);
  REQUIRE(reader.ok());
  auto report = (*reader)->verify();
  REQUIRE(report.ok());
  CHECK(report->ok());
  CHECK(report->records == 3);
  return std::move(report).value();
}
}  // namespace

TEST_CASE("secure node: its log is hash-chained by default, an open node's only on request",
          "[security][log]") {
  Keys keys({{"node-a", Role::kS1}}, {"node-a"});
  NodeConfig secure = secured(keys, "node-a", Role::kS1);
  secure.log_dir = (keys.dir / "secure-log").string();
  const auto chained = log_of(secure);
  CHECK(chained.unchained_segments == 0);
  CHECK(chained.chain_heads.size() == 1);

  NodeConfig open = test::node_config("node-o", Role::kS1);
  open.log_dir = (keys.dir / "open-log").string();
  const auto plain = log_of(open);
  CHECK(plain.unchained_segments == 1);
  CHECK(plain.chain_heads.empty());

  open.log_dir = (keys.dir / "asked-log").string();
  open.log_options.hash_chain = true;
  CHECK(log_of(open).chain_heads.size() == 1);

  secure.log_dir = (keys.dir / "declined-log").string();
  secure.log_options.hash_chain = false;
  CHECK(log_of(secure).unchained_segments == 1);
}

}  // namespace vsm
