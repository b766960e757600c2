// The member table of one Membership: per member a 32-byte entry (interned record id,
// incarnation, state, last state change) found through a direct index by interned name
// id, plus the list of live members (alive or suspect, self excluded) used for random
// sampling and round-robin probing. Memory per known member is ~40 bytes plus the
// record, which a shared RecordPool stores once per process. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string_view>
#include <vector>

#include "vsm/gossip/member.hpp"
#include "vsm/gossip/record_pool.hpp"

namespace vsm::gossip {

class MemberTable {
 public:
  using Slot = std::uint32_t;
  static constexpr Slot kNoSlot = 0xffffffffu;

  // 24 bytes: a 10,000-node simulation holds 10^8 of them.
  struct Entry {
    RecordPool::Id record = RecordPool::kNone;  // kNone: vacant slot
    std::uint32_t live_pos = kNoSlot;           // position in live(), kNoSlot if not live
    std::uint64_t incarnation = 0;
    std::uint64_t state_change_ms : 48 = 0;     // monotonic ms fit 48 bits for 8,900 years
    MemberState state : 8 = MemberState::kAlive;
    // Learned from a join reply and not yet gossiped by this node (Membership decides).
    bool quiet : 1 = false;
  };
  static_assert(sizeof(Entry) == 24);

  // `pool` may be shared with other tables driven by the same thread.
  explicit MemberTable(std::shared_ptr<RecordPool> pool);
  ~MemberTable();
  MemberTable(MemberTable&& other) noexcept;
  MemberTable& operator=(MemberTable&& other) noexcept;
  MemberTable(const MemberTable&) = delete;
  MemberTable& operator=(const MemberTable&) = delete;

  Slot find(std::string_view name) const;
  // Adds `m` (record, incarnation, state, state_change_ms). REQUIRES: find(m.name) == kNoSlot.
  Slot insert(const Member& m);
  void erase(Slot s);
  // Room for `n` members in all, so a full-state merge grows the containers once.
  void reserve(std::size_t n);
  // Replaces the metadata (role, endpoints, tags) of `s`. REQUIRES: same name.
  void set_record(Slot s, const Member& m);
  // Changes the state; keeps live() in step. New live members are placed at a random
  // position not before `probe_cursor`, so a probe pass in progress still reaches them.
  void set_state(Slot s, MemberState state, std::uint64_t now_ms);
  // This node's slot is never in live(). REQUIRES: called once, before other changes.
  void set_self(Slot s);

  const Entry& entry(Slot s) const { return entries_[s]; }
  void set_incarnation(Slot s, std::uint64_t incarnation) { entries_[s].incarnation = incarnation; }
  void set_quiet(Slot s, bool quiet) { entries_[s].quiet = quiet; }
  const MemberRecord& record(Slot s) const { return pool_->record(entries_[s].record); }
  const std::string& name(Slot s) const { return record(s).name; }
  bool same_metadata(Slot s, const Member& m) const;
  Member member(Slot s) const;

  std::size_t size() const noexcept { return size_; }
  // Members in `state` (self included).
  std::size_t count(MemberState state) const noexcept;
  // Live members other than self, in probe order (see shuffle_live()).
  const std::vector<Slot>& live() const noexcept { return live_; }
  // A new random probe order (called when a probe pass ends).
  void shuffle_live(std::mt19937_64& rng);
  void set_probe_cursor(std::size_t pos) noexcept { probe_cursor_ = pos; }
  void seed_placement(std::uint64_t seed) { place_rng_.seed(seed); }

  // Calls f(slot) for every occupied slot (unspecified order).
  template <typename F>
  void for_each(F&& f) const {
    for (Slot s = 0; s < entries_.size(); ++s) {
      if (entries_[s].record != RecordPool::kNone) f(s);
    }
  }

  const RecordPool& pool() const noexcept { return *pool_; }
  // Bytes held by this table's own containers (records in the pool not included).
  std::size_t memory_bytes() const noexcept;

 private:
  void live_add(Slot s);
  void live_remove(Slot s);
  void index_put(Slot s);
  void release_all() noexcept;

  std::shared_ptr<RecordPool> pool_;
  std::vector<Entry> entries_;
  std::vector<Slot> free_;
  std::vector<Slot> by_name_;  // name id -> slot
  std::vector<Slot> live_;
  std::size_t size_ = 0;
  std::size_t counts_[5] = {};  // by MemberState value
  Slot self_ = kNoSlot;
  std::size_t probe_cursor_ = 0;
  std::mt19937_64 place_rng_{1};
};

}  // namespace vsm::gossip
