// Frame fuzzing (protocol v2, single-event and batch frames): decoding never crashes,
// and everything it accepts survives encode -> decode unchanged: every event of the
// frame re-encodes to a fixed point, its single-event frame (FrameReader) decodes to the
// same event, the header peek agrees with it, and a batch rebuilt with BatchBuilder
// decodes to the same events.
//
// Default build: a deterministic driver that mutates valid frames with a seeded RNG
// (bit flips, interesting bytes, truncation, insertion, deletion, splices, length-field
// corruption) for a bounded number of iterations or seconds:
//   frame_fuzz [--iterations N] [--max-seconds S] [--seed X]
//   frame_fuzz --write-seeds DIR      (the seed frames, a corpus for the libFuzzer build)
// With -DVSM_LIBFUZZER=1 (clang, -fsanitize=fuzzer) it exposes LLVMFuzzerTestOneInput
// instead of main().
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/batch_builder.hpp"
#include "vsm/codec.hpp"
#include "vsm/event_header.hpp"
#include "vsm/frame_reader.hpp"
#include "vsm/msgpack_writer.hpp"

namespace {

using vsm::CodecLimits;
using vsm::Event;

[[noreturn]] void die(const char* what, std::string_view input) {
  std::fprintf(stderr, "frame_fuzz: %s\ninput (%zu bytes):", what, input.size());
  for (unsigned char c : input) std::fprintf(stderr, " %02x", c);
  std::fprintf(stderr, "\n");
  std::abort();
}

struct Counters {
  std::uint64_t runs = 0;
  std::uint64_t accepted = 0;
};

// Every event of an accepted frame, re-encoded and rebuilt, is the same event.
void check_round_trip(std::string_view input, const std::vector<Event>& events,
                      const std::vector<std::string>& singles, bool batch) {
  vsm::BatchBuilder rebuilt({.max_bytes = std::size_t{1} << 30, .max_events = 65535});
  std::vector<std::string> encoded(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    if (!vsm::validate_event(e)) die("decoded event fails validate_event", input);
    auto enc = vsm::encode_event(e);
    if (!enc) die(("re-encode failed: " + enc.error().to_string()).c_str(), input);
    auto again = vsm::decode_event(*enc);
    if (!again) die(("re-decode failed: " + again.error().to_string()).c_str(), input);
    if (!(*again == e)) die("event changed across encode/decode", input);
    auto enc2 = vsm::encode_event(*again);
    if (!enc2 || *enc2 != *enc) die("encoding is not a fixed point", input);
    auto single = vsm::decode_event(singles[i]);
    if (!single || !(*single == e)) die("the event's single-event frame decodes differently", input);
    vsm::EventHeader h;
    if (!vsm::peek_event_header(singles[i], h) || h.id != e.id || h.seq != e.seq ||
        h.node != e.ts.node || h.target != e.target || h.channel != e.channel) {
      die("header peek disagrees with decode", input);
    }
    encoded[i] = std::move(*enc);
    if (rebuilt.add(encoded[i]) != vsm::BatchBuilder::Add::kAdded) die("rebuild refused", input);
  }
  if (!batch) return;
  auto back = vsm::decode_frame(rebuilt.finish());
  if (!back || *back != events) die("rebuilt batch decodes differently", input);
}

// The property under test. Returns true when every event of `input` decoded.
bool check_one(std::string_view input, const CodecLimits& limits) {
  (void)vsm::validate_msgpack(input, limits);
  vsm::EventHeader header;
  (void)vsm::peek_event_header(input, header, limits);
  auto reader = vsm::FrameReader::open(input, limits);
  if (!reader) {
    if (reader.error().message().empty()) die("error without a message", input);
    return false;
  }
  std::vector<Event> events;
  std::vector<std::string> singles;
  bool all_ok = true;
  Event e;
  while (!reader->done()) {
    if (auto st = reader->next_into(e); !st) {
      if (st.error().message().empty()) die("event error without a message", input);
      all_ok = false;
      continue;
    }
    events.push_back(e);
    reader->append_event_frame(singles.emplace_back());
  }
  if (events.size() + reader->unread() > reader->event_count()) die("events miscounted", input);
  if (!all_ok) return false;
  if (events.size() != reader->event_count()) die("accepted frame lost events", input);
  check_round_trip(input, events, singles, reader->is_batch());
  return true;
}

}  // namespace

#ifdef VSM_LIBFUZZER

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  check_one(input, CodecLimits{});
  CodecLimits tight;
  tight.max_depth = 3;
  tight.max_string_bytes = 16;
  tight.max_container_items = 4;
  check_one(input, tight);
  return 0;
}

#else  // deterministic driver

