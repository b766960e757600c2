// Fuzz target "algedonic_datagram" (fuzz_target.hpp): the algedonic datagram decoder
// (nodes/src/algedonic_codec.hpp, docs/PROTOCOL.md §3), plain and sealed, then the alert
// envelope and payload parser as the lane runs them. Decoding never crashes; an accepted
// datagram re-encodes to one that decodes to the same datagram.
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "algedonic/algedonic_codec.hpp"
#include "algedonic/algedonic_event.hpp"
#include "fuzz_target.hpp"
#include "vsm/codec.hpp"

namespace {

using vsm::detail::AckDatagram;
using vsm::detail::AlertDatagram;
using vsm::detail::DatagramCodec;
using vsm::fuzz::fuzz_failure;

const std::vector<DatagramCodec>& codecs() {
  static const std::vector<DatagramCodec> all = [] {
    std::vector<DatagramCodec> v;
    v.emplace_back();  // plain
    v.push_back(DatagramCodec::from_hex_key(std::string(64, 'c')).value());  // sealed
    return v;
  }();
  return all;
}

bool exercise(const DatagramCodec& codec, std::string_view input) {
  auto d = codec.decode(input);
  if (!d) return false;
  auto bytes = std::visit([&](const auto& datagram) { return codec.encode(datagram); }, d.value());
  if (!bytes) fuzz_failure("an accepted datagram does not re-encode", input);
  auto again = codec.decode(*bytes);
  if (!again || again.value() != d.value()) {
    fuzz_failure("a datagram changed across encode/decode", input);
  }
  if (auto* a = std::get_if<AlertDatagram>(&d.value())) {
    auto ev = vsm::decode_event(a->envelope);
    if (ev) {
      (void)vsm::detail::parse_algedonic_event(std::move(ev).value(),
                                               vsm::AlgedonicPath::kLane);
    }
  }
  return true;
}

bool one(std::string_view input) {
  bool accepted = false;
  for (const auto& c : codecs()) accepted |= exercise(c, input);
  return accepted;
}

std::vector<std::string> seeds() {
  using namespace vsm;
  auto event = detail::make_algedonic_event(Severity::kCritical, Signal::kPain,
                                            "pump 3 overheating", {{"temp", 97.5}, {"rpm", 1200}})
                   .value();
  event.id = EventId::parse("evt_00000000-0000-4000-8000-000000000000").value();
  event.source = "s1.ops";
  const std::string envelope = encode_event(event).value();
  const AlertDatagram alert{"s1.ops", "udp://127.0.0.1:4000", "udp://127.0.0.1:5000", 1,
                            envelope};
  const AckDatagram ack{"s5.policy", event.id, "udp://127.0.0.1:5000", 1};
  std::vector<std::string> out;
  for (const auto& c : codecs()) {
    out.push_back(c.encode(alert).value());
    out.push_back(c.encode(ack).value());
  }
  return out;
}

}  // namespace

const vsm::fuzz::Target& vsm::fuzz::fuzz_target() {
  static const Target target{"algedonic_datagram", seeds, one};
  return target;
}
