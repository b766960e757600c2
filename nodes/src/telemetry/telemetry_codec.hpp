// Encodes and decodes telemetry reports (telemetry_format.hpp, docs/PROTOCOL.md §1.15).
// The decoder reads untrusted bytes: it never throws or crashes, refuses anything outside
// the format's limits (an empty result; the caller counts it), and is fuzzed
// (tests/fuzz/telemetry_fuzz.cpp). Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "vsm/telemetry.hpp"

namespace vsm::detail {

// "~vsm/tel/<node>/<kind>".
std::string telemetry_topic(std::string_view node, TelemetryKind kind);
// Appends the body of `event` to `out`; strings, values and sides beyond the format's
// limits are cut (a reason is shortened, extra values and sides are left out).
void encode_telemetry(const TelemetryEvent& event, std::string& out);
// The whole frame: topic, 0x00, body.
std::string encode_telemetry_frame(const TelemetryEvent& event);

// A body as encode_telemetry() writes it; empty when malformed.
std::optional<TelemetryEvent> decode_telemetry(std::string_view body);
// A whole frame; empty when malformed or not a telemetry topic, or when the topic's node
// or kind differ from the body's.
std::optional<TelemetryEvent> decode_telemetry_frame(std::string_view frame);

}  // namespace vsm::detail
