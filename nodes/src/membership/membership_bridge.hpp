// Wires gossip membership into a node: runs the UdpDriver, turns member events into
// data-plane connects/disconnects and algedonic peer changes, and reports partition
// transitions. Knows nothing of sockets: NodeCore hands it plain callbacks. At most
// max_gossip_connections members' publishers are connected at once; the others wait
// (counted as refused) and are connected when a connected member goes away.
// Thread-safety: start()/stop() from the owner; the hooks run on the gossip thread
// and must not block (the node posts their work to its reactor).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vsm/gossip/udp_driver.hpp"
#include "vsm/node_config.hpp"

namespace vsm::detail {

struct MembershipHooks {
  std::function<void(const std::string& pub_endpoint)> connect_pub;
  std::function<void(const std::string& pub_endpoint)> disconnect_pub;
  std::function<void(const std::string& dish_endpoint)> add_dish;
  std::function<void(const std::string& dish_endpoint)> remove_dish;
  std::function<void(const gossip::PartitionEvent&)> partition_changed;
  // Every member event, before the user's callback (fault injection learns addresses).
  std::function<void(const gossip::MemberEvent&)> member_changed;
  // Fault injection on received gossip datagrams (null: none).
  std::shared_ptr<gossip::DatagramHook> datagram_hook;
};

class MembershipBridge {
 public:
  // kInvalid when NodeConfig::gossip_bind is not HOST:PORT.
  static Result<std::unique_ptr<MembershipBridge>> create(const NodeConfig& config,
                                                          MembershipHooks hooks);
  ~MembershipBridge();
  MembershipBridge(const MembershipBridge&) = delete;
  MembershipBridge& operator=(const MembershipBridge&) = delete;

  // User callbacks (set before start()); they run on the gossip thread.
  void on_member_event(std::function<void(const gossip::MemberEvent&)> cb);
  void on_partition_event(std::function<void(const gossip::PartitionEvent&)> cb);

  // Starts gossip advertising these endpoints (control replaced by control_advertise
  // when set). Errors from UdpDriver::start().
  Status start(const gossip::Endpoints& local);
  void stop();

  std::vector<gossip::Member> members() const;
  gossip::PartitionView partition_view() const;
  // The driver's counters plus connections_refused.
  gossip::GossipStats stats() const;
  std::string gossip_address() const;
  // Partition detector inputs (gossip/udp_driver.hpp): an algedonic alert, an
  // operator's resolve (true when the side was waiting for one).
  void note_algedonic(std::string source, bool pain, bool critical) {
    driver_->note_algedonic(std::move(source), pain, critical);
  }
  bool resolve_partition() { return driver_->resolve_partition(); }

 private:
  MembershipBridge(const NodeConfig& config, MembershipHooks hooks,
                   std::unique_ptr<gossip::UdpDriver> driver);
  void handle(const gossip::MemberEvent& e);
  void acquire_pub(const std::string& member, const std::string& endpoint);
  void release_pub(const std::string& member);

  std::string self_;
  std::string control_advertise_;
  std::size_t max_connections_;
  MembershipHooks hooks_;
  std::unique_ptr<gossip::UdpDriver> driver_;
  std::function<void(const gossip::MemberEvent&)> user_member_cb_;
  std::function<void(const gossip::PartitionEvent&)> user_partition_cb_;
  // Endpoints we are wired to per member, so an update can rewire precisely.
  mutable std::mutex mu_;
  std::map<std::string, gossip::Endpoints> wired_;
  std::map<std::string, std::string> connected_;  // member -> pub endpoint connected
  std::map<std::string, std::string> waiting_;    // member -> pub endpoint over the cap
  std::uint64_t refused_ = 0;
};

}  // namespace vsm::detail
