// Publisher "hello" announcements on the data plane: who I am, where my control
// endpoint is, and the last seq I published per channel. Subscribers learn where to
// repair gaps from, and detect events lost at the tail of a stream.
//
// Wire (docs/PROTOCOL.md): topic "~vsm/hello/<name>", body msgpack map
//   "v" uint (1), "name" str, "inst" str (instance id), "control" str ("" = none),
//   "last" [5 x uint] in channel
//   order (command, coordination, audit, algedonic, resource_bargain).
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
};

std::string hello_topic(std::string_view name);
void encode_hello(const Hello& hello, std::string& out);
// Empty when malformed (counted by the caller): not a map of the keys above, no "v",
// a "v" of 0 or above kHelloVersion (there is no version 0), or no name.
std::optional<Hello> decode_hello(std::string_view body);

}  // namespace vsm::detail
