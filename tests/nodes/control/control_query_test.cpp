// The control plane's query op over a real node and ControlClient: filters and paging
// from the event log, the ring fallback without a log, and malformed requests.
#include <catch2/catch.hpp>

#include <zmq.hpp>

#include "node_fixture.hpp"
#include "temp_dir.hpp"
#include "vsm/control_client.hpp"
#include "vsm/msgpack_writer.hpp"

using vsm::test::make_event;
using vsm::test::node_config;

namespace {

struct Collected {
  std::vector<vsm::persist::LogEntry> entries;
  int pages = 0;
  bool from_log = false;
};

// Follows the cursor until the node says there is no more.
Collected collect(vsm::ControlClient& c, const vsm::persist::LogQuery& q) {
  Collected out;
  std::uint64_t cursor = 0;
  do {
    auto page = c.query(q, cursor);
    REQUIRE(page.ok());
    REQUIRE(page->decode_errors == 0);
    out.from_log = page->from_log;
    for (auto& e : page->entries) out.entries.push_back(std::move(e));
    cursor = page->next;
    REQUIRE(++out.pages < 1000);
  } while (cursor != 0);
  return out;
}

// 300 events: every third on audit ("a"; every sixth with correlation id "corr-x"),
// the others on coordination ("c"). Payload = index.
void publish_mix(vsm::Node& n) {
  for (int i = 0; i < 300; ++i) {
    const bool audit = i % 3 == 0;
    auto e = make_event(audit ? vsm::Channel::kAudit : vsm::Channel::kCoordination,
                        audit ? "a" : "c", i);
    if (audit && i % 2 == 0) e.correlation_id = "corr-x";
    REQUIRE(n.publish(std::move(e)).ok());
  }
}

vsm::persist::LogQuery on(vsm::Channel ch) {
  vsm::persist::LogQuery q;
  q.channel = ch;
  return q;
}

}  // namespace

TEST_CASE("query answers from the node's log with filters, in pages", "[node][control][log]") {
  vsm::test::TempDir dir;
  auto cfg = node_config("s1.query", vsm::Role::kS1);
  cfg.log_dir = (dir / "log").string();
  vsm::Node n(cfg);
  REQUIRE(n.start().ok());
  publish_mix(n);
  vsm::ControlClient c(n.control_endpoint());

  auto q = on(vsm::Channel::kAudit);
  q.limit = 30;  // page size
  auto audit = collect(c, q);
  CHECK(audit.from_log);
  REQUIRE(audit.entries.size() == 100);
  CHECK(audit.pages >= 4);
  for (std::size_t i = 0; i < audit.entries.size(); ++i) {
    CHECK(audit.entries[i].event.seq == i + 1);
    if (i > 0) CHECK(audit.entries[i].offset > audit.entries[i - 1].offset);
  }

  vsm::persist::LogQuery corr;
  corr.correlation_id = "corr-x";
  CHECK(collect(c, corr).entries.size() == 50);

  auto range = on(vsm::Channel::kCoordination);
  range.type = "c";
  range.publisher = "s1.query";
  range.from_seq = 10;
  range.to_seq = 19;
  auto r = collect(c, range);
  REQUIRE(r.entries.size() == 10);
  CHECK(r.entries.front().event.seq == 10);

  vsm::persist::LogQuery offsets;
  offsets.from_offset = 101;
  offsets.to_offset = 110;
  auto o = collect(c, offsets);
  REQUIRE(o.entries.size() == 10);
  CHECK(o.entries.front().offset == 101);
  CHECK(o.entries.back().offset == 110);
  CHECK(vsm::unpack_value<int>(o.entries.front().event.payload).value() == 100);

  vsm::persist::LogQuery by_time;
  by_time.from_wall_ms = audit.entries[10].event.ts.wall_ms;
  by_time.to_wall_ms = audit.entries[10].event.ts.wall_ms;
  by_time.channel = vsm::Channel::kAudit;
  auto t = collect(c, by_time);
  REQUIRE_FALSE(t.entries.empty());
  for (const auto& e : t.entries) CHECK(e.event.ts.wall_ms == by_time.from_wall_ms);

  vsm::persist::LogQuery nobody;
  nobody.source = "nobody";
  auto none = c.query(nobody);
  REQUIRE(none.ok());
  CHECK(none->entries.empty());
  CHECK(none->next == 0);
}

