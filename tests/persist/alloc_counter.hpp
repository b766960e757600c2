// Counts the heap allocations the current thread makes while an AllocationScope is
// alive (the test binary replaces the global operator new, alloc_counter.cpp), for
// "steady-state appends allocate nothing". Under AddressSanitizer it counts through the
// sanitizer's allocation hook (malloc too).
#pragma once

#include <cstdint>

namespace vsm::persist::test {

class AllocationScope {
 public:
  AllocationScope();
  ~AllocationScope();
  AllocationScope(const AllocationScope&) = delete;
  AllocationScope& operator=(const AllocationScope&) = delete;
  std::uint64_t count() const;
};

}  // namespace vsm::persist::test
