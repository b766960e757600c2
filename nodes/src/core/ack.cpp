#include "core/ack.hpp"

#include "vsm/msgpack_reader.hpp"
#include "vsm/msgpack_writer.hpp"

namespace vsm::detail {

void encode_ack(std::string_view publisher, std::string_view instance,
                const std::array<std::optional<std::uint64_t>, kChannelCount>& positions,
                std::string& out) {
  out.push_back(kAckMarker);
  MsgpackWriter w(out);
  w.array_header(4);
  w.uint(kAckVersion);
  w.str(publisher);
  w.str(instance);
  std::uint32_t n = 0;
  for (const auto& p : positions) n += p ? 1 : 0;
  w.map_header(n);
  for (std::size_t i = 0; i < kChannelCount; ++i) {
    if (!positions[i]) continue;
    w.uint(i);
    w.uint(*positions[i]);
  }
}

std::optional<AckView> decode_ack(std::string_view frame) {
  if (frame.empty() || frame.front() != kAckMarker) return std::nullopt;
  MsgpackReader r(frame.substr(1));
  auto len = r.read_array_header();
  if (!len || *len < 4) return std::nullopt;
  auto v = r.read_uint();
  if (!v || *v != kAckVersion) return std::nullopt;
  AckView ack;
  auto publisher = r.read_str();
  auto instance = r.read_str();
  if (!publisher || !instance || publisher->empty() || instance->empty() ||
      publisher->size() > kMaxNameBytes || instance->size() > kMaxNameBytes) {
    return std::nullopt;
  }
  ack.publisher = *publisher;
  ack.instance = *instance;
  auto n = r.read_map_header();
  if (!n || *n > kChannelCount) return std::nullopt;
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto ch = r.read_uint();
    auto seq = r.read_uint();
    if (!ch || !seq || *ch >= kChannelCount) return std::nullopt;
    ack.positions[*ch] = *seq;
  }
  for (std::uint32_t i = 4; i < *len; ++i) {  // later versions may append fields
    if (!r.skip_value()) return std::nullopt;
  }
  if (!r.at_end()) return std::nullopt;
  return ack;
}

}  // namespace vsm::detail
