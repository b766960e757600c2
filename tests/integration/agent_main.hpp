// What the integration agents (delivery_agent, durability_agent) share: "--key value"
// flags, one line per fact on stdout for the test to read, errors on stderr (exit 2),
// and a main() that dispatches on the mode given first ("pub" or "sub").
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <set>
#include <string>

#include <spdlog/spdlog.h>

namespace vsm::test::agent {

using Flags = std::map<std::string, std::string>;

inline std::string& program() {
  static std::string name = "agent";
  return name;
}

inline int fail(const std::string& msg) {
  std::fprintf(stderr, "%s: %s\n", program().c_str(), msg.c_str());
  return 2;
}

// One line to the test, flushed at once (it reads the pipe line by line).
inline void say(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

inline std::string flag(const Flags& f, const std::string& k, const std::string& def = "") {
  auto it = f.find(k);
  return it == f.end() ? def : it->second;
}

inline long long num(const Flags& f, const std::string& k, long long def) {
  auto it = f.find(k);
  return it == f.end() ? def : std::stoll(it->second);
}

// `argv[1]` is the mode; then "--key value" pairs, and the bare `switches` (set to "1").
// VSM_DEBUG in the environment turns on debug logging. Exceptions become exit code 2.
template <typename Run>
int main(const char* name, int argc, char** argv, const std::set<std::string>& switches,
         Run run) {
  program() = name;
  if (std::getenv("VSM_DEBUG") != nullptr) spdlog::set_level(spdlog::level::debug);
  if (argc < 2) return fail("usage: " + program() + " pub|sub --flag value ...");
  Flags f;
  for (int i = 2; i < argc; ++i) {
    std::string k = argv[i];
    if (k.rfind("--", 0) != 0) return fail("unexpected argument " + k);
    k = k.substr(2);
    if (switches.count(k) != 0) {
      f[k] = "1";
    } else if (i + 1 < argc) {
      f[k] = argv[++i];
    } else {
      return fail("--" + k + " needs a value");
    }
  }
  try {
    return run(std::string(argv[1]), f);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}

}  // namespace vsm::test::agent
