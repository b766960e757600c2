#include "vsm/subscription.hpp"

#include "core/node_core.hpp"
#include "subscribe/subscription_state.hpp"

namespace vsm {

Subscription::Subscription(std::shared_ptr<detail::SubscriptionState> state,
                           std::weak_ptr<detail::NodeCore> core)
    : state_(std::move(state)), core_(std::move(core)) {}

Subscription::Subscription(Subscription&&) noexcept = default;

Subscription& Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    close();
    state_ = std::move(other.state_);
    core_ = std::move(other.core_);
  }
  return *this;
}

Subscription::~Subscription() { close(); }

std::optional<Event> Subscription::next(std::chrono::milliseconds timeout) {
  if (!state_ || state_->has_callback()) return std::nullopt;
  return state_->pop(timeout);
}

bool Subscription::next_into(Event& out, std::chrono::milliseconds timeout) {
  if (!state_ || state_->has_callback()) return false;
  return state_->pop_into(out, timeout);
}

void Subscription::close() {
  if (!state_ || state_->closed()) return;
  state_->close();
  if (auto core = core_.lock()) core->unsubscribe(state_);
}

std::uint64_t Subscription::delivered() const noexcept { return state_ ? state_->delivered() : 0; }
std::uint64_t Subscription::dropped() const noexcept { return state_ ? state_->dropped() : 0; }
std::size_t Subscription::queued() const noexcept { return state_ ? state_->queued() : 0; }
std::uint64_t Subscription::dead_letter_count() const noexcept {
  return state_ ? state_->dead_letter_count() : 0;
}

std::vector<DeadLetter> Subscription::dead_letters() const {
  return state_ ? state_->dead_letters() : std::vector<DeadLetter>{};
}

}  // namespace vsm
