// Deterministic, bounded mutation fuzzer for the algedonic datagram decoder (alerts and
// acks, plain and sealed) and the alert payload parser. Runs with any compiler:
//   algedonic_datagram_fuzz --iterations 200000 --max-seconds 10 [--seed N]
// Exits 1 if a round trip of a valid datagram fails; a crash is a crash.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "algedonic/algedonic_codec.hpp"
#include "algedonic/algedonic_event.hpp"
#include "vsm/codec.hpp"

using namespace vsm;
using namespace vsm::detail;

namespace {

struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
};

std::string mutate(std::string d, Rng& rng) {
  const int edits = 1 + static_cast<int>(rng.below(4));
  for (int e = 0; e < edits; ++e) {
    switch (rng.below(6)) {
      case 0:
        if (!d.empty()) d[rng.below(d.size())] ^= static_cast<char>(1u << rng.below(8));
        break;
      case 1:
        if (!d.empty()) d[rng.below(d.size())] = static_cast<char>(rng.next());
        break;
      case 2:
        d.resize(rng.below(d.size() + 1));
        break;
      case 3:
        d.insert(rng.below(d.size() + 1), 1 + rng.below(8), static_cast<char>(rng.next()));
        break;
      case 4:  // keep a valid header, randomise the body
        for (std::size_t i = 5; i < d.size(); ++i) {
          if (rng.below(8) == 0) d[i] = static_cast<char>(rng.next());
        }
        break;
      default: {
        std::string r(rng.below(64), '\0');
        for (auto& c : r) c = static_cast<char>(rng.next());
        d = r;
      }
    }
  }
  return d;
}

void exercise(const DatagramCodec& codec, std::string_view bytes) {
  auto d = codec.decode(bytes);
  if (!d) return;
  if (auto* a = std::get_if<AlertDatagram>(&d.value())) {
    auto ev = decode_event(a->envelope);
    if (ev) (void)parse_algedonic_event(std::move(ev).value(), AlgedonicPath::kLane);
  }
}

}  // namespace

int main(int argc, char** argv) {
  long iterations = 100'000;
  double max_seconds = 10;
  std::uint64_t seed = 0x9e3779b97f4a7c15ull;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--iterations")) iterations = std::stol(argv[i + 1]);
    if (!std::strcmp(argv[i], "--max-seconds")) max_seconds = std::stod(argv[i + 1]);
    if (!std::strcmp(argv[i], "--seed")) seed = std::stoull(argv[i + 1]);
  }
  std::vector<DatagramCodec> codecs;
  codecs.emplace_back();
  codecs.push_back(DatagramCodec::from_hex_key(std::string(64, 'c')).value());

  auto event = make_algedonic_event(Severity::kCritical, Signal::kPain, "pump 3 overheating",
                                    {{"temp", 97.5}, {"rpm", 1200}})
                   .value();
  event.id = "evt_00000000-0000-4000-8000-000000000000";
  event.source = "s1.ops";
  const std::string envelope = encode_event(event).value();
  const AlertDatagram alert{"s1.ops", "udp://127.0.0.1:4000", "udp://127.0.0.1:5000", 1, envelope};
  const AckDatagram ack{"s5.policy", event.id, "udp://127.0.0.1:5000", 1};

  std::vector<std::string> seeds;
  for (const auto& c : codecs) {
    auto a = c.encode(alert).value();
    auto k = c.encode(ack).value();
    auto da = c.decode(a);
    auto dk = c.decode(k);
    if (!da || std::get<AlertDatagram>(da.value()) != alert || !dk ||
        std::get<AckDatagram>(dk.value()) != ack) {
      std::fprintf(stderr, "round trip failed\n");
      return 1;
    }
    seeds.push_back(a);
    seeds.push_back(k);
  }
  Rng rng{seed};
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration<double>(max_seconds);
  long done = 0;
  for (; done < iterations; ++done) {
    if ((done & 1023) == 0 && std::chrono::steady_clock::now() > deadline) break;
    const std::string input = mutate(seeds[rng.below(seeds.size())], rng);
    for (const auto& c : codecs) exercise(c, input);
  }
  std::printf("algedonic_datagram_fuzz: %ld iterations, no crash\n", done);
  return 0;
}
