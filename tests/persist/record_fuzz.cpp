// Standalone fuzz driver for the record reader, the segment header and the index
// parser: deterministic random mutations (flips, garbage, deletions, truncations) of a
// valid segment. Invariants: no crash, offsets strictly increase, every record returned
// is an original one, positions stay inside the file. Works with plain g++; bounded.
//   record_fuzz [iterations] [seed]
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>

#include "persist_test_util.hpp"
#include "segment_index.hpp"
#include "vsm/persist/log_format.hpp"
#include "vsm/persist/record_reader.hpp"
#include "vsm/persist/record_writer.hpp"
#include "vsm/persist/segment_header.hpp"

namespace {

using vsm::persist::RecordReader;
using vsm::persist::RecordWriter;
namespace lf = vsm::persist::log_format;

int failures = 0;

void expect(bool ok, const char* what, std::uint64_t iter) {
  if (!ok) {
    std::fprintf(stderr, "record_fuzz: iteration %llu: %s\n", static_cast<unsigned long long>(iter),
                 what);
    ++failures;
  }
}

struct Null final : RecordReader::Reporter {
  std::uint64_t reported = 0;
  void corruption(std::uint64_t, std::uint64_t bytes, std::string_view, std::uint64_t,
                  std::uint64_t) override {
    reported += bytes;
  }
};

void mutate(std::string& d, std::mt19937_64& rng) {
  const int n = 1 + static_cast<int>(rng() % 4);
  for (int k = 0; k < n && !d.empty(); ++k) {
    const std::size_t at = rng() % d.size();
    switch (rng() % 5) {
      case 0:
        d[at] = static_cast<char>(d[at] ^ (1 << (rng() % 8)));
        break;
      case 1:
        d[at] = static_cast<char>(rng());
        break;
      case 2:
        d.insert(at, std::string(1 + rng() % 40, static_cast<char>(rng())));
        break;
      case 3:
        d.erase(at, 1 + rng() % 60);
        break;
      default:
        d.resize(at);
        break;
    }
  }
}

void fuzz_once(const std::string& original, const std::map<std::uint64_t, std::string>& bodies,
               std::mt19937_64& rng, std::uint64_t iter) {
  vsm::persist::test::MemFile f;
  f.data = original;
  mutate(f.data, rng);
  Null rep;
  RecordReader r(f, lf::kSegmentHeaderBytes, f.data.size(), 0, &rep, 4096);
  std::uint64_t prev = 0;
  while (auto rec = r.next()) {
    expect(rec->offset > prev, "offsets must increase", iter);
    prev = rec->offset;
    auto it = bodies.find(rec->offset);
    expect(it != bodies.end() && it->second == rec->body, "record is not an original", iter);
    expect(rec->pos + rec->size <= f.data.size(), "record outside the file", iter);
  }
  expect(r.valid_end() + r.tail_bytes() <=
             std::max<std::uint64_t>(f.data.size(), lf::kSegmentHeaderBytes),
         "tail past the end", iter);
  (void)vsm::persist::decode_segment_header(f.data, "fuzz");
  (void)vsm::persist::detail::SegmentIndex::parse(f.data);
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t iterations = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 4000;
  const std::uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 0x5eed;
  std::mt19937_64 rng(seed);
  vsm::persist::test::MemFile seg;
  seg.data = vsm::persist::encode_segment_header(1);
  RecordWriter w(seg, seg.data.size());
  std::map<std::uint64_t, std::string> bodies;
  for (std::uint64_t i = 1; i <= 60; ++i) {
    std::string body(static_cast<std::size_t>(rng() % 200), '\0');
    for (char& c : body) c = static_cast<char>(rng());
    if (!w.add_record(i, i, body)) return 1;
    bodies[i] = body;
  }
  // Also fuzz a valid index image.
  vsm::persist::detail::SegmentIndex idx(lf::kSegmentHeaderBytes, 256);
  for (std::uint64_t i = 1; i <= 60; ++i) {
    idx.add({i, i, 32 + i * 100, 100, static_cast<std::uint8_t>(i % 5), i});
  }
  const std::string idx_bytes = idx.serialize();
  for (std::uint64_t it = 0; it < iterations; ++it) {
    fuzz_once(seg.data, bodies, rng, it);
    std::string mutated = idx_bytes;
    mutate(mutated, rng);
    (void)vsm::persist::detail::SegmentIndex::parse(mutated);
  }
  std::printf("record_fuzz: %llu iterations, seed %llu, %d failures\n",
              static_cast<unsigned long long>(iterations), static_cast<unsigned long long>(seed),
              failures);
  return failures == 0 ? 0 : 1;
}
