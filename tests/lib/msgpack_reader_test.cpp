// MsgpackReader against msgpack-cxx encodings: every format, every boundary, truncation.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sample_event.hpp"
#include "vsm/msgpack_reader.hpp"

namespace vsm {
namespace {

template <typename T>
std::string cxx(const T& v) {
  msgpack::sbuffer b;
  msgpack::pack(b, v);
  return test::to_string(b);
}

// Every strict prefix of `bytes` must fail `read` and leave the reader failed.
template <typename Read>
void check_truncations(const std::string& bytes, Read read) {
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    MsgpackReader r(std::string_view(bytes).substr(0, n));
    INFO("prefix " << n << " of " << bytes.size());
    CHECK_FALSE(read(r).has_value());
    CHECK(r.failed());
  }
}

constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();
constexpr std::int64_t kI64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kI64Min = std::numeric_limits<std::int64_t>::min();

}  // namespace

TEST_CASE("reader: unsigned integers at every format boundary", "[msgpack_reader]") {
  const std::vector<std::uint64_t> values = {0,          1,          127,          128,
                                             255,        256,        65535,        65536,
                                             0xffffffff, 0x100000000, kI64Max, std::uint64_t(kI64Max) + 1,
                                             kU64Max};
  for (std::uint64_t v : values) {
    const std::string bytes = cxx(v);
    INFO(v);
    MsgpackReader r(bytes);
    auto got = r.read_uint();
    REQUIRE(got.has_value());
    CHECK(*got == v);
    CHECK(r.at_end());
    CHECK_FALSE(r.failed());

    MsgpackReader ri(bytes);
    auto as_int = ri.read_int();
    if (v <= std::uint64_t(kI64Max)) {
      REQUIRE(as_int.has_value());
      CHECK(std::uint64_t(*as_int) == v);
    } else {
      CHECK_FALSE(as_int.has_value());
      CHECK(ri.failed());  // documented contract: empty optional => failed state
    }
    MsgpackReader rd(bytes);
    auto d = rd.read_double();
    REQUIRE(d.has_value());
    CHECK(*d == static_cast<double>(v));
    check_truncations(bytes, [](MsgpackReader& x) { return x.read_uint(); });
  }
}

TEST_CASE("reader: signed integers at every format boundary", "[msgpack_reader]") {
  const std::vector<std::int64_t> values = {-1,     -32,    -33,         -128,        -129,
                                            -32768, -32769, INT32_MIN,   std::int64_t(INT32_MIN) - 1,
                                            kI64Min, 0,     1,           kI64Max};
  for (std::int64_t v : values) {
    const std::string bytes = cxx(v);
    INFO(v);
    MsgpackReader r(bytes);
    auto got = r.read_int();
    REQUIRE(got.has_value());
    CHECK(*got == v);
    CHECK(r.at_end());
    MsgpackReader ru(bytes);
    auto u = ru.read_uint();
    CHECK(u.has_value() == (v >= 0));
    if (v < 0) CHECK(ru.failed());
    check_truncations(bytes, [](MsgpackReader& x) { return x.read_int(); });
  }
}

TEST_CASE("reader: non-minimal integer encodings are accepted", "[msgpack_reader]") {
  const std::vector<std::pair<std::string, std::int64_t>> cases = {
      {std::string("\xcc\x05", 2), 5},
      {std::string("\xcd\x00\x05", 3), 5},
      {std::string("\xce\x00\x00\x00\x05", 5), 5},
      {std::string("\xcf\x00\x00\x00\x00\x00\x00\x00\x05", 9), 5},
      {std::string("\xd0\x05", 2), 5},
      {std::string("\xd1\x00\x05", 3), 5},
      {std::string("\xd2\x00\x00\x00\x05", 5), 5},
      {std::string("\xd3\x00\x00\x00\x00\x00\x00\x00\x05", 9), 5},
      {std::string("\xd0\xff", 2), -1},
      {std::string("\xd3\xff\xff\xff\xff\xff\xff\xff\xfe", 9), -2},
  };
  for (const auto& [bytes, v] : cases) {
    MsgpackReader r(bytes);
    auto got = r.read_int();
    REQUIRE(got.has_value());
    CHECK(*got == v);
    MsgpackReader ru(bytes);
    CHECK(ru.read_uint().has_value() == (v >= 0));
  }
}

TEST_CASE("reader: floats", "[msgpack_reader]") {
  for (double v : {0.0, -0.0, 1.5, -2.25, 1e300, std::numeric_limits<double>::infinity()}) {
    const std::string bytes = cxx(v);
    MsgpackReader r(bytes);
    auto got = r.read_double();
    REQUIRE(got.has_value());
    CHECK(*got == v);
    CHECK(r.at_end());
    check_truncations(bytes, [](MsgpackReader& x) { return x.read_double(); });
  }
  const std::string f32 = cxx(0.5f);
  REQUIRE(static_cast<std::uint8_t>(f32[0]) == 0xca);
  MsgpackReader r(f32);
  CHECK(r.read_double() == 0.5);
  check_truncations(f32, [](MsgpackReader& x) { return x.read_double(); });
  const std::string neg_bytes = cxx(-7);  // the reader keeps a view: no temporaries
  MsgpackReader neg(neg_bytes);
  CHECK(neg.read_double() == -7.0);
  const std::string bad_bytes = cxx(std::string("x"));
  MsgpackReader bad(bad_bytes);
  CHECK_FALSE(bad.read_double().has_value());
  CHECK(bad.failed());
}

