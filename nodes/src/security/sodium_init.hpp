// libsodium's one-time initialisation, shared by every user in nodes/ (sealing,
// signatures, keys). Thread-safe; aborts when libsodium is unusable (nothing could be
// sealed or signed, and continuing unprotected would be worse).
#pragma once

#include <sodium.h>

#include <cstdlib>
#include <mutex>

namespace vsm::detail {

inline void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();
  });
}

}  // namespace vsm::detail
