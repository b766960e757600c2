// Runs a Membership and a PartitionDetector over a real POSIX UDP socket, and its
// push-pull exchanges over TCP on the same port number, on one std::jthread
// ("vsm-gossip"). Small API meant to be embedded in vsm::Node.
//
//   UdpDriver d(cfg);                 // cfg.name, cfg.seeds, ...
//   d.on_event([](const MemberEvent& e) { ... });   // set before start()
//   if (auto s = d.start(); !s) fail(s.error());
//   ... d.members(); d.partition_state(); ...
//   d.stop();                         // graceful leave, joins the thread
//
// Thread-safety: every public method may be called from any thread; the callbacks run on
// the driver thread (keep them short and never call stop() from them). Not movable: the
// thread holds `this`.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "vsm/fault_gate.hpp"
#include "vsm/gossip/datagram_hook.hpp"
#include "vsm/gossip/member.hpp"
#include "vsm/gossip/membership_config.hpp"
#include "vsm/gossip/partition_detector.hpp"
#include "vsm/gossip/stats.hpp"
#include "vsm/result.hpp"
#include "vsm/role.hpp"

namespace vsm::gossip {

class Membership;
namespace detail {
class StreamTransport;
}

struct UdpDriverConfig {
  std::string name;                        // unique member name (required)
  Role role = Role::kS1;
  // IPv4 literal; "0.0.0.0" binds every interface (then see advertise_address).
  std::string bind_address = "127.0.0.1";
  std::uint16_t bind_port = 0;             // 0 = any free port (same number for UDP and TCP)
  // Address others use to reach us (NAT, containers); empty = bind_address, or with a
  // wildcard bind the local address this host uses towards the first seed. Loopback
  // and wildcard endpoint hosts are advertised as this host to other machines
  // (docs/GOSSIP.md "Advertised addresses").
  std::string advertise_address;
  Endpoints endpoints;                     // `gossip` is filled in from the bound socket
  std::map<std::string, std::string> tags;
  std::vector<std::string> seeds;          // "a.b.c.d:port"; empty = first member
  MembershipConfig membership;
  PartitionConfig partition;
  std::uint64_t tick_interval_ms = 10;
  std::uint64_t partition_eval_interval_ms = 200;
  std::uint64_t leave_timeout_ms = 500;    // stop(): max time spent spreading the leave
  std::uint64_t rng_seed = 0;              // 0 = random
  // Inbound push-pull connections served at once; more are closed and counted
  // (GossipStats::streams_refused).
  std::size_t max_stream_connections = 16;
  // Fault injection on received datagrams (null = none: no cost).
  std::shared_ptr<DatagramHook> hook;
};

class UdpDriver {
 public:
  using EventCallback = std::function<void(const MemberEvent&)>;
  using PartitionCallback = std::function<void(const PartitionEvent&)>;

  explicit UdpDriver(UdpDriverConfig config);
  ~UdpDriver();  // stop()
  UdpDriver(const UdpDriver&) = delete;
  UdpDriver& operator=(const UdpDriver&) = delete;

  // REQUIRES: before start(). Callbacks run on the driver thread.
  void on_event(EventCallback callback);
  void on_partition(PartitionCallback callback);

  // Binds the UDP socket and the TCP listener and starts the thread; joining via the
  // seeds retries in the background. Errors: kInvalid (config), kIo (socket/bind).
  // Not idempotent.
  Status start();
  // Graceful leave (bounded by leave_timeout_ms), then joins the thread. Idempotent;
  // blocks up to leave_timeout_ms + one tick.
  void stop();

  // The bound UDP port. REQUIRES: start() succeeded.
  std::uint16_t local_port() const noexcept { return port_; }
  // "advertise:port", what other members send to.
  std::string gossip_address() const;
  // New endpoints/tags for this node (incarnation bump, gossiped). Applied by the driver
  // thread on its next tick. Error kTooLarge when the record would not fit a datagram.
  Status update_local(Endpoints endpoints, std::map<std::string, std::string> tags);
  // Seals with `next` from the next tick on; the previous primary key keeps opening for
  // membership.key_grace_ms. Errors: kInvalid (no keyring, or `next` conflicts with a key
  // id in use).
  Status rotate_key(const Key& next);
  // Partition detector inputs, applied by the driver thread on its next tick:
  // an algedonic alert (PartitionDetector::note_algedonic) and an operator's resolve of
  // a manual partition (PartitionDetector::resolve). resolve_partition() returns
  // whether the last evaluation was waiting for one.
  void note_algedonic(std::string source, bool pain, bool critical);
  bool resolve_partition();

  // Snapshots, refreshed by the driver thread after every change (may lag by one tick).
  std::vector<Member> members() const;
  PartitionState partition_state() const;
  PartitionView partition_view() const;
  GossipStats stats() const;
  bool joined() const;

 private:
  Status bind_sockets();
  Status resolve_advertise();
  void run(std::stop_token stop);
  void wait_and_receive(std::uint64_t now_ms, int wait_ms);
  void receive_all(std::uint64_t now_ms);
  void flush(std::uint64_t now_ms);
  void publish(std::uint64_t now_ms, bool force);
  void apply_pending(std::uint64_t now_ms);
  void spread_leave();
  void deliver(std::uint64_t now_ms, std::string_view from, std::string_view datagram);

  UdpDriverConfig config_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::string advertise_host_;
  std::unique_ptr<Membership> membership_;  // driver thread only after start()
  std::unique_ptr<detail::StreamTransport> streams_;  // driver thread only
  std::unique_ptr<PartitionDetector> detector_;
  EventCallback event_cb_;
  PartitionCallback partition_cb_;
  std::uint64_t next_eval_ms_ = 0;
  std::uint64_t next_publish_ms_ = 0;
  std::uint64_t send_errors_ = 0;

  mutable std::mutex mu_;  // guards the snapshots and pending_update_
  std::vector<Member> members_snapshot_;
  PartitionView partition_snapshot_;
  GossipStats stats_snapshot_;
  bool joined_snapshot_ = false;
  std::optional<std::pair<Endpoints, std::map<std::string, std::string>>> pending_update_;
  std::shared_ptr<const Keyring> keyring_;  // as rotated so far (validates rotate_key())
  std::vector<Key> pending_keys_;
  struct PendingAlert {
    std::string source;
    bool pain;
    bool critical;
  };
  std::vector<PendingAlert> pending_alerts_;  // bounded by kMaxPendingAlerts
  bool pending_resolve_ = false;
  FaultGate gate_;  // driver thread only; used when config_.hook is set

  std::jthread thread_;
};

}  // namespace vsm::gossip
