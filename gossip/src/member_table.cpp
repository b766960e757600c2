#include "vsm/gossip/member_table.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace vsm::gossip {
namespace {

bool is_live(MemberState s) noexcept {
  return s == MemberState::kAlive || s == MemberState::kSuspect;
}

std::size_t state_index(MemberState s) noexcept { return static_cast<std::size_t>(s); }

}  // namespace

MemberTable::MemberTable(std::shared_ptr<RecordPool> pool) : pool_(std::move(pool)) {
  if (!pool_) pool_ = std::make_shared<RecordPool>();
}

MemberTable::~MemberTable() { release_all(); }

MemberTable::MemberTable(MemberTable&& o) noexcept
    : pool_(std::move(o.pool_)),
      entries_(std::move(o.entries_)),
      free_(std::move(o.free_)),
      by_name_(std::move(o.by_name_)),
      live_(std::move(o.live_)),
      size_(std::exchange(o.size_, 0)),
      self_(o.self_),
      probe_cursor_(o.probe_cursor_),
      place_rng_(o.place_rng_) {
  std::copy(std::begin(o.counts_), std::end(o.counts_), std::begin(counts_));
  o.entries_.clear();
}

MemberTable& MemberTable::operator=(MemberTable&& o) noexcept {
  if (this == &o) return *this;
  release_all();
  pool_ = std::move(o.pool_);
  entries_ = std::move(o.entries_);
  free_ = std::move(o.free_);
  by_name_ = std::move(o.by_name_);
  live_ = std::move(o.live_);
  size_ = std::exchange(o.size_, 0);
  std::copy(std::begin(o.counts_), std::end(o.counts_), std::begin(counts_));
  self_ = o.self_;
  probe_cursor_ = o.probe_cursor_;
  place_rng_ = o.place_rng_;
  o.entries_.clear();
  return *this;
}

void MemberTable::release_all() noexcept {
  if (!pool_) return;
  for (const Entry& e : entries_) {
    if (e.record != RecordPool::kNone) pool_->release(e.record);
  }
  entries_.clear();
}

MemberTable::Slot MemberTable::find(std::string_view name) const {
  const RecordPool::NameId id = pool_->find_name(name);
  if (id == RecordPool::kNone || id >= by_name_.size()) return kNoSlot;
  return by_name_[id];
}

void MemberTable::index_put(Slot s) {
  const RecordPool::NameId id = pool_->name_id(entries_[s].record);
  if (id >= by_name_.size()) {
    by_name_.resize(std::max<std::size_t>(pool_->name_id_bound(), id + 1), kNoSlot);
  }
  by_name_[id] = s;
}

MemberTable::Slot MemberTable::insert(const Member& m) {
  assert(find(m.name) == kNoSlot);
  Slot s;
  if (!free_.empty()) {
    s = free_.back();
    free_.pop_back();
  } else {
    s = static_cast<Slot>(entries_.size());
    entries_.emplace_back();
  }
  Entry& e = entries_[s];
  e = Entry{};
  e.record = pool_->acquire(m);
  e.incarnation = m.incarnation;
  e.state_change_ms = m.state_change_ms;
  e.state = m.state;
  index_put(s);
  ++size_;
  counts_[state_index(m.state)]++;
  if (is_live(m.state)) live_add(s);
  return s;
}

void MemberTable::reserve(std::size_t n) {
  if (n > entries_.size()) entries_.reserve(n);
  if (n > live_.capacity()) live_.reserve(n);
}

void MemberTable::erase(Slot s) {
  Entry& e = entries_[s];
  assert(e.record != RecordPool::kNone);
  if (e.live_pos != kNoSlot) live_remove(s);
  by_name_[pool_->name_id(e.record)] = kNoSlot;
  counts_[state_index(e.state)]--;
  pool_->release(e.record);
  e = Entry{};
  free_.push_back(s);
  --size_;
}

void MemberTable::set_record(Slot s, const Member& m) {
  Entry& e = entries_[s];
  const RecordPool::Id next = pool_->acquire(m);
  pool_->release(e.record);
  e.record = next;
  index_put(s);  // same name: the id is unchanged while either record holds it
}

void MemberTable::set_state(Slot s, MemberState state, std::uint64_t now_ms) {
  Entry& e = entries_[s];
  counts_[state_index(e.state)]--;
  counts_[state_index(state)]++;
  e.state = state;
  e.state_change_ms = now_ms;
  if (is_live(state) && e.live_pos == kNoSlot) live_add(s);
  if (!is_live(state) && e.live_pos != kNoSlot) live_remove(s);
}

void MemberTable::set_self(Slot s) {
  if (entries_[s].live_pos != kNoSlot) live_remove(s);
  self_ = s;
}

bool MemberTable::same_metadata(Slot s, const Member& m) const {
  const MemberRecord& r = record(s);
  return r.role == m.role && r.endpoints == m.endpoints && r.tags == m.tags;
}

Member MemberTable::member(Slot s) const {
  const Entry& e = entries_[s];
  const MemberRecord& r = record(s);
  return Member{r.name, e.incarnation, e.state, r.role, r.endpoints, r.tags, e.state_change_ms};
}

std::size_t MemberTable::count(MemberState state) const noexcept {
  return counts_[state_index(state)];
}

void MemberTable::live_add(Slot s) {
  if (s == self_) return;
  live_.push_back(s);
  std::size_t pos = live_.size() - 1;
  // memberlist inserts new members at a random place in the probe list.
  if (probe_cursor_ < pos) {
    std::uniform_int_distribution<std::size_t> d(probe_cursor_, pos);
    std::size_t other = d(place_rng_);
    std::swap(live_[pos], live_[other]);
    entries_[live_[pos]].live_pos = static_cast<std::uint32_t>(pos);
    pos = other;
  }
  entries_[s].live_pos = static_cast<std::uint32_t>(pos);
}

void MemberTable::live_remove(Slot s) {
  const std::uint32_t pos = entries_[s].live_pos;
  const Slot last = live_.back();
  live_[pos] = last;
  entries_[last].live_pos = pos;
  live_.pop_back();
  entries_[s].live_pos = kNoSlot;
}

void MemberTable::shuffle_live(std::mt19937_64& rng) {
  std::shuffle(live_.begin(), live_.end(), rng);
  for (std::size_t i = 0; i < live_.size(); ++i) {
    entries_[live_[i]].live_pos = static_cast<std::uint32_t>(i);
  }
  probe_cursor_ = 0;
}

std::size_t MemberTable::memory_bytes() const noexcept {
  return sizeof(*this) + entries_.capacity() * sizeof(Entry) + free_.capacity() * sizeof(Slot) +
         by_name_.capacity() * sizeof(Slot) + live_.capacity() * sizeof(Slot);
}

}  // namespace vsm::gossip
