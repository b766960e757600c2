#include "algedonic/algedonic_event.hpp"

#include <array>
#include <cmath>

#include "algedonic/algedonic_format.hpp"
#include "vsm/enum_names.hpp"
#include "vsm/msgpack_reader.hpp"
#include "vsm/msgpack_writer.hpp"

namespace vsm {
namespace {
constexpr EnumNames<Severity, 5> kSeverityNames{{{{Severity::kLow, "low"},
                                                  {Severity::kMedium, "medium"},
                                                  {Severity::kHigh, "high"},
                                                  {Severity::kCritical, "critical"},
                                                  {Severity::kEmergency, "emergency"}}}};
constexpr EnumNames<Signal, 2> kSignalNames{{{{Signal::kPain, "pain"},
                                              {Signal::kPleasure, "pleasure"}}}};
}  // namespace

std::string_view severity_name(Severity s) noexcept { return kSeverityNames.name(s, "unknown"); }

std::optional<Severity> parse_severity(std::string_view text) noexcept {
  return kSeverityNames.parse(text);
}

std::string_view signal_name(Signal s) noexcept { return kSignalNames.name(s, "unknown"); }

std::optional<Signal> parse_signal(std::string_view text) noexcept {
  return kSignalNames.parse(text);
}

}  // namespace vsm

namespace vsm::detail {
namespace fmt = algedonic_format;

Result<Event> make_algedonic_event(Severity severity, Signal signal, std::string description,
                                   const std::map<std::string, double>& metrics) {
  if (static_cast<std::size_t>(severity) > static_cast<std::size_t>(Severity::kEmergency)) {
    return Error::invalid("unknown algedonic severity");
  }
  if (signal != Signal::kPain && signal != Signal::kPleasure) {
    return Error::invalid("unknown algedonic signal");
  }
  if (metrics.size() > fmt::kMaxMetrics) {
    return Error::invalid("an alert carries at most " + std::to_string(fmt::kMaxMetrics) +
                          " metrics");
  }
  for (const auto& [name, v] : metrics) {
    if (!std::isfinite(v)) return Error::invalid("metric '" + name + "' is not a finite number");
  }
  Event e;
  e.channel = Channel::kAlgedonic;
  e.type = std::string(signal == Signal::kPain ? fmt::kTypePain : fmt::kTypePleasure);
  e.priority = kPriorityCritical;
  std::string pl;
  MsgpackWriter w(pl);
  w.map_header(4);
  w.str(fmt::kKeySeverity);
  w.str(severity_name(severity));
  w.str(fmt::kKeySignal);
  w.str(signal_name(signal));
  w.str(fmt::kKeyDescription);
  w.str(description);
  w.str(fmt::kKeyMetrics);
  w.map_header(static_cast<std::uint32_t>(metrics.size()));
  for (const auto& [name, v] : metrics) {
    w.str(name);
    w.float64(v);
  }
  e.payload = Value::from_encoded(std::move(pl));
  e.metadata.emplace(std::string(fmt::kKeySeverity), Value::string(severity_name(severity)));
  e.metadata.emplace(std::string(fmt::kKeySignal), Value::string(signal_name(signal)));
  return e;
}

namespace {

Status read_metrics(MsgpackReader& r, std::map<std::string, double>& out) {
  auto n = r.read_map_header();
  if (!n || *n > fmt::kMaxMetrics) return Error::invalid("alert metrics must be a small map");
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto k = r.read_str();
    auto v = r.read_double();
    if (!k || !v) return Error::invalid("alert metrics must map strings to numbers");
    out[std::string(*k)] = *v;
  }
  return {};
}

}  // namespace

Result<AlgedonicAlert> parse_algedonic_event(Event event, AlgedonicPath path) {
  if (event.channel != Channel::kAlgedonic) return Error::invalid("not an algedonic event");
  AlgedonicAlert a;
  if (event.type == fmt::kTypePain) {
    a.signal = Signal::kPain;
  } else if (event.type == fmt::kTypePleasure) {
    a.signal = Signal::kPleasure;
  } else {
    return Error::invalid("algedonic event type must be 'pain' or 'pleasure'");
  }
  MsgpackReader r(event.payload.encoded());
  auto n = r.read_map_header();
  if (!n) return Error::invalid("algedonic payload must be a map");
  bool have_severity = false;
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto key = r.read_str();
    if (!key) return Error::invalid("algedonic payload keys must be strings");
    if (*key == fmt::kKeySeverity) {
      auto s = r.read_str();
      auto sev = s ? parse_severity(*s) : std::nullopt;
      if (!sev) return Error::invalid("algedonic payload has an unknown severity");
      a.severity = *sev;
      have_severity = true;
    } else if (*key == fmt::kKeyDescription) {
      auto s = r.read_str();
      if (!s) return Error::invalid("algedonic description must be a string");
      a.description.assign(*s);
    } else if (*key == fmt::kKeyMetrics) {
      if (auto st = read_metrics(r, a.metrics); !st) return st.error();
    } else if (!r.skip_value()) {  // "signal" (redundant with type) and unknown keys
      return Error::invalid("malformed algedonic payload");
    }
  }
  if (!have_severity) return Error::invalid("algedonic payload lacks a severity");
  a.event = std::move(event);
  a.path = path;
  return a;
}

}  // namespace vsm::detail
