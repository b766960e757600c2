// One fuzz target: a decoder of untrusted bytes and the property it must keep. Each
// *_fuzz.cpp defines fuzz_target(); two shared entry points run it:
//   fuzz_driver.cpp    a deterministic, bounded mutation driver (any compiler, ctest):
//                      <target>_fuzz [--iterations N] [--max-seconds S] [--seed X]
//   libfuzzer_main.cpp LLVMFuzzerTestOneInput for clang's libFuzzer (VSM_LIBFUZZER=ON,
//                      scripts/fuzz.sh); VSM_FUZZ_SEED_DIR=<dir> writes the seeds there
//                      first, so the seeds double as the starting corpus.
// A property violation calls fuzz_failure(), which prints the input and aborts: both
// drivers report it as a crash. Thread-safety: single-threaded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vsm::fuzz {

struct Target {
  const char* name;  // as in the fuzz.sh table: envelope, hello, ...
  // Valid inputs that reach deep into the decoder (generated in code, a handful).
  std::vector<std::string> (*seeds)();
  // Decodes `input` and checks the target's property; true when the input was accepted
  // (the driver keeps accepted mutants to mutate further). Must not keep state between
  // calls, so that a crash reproduces from its input alone.
  bool (*one)(std::string_view input);
};

// Defined once per fuzz executable, by the target's *_fuzz.cpp.
const Target& fuzz_target();

// Reports a violated property with the offending input (hex) and aborts.
[[noreturn]] void fuzz_failure(std::string_view what, std::string_view input);

}  // namespace vsm::fuzz
