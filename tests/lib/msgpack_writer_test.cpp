// MsgpackWriter emits exactly msgpack-cxx's (smallest) encoding at every boundary.
#include <catch2/catch.hpp>

#include <limits>

#include "sample_event.hpp"
#include "vsm/msgpack_writer.hpp"

namespace vsm {
namespace {
template <typename T>
std::string cxx(const T& v) {
  msgpack::sbuffer b;
  msgpack::pack(b, v);
  return test::to_string(b);
}
template <typename F>
std::string ours(F f) {
  std::string s;
  MsgpackWriter w(s);
  f(w);
  return s;
}
}  // namespace

TEST_CASE("writer: integers match msgpack-cxx", "[msgpack_writer]") {
  for (std::uint64_t v : {0ull, 127ull, 128ull, 255ull, 256ull, 65535ull, 65536ull, 0xffffffffull,
                          0x100000000ull, ~0ull}) {
    CHECK(ours([&](auto& w) { w.uint(v); }) == cxx(v));
  }
  for (std::int64_t v : {std::int64_t{0}, std::int64_t{5}, std::int64_t{-1}, std::int64_t{-32},
                         std::int64_t{-33}, std::int64_t{-128}, std::int64_t{-129},
                         std::int64_t{-32768}, std::int64_t{-32769}, std::int64_t{INT32_MIN},
                         std::int64_t{INT32_MIN} - 1, std::numeric_limits<std::int64_t>::min(),
                         std::numeric_limits<std::int64_t>::max()}) {
    CHECK(ours([&](auto& w) { w.int64(v); }) == cxx(v));
  }
}

TEST_CASE("writer: str, bin, containers, scalars match msgpack-cxx", "[msgpack_writer]") {
  for (std::size_t n : {0u, 31u, 32u, 255u, 256u, 65535u, 65536u}) {
    const std::string s(n, 'a');
    CHECK(ours([&](auto& w) { w.str(s); }) == cxx(s));
    const std::vector<char> b(n, 'b');
    CHECK(ours([&](auto& w) { w.bin(std::string_view(b.data(), b.size())); }) == cxx(b));
  }
  for (std::uint32_t n : {0u, 15u, 16u, 65535u, 65536u}) {
    std::string expected_a = cxx(std::vector<int>(n, 0));
    std::string a = ours([&](auto& w) { w.array_header(n); });
    CHECK(expected_a.substr(0, a.size()) == a);
    CHECK(expected_a.size() == a.size() + n);
    std::string m = ours([&](auto& w) { w.map_header(n); });
    std::map<int, int> mm;
    for (std::uint32_t i = 0; i < n; ++i) mm[static_cast<int>(i)] = 0;
    CHECK(cxx(mm).substr(0, m.size()) == m);
  }
  CHECK(ours([](auto& w) { w.float64(-2.5); }) == cxx(-2.5));
  CHECK(ours([](auto& w) { w.boolean(true); }) == cxx(true));
  CHECK(ours([](auto& w) { w.boolean(false); }) == cxx(false));
  CHECK(ours([](auto& w) { w.nil(); }) == cxx(msgpack::type::nil_t()));
  std::string buf = "x";
  MsgpackWriter w(buf);
  w.raw("\x01");
  CHECK(w.buffer() == "x\x01");
}

}  // namespace vsm
