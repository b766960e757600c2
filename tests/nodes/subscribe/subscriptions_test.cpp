// Subscriptions (nodes/src/subscribe/subscriptions.hpp): a consumer blocked in pop() is
// woken once kWakeEvents events were queued, within one reactor batch, not only when
// the batch ends (wake_consumers()): 256 batch frames can carry far more events than a
// subscription queue holds, and a consumer left asleep that long loses the overflow.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "subscribe/subscriptions.hpp"
#include "wait_until.hpp"

namespace vsm::detail {
namespace {

TEST_CASE("subscriptions: a blocked consumer is woken after 1024 queued events, mid-batch",
          "[subscribe]") {
  Dispatcher dispatcher;
  Subscriptions subs("instance", dispatcher);
  subs.attach([](std::string_view, bool) {});
  SubscribeOptions options;
  options.queue_capacity = 100'000;
  auto state = std::make_shared<SubscriptionState>(Filter::all(), EventCallback{}, options, 16);
  subs.add(state);

  std::atomic<bool> got{false};
  std::thread consumer([&] {
    Event e;
    got = state->pop_into(e, std::chrono::seconds(60));  // only a wake ends it early
  });
  REQUIRE(test::wait_until([&] { return state->has_waiter(); }));

  Event e;
  e.channel = Channel::kCoordination;
  for (int i = 0; i < 1'024; ++i) {  // the reactor's batch goes on: no wake_consumers()
    REQUIRE(state->push(e));
    subs.note_enqueued(*state);
  }
  CHECK(test::wait_until([&] { return got.load(); }));
  state->close();
  consumer.join();
  CHECK(got);
}

}  // namespace
}  // namespace vsm::detail
