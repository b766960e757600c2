// Applies fault-injection verdicts (drop, delay, duplicate, reorder) to byte messages
// on one receive path: the data plane, the gossip socket or the algedonic lane each own
// one (docs/VARIETY.md "Fault injection"). Delayed and reordered messages are held in a
// bounded buffer and handed back by release_due(); beyond max_held a message that
// should be held is delivered at once and counted as overflow, so memory stays bounded
// and nothing accepted is lost. Sans-I/O: callers pass monotonic milliseconds.
// Thread-safety: none; one owner thread calls every method.
//
//   FaultGate gate;
//   gate.apply(verdict, now_ms, peer, bytes, [&](std::string_view peer, std::string_view b) {
//     process(peer, b);
//   });
//   ... every loop turn: gate.release_due(now_ms, same_callback);
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace vsm {

enum class FaultAction : std::uint8_t { kPass, kDrop, kDelay, kDuplicate, kReorder };

// "pass", "drop", "delay", "duplicate", "reorder".
std::string_view fault_action_name(FaultAction action) noexcept;
std::optional<FaultAction> parse_fault_action(std::string_view text) noexcept;

struct FaultVerdict {
  FaultAction action = FaultAction::kPass;
  std::uint32_t delay_ms = 0;  // kDelay: how long the message is held
};

class FaultGate {
 public:
  using Deliver = std::function<void(std::string_view tag, std::string_view bytes)>;

  // `reorder_hold_ms`: a reordered message is released after the next message passes,
  // or after this long when none comes.
  explicit FaultGate(std::size_t max_held = 4'096, std::uint64_t reorder_hold_ms = 200);

  // Applies `v` to the message: `deliver` runs 0 (drop, held), 1 or 2 (duplicate) times
  // for it, and once more for each reordered message this one overtakes.
  void apply(FaultVerdict v, std::uint64_t now_ms, std::string_view tag, std::string_view bytes,
             const Deliver& deliver);
  // Delivers, in due order, every held message whose time has come.
  void release_due(std::uint64_t now_ms, const Deliver& deliver);
  // Delivers everything held (shutdown, or when fault injection is switched off).
  void release_all(const Deliver& deliver);
  // When the next held message is due; empty when nothing is held.
  std::optional<std::uint64_t> next_due_ms() const noexcept;

  std::size_t held() const noexcept { return held_.size(); }
  // Messages delivered at once because the buffer was full.
  std::uint64_t overflow() const noexcept { return overflow_; }

 private:
  struct Held {
    std::uint64_t due_ms;
    bool reorder;  // released right after the next passing message
    std::string tag;
    std::string bytes;
  };
  void hold(std::uint64_t due_ms, bool reorder, std::string_view tag, std::string_view bytes);
  void release_reordered(const Deliver& deliver);

  std::size_t max_held_;
  std::uint64_t reorder_hold_ms_;
  std::deque<Held> held_;  // insertion order; release_due() scans it (it is bounded)
  std::uint64_t overflow_ = 0;
};

}  // namespace vsm
