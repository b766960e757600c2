// UdpDriver on loopback inside one process: join through a seed, metadata update,
// graceful leave on stop(), sealed datagrams, snapshots. Waits on callbacks with deadlines.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "vsm/gossip/udp_driver.hpp"
#include "wait_until.hpp"

using namespace vsm::gossip;

namespace {

// Collects events from all drivers; wait() blocks on a condition variable with a deadline.
class EventLog {
 public:
  void add(std::size_t node, const MemberEvent& e) {
    std::lock_guard lock(mu_);
    events_.push_back({node, e});
    cv_.notify_all();
  }
  bool wait(const std::function<bool(const std::vector<std::pair<std::size_t, MemberEvent>>&)>& done,
            int timeout_ms) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return done(events_); });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<std::size_t, MemberEvent>> events_;
};

std::size_t count(const std::vector<std::pair<std::size_t, MemberEvent>>& ev, std::size_t node,
                  MemberEventKind kind, const std::string& who = {}) {
  std::size_t n = 0;
  for (const auto& [i, e] : ev) {
    if (i == node && e.kind == kind && (who.empty() || e.member.name == who)) ++n;
  }
  return n;
}

std::vector<std::unique_ptr<UdpDriver>> start_cluster(std::size_t n, EventLog& log,
                                                      std::shared_ptr<const Keyring> ring) {
  std::vector<std::unique_ptr<UdpDriver>> drivers;
  for (std::size_t i = 0; i < n; ++i) {
    UdpDriverConfig cfg;
    cfg.name = "d" + std::to_string(i);
    cfg.role = i == 0 ? vsm::Role::kS5 : vsm::Role::kS3;
    cfg.endpoints.pub = "tcp://127.0.0.1:" + std::to_string(5000 + i);
    cfg.membership.keyring = ring;
    cfg.membership.probe_timeout_ms = 150;
    if (i > 0) cfg.seeds = {drivers[0]->gossip_address()};
    drivers.push_back(std::make_unique<UdpDriver>(cfg));
    drivers.back()->on_event([&log, i](const MemberEvent& e) { log.add(i, e); });
    REQUIRE(drivers.back()->start().ok());
    CHECK(drivers.back()->local_port() != 0);
  }
  return drivers;
}

}  // namespace

