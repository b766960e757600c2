// Hand-built frames for codec tests: msgpack snippets via MsgpackWriter (the reference
// writer), event maps from (key, encoded value) pairs, and topic + separator + body.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vsm/msgpack_writer.hpp"

namespace vsm::test {

inline std::string mp_uint(std::uint64_t v) {
  std::string s;
  MsgpackWriter(s).uint(v);
  return s;
}
inline std::string mp_int(std::int64_t v) {
  std::string s;
  MsgpackWriter(s).int64(v);
  return s;
}
inline std::string mp_str(std::string_view v) {
  std::string s;
  MsgpackWriter(s).str(v);
  return s;
}
inline std::string mp_bin(std::string_view v) {
  std::string s;
  MsgpackWriter(s).bin(v);
  return s;
}
inline std::string mp_nil() { return std::string(1, '\xc0'); }
inline std::string mp_array_header(std::uint32_t n) {
  std::string s;
  MsgpackWriter(s).array_header(n);
  return s;
}

inline constexpr std::string_view kIdBytes =
    "\x3f\x2b\x8c\x1e\x9a\x4d\x4c\x55\x8e\x0f\x1b\x2c\x3d\x4e\x5f\x60";
inline constexpr std::string_view kTopic = "command/s1/t";

using Fields = std::vector<std::pair<std::uint64_t, std::string>>;  // key -> encoded value

// The required fields of a valid event on channel command: id, channel 0, seq 5.
inline Fields base_fields() { return {{1, mp_bin(kIdBytes)}, {2, mp_uint(0)}, {3, mp_uint(5)}}; }

inline std::string event_map(const Fields& fields) {
  std::string s;
  MsgpackWriter w(s);
  w.map_header(static_cast<std::uint32_t>(fields.size()));
  for (const auto& [k, v] : fields) {
    w.uint(k);
    w.raw(v);
  }
  return s;
}

inline std::string frame(std::string_view topic, std::string_view body) {
  std::string f(topic);
  f.push_back('\0');
  f.append(body);
  return f;
}
// A single-event frame on kTopic.
inline std::string frame_of(const Fields& fields) { return frame(kTopic, event_map(fields)); }

inline Fields with(Fields f, std::uint64_t key, std::string value) {
  for (auto& kv : f) {
    if (kv.first == key) {
      kv.second = std::move(value);
      return f;
    }
  }
  f.emplace_back(key, std::move(value));
  return f;
}

inline Fields without(Fields f, std::uint64_t key) {
  std::erase_if(f, [&](const auto& kv) { return kv.first == key; });
  return f;
}

}  // namespace vsm::test
