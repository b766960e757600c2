// Reliable acknowledgements (docs/PROTOCOL.md §1.7): how far a subscribing node has
// delivered each publisher's stream to its Reliable subscriptions. Sent upstream on the
// subscriber's XSUB, so each one travels on the very connection the events came down
// and reaches every publisher the node is connected to; a publisher keeps the acks that
// name it (publish/reliable_flow.hpp). Also a heartbeat: a Reliable subscriber acks at
// least every reliable_heartbeat_ms while connected.
//
// One frame: 0x02 (never 0x00/0x01, which XPUB reads as unsubscribe/subscribe), then a
// msgpack array [v uint (= 1), publisher str, subscriber instance str,
//                positions map {channel index uint (0..4) -> last delivered seq uint}]
// Channels the subscriber does not sequence are absent.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vsm/channel.hpp"

namespace vsm::detail {

inline constexpr char kAckMarker = 0x02;
inline constexpr std::uint64_t kAckVersion = 1;

struct AckView {
  std::string_view publisher;
  std::string_view instance;
  std::array<std::optional<std::uint64_t>, kChannelCount> positions;
};

// Appends the whole frame (marker included) to `out`.
void encode_ack(std::string_view publisher, std::string_view instance,
                const std::array<std::optional<std::uint64_t>, kChannelCount>& positions,
                std::string& out);
// Views into `frame`; empty when it is not a well-formed ack (counted by the caller).
std::optional<AckView> decode_ack(std::string_view frame);

}  // namespace vsm::detail
