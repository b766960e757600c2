#include "chaos/chaos_request.hpp"

#include <charconv>
#include <map>

#include "control/control_format.hpp"
#include "vsm/msgpack_reader.hpp"

namespace vsm::detail {
namespace {

constexpr std::uint32_t kMaxKeys = 32;
constexpr std::size_t kMaxMembers = 256;

// The request's string values by key ("rid" and other non-string values skipped).
Result<std::map<std::string_view, std::string_view>> string_args(std::string_view bytes) {
  if (bytes.size() > control_format::kMaxRequestBytes) return Error::too_large("chaos request too large");
  MsgpackReader r(bytes);
  auto n = r.read_map_header();
  if (!n || *n > kMaxKeys) return Error::invalid("chaos request must be a map of at most 32 keys");
  std::map<std::string_view, std::string_view> out;
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto key = r.read_str();
    if (!key) return Error::invalid("chaos request keys must be strings");
    auto raw = r.skip_value();
    if (!raw) return Error::invalid("malformed value in chaos request");
    MsgpackReader v(*raw);
    if (auto s = v.read_str(); s && v.at_end()) out[*key] = *s;
  }
  if (!r.at_end()) return Error::invalid("trailing bytes in chaos request");
  return out;
}

template <typename T>
Status number(std::string_view key, std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Error::invalid("chaos: '" + std::string(key) + "' must be a number, got '" +
                          std::string(text) + "'");
  }
  return {};
}

Status apply(std::string_view key, std::string_view value, ChaosCommand& c) {
  ChaosRule& r = c.rule;
  if (key == "action") {
    auto a = parse_fault_action(value);
    if (!a || *a == FaultAction::kPass) {
      return Error::invalid("chaos: action must be drop, delay, duplicate or reorder");
    }
    r.action = *a;
  } else if (key == "plane") {
    if (value == "all") return {};
    for (ChaosPlane p : {ChaosPlane::kData, ChaosPlane::kGossip, ChaosPlane::kAlgedonic}) {
      if (chaos_plane_name(p) == value) r.plane = p;
    }
    if (!r.plane) return Error::invalid("chaos: plane must be data, gossip, algedonic or all");
  } else if (key == "peer") {
    if (!is_valid_name(value)) return Error::invalid("chaos: peer must be a node name");
    r.peer = std::string(value);
  } else if (key == "channel") {
    r.channel = parse_channel(value);
    if (!r.channel) return Error::invalid("chaos: unknown channel '" + std::string(value) + "'");
  } else if (key == "prob") {
    return number(key, value, r.probability);
  } else if (key == "delay_ms") {
    return number(key, value, r.delay_ms);
  } else if (key == "count") {
    return number(key, value, r.count);
  } else if (key == "for_ms") {
    return number(key, value, r.for_ms);
  }
  return {};  // op, rid and unknown keys are ignored
}

Status split_members(std::string_view list, std::vector<std::string>& out) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto name = list.substr(0, comma);
    if (!is_valid_name(name)) return Error::invalid("chaos: members must be node names, comma-separated");
    if (out.size() >= kMaxMembers) return Error::invalid("chaos: at most 256 members");
    out.emplace_back(name);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return {};
}

}  // namespace

Result<ChaosCommand> parse_chaos_request(std::string_view request) {
  auto args = string_args(request);
  if (!args) return args.error();
  ChaosCommand c;
  if (auto it = args->find("do"); it != args->end()) {
    const auto d = it->second;
    if (d == "add") c.kind = ChaosCommand::Kind::kAdd;
    else if (d == "partition") c.kind = ChaosCommand::Kind::kPartition;
    else if (d == "clear") c.kind = ChaosCommand::Kind::kClear;
    else if (d == "list") c.kind = ChaosCommand::Kind::kList;
    else return Error::invalid("chaos: 'do' must be add, partition, clear or list");
  }
  for (const auto& [key, value] : *args) {
    if (auto st = apply(key, value, c); !st) return st.error();
  }
  if (c.kind == ChaosCommand::Kind::kPartition) {
    auto it = args->find("members");
    if (it == args->end()) return Error::invalid("chaos: partition needs 'members'");
    if (auto st = split_members(it->second, c.members); !st) return st.error();
    if (c.members.empty()) return Error::invalid("chaos: partition needs 'members'");
  } else if (c.kind == ChaosCommand::Kind::kAdd && args->count("action") == 0) {
    return Error::invalid("chaos: add needs 'action' (drop, delay, duplicate, reorder)");
  }
  return c;
}

}  // namespace vsm::detail
