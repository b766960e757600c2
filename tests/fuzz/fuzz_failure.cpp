#include <cstdio>
#include <cstdlib>

#include "fuzz_target.hpp"

namespace vsm::fuzz {

void fuzz_failure(std::string_view what, std::string_view input) {
  std::fprintf(stderr, "%s fuzz: %.*s\ninput (%zu bytes):", fuzz_target().name,
               static_cast<int>(what.size()), what.data(), input.size());
  for (unsigned char c : input) std::fprintf(stderr, " %02x", c);
  std::fprintf(stderr, "\n");
  std::abort();
}

}  // namespace vsm::fuzz