namespace {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : x_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (x_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t x_;
};

std::string encoded(std::string_view bytes_fn_tag, const Event& e) {
  auto r = vsm::encode_event(e);
  if (!r) die("seed does not encode", bytes_fn_tag);
  return *r;
}

std::string mp(void (*f)(vsm::MsgpackWriter&)) {
  std::string s;
  vsm::MsgpackWriter w(s);
  f(w);
  return s;
}

std::vector<std::string> seeds() {
  Event full;
  full.id = vsm::EventId::parse("evt_3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f60").value();
  full.source = "s1.ops-3";
  full.target = "s5";
  full.channel = vsm::Channel::kAlgedonic;
  full.type = "overheat";
  full.payload = vsm::Value::from_encoded(mp([](vsm::MsgpackWriter& w) {
    w.map_header(3);
    w.str("temp");
    w.float64(97.5);
    w.str("list");
    w.array_header(4);
    w.int64(-70000);
    w.uint(1ull << 40);
    w.bin(std::string(40, 'b'));
    w.nil();
    w.str("nested");
    w.array_header(1);
    w.array_header(1);
    w.map_header(1);
    w.str("deep");
    w.boolean(true);
  }));
  full.ts = vsm::HlcTimestamp{1'700'000'000'123, 7, "node-a"};
  full.priority = vsm::kPriorityCritical;
  full.correlation_id = "corr-1";
  full.causation_id = "evt_cause";
  full.seq = 1ull << 33;
  full.metadata["severity"] = vsm::Value::string("high");
  full.metadata["n"] = vsm::Value::from_encoded(std::string("\xd1\x80\x00", 3));
  full.metadata["ext"] = vsm::Value::from_encoded(std::string("\xd6\x01" "abcd", 6));

  Event minimal;
  minimal.id = vsm::EventId::parse("00000000-0000-4000-8000-000000000001").value();
  minimal.source = "s3";
  minimal.type = "t";

  Event big = full;
  big.channel = vsm::Channel::kResourceBargain;
  big.payload = vsm::Value::string(std::string(300, 'x'));
  for (int i = 0; i < 20; ++i) big.metadata["k" + std::to_string(i)] = vsm::Value::nil();

  std::vector<std::string> out = {encoded("full", full), encoded("minimal", minimal),
                                  encoded("big", big)};
  // An event with unknown keys, as a newer minor version would send: the map header
  // (after the topic) counts one more entry.
  std::string unknown = encoded("minimal", minimal);
  const std::size_t map = unknown.find('\0') + 1;
  unknown[map] = static_cast<char>(static_cast<unsigned char>(unknown[map]) + 1);
  unknown += mp([](vsm::MsgpackWriter& w) {
    w.uint(40);
    w.array_header(2);
    w.str("future");
    w.uint(1);
  });
  out.push_back(unknown);
  // As a publisher sends it: fixed-width numbers, patched in.
  std::string published;
  auto slots = vsm::encode_event_unsequenced(full, "node-b", published);
  if (!slots) die("seed does not encode", "published");
  vsm::patch_sequence(published.data(), *slots, 1'700'000'000'999, 3, 77);
  out.push_back(published);
  // Batches of 2 and 17 events (fixarray and array 16 headers).
  for (int n : {2, 17}) {
    vsm::BatchBuilder batch;
    for (int i = 0; i < n; ++i) {
      Event e = i % 2 ? full : big;
      e.channel = vsm::Channel::kAudit;
      e.seq = static_cast<std::uint64_t>(i + 1);
      if (batch.add(encoded("batch", e)) != vsm::BatchBuilder::Add::kAdded) {
        die("seed batch refused", "batch");
      }
    }
    out.emplace_back(batch.finish());
  }
  return out;
}

constexpr unsigned char kInteresting[] = {0x00, 0x01, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0,
                                          0xbf, 0xc0, 0xc1, 0xc4, 0xc7, 0xca, 0xcb, 0xcf,
                                          0xd3, 0xd4, 0xd8, 0xd9, 0xdb, 0xdc, 0xdd, 0xde,
                                          0xdf, 0xe0, 0xff};

// Length-bearing msgpack type bytes and the width of their length field.
int length_width(unsigned char t) {
  switch (t) {
    case 0xc4: case 0xc7: case 0xd9: return 1;
    case 0xc5: case 0xc8: case 0xda: case 0xdc: case 0xde: return 2;
    case 0xc6: case 0xc9: case 0xdb: case 0xdd: case 0xdf: return 4;
    default: return 0;
  }
}

void corrupt_length(std::string& s, Rng& rng) {
  std::vector<std::size_t> spots;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto t = static_cast<unsigned char>(s[i]);
    if (length_width(t) || (t >= 0x80 && t <= 0xbf)) spots.push_back(i);
  }
  if (spots.empty()) return;
  const std::size_t at = spots[rng.below(spots.size())];
  const auto t = static_cast<unsigned char>(s[at]);
  const int w = length_width(t);
  if (w == 0) {  // fixmap / fixarray / fixstr: change the embedded count
    const unsigned char mask = t >= 0xa0 ? 0x1f : 0x0f;
    s[at] = static_cast<char>((t & ~mask) | (rng.next() & mask));
    return;
  }
  static constexpr std::uint64_t kLengths[] = {0, 1, 2, 0x7f, 0xff, 0x100, 0xffff, 0x10000,
                                               0x7fffffff, 0xffffffff};
  std::uint64_t v = kLengths[rng.below(std::size(kLengths))];
  for (int b = w - 1; b >= 0; --b) {
    if (at + 1 + static_cast<std::size_t>(b) < s.size()) {
      s[at + 1 + static_cast<std::size_t>(b)] = static_cast<char>(v & 0xff);
    }
    v >>= 8;
  }
}

