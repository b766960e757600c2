#include "vsm/channel.hpp"

#include <cstring>

#include "vsm/frame_format.hpp"
#include "vsm/utf8.hpp"

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

// The channel names differ in length: one table lookup by length, then one compare
// (every received frame's topic starts with one).
std::optional<Channel> parse_channel(std::string_view text) noexcept {
  static constexpr auto kByLength = [] {
    std::array<std::int8_t, 17> t{};
    t.fill(-1);
    t[7] = static_cast<std::int8_t>(Channel::kCommand);
    t[12] = static_cast<std::int8_t>(Channel::kCoordination);
    t[5] = static_cast<std::int8_t>(Channel::kAudit);
    t[9] = static_cast<std::int8_t>(Channel::kAlgedonic);
    t[16] = static_cast<std::int8_t>(Channel::kResourceBargain);
    return t;
  }();
  if (text.size() >= kByLength.size() || kByLength[text.size()] < 0) return std::nullopt;
  const auto c = static_cast<Channel>(kByLength[text.size()]);
  if (channel_name(c) != text) return std::nullopt;
  return c;
}

namespace {

// The byte rule of names, eight bytes at a time: every event's names are checked on
// publish and on receipt. tests/lib compares it with a byte loop on every byte value.
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
constexpr bool any_byte_below(std::uint64_t x, std::uint8_t n) {  // exact for n <= 128
  return ((x - kOnes * n) & ~x & kHighs) != 0;
}
constexpr bool any_byte_is(std::uint64_t x, std::uint8_t b) {
  return any_byte_below(x ^ (kOnes * b), 1);
}
constexpr bool bad_word(std::uint64_t w) {
  return any_byte_below(w, 0x20) || any_byte_is(w, '/') || any_byte_is(w, 0x7f);
}

// No '/', control character or DEL: whole words, then the last (overlapping) word;
// names under 8 bytes as two overlapping 4-byte halves, under 4 bytes byte by byte.
// `high` collects the words' top bits: zero means the name is ASCII (so UTF-8).
bool allowed_bytes(std::string_view name, std::uint64_t& high) noexcept {
  const std::size_t n = name.size();
  const char* p = name.data();
  std::uint64_t w;
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      std::memcpy(&w, p + i, 8);
      high |= w;
      if (bad_word(w)) return false;
    }
    std::memcpy(&w, p + n - 8, 8);
  } else if (n >= 4) {
    std::uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    w = lo | static_cast<std::uint64_t>(hi) << 32;
  } else {
    w = kOnes * 'a';  // harmless filler
    std::memcpy(&w, p, n);
  }
  high |= w;
  return !bad_word(w);
}

}  // namespace

bool is_valid_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > kMaxNameBytes) return false;
  std::uint64_t high = 0;
  if (!allowed_bytes(name, high)) return false;
  return (high & kHighs) == 0 || is_valid_utf8(name);
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

std::string exact_topic_prefix(Channel channel, std::string_view source,
                               std::string_view type) {
  std::string t = make_topic(channel, source, type);
  t.push_back(frame_format::kSeparator);
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
