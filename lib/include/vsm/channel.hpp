// The five VSM channels and the topic scheme `<channel>/<source>/<type>`.
// Prefix matching on the topic gives channel, channel+source and channel+source+type
// subscriptions. Thread-safety: pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vsm {

enum class Channel : std::uint8_t {
  kCommand = 0,          // S5 -> S4 -> S3 -> S1
  kCoordination = 1,     // S2 <-> S1
  kAudit = 2,            // S3* <-> S1
  kAlgedonic = 3,        // anyone -> S5, bypasses the hierarchy
  kResourceBargain = 4,  // S1 <-> S3
};

inline constexpr std::size_t kChannelCount = 5;
inline constexpr std::array<Channel, kChannelCount> kAllChannels = {
    Channel::kCommand, Channel::kCoordination, Channel::kAudit, Channel::kAlgedonic,
    Channel::kResourceBargain};

// "command", "coordination", "audit", "algedonic", "resource_bargain".
std::string_view channel_name(Channel channel) noexcept;
// Exact lower-case names above. Empty optional when unknown.
std::optional<Channel> parse_channel(std::string_view text) noexcept;
inline std::size_t channel_index(Channel c) noexcept { return static_cast<std::size_t>(c); }

// Names used as topic components (source, type): 1..255 bytes of valid UTF-8, no '/',
// no control characters (bytes < 0x20 and 0x7f). Targets and node names follow the
// same rule.
inline constexpr std::size_t kMaxNameBytes = 255;
bool is_valid_name(std::string_view name) noexcept;

// "<channel>/<source>/<type>".
std::string make_topic(Channel channel, std::string_view source, std::string_view type);

// The subscription prefix for a channel, optionally narrowed by source and type.
// REQUIRES: type is set only when source is set.
std::string topic_prefix(Channel channel, std::optional<std::string_view> source = std::nullopt,
                         std::optional<std::string_view> type = std::nullopt);

// The subscription prefix for exactly one type: "<channel>/<source>/<type>" plus the
// frame separator byte 0x00 (frame_format.hpp), which ends every topic on the wire, so
// "alert" does not also match "alert_high" as topic_prefix() does.
std::string exact_topic_prefix(Channel channel, std::string_view source, std::string_view type);

struct TopicParts {
  Channel channel;
  std::string_view source;
  std::string_view type;
};
// Splits a topic; empty optional if it is not `<known channel>/<name>/<name>`.
std::optional<TopicParts> parse_topic(std::string_view topic) noexcept;

}  // namespace vsm
