// The deterministic, bounded mutation driver shared by every fuzz target (fuzz_target.hpp):
// checks each seed, then mutates seeds and accepted mutants with a seeded RNG for a
// bounded number of iterations or seconds. Registered with ctest; runs with any compiler.
//   <target>_fuzz [--iterations N] [--max-seconds S] [--seed X]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_mutator.hpp"
#include "fuzz_target.hpp"

namespace {

struct Options {
  std::uint64_t iterations = 200'000;
  double max_seconds = 10.0;
  std::uint64_t seed = 0x5eed;
};

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) return false;
    if (flag == "--iterations") o.iterations = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--max-seconds") o.max_seconds = std::strtod(argv[i + 1], nullptr);
    else if (flag == "--seed") o.seed = std::strtoull(argv[i + 1], nullptr, 0);
    else return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const vsm::fuzz::Target& target = vsm::fuzz::fuzz_target();
  Options opt;
  if (!parse_options(argc, argv, opt)) {
    std::fprintf(stderr, "usage: %s_fuzz [--iterations N] [--max-seconds S] [--seed X]\n",
                 target.name);
    return 2;
  }
  vsm::fuzz::Rng rng(opt.seed);
  std::vector<std::string> corpus = target.seeds();
  const std::size_t seed_count = corpus.size();
  if (corpus.empty()) vsm::fuzz::fuzz_failure("the target has no seeds", "");
  for (const auto& s : corpus) {
    if (!target.one(s)) vsm::fuzz::fuzz_failure("a seed is not accepted", s);
  }
  constexpr std::size_t kKeptMutants = 256;  // bounded memory, fresh material
  std::uint64_t runs = 0, accepted = 0;
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  for (; runs < opt.iterations; ++runs) {
    if ((runs & 1023) == 0 && elapsed() > opt.max_seconds) break;
    std::string s = corpus[rng.below(corpus.size())];
    vsm::fuzz::mutate(s, corpus, rng);
    if (!target.one(s)) continue;
    ++accepted;
    if (corpus.size() < seed_count + kKeptMutants) corpus.push_back(std::move(s));
    else corpus[seed_count + rng.below(kKeptMutants)] = std::move(s);
  }
  std::printf("%s_fuzz: %llu inputs, %llu accepted, %zu in corpus, %.2f s, seed %#llx: ok\n",
              target.name, static_cast<unsigned long long>(runs),
              static_cast<unsigned long long>(accepted), corpus.size(), elapsed(),
              static_cast<unsigned long long>(opt.seed));
  return 0;
}
