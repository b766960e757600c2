#include "vsm/fault_gate.hpp"

#include <algorithm>
#include <vector>

#include "vsm/enum_names.hpp"

namespace vsm {
namespace {
constexpr EnumNames<FaultAction, 5> kActionNames{{{{FaultAction::kPass, "pass"},
                                                   {FaultAction::kDrop, "drop"},
                                                   {FaultAction::kDelay, "delay"},
                                                   {FaultAction::kDuplicate, "duplicate"},
                                                   {FaultAction::kReorder, "reorder"}}}};
}  // namespace

std::string_view fault_action_name(FaultAction action) noexcept {
  return kActionNames.name(action);
}

std::optional<FaultAction> parse_fault_action(std::string_view text) noexcept {
  return kActionNames.parse(text);
}

FaultGate::FaultGate(std::size_t max_held, std::uint64_t reorder_hold_ms)
    : max_held_(max_held), reorder_hold_ms_(reorder_hold_ms) {}

void FaultGate::hold(std::uint64_t due_ms, bool reorder, std::string_view tag,
                     std::string_view bytes) {
  held_.push_back(Held{due_ms, reorder, std::string(tag), std::string(bytes)});
}

void FaultGate::apply(FaultVerdict v, std::uint64_t now_ms, std::string_view tag,
                      std::string_view bytes, const Deliver& deliver) {
  const bool room = held_.size() < max_held_;
  switch (v.action) {
    case FaultAction::kDrop:
      return;
    case FaultAction::kDelay:
      if (room) return hold(now_ms + v.delay_ms, false, tag, bytes);
      ++overflow_;
      break;
    case FaultAction::kReorder:
      if (room) return hold(now_ms + reorder_hold_ms_, true, tag, bytes);
      ++overflow_;
      break;
    case FaultAction::kDuplicate:
      deliver(tag, bytes);
      break;
    case FaultAction::kPass:
      break;
  }
  deliver(tag, bytes);
  release_reordered(deliver);
}

// Reordered messages go out right after the message that overtook them.
void FaultGate::release_reordered(const Deliver& deliver) {
  if (held_.empty()) return;
  std::vector<Held> out;
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->reorder) {
      out.push_back(std::move(*it));
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
  for (const Held& h : out) deliver(h.tag, h.bytes);
}

void FaultGate::release_due(std::uint64_t now_ms, const Deliver& deliver) {
  if (held_.empty()) return;
  std::vector<Held> out;
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->due_ms <= now_ms) {
      out.push_back(std::move(*it));
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Held& a, const Held& b) { return a.due_ms < b.due_ms; });
  for (const Held& h : out) deliver(h.tag, h.bytes);
}

void FaultGate::release_all(const Deliver& deliver) {
  std::deque<Held> out;
  out.swap(held_);
  for (const Held& h : out) deliver(h.tag, h.bytes);
}

std::optional<std::uint64_t> FaultGate::next_due_ms() const noexcept {
  if (held_.empty()) return std::nullopt;
  std::uint64_t due = held_.front().due_ms;
  for (const Held& h : held_) due = std::min(due, h.due_ms);
  return due;
}

}  // namespace vsm
