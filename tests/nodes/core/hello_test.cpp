// The hello body (hello.hpp, docs/PROTOCOL.md §1.6): round trip, and the version rule:
// a hello without "v", with "v" = 0 or with a "v" above kHelloVersion is malformed.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "core/hello.hpp"
#include "vsm/msgpack_writer.hpp"

using vsm::detail::decode_hello;
using vsm::detail::encode_hello;
using vsm::detail::Hello;
using vsm::detail::kHelloVersion;

namespace {

Hello sample() {
  Hello h;
  h.name = "s1.ops";
  h.control = "tcp://127.0.0.1:7000";
  h.instance = "i-1";
  h.last = {1, 2, 3, 4, 5};
  return h;
}

// A hello body written key by key; `version` empty = no "v" key.
std::string body_with_version(std::optional<std::uint64_t> version) {
  std::string out;
  vsm::MsgpackWriter w(out);
  w.map_header(version ? 3 : 2);
  if (version) {
    w.str("v");
    w.uint(*version);
  }
  w.str("name"); w.str("s1.ops");
  w.str("last");
  w.array_header(5);
  for (int i = 0; i < 5; ++i) w.uint(7);
  return out;
}

}  // namespace

TEST_CASE("a hello survives encode and decode", "[node][hello]") {
  std::string body;
  encode_hello(sample(), body);
  auto h = decode_hello(body);
  REQUIRE(h);
  CHECK(h->name == "s1.ops");
  CHECK(h->control == "tcp://127.0.0.1:7000");
  CHECK(h->instance == "i-1");
  CHECK(h->last == sample().last);
}

TEST_CASE("a hello is accepted only with a supported version", "[node][hello]") {
  CHECK(decode_hello(body_with_version(kHelloVersion)));
  CHECK_FALSE(decode_hello(body_with_version(std::nullopt)));  // "v" missing
  CHECK_FALSE(decode_hello(body_with_version(kHelloVersion + 1)));
  CHECK_FALSE(decode_hello(body_with_version(UINT64_MAX)));
  CHECK_FALSE(decode_hello(body_with_version(0)));
}

TEST_CASE("a hello whose version is not an unsigned integer is malformed", "[node][hello]") {
  std::string out;
  vsm::MsgpackWriter w(out);
  w.map_header(2);
  w.str("v"); w.str("1");
  w.str("name"); w.str("s1.ops");
  CHECK_FALSE(decode_hello(out));
}

TEST_CASE("a hello's base (where the instance numbers from) is optional", "[node][hello]") {
  Hello h = sample();
  std::string without;
  encode_hello(h, without);
  auto plain = decode_hello(without);
  REQUIRE(plain);
  CHECK_FALSE(plain->base.has_value());  // an older publisher: nothing said
  h.base = std::array<std::uint64_t, vsm::kChannelCount>{0, 41, 0, 0, 7};
  std::string with;
  encode_hello(h, with);
  auto decoded = decode_hello(with);
  REQUIRE(decoded);
  REQUIRE(decoded->base.has_value());
  CHECK(*decoded->base == *h.base);
  CHECK(decoded->last == h.last);
  CHECK(decoded->instance == "i-1");
}

TEST_CASE("a hello whose base is not five seqs is malformed", "[node][hello]") {
  std::string out;
  vsm::MsgpackWriter w(out);
  w.map_header(3);
  w.str("v"); w.uint(kHelloVersion);
  w.str("name"); w.str("s1.ops");
  w.str("base");
  w.array_header(4);
  for (int i = 0; i < 4; ++i) w.uint(1);
  CHECK_FALSE(decode_hello(out));
}
