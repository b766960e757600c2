// Fuzz target "control_request" (fuzz_target.hpp): the control-plane request decoder
// (nodes/src/control_request.hpp, docs/PROTOCOL.md §2). Decoding never crashes and every
// refusal has a message; an accepted request, written back in canonical form (every key
// explicit), decodes to the same canonical form.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "control/control_request.hpp"
#include "fuzz_target.hpp"
#include "vsm/msgpack_writer.hpp"

namespace {

using vsm::MsgpackWriter;
using vsm::detail::ControlRequest;
using vsm::fuzz::fuzz_failure;

std::string canonical(const ControlRequest& r) {
  std::string pairs;
  MsgpackWriter w(pairs);
  std::uint32_t fields = 5;
  w.str("op"); w.str(r.op);
  w.str("rid"); w.uint(r.rid);
  w.str("from"); w.uint(r.from);
  w.str("to"); w.uint(r.to);
  w.str("max"); w.uint(r.max);
  if (r.channel) {
    w.str("ch");
    w.str(vsm::channel_name(*r.channel));
    ++fields;
  }
  vsm::detail::QueryRequest own = r.query;  // only the query's own keys: shared ones above
  own.query.channel.reset();
  own.query.from_seq = 0;
  own.query.to_seq = UINT64_MAX;
  own.query.limit = 0;
  vsm::detail::encode_query_fields(own, w, fields);
  std::string out;
  MsgpackWriter(out).map_header(fields);
  return out + pairs;
}

bool one(std::string_view input) {
  std::uint64_t rid = 0;
  auto r = vsm::detail::parse_control_request(input, &rid);
  if (!r) {
    if (r.error().message().empty()) fuzz_failure("a refusal without a message", input);
    return false;
  }
  if (rid != r->rid) fuzz_failure("the echoed rid differs from the request's", input);
  (void)vsm::detail::as_query(*r);
  const std::string canon = canonical(*r);
  if (canon.size() > vsm::control_format::kMaxRequestBytes) return true;
  auto again = vsm::detail::parse_control_request(canon, &rid);
  if (!again) fuzz_failure("the canonical form is refused: " + again.error().to_string(), input);
  if (canonical(*again) != canon) fuzz_failure("a request changed across encode/decode", input);
  return true;
}

std::vector<std::string> seeds() {
  std::vector<std::string> out;
  for (std::string_view op : {"ping", "info", "stats", "members"}) {
    std::string b;
    MsgpackWriter w(b);
    w.map_header(2);
    w.str("op"); w.str(op);
    w.str("rid"); w.uint(7);
    out.push_back(b);
  }
  std::string replay;
  MsgpackWriter r(replay);
  r.map_header(6);
  r.str("op"); r.str("replay");
  r.str("rid"); r.uint(1u << 20);
  r.str("ch"); r.str("audit");
  r.str("from"); r.uint(10);
  r.str("to"); r.uint(UINT64_MAX);
  r.str("max"); r.uint(0);
  out.push_back(replay);
  std::string query;
  MsgpackWriter q(query);
  q.map_header(14);
  q.str("op"); q.str("query");
  q.str("rid"); q.uint(3);
  q.str("ch"); q.str("command");
  q.str("max"); q.uint(100);
  q.str("from_off"); q.uint(5);
  q.str("to_off"); q.uint(500);
  q.str("from_ms"); q.uint(1'700'000'000'000);
  q.str("to_ms"); q.uint(1'800'000'000'000);
  q.str("node"); q.str("s1.a");
  q.str("src"); q.str("s1.ops");
  q.str("typ"); q.str("policy_update");
  q.str("tgt"); q.str("broadcast");
  q.str("cid"); q.str("corr-1");
  q.str("cur"); q.uint(1ull << 56 | 9);
  out.push_back(query);
  return out;
}

}  // namespace

const vsm::fuzz::Target& vsm::fuzz::fuzz_target() {
  static const Target target{"control_request", seeds, one};
  return target;
}
