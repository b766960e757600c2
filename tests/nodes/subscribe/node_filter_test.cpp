#include <catch2/catch.hpp>

#include "node_fixture.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;
using vsm::test::make_event;
using vsm::test::node_config;

namespace {
// Publishes a mix on every pair of (type, target) and counts what each filter gets.
std::vector<vsm::Event> drain(vsm::Subscription& s) {
  std::vector<vsm::Event> out;
  while (auto e = s.next(300ms)) out.push_back(*e);
  return out;
}
}  // namespace

TEST_CASE("filters deliver exactly the matching events", "[node][filter]") {
  auto pub_cfg = node_config("s3.mix", vsm::Role::kS3);
  pub_cfg.validate_flow = false;
  vsm::test::PubSubPair p(pub_cfg, node_config("s1.f", vsm::Role::kS1));

  auto by_channel = p.sub.subscribe(vsm::Filter::on(vsm::Channel::kAudit)).value();
  vsm::Filter type_f;
  type_f.channel = vsm::Channel::kCommand;
  type_f.source = "s3.mix";
  type_f.type = "start";
  auto by_type = p.sub.subscribe(type_f).value();
  vsm::Filter tgt;
  tgt.target = "s1.f";
  tgt.include_broadcast = false;
  auto by_target = p.sub.subscribe(tgt).value();
  vsm::Filter corr;
  corr.correlation_id = "c-7";
  auto by_corr = p.sub.subscribe(corr).value();
  vsm::Filter pred;
  pred.predicate = [](const vsm::Event& e) { return vsm::unpack_value<int>(e.payload).value() % 10 == 0; };
  auto by_pred = p.sub.subscribe(pred).value();
  vsm::Filter other_source;
  other_source.channel = vsm::Channel::kCommand;
  other_source.source = "s3.mi";  // a prefix of the real source must not match
  auto none = p.subscribe_ready(other_source);
  p.sync_subscriptions(vsm::Channel::kCoordination);  // every filter above is in force

  int expect_audit = 0, expect_start = 0, expect_target = 0, expect_corr = 0, expect_pred = 0;
  for (int i = 0; i < 200; ++i) {
    auto ch = (i % 3 == 0) ? vsm::Channel::kAudit : vsm::Channel::kCommand;
    auto e = make_event(ch, (i % 4 == 0) ? "start" : "startx", i);
    if (i % 5 == 0) e.target = "s1.f";
    if (i % 7 == 0) e.correlation_id = "c-7";
    expect_audit += ch == vsm::Channel::kAudit;
    expect_start += ch == vsm::Channel::kCommand && i % 4 == 0;
    expect_target += i % 5 == 0;
    expect_corr += i % 7 == 0;
    expect_pred += i % 10 == 0;
    REQUIRE(p.pub.publish(std::move(e)).ok());
  }
  REQUIRE(vsm::test::wait_until([&] {
    const auto st = p.sub.stats();
    return st.of(vsm::Channel::kAudit).received + st.of(vsm::Channel::kCommand).received == 200;
  }));
  auto audit = drain(by_channel);
  CHECK(static_cast<int>(audit.size()) == expect_audit);
  for (const auto& e : audit) CHECK(e.channel == vsm::Channel::kAudit);
  auto starts = drain(by_type);
  CHECK(static_cast<int>(starts.size()) == expect_start);
  for (const auto& e : starts) CHECK(e.type == "start");
  CHECK(static_cast<int>(drain(by_target).size()) == expect_target);
  CHECK(static_cast<int>(drain(by_corr).size()) == expect_corr);
  CHECK(static_cast<int>(drain(by_pred).size()) == expect_pred);
  CHECK(drain(none).empty());
}

TEST_CASE("wait_for_subscribers counts ready subscriber nodes", "[node][presence]") {
  vsm::Node pub(node_config("s3.p", vsm::Role::kS3));
  REQUIRE(pub.start().ok());
  CHECK_FALSE(pub.wait_for_subscribers(1, 50ms));
  std::vector<std::unique_ptr<vsm::Node>> subs;
  std::vector<vsm::Subscription> handles;
  for (int i = 0; i < 3; ++i) {
    auto c = node_config("s1.n" + std::to_string(i), vsm::Role::kS1);
    c.peers = pub.endpoints();
    subs.push_back(std::make_unique<vsm::Node>(c));
    REQUIRE(subs.back()->start().ok());
    handles.push_back(subs.back()->subscribe(vsm::Filter::all()).value());
  }
  REQUIRE(pub.wait_for_subscribers(3, 10s));
  CHECK(pub.stats().subscribers == 3);
  subs.back()->stop();
  CHECK(vsm::test::wait_until([&] { return pub.stats().subscribers == 2; }));
}
