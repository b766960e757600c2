#include "metrics/prometheus_text.hpp"

#include <charconv>
#include <cmath>

namespace vsm::detail {
namespace {

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest exact form
    out.append(buf, r.ptr);
  }
}

// Seconds from microseconds, in the shortest exact decimal form ("0.00005", "2.5").
std::string seconds(std::uint64_t us) {
  std::string s;
  append_number(s, static_cast<double>(us) / 1e6);
  return s;
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
  out_.append("# HELP ").append(name).append(" ");
  for (char c : help) out_ += c == '\n' ? ' ' : c;  // HELP text: one line
  out_.append("\n# TYPE ").append(name).append(" ").append(type).append("\n");
}

void PrometheusText::series(std::string_view name, std::string_view suffix,
                            const PromLabels& labels, std::string_view extra_label,
                            std::string_view extra_value) {
  out_.append(name).append(suffix);
  if (labels.empty() && extra_label.empty()) {
    out_ += ' ';
    return;
  }
  out_ += '{';
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out_ += ',';
    first = false;
    out_.append(k).append("=\"").append(escape_label_value(v)).append("\"");
  }
  if (!extra_label.empty()) {
    if (!first) out_ += ',';
    out_.append(extra_label).append("=\"").append(extra_value).append("\"");
  }
  out_ += "} ";
}

void PrometheusText::sample(std::string_view name, const PromLabels& labels, std::uint64_t value) {
  series(name, "", labels);
  out_.append(std::to_string(value)).append("\n");
}

void PrometheusText::sample(std::string_view name, const PromLabels& labels, double value) {
  series(name, "", labels);
  append_number(out_, value);
  out_ += '\n';
}

void PrometheusText::histogram(std::string_view name, const PromLabels& labels,
                               const LatencySnapshot& s) {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kLatencyBoundsUs.size(); ++i) {
    cumulative += s.buckets[i];
    series(name, "_bucket", labels, "le", seconds(kLatencyBoundsUs[i]));
    out_.append(std::to_string(cumulative)).append("\n");
  }
  series(name, "_bucket", labels, "le", "+Inf");
  out_.append(std::to_string(s.count)).append("\n");
  series(name, "_sum", labels);
  append_number(out_, static_cast<double>(s.sum_us) / 1e6);
  out_ += '\n';
  series(name, "_count", labels);
  out_.append(std::to_string(s.count)).append("\n");
}

}  // namespace vsm::detail
