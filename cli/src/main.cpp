// vsmcat: kcat-like command-line client of the fabric (docs/CLI.md).
// Data goes to stdout, diagnostics to stderr. Exit codes: 0 ok, 1 runtime, 2 usage.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cmd_keygen.hpp"
#include "cmd_node.hpp"
#include "cmd_pub.hpp"
#include "cmd_sub.hpp"
#include "command.hpp"
#include "global_options.hpp"
#include "signals.hpp"
#if __has_include("cmd_log.hpp")
#include "cmd_log.hpp"
#endif
#if __has_include("cmd_replay.hpp")
#include "cmd_replay.hpp"
#endif
#if __has_include("cmd_bench.hpp")
#include "cmd_bench.hpp"
#endif
#if __has_include("cmd_alert.hpp")
#include "cmd_alert.hpp"
#endif
#if __has_include("cmd_members.hpp")
#include "cmd_members.hpp"
#endif
#if __has_include("cmd_stats.hpp")
#include "cmd_stats.hpp"
#endif
#include "cmd_health.hpp"
#include "cmd_status.hpp"
#if __has_include("cmd_chaos.hpp")
#include "cmd_chaos.hpp"
#endif

namespace {

void setup_logging(int verbosity) {
  auto logger = spdlog::stderr_color_mt("vsmcat");
  logger->set_pattern("vsmcat: [%l] %v");
  spdlog::set_default_logger(logger);
  switch (verbosity) {
    case 0:
      spdlog::set_level(spdlog::level::warn);
      break;
    case 1:
      spdlog::set_level(spdlog::level::info);
      break;
    case 2:
      spdlog::set_level(spdlog::level::debug);
      break;
    default:
      spdlog::set_level(spdlog::level::trace);
      break;
  }
}

std::vector<vsmcat::Command> register_commands(CLI::App& app) {
  std::vector<vsmcat::Command> commands;
  commands.push_back(vsmcat::register_pub(app));
  commands.push_back(vsmcat::register_sub(app));
  commands.push_back(vsmcat::register_node(app));
  commands.push_back(vsmcat::register_keygen(app));
#if __has_include("cmd_log.hpp")
  commands.push_back(vsmcat::register_log(app));
#endif
#if __has_include("cmd_replay.hpp")
  commands.push_back(vsmcat::register_replay(app));
#endif
#if __has_include("cmd_bench.hpp")
  commands.push_back(vsmcat::register_bench(app));
#endif
#if __has_include("cmd_alert.hpp")
  commands.push_back(vsmcat::register_alert(app));
#endif
#if __has_include("cmd_members.hpp")
  commands.push_back(vsmcat::register_members(app));
#endif
#if __has_include("cmd_stats.hpp")
  commands.push_back(vsmcat::register_stats(app));
#endif
  commands.push_back(vsmcat::register_status(app));
  commands.push_back(vsmcat::register_health(app));
#if __has_include("cmd_chaos.hpp")
  commands.push_back(vsmcat::register_chaos(app));
  commands.push_back(vsmcat::register_partition(app));
#endif
  return commands;
}

// `--config FILE` is accepted before and after the subcommand (the same setting).
void add_config_option(CLI::App& app, std::string& path) {
  app.add_option("--config", path, "TOML configuration file ([node] and [security] tables)")
      ->check(CLI::ExistingFile);
}

// Bare `vsmcat` (or only global flags): what there is to run, on stderr, exit 2.
int list_subcommands(const CLI::App& app) {
  std::string out = "usage: vsmcat [-v] [--config FILE] <subcommand> [flags]\n\nsubcommands:\n";
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    std::string name = sub->get_name();
    name.resize(std::max<std::size_t>(name.size(), 10), ' ');
    out += "  " + name + "  " + sub->get_description() + "\n";
  }
  out += "\n`vsmcat <subcommand> --help` shows its flags; `vsmcat --version` the release.\n";
  std::fputs(out.c_str(), stderr);
  return vsmcat::kExitUsage;
}

// False for a command line of global flags only (`vsmcat`, `vsmcat -v`).
bool has_subcommand_argument(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config") {
      ++i;
      continue;
    }
    if (!arg.starts_with("-")) return true;
    if (arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "--version") return true;
  }
  return false;
}

// CLI11 reports a mistyped subcommand as "A subcommand is required"; name it instead.
// Empty when the first positional argument is a known subcommand (or there is none).
std::string unknown_subcommand(const CLI::App& app, int argc, char** argv) {
  const auto subs = app.get_subcommands([](const CLI::App*) { return true; });
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config") {
      ++i;  // skip its value
      continue;
    }
    if (arg.starts_with("-")) continue;
    for (const CLI::App* sub : subs) {
      if (sub->check_name(arg)) return {};
    }
    std::string known;
    for (const CLI::App* sub : subs) {
      known += (known.empty() ? "" : ", ") + sub->get_name();
    }
    return "unknown subcommand '" + arg + "' (one of: " + known + ")";
  }
  return {};
}

int run(int argc, char** argv) {
  CLI::App app{"vsmcat: publish, subscribe and inspect a vsmfabric (kcat-like)", "vsmcat"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for all subcommands");
  app.set_version_flag("--version", "vsmcat " VSM_PROJECT_VERSION
                                    " (vsmfabric, wire protocol v2)");
  auto& global = vsmcat::global_options();
  app.add_flag("-v,--verbose", global.verbosity, "More diagnostics on stderr (repeatable)");
  add_config_option(app, global.config_path);
  std::vector<vsmcat::Command> commands = register_commands(app);
  for (const auto& cmd : commands) add_config_option(*cmd.app, global.config_path);
  if (!has_subcommand_argument(argc, argv)) return list_subcommands(app);
  if (auto msg = unknown_subcommand(app, argc, argv); !msg.empty()) {
    std::fprintf(stderr, "vsmcat: %s\nRun with --help for more information.\n", msg.c_str());
    return vsmcat::kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and version go to stdout with 0; real parse errors to stderr with 2.
    if (e.get_exit_code() == 0) return app.exit(e);
    app.exit(e, std::cout, std::cerr);
    return vsmcat::kExitUsage;
  }
  setup_logging(global.verbosity);
  for (const auto& cmd : commands) {
    if (cmd.app->parsed()) return cmd.run();
  }
  return vsmcat::kExitUsage;  // unreachable: require_subcommand(1)
}

}  // namespace

int main(int argc, char** argv) {
  vsmcat::install_signal_handling();
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vsmcat: error: %s\n", e.what());
    return vsmcat::kExitRuntime;
  }
}
