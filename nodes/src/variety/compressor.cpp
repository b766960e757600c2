#include "variety/compressor.hpp"

#include <algorithm>
#include <limits>

#include "vsm/msgpack_reader.hpp"
#include "vsm/msgpack_writer.hpp"

namespace vsm::detail {
namespace {

constexpr std::size_t kMaxFieldsPerWindow = 64;  // numeric fields tracked per summary

// The payload map's entries with string keys: key -> encoded value. Empty for other
// payloads (a summary then only counts).
std::vector<std::pair<std::string_view, std::string_view>> map_entries(const Value& payload) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  const std::string_view bytes = payload.encoded();
  MsgpackReader r(bytes);
  auto n = r.read_map_header();
  if (!n) return out;
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto key = r.read_str();
    if (!key) return {};
    auto value = r.skip_value();
    if (!value) return {};
    out.emplace_back(*key, *value);
  }
  return out;
}

std::optional<double> as_number(std::string_view encoded) {
  MsgpackReader r(encoded);
  auto d = r.read_double();
  if (!d || !r.at_end()) return std::nullopt;
  return d;
}

}  // namespace

Compressor::Compressor(CompressionConfig config) : config_(std::move(config)) {}

Status Compressor::validate(const CompressionConfig& config) {
  for (const auto& r : config.rules) {
    const std::string where = "compression rule for " + std::string(channel_name(r.channel)) +
                              (r.type.empty() ? "" : "/" + r.type);
    if (r.channel == Channel::kAlgedonic) {
      return Error::invalid(where + ": the algedonic channel is never compressed");
    }
    if (r.window_ms == 0) return Error::invalid(where + ": window_ms must be > 0");
    if (!r.type.empty() && (!is_valid_name(r.type) ||
                            r.type.size() + kSummaryTypeSuffix.size() > kMaxNameBytes)) {
      return Error::invalid(where + ": type must be a valid name of at most " +
                            std::to_string(kMaxNameBytes - kSummaryTypeSuffix.size()) + " bytes");
    }
    for (const auto& k : r.keys) {
      if (k.empty()) return Error::invalid(where + ": keys must not be empty");
    }
  }
  return {};
}

const CompressionRule* Compressor::rule_for(Channel channel, std::string_view type) const noexcept {
  if (channel == Channel::kAlgedonic) return nullptr;
  for (const auto& r : config_.rules) {
    if (r.channel == channel && (r.type.empty() || r.type == type)) return &r;
  }
  return nullptr;
}

// Length-prefixed parts, so no two signatures can collide by concatenation.
std::string Compressor::signature(const Event& e, const CompressionRule& rule,
                                  std::vector<std::pair<std::string, std::string>>* keys) {
  std::string sig;
  const auto part = [&sig](std::string_view p) {
    sig += std::to_string(p.size());
    sig += ':';
    sig += p;
  };
  part(channel_name(e.channel));
  part(e.source);
  part(e.type);
  part(e.target);
  const auto entries = rule.keys.empty() ? decltype(map_entries(e.payload)){} : map_entries(e.payload);
  for (const auto& key : rule.keys) {
    std::string_view value = "\xc0";  // nil when absent
    for (const auto& [k, v] : entries) {
      if (k == key) value = v;
    }
    part(value);
    if (keys) keys->emplace_back(key, std::string(value));
  }
  return sig;
}

void Compressor::add_fields(Window& w, const Value& payload) {
  for (const auto& [key, value] : map_entries(payload)) {
    auto number = as_number(value);
    if (!number) continue;
    auto it = w.fields.find(std::string(key));
    if (it == w.fields.end()) {
      if (w.fields.size() >= kMaxFieldsPerWindow) continue;
      it = w.fields.emplace(std::string(key), Field{*number, *number, 0, 0, 0}).first;
    }
    Field& f = it->second;
    f.min = std::min(f.min, *number);
    f.max = std::max(f.max, *number);
    f.sum += *number;
    f.last = *number;
    f.n++;
  }
}

bool Compressor::absorb(const Event& event, const CompressionRule& rule, std::uint64_t now_ms,
                        std::uint64_t wall_ms, std::vector<Event>& out) {
  if (event.type.size() + kSummaryTypeSuffix.size() > kMaxNameBytes) return false;
  std::vector<std::pair<std::string, std::string>> keys;
  std::string sig = signature(event, rule, &keys);
  auto it = windows_.find(sig);
  if (it == windows_.end()) {
    if (windows_.size() >= config_.max_signatures) return false;
    Window w;
    w.head.channel = event.channel;
    w.head.source = event.source;
    w.head.type = event.type;
    w.head.target = event.target;
    w.head.priority = event.priority;
    w.keys = std::move(keys);
    w.due_ms = now_ms + rule.window_ms;
    w.max_events = rule.max_events;
    w.first_wall_ms = wall_ms;
    w.first_id = event.id;
    it = windows_.emplace(std::move(sig), std::move(w)).first;
  }
  Window& w = it->second;
  w.count++;
  w.last_wall_ms = wall_ms;
  w.last_id = event.id;
  w.head.priority = std::max(w.head.priority, event.priority);
  add_fields(w, event.payload);
  if (w.max_events != 0 && w.count >= w.max_events) {
    out.push_back(summary(std::move(w)));
    windows_.erase(it);
  }
  return true;
}

void Compressor::take_due(std::uint64_t now_ms, bool all, std::vector<Event>& out) {
  for (auto it = windows_.begin(); it != windows_.end();) {
    if (all || it->second.due_ms <= now_ms) {
      out.push_back(summary(std::move(it->second)));
      it = windows_.erase(it);
    } else {
      ++it;
    }
  }
}

std::optional<std::uint64_t> Compressor::next_due_ms() const noexcept {
  std::optional<std::uint64_t> due;
  for (const auto& [sig, w] : windows_) {
    if (!due || w.due_ms < *due) due = w.due_ms;
  }
  return due;
}

// The summary event: payload {count, first_ts, last_ts, first_id, last_id, keys, fields}.
Event Compressor::summary(Window&& w) {
  Event e = std::move(w.head);
  e.type += kSummaryTypeSuffix;
  std::string p;
  MsgpackWriter m(p);
  m.map_header(7);
  m.str("count"); m.uint(w.count);
  m.str("first_ts"); m.uint(w.first_wall_ms);
  m.str("last_ts"); m.uint(w.last_wall_ms);
  m.str("first_id"); m.str(w.first_id.to_string());
  m.str("last_id"); m.str(w.last_id.to_string());
  m.str("keys");
  m.map_header(static_cast<std::uint32_t>(w.keys.size()));
  for (const auto& [k, v] : w.keys) {
    m.str(k);
    m.raw(v);
  }
  m.str("fields");
  m.map_header(static_cast<std::uint32_t>(w.fields.size()));
  for (const auto& [name, f] : w.fields) {
    m.str(name);
    m.map_header(4);
    m.str("min"); m.float64(f.min);
    m.str("max"); m.float64(f.max);
    m.str("mean"); m.float64(f.n ? f.sum / static_cast<double>(f.n) : 0.0);
    m.str("last"); m.float64(f.last);
  }
  e.payload = Value::from_encoded(std::move(p));
  std::string count;
  MsgpackWriter(count).uint(w.count);
  e.metadata[std::string(kSummaryMetadataKey)] = Value::from_encoded(std::move(count));
  return e;
}

}  // namespace vsm::detail
