// Fuzz target "telemetry" (fuzz_target.hpp): a telemetry frame (nodes/src/telemetry/
// telemetry_codec.hpp, docs/PROTOCOL.md §1.15), as other nodes send them. Decoding never
// crashes and stays within the format's limits; an accepted report re-encodes to a frame
// that decodes to the same report and re-encodes to the same bytes.
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_target.hpp"
#include "telemetry/telemetry_codec.hpp"
#include "telemetry/telemetry_format.hpp"
#include "vsm/msgpack_writer.hpp"

namespace {

using vsm::TelemetryEvent;
using vsm::fuzz::fuzz_failure;
namespace tf = vsm::telemetry_format;

bool same(const TelemetryEvent& a, const TelemetryEvent& b) {
  return a.node == b.node && a.kind == b.kind && a.seq == b.seq && a.wall_ms == b.wall_ms &&
         a.subject == b.subject && a.state == b.state && a.previous == b.previous &&
         a.reason == b.reason && a.values == b.values && a.sides == b.sides;
}

bool one(std::string_view input) {
  auto e = vsm::detail::decode_telemetry_frame(input);
  if (!e) return false;
  if (e->values.size() > tf::kMaxValues || e->sides.size() > tf::kMaxSides ||
      e->reason.size() > tf::kMaxStringBytes) {
    fuzz_failure("a decoded report exceeds the format's limits", input);
  }
  const std::string frame = vsm::detail::encode_telemetry_frame(*e);
  auto again = vsm::detail::decode_telemetry_frame(frame);
  if (!again) fuzz_failure("a re-encoded report does not decode", input);
  if (!same(*e, *again)) fuzz_failure("a report changed across encode/decode", input);
  if (vsm::detail::encode_telemetry_frame(*again) != frame) {
    fuzz_failure("telemetry encoding is not a fixed point", input);
  }
  return true;
}

std::vector<std::string> seeds() {
  TelemetryEvent p;
  p.node = "s5.policy";
  p.kind = vsm::TelemetryKind::kPartition;
  p.seq = 12;
  p.wall_ms = 1'700'000'000'000;
  p.state = "degraded";
  p.previous = "healthy";
  p.reason = "no S3 in partition";
  p.values = {{"partitions", 2}, {"quorum", 0}};
  p.sides = {{"s1.a", "s5.policy"}, {"s3.control"}};
  TelemetryEvent m;
  m.node = "n";
  m.kind = vsm::TelemetryKind::kMemberDead;
  m.subject = "s1.b";
  // A newer minor version's report: an unknown key (skipped).
  std::string extra = "~vsm/tel/s1.x/flow";
  extra.push_back('\0');
  vsm::MsgpackWriter w(extra);
  w.map_header(4);
  w.str("v"); w.uint(1);
  w.str("node"); w.str("s1.x");
  w.str("kind"); w.str("flow");
  w.str("future"); w.array_header(2); w.nil(); w.float64(1.5);
  return {vsm::detail::encode_telemetry_frame(p), vsm::detail::encode_telemetry_frame(m), extra};
}

}  // namespace

const vsm::fuzz::Target& vsm::fuzz::fuzz_target() {
  static const Target target{"telemetry", seeds, one};
  return target;
}