void mutate(std::string& s, const std::vector<std::string>& corpus, Rng& rng) {
  switch (rng.below(8)) {
    case 0:  // bit flips
      if (!s.empty()) {
        for (std::size_t n = 1 + rng.below(4); n > 0; --n) {
          s[rng.below(s.size())] ^= static_cast<char>(1u << rng.below(8));
        }
      }
      break;
    case 1:  // interesting byte
      if (!s.empty()) {
        s[rng.below(s.size())] = static_cast<char>(kInteresting[rng.below(std::size(kInteresting))]);
      }
      break;
    case 2:  // truncation
      s.resize(rng.below(s.size() + 1));
      break;
    case 3: {  // insertion of random bytes
      std::string ins(1 + rng.below(8), '\0');
      for (auto& c : ins) c = static_cast<char>(rng.next());
      s.insert(rng.below(s.size() + 1), ins);
      break;
    }
    case 4:  // deletion of a range
      if (!s.empty()) {
        const std::size_t at = rng.below(s.size());
        s.erase(at, 1 + rng.below(std::min<std::size_t>(16, s.size() - at)));
      }
      break;
    case 5:  // splice from another corpus entry
    {
      const std::string& o = corpus[rng.below(corpus.size())];
      if (!o.empty()) {
        const std::size_t from = rng.below(o.size());
        const std::size_t len = 1 + rng.below(std::min<std::size_t>(32, o.size() - from));
        s.insert(rng.below(s.size() + 1), o.substr(from, len));
      }
      break;
    }
    case 6:  // trailing garbage
      s.push_back(static_cast<char>(rng.next()));
      break;
    default:
      corrupt_length(s, rng);
      break;
  }
}

CodecLimits random_limits(Rng& rng) {
  CodecLimits l;
  if (rng.below(4) == 0) {
    l.max_depth = rng.below(5);
    l.max_string_bytes = rng.below(64);
    l.max_container_items = rng.below(8);
    l.max_event_bytes = 16 + rng.below(512);
  }
  return l;
}

}  // namespace

// The seed frames as files, a starting corpus for the libFuzzer build.
int write_seeds(const std::string& dir) {
  int n = 0;
  for (const auto& s : seeds()) {
    const std::string path = dir + "/seed-" + std::to_string(n++);
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr || std::fwrite(s.data(), 1, s.size(), f) != s.size() || std::fclose(f) != 0) {
      std::fprintf(stderr, "frame_fuzz: cannot write %s\n", path.c_str());
      return 1;
    }
  }
  std::printf("frame_fuzz: wrote %d seed frames to %s\n", n, dir.c_str());
  return 0;
}

int main(int argc, char** argv) {
  std::uint64_t iterations = 200'000;
  double max_seconds = 10.0;
  std::uint64_t seed = 0x5eed;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--iterations") iterations = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--max-seconds") max_seconds = std::strtod(argv[i + 1], nullptr);
    else if (flag == "--seed") seed = std::strtoull(argv[i + 1], nullptr, 0);
    else if (flag == "--write-seeds") return write_seeds(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: frame_fuzz [--iterations N] [--max-seconds S] [--seed X] "
                           "| --write-seeds DIR\n");
      return 2;
    }
  }
  Rng rng(seed);
  std::vector<std::string> corpus = seeds();
  const std::size_t seed_count = corpus.size();
  for (const auto& s : corpus) {
    if (!check_one(s, CodecLimits{})) die("seed does not decode", s);
  }
  Counters c;
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < iterations; ++i) {
    if ((i & 1023) == 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                                   .count() > max_seconds) {
      break;
    }
    std::string s = corpus[rng.below(corpus.size())];
    for (std::size_t m = 1 + rng.below(4); m > 0; --m) mutate(s, corpus, rng);
    ++c.runs;
    if (check_one(s, random_limits(rng))) {
      ++c.accepted;
      // Keep a bounded set of accepted mutants to mutate further.
      if (corpus.size() < seed_count + 256) corpus.push_back(s);
      else corpus[seed_count + rng.below(256)] = s;
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("frame_fuzz: %llu inputs, %llu decoded, %zu in corpus, %.2f s, seed %#llx: ok\n",
              static_cast<unsigned long long>(c.runs), static_cast<unsigned long long>(c.accepted),
              corpus.size(), secs, static_cast<unsigned long long>(seed));
  return 0;
}

#endif  // VSM_LIBFUZZER
