// Fuzz target "ack" (fuzz_target.hpp): the Reliable acknowledgement a subscriber sends
// upstream (nodes/src/core/ack.hpp, docs/PROTOCOL.md §1.7). Decoding never crashes; an
// accepted ack re-encodes to a frame that decodes to the same ack and the same bytes.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ack.hpp"
#include "fuzz_target.hpp"

namespace {

using vsm::detail::AckView;
using vsm::fuzz::fuzz_failure;
using Positions = std::array<std::optional<std::uint64_t>, vsm::kChannelCount>;

std::string encode(const AckView& a) {
  std::string out;
  vsm::detail::encode_ack(a.publisher, a.instance, a.positions, out);
  return out;
}

bool one(std::string_view input) {
  auto a = vsm::detail::decode_ack(input);
  if (!a) return false;
  const std::string frame = encode(*a);
  auto again = vsm::detail::decode_ack(frame);
  if (!again) fuzz_failure("a re-encoded ack does not decode", input);
  if (again->publisher != a->publisher || again->instance != a->instance ||
      again->positions != a->positions) {
    fuzz_failure("an ack changed across encode/decode", input);
  }
  if (encode(*again) != frame) fuzz_failure("ack encoding is not a fixed point", input);
  return true;
}

std::vector<std::string> seeds() {
  Positions all{};
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = (1ull << (10 * i)) + i;
  Positions none{};
  Positions one_channel{};
  one_channel[2] = 42;
  std::vector<std::string> out;
  for (const auto& p : {all, none, one_channel}) {
    std::string f;
    vsm::detail::encode_ack("s3.pub", "0f1e2d3c-instance", p, f);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

const vsm::fuzz::Target& vsm::fuzz::fuzz_target() {
  static const Target target{"ack", seeds, one};
  return target;
}
