// Filter: AND of every set field, broadcast handling, predicate, topic prefixes.
#include <catch2/catch.hpp>

#include "sample_event.hpp"
#include "vsm/filter.hpp"

namespace vsm {

TEST_CASE("filter: empty filter matches everything", "[filter]") {
  CHECK(Filter::all().matches(test::full_event()));
  CHECK(Filter::all().matches(test::minimal_event()));
}

TEST_CASE("filter: each field narrows the match", "[filter]") {
  const Event e = test::full_event();  // algedonic, s1.ops-3, overheat, target s5, corr-1
  CHECK(Filter::on(Channel::kAlgedonic).matches(e));
  CHECK_FALSE(Filter::on(Channel::kCommand).matches(e));
  Filter f;
  f.source = "s1.ops-3";
  CHECK(f.matches(e));
  f.source = "s1.ops";
  CHECK_FALSE(f.matches(e));
  f = {};
  f.type = "overheat";
  CHECK(f.matches(e));
  f.type = "overheat_x";
  CHECK_FALSE(f.matches(e));
  f = {};
  f.correlation_id = "corr-1";
  CHECK(f.matches(e));
  f.correlation_id = "corr-2";
  CHECK_FALSE(f.matches(e));
  f = Filter::on(Channel::kAlgedonic);
  f.source = "s1.ops-3";
  f.type = "overheat";
  CHECK(f.matches(e));
  f.type = "other";
  CHECK_FALSE(f.matches(e));
}

TEST_CASE("filter: target matches exactly or broadcast when allowed", "[filter]") {
  Event e = test::minimal_event();
  Filter f;
  f.target = "s5";
  e.target = "s5";
  CHECK(f.matches(e));
  e.target = "s4";
  CHECK_FALSE(f.matches(e));
  e.target = std::string(kBroadcastTarget);
  CHECK(f.matches(e));
  f.include_broadcast = false;
  CHECK_FALSE(f.matches(e));
}

TEST_CASE("filter: predicate runs last", "[filter]") {
  int calls = 0;
  Filter f = Filter::on(Channel::kCommand);
  f.predicate = [&](const Event& e) {
    ++calls;
    return e.seq > 10;
  };
  Event e = test::minimal_event();
  e.seq = 11;
  CHECK(f.matches(e));
  e.seq = 1;
  CHECK_FALSE(f.matches(e));
  e.channel = Channel::kAudit;
  CHECK_FALSE(f.matches(e));
  CHECK(calls == 2);  // not called when an earlier field already failed
}

TEST_CASE("filter: topic prefixes", "[filter]") {
  CHECK(Filter::all().topic_prefixes().size() == kChannelCount);
  CHECK(Filter::all().topic_prefixes()[0] == "command/");
  CHECK(Filter::on(Channel::kAudit).topic_prefixes() == std::vector<std::string>{"audit/"});
  Filter f = Filter::on(Channel::kAudit);
  f.source = "s1.ops";
  CHECK(f.topic_prefixes() == std::vector<std::string>{"audit/s1.ops/"});
  f.type = "check";
  CHECK(f.topic_prefixes() == std::vector<std::string>{"audit/s1.ops/check"});
  Filter t;  // type without source cannot narrow the topic
  t.type = "check";
  auto p = t.topic_prefixes();
  REQUIRE(p.size() == kChannelCount);
  CHECK(p[2] == "audit/");
  Filter s;
  s.source = "s2";
  auto ps = s.topic_prefixes();
  REQUIRE(ps.size() == kChannelCount);
  CHECK(ps[4] == "resource_bargain/s2/");
}

TEST_CASE("filter: a longer type delivered by prefix is rejected by matches()", "[filter]") {
  Filter f = Filter::on(Channel::kCommand);
  f.source = "s1";
  f.type = "alert";
  Event e = test::minimal_event();
  e.source = "s1";
  e.type = "alert_high";
  const std::string topic = make_topic(e.channel, e.source, e.type);
  CHECK(topic.rfind(f.topic_prefixes()[0], 0) == 0);
  CHECK_FALSE(f.matches(e));
}

}  // namespace vsm
