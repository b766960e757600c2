#include "telemetry/stats_sampler.hpp"

namespace vsm::detail {
namespace {

double per_s(std::uint64_t now, std::uint64_t before, double interval_s) {
  return now >= before ? static_cast<double>(now - before) / interval_s : 0.0;
}

std::string key(Channel c, const char* what) { return std::string(channel_name(c)) + "." + what; }

}  // namespace

void StatsSampler::sample(const NodeStats& now, double interval_s,
                          std::vector<TelemetryEvent>& out) {
  if (prev_ && interval_s > 0) {
    flow(now, interval_s, out);
    quotas(now, out);
    breakers(now, out);
    log(now, out);
  }
  prev_ = now;
}

// One flow report per sample in which anything moved: rates of the channels that did.
void StatsSampler::flow(const NodeStats& now, double interval_s, std::vector<TelemetryEvent>& out) {
  TelemetryEvent t;
  t.kind = TelemetryKind::kFlow;
  for (Channel c : kAllChannels) {
    const ChannelStats& a = now.of(c);
    const ChannelStats& b = prev_->of(c);
    ChannelRates& r = rates_[channel_index(c)];
    r.published_per_s = per_s(a.published, b.published, interval_s);
    r.delivered_per_s = per_s(a.delivered, b.delivered, interval_s);
    r.dropped_per_s = per_s(a.dropped, b.dropped, interval_s);
    if (r.published_per_s == 0 && r.delivered_per_s == 0 && r.dropped_per_s == 0) continue;
    t.values[key(c, "published_per_s")] = r.published_per_s;
    t.values[key(c, "delivered_per_s")] = r.delivered_per_s;
    t.values[key(c, "dropped_per_s")] = r.dropped_per_s;
    t.values[key(c, "pressure")] = a.variety_pressure;
  }
  // Events sent in batch frames under load (docs/PROTOCOL.md §1.10): how many frames.
  if (const auto batches = now.batches_sent - prev_->batches_sent; batches > 0) {
    t.values["batch_frames_per_s"] = static_cast<double>(batches) / interval_s;
  }
  const auto suppressed = now.telemetry.suppressed - prev_->telemetry.suppressed;
  if (suppressed > 0) t.values["telemetry_suppressed"] = static_cast<double>(suppressed);
  if (!t.values.empty()) out.push_back(std::move(t));
}

void StatsSampler::quotas(const NodeStats& now, std::vector<TelemetryEvent>& out) {
  for (Channel c : kAllChannels) {
    const ChannelStats& a = now.of(c);
    const ChannelStats& b = prev_->of(c);
    const auto delayed = a.quota_delayed - b.quota_delayed;
    const auto rejected = a.quota_rejected - b.quota_rejected;
    if (delayed > 0 || rejected > 0) {
      TelemetryEvent t;
      t.kind = TelemetryKind::kQuotaThrottled;
      t.subject = channel_name(c);
      t.values = {{"delayed", static_cast<double>(delayed)},
                  {"rejected", static_cast<double>(rejected)},
                  {"pressure", a.variety_pressure}};
      out.push_back(std::move(t));
    }
    // Hysteresis: "high" at the high mark, "normal" again only below the low mark.
    bool& high = pressure_high_[channel_index(c)];
    const bool flip = high ? a.variety_pressure < config_.telemetry_pressure_low
                           : a.variety_pressure >= config_.telemetry_pressure_high;
    if (!flip) continue;
    high = !high;
    TelemetryEvent t;
    t.kind = TelemetryKind::kVarietyPressure;
    t.subject = channel_name(c);
    t.state = high ? "high" : "normal";
    t.previous = high ? "normal" : "high";
    t.values["pressure"] = a.variety_pressure;
    out.push_back(std::move(t));
  }
}

void StatsSampler::breakers(const NodeStats& now, std::vector<TelemetryEvent>& out) {
  auto state_in = [](const std::map<std::string, BreakerState>& m, const std::string& name) {
    auto it = m.find(name);
    return it == m.end() ? BreakerState::kClosed : it->second;
  };
  std::map<std::string, bool> names;
  for (const auto& [name, st] : now.repair_breakers) names[name] = true;
  for (const auto& [name, st] : prev_->repair_breakers) names[name] = true;
  for (const auto& [name, unused] : names) {
    const BreakerState a = state_in(now.repair_breakers, name);
    const BreakerState b = state_in(prev_->repair_breakers, name);
    if (a == b) continue;
    TelemetryEvent t;
    t.kind = TelemetryKind::kBreaker;
    t.subject = name;
    t.state = breaker_state_name(a);
    t.previous = breaker_state_name(b);
    out.push_back(std::move(t));
  }
}

// A change of the log's health, or write errors since the last sample (errors that heal
// within one interval would otherwise go unseen).
void StatsSampler::log(const NodeStats& now, std::vector<TelemetryEvent>& out) {
  if (!now.log_enabled) return;
  const auto errors = now.log.write_errors - prev_->log.write_errors;
  if (now.log.health == prev_->log.health && errors == 0) return;
  auto name = [](persist::LogHealth h) {
    return h == persist::LogHealth::kFailing ? "failing" : "healthy";
  };
  TelemetryEvent t;
  t.kind = TelemetryKind::kLogError;
  t.state = name(now.log.health);
  t.previous = name(prev_->log.health);
  t.reason = now.log.last_error;
  t.values["write_errors"] = static_cast<double>(errors);
  out.push_back(std::move(t));
}

}  // namespace vsm::detail
