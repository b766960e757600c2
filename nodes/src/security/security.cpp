// The public security helpers of vsm/security.hpp: key files for `vsmcat keygen`,
// signature checks for `vsmcat log verify`, client keys for control clients.
#include "vsm/security.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "security/event_signer.hpp"
#include "security/key_file.hpp"
#include "security/trusted_keys.hpp"

namespace vsm {
namespace {

Status write_file(const std::string& path, const std::string& text, mode_t mode, bool overwrite) {
  const int flags = O_WRONLY | O_CREAT | O_TRUNC | (overwrite ? 0 : O_EXCL) | O_CLOEXEC;
  const int fd = ::open(path.c_str(), flags, mode);
  if (fd < 0) {
    return Error::io("cannot write '" + path + "': " + std::strerror(errno) +
                     (errno == EEXIST ? " (it exists: keys are never overwritten silently)" : ""));
  }
  const bool ok = ::fchmod(fd, mode) == 0 &&
                  ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) return Error::io("cannot write '" + path + "': " + std::strerror(err));
  return {};
}

}  // namespace

Result<NodeKeyFiles> write_node_key_files(const std::string& dir, const std::string& name,
                                          Role role, bool overwrite) {
  if (!is_valid_name(name)) {
    return Error::invalid("node name '" + name + "' must be 1..255 bytes without '/'");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error::io("cannot create '" + dir + "': " + ec.message());
  const auto keys = detail::generate_keys(name, role);
  NodeKeyFiles files{(std::filesystem::path(dir) / (name + ".key")).string(),
                     (std::filesystem::path(dir) / (name + ".pub")).string()};
  if (auto st =
          write_file(files.secret_path, detail::format_secret_key_file(keys), 0600, overwrite);
      !st) {
    return st.error();
  }
  if (auto st =
          write_file(files.public_path, detail::format_public_key_file(keys.pub), 0644, overwrite);
      !st) {
    return st.error();
  }
  return files;
}

struct EventSignatureChecker::Impl {
  detail::TrustedKeys keys;
};

EventSignatureChecker::EventSignatureChecker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventSignatureChecker::EventSignatureChecker(EventSignatureChecker&&) noexcept = default;
EventSignatureChecker& EventSignatureChecker::operator=(EventSignatureChecker&&) noexcept = default;
EventSignatureChecker::~EventSignatureChecker() = default;

Result<EventSignatureChecker> EventSignatureChecker::open(const std::string& trusted_dir) {
  auto keys = detail::TrustedKeys::load(trusted_dir);
  if (!keys) return keys.error();
  return EventSignatureChecker(std::make_unique<Impl>(Impl{std::move(*keys)}));
}

EventSignatureChecker::Outcome EventSignatureChecker::check(const Event& event) const {
  return detail::verify_event_signature(event, impl_->keys);
}

Result<CurveClientKeys> curve_client_keys(const SecurityConfig& config,
                                          const std::string& server_name) {
  auto own = detail::read_secret_key_file(config.key_file);
  if (!own) return own.error();
  auto trusted = detail::TrustedKeys::load(config.trusted_dir);
  if (!trusted) return trusted.error();
  const auto* server = trusted->current(server_name, detail::unix_ms());
  if (server == nullptr) {
    return Error::not_found("no trusted key for node '" + server_name + "' in " +
                            config.trusted_dir);
  }
  return CurveClientKeys{own->pub.curve_public, own->curve_secret, server->curve_public};
}

NamedEndpoint split_named_endpoint(const std::string& text) {
  const auto at = text.find('@');
  const auto scheme = text.find("://");
  if (at == std::string::npos || (scheme != std::string::npos && at > scheme)) {
    return {std::string(), text};
  }
  return {text.substr(0, at), text.substr(at + 1)};
}

}  // namespace vsm
