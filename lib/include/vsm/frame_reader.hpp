// Reads the events of one received data-plane frame, single event or batch
// (frame_format.hpp), without copying the frame. The frame must outlive the reader (it
// keeps views). Not thread-safe; cheap to create (no allocation).
//
// Events are decoded one by one, so a receiver dispatches each as it is read. An event
// that breaks a rule is reported by next_into() and skipped; when the frame cannot be
// read past it, done() becomes true and unread() counts the events lost with it.
//
//   FrameReader frame;                                        // reused per received frame
//   if (auto st = frame.reset(bytes, limits); !st) { count_decode_error(st.error()); return; }
//   while (!frame.done()) {
//     if (auto st = frame.next_into(event); !st) { count_dropped_event(st.error()); continue; }
//     log.append(frame.event_head(), frame.event_map());    // its single-event frame
//     deliver(event);
//   }
//   count_dropped_events(frame.unread());
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "vsm/channel.hpp"
#include "vsm/codec.hpp"

namespace vsm {

class FrameReader {
 public:
  FrameReader() = default;  // reads nothing (done()) until reset()

  // Starts reading `frame`, after checking the frame-level rules: size (kTooLarge above
  // limits.max_frame_bytes), the separator, the topic, and the body's first header: one
  // event map (kTooLarge above max_event_bytes) or a batch of 1..max_batch_events events
  // (an empty batch is kInvalid, a longer one kTooLarge). Events themselves are checked
  // by next_into(). On error the reader is done() with nothing to read.
  Status reset(std::string_view frame, const CodecLimits& limits = {});
  // reset() on a new reader.
  static Result<FrameReader> open(std::string_view frame, const CodecLimits& limits = {});

  const TopicParts& topic() const noexcept { return topic_; }  // views into the frame
  bool is_batch() const noexcept { return batch_; }
  std::size_t event_count() const noexcept { return count_; }  // 1 for a single event
  // True once every event was read, or the rest of the frame cannot be read.
  bool done() const noexcept { return read_ == count_ || stopped_; }
  // Events not read because the frame could not be read past a malformed one.
  std::size_t unread() const noexcept { return stopped_ ? count_ - read_ : 0; }

  // Decodes the next event into `out`, reusing out's buffers (decode_event_into()).
  // Allocates nothing once out's buffers are big enough, unless it fails.
  // Fails for an event that breaks a rule of the event map or its limits; trailing bytes
  // after the last event fail the last one. REQUIRES: !done().
  Status next_into(Event& out);

  // The single-event frame of the event next_into() last read, in two parts:
  // event_head() (topic + separator, shared by the whole frame) then event_map() (its
  // map). These are exactly the bytes a single-event message of this event carries,
  // also for an event read from a batch. event_map() is empty when next_into() failed
  // before the map could be delimited.
  std::string_view event_head() const noexcept { return head_; }
  std::string_view event_map() const noexcept { return last_map_; }
  // Appends event_head() + event_map() to `out`.
  void append_event_frame(std::string& out) const;

 private:
  std::string_view head_;
  TopicParts topic_{};
  std::string_view body_;  // the event map(s), after a batch's array header
  CodecLimits limits_;
  std::size_t pos_ = 0;  // in body_: start of the next event
  std::size_t count_ = 0;
  std::size_t read_ = 0;  // events next_into() consumed
  bool batch_ = false;
  bool stopped_ = false;
  std::string_view last_map_;
};

}  // namespace vsm
