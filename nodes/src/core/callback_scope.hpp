// Marks the calling thread as running a user callback of one node (subscription,
// on_algedonic, member and partition callbacks), so Node::stop() and ~Node know they
// are called from inside the node: stop() then joins every thread but this one (it is
// joined by a later stop()), and ~Node hands the shutdown to a helper thread.
// Thread-safety: thread-local state; RAII.
#pragma once

namespace vsm::detail {

class CallbackScope {
 public:
  explicit CallbackScope(const void* node) noexcept : previous_(current_) { current_ = node; }
  ~CallbackScope() { current_ = previous_; }
  CallbackScope(const CallbackScope&) = delete;
  CallbackScope& operator=(const CallbackScope&) = delete;

  // True while the calling thread runs a callback of `node`.
  static bool inside(const void* node) noexcept { return node != nullptr && current_ == node; }

 private:
  static inline thread_local const void* current_ = nullptr;
  const void* previous_;
};

}  // namespace vsm::detail
