// Fuzz target "envelope" (fuzz_target.hpp): the v1 event envelope decoder. Decoding must
// never crash, and anything it accepts must survive encode -> decode unchanged (and
// re-encode to the same bytes), under the default limits and under tight ones.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_target.hpp"
#include "vsm/codec.hpp"
#include "vsm/msgpack_writer.hpp"

namespace {

using vsm::CodecLimits;
using vsm::Event;
using vsm::fuzz::fuzz_failure;

// The property under test. Returns true when `input` decoded.
bool check_one(std::string_view input, const CodecLimits& limits) {
  (void)vsm::validate_msgpack(input, limits);
  auto decoded = vsm::decode_event(input, limits);
  if (!decoded) {
    if (decoded.error().message().empty()) fuzz_failure("error without a message", input);
    return false;
  }
  const Event& e = *decoded;
  if (!vsm::validate_event(e)) fuzz_failure("decoded event fails validate_event", input);
  auto encoded = vsm::encode_event(e);
  if (!encoded) fuzz_failure("re-encode failed: " + encoded.error().to_string(), input);
  auto again = vsm::decode_event(*encoded);
  if (!again) fuzz_failure("re-decode failed: " + again.error().to_string(), input);
  if (!(*again == e)) fuzz_failure("event changed across encode/decode", input);
  auto encoded2 = vsm::encode_event(*again);
  if (!encoded2 || *encoded2 != *encoded) fuzz_failure("encoding is not a fixed point", input);
  return true;
}


std::string encoded(std::string_view bytes_fn_tag, const Event& e) {
  auto r = vsm::encode_event(e);
  if (!r) fuzz_failure("seed does not encode", bytes_fn_tag);
  return *r;
}

std::string mp(void (*f)(vsm::MsgpackWriter&)) {
  std::string s;
  vsm::MsgpackWriter w(s);
  f(w);
  return s;
}

std::vector<std::string> seeds() {
  Event full;
  full.id = "evt_3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f60";
  full.source = "s1.ops-3";
  full.target = "s5";
  full.channel = vsm::Channel::kAlgedonic;
  full.type = "overheat";
  full.payload = vsm::Value::from_encoded(mp([](vsm::MsgpackWriter& w) {
    w.map_header(3);
    w.str("temp");
    w.float64(97.5);
    w.str("list");
    w.array_header(4);
    w.int64(-70000);
    w.uint(1ull << 40);
    w.bin(std::string(40, 'b'));
    w.nil();
    w.str("nested");
    w.array_header(1);
    w.array_header(1);
    w.map_header(1);
    w.str("deep");
    w.boolean(true);
  }));
  full.ts = vsm::HlcTimestamp{1'700'000'000'123, 7, "node-a"};
  full.priority = vsm::kPriorityCritical;
  full.correlation_id = "corr-1";
  full.causation_id = "evt_cause";
  full.seq = 1ull << 33;
  full.metadata["severity"] = vsm::Value::string("high");
  full.metadata["n"] = vsm::Value::from_encoded(std::string("\xd1\x80\x00", 3));
  full.metadata["ext"] = vsm::Value::from_encoded(std::string("\xd6\x01" "abcd", 6));

  Event minimal;
  minimal.id = "evt_1";
  minimal.source = "s3";
  minimal.type = "t";

  Event big = full;
  big.channel = vsm::Channel::kResourceBargain;
  big.payload = vsm::Value::string(std::string(300, 'x'));
  for (int i = 0; i < 20; ++i) big.metadata["k" + std::to_string(i)] = vsm::Value::nil();

  std::vector<std::string> out = {encoded("full", full), encoded("minimal", minimal),
                                  encoded("big", big)};
  // An envelope with unknown keys, as a newer minor version would send.
  std::string unknown = encoded("minimal", minimal);
  unknown[0] = static_cast<char>(static_cast<unsigned char>(unknown[0]) + 1);
  unknown += mp([](vsm::MsgpackWriter& w) {
    w.str("zz");
    w.array_header(2);
    w.str("future");
    w.uint(1);
  });
  out.push_back(unknown);
  return out;
}

// Every input is checked under these limit sets: the defaults and tight ones (so that
// each limit is reached by small inputs).
bool check_all_limits(std::string_view input) {
  CodecLimits tight;
  tight.max_depth = 3;
  tight.max_string_bytes = 16;
  tight.max_container_items = 4;
  CodecLimits small;
  small.max_event_bytes = 64;
  small.max_depth = 1;
  const bool accepted = check_one(input, CodecLimits{});
  check_one(input, tight);
  check_one(input, small);
  return accepted;
}

}  // namespace

const vsm::fuzz::Target& vsm::fuzz::fuzz_target() {
  static const Target target{"envelope", seeds, check_all_limits};
  return target;
}
