#include "alloc_counter.hpp"

#include <cstdlib>
#include <new>

namespace {
thread_local bool counting = false;
thread_local std::uint64_t allocations = 0;
}  // namespace

namespace vsm::persist::test {

AllocationScope::AllocationScope() {
  allocations = 0;
  counting = true;
}
AllocationScope::~AllocationScope() { counting = false; }
std::uint64_t AllocationScope::count() const { return allocations; }

}  // namespace vsm::persist::test

void* operator new(std::size_t n) {
  if (counting) ++allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
