// Transport security and event signatures of a node (docs/SECURITY.md §6): settings,
// key files, and the checks tools reuse (vsmcat keygen, log verify, control clients).
//
// With SecurityConfig::key_file set, a node runs its data plane (XPUB) and control plane
// (ROUTER) as CURVE servers behind a ZAP handler that admits only the public keys of the
// trusted directory, connects to publishers and control endpoints as a CURVE client with
// the publisher's trusted key, drops events whose ts.node (and source) do not match the
// authenticated publisher or break the flow rules, signs its events on the signed
// channels, and verifies the signatures of received ones.
//
// Key files (vsmcat keygen NAME writes both; text, "key = value" lines, '#' comments):
//   NAME.key  (mode 0600, secret) name, role, curve_public, curve_secret (Z85, 40 chars),
//             sign_public (hex, 64), sign_secret (hex, 128: Ed25519 seed + public key)
//   NAME.pub  name, role, curve_public, sign_public; optional not_after (Unix ms: the key
//             is refused afterwards: the grace period of a rotated key) and sources (comma
//             separated names this node may publish as, besides its own name)
// Thread-safety: pure functions and immutable values.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vsm/channel.hpp"
#include "vsm/event.hpp"
#include "vsm/result.hpp"
#include "vsm/role.hpp"

namespace vsm {

struct SecurityConfig {
  // This node's secret key file (NAME.key). Empty: security off (the defaults below are
  // then unused). Its name must equal NodeConfig::name.
  std::string key_file;
  // Directory of trusted public key files (*.pub); every peer, and this node, must have
  // one. Re-read when it changes (checked at most every trusted_reload_ms), so keys can
  // be added and rotated without a restart.
  std::string trusted_dir;
  std::uint64_t trusted_reload_ms = 2'000;
  // Events on these channels are signed by the publisher and must carry a valid
  // signature at receivers (others may be signed; a signature present is always checked).
  std::vector<Channel> signed_channels = {Channel::kCommand, Channel::kAlgedonic};
  // Refused connections and dropped events are logged with the peer address, at most one
  // warning per interval per kind (the rest counted, summarised in the next warning).
  std::uint64_t refusal_log_interval_ms = 10'000;
  // Algedonic cluster key rotation: datagrams sealed with this previous key (64 hex
  // characters) are still accepted for previous_key_grace_ms after the node starts.
  // The gossip keyring accepts the previous gossip key (gossip_previous_key, default
  // this one) the same way.
  std::string previous_cluster_key;
  std::uint64_t previous_key_grace_ms = 600'000;
  // Gossip keyring: seals gossip datagrams (64 hex characters); empty = the cluster key.
  std::string gossip_key;
  std::string gossip_previous_key;

  bool enabled() const noexcept { return !key_file.empty(); }
};

// A node's key pair as `vsmcat keygen` writes it.
struct NodeKeyFiles {
  std::string secret_path;  // <dir>/<name>.key, mode 0600
  std::string public_path;  // <dir>/<name>.pub: copy it into every trusted directory
};
// Generates a CURVE and an Ed25519 key pair for node `name` and writes both files into
// `dir`. kInvalid for a bad name, kIo when a file exists (unless `overwrite`) or cannot
// be written.
Result<NodeKeyFiles> write_node_key_files(const std::string& dir, const std::string& name,
                                          Role role, bool overwrite = false);

// Checks event signatures against a trusted directory, for tools (vsmcat log verify).
class EventSignatureChecker {
 public:
  enum class Outcome { kValid, kUnsigned, kUnknownSigner, kInvalid };
  // kIo / kInvalid naming the directory or file that cannot be read.
  static Result<EventSignatureChecker> open(const std::string& trusted_dir);
  // Keys are matched by the signer's name; expired ones (not_after) still verify what
  // they signed before, so a log stays verifiable after a rotation.
  Outcome check(const Event& event) const;

  EventSignatureChecker(EventSignatureChecker&&) noexcept;
  EventSignatureChecker& operator=(EventSignatureChecker&&) noexcept;
  ~EventSignatureChecker();

 private:
  struct Impl;
  explicit EventSignatureChecker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// What a control client needs to reach a secured node: its own key pair and the
// server's public key (32 bytes each, binary).
struct CurveClientKeys {
  std::string public_key;
  std::string secret_key;
  std::string server_key;
};
// The keys to reach node `server_name` with `config` (its key_file and trusted_dir).
// kNotFound when no trusted key names that node.
Result<CurveClientKeys> curve_client_keys(const SecurityConfig& config,
                                          const std::string& server_name);

// "NAME@ENDPOINT" (how peers and control endpoints name the node behind them when
// security is on): the name, and the endpoint alone; no '@': an empty name.
struct NamedEndpoint {
  std::string name;
  std::string endpoint;
};
NamedEndpoint split_named_endpoint(const std::string& text);

}  // namespace vsm
