// Helpers for the node's own threads: every thread carries a name (`top -H`, gdb,
// perf), and a component's stop() may run on one of its own threads (a callback that
// calls Node::stop()): such a thread cannot join itself, so it is left to finish its
// turn and is joined by a later stop() from another thread.
#pragma once

#include <string_view>
#include <thread>

namespace vsm::detail {

// Names the calling thread (Linux: at most 15 bytes, longer names are cut).
void set_thread_name(std::string_view name) noexcept;

// Requests stop and joins `t` unless it is the calling thread. Returns true when `t`
// is no longer running (joined now or before); false when the caller is `t` itself.
bool join_unless_self(std::jthread& t);

// True when the calling thread is `t`.
inline bool is_current(const std::jthread& t) noexcept {
  return t.joinable() && t.get_id() == std::this_thread::get_id();
}

}  // namespace vsm::detail
