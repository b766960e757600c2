// Fuzz target "frame" (fuzz_target.hpp): the protocol v2 frame decoder, single-event and
// batch frames. Decoding never crashes, and everything it accepts survives encode ->
// decode unchanged: every event of the frame re-encodes to a fixed point, its
// single-event frame (FrameReader) decodes to the same event, the header peek agrees
// with it, and a batch rebuilt with BatchBuilder decodes to the same events; under the
// default limits and under tight ones. Signatures (keys 13, 14): the bytes a signature
// covers (append_signing_bytes) are the same before and after the round trip.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "vsm/batch_builder.hpp"
#include "vsm/codec.hpp"
#include "vsm/event_header.hpp"
#include "vsm/frame_reader.hpp"
#include "vsm/msgpack_writer.hpp"
#include "fuzz_target.hpp"

namespace {

using vsm::CodecLimits;
using vsm::Event;

[[noreturn]] void die(const std::string& what, std::string_view input) {
  vsm::fuzz::fuzz_failure(what, input);
}

// Every event of an accepted frame, re-encoded and rebuilt, is the same event.
void check_round_trip(std::string_view input, const std::vector<Event>& events,
                      const std::vector<std::string>& singles, bool batch) {
  vsm::BatchBuilder rebuilt({.max_bytes = std::size_t{1} << 30, .max_events = 65535});
  std::vector<std::string> encoded(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    if (!vsm::validate_event(e)) die("decoded event fails validate_event", input);
    auto enc = vsm::encode_event(e);
    if (!enc) die("re-encode failed: " + enc.error().to_string(), input);
    auto again = vsm::decode_event(*enc);
    if (!again) die("re-decode failed: " + again.error().to_string(), input);
    if (!(*again == e)) die("event changed across encode/decode", input);
    std::string signed_before, signed_after;
    vsm::append_signing_bytes(e, signed_before);
    vsm::append_signing_bytes(*again, signed_after);
    if (signed_before != signed_after) die("signing bytes changed across encode/decode", input);
    auto enc2 = vsm::encode_event(*again);
    if (!enc2 || *enc2 != *enc) die("encoding is not a fixed point", input);
    auto single = vsm::decode_event(singles[i]);
    if (!single || !(*single == e)) die("the event's single-event frame decodes differently", input);
    vsm::EventHeader h;
    if (!vsm::peek_event_header(singles[i], h) || h.id != e.id || h.seq != e.seq ||
        h.node != e.ts.node || h.target != e.target || h.channel != e.channel) {
      die("header peek disagrees with decode", input);
    }
    encoded[i] = std::move(*enc);
    if (rebuilt.add(encoded[i]) != vsm::BatchBuilder::Add::kAdded) die("rebuild refused", input);
  }
  if (!batch) return;
  auto back = vsm::decode_frame(rebuilt.finish());
  if (!back || *back != events) die("rebuilt batch decodes differently", input);
}

// The property under test. Returns true when every event of `input` decoded.
bool check_one(std::string_view input, const CodecLimits& limits) {
  (void)vsm::validate_msgpack(input, limits);
  vsm::EventHeader header;
  (void)vsm::peek_event_header(input, header, limits);
  auto reader = vsm::FrameReader::open(input, limits);
  if (!reader) {
    if (reader.error().message().empty()) die("error without a message", input);
    return false;
  }
  std::vector<Event> events;
  std::vector<std::string> singles;
  bool all_ok = true;
  Event e;
  while (!reader->done()) {
    if (auto st = reader->next_into(e); !st) {
      if (st.error().message().empty()) die("event error without a message", input);
      all_ok = false;
      continue;
    }
    events.push_back(e);
    reader->append_event_frame(singles.emplace_back());
  }
  if (events.size() + reader->unread() > reader->event_count()) die("events miscounted", input);
  if (!all_ok) return false;
  if (events.size() != reader->event_count()) die("accepted frame lost events", input);
  check_round_trip(input, events, singles, reader->is_batch());
  return true;
}

}  // namespace

