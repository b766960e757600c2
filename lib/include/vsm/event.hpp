// The event (DESIGN §1). Plain value type; the wire form lives in frame_format.hpp
// and codec.hpp.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "vsm/channel.hpp"
#include "vsm/event_id.hpp"
#include "vsm/hlc.hpp"
#include "vsm/value.hpp"

namespace vsm {

enum Priority : std::uint8_t {
  kPriorityLow = 0,
  kPriorityNormal = 1,
  kPriorityHigh = 2,
  kPriorityCritical = 3,  // algedonic events are always critical
};

inline constexpr std::string_view kBroadcastTarget = "broadcast";

struct Event {
  EventId id;                          // 16 random bytes; assigned by publish() when nil
  std::string source;                  // emitting subsystem/node, e.g. "s1.ops-3"
  std::string target{kBroadcastTarget};// subsystem, node name, or "broadcast"
  Channel channel = Channel::kCommand;
  std::string type;                    // application event type, e.g. "policy_update"
  Value payload;                       // any msgpack value, opaque to the fabric
  HlcTimestamp ts;                     // assigned by publish()
  std::uint8_t priority = kPriorityNormal;  // 0..3
  std::string correlation_id;          // optional ("" = absent), any trace id
  std::string causation_id;            // optional ("" = absent), e.g. an id's to_string()
  std::uint64_t seq = 0;               // per-publisher sequence, assigned by publish()
  std::map<std::string, Value> metadata;
  // Optional Ed25519 signature (64 bytes; empty = unsigned) by the node `signer` (empty =
  // ts.node) over signing_bytes() (codec.hpp): the content, not seq or ts, so a
  // republished event keeps it. Made and checked by nodes with security on.
  std::string signature;
  std::string signer;

  friend bool operator==(const Event&, const Event&) = default;
  // Member-wise (string swaps), cheaper than std::swap's three moves of the whole
  // event; Subscription::next_into() swaps every received event.
  friend void swap(Event& a, Event& b) noexcept {
    using std::swap;
    swap(a.id, b.id);
    swap(a.source, b.source);
    swap(a.target, b.target);
    swap(a.channel, b.channel);
    swap(a.type, b.type);
    swap(a.payload, b.payload);
    swap(a.ts, b.ts);
    swap(a.priority, b.priority);
    swap(a.correlation_id, b.correlation_id);
    swap(a.causation_id, b.causation_id);
    swap(a.seq, b.seq);
    swap(a.metadata, b.metadata);
    swap(a.signature, b.signature);
    swap(a.signer, b.signer);
  }
};

}  // namespace vsm
