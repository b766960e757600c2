// Control plane wire format (request/reply over ZeroMQ ROUTER <- DEALER), shared by
// ControlServer and ControlClient. Mirrored in docs/PROTOCOL.md.
//
// Request: 1 frame, msgpack map
//   "op"   str   "ping" | "info" | "stats" | "replay" | "members" | "query" | "health" |
//                "recent"
//   "rid"  uint  request id, echoed in the reply (clients drop stale replies)
//   replay and query: "ch" str channel, "from" uint, "to" uint (inclusive Event::seq
//           range), "max" uint (most events in the reply; replay: 0 = none, only the
//           "oldest"/"last" heads; query: 1..kMaxQueryBatch)
//   query only, all optional (AND): "from_off"/"to_off" uint (log offsets, inclusive),
//           "from_ms"/"to_ms" uint (ts.wall_ms, inclusive), "node" str (ts.node, the
//           publisher), "src" str, "typ" str, "tgt" str, "cid" str (exact matches),
//           "cur" uint (the previous reply's "next"; absent/0 = from the start)
// Reply: frame 1 msgpack map
//   "rid"  uint, "ok" bool, "err" str (when !ok)
//   info:   "name" str, "role" str, "instance" str, "pub" [str], "control" str,
//           "version" str (the vsmfabric release, e.g. "0.1.0")
//   stats:  "stats" map (see ControlServer), per channel and totals
//   members: "members" [map name, state, incarnation, role, pub, control, dish, gossip,
//           breaker], "partition" str (healthy|degraded|healing), "reason" str,
//           "sides" [[str]] (the members of each partition), "quorum" bool
//   health: "state" str (viable|degraded|not_viable), "code" uint (0|1|2),
//           "reasons" [str], "node" str, "role" str
//   recent: "telemetry" [map] (this node's last reports, telemetry_format.hpp bodies),
//           "alerts" [map id, ms, source, severity, signal, description, raised]
//   replay: "count" uint, "oldest" uint (first seq still retained; 0 = none),
//           "last" uint (last seq published on that channel)
//   replay frames 2..count+1: one encoded envelope each (envelope_format.hpp)
//   query:  "count" uint, "next" uint (cursor of the next page; 0 = no more),
//           "log" bool (answered from the event log; false: from the retained ring),
//           "off" [uint] (log offset of each event; 0 from the ring)
//   query frames 2..count+1: one stored envelope each, in log order
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vsm::control_format {

inline constexpr std::string_view kOpPing = "ping";
inline constexpr std::string_view kOpInfo = "info";
inline constexpr std::string_view kOpStats = "stats";
inline constexpr std::string_view kOpReplay = "replay";
inline constexpr std::string_view kOpMembers = "members";
inline constexpr std::string_view kOpQuery = "query";
inline constexpr std::string_view kOpHealth = "health";
inline constexpr std::string_view kOpRecent = "recent";
// Variety ops (control/variety_ops.hpp).
inline constexpr std::string_view kOpChaos = "chaos";
inline constexpr std::string_view kOpPartitionResolve = "partition_resolve";

// Request keys of query (besides "ch", "from", "to", "max" shared with replay).
inline constexpr std::string_view kKeyFromOffset = "from_off";
inline constexpr std::string_view kKeyToOffset = "to_off";
inline constexpr std::string_view kKeyFromWallMs = "from_ms";
inline constexpr std::string_view kKeyToWallMs = "to_ms";
inline constexpr std::string_view kKeyNode = "node";
inline constexpr std::string_view kKeySource = "src";
inline constexpr std::string_view kKeyType = "typ";
inline constexpr std::string_view kKeyTarget = "tgt";
inline constexpr std::string_view kKeyCorrelation = "cid";
inline constexpr std::string_view kKeyCursor = "cur";

// Largest batch one replay reply carries, in events and in bytes of envelopes (a reply
// always carries at least one event when there is one); clients continue from the last
// seq + 1.
inline constexpr std::size_t kMaxReplayBatch = 4096;
inline constexpr std::size_t kMaxReplayReplyBytes = 8u << 20;
// Largest page one query reply carries: at most this many events, and no more events
// once the envelopes reach kMaxQueryReplyBytes (a reply always carries at least one
// match when there is one). Clients continue with "cur" = the reply's "next".
inline constexpr std::size_t kMaxQueryBatch = 4096;
inline constexpr std::size_t kMaxQueryReplyBytes = 8u << 20;
// A query reads at most this many log records per request (a few hundred ms), so a
// selective query over a big log cannot hold the control thread (which also serves
// gap repair); its page may then be short or empty, with "next" to continue.
inline constexpr std::uint64_t kMaxQueryScanRecords = 1u << 20;
// In ring mode the cursor is channel_index << kRingCursorShift | next seq.
inline constexpr unsigned kRingCursorShift = 56;
// Requests larger than this are refused without decoding (an error reply); a client
// that sends a message larger than kMaxMessageBytes is disconnected (ZMQ_MAXMSGSIZE).
inline constexpr std::size_t kMaxRequestBytes = 64 * 1024;
inline constexpr std::size_t kMaxMessageBytes = 256 * 1024;
// The server's ROUTER queues at most this many replies per client (ZMQ_SNDHWM; a reply
// beyond it is dropped and counted) and reads at most this many requests ahead per client
// (ZMQ_RCVHWM). Reply bytes per client are bounded by ReplyLimits (reply_budget.hpp).
inline constexpr int kServerSendHwm = 64;
inline constexpr int kServerRecvHwm = 64;

}  // namespace vsm::control_format