TEST_CASE("drivers join, propagate updates and leave gracefully", "[gossip][udp]") {
  EventLog log;
  auto drivers = start_cluster(3, log, nullptr);
  REQUIRE(log.wait([](const auto& ev) {
    for (std::size_t i = 0; i < 3; ++i) {
      if (count(ev, i, MemberEventKind::kJoined) < 2) return false;
    }
    return true;
  }, 10'000));
  CHECK(drivers[1]->joined());

  REQUIRE(drivers[2]->update_local({"tcp://127.0.0.1:6002", "", "", ""}, {{"zone", "z9"}}).ok());
  REQUIRE(log.wait([](const auto& ev) {
    for (const auto& [i, e] : ev) {
      if (i == 0 && e.kind == MemberEventKind::kUpdated && e.member.name == "d2" &&
          e.member.tags.count("zone") && e.member.endpoints.pub == "tcp://127.0.0.1:6002") {
        return true;
      }
    }
    return false;
  }, 10'000));

  drivers[2]->stop();
  REQUIRE(log.wait([](const auto& ev) {
    return count(ev, 0, MemberEventKind::kLeft, "d2") == 1 && count(ev, 1, MemberEventKind::kLeft, "d2") == 1;
  }, 10'000));
  // Snapshots lag the events by at most a tick; wait for them the same way.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  bool snapshot_ok = false;
  while (!snapshot_ok && std::chrono::steady_clock::now() < deadline) {
    for (const Member& m : drivers[0]->members()) {
      if (m.name == "d2" && m.state == MemberState::kLeft) snapshot_ok = true;
    }
    if (!snapshot_ok) log.wait([](const auto&) { return false; }, 20);  // bounded wait
  }
  CHECK(snapshot_ok);
  CHECK(drivers[0]->stats().datagrams_received > 0);
  CHECK(drivers[0]->stats().dropped_total() == 0);
  CHECK(drivers[0]->partition_view().partitions.size() == 1);
  for (auto& d : drivers) d->stop();
}

TEST_CASE("sealed drivers form a cluster", "[gossip][udp][crypto]") {
  EventLog log;
  auto ring = std::make_shared<Keyring>(Keyring::generate_key(3));
  auto drivers = start_cluster(2, log, ring);
  REQUIRE(log.wait([](const auto& ev) {
    return count(ev, 0, MemberEventKind::kJoined, "d1") == 1 &&
           count(ev, 1, MemberEventKind::kJoined, "d0") == 1;
  }, 10'000));
  CHECK(drivers[0]->stats().dropped_total() == 0);
}

TEST_CASE("start() rejects bad configuration", "[gossip][udp]") {
  UdpDriverConfig cfg;
  CHECK(UdpDriver(cfg).start().error().code() == vsm::ErrorCode::kInvalid);
  cfg.name = "x";
  cfg.bind_address = "not-an-ip";
  CHECK(UdpDriver(cfg).start().error().code() == vsm::ErrorCode::kInvalid);
  cfg.bind_address = "192.0.2.1";  // TEST-NET address not configured here
  CHECK(UdpDriver(cfg).start().error().code() == vsm::ErrorCode::kIo);
}

TEST_CASE("a wildcard bind advertises the address the seed reaches it at", "[gossip][udp]") {
  EventLog log;
  auto drivers = start_cluster(1, log, nullptr);
  UdpDriverConfig cfg;
  cfg.name = "wild";
  cfg.bind_address = "0.0.0.0";
  cfg.endpoints.pub = "tcp://0.0.0.0:6100";
  cfg.seeds = {drivers[0]->gossip_address()};
  UdpDriver wild(cfg);
  wild.on_event([&log](const MemberEvent& e) { log.add(9, e); });
  REQUIRE(wild.start().ok());
  CHECK(wild.gossip_address() == "127.0.0.1:" + std::to_string(wild.local_port()));
  // Its wildcard pub host is advertised as that address too.
  REQUIRE(log.wait([](const auto& ev) {
    for (const auto& [i, e] : ev) {
      if (i == 0 && e.member.name == "wild") return e.member.endpoints.pub == "tcp://127.0.0.1:6100";
    }
    return false;
  }, 10'000));
  wild.stop();
  cfg.seeds.clear();
  auto status = UdpDriver(cfg).start();
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code() == vsm::ErrorCode::kInvalid);  // nothing to derive it from
  cfg.advertise_address = "127.0.0.1";
  UdpDriver explicit_host(cfg);
  CHECK(explicit_host.start().ok());
  explicit_host.stop();
  for (auto& d : drivers) d->stop();
}

TEST_CASE("drivers rotate their key without losing each other", "[gossip][udp][crypto]") {
  EventLog log;
  const Key k1 = Keyring::generate_key(1);
  const Key k2 = Keyring::generate_key(2);
  auto ring = std::make_shared<Keyring>(k1, std::vector<Key>{k2});
  auto drivers = start_cluster(2, log, ring);
  REQUIRE(log.wait([](const auto& ev) { return count(ev, 0, MemberEventKind::kJoined, "d1") == 1; },
                   10'000));
  REQUIRE(drivers[0]->rotate_key(k2).ok());
  auto clash = drivers[0]->rotate_key(Keyring::generate_key(1));  // id 1 retiring, other bytes
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.error().code() == vsm::ErrorCode::kInvalid);
  REQUIRE(drivers[1]->rotate_key(k2).ok());
  // Both seal with k2 now; an update still gets through, nothing was dropped.
  REQUIRE(drivers[1]->update_local({"tcp://127.0.0.1:6001", "", "", ""}, {{"k", "2"}}).ok());
  REQUIRE(log.wait([](const auto& ev) {
    return count(ev, 0, MemberEventKind::kUpdated, "d1") >= 1;
  }, 10'000));
  CHECK(drivers[0]->stats().dropped_total() == 0);
  UdpDriverConfig plain;
  plain.name = "plain";
  UdpDriver unkeyed(plain);
  auto no_ring = unkeyed.rotate_key(k2);
  REQUIRE_FALSE(no_ring.ok());
  CHECK(no_ring.error().code() == vsm::ErrorCode::kInvalid);
  for (auto& d : drivers) d->stop();
}

namespace {

// Drops every datagram while `drop` is set (a DatagramHook as the node's chaos sets it).
struct DropAll : DatagramHook {
  std::atomic<bool> drop{true};
  std::atomic<std::uint64_t> seen{0};
  vsm::FaultVerdict inbound(std::string_view, std::uint64_t) override {
    seen++;
    return drop ? vsm::FaultVerdict{vsm::FaultAction::kDrop, 0} : vsm::FaultVerdict{};
  }
};

}  // namespace

TEST_CASE("a datagram hook can cut a driver off, and let it back", "[gossip][udp]") {
  UdpDriverConfig a;
  a.name = "hook-a";
  UdpDriver seed(a);
  REQUIRE(seed.start().ok());
  auto hook = std::make_shared<DropAll>();
  UdpDriverConfig b;
  b.name = "hook-b";
  b.seeds = {seed.gossip_address()};
  b.hook = hook;
  b.membership.join_retry_interval_ms = 100;
  UdpDriver deaf(b);
  REQUIRE(deaf.start().ok());
  const auto sees = [](const UdpDriver& d, const std::string& who, MemberState state) {
    for (const auto& m : d.members()) {
      if (m.name == who && m.state == state) return true;
    }
    return false;
  };
  // The seed's datagrams reach hook-b's socket and are dropped by the hook.
  CHECK(vsm::test::wait_until([&] { return hook->seen.load() >= 3; }, std::chrono::seconds(20)));
  CHECK(deaf.stats().datagrams_received == 0);  // dropped before the membership
  hook->drop = false;
  CHECK(vsm::test::wait_until([&] {
    return sees(deaf, "hook-a", MemberState::kAlive) && sees(seed, "hook-b", MemberState::kAlive);
  }, std::chrono::seconds(20)));
  deaf.stop();
  seed.stop();
}
