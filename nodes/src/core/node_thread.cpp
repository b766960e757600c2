#include "core/node_thread.hpp"

#include <pthread.h>

#include <string>

namespace vsm::detail {

void set_thread_name(std::string_view name) noexcept {
  char buf[16] = {};
  name.copy(buf, sizeof buf - 1);
  ::pthread_setname_np(::pthread_self(), buf);
}

bool join_unless_self(std::jthread& t) {
  if (!t.joinable()) return true;
  t.request_stop();
  if (is_current(t)) return false;
  t.join();
  return true;
}

}  // namespace vsm::detail
