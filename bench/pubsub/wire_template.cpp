#include "wire_template.hpp"

#include <stdexcept>

#include "vsm/codec.hpp"
#include "vsm/event_id.hpp"

namespace vsm::bench {

std::string msgpack_bin_header(std::size_t n) {
  if (n < 256) return {'\xc4', static_cast<char>(n)};
  if (n < 65536) return {'\xc5', static_cast<char>(n >> 8), static_cast<char>(n & 0xff)};
  return {'\xc6', static_cast<char>(n >> 24), static_cast<char>((n >> 16) & 0xff),
          static_cast<char>((n >> 8) & 0xff), static_cast<char>(n & 0xff)};
}

WireTemplate make_wire_template(std::size_t payload_bytes) {
  Event e;
  e.id = EventId::generate();
  e.source = "s1.bench-pub";
  e.channel = Channel::kCoordination;
  e.type = "bench";
  e.ts = HlcTimestamp{1'700'000'000'000, 1, e.source};
  e.seq = 1;
  // A payload of a marker byte, found again in the encoded envelope.
  const std::string marker(payload_bytes, '\x5a');
  const std::string bin = msgpack_bin_header(payload_bytes);
  e.payload = Value::from_encoded(bin + marker);
  WireTemplate t;
  // As publish() encodes: ts and seq fixed-width, patched in.
  auto slots = encode_event_unsequenced(e, e.source, t.body);
  if (!slots) throw std::runtime_error("wire template: " + slots.error().to_string());
  patch_sequence(t.body.data(), *slots, e.ts.wall_ms, e.ts.logical, e.seq);
  const auto at = t.body.find(bin + marker);
  if (at == std::string::npos) throw std::runtime_error("wire template: payload not found");
  t.payload_offset = at + bin.size();
  return t;
}

}  // namespace vsm::bench
