// The group-commit writer queue (leveldb's DBImpl::Write): each append call queues an
// AppendRequest that lives on its stack and waits. The request at the head leads: it
// takes the requests queued behind it as one group, writes them (one write(2) per
// segment touched), completes them and hands the lead to the next head. N concurrent
// appenders cost about one write, and a lone appender writes at once: there is no
// gathering delay. Nothing allocates: requests are linked in place.
// Not thread-safe by itself: every method runs under the owner's mutex.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "vsm/result.hpp"

namespace vsm::persist::detail {

// What the log learns about a record while its body is encoded.
struct RecordFields {
  std::uint64_t wall_ms = 0;
  std::uint8_t channel = 0;
  std::uint64_t seq = 0;
};

// A non-owning callable (function_ref) that appends the body of record i to `out`.
class BodySource {
 public:
  template <typename F>
  explicit BodySource(F& f) noexcept
      : obj_(&f), fn_([](void* o, std::size_t i, std::string& out, RecordFields& rec) {
          return (*static_cast<F*>(o))(i, out, rec);
        }) {}
  Status operator()(std::size_t i, std::string& out, RecordFields& rec) const {
    return fn_(obj_, i, out, rec);
  }

 private:
  void* obj_;
  Status (*fn_)(void*, std::size_t, std::string&, RecordFields&);
};

// One append call: `count` records from `source`, all or nothing.
struct AppendRequest {
  AppendRequest(const BodySource& s, std::size_t n) : source(s), count(n) {}
  const BodySource& source;
  std::size_t count;
  std::uint64_t first_offset = 0;  // set when it succeeded
  std::optional<Error> error;      // set when it failed
  bool done = false;
  AppendRequest* next = nullptr;
  std::condition_variable cv;
};

class WriterQueue {
 public:
  // Queues `r` and waits until it is done (returns false) or at the head (returns
  // true: the caller leads the next group). REQUIRES: `lock` holds the owner's mutex.
  bool enter(AppendRequest& r, std::unique_lock<std::mutex>& lock);
  // The head (the leader) and the last request queued now: the leader's group.
  AppendRequest* head() const noexcept { return head_; }
  AppendRequest* tail() const noexcept { return tail_; }
  // Marks head..last done, unlinks them and wakes each of them, and the new head so
  // that it leads. REQUIRES: `last` is in the queue.
  void complete(AppendRequest* last);
  bool empty() const noexcept { return head_ == nullptr; }
  // Requests queued, the group being written included.
  std::size_t size() const noexcept { return size_; }

 private:
  AppendRequest* head_ = nullptr;
  AppendRequest* tail_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace vsm::persist::detail
