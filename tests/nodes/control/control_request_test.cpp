// The control request decoder (control_request.hpp) on its own: well-formed requests,
// the rid echo on late errors, and the documented refusals (docs/PROTOCOL.md §2).
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "control/control_request.hpp"
#include "vsm/msgpack_writer.hpp"

using vsm::detail::parse_control_request;

TEST_CASE("a replay request decodes with its keys", "[node][control]") {
  std::string b;
  vsm::MsgpackWriter w(b);
  w.map_header(6);
  w.str("op"); w.str("replay");
  w.str("rid"); w.uint(9);
  w.str("ch"); w.str("audit");
  w.str("from"); w.uint(3);
  w.str("to"); w.uint(7);
  w.str("max"); w.uint(0);
  std::uint64_t rid = 0;
  auto r = parse_control_request(b, &rid);
  REQUIRE(r);
  CHECK(r->op == "replay");
  CHECK(r->rid == 9);
  CHECK(rid == 9);
  CHECK(r->channel == vsm::Channel::kAudit);
  CHECK(r->from == 3);
  CHECK(r->to == 7);
  CHECK(r->max == 0);
}

TEST_CASE("a query request keeps its own keys and shares the replay ones", "[node][control]") {
  std::string b;
  vsm::MsgpackWriter w(b);
  w.map_header(4);
  w.str("op"); w.str("query");
  w.str("max"); w.uint(100'000);
  w.str("src"); w.str("s1.ops");
  w.str("unknown"); w.array_header(1); w.nil();  // skipped
  std::uint64_t rid = 0;
  auto r = parse_control_request(b, &rid);
  REQUIRE(r);
  auto q = vsm::detail::as_query(*r);
  CHECK(q.query.source == "s1.ops");
  CHECK(q.query.limit == vsm::control_format::kMaxQueryBatch);  // capped
}

TEST_CASE("malformed control requests are errors, with the rid once it was read",
          "[node][control]") {
  std::uint64_t rid = 0;
  CHECK_FALSE(parse_control_request("", &rid));
  CHECK_FALSE(parse_control_request("\xc1", &rid));
  CHECK(parse_control_request(std::string(70 * 1024, '\x80'), &rid).error().code() ==
        vsm::ErrorCode::kTooLarge);
  std::string b;
  vsm::MsgpackWriter w(b);
  w.map_header(2);
  w.str("rid"); w.uint(42);
  w.str("ch"); w.str("nope");
  auto r = parse_control_request(b, &rid);
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == vsm::ErrorCode::kInvalid);
  CHECK(rid == 42);
  const std::string trailing("\x80\x00", 2);  // an empty map and a stray byte
  CHECK_FALSE(parse_control_request(trailing, &rid));
}
