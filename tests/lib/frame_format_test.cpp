// The wire format as docs/PROTOCOL.md states it: the byte-level examples of §1.11 (read
// from the document itself) decode to the events they describe and re-encode byte for
// byte, and ZeroMQ-style prefix subscriptions filter real frames as §1.2 says.
#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sample_event.hpp"
#include "vsm/batch_builder.hpp"
#include "vsm/codec.hpp"
#include "vsm/event_header.hpp"
#include "vsm/frame_reader.hpp"

namespace vsm {
namespace {

// The "```hex <name>" blocks of PROTOCOL.md: hex bytes, '#' comments to the end of line.
std::map<std::string, std::string> golden_frames() {
  std::ifstream in(std::string(VSM_TEST_SOURCE_DIR) + "/docs/PROTOCOL.md");
  REQUIRE(in.good());
  std::map<std::string, std::string> out;
  std::string line;
  std::string name;
  while (std::getline(in, line)) {
    if (name.empty()) {
      if (line.rfind("```hex ", 0) == 0) name = line.substr(7);
      continue;
    }
    if (line.rfind("```", 0) == 0) {
      name.clear();
      continue;
    }
    std::istringstream words(line.substr(0, line.find('#')));
    std::string hex;
    while (words >> hex) {
      REQUIRE(hex.size() == 2);
      out[name].push_back(static_cast<char>(std::stoi(hex, nullptr, 16)));
    }
  }
  return out;
}

EventId doc_id() { return EventId::parse("evt_3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f60").value(); }

bool subscribed(std::string_view prefix, std::string_view frame) {  // what ZeroMQ SUB does
  return frame.size() >= prefix.size() &&
         std::memcmp(frame.data(), prefix.data(), prefix.size()) == 0;
}

}  // namespace

TEST_CASE("frame format: PROTOCOL.md has the examples this test checks", "[frame_format]") {
  const auto golden = golden_frames();
  for (const char* name : {"minimal", "full", "published", "batch"}) {
    INFO(name);
    CHECK(golden.count(name) == 1);
  }
}

TEST_CASE("frame format: the minimal example", "[frame_format]") {
  const std::string bytes = golden_frames().at("minimal");
  Event e;
  e.id = doc_id();
  e.channel = Channel::kCommand;
  e.source = "s3";
  e.type = "t";
  e.seq = 1;
  e.ts.node = "s3";
  CHECK(decode_event(bytes).value() == e);
  CHECK(encode_event(e).value() == bytes);
}

TEST_CASE("frame format: the full example", "[frame_format]") {
  const std::string bytes = golden_frames().at("full");
  Event e = test::full_event();
  e.metadata = {{"severity", Value::string("high")}};
  e.payload = Value::from_encoded(std::string("\x81\xa4temp\xcb\x40\x58\x60\0\0\0\0\0", 15));
  CHECK(decode_event(bytes).value() == e);
  CHECK(encode_event(e).value() == bytes);
  EventHeader h;
  REQUIRE(peek_event_header(bytes, h).ok());
  CHECK(h.node == "node-a");
  CHECK(h.target == "s5");
  CHECK(h.correlation_id == "corr-1");
}

TEST_CASE("frame format: the published example is the publisher's fixed-width encoding",
          "[frame_format]") {
  const std::string bytes = golden_frames().at("published");
  Event e;
  e.id = doc_id();
  e.channel = Channel::kCoordination;
  e.source = "s1.ops-3";
  e.type = "policy_update";
  e.payload = Value::from_encoded(std::string("\x81\xa5limit\x05", 8));
  std::string frame;
  auto slots = encode_event_unsequenced(e, "s1.ops-3", frame);
  REQUIRE(slots.ok());
  patch_sequence(frame.data(), *slots, 1'700'000'000'123, 0, 7);
  CHECK(frame == bytes);
  e.seq = 7;
  e.ts = HlcTimestamp{1'700'000'000'123, 0, "s1.ops-3"};
  CHECK(decode_event(bytes).value() == e);
  // Its smallest form, as the document says: seq as 03 07, no key 5.
  std::string smallest = bytes;
  const std::string fixed_seq("\x03\xcf\0\0\0\0\0\0\0\x07", 10);
  const std::string fixed_logical("\x05\xce\0\0\0\0", 6);
  smallest.replace(smallest.find(fixed_seq), fixed_seq.size(), "\x03\x07");
  smallest.erase(smallest.find(fixed_logical), fixed_logical.size());
  smallest[smallest.find('\0') + 1] = '\x85';
  CHECK(encode_event(e).value() == smallest);
}

TEST_CASE("frame format: the batch example", "[frame_format]") {
  const std::string bytes = golden_frames().at("batch");
  Event first;
  first.id = doc_id();
  first.channel = Channel::kAudit;
  first.source = "s3";
  first.type = "check";
  first.seq = 1;
  first.ts.node = "s3";
  first.payload = Value::from_encoded("\x05");
  Event second = first;
  second.id = EventId::parse("0c6f5a7e-2b41-4f0a-9d3c-5e8a7b6c4d21").value();
  second.seq = 2;
  second.correlation_id = "run-9";
  second.payload = Value::from_encoded("\x06");
  auto events = decode_frame(bytes);
  REQUIRE(events.ok());
  CHECK(*events == std::vector<Event>{first, second});
  BatchBuilder b;
  REQUIRE(b.add(encode_event(first).value()) == BatchBuilder::Add::kAdded);
  REQUIRE(b.add(encode_event(second).value()) == BatchBuilder::Add::kAdded);
  CHECK(b.finish() == bytes);
  // The second event's single-event frame: the topic, 0x00, its map.
  auto reader = FrameReader::open(bytes);
  REQUIRE(reader.ok());
  Event e;
  REQUIRE(reader->next_into(e).ok());
  REQUIRE(reader->next_into(e).ok());
  std::string single;
  reader->append_event_frame(single);
  CHECK(single == encode_event(second).value());
}

TEST_CASE("frame format: prefix subscriptions filter real frames", "[frame_format]") {
  const auto frame_of = [](Channel c, std::string source, std::string type) {
    Event e = test::minimal_event();
    e.channel = c;
    e.source = std::move(source);
    e.type = std::move(type);
    return encode_event(e).value();
  };
  const std::string alert = frame_of(Channel::kCommand, "s1", "alert");
  const std::string alert_high = frame_of(Channel::kCommand, "s1", "alert_high");
  const std::string other_source = frame_of(Channel::kCommand, "s1.x", "alert");
  const std::string other_channel = frame_of(Channel::kAudit, "s1", "alert");
  const std::vector<std::string> frames = {alert, alert_high, other_source, other_channel};
  struct Case {
    std::string prefix;
    std::vector<bool> matches;  // per frame above
  };
  const std::vector<Case> cases = {
      {topic_prefix(Channel::kCommand), {true, true, true, false}},
      {topic_prefix(Channel::kCommand, "s1"), {true, true, false, false}},
      {topic_prefix(Channel::kCommand, "s1", "alert"), {true, true, false, false}},
      {exact_topic_prefix(Channel::kCommand, "s1", "alert"), {true, false, false, false}},
      {exact_topic_prefix(Channel::kCommand, "s1", "alert_high"), {false, true, false, false}},
      {topic_prefix(Channel::kAudit), {false, false, false, true}},
      {"~vsm/", {false, false, false, false}},
  };
  for (const auto& c : cases) {
    for (std::size_t i = 0; i < frames.size(); ++i) {
      INFO("prefix '" << c.prefix << "' frame " << i);
      CHECK(subscribed(c.prefix, frames[i]) == c.matches[i]);
    }
  }
  // A batch frame matches exactly the prefixes its events' single-event frames match.
  BatchBuilder b;
  REQUIRE(b.add(alert) == BatchBuilder::Add::kAdded);
  REQUIRE(b.add(alert) == BatchBuilder::Add::kAdded);
  const std::string batch(b.finish());
  for (const auto& c : cases) CHECK(subscribed(c.prefix, batch) == c.matches[0]);
}

TEST_CASE("frame format: the signing bytes example (§1.14)", "[frame_format]") {
  const std::string bytes = golden_frames().at("signing");
  Event e;
  e.id = doc_id();
  e.channel = Channel::kCommand;
  e.source = "s3";
  e.type = "t";
  e.seq = 1;
  e.ts.node = "s3";
  std::string out;
  append_signing_bytes(e, out);
  CHECK(out == bytes);
  e.signature.assign(64, '\x01');  // a signature, seq and ts change nothing
  e.seq = 99;
  e.ts.wall_ms = 5;
  out.clear();
  append_signing_bytes(e, out);
  CHECK(out == bytes);
}

}  // namespace vsm
