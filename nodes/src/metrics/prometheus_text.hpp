// Writer of the Prometheus text exposition format, version 0.0.4 (what `/metrics` serves,
// docs/OPERATIONS.md): `# HELP` and `# TYPE` per family, then `name{label="value"} number`
// lines; label values escaped (backslash, double quote, newline); histograms as
// cumulative `_bucket{le="..."}` lines ending in `le="+Inf"`, then `_sum` and `_count`,
// in seconds. Not thread-safe; one writer per exposition.
//   PrometheusText t;
//   t.family("vsm_events_published_total", "counter", "Events accepted by publish()");
//   t.sample("vsm_events_published_total", {{"channel", "audit"}}, 12);
//   std::string text = t.take();
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vsm/latency_histogram.hpp"

namespace vsm::detail {

using PromLabels = std::vector<std::pair<std::string_view, std::string>>;

class PrometheusText {
 public:
  // `type`: "counter", "gauge" or "histogram".
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, const PromLabels& labels, std::uint64_t value);
  void sample(std::string_view name, const PromLabels& labels, double value);
  // The samples of one histogram (microsecond snapshot written in seconds).
  void histogram(std::string_view name, const PromLabels& labels, const LatencySnapshot& s);
  std::string take() { return std::move(out_); }

 private:
  void series(std::string_view name, std::string_view suffix, const PromLabels& labels,
              std::string_view extra_label = {}, std::string_view extra_value = {});
  std::string out_;
};

// `value` with backslash, double quote and newline escaped.
std::string escape_label_value(std::string_view value);

}  // namespace vsm::detail
