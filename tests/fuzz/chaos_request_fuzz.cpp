// Fuzz target "chaos_request" (fuzz_target.hpp): the decoder of the control op `chaos`
// (nodes/src/chaos/chaos_request.hpp, docs/PROTOCOL.md §2.2). Decoding never crashes and
// every refusal has a message; an accepted command is one an enabled ChaosEngine either
// takes or refuses with a message, and a rule it takes decides without crashing.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chaos/chaos_engine.hpp"
#include "chaos/chaos_request.hpp"
#include "fuzz_target.hpp"
#include "vsm/msgpack_writer.hpp"

namespace {

using vsm::MsgpackWriter;
using vsm::detail::ChaosCommand;
using vsm::fuzz::fuzz_failure;

bool one(std::string_view input) {
  auto c = vsm::detail::parse_chaos_request(input);
  if (!c) {
    if (c.error().message().empty()) fuzz_failure("a refusal without a message", input);
    return false;
  }
  vsm::ChaosConfig config;
  config.enabled = true;
  config.seed = 1;
  vsm::detail::ChaosEngine engine(config);
  vsm::Status st;
  if (c->kind == ChaosCommand::Kind::kAdd) {
    if (c->rule.action == vsm::FaultAction::kPass) fuzz_failure("an add without an action", input);
    st = engine.add(c->rule, 0);
  } else if (c->kind == ChaosCommand::Kind::kPartition) {
    if (c->members.empty()) fuzz_failure("a partition without members", input);
    st = engine.partition(c->members, c->rule.for_ms, 0);
  }
  if (!st && st.error().message().empty()) fuzz_failure("an engine refusal without a message", input);
  const std::string peer = c->members.empty() ? c->rule.peer : c->members.front();
  (void)engine.decide(vsm::ChaosPlane::kData, peer, vsm::Channel::kAudit, 1);
  (void)engine.describe(1);
  return true;
}

std::string request(std::initializer_list<std::pair<const char*, const char*>> fields) {
  std::string out;
  MsgpackWriter w(out);
  w.map_header(static_cast<std::uint32_t>(fields.size() + 2));
  w.str("op"); w.str("chaos");
  w.str("rid"); w.uint(3);
  for (const auto& [k, v] : fields) {
    w.str(k);
    w.str(v);
  }
  return out;
}

std::vector<std::string> seeds() {
  return {request({{"action", "drop"}, {"plane", "data"}, {"peer", "s1.a"}, {"prob", "0.5"},
                   {"count", "3"}, {"for_ms", "30000"}}),
          request({{"action", "delay"}, {"delay_ms", "200"}, {"channel", "audit"}}),
          request({{"do", "partition"}, {"members", "s1.a,s3.b"}, {"for_ms", "1000"}}),
          request({{"do", "list"}}), request({{"do", "clear"}})};
}

}  // namespace

const vsm::fuzz::Target& vsm::fuzz::fuzz_target() {
  static const Target target{"chaos_request", seeds, one};
  return target;
}
