// The deterministic driver's input mutations: seeded, reproducible, and aware of msgpack
// (length fields are corrupted on purpose) since most of our formats are msgpack.
// Thread-safety: an instance per thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vsm::fuzz {

// splitmix64: tiny, fast and identical on every platform.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : x_(seed) {}
  std::uint64_t next();
  // Uniform in [0, n); 0 when n == 0.
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t x_;
};

// Applies 1..4 random edits to `s`: bit flips, interesting bytes, truncation, insertion,
// deletion, a splice from `corpus`, trailing garbage, or a corrupted msgpack length.
// REQUIRES: !corpus.empty().
void mutate(std::string& s, const std::vector<std::string>& corpus, Rng& rng);

}  // namespace vsm::fuzz
