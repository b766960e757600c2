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

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer owns operator new: count through its allocation hook instead.
extern "C" int __sanitizer_install_malloc_and_free_hooks(
    void (*malloc_hook)(const volatile void*, std::size_t), void (*free_hook)(const volatile void*));

namespace {
void on_malloc(const volatile void*, std::size_t) {
  if (counting) ++allocations;
}
void on_free(const volatile void*) {}
const int installed = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
}  // namespace
#else
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
#endif
