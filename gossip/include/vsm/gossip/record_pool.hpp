// Interned member records (name, role, endpoints, tags), shared by member tables. One
// Membership owns a private pool; the Simulator shares one pool between all its nodes so
// that 10,000 simulated nodes knowing the same 10,000 members hold each record once
// instead of 10^8 copies. Records and names are reference-counted and their ids reused
// after the last release. Not thread-safe: share a pool only between objects driven by
// one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vsm/gossip/member.hpp"

namespace vsm::gossip {

// The metadata part of a member record; incarnation and state live in each table.
struct MemberRecord {
  std::string name;
  Role role = Role::kS1;
  Endpoints endpoints;
  std::map<std::string, std::string> tags;
};

class RecordPool {
 public:
  using Id = std::uint32_t;
  using NameId = std::uint32_t;
  static constexpr Id kNone = 0xffffffffu;

  RecordPool() = default;
  RecordPool(const RecordPool&) = delete;
  RecordPool& operator=(const RecordPool&) = delete;

  // The id of a record equal to `m`'s metadata, interned if new; takes one reference.
  Id acquire(const Member& m);
  void retain(Id id) noexcept { records_[id].refs++; }
  // Drops one reference; the record (and its name, if unused) is freed at zero.
  void release(Id id);

  const MemberRecord& record(Id id) const { return records_[id].record; }
  NameId name_id(Id id) const { return records_[id].name; }
  // The id of a name some live record carries, or kNone.
  NameId find_name(std::string_view name) const;
  // One more than the largest name id in use: tables size direct indexes with it.
  std::size_t name_id_bound() const noexcept { return names_.size(); }

  std::size_t record_count() const noexcept { return records_.size() - free_records_.size(); }
  std::size_t name_count() const noexcept { return name_index_.size(); }

 private:
  struct RecordSlot {
    MemberRecord record;
    NameId name = kNone;
    std::uint32_t refs = 0;
    std::size_t hash = 0;
  };
  struct NameSlot {
    std::string name;
    std::uint32_t refs = 0;
  };
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  NameId intern_name(const std::string& name);
  void release_name(NameId id);

  std::vector<RecordSlot> records_;
  std::vector<Id> free_records_;
  std::unordered_multimap<std::size_t, Id> by_hash_;
  std::vector<NameSlot> names_;
  std::vector<NameId> free_names_;
  std::unordered_map<std::string, NameId, StringHash, std::equal_to<>> name_index_;
};

}  // namespace vsm::gossip
