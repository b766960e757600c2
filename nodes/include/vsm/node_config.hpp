// Configuration of a vsm::Node. Every timeout, queue size and limit is a field with
// its unit in the name and a default (STYLE rule 11).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "vsm/codec.hpp"
#include "vsm/flow_rules.hpp"
#include "vsm/gossip/membership_config.hpp"
#include "vsm/gossip/partition_detector.hpp"
#include "vsm/persist/log_options.hpp"
#include "vsm/quota_table.hpp"
#include "vsm/role.hpp"
#include "vsm/security.hpp"
#include "vsm/variety.hpp"

namespace vsm {

// NodeConfig::log_failure_policy.
enum class LogFailurePolicy { kBlock, kContinue };

struct NodeConfig {
  // Unique name of this node in the fabric (also the HLC node id and the default
  // event source). 1..255 bytes, no '/'.
  std::string name;
  Role role = Role::kS1;

  // Data plane: endpoints the node's XPUB binds. "tcp://127.0.0.1:*" picks a free
  // port; Node::endpoints() reports the resolved addresses after start().
  std::vector<std::string> pub_bind = {"tcp://127.0.0.1:*"};
  // Advertised publish endpoints for peers (defaults to the resolved pub_bind).
  std::vector<std::string> pub_advertise;
  // Publisher endpoints the node's SUB connects to at start (static peers).
  std::vector<std::string> peers;
  // Gossip membership (SWIM over UDP): "host:port" to bind ("127.0.0.1:0" = free
  // port); empty disables gossip. Members' publish endpoints are connected to and
  // disconnected from automatically; their DISH endpoints become algedonic peers.
  std::string gossip_bind;
  std::vector<std::string> seeds;       // "host:port" of members to join through
  std::string gossip_advertise_host;    // address others reach us at (NAT, containers)
  std::map<std::string, std::string> tags;
  // Publisher connections gossip may make this node open (one per member with a pub
  // endpoint). Members beyond it are not connected, counted in the gossip stats
  // (connections_refused) and connected later when a connected member goes away. Bounds
  // what forged members can cost (docs/GOSSIP.md "Bounded state"); raise it for fabrics
  // with more publishers.
  std::size_t max_gossip_connections = 256;
  gossip::MembershipConfig gossip;
  gossip::PartitionConfig partition;

  // Event log (persist/): every published event is appended before it is sent (unless
  // the log fails under LogFailurePolicy::kContinue, below); empty disables the log. The
  // node's durability contract: docs/LOG_FORMAT.md "The node's contract". Replay
  // requests fall back to the log when the ring lacks a range.
  std::string log_dir;
  persist::LogOptions log_options;
  bool log_received = false;            // also log events received from peers
  // What publishing does while the log cannot be written (a full disk, EIO). The log
  // retries by itself (docs/LOG_FORMAT.md "Errors that heal"); each transition is
  // reported once (one log line; NodeStats::log).
  //   kBlock (default): nothing leaves unlogged. Events already accepted wait, in order,
  //     and publish() fails at once with the log's error (kNoSpace, kIo) until a write
  //     succeeds again; then the waiting events are logged and sent, and publishing
  //     resumes by itself.
  //   kContinue: events are sent without being logged and counted (NodeStats::unlogged):
  //     availability over durability. Unlogged events cannot be replayed from the log,
  //     and a process crash while the log fails may reuse their sequence numbers.
  LogFailurePolicy log_failure_policy = LogFailurePolicy::kBlock;

  // Reliable delivery (nodes/include/vsm/subscription.hpp, docs/PROTOCOL.md "hello").
  // Every node announces its control endpoint and last seq per channel on the data
  // plane this often, and at once when a new subscriber appears; subscribers use it to
  // find where to repair from and to detect events lost at the tail of a stream.
  int hello_interval_ms = 1'000;
  // Gap repair: a publisher's requests fail fast (circuit open) after this many
  // consecutive failures, for repair_recovery_ms, then one probe is let through.
  std::uint32_t repair_failure_threshold = 5;
  std::uint64_t repair_recovery_ms = 5'000;
  // Gap repair runs one lane (a thread with its own control connection) per publisher
  // under repair, at most this many at once (requests for more publishers fail fast and
  // are retried); a lane without work for repair_lane_idle_ms ends its thread.
  std::size_t repair_max_lanes = 32;
  std::uint64_t repair_lane_idle_ms = 30'000;

