#include "subscribe/subscriptions.hpp"

#include <algorithm>

#include "core/internal_topics.hpp"

namespace vsm::detail {

void Subscriptions::count_whole_channel(const SubscriptionState& s, int delta) {
  const auto& f = s.filter();
  if (f.source || s.reliable()) return;
  if (f.channel) {
    whole_channel_[channel_index(*f.channel)] += delta;
  } else {
    for (auto& n : whole_channel_) n += delta;
  }
}

void Subscriptions::add(const std::shared_ptr<SubscriptionState>& state) {
  for (const auto& p : state->prefixes()) set_topic_(p, true);
  count_whole_channel(*state, +1);
  subs_.push_back(state);
  if (state->has_callback()) dispatcher_.add(state);
  refresh_presence();
}

void Subscriptions::remove(const std::shared_ptr<SubscriptionState>& state) {
  auto it = std::find(subs_.begin(), subs_.end(), state);
  if (it == subs_.end()) return;
  for (const auto& p : state->prefixes()) set_topic_(p, false);
  count_whole_channel(*state, -1);
  subs_.erase(it);
  std::erase(wake_list_, state.get());
  dispatcher_.remove(state.get());
}

SubscriptionState* Subscriptions::find(std::uint64_t id) const {
  for (const auto& s : subs_) {
    if (s->id() == id) return s.get();
  }
  return nullptr;
}

void Subscriptions::refresh_presence() {
  std::string next = presence_topic(instance_, ++presence_generation_);
  set_topic_(next, true);
  if (!presence_topic_.empty()) set_topic_(presence_topic_, false);
  presence_topic_ = std::move(next);
}

void Subscriptions::note_enqueued(SubscriptionState& s) {
  if (s.has_callback()) {
    dispatch_pending_ = true;
  } else if (s.mark_enqueued()) {
    wake_list_.push_back(&s);
  }
  if (++enqueued_since_wake_ >= kWakeEvents) wake_consumers();
}

void Subscriptions::wake_consumers() {
  enqueued_since_wake_ = 0;
  for (SubscriptionState* s : wake_list_) s->wake_consumer();
  wake_list_.clear();
  if (dispatch_pending_) {
    dispatch_pending_ = false;
    dispatcher_.notify();
  }
}

void Subscriptions::close_all() {
  for (auto& s : subs_) s->close();
}

}  // namespace vsm::detail
