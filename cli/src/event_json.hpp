// JSON form of the event envelope, used by `vsmcat pub/sub/node` and by replay output.
// Field names are the envelope's full names (docs/CLI.md):
//   {"id","source","target","channel","type","payload","ts":{"wall_ms","logical","node"},
//    "priority","correlation_id","causation_id","seq","metadata"}
// msgpack values (payload, metadata values) map to JSON naturally, except:
//   bin            -> {"$binary": "<base64>"}
//   ext            -> {"$binary": "<base64>", "$ext": <type -128..127>}
//   anything JSON cannot hold (non-string map keys, maps shaped like the two forms
//   above) -> {"$msgpack": "<base64 of the encoded value>"}
// event_from_json accepts the same forms, so sub output can be fed back to pub.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "vsm/event.hpp"
#include "vsm/result.hpp"
#include "vsm/value.hpp"

namespace vsmcat {

// Values for fields a JSON line leaves out (from pub's flags). Empty string = unset.
struct EventDefaults {
  std::optional<vsm::Channel> channel;
  std::string source;  // unset: publish() uses the node name
  std::string type;
  std::string target;  // unset: "broadcast"
  std::optional<std::uint8_t> priority;
};

nlohmann::json value_to_json(const vsm::Value& value);
// `field` names the value in error messages, e.g. "payload" or "metadata.trace".
vsm::Result<vsm::Value> value_from_json(const nlohmann::json& json, std::string_view field);

nlohmann::json event_to_json(const vsm::Event& event);
// Validates every field's type and every name; errors say which field and why.
// id/ts/seq may be given; vsm::Node::publish() assigns ts and seq (and id when empty).
vsm::Result<vsm::Event> event_from_json(const nlohmann::json& json,
                                        const EventDefaults& defaults = {});

// One compact line (no newline). Invalid UTF-8 in strings is replaced by U+FFFD
// instead of throwing.
std::string dump_json_line(const nlohmann::json& json);

}  // namespace vsmcat
