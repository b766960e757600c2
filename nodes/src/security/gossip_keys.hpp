// The gossip keyring from the [security] table (docs/SECURITY.md §6.6): gossip datagrams
// are sealed with SecurityConfig::gossip_key, or with the cluster key when security is on
// and no gossip key is given; the previous key (gossip_previous_key, else
// previous_cluster_key) is accepted too, so a rotation never splits the cluster. Key ids
// are derived from the key bytes, so every node agrees on them without configuration.
// How long the previous key stays accepted is the gossip keyring's own rule (gossip/).
// Thread-safety: pure function.
#pragma once

#include <memory>

#include "vsm/gossip/keyring.hpp"
#include "vsm/node_config.hpp"

namespace vsm::detail {

// Null when no key applies (gossip stays as configured). kInvalid for a malformed key.
Result<std::shared_ptr<const gossip::Keyring>> gossip_keyring(const NodeConfig& config);

}  // namespace vsm::detail
