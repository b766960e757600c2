#include "control/control_request.hpp"

#include <algorithm>
#include <string>

#include "vsm/msgpack_reader.hpp"

namespace vsm::detail {
namespace cf = control_format;
namespace {
constexpr std::uint32_t kMaxRequestKeys = 32;
}  // namespace

Result<ControlRequest> parse_control_request(std::string_view bytes, std::uint64_t* rid) {
  if (bytes.size() > cf::kMaxRequestBytes) return Error::too_large("control request too large");
  MsgpackReader r(bytes);
  auto n = r.read_map_header();
  if (!n) return Error::invalid("control request must be a msgpack map");
  if (*n > kMaxRequestKeys) return Error::invalid("control request has too many keys");
  ControlRequest req;
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto key = r.read_str();
    if (!key) return Error::invalid("control request keys must be strings");
    if (*key == "op") {
      auto v = r.read_str();
      if (!v) return Error::invalid("'op' must be a string");
      req.op = *v;
    } else if (*key == "ch") {
      auto v = r.read_str();
      if (!v || !(req.channel = parse_channel(*v))) {
        return Error::invalid("'ch' must be a channel name");
      }
    } else if (*key == "rid" || *key == "from" || *key == "to" || *key == "max") {
      auto v = r.read_uint();
      if (!v) return Error::invalid("'" + std::string(*key) + "' must be an unsigned integer");
      (*key == "rid" ? req.rid : *key == "from" ? req.from : *key == "to" ? req.to : req.max) = *v;
      *rid = req.rid;
    } else if (auto known = read_query_field(*key, r, req.query); !known) {
      return std::move(known).error();
    } else if (!*known && !r.skip_value()) {
      return Error::invalid("malformed value in control request");
    }
  }
  if (!r.at_end()) return Error::invalid("trailing bytes in control request");
  return req;
}

QueryRequest as_query(const ControlRequest& req) {
  QueryRequest q = req.query;
  q.query.channel = req.channel;
  q.query.from_seq = req.from;
  q.query.to_seq = req.to;
  q.query.limit = static_cast<std::size_t>(std::min<std::uint64_t>(req.max, cf::kMaxQueryBatch));
  return q;
}

}  // namespace vsm::detail
