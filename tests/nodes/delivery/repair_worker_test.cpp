// RepairWorker with a scripted transport: lanes per publisher, breaker, bounded lanes,
// idle lanes reaped, stop with requests in flight.
#include "delivery/repair_worker.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "wait_until.hpp"

namespace vsm::detail {
namespace {

using namespace std::chrono_literals;

// Answers every replay with `events` events, or fails while `fail` is set.
struct FakeTransport final : RepairTransport {
  std::atomic<bool> fail{false};
  std::atomic<int> connects{0};
  std::atomic<int> calls{0};
  struct Connection final : RepairConnection {
    FakeTransport& t;
    explicit Connection(FakeTransport& owner) : t(owner) {}
    Result<ReplayBatch> replay(Channel, std::uint64_t from, std::uint64_t to, std::size_t) override {
      t.calls.fetch_add(1);
      if (t.fail) return Error::delivery_timeout("scripted failure");
      ReplayBatch b;
      for (std::uint64_t s = from; s <= to; ++s) {
        Event e;
        e.seq = s;
        b.events.push_back(e);
      }
      b.oldest = 1;
      b.last = to;
      return b;
    }
    Result<ReplayBatch> first_at(const std::string&, Channel, std::uint64_t) override {
      return ReplayBatch{};
    }
  };
  std::unique_ptr<RepairConnection> connect(const std::string&, std::chrono::milliseconds) override {
    connects.fetch_add(1);
    return std::make_unique<Connection>(*this);
  }
};

struct Answers {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<RepairRequest, Result<ReplayBatch>>> got;
  RepairWorker::Done done() {
    return [this](const RepairRequest& r, Result<ReplayBatch> b) {
      std::lock_guard lock(mu);
      got.emplace_back(r, std::move(b));
      cv.notify_all();
    };
  }
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 20s, [&] { return got.size() >= n; });
  }
};

RepairRequest request(std::string publisher, std::uint64_t from, std::uint64_t to) {
  RepairRequest r;
  r.publisher = std::move(publisher);
  r.channel = Channel::kAudit;
  r.from = from;
  r.to = to;
  return r;
}

}  // namespace

TEST_CASE("repair worker: a request is answered through the publisher's endpoint", "[repair]") {
  auto transport = std::make_unique<FakeTransport>();
  FakeTransport& t = *transport;
  Answers a;
  RepairWorker w(a.done(), RepairWorkerConfig{}, std::move(transport));
  w.set_control_endpoint("p1", "tcp://127.0.0.1:1");
  w.submit(request("p1", 5, 7), 5s);
  REQUIRE(a.wait_for(1));
  REQUIRE(a.got[0].second.ok());
  CHECK(a.got[0].second->events.size() == 3);
  CHECK(t.connects == 1);
  CHECK(w.lanes() == 1);
}

TEST_CASE("repair worker: a forgotten endpoint is not used (bounded hello state)",
          "[repair][bounded]") {
  auto transport = std::make_unique<FakeTransport>();
  FakeTransport& t = *transport;
  Answers a;
  RepairWorker w(a.done(), RepairWorkerConfig{}, std::move(transport));
  w.set_control_endpoint("p1", "tcp://127.0.0.1:1");
  w.forget_endpoint("p1");
  w.submit(request("p1", 1, 2), 50ms);
  REQUIRE(a.wait_for(1));
  REQUIRE_FALSE(a.got[0].second.ok());
  CHECK(a.got[0].second.error().message().find("no control endpoint known") != std::string::npos);
  CHECK(t.calls == 0);
}

TEST_CASE("repair worker: the breaker opens after repeated failures", "[repair]") {
  auto transport = std::make_unique<FakeTransport>();
  FakeTransport& t = *transport;
  t.fail = true;
  RepairWorkerConfig cfg;
  cfg.breaker.failure_threshold = 2;
  cfg.breaker.recovery_timeout_ms = 60'000;
  Answers a;
  RepairWorker w(a.done(), cfg, std::move(transport));
  w.set_control_endpoint("p1", "tcp://127.0.0.1:1");
  for (int i = 0; i < 4; ++i) w.submit(request("p1", 1, 1), 5s);
  REQUIRE(a.wait_for(4));
  CHECK(t.calls == 2);  // the last two failed fast without reaching the publisher
  CHECK(a.got[3].second.error().message().find("circuit open") != std::string::npos);
  CHECK(w.breaker_states().at("p1") == BreakerState::kOpen);
}

TEST_CASE("repair worker: lanes are bounded and idle ones are reaped", "[repair]") {
  RepairWorkerConfig cfg;
  cfg.max_lanes = 2;
  cfg.lane_idle_ms = 50;
  Answers a;
  RepairWorker w(a.done(), cfg, std::make_unique<FakeTransport>());
  for (const char* p : {"p1", "p2", "p3"}) w.set_control_endpoint(p, "tcp://127.0.0.1:1");
  w.submit(request("p1", 1, 1), 5s);
  w.submit(request("p2", 1, 1), 5s);
  w.submit(request("p3", 1, 1), 5s);  // a third publisher: no lane for it
  REQUIRE(a.wait_for(3));
  bool refused = false;
  for (auto& [req, res] : a.got) {
    if (req.publisher == "p3") {
      REQUIRE_FALSE(res.ok());
      CHECK(res.error().message().find("repair lanes exhausted") != std::string::npos);
      refused = true;
    }
  }
  CHECK(refused);
  // Idle lanes end their threads; the next submit reaps them and p3 gets a lane.
  REQUIRE(test::wait_until([&] { return w.lanes() == 0; }, 20s));
  w.submit(request("p3", 2, 2), 5s);
  REQUIRE(a.wait_for(4));
  CHECK(a.got[3].second.ok());
}

TEST_CASE("repair worker: stop returns while a request waits for an endpoint", "[repair]") {
  Answers a;
  RepairWorker w(a.done(), RepairWorkerConfig{}, std::make_unique<FakeTransport>());
  w.submit(request("unknown", 1, 1), 60s);  // no hello: waits for the endpoint
  REQUIRE(test::wait_until([&] { return w.lanes() == 1; }));
  const auto t0 = std::chrono::steady_clock::now();
  w.stop();
  CHECK(std::chrono::steady_clock::now() - t0 < 30s);
}

}  // namespace vsm::detail
