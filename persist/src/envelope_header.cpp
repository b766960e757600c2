#include "vsm/persist/envelope_header.hpp"

#include "vsm/envelope_format.hpp"
#include "vsm/event.hpp"
#include "vsm/msgpack_reader.hpp"

namespace vsm::persist {
namespace {

namespace ef = envelope_format;

constexpr std::uint32_t kMaxKeys = 64;  // as the codec

// Bits of the required fields seen.
constexpr int kId = 1, kSrc = 2, kCh = 4, kTyp = 8, kTs = 16, kSeq = 32;
constexpr unsigned kRequired = kId | kSrc | kCh | kTyp | kTs | kSeq;

bool read_str(MsgpackReader& r, std::string_view& out) {
  auto s = r.read_str();
  if (!s) return false;
  out = *s;
  return true;
}

bool read_timestamp(MsgpackReader& r, EnvelopeHeader& h) {
  auto n = r.read_array_header();
  if (!n || *n != 3) return false;
  auto wall = r.read_uint();
  auto logical = r.read_uint();
  auto node = r.read_str();
  if (!wall || !logical || !node) return false;
  h.wall_ms = *wall;
  h.node = *node;
  return true;
}

bool read_channel(MsgpackReader& r, EnvelopeHeader& h) {
  auto s = r.read_str();
  auto c = s ? parse_channel(*s) : std::nullopt;
  if (!c) return false;
  h.channel = *c;
  return true;
}

bool read_seq(MsgpackReader& r, EnvelopeHeader& h) {
  auto v = r.read_uint();
  if (!v) return false;
  h.seq = *v;
  return true;
}

// Reads the value of `key` into `h`; returns the Seen bit, 0 for other keys, or -1
// when the value is malformed. Dispatches on the key's length and first byte: this
// runs for every record a filtered scan reads.
int read_field(MsgpackReader& r, std::string_view key, EnvelopeHeader& h) {
  auto is = [&](std::string_view k) { return key == k; };
  switch (key.size()) {
    case 2:
      if (is(ef::kKeyId)) return read_str(r, h.id) ? kId : -1;
      if (is(ef::kKeyChannel)) return read_channel(r, h) ? kCh : -1;
      if (is(ef::kKeyTimestamp)) return read_timestamp(r, h) ? kTs : -1;
      break;
    case 3:
      switch (key[0]) {
        case 's':
          if (is(ef::kKeySource)) return read_str(r, h.source) ? kSrc : -1;
          if (is(ef::kKeySeq)) return read_seq(r, h) ? kSeq : -1;
          break;
        case 't':
          if (is(ef::kKeyType)) return read_str(r, h.type) ? kTyp : -1;
          if (is(ef::kKeyTarget)) return read_str(r, h.target) ? 0 : -1;
          break;
        case 'c':
          if (is(ef::kKeyCorrelation)) return read_str(r, h.correlation_id) ? 0 : -1;
          break;
        default:
          break;
      }
      break;
    default:
      break;
  }
  return r.skip_value() ? 0 : -1;
}

}  // namespace

std::optional<EnvelopeHeader> peek_envelope(std::string_view envelope) {
  MsgpackReader r(envelope);
  auto n = r.read_map_header();
  if (!n || *n > kMaxKeys) return std::nullopt;
  EnvelopeHeader h;
  unsigned seen = 0;
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto key = r.read_str();
    if (!key) return std::nullopt;
    const int bit = read_field(r, *key, h);
    if (bit < 0) return std::nullopt;
    seen |= static_cast<unsigned>(bit);
  }
  if ((seen & kRequired) != kRequired) return std::nullopt;
  if (h.target.empty()) h.target = kBroadcastTarget;
  return h;
}

}  // namespace vsm::persist
