#include "stats_table.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <utility>

namespace vsmcat {
namespace {

using Json = nlohmann::ordered_json;
using Field = std::pair<std::string, std::string>;  // dotted key, rendered value

constexpr std::string_view kChannelsKey = "channels";
constexpr std::string_view kTotalKey = "total";

// The member `key` of `obj`; nullptr when there is none or `obj` is null or no object.
const Json* member(const Json* obj, std::string_view key) {
  if (obj == nullptr || !obj->is_object()) return nullptr;
  const auto it = obj->find(std::string(key));
  return it == obj->end() ? nullptr : &*it;
}

// A map whose values are all maps: the shape of "channels".
bool is_table(const Json* v) {
  return v != nullptr && v->is_object() && !v->empty() &&
         std::all_of(v->begin(), v->end(), [](const Json& row) { return row.is_object(); });
}

// cur - prev for two integers of either signedness (positive msgpack ints decode as
// unsigned, negative ones as signed).
double difference(const Json& cur, const Json& prev) {
  if (cur.is_number_unsigned() && prev.is_number_unsigned()) {
    const auto a = cur.get<std::uint64_t>();
    const auto b = prev.get<std::uint64_t>();
    return a >= b ? static_cast<double>(a - b) : -static_cast<double>(b - a);
  }
  return cur.get<double>() - prev.get<double>();
}

// Strings bare, everything else as compact JSON.
std::string text(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// The value, and for an integer that has a previous sample, its rate: "120 (4.0/s)".
std::string cell(const Json& value, const Json* previous, const StatsDelta* delta) {
  std::string out = text(value);
  if (delta != nullptr && value.is_number_integer() && previous != nullptr &&
      previous->is_number_integer()) {
    char rate[64];
    std::snprintf(rate, sizeof rate, " (%.1f/s)", difference(value, *previous) / delta->interval_s);
    out += rate;
  }
  return out;
}

struct Row {
  std::string label;
  const Json* values;
  const Json* previous;  // nullptr without a previous sample
};

// Each channel, then the total.
std::vector<Row> table_rows(const Json& stats, const Json* previous) {
  std::vector<Row> rows;
  if (const Json* channels = member(&stats, kChannelsKey); is_table(channels)) {
    const Json* before = member(previous, kChannelsKey);
    for (const auto& [name, values] : channels->items()) {
      rows.push_back({name, &values, member(before, name)});
    }
  }
  if (const Json* total = member(&stats, kTotalKey); total != nullptr && total->is_object()) {
    rows.push_back({std::string(kTotalKey), total, member(previous, kTotalKey)});
  }
  return rows;
}

std::string pad(const std::string& s, std::size_t width, bool left_align) {
  const std::string fill(width > s.size() ? width - s.size() : 0, ' ');
  return left_align ? s + fill : fill + s;
}

// The rows of another table-shaped field (e.g. "latency": a row per channel).
std::vector<Row> field_rows(const Json& table, const Json* previous) {
  std::vector<Row> rows;
  for (const auto& [name, values] : table.items()) {
    rows.push_back({name, &values, member(previous, name)});
  }
  return rows;
}

// Columns are the rows' keys in order of first appearance; a row without one shows "-".
void append_table(const std::string& label, const std::vector<Row>& rows,
                  const StatsDelta* delta, std::vector<std::string>& out) {
  std::vector<std::string> columns;
  for (const Row& r : rows) {
    for (const auto& [key, value] : r.values->items()) {
      if (std::find(columns.begin(), columns.end(), key) == columns.end()) columns.push_back(key);
    }
  }
  std::vector<std::vector<std::string>> grid{{label}};
  grid[0].insert(grid[0].end(), columns.begin(), columns.end());
  for (const Row& r : rows) {
    std::vector<std::string> line{r.label};
    for (const auto& c : columns) {
      const Json* v = member(r.values, c);
      line.push_back(v == nullptr ? "-" : cell(*v, member(r.previous, c), delta));
    }
    grid.push_back(std::move(line));
  }
  std::vector<std::size_t> width(grid[0].size(), 0);
  for (const auto& line : grid) {
    for (std::size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  }
  for (const auto& line : grid) {
    std::string s = pad(line[0], width[0], true);
    for (std::size_t i = 1; i < line.size(); ++i) s += "  " + pad(line[i], width[i], false);
    out.push_back(std::move(s));
  }
}

void flatten(const std::string& key, const Json& value, const Json* previous,
             const StatsDelta* delta, std::vector<Field>& out) {
  if (value.is_object() && !value.empty()) {
    for (const auto& [k, v] : value.items()) {
      flatten(key + "." + k, v, member(previous, k), delta, out);
    }
  } else if (value.is_structured()) {
    out.emplace_back(key, text(value));  // an array or {}
  } else {
    out.emplace_back(key, cell(value, previous, delta));
  }
}

}  // namespace

std::vector<std::string> render_stats(const Json& stats, const StatsDelta* delta) {
  if (!stats.is_object()) return {text(stats)};
  const Json* previous = delta != nullptr ? &delta->previous : nullptr;
  std::vector<std::string> out;
  const std::vector<Row> rows = table_rows(stats, previous);
  if (!rows.empty()) append_table("channel", rows, delta, out);
  const bool channels_shown = is_table(member(&stats, kChannelsKey));
  std::vector<Field> fields;
  for (const auto& [key, value] : stats.items()) {
    if ((key == kChannelsKey && channels_shown) || (key == kTotalKey && value.is_object())) {
      continue;  // in the table
    }
    if (key != kChannelsKey && is_table(&value)) {  // e.g. "latency", "rates": a table each
      append_table(key, field_rows(value, member(previous, key)), delta, out);
      continue;
    }
    flatten(key, value, member(previous, key), delta, fields);
  }
  std::size_t width = 0;
  for (const auto& f : fields) width = std::max(width, f.first.size());
  for (const auto& [key, value] : fields) out.push_back(pad(key, width, true) + "  " + value);
  return out;
}

}  // namespace vsmcat