TEST_CASE("without a log, query answers from the retained ring by channel and seq",
          "[node][control]") {
  vsm::Node n(node_config("s1.ringq", vsm::Role::kS1));
  REQUIRE(n.start().ok());
  publish_mix(n);
  vsm::ControlClient c(n.control_endpoint());

  auto q = on(vsm::Channel::kCoordination);
  q.from_seq = 10;
  q.to_seq = 19;
  auto r = collect(c, q);
  CHECK_FALSE(r.from_log);
  REQUIRE(r.entries.size() == 10);
  CHECK(r.entries.front().event.seq == 10);
  CHECK(r.entries.front().offset == 0);

  vsm::persist::LogQuery all;  // every channel, 7 per page, across the channel boundary
  all.limit = 7;
  auto everything = collect(c, all);
  CHECK(everything.entries.size() == 300);
  CHECK(everything.pages >= 300 / 7);

  vsm::persist::LogQuery corr;
  corr.correlation_id = "corr-x";
  CHECK(collect(c, corr).entries.size() == 50);

  vsm::persist::LogQuery other;
  other.publisher = "someone-else";
  CHECK(collect(c, other).entries.empty());

  vsm::persist::LogQuery offsets;
  offsets.from_offset = 5;
  auto err = c.query(offsets);
  REQUIRE_FALSE(err.ok());
  CHECK(err.error().code() == vsm::ErrorCode::kInvalid);
  CHECK(err.error().message().find("event log") != std::string::npos);
}

TEST_CASE("malformed query requests get an error reply and the node keeps serving",
          "[node][control]") {
  vsm::Node n(node_config("s1.badq", vsm::Role::kS1));
  REQUIRE(n.start().ok());
  zmq::context_t ctx;
  zmq::socket_t d(ctx, zmq::socket_type::dealer);
  d.set(zmq::sockopt::linger, 0);
  d.set(zmq::sockopt::rcvtimeo, 5000);
  d.connect(n.control_endpoint());
  auto request = [](const std::function<void(vsm::MsgpackWriter&)>& field) {
    std::string out;
    vsm::MsgpackWriter w(out);
    w.map_header(3);
    w.str("op"); w.str("query");
    w.str("rid"); w.uint(42);
    field(w);
    return out;
  };
  const std::vector<std::string> bad = {
      request([](vsm::MsgpackWriter& w) { w.str("ch"); w.uint(5); }),
      request([](vsm::MsgpackWriter& w) { w.str("from_off"); w.str("x"); }),
      request([](vsm::MsgpackWriter& w) { w.str("src"); w.uint(1); }),
      request([](vsm::MsgpackWriter& w) { w.str("max"); w.uint(0); }),
      request([](vsm::MsgpackWriter& w) { w.str("cur"); w.uint(UINT64_MAX); }),
      request([](vsm::MsgpackWriter& w) { w.str("cid"); w.array_header(3); }),  // truncated
  };
  for (const std::string& req : bad) {
    d.send(zmq::buffer(req));
    zmq::message_t reply;
    REQUIRE(d.recv(reply));
    const std::string text = reply.to_string();
    CHECK(text.find('\xc2') != std::string::npos);  // ok = false
    CHECK(text.find("\xa3rid\x2a") != std::string::npos);  // the rid is echoed
    CHECK(text.find("err") != std::string::npos);
  }
  std::string many;
  vsm::MsgpackWriter w(many);
  w.map_header(40);
  for (int i = 0; i < 40; ++i) {
    w.str("k" + std::to_string(i));
    w.uint(1);
  }
  d.send(zmq::buffer(many));
  zmq::message_t reply;
  REQUIRE(d.recv(reply));
  CHECK(reply.to_string().find("too many keys") != std::string::npos);
  vsm::ControlClient c(n.control_endpoint());
  CHECK(c.ping().ok());
}
