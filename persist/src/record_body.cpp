#include "record_body.hpp"

namespace vsm::persist::detail {

Status encode_body(const Event& event, std::string& out, const CodecLimits& limits) {
  return encode_event(event, out, limits);
}

Result<Event> decode_body(std::string_view body, const CodecLimits& limits) {
  return decode_event(body, limits);
}

void peek_channel_seq(std::string_view body, RecordMeta& meta) {
  if (auto h = peek_body(body)) {
    meta.channel = static_cast<std::uint8_t>(channel_index(h->channel));
    meta.seq = h->seq;
  } else {
    meta.channel = RecordMeta::kNoChannel;
  }
}

}  // namespace vsm::persist::detail
