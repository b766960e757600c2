// Semantic compression (docs/VARIETY.md): folds events with the same signature
// (channel, source, type, target, and the values of the rule's payload keys) into one
// summary per window: count, first/last timestamps and ids, and min/max/mean/last of each
// numeric field of a map payload (docs/PROTOCOL.md §1.16). Sans-I/O: callers pass the
// time. Memory is bounded by CompressionConfig::max_signatures open windows.
// Thread-safety: none; CompressionStage serialises access.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vsm/event.hpp"
#include "vsm/result.hpp"
#include "vsm/variety.hpp"

namespace vsm::detail {

class Compressor {
 public:
  explicit Compressor(CompressionConfig config);
  // kInvalid for a rule on the algedonic channel, a window of 0, a type too long for
  // the summary suffix, or a key that is not a valid name.
  static Status validate(const CompressionConfig& config);

  // The rule for events of this channel and type; null when they are not compressed.
  const CompressionRule* rule_for(Channel channel, std::string_view type) const noexcept;
  // Folds `event` (time `wall_ms`, monotonic `now_ms`) into its window. False when the
  // event must be sent as it is (no room for another window, or a type too long).
  // A window that reaches the rule's max_events is closed into `out`.
  bool absorb(const Event& event, const CompressionRule& rule, std::uint64_t now_ms,
              std::uint64_t wall_ms, std::vector<Event>& out);
  // Closes the windows whose time is up (all of them with `all`) into `out`.
  void take_due(std::uint64_t now_ms, bool all, std::vector<Event>& out);
  // When the earliest open window ends; empty when none is open.
  std::optional<std::uint64_t> next_due_ms() const noexcept;
  std::size_t open_windows() const noexcept { return windows_.size(); }

 private:
  struct Field {
    double min = 0, max = 0, sum = 0, last = 0;
    std::uint64_t n = 0;
  };
  struct Window {
    Event head;  // channel, source, type, target, priority of the signature
    std::vector<std::pair<std::string, std::string>> keys;  // key -> encoded value
    std::uint64_t due_ms = 0;
    std::size_t max_events = 0;
    std::uint64_t count = 0;
    std::uint64_t first_wall_ms = 0, last_wall_ms = 0;
    EventId first_id, last_id;
    std::map<std::string, Field> fields;  // numeric payload fields (bounded by the payload)
  };
  static std::string signature(const Event& e, const CompressionRule& rule,
                               std::vector<std::pair<std::string, std::string>>* keys);
  static void add_fields(Window& w, const Value& payload);
  static Event summary(Window&& w);

  CompressionConfig config_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace vsm::detail
