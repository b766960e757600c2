// Decoding of the control op `chaos` (docs/PROTOCOL.md §2.2): a request map whose
// values besides "op" and "rid" are strings. Untrusted bytes: never throws; a malformed
// request is kInvalid with a message for the error reply. Thread-safety: pure.
//   "do"       "add" (default) | "partition" | "clear" | "list"
//   add:       "action" drop|delay|duplicate|reorder, "plane" data|gossip|algedonic|all,
//              "peer" node name, "channel" name, "prob" 0..1, "delay_ms", "count",
//              "for_ms" (lifetime, default 30000)
//   partition: "members" comma-separated node names, "for_ms"
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "chaos/chaos_engine.hpp"
#include "vsm/result.hpp"

namespace vsm::detail {

struct ChaosCommand {
  enum class Kind { kAdd, kPartition, kClear, kList };
  Kind kind = Kind::kAdd;
  ChaosRule rule;                    // kAdd (for_ms also for kPartition)
  std::vector<std::string> members;  // kPartition
};

Result<ChaosCommand> parse_chaos_request(std::string_view request);

}  // namespace vsm::detail
