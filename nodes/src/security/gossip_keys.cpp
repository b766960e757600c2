#include "security/gossip_keys.hpp"

#include <sodium.h>

#include "security/sodium_init.hpp"

namespace vsm::detail {
namespace {

Result<gossip::Key> keyed(std::string_view hex, const char* what) {
  ensure_sodium();
  auto probe = gossip::Keyring::key_from_hex(0, hex);
  if (!probe) return Error::invalid(std::string(what) + ": " + probe.error().message());
  unsigned char digest[4];
  crypto_generichash(digest, sizeof digest, probe->bytes.data(), probe->bytes.size(), nullptr, 0);
  probe->id = (std::uint32_t{digest[0]} << 24) | (std::uint32_t{digest[1]} << 16) |
              (std::uint32_t{digest[2]} << 8) | digest[3];
  return probe;
}

}  // namespace

Result<std::shared_ptr<const gossip::Keyring>> gossip_keyring(const NodeConfig& config) {
  const auto& sc = config.security;
  const std::string& primary =
      !sc.gossip_key.empty() ? sc.gossip_key : (sc.enabled() ? config.cluster_key : sc.gossip_key);
  if (primary.empty()) return std::shared_ptr<const gossip::Keyring>();
  auto key = keyed(primary, "security.gossip_key");
  if (!key) return key.error();
  std::vector<gossip::Key> accepted;
  const std::string& previous =
      !sc.gossip_previous_key.empty() ? sc.gossip_previous_key : sc.previous_cluster_key;
  if (!previous.empty()) {
    auto old = keyed(previous, "security.gossip_previous_key");
    if (!old) return old.error();
    if (old->id != key->id) accepted.push_back(*old);
  }
  return std::make_shared<const gossip::Keyring>(*key, std::move(accepted));
}

}  // namespace vsm::detail