namespace {

std::string encoded(std::string_view bytes_fn_tag, const Event& e) {
  auto r = vsm::encode_event(e);
  if (!r) die("seed does not encode", bytes_fn_tag);
  return *r;
}

std::string mp(void (*f)(vsm::MsgpackWriter&)) {
  std::string s;
  vsm::MsgpackWriter w(s);
  f(w);
  return s;
}

std::vector<std::string> seeds() {
  Event full;
  full.id = vsm::EventId::parse("evt_3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f60").value();
  full.source = "s1.ops-3";
  full.target = "s5";
  full.channel = vsm::Channel::kAlgedonic;
  full.type = "overheat";
  full.payload = vsm::Value::from_encoded(mp([](vsm::MsgpackWriter& w) {
    w.map_header(3);
    w.str("temp");
    w.float64(97.5);
    w.str("list");
    w.array_header(4);
    w.int64(-70000);
    w.uint(1ull << 40);
    w.bin(std::string(40, 'b'));
    w.nil();
    w.str("nested");
    w.array_header(1);
    w.array_header(1);
    w.map_header(1);
    w.str("deep");
    w.boolean(true);
  }));
  full.ts = vsm::HlcTimestamp{1'700'000'000'123, 7, "node-a"};
  full.priority = vsm::kPriorityCritical;
  full.correlation_id = "corr-1";
  full.causation_id = "evt_cause";
  full.seq = 1ull << 33;
  full.metadata["severity"] = vsm::Value::string("high");
  full.metadata["n"] = vsm::Value::from_encoded(std::string("\xd1\x80\x00", 3));
  full.metadata["ext"] = vsm::Value::from_encoded(std::string("\xd6\x01" "abcd", 6));

  Event minimal;
  minimal.id = vsm::EventId::parse("00000000-0000-4000-8000-000000000001").value();
  minimal.source = "s3";
  minimal.type = "t";

  Event big = full;
  big.channel = vsm::Channel::kResourceBargain;
  big.payload = vsm::Value::string(std::string(300, 'x'));
  for (int i = 0; i < 20; ++i) big.metadata["k" + std::to_string(i)] = vsm::Value::nil();

  Event signed_event = full;  // signed by ts.node (key 13 only)
  signed_event.signature.assign(64, '\x5a');
  Event republished = signed_event;  // signed by another node (keys 13 and 14)
  republished.signer = "origin";

  std::vector<std::string> out = {encoded("full", full), encoded("minimal", minimal),
                                  encoded("big", big), encoded("signed", signed_event),
                                  encoded("republished", republished)};
  // An event with unknown keys, as a newer minor version would send: the map header
  // (after the topic) counts one more entry.
  std::string unknown = encoded("minimal", minimal);
  const std::size_t map = unknown.find('\0') + 1;
  unknown[map] = static_cast<char>(static_cast<unsigned char>(unknown[map]) + 1);
  unknown += mp([](vsm::MsgpackWriter& w) {
    w.uint(40);
    w.array_header(2);
    w.str("future");
    w.uint(1);
  });
  out.push_back(unknown);
  // As a publisher sends it: fixed-width numbers, patched in.
  std::string published;
  auto slots = vsm::encode_event_unsequenced(full, "node-b", published);
  if (!slots) die("seed does not encode", "published");
  vsm::patch_sequence(published.data(), *slots, 1'700'000'000'999, 3, 77);
  out.push_back(published);
  // Batches of 2 and 17 events (fixarray and array 16 headers).
  for (int n : {2, 17}) {
    vsm::BatchBuilder batch;
    for (int i = 0; i < n; ++i) {
      Event e = i % 2 ? full : big;
      e.channel = vsm::Channel::kAudit;
      e.seq = static_cast<std::uint64_t>(i + 1);
      if (batch.add(encoded("batch", e)) != vsm::BatchBuilder::Add::kAdded) {
        die("seed batch refused", "batch");
      }
    }
    out.emplace_back(batch.finish());
  }
  return out;
}

bool one(std::string_view input) {
  const bool ok = check_one(input, CodecLimits{});
  CodecLimits tight;
  tight.max_depth = 3;
  tight.max_string_bytes = 16;
  tight.max_container_items = 4;
  (void)check_one(input, tight);
  return ok;
}

}  // namespace

const vsm::fuzz::Target& vsm::fuzz::fuzz_target() {
  static const Target target{"frame", seeds, one};
  return target;
}
