// Semantic compression, sans-I/O (nodes/src/variety/compressor.hpp): signatures, windows,
// the summary's fields, bounds, and the configuration checks.
#include <catch2/catch.hpp>

#include <map>

#include "payload_helpers.hpp"
#include "variety/compressor.hpp"
#include "vsm/event_id.hpp"
#include "vsm/value_pack.hpp"

using vsm::Channel;
using vsm::CompressionConfig;
using vsm::CompressionRule;
using vsm::Event;
using vsm::detail::Compressor;

namespace {

Event reading(const std::string& sensor, double temp, std::uint8_t id_byte) {
  Event e;
  e.channel = Channel::kCoordination;
  e.source = "s1.pump";
  e.type = "temp";
  e.payload = vsm::test::map_payload(
      {{"sensor", vsm::Value::string(sensor)}, {"temp", vsm::pack_value(temp)}});
  e.id = *vsm::EventId::from_bytes(std::string(vsm::EventId::kSize, static_cast<char>(id_byte)));
  return e;
}

CompressionConfig config(std::vector<std::string> keys = {"sensor"}, std::size_t max_events = 0) {
  CompressionConfig c;
  CompressionRule r;
  r.channel = Channel::kCoordination;
  r.type = "temp";
  r.keys = std::move(keys);
  r.window_ms = 100;
  r.max_events = max_events;
  c.rules.push_back(r);
  return c;
}

template <typename T>
T field(const Event& summary, const std::string& key) {
  auto v = vsm::unpack_value<T>(vsm::test::map_field(summary.payload, key));
  REQUIRE(v.ok());
  return *v;
}

}  // namespace

TEST_CASE("1,000 similar events in a window fold into one summary", "[variety][compressor]") {
  Compressor c(config());
  const auto* rule = c.rule_for(Channel::kCoordination, "temp");
  REQUIRE(rule != nullptr);
  std::vector<Event> out;
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(c.absorb(reading("a", 20.0 + i % 10, static_cast<std::uint8_t>(i == 0 ? 1 : 2)),
                     *rule, 10 + static_cast<std::uint64_t>(i) / 100, 5000 + i, out));
  }
  CHECK(out.empty());
  CHECK(c.open_windows() == 1);
  CHECK(c.next_due_ms() == 110u);
  c.take_due(109, false, out);
  CHECK(out.empty());
  c.take_due(110, false, out);
  REQUIRE(out.size() == 1);
  const Event& s = out[0];
  CHECK(s.type == "temp~summary");
  CHECK(s.source == "s1.pump");
  CHECK(s.metadata.count(std::string(vsm::kSummaryMetadataKey)) == 1);
  CHECK(field<std::uint64_t>(s, "count") == 1000);
  CHECK(field<std::uint64_t>(s, "first_ts") == 5000);
  CHECK(field<std::uint64_t>(s, "last_ts") == 5999);
  auto fields = field<std::map<std::string, std::map<std::string, double>>>(s, "fields");
  CHECK(fields.at("temp").at("min") == 20.0);
  CHECK(fields.at("temp").at("max") == 29.0);
  CHECK(fields.at("temp").at("mean") == Approx(24.5));
  CHECK(fields.at("temp").at("last") == 29.0);
  CHECK(c.open_windows() == 0);
}

TEST_CASE("payload keys split signatures; max_events closes a window early",
          "[variety][compressor]") {
  Compressor c(config({"sensor"}, 3));
  const auto* rule = c.rule_for(Channel::kCoordination, "temp");
  std::vector<Event> out;
  REQUIRE(c.absorb(reading("a", 1, 1), *rule, 0, 0, out));
  REQUIRE(c.absorb(reading("b", 1, 2), *rule, 0, 0, out));
  CHECK(c.open_windows() == 2);
  REQUIRE(c.absorb(reading("a", 2, 3), *rule, 0, 0, out));
  REQUIRE(c.absorb(reading("a", 3, 4), *rule, 0, 0, out));
  REQUIRE(out.size() == 1);  // "a" reached 3 events
  CHECK(field<std::uint64_t>(out[0], "count") == 3);
  auto keys = field<std::map<std::string, std::string>>(out[0], "keys");
  CHECK(keys.at("sensor") == "a");
  c.take_due(0, true, out);
  CHECK(out.size() == 2);
}

TEST_CASE("windows are bounded and algedonic is never compressed", "[variety][compressor]") {
  auto cfg = config();
  cfg.max_signatures = 2;
  Compressor c(cfg);
  const auto* rule = c.rule_for(Channel::kCoordination, "temp");
  std::vector<Event> out;
  CHECK(c.absorb(reading("a", 1, 1), *rule, 0, 0, out));
  CHECK(c.absorb(reading("b", 1, 1), *rule, 0, 0, out));
  CHECK_FALSE(c.absorb(reading("c", 1, 1), *rule, 0, 0, out));  // sent as it is
  CHECK(c.rule_for(Channel::kCoordination, "other") == nullptr);
  CHECK(c.rule_for(Channel::kAlgedonic, "temp") == nullptr);

  CompressionConfig bad;
  bad.rules.push_back(CompressionRule{Channel::kAlgedonic, "", {}, 100, 0});
  CHECK(Compressor::validate(bad).error().code() == vsm::ErrorCode::kInvalid);
  bad.rules[0] = CompressionRule{Channel::kAudit, "", {}, 0, 0};
  CHECK_FALSE(Compressor::validate(bad));
  CHECK(Compressor::validate(config()));
}
