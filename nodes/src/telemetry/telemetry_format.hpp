// Wire form of a telemetry report (docs/PROTOCOL.md §1.15), shared by the encoder and the
// decoder (telemetry_codec.hpp). One ZeroMQ frame on the data plane, like a hello:
//
//   ~vsm/tel/<node>/<kind>  0x00  <body>
//
// body: msgpack map, string keys (unknown keys are skipped; absent ones are empty):
//   "v"     uint  1 (kTelemetryVersion; a higher version is refused)
//   "node"  str   reporting node (required, a valid name)
//   "kind"  str   telemetry_kind_name() (required; an unknown kind is refused)
//   "seq"   uint  per-node report counter       "ms"    uint  Unix ms of the report
//   "sub"   str   subject                       "st"    str   new state
//   "prev"  str   previous state                "why"   str   reason
//   "val"   map   str -> float64 (or int)       "sides" array of arrays of str
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vsm::telemetry_format {

inline constexpr std::string_view kTopicPrefix = "~vsm/tel/";
inline constexpr std::uint64_t kVersion = 1;

// Limits a decoder enforces (and an encoder stays within by truncating).
inline constexpr std::size_t kMaxBodyBytes = 64 * 1024;
inline constexpr std::size_t kMaxKeys = 32;
inline constexpr std::size_t kMaxStringBytes = 1024;  // subject, state, previous, reason
inline constexpr std::size_t kMaxValues = 64;
inline constexpr std::size_t kMaxSides = 64;
inline constexpr std::size_t kMaxSideMembers = 1024;  // names over all sides

}  // namespace vsm::telemetry_format