  // Reliable flow control (docs/PROTOCOL.md §1.7). As a publisher: a subscriber node
  // with Reliable subscriptions acknowledges what it delivered, and this node sends at
  // most reliable_window_events beyond the slowest acknowledgement (and, without a log,
  // never evicts an unacknowledged event from its ring); beyond that publish() waits up
  // to publish_block_timeout_ms, then fails with kBackpressure. 0 turns flow control
  // off (Reliable subscribers then repair what the ring or log still holds). A follower
  // that disconnects stops counting at once; one silent for reliable_ack_timeout_ms too.
  // At most reliable_max_followers subscriber nodes are tracked.
  std::uint64_t reliable_window_events = 32'768;
  std::uint64_t reliable_ack_timeout_ms = 5'000;
  std::size_t reliable_max_followers = 1'024;
  // As a subscriber: acknowledge progress at most every reliable_ack_interval_ms (and
  // at once after reliable_ack_every_events deliveries or about reliable_ack_every_bytes
  // delivered bytes, 1/32 of the default ring, so large events keep the publisher's
  // ring from filling between acknowledgements), and at least every
  // reliable_heartbeat_ms while Reliable subscriptions exist (must stay well below the
  // publishers' reliable_ack_timeout_ms).
  int reliable_ack_interval_ms = 10;
  std::uint64_t reliable_ack_every_events = 4'096;
  std::uint64_t reliable_ack_every_bytes = 256u << 10;
  int reliable_heartbeat_ms = 500;
  // Duplicate suppression by event id for BestEffort/LatestOnly subscriptions, for
  // fabrics where an event can arrive twice (a publisher advertising several endpoints,
  // redundant paths after a partition heals): ids remembered by count and age; 0 turns
  // it off (the default: it costs a hash insert per received event). Reliable
  // subscriptions never see duplicates regardless (per-stream sequence numbers).
  std::size_t dedup_window_ids = 0;
  std::uint64_t dedup_window_ms = 60'000;
  // Bounded state under hostile input (docs/PROTOCOL.md §1.7): what the node keeps per
  // publisher name seen on the data plane (gap counting, hello bookkeeping with repair
  // endpoints and acknowledgements, and each Reliable subscription's streams) covers at
  // most this many publishers; the one heard from least recently is forgotten first
  // (NodeStats::publishers_evicted). A forgotten publisher that sends again starts
  // afresh, at its next live event. Cost: about 0.5 KiB per publisher for the node's
  // tables plus 0.6 KiB per Reliable subscription (4,096 publishers with one Reliable
  // subscription: about 6 MiB; tests/integration/bounded_memory_test.cpp).
  std::size_t max_tracked_publishers = 4'096;

  // Control plane (ROUTER: ping/info/stats/replay); empty disables it.
  std::string control_bind = "tcp://127.0.0.1:*";
  // Control endpoint advertised to gossip members (defaults to the resolved control_bind;
  // a loopback or wildcard host is replaced by the gossip address's host for members,
  // docs/GOSSIP.md "Advertised addresses").
  std::string control_advertise;
  // Replies a control client has not read yet (docs/PROTOCOL.md §2): at most
  // control_max_client_replies replies and control_max_client_reply_bytes bytes per
  // client, and control_max_reply_bytes over all clients; a request beyond that is
  // answered with a short "busy" error (NodeStats::control_busy). So a client that
  // never reads costs the node at most one capped reply (8 MiB) more than these.
  std::size_t control_max_client_replies = 4;
  std::size_t control_max_client_reply_bytes = 16u << 20;
  std::size_t control_max_reply_bytes = 64u << 20;
  // Bytes of recently published encoded events kept per channel for replay and gap
  // repair when no log is configured; 0 disables the ring.
  std::size_t replay_ring_bytes_per_channel = 8u << 20;

