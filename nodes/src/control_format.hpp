// Control plane wire format (request/reply over ZeroMQ ROUTER <- DEALER), shared by
// ControlServer and ControlClient. Mirrored in docs/PROTOCOL.md.
//
// Request: 1 frame, msgpack map
//   "op"   str   "ping" | "info" | "stats" | "replay" | "members"
//   "rid"  uint  request id, echoed in the reply (clients drop stale replies)
//   replay only: "ch" str channel, "from" uint, "to" uint (inclusive), "max" uint
// Reply: frame 1 msgpack map
//   "rid"  uint, "ok" bool, "err" str (when !ok)
//   info:   "name" str, "role" str, "pub" [str], "control" str, "version" uint
//   stats:  "stats" map (see ControlServer), per channel and totals
//   members: "members" [map name, state, incarnation, role, pub, control, dish, gossip],
//           "partition" str (healthy|degraded|healing), "reason" str
//   replay: "count" uint, "oldest" uint (first seq still retained; 0 = none),
//           "last" uint (last seq published on that channel)
//   replay frames 2..count+1: one encoded envelope each (envelope_format.hpp)
#pragma once

#include <cstddef>
#include <string_view>

namespace vsm::control_format {

inline constexpr std::string_view kOpPing = "ping";
inline constexpr std::string_view kOpInfo = "info";
inline constexpr std::string_view kOpStats = "stats";
inline constexpr std::string_view kOpReplay = "replay";
inline constexpr std::string_view kOpMembers = "members";

// Largest batch one replay reply carries; clients continue from the last seq + 1.
inline constexpr std::size_t kMaxReplayBatch = 4096;
// Requests larger than this are refused without decoding.
inline constexpr std::size_t kMaxRequestBytes = 64 * 1024;

}  // namespace vsm::control_format
