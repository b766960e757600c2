// Builds one batch frame (frame_format.hpp) from single-event frames of one topic without
// re-encoding them: topic + 0x00 + array header + the event maps, bounded by a byte size
// and an event count. A publisher with a backlog batches consecutive events of a topic;
// an event alone goes out as its own single-event frame (no batch of one is needed,
// though receivers accept it). Not thread-safe; reuses its buffer (no allocation once
// it has grown to max_bytes).
//
//   BatchBuilder batch;                       // defaults: 64 KiB, 1,024 events
//   for (const auto& frame : backlog) {
//     auto added = batch.add(frame);
//     if (added == BatchBuilder::Add::kAdded) continue;
//     if (!batch.empty()) { send(batch.finish()); batch.clear(); }
//     if (batch.add(frame) != BatchBuilder::Add::kAdded) send(frame);  // kTooLarge: alone
//   }
//   if (!batch.empty()) send(batch.finish());
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "vsm/frame_format.hpp"

namespace vsm {

struct BatchLimits {
  std::size_t max_bytes = frame_format::kDefaultBatchMaxBytes;    // of the whole batch frame
  std::size_t max_events = frame_format::kDefaultBatchMaxEvents;  // clamped to 1..65535
};

class BatchBuilder {
 public:
  enum class Add {
    kAdded,       // the event is in the batch
    kFull,        // it would exceed max_bytes or max_events: finish() and clear() first
    kOtherTopic,  // its topic differs from the batch's: finish() and clear() first
    kTooLarge,    // it alone exceeds max_bytes (the batch is empty): send it as it is
    kInvalid,     // not a single-event frame (no separator, or the body is not a map)
  };

  explicit BatchBuilder(BatchLimits limits = {});

  // Appends the event map of `frame`, a single-event frame as encode_event() and
  // encode_event_unsequenced() produce (already patched). The frame is not decoded:
  // only its separator and first body byte are checked. REQUIRES: finish() was not
  // called since the last clear().
  Add add(std::string_view frame);

  bool empty() const noexcept { return count_ == 0; }
  std::size_t size() const noexcept { return count_; }  // events in the batch
  // The topic every event of the batch has (empty when the batch is).
  std::string_view topic() const noexcept;
  // The size finish() will return.
  std::size_t frame_bytes() const noexcept;

  // The batch frame, smallest array header; valid until clear() or destruction.
  // REQUIRES: !empty(). After finish() only clear() may follow.
  std::string_view finish() noexcept;
  // Empties the batch, keeping the buffer's capacity.
  void clear() noexcept;

 private:
  static std::size_t header_bytes(std::size_t events) noexcept { return events < 16 ? 1 : 3; }

  BatchLimits limits_;
  // [topic][0x00][3 bytes for the array header][event maps...]: for a 1-byte header
  // finish() moves the topic 2 bytes up instead of moving the maps down.
  std::string buf_;
  std::size_t topic_bytes_ = 0;  // with the separator
  std::size_t count_ = 0;
  bool finished_ = false;
};

}  // namespace vsm
