#include "fuzz_mutator.hpp"

#include <algorithm>
#include <iterator>

namespace vsm::fuzz {
namespace {

constexpr unsigned char kInteresting[] = {0x00, 0x01, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0,
                                          0xbf, 0xc0, 0xc1, 0xc4, 0xc7, 0xca, 0xcb, 0xcf,
                                          0xd3, 0xd4, 0xd8, 0xd9, 0xdb, 0xdc, 0xdd, 0xde,
                                          0xdf, 0xe0, 0xff, '"', '[', ']', '=', '\n'};

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

void splice(std::string& s, const std::vector<std::string>& corpus, Rng& rng) {
  const std::string& o = corpus[rng.below(corpus.size())];
  if (o.empty()) return;
  const std::size_t from = rng.below(o.size());
  const std::size_t len = 1 + rng.below(std::min<std::size_t>(32, o.size() - from));
  s.insert(rng.below(s.size() + 1), o.substr(from, len));
}

void mutate_once(std::string& s, const std::vector<std::string>& corpus, Rng& rng) {
  switch (rng.below(8)) {
    case 0:  // bit flips
      for (std::size_t n = 1 + rng.below(4); n > 0 && !s.empty(); --n) {
        s[rng.below(s.size())] ^= static_cast<char>(1u << rng.below(8));
      }
      break;
    case 1:  // interesting byte
      if (!s.empty()) {
        const auto byte = kInteresting[rng.below(std::size(kInteresting))];
        s[rng.below(s.size())] = static_cast<char>(byte);
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
    case 5:
      splice(s, corpus, rng);
      break;
    case 6:  // trailing garbage
      s.push_back(static_cast<char>(rng.next()));
      break;
    default:
      corrupt_length(s, rng);
      break;
  }
}

}  // namespace

std::uint64_t Rng::next() {
  std::uint64_t z = (x_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void mutate(std::string& s, const std::vector<std::string>& corpus, Rng& rng) {
  for (std::size_t m = 1 + rng.below(4); m > 0; --m) mutate_once(s, corpus, rng);
}

}  // namespace vsm::fuzz
