// A vsmcat subcommand: the CLI11 sub-app it registered and what to run when the user
// selected it. `run` returns the process exit code: 0 ok, 1 runtime error, 2 usage.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace vsmcat {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;
inline constexpr int kExitUsage = 2;

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

}  // namespace vsmcat