  // ZeroMQ high-water marks (messages) on the data sockets.
  int send_hwm_msgs = 100'000;
  int recv_hwm_msgs = 100'000;
  // How long close() keeps trying to flush queued events to connected peers.
  int linger_ms = 2'000;
  // A publisher that gossip reports dead or left stays connected this long before the
  // subscribe socket disconnects from it, so that events it sent before leaving (it
  // lingers up to its linger_ms to flush them) are still read; 0 = at once.
  int departed_publisher_grace_ms = 3'000;
  // publish() returns QueueFull when this many encoded events wait for the sender thread.
  std::size_t publish_queue_capacity = 65'536;
  // When the publish queue is full: 0 = publish() returns QueueFull at once; > 0 =
  // publish() waits up to this long for room, then returns QueueFull.
  int publish_block_timeout_ms = 0;
  // true: publish() sends on the calling thread when the publish socket is free and
  // nothing is queued (one thread hand-off fewer: less CPU and latency per event);
  // otherwise, and always when false, the event is queued for the sender thread.
  bool publish_inline = true;
  // A publisher that publishes again within publish_inline_idle_us of its previous
  // inline send is streaming: its events are queued instead, and the sender thread sends
  // the backlog in batch frames (docs/PROTOCOL.md §1: consecutive events of one topic,
  // at most publish_batch_max_bytes and publish_batch_max_events per frame). Events
  // further apart go out at once, one frame each, so batching never delays a quiet
  // stream. 0: always inline when possible (no batching from a single thread).
  std::uint64_t publish_inline_idle_us = 20;
  std::size_t publish_batch_max_bytes = 64u << 10;
  std::size_t publish_batch_max_events = 1'024;

  // Variety quotas (DESIGN §3): token buckets per (channel, source) with role defaults
  // (S5 50/s, S4 100/s, S3 200/s, S2 500/s, S1 1,000/s), overridable per source, and
  // optional per-channel caps. Over-quota publishes are rejected with kQuotaExceeded or,
  // with QuotaPolicy::kDelay, publish() waits the delay first. Algedonic events and the
  // node's own announcements are never limited. Off by default: enable for fabrics
  // whose sources must be held to their variety budget.
  bool quotas_enabled = false;
  QuotaConfig quotas;

  // Reject events that break the channel flow rules (DESIGN §1) with kBlocked.
  bool validate_flow = true;

  // --- Variety engineering (docs/VARIETY.md) ---
  // Custom flow rules allowed in addition to the built-in ones ([flow] TOML table).
  std::vector<FlowRule> flow_rules;
  // Semantic compression of similar events before the wire (off without rules).
  CompressionConfig compression;
  // Built-in fault injection on the receive paths (refused unless chaos.enabled).
  ChaosConfig chaos;
  // Degraded mode (docs/VARIETY.md): while this node's side of a partition is degraded,
  // refuse command events not from the side's own S3/S5 (publish: kDegraded; receive:
  // dropped and counted) and mark published events. false: only mark them.
  bool degraded_refuse_commands = true;
  // Reconciliation after a partition heals (docs/VARIETY.md "Degraded mode"): the seqs a
  // publisher's heal announcement names that this node has not seen are fetched from
  // its log or ring and delivered to the BestEffort/LatestOnly subscriptions, marked
  // vsm.reconciled. Per announcement at most reconcile_max_ranges ranges and
  // reconcile_max_events events (the rest counted as truncated); each fetch has the
  // deadline reconcile_timeout_ms. false: such subscriptions only count the gap.
  bool reconcile = true;
  std::size_t reconcile_max_ranges = 64;
  std::uint64_t reconcile_max_events = 10'000;
  int reconcile_timeout_ms = 5'000;
  // --- end variety ---
  CodecLimits limits;

