// Counters exported by Node::stats(). A snapshot: plain values, copyable.
#pragma once

#include <array>
#include <cstdint>

#include "vsm/algedonic.hpp"
#include "vsm/channel.hpp"

namespace vsm {

struct ChannelStats {
  std::uint64_t published = 0;  // accepted by publish() and handed to the reactor
  std::uint64_t sent = 0;       // written to the XPUB socket
  std::uint64_t received = 0;   // decoded from the SUB socket
  std::uint64_t delivered = 0;  // handed to a subscription (pull queue or callback)
  std::uint64_t dropped = 0;    // subscription overflow + sequence gaps (lost in transit)
  std::uint64_t blocked = 0;    // rejected by the flow rules
  std::uint64_t routed = 0;     // passed the flow rules
};

struct NodeStats {
  std::array<ChannelStats, kChannelCount> channels{};
  std::uint64_t publish_queue_depth = 0;
  std::uint64_t publish_queue_full = 0;   // publish() calls rejected with QueueFull
  std::uint64_t decode_errors = 0;        // malformed frames received and dropped
  std::uint64_t gap_events = 0;           // events missing per per-publisher sequences
  std::uint64_t subscribers = 0;          // ready remote subscriber nodes (presence)
  std::uint64_t connected_publishers = 0; // endpoints the SUB is connected to
  AlgedonicStats algedonic;               // the algedonic lane (vsm/algedonic.hpp)

  const ChannelStats& of(Channel c) const { return channels[channel_index(c)]; }
  ChannelStats total() const {
    ChannelStats t;
    for (const auto& c : channels) {
      t.published += c.published;
      t.sent += c.sent;
      t.received += c.received;
      t.delivered += c.delivered;
      t.dropped += c.dropped;
      t.blocked += c.blocked;
      t.routed += c.routed;
    }
    return t;
  }
};

}  // namespace vsm
