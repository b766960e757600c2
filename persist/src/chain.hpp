// The hash chain of a version 2 segment (log_format.hpp, docs/LOG_FORMAT.md "Hash
// chain"): each record's link is BLAKE2b-256 of the previous link and the record's
// type, offset, wall_ms and body. Sans-I/O; ChainCheck verifies a segment's records in
// file order and names the first one that does not follow its predecessor.
// Thread-safety: pure functions; a ChainCheck is used by one thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vsm/persist/record_reader.hpp"

namespace vsm::persist::detail {

using ChainLink = std::array<unsigned char, 32>;

// The previous link of the first record of the segment whose base offset is `base`.
ChainLink chain_seed(std::uint64_t base);
// The link of a record: `fields` are its 17 bytes type | offset | wall_ms.
ChainLink chain_next(const ChainLink& previous, std::string_view fields, std::string_view body);
std::string to_hex(const ChainLink& link);

class ChainCheck {
 public:
  explicit ChainCheck(std::uint64_t base) : expected_(chain_seed(base)) {}
  // Feeds the next valid record. Empty when it follows the chain; otherwise why not.
  // `after_damage`: the reader skipped bytes before it (damage the checksums already
  // report): the chain resumes from the record's own link instead of reporting the same
  // damage twice. Records removed cleanly, or changed with their checksum fixed, break it.
  std::optional<std::string> next(const Record& r, bool after_damage);
  const ChainLink& head() const noexcept { return expected_; }

 private:
  ChainLink expected_;
};

}  // namespace vsm::persist::detail
