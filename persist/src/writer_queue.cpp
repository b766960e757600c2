#include "writer_queue.hpp"

#include <cassert>

namespace vsm::persist::detail {

bool WriterQueue::enter(AppendRequest& r, std::unique_lock<std::mutex>& lock) {
  ++size_;
  if (tail_ == nullptr) {
    head_ = tail_ = &r;
  } else {
    tail_->next = &r;
    tail_ = &r;
  }
  r.cv.wait(lock, [&] { return r.done || head_ == &r; });
  return !r.done;
}

void WriterQueue::complete(AppendRequest* last) {
  assert(head_ != nullptr && last != nullptr);
  for (;;) {
    AppendRequest* r = head_;
    head_ = r->next;
    r->done = true;
    --size_;
    r->cv.notify_one();  // the waiter re-checks under the owner's mutex
    if (r == last) break;
  }
  if (head_ == nullptr) {
    tail_ = nullptr;
  } else {
    head_->cv.notify_one();  // the new head leads
  }
}

}  // namespace vsm::persist::detail
