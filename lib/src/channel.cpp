#include "vsm/channel.hpp"

namespace vsm {

std::string_view channel_name(Channel channel) noexcept {
  switch (channel) {
    case Channel::kCommand: return "command";
    case Channel::kCoordination: return "coordination";
    case Channel::kAudit: return "audit";
    case Channel::kAlgedonic: return "algedonic";
    case Channel::kResourceBargain: return "resource_bargain";
  }
  return "?";
}

std::optional<Channel> parse_channel(std::string_view text) noexcept {
  for (Channel c : kAllChannels) {
    if (channel_name(c) == text) return c;
  }
  return std::nullopt;
}

bool is_valid_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > kMaxNameBytes) return false;
  for (unsigned char c : name) {
    if (c == '/' || c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

std::string make_topic(Channel channel, std::string_view source, std::string_view type) {
  std::string_view ch = channel_name(channel);
  std::string t;
  t.reserve(ch.size() + source.size() + type.size() + 2);
  t.append(ch).push_back('/');
  t.append(source).push_back('/');
  t.append(type);
  return t;
}

std::string topic_prefix(Channel channel, std::optional<std::string_view> source,
                         std::optional<std::string_view> type) {
  std::string t(channel_name(channel));
  t.push_back('/');
  if (source) {
    t.append(*source).push_back('/');
    // The type is the last component: an exact type match needs the whole topic.
    if (type) t.append(*type);
  }
  return t;
}

std::optional<TopicParts> parse_topic(std::string_view topic) noexcept {
  auto first = topic.find('/');
  if (first == std::string_view::npos) return std::nullopt;
  auto second = topic.find('/', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  auto channel = parse_channel(topic.substr(0, first));
  if (!channel) return std::nullopt;
  std::string_view source = topic.substr(first + 1, second - first - 1);
  std::string_view type = topic.substr(second + 1);
  if (!is_valid_name(source) || !is_valid_name(type)) return std::nullopt;
  return TopicParts{*channel, source, type};
}

}  // namespace vsm
