// Client for a node's control plane (ROUTER endpoint, Node::control_endpoint()):
// ping, info, stats, members, health, recent, replay, query. Every request has a
// deadline; after a timeout the socket is recreated so a late reply cannot be mistaken
// for the next one (lazy pirate).
// Thread-safety: one thread at a time per client. Blocking: each call waits at most
// `timeout`.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vsm/event.hpp"
#include "vsm/persist/log_query.hpp"
#include "vsm/result.hpp"
#include "vsm/security.hpp"
#include "vsm/value.hpp"

namespace vsm {

struct ReplayBatch {
  std::vector<Event> events;        // oldest first
  std::uint64_t oldest = 0;         // first seq the peer still retains (0 = none)
  std::uint64_t last = 0;           // last seq the peer published on that channel
  std::uint64_t decode_errors = 0;  // frames that did not decode (skipped)
};

// One page of a remote query: matching events in log order.
struct QueryPage {
  std::vector<persist::LogEntry> entries;  // offset 0 when answered from the ring
  std::uint64_t next = 0;           // cursor of the next page; 0 = no more
  bool from_log = false;            // false: the node has no log, its ring answered
  std::uint64_t decode_errors = 0;  // frames that did not decode (skipped)
};

class ControlClient {
 public:
  explicit ControlClient(std::string endpoint,
                         std::chrono::milliseconds timeout = std::chrono::seconds(2));
  // A client of a secured node (docs/SECURITY.md §6): CURVE with these keys
  // (curve_client_keys()); the node refuses clients whose key it does not trust.
  ControlClient(std::string endpoint, std::chrono::milliseconds timeout, CurveClientKeys curve);
  ~ControlClient();
  ControlClient(ControlClient&&) noexcept;
  ControlClient& operator=(ControlClient&&) noexcept;

  Status ping();
  // The reply map as a msgpack value (name, role, instance, pub, control, version).
  Result<Value> info();
  // The reply map of "members": members array, partition state and reason.
  Result<Value> members();
  // The "stats" map as a msgpack value (see docs/PROTOCOL.md).
  Result<Value> stats();
  // The reply map of "health": state (viable | degraded | not_viable), code (0 | 1 | 2),
  // reasons, node, role.
  Result<Value> health();
  // The reply map of "recent": the node's last telemetry reports and alerts.
  Result<Value> recent();
  // Events with from <= seq <= to on `channel`, at most `max` (the server caps a batch
  // at 4096; call again from the last seq + 1 for more). max = 0: no events, only the
  // batch's oldest and last.
  Result<ReplayBatch> replay(Channel channel, std::uint64_t from, std::uint64_t to,
                             std::size_t max = 4096);
  // Events matching every set field of `q` (docs/PROTOCOL.md §2.1), from the node's
  // event log, or from its retained ring when it has no log (no offset bounds then:
  // kInvalid). q.limit caps this page; the node caps a page at 4096 events and 8 MiB,
  // and at about 1 M records read, so a page can be short or empty with next != 0.
  // Errors: the node's kInvalid for a bad query, kDeliveryTimeout, kIo.
  //   std::uint64_t cursor = 0;
  //   do {
  //     auto page = client.query(q, cursor);
  //     if (!page) return page.error();
  //     for (const auto& e : page->entries) use(e.event);
  //     cursor = page->next;
  //   } while (cursor != 0);
  Result<QueryPage> query(const persist::LogQuery& q, std::uint64_t cursor = 0);

  // --- variety ops (docs/VARIETY.md, docs/PROTOCOL.md §2.2) ---
  // Fault injection: `args` are the op's string fields ("do", "action", "plane", "peer",
  // "channel", "prob", "delay_ms", "count", "for_ms", "members"). The reply map holds
  // "enabled" and "rules" (in force after the change). Errors: the node's kInvalid
  // (fault injection off in its config, a bad rule), kDeliveryTimeout, kIo.
  Result<Value> chaos(const std::map<std::string, std::string>& args);
  // Resolves a `manual` partition; the reply map holds "resolved" and "partition".
  Result<Value> resolve_partition();
  // --- end variety ops ---

  const std::string& endpoint() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vsm
