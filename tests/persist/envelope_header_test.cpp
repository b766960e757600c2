// peek_envelope(): the filter fields of a stored single-event frame, without decoding, must
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

TEST_CASE("peek_envelope maps an absent target to broadcast and rejects non-frames",
          "[persist][peek]") {
  // "audit/s1/t" 0x00 {1: id, 2: channel 2 (audit), 3: seq 9, 4: wall 5, 6: node "n"}
  const std::string head = std::string("audit/s1/t") + '\0';
  auto frame = [&](bool with_seq, std::uint64_t channel) {
    std::string bytes = head;
    MsgpackWriter w(bytes);
    w.map_header(with_seq ? 5 : 4);
    w.uint(1); w.bin(test::make_event(1).id.bytes());
    w.uint(2); w.uint(channel);
    if (with_seq) { w.uint(3); w.uint(9); }
    w.uint(4); w.uint(5);
    w.uint(6); w.str("n");
    return bytes;
  };
  const std::string bytes = frame(true, 2);
  auto h = peek_envelope(bytes);
  REQUIRE(h);
  CHECK(h->target == "broadcast");
  CHECK(h->seq == 9);
  CHECK(h->node == "n");
  CHECK(decode_event(bytes).value().target == "broadcast");

  CHECK_FALSE(peek_envelope(""));
  CHECK_FALSE(peek_envelope(head + "\x92\x01\x02"));           // a batch is not one record
  CHECK_FALSE(peek_envelope(bytes.substr(0, bytes.size() - 1)));  // truncated
  CHECK_FALSE(peek_envelope(frame(false, 2)));                    // no seq
  CHECK_FALSE(peek_envelope(frame(true, 0)));                     // channel disagrees with topic
  CHECK_FALSE(peek_envelope(bytes.substr(head.size())));          // no topic
}

}  // namespace vsm::persist
