#include "vsm/gossip/record_pool.hpp"

#include <cassert>

namespace vsm::gossip {
namespace {

void mix(std::size_t& h, std::size_t v) noexcept { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); }

std::size_t hash_of(const Member& m) noexcept {
  std::hash<std::string_view> hs;
  std::size_t h = hs(m.name);
  mix(h, static_cast<std::size_t>(m.role));
  for (const std::string* s : {&m.endpoints.pub, &m.endpoints.control, &m.endpoints.dish,
                               &m.endpoints.gossip}) {
    mix(h, hs(*s));
  }
  for (const auto& [k, v] : m.tags) {
    mix(h, hs(k));
    mix(h, hs(v));
  }
  return h;
}

bool same(const MemberRecord& r, const Member& m) noexcept {
  return r.name == m.name && r.role == m.role && r.endpoints == m.endpoints && r.tags == m.tags;
}

}  // namespace

RecordPool::Id RecordPool::acquire(const Member& m) {
  const std::size_t h = hash_of(m);
  auto [first, last] = by_hash_.equal_range(h);
  for (auto it = first; it != last; ++it) {
    if (same(records_[it->second].record, m)) {
      records_[it->second].refs++;
      return it->second;
    }
  }
  Id id;
  if (!free_records_.empty()) {
    id = free_records_.back();
    free_records_.pop_back();
  } else {
    id = static_cast<Id>(records_.size());
    records_.emplace_back();
  }
  RecordSlot& s = records_[id];
  s.record = MemberRecord{m.name, m.role, m.endpoints, m.tags};
  s.name = intern_name(m.name);
  s.refs = 1;
  s.hash = h;
  by_hash_.emplace(h, id);
  return id;
}

void RecordPool::release(Id id) {
  RecordSlot& s = records_[id];
  assert(s.refs > 0);
  if (--s.refs != 0) return;
  auto [first, last] = by_hash_.equal_range(s.hash);
  for (auto it = first; it != last; ++it) {
    if (it->second == id) {
      by_hash_.erase(it);
      break;
    }
  }
  release_name(s.name);
  s = RecordSlot{};
  free_records_.push_back(id);
}

RecordPool::NameId RecordPool::find_name(std::string_view name) const {
  auto it = name_index_.find(name);
  return it == name_index_.end() ? kNone : it->second;
}

RecordPool::NameId RecordPool::intern_name(const std::string& name) {
  if (auto it = name_index_.find(name); it != name_index_.end()) {
    names_[it->second].refs++;
    return it->second;
  }
  NameId id;
  if (!free_names_.empty()) {
    id = free_names_.back();
    free_names_.pop_back();
  } else {
    id = static_cast<NameId>(names_.size());
    names_.emplace_back();
  }
  names_[id] = NameSlot{name, 1};
  name_index_.emplace(name, id);
  return id;
}

void RecordPool::release_name(NameId id) {
  NameSlot& n = names_[id];
  if (--n.refs != 0) return;
  name_index_.erase(n.name);
  n = NameSlot{};
  free_names_.push_back(id);
}

}  // namespace vsm::gossip
