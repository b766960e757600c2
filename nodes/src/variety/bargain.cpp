#include "variety/bargain.hpp"

#include <spdlog/spdlog.h>

#include <optional>
#include <string>

#include "vsm/flow_rules.hpp"
#include "vsm/monotonic_clock.hpp"
#include "vsm/msgpack_reader.hpp"

namespace vsm::detail {
namespace {

struct RateLimit {
  std::string source;
  double rate_per_s = -1;
};

std::optional<RateLimit> parse(const Value& payload) {
  const std::string_view bytes = payload.encoded();
  MsgpackReader r(bytes);
  auto n = r.read_map_header();
  if (!n) return std::nullopt;
  RateLimit out;
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto key = r.read_str();
    if (!key) return std::nullopt;
    if (*key == "source") {
      auto s = r.read_str();
      if (!s) return std::nullopt;
      out.source = std::string(*s);
    } else if (*key == "rate_per_s") {
      auto d = r.read_double();
      if (!d) return std::nullopt;
      out.rate_per_s = *d;
    } else if (!r.skip_value()) {
      return std::nullopt;
    }
  }
  if (!is_valid_name(out.source) || !(out.rate_per_s >= 0)) return std::nullopt;
  return out;
}

}  // namespace

bool BargainReceiver::addressed_to_me(const Event& e) const {
  if (e.target == kBroadcastTarget || e.target.empty() || e.target == config_.name) return true;
  const auto role = parse_role(e.target);
  return role && *role == config_.role;
}

void BargainReceiver::refuse(const Event& e, const char* why) {
  refused_.fetch_add(1, std::memory_order_relaxed);
  spdlog::warn("vsm: node {} refused a rate limit from {}: {}", config_.name, e.source, why);
}

bool BargainReceiver::on_event(const Event& e) {
  if (e.channel != Channel::kResourceBargain || e.type != kRateLimitType) return false;
  if (config_.role != Role::kS1 || !addressed_to_me(e)) return true;
  if (role_from_name(e.source) != Role::kS3) {
    refuse(e, "only an S3 may set rate limits");
    return true;
  }
  auto limit = parse(e.payload);
  if (!limit) {
    refuse(e, "payload must be {source: name, rate_per_s: number >= 0}");
    return true;
  }
  if (quotas_ == nullptr) {
    refuse(e, "quotas are off on this node ([variety] quotas = true)");
    return true;
  }
  quotas_->set_source_rate(limit->source, limit->rate_per_s, monotonic_ms());
  applied_.fetch_add(1, std::memory_order_relaxed);
  spdlog::info("vsm: node {}: {} limits source {} to {}/s", config_.name, e.source, limit->source,
               limit->rate_per_s);
  return true;
}

std::vector<std::string> BargainReceiver::topic_prefixes() const {
  if (config_.role != Role::kS1 || quotas_ == nullptr) return {};
  const std::string channel = topic_prefix(Channel::kResourceBargain);
  return {channel + "s3", channel + "S3"};
}

void BargainReceiver::fill_stats(VarietyStats& s) const {
  s.bargains_applied = applied_.load();
  s.bargains_refused = refused_.load();
}

}  // namespace vsm::detail