TEST_CASE("reader: strings at every length boundary", "[msgpack_reader]") {
  for (std::size_t n : {0u, 1u, 31u, 32u, 255u, 256u, 65535u, 65536u, 100'000u}) {
    const std::string s(n, 's');
    const std::string bytes = cxx(s);
    INFO(n);
    MsgpackReader r(bytes);
    auto got = r.read_str();
    REQUIRE(got.has_value());
    CHECK(*got == s);
    CHECK(r.at_end());
    MsgpackReader rb(bytes);
    CHECK_FALSE(rb.read_bin().has_value());
    if (n <= 300) check_truncations(bytes, [](MsgpackReader& x) { return x.read_str(); });
  }
  // Truncation of the long forms: every prefix of the header plus a short body.
  for (std::size_t n : {65536u, 100'000u}) {
    const std::string bytes = cxx(std::string(n, 's'));
    for (std::size_t cut : {0u, 1u, 2u, 3u, 4u, 5u, 6u}) {
      MsgpackReader r(std::string_view(bytes).substr(0, cut));
      CHECK_FALSE(r.read_str().has_value());
    }
    MsgpackReader r(std::string_view(bytes).substr(0, bytes.size() - 1));
    CHECK_FALSE(r.read_str().has_value());
  }
}

TEST_CASE("reader: bin at every length boundary", "[msgpack_reader]") {
  for (std::size_t n : {0u, 1u, 255u, 256u, 65535u, 65536u}) {
    const std::vector<char> b(n, '\xab');
    const std::string bytes = cxx(b);
    INFO(n);
    MsgpackReader r(bytes);
    auto got = r.read_bin();
    REQUIRE(got.has_value());
    CHECK(*got == std::string_view(b.data(), b.size()));
    CHECK(r.at_end());
    MsgpackReader rs(bytes);
    CHECK_FALSE(rs.read_str().has_value());
    if (n <= 300) check_truncations(bytes, [](MsgpackReader& x) { return x.read_bin(); });
  }
}

TEST_CASE("reader: array and map headers at every boundary", "[msgpack_reader]") {
  for (std::uint32_t n : {0u, 1u, 15u, 16u, 65535u, 65536u}) {
    const std::string arr = cxx(std::vector<int>(n, 1));
    MsgpackReader ra(arr);
    auto got = ra.read_array_header();
    REQUIRE(got.has_value());
    CHECK(*got == n);
    CHECK(ra.remaining() == n);
    MsgpackReader rm_wrong(arr);
    CHECK_FALSE(rm_wrong.read_map_header().has_value());

    std::map<std::uint32_t, bool> m;
    for (std::uint32_t i = 0; i < n; ++i) m[i] = true;
    const std::string map = cxx(m);
    MsgpackReader rm(map);
    auto got_m = rm.read_map_header();
    REQUIRE(got_m.has_value());
    CHECK(*got_m == n);
    MsgpackReader skip(map);
    auto skipped = skip.skip_value(32, 1 << 20, 1 << 20);
    REQUIRE(skipped.has_value());
    CHECK(skipped->size() == map.size());
  }
  check_truncations(cxx(std::vector<int>(70'000, 0)).substr(0, 5),
                    [](MsgpackReader& x) { return x.read_array_header(); });
}

TEST_CASE("reader: bool and nil", "[msgpack_reader]") {
  const std::string bytes = cxx(true) + cxx(false) + cxx(msgpack::type::nil_t());
  MsgpackReader r(bytes);
  CHECK(r.read_bool() == true);
  CHECK(r.read_bool() == false);
  CHECK(r.next_is_nil());
  CHECK(r.read_nil());
  CHECK(r.at_end());
  CHECK_FALSE(r.read_nil());
  CHECK_FALSE(r.next_is_nil());
  const std::string one = cxx(1);
  MsgpackReader notbool(one);
  CHECK_FALSE(notbool.read_bool().has_value());
  CHECK(notbool.failed());
  MsgpackReader notnil(one);
  CHECK_FALSE(notnil.read_nil());
  CHECK(notnil.position() == 0);  // read_nil does not consume other values
  MsgpackReader empty("");
  CHECK_FALSE(empty.read_bool().has_value());
}

TEST_CASE("reader: failure is sticky", "[msgpack_reader]") {
  const std::string bytes = cxx(std::string("x")) + cxx(1);
  MsgpackReader r(bytes);
  CHECK_FALSE(r.read_uint().has_value());
  CHECK(r.failed());
  CHECK_FALSE(r.read_str().has_value());
  CHECK_FALSE(r.read_int().has_value());
  CHECK_FALSE(r.skip_value().has_value());
  CHECK_FALSE(r.next_is_nil());
}

TEST_CASE("reader: wrong-type reads fail", "[msgpack_reader]") {
  const std::string s = cxx(std::string("abc"));
  const std::string i = cxx(5);
  { MsgpackReader r(s); CHECK_FALSE(r.read_int().has_value()); CHECK(r.failed()); }
  { MsgpackReader r(s); CHECK_FALSE(r.read_array_header().has_value()); }
  { MsgpackReader r(i); CHECK_FALSE(r.read_str().has_value()); }
  { MsgpackReader r(i); CHECK_FALSE(r.read_map_header().has_value()); }
  { MsgpackReader r("\xc1"); CHECK_FALSE(r.read_int().has_value()); }
}

TEST_CASE("reader: skip_value covers every type including ext", "[msgpack_reader]") {
  std::vector<std::string> values = {
      cxx(msgpack::type::nil_t()), cxx(true), cxx(7), cxx(-7), cxx(200), cxx(-200), cxx(70'000),
      cxx(-70'000), cxx(kU64Max), cxx(kI64Min), cxx(1.5f), cxx(2.5), cxx(std::string(40, 'a')),
      cxx(std::string(300, 'a')), cxx(std::vector<char>(10, 'b')), cxx(std::vector<char>(300, 'b')),
      cxx(std::vector<int>{1, 2, 3}), cxx(std::vector<int>(20, 1)),
      cxx(std::map<std::string, std::vector<int>>{{"a", {1}}, {"b", {}}}),
  };
  for (std::uint32_t n : {1u, 2u, 4u, 8u, 16u, 0u, 3u, 255u, 256u, 65536u}) {
    std::string data(n, 'e');
    values.push_back(cxx(msgpack::type::ext(-3, data.data(), n)));
  }
  for (const auto& v : values) {
    const std::string bytes = v + cxx(99);  // the next value must be left alone
    MsgpackReader r(bytes);
    auto skipped = r.skip_value();
    REQUIRE(skipped.has_value());
    CHECK(*skipped == v);
    CHECK(r.read_uint() == 99u);
    if (v.size() < 400) {
      check_truncations(v, [](MsgpackReader& x) { return x.skip_value(); });
    }
  }
}

TEST_CASE("reader: skip_value enforces its limits", "[msgpack_reader]") {
  const std::string s = cxx(std::string(100, 'a'));
  { MsgpackReader r(s); CHECK(r.skip_value(32, 100, 10).has_value()); }
  { MsgpackReader r(s); CHECK_FALSE(r.skip_value(32, 99, 10).has_value()); }
  const std::string b = cxx(std::vector<char>(100, 'a'));
  { MsgpackReader r(b); CHECK_FALSE(r.skip_value(32, 99, 10).has_value()); }
  std::string e(100, 'e');
  const std::string ext = cxx(msgpack::type::ext(1, e.data(), 100));
  { MsgpackReader r(ext); CHECK_FALSE(r.skip_value(32, 99, 10).has_value()); }
  const std::string a = cxx(std::vector<int>(10, 0));
  { MsgpackReader r(a); CHECK(r.skip_value(32, 10, 10).has_value()); }
  { MsgpackReader r(a); CHECK_FALSE(r.skip_value(32, 10, 9).has_value()); }
  const std::string m = cxx(std::map<int, int>{{1, 1}, {2, 2}});
  { MsgpackReader r(m); CHECK(r.skip_value(32, 10, 2).has_value()); }
  { MsgpackReader r(m); CHECK_FALSE(r.skip_value(32, 10, 1).has_value()); }
  // Depth: max_depth is the number of nested containers allowed.
  const std::string d2 = cxx(std::vector<std::vector<int>>{{1}});
  { MsgpackReader r(d2); CHECK(r.skip_value(2).has_value()); }
  { MsgpackReader r(d2); CHECK_FALSE(r.skip_value(1).has_value()); }
  const std::string d2_empty = cxx(std::vector<std::vector<int>>{{}});
  { MsgpackReader r(d2_empty); CHECK(r.skip_value(2).has_value()); }
  { MsgpackReader r(d2_empty); CHECK_FALSE(r.skip_value(1).has_value()); }
  const std::string five = cxx(5);
  { MsgpackReader r(five); CHECK(r.skip_value(0).has_value()); }
  // 0xc1 is never used.
  { MsgpackReader r("\xc1"); CHECK_FALSE(r.skip_value().has_value()); }
  // Counts larger than the remaining bytes fail before looping.
  const std::string huge("\xdd\x7f\xff\xff\xff\x01", 6);
  { MsgpackReader r(huge);
    CHECK_FALSE(r.skip_value(32, 1 << 20, 0xffffffffu).has_value()); }
}

}  // namespace vsm
