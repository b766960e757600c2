// `vsmcat keygen NAME [--dir DIR] [--role ROLE] [--force]`: writes NAME.key (secret,
// 0600) and NAME.pub (copy it into every node's trusted directory) and prints both paths.
#include "cmd_keygen.hpp"

#include <memory>
#include <string>

#include "output.hpp"
#include "vsm/role.hpp"
#include "vsm/security.hpp"

namespace vsmcat {
namespace {

struct KeygenArgs {
  std::string name;
  std::string dir = ".";
  std::string role = "S1";
  bool force = false;
};

int run_keygen(const KeygenArgs& a) {
  const auto role = vsm::parse_role(a.role);
  if (!role) {
    status_line("vsmcat keygen: '" + a.role + "' is not a role (S1, S2, S3, S3*, S4, S5)");
    return kExitUsage;
  }
  auto files = vsm::write_node_key_files(a.dir, a.name, *role, a.force);
  if (!files) {
    status_line("vsmcat keygen: " + files.error().to_string());
    return files.error().code() == vsm::ErrorCode::kInvalid ? kExitUsage : kExitRuntime;
  }
  write_stdout_line("secret " + files->secret_path);
  write_stdout_line("public " + files->public_path);
  return kExitOk;
}

}  // namespace

Command register_keygen(CLI::App& root) {
  auto args = std::make_shared<KeygenArgs>();
  auto* app = root.add_subcommand(
      "keygen", "Write a node's key pair: NAME.key (secret, 0600) and NAME.pub (trust it)");
  app->add_option("NAME", args->name, "Node name (NodeConfig name)")->required();
  app->add_option("--dir", args->dir, "Directory for both files (default: .)");
  app->add_option("--role", args->role,
                  "The node's VSM role, recorded in NAME.pub: receivers apply the flow rules "
                  "for it (default S1)");
  app->add_flag("--force", args->force, "Overwrite existing files");
  return Command{app, [args] { return run_keygen(*args); }};
}

}  // namespace vsmcat
