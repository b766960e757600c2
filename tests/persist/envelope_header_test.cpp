// peek_envelope(): the filter fields of an encoded envelope, without decoding, must
// agree with decode_event(); LogQuery::matches on a peeked header agrees with matches
// on the decoded event.
#include "vsm/persist/envelope_header.hpp"

#include <catch2/catch.hpp>

#include "persist_test_util.hpp"
#include "vsm/codec.hpp"
#include "vsm/msgpack_writer.hpp"
#include "vsm/persist/log_query.hpp"

namespace vsm::persist {

TEST_CASE("peek_envelope reads the filter fields of every encoded event", "[persist][peek]") {
  for (std::uint64_t i = 1; i <= 40; ++i) {
    Event e = test::make_event(i);
    if (i % 3 == 0) e.correlation_id = "corr-" + std::to_string(i % 2);
    if (i % 7 == 0) e.metadata["k"] = Value::string("v");
    const std::string bytes = encode_event(e).value();
    auto h = peek_envelope(bytes);
    REQUIRE(h);
    CHECK(h->id == e.id);
    CHECK(h->source == e.source);
    CHECK(h->target == e.target);
    CHECK(h->type == e.type);
    CHECK(h->channel == e.channel);
    CHECK(h->seq == e.seq);
    CHECK(h->wall_ms == e.ts.wall_ms);
    CHECK(h->node == e.ts.node);
    CHECK(h->correlation_id == e.correlation_id);

    LogQuery q;
    q.channel = Channel::kAudit;
    q.source = "s1.ops-1";
    CHECK(q.matches(*h) == q.matches(e));
    q = {};
    q.correlation_id = "corr-1";
    q.target = "s3";
    CHECK(q.matches(*h) == q.matches(e));
    q = {};
    q.publisher = "node-1";
    q.from_seq = 10;
    q.to_seq = 20;
    CHECK(q.matches(*h) == q.matches(e));
  }
}

TEST_CASE("peek_envelope maps an absent target to broadcast and rejects non-envelopes",
          "[persist][peek]") {
  std::string bytes;
  MsgpackWriter w(bytes);
  w.map_header(7);
  w.str("v"); w.uint(1);
  w.str("id"); w.str("evt_1");
  w.str("src"); w.str("s1");
  w.str("ch"); w.str("audit");
  w.str("typ"); w.str("t");
  w.str("ts"); w.array_header(3); w.uint(5); w.uint(0); w.str("n");
  w.str("seq"); w.uint(9);
  auto h = peek_envelope(bytes);
  REQUIRE(h);
  CHECK(h->target == "broadcast");
  CHECK(decode_event(bytes).value().target == "broadcast");

  CHECK_FALSE(peek_envelope(""));
  CHECK_FALSE(peek_envelope("\x92\x01\x02"));                         // an array
  CHECK_FALSE(peek_envelope(bytes.substr(0, bytes.size() - 1)));      // truncated
  std::string no_seq = bytes.substr(0, bytes.size() - 5);  // drop the "seq" pair
  no_seq[0] = '\x86';                                      // and count 6 keys
  CHECK_FALSE(peek_envelope(no_seq));
  std::string bad_channel = bytes;
  bad_channel.replace(bad_channel.find("audit"), 5, "audix");
  CHECK_FALSE(peek_envelope(bad_channel));
}

}  // namespace vsm::persist