  // --- Algedonic lane (nodes/include/vsm/algedonic.hpp, docs/PROTOCOL.md) ---
  // UDP endpoint the node's DISH binds, "udp://IPv4:PORT"; PORT "*" or "0" picks a free
  // port (libzmq cannot bind UDP port 0 itself). Empty disables receiving on the lane.
  std::string dish_bind = "udp://127.0.0.1:*";
  // Endpoint advertised to peers (carried in alerts as the ack address); defaults to
  // the resolved dish_bind.
  std::string dish_advertise;
  // DISH endpoints of the algedonic peers alerts are sent to (static; gossip adds more
  // through Node::add_algedonic_peer()).
  std::vector<std::string> dish_peers;
  // 64 hex characters (32 bytes): seal every datagram with XChaCha20-Poly1305; datagrams
  // sealed with another key, or unsealed ones, are dropped and counted. Empty: no sealing.
  std::string cluster_key;
  // Retries of an unacknowledged alert per peer, and their timing: retry k (1-based) is
  // sent algedonic_retry_initial_ms * 2^(k-1) (capped at algedonic_retry_max_ms, then
  // +-algedonic_retry_jitter_pct percent) after the previous send; after the last retry
  // the peer gets one more such interval to acknowledge before it counts as unconfirmed.
  int algedonic_max_retries = 3;
  int algedonic_retry_initial_ms = 50;
  int algedonic_retry_max_ms = 1'000;
  int algedonic_retry_jitter_pct = 20;
  // Alert ids remembered for deduplication (lane + data plane copies), by count and age.
  // 1..99: run the lane thread and its ZeroMQ I/O thread with SCHED_FIFO at this
  // priority, so alerts are not delayed by a busy CPU. Best effort: needs CAP_SYS_NICE
  // (or RLIMIT_RTPRIO); without it the node logs a warning and uses normal scheduling.
  // 0 (default): normal scheduling.
  int algedonic_realtime_priority = 0;
  std::size_t algedonic_dedup_ids = 16'384;
  int algedonic_dedup_max_age_ms = 600'000;
  // --- Transport security and signatures (vsm/security.hpp, docs/SECURITY.md §6) ---
  // Off unless security.key_file is set. With it on, peers and control endpoints may be
  // written "NAME@ENDPOINT" (the node whose trusted key the connection pins); gossip
  // members are named by their member record.
  SecurityConfig security;
  // --- Operations: telemetry, metrics, health (docs/OPERATIONS.md) ---
  // Prometheus text exposition at http://HOST:PORT/metrics (its own thread): "HOST:PORT",
  // port 0 = a free port (Node::metrics_endpoint() tells which). Empty (the default):
  // no HTTP endpoint.
  std::string metrics_bind;
  // Telemetry reports (vsm/telemetry.hpp), published on `~vsm/tel/<node>/<kind>` and given
  // to on_telemetry() callbacks: at most telemetry_max_per_s on average and
  // telemetry_burst at once; beyond that they are dropped and counted
  // (NodeStats::telemetry.suppressed). false: no reports (rates and health still work).
  bool telemetry_enabled = true;
  double telemetry_max_per_s = 20.0;
  std::uint32_t telemetry_burst = 50;
  // The periodic reports (flow, quota throttling, variety pressure, breakers, log) and
  // the per-second rates in NodeStats are sampled this often.
  std::uint64_t telemetry_interval_ms = 1'000;
  // Variety pressure is reported "high" (and the node is degraded) from this fill of the
  // fullest quota bucket of a channel, and "normal" again below telemetry_pressure_low.
  double telemetry_pressure_high = 0.9;
  double telemetry_pressure_low = 0.5;
  // Health (vsm/health.hpp): degraded when the publish queue is at least this full, or
  // when an algedonic peer delivery went unconfirmed within health_alert_window_ms.
  double health_queue_fill_degraded = 0.9;
  std::uint64_t health_alert_window_ms = 60'000;

};

}  // namespace vsm
