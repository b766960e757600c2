// A strict parser of the Prometheus text exposition format (version 0.0.4) for tests:
// every line is a `# HELP`, a `# TYPE` or a sample `name{label="value",...} number`; a
// sample's family must have been typed before it; histograms must have cumulative,
// non-decreasing `_bucket` lines ending in le="+Inf" equal to `_count`. Throws
// std::runtime_error naming the line on any violation.
#pragma once

#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace vsm::test {

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct PromExposition {
  std::map<std::string, std::string> types;  // family -> counter | gauge | histogram
  std::vector<PromSample> samples;

  // The value of the sample `name` whose labels include `labels`; throws when absent.
  double value(const std::string& name,
               const std::map<std::string, std::string>& labels = {}) const {
    for (const auto& s : samples) {
      if (s.name != name) continue;
      bool match = true;
      for (const auto& [k, v] : labels) {
        auto it = s.labels.find(k);
        match = match && it != s.labels.end() && it->second == v;
      }
      if (match) return s.value;
    }
    throw std::runtime_error("no sample " + name);
  }
};

inline bool prom_name_ok(const std::string& n) {
  if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
  for (char c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ':') return false;
  }
  return true;
}

// The family a sample belongs to (histogram samples carry a suffix).
inline std::string prom_family(const std::string& name, const PromExposition& e) {
  if (e.types.count(name)) return name;
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s(suffix);
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      const std::string base = name.substr(0, name.size() - s.size());
      auto it = e.types.find(base);
      if (it != e.types.end() && it->second == "histogram") return base;
    }
  }
  return {};
}

inline PromSample parse_prom_sample(const std::string& line) {
  PromSample s;
  std::size_t i = line.find_first_of("{ ");
  if (i == std::string::npos) throw std::runtime_error("bad sample: " + line);
  s.name = line.substr(0, i);
  if (line[i] == '{') {
    ++i;
    while (line[i] != '}') {
      const auto eq = line.find('=', i);
      if (eq == std::string::npos || line[eq + 1] != '"')
        throw std::runtime_error("bad label: " + line);
      const std::string key = line.substr(i, eq - i);
      std::string value;
      std::size_t j = eq + 2;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\') {
          ++j;
          value += line[j] == 'n' ? '\n' : line[j];
        } else {
          value += line[j];
        }
      }
      if (j >= line.size() || !prom_name_ok(key)) throw std::runtime_error("bad label: " + line);
      s.labels[key] = value;
      i = j + 1;
      if (line[i] == ',') ++i;
    }
    ++i;
  }
  if (i >= line.size() || line[i] != ' ') throw std::runtime_error("bad sample: " + line);
  const std::string num = line.substr(i + 1);
  if (num == "+Inf") {
    s.value = HUGE_VAL;
  } else {
    char* end = nullptr;
    s.value = std::strtod(num.c_str(), &end);
    if (end == num.c_str() || *end != '\0') throw std::runtime_error("bad value: " + line);
  }
  return s;
}

inline void check_histograms(const PromExposition& e) {
  for (const auto& [family, type] : e.types) {
    if (type != "histogram") continue;
    std::map<std::string, std::vector<double>> buckets;  // series (labels without le)
    std::map<std::string, double> counts;
    auto key_of = [](const PromSample& s) {
      std::string k;
      for (const auto& [a, b] : s.labels) {
        if (a != "le") k += a + "=" + b + ",";
      }
      return k;
    };
    for (const auto& s : e.samples) {
      if (s.name == family + "_bucket") buckets[key_of(s)].push_back(s.value);
      if (s.name == family + "_count") counts[key_of(s)] = s.value;
      if (s.name == family + "_bucket" && s.labels.count("le") == 0) {
        throw std::runtime_error(family + ": bucket without le");
      }
    }
    for (const auto& [series, values] : buckets) {
      for (std::size_t i = 1; i < values.size(); ++i) {
        if (values[i] < values[i - 1]) throw std::runtime_error(family + ": buckets decrease");
      }
      if (!counts.count(series) || values.back() != counts.at(series)) {
        throw std::runtime_error(family + ": +Inf bucket != _count");
      }
    }
  }
}

inline PromExposition parse_prometheus(const std::string& text) {
  PromExposition e;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string::npos) throw std::runtime_error("last line lacks a newline");
    const std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.rfind("# HELP ", 0) == 0) continue;
    if (line.rfind("# TYPE ", 0) == 0) {
      const auto sp = line.find(' ', 7);
      const std::string name = line.substr(7, sp - 7);
      const std::string type = line.substr(sp + 1);
      if (!prom_name_ok(name) || (type != "counter" && type != "gauge" && type != "histogram")) {
        throw std::runtime_error("bad TYPE: " + line);
      }
      if (e.types.count(name)) throw std::runtime_error("family typed twice: " + name);
      e.types[name] = type;
      continue;
    }
    PromSample s = parse_prom_sample(line);
    const std::string family = prom_family(s.name, e);
    if (family.empty()) throw std::runtime_error("sample before its TYPE: " + line);
    if (e.types[family] == "counter" && s.name.size() < 6)
      throw std::runtime_error("counter name: " + line);
    e.samples.push_back(std::move(s));
  }
  check_histograms(e);
  return e;
}

}  // namespace vsm::test
