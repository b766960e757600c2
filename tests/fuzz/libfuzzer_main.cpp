// libFuzzer entry points for every fuzz target (fuzz_target.hpp). Built only with
// VSM_LIBFUZZER=ON (clang, -fsanitize=fuzzer); scripts/fuzz.sh runs the result.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "fuzz_target.hpp"

// VSM_FUZZ_SEED_DIR=<dir>: write the target's seeds into <dir> (created if needed) before
// fuzzing starts, so that passing the same <dir> as the corpus starts from them.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* dir = std::getenv("VSM_FUZZ_SEED_DIR");
  if (dir == nullptr || *dir == '\0') return 0;
  std::filesystem::create_directories(dir);
  const auto seeds = vsm::fuzz::fuzz_target().seeds();
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    std::ofstream out(std::filesystem::path(dir) / ("seed-" + std::to_string(i)),
                      std::ios::binary | std::ios::trunc);
    out.write(seeds[i].data(), static_cast<std::streamsize>(seeds[i].size()));
    if (!out) {
      std::fprintf(stderr, "cannot write seed %zu into %s\n", i, dir);
      std::exit(2);
    }
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)vsm::fuzz::fuzz_target().one(
      std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
