// Publisher "hello" announcements on the data plane: who I am, where my control
// endpoint is, and the last seq I published per channel. Subscribers learn where to
// repair gaps from, and detect events lost at the tail of a stream.
//
// Wire (docs/PROTOCOL.md §1.6): topic "~vsm/hello/<name>", body msgpack map
//   "v" uint (1), "name" str, "inst" str (instance id), "control" str ("" = none),
//   "last" [5 x uint], optional "base" [5 x uint] (per channel, the seq this instance
//   numbers after: the highest its log held at start; 0 = it numbers from 1), arrays in
//   channel order (command, coordination, audit, algedonic, resource_bargain).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vsm/channel.hpp"

namespace vsm::detail {

inline constexpr std::string_view kHelloPrefix = "~vsm/hello/";
// The hello body version this build writes and the highest it reads.
inline constexpr std::uint64_t kHelloVersion = 1;

struct Hello {
  std::string name;
  std::string control;
  std::string instance;  // random per node start: a change means the publisher restarted
  std::array<std::uint64_t, kChannelCount> last{};
  // Where this instance's sequences start (after base[ch]); empty in a hello from a
  // build that does not say (its restarts are guessed from the heads).
  std::optional<std::array<std::uint64_t, kChannelCount>> base;
};

std::string hello_topic(std::string_view name);
void encode_hello(const Hello& hello, std::string& out);
// Empty when malformed (counted by the caller): not a map of the keys above, no "v",
// a "v" of 0 or above kHelloVersion (there is no version 0), or no name.
std::optional<Hello> decode_hello(std::string_view body);

}  // namespace vsm::detail
