// Fuzz target "hello" (fuzz_target.hpp): the publisher hello body (nodes/src/hello.hpp,
// docs/PROTOCOL.md §1.6). Decoding never crashes; an accepted hello re-encodes to a
// body that decodes to the same hello and re-encodes to the same bytes.
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_target.hpp"
#include "core/hello.hpp"
#include "vsm/msgpack_writer.hpp"

namespace {

using vsm::detail::Hello;
using vsm::fuzz::fuzz_failure;

bool same(const Hello& a, const Hello& b) {
  return a.name == b.name && a.control == b.control && a.instance == b.instance &&
         a.last == b.last && a.base == b.base;
}

bool one(std::string_view input) {
  auto h = vsm::detail::decode_hello(input);
  if (!h) return false;
  std::string body;
  vsm::detail::encode_hello(*h, body);
  auto again = vsm::detail::decode_hello(body);
  if (!again) fuzz_failure("a re-encoded hello does not decode", input);
  if (!same(*h, *again)) fuzz_failure("a hello changed across encode/decode", input);
  std::string body2;
  vsm::detail::encode_hello(*again, body2);
  if (body2 != body) fuzz_failure("hello encoding is not a fixed point", input);
  return true;
}

std::vector<std::string> seeds() {
  Hello h;
  h.name = "s1.ops-3";
  h.control = "tcp://127.0.0.1:7000";
  h.instance = "0f1e2d3c";
  h.last = {1, 0, 1u << 20, 0xffffffffull, 1ull << 40};
  std::string full;
  vsm::detail::encode_hello(h, full);
  h.base = std::array<std::uint64_t, vsm::kChannelCount>{0, 1, 1u << 20, 0, 1ull << 40};
  std::string continued;  // a restarted publisher continuing from its log
  vsm::detail::encode_hello(h, continued);
  Hello bare;
  bare.name = "n";
  std::string minimal;
  vsm::detail::encode_hello(bare, minimal);
  // A newer minor version's hello: an unknown key (skipped).
  std::string extra;
  vsm::MsgpackWriter w(extra);
  w.map_header(4);
  w.str("v"); w.uint(1);
  w.str("name"); w.str("s3");
  w.str("future"); w.array_header(2); w.nil(); w.float64(1.5);
  w.str("last"); w.array_header(5);
  for (int i = 0; i < 5; ++i) w.uint(static_cast<std::uint64_t>(i));
  return {full, continued, minimal, extra};
}

}  // namespace

const vsm::fuzz::Target& vsm::fuzz::fuzz_target() {
  static const Target target{"hello", seeds, one};
  return target;
}
