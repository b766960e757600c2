// One value of a configuration table key (node_config_toml.cpp and the key tables that feed it):
// typed getters that check the TOML type and range and name the file and key in the error;
// `out` is only written on success. Includes toml++ with its internal assertions off, as in
// Debian's release build of the library (see node_config_toml.cpp).
// Thread-safety: a view of one parsed document; use it while the document lives.
#pragma once

#ifndef TOML_ASSERT
#define TOML_ASSERT(expr) static_assert(true)
#endif
#include <toml++/toml.h>

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vsm/node_config.hpp"
#include "vsm/result.hpp"

namespace vsmcat {

// One value of a table ([node], [security], ...). The getters check its TOML type (and
// range) and name the file, table and key in the error; `out` is only written on success.
class Value {
 public:
  Value(const toml::node& node, std::string_view table, std::string_view key,
        const std::string& path)
      : node_(node), table_(table), key_(key), path_(path) {}

  const toml::node& node() const noexcept { return node_; }

  vsm::Error error(std::string_view what) const {
    return vsm::Error::invalid("config '" + path_ + "': [" + std::string(table_) + "] " +
                               std::string(key_) + " " + std::string(what));
  }

  vsm::Status get(std::string& out) const {
    auto s = node_.value<std::string>();
    if (!s) return error("must be a string");
    out = std::move(*s);
    return {};
  }
  vsm::Status get(bool& out) const {
    const auto* b = node_.as_boolean();  // strict: value<bool>() would take 1 as true
    if (b == nullptr) return error("must be true or false");
    out = b->get();
    return {};
  }
  // A string or an array of strings.
  vsm::Status get(std::vector<std::string>& out) const {
    std::vector<std::string> list;
    if (auto s = node_.value<std::string>()) {
      list.push_back(std::move(*s));
    } else if (const toml::array* arr = node_.as_array()) {
      for (const auto& item : *arr) {
        auto s = item.value<std::string>();
        if (!s) return error("must contain only strings");
        list.push_back(std::move(*s));
      }
    } else {
      return error("must be a string or an array of strings");
    }
    out = std::move(list);
    return {};
  }
  // An integer from `min` to the largest value `Int` (and TOML) can hold.
  template <typename Int>
  vsm::Status get_int(Int& out, std::int64_t min) const {
    auto v = node_.value<std::int64_t>();
    if (!v || *v < min || std::cmp_greater(*v, std::numeric_limits<Int>::max())) {
      return error(min > 0 ? "must be a positive integer" : "must be a non-negative integer");
    }
    out = static_cast<Int>(*v);
    return {};
  }
  template <typename Int>
  vsm::Status positive(Int& out) const {
    return get_int(out, 1);
  }
  template <typename Int>
  vsm::Status non_negative(Int& out) const {
    return get_int(out, 0);
  }
  // A number (integer or float) from `min` to `max`.
  vsm::Status number(double& out, double min, double max) const {
    auto v = node_.value<double>();
    if (!v || !(*v >= min && *v <= max)) {
      return error("must be a number from " + std::to_string(min) + " to " +
                   std::to_string(max));
    }
    out = *v;
    return {};
  }

 private:
  const toml::node& node_;
  std::string_view table_;
  std::string_view key_;
  const std::string& path_;
};

using Apply = vsm::Status (*)(const Value&, vsm::NodeConfig&);
struct Key {
  std::string_view name;
  Apply apply;
};

// The [node] keys of the operator's settings (node_config_keys_ops.cpp): metrics,
// telemetry, health, dedup, quotas, partition detection.
std::span<const Key> operator_keys();

}  // namespace vsmcat
