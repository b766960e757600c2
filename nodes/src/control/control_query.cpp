#include "control/control_query.hpp"

#include <algorithm>

#include "control/control_format.hpp"
#include "vsm/persist/envelope_header.hpp"

namespace vsm::detail {
namespace cf = control_format;
namespace {

// Most events this page may carry.
std::size_t page_size(const persist::LogQuery& q) {
  return q.limit == 0 ? cf::kMaxQueryBatch : std::min(q.limit, cf::kMaxQueryBatch);
}

// Adds one envelope to the page; false when the page is full.
bool add(QuerySlice& s, std::string_view envelope, std::uint64_t offset, std::size_t max,
         std::size_t& bytes) {
  s.events.emplace_back(envelope);
  s.offsets.push_back(offset);
  bytes += envelope.size();
  return s.events.size() < max && bytes < cf::kMaxQueryReplyBytes;
}

void put_opt(MsgpackWriter& w, std::uint32_t& fields, std::string_view key,
             const std::optional<std::string>& v) {
  if (!v) return;
  w.str(key);
  w.str(*v);
  ++fields;
}

void put_uint(MsgpackWriter& w, std::uint32_t& fields, std::string_view key, std::uint64_t v,
              std::uint64_t dflt) {
  if (v == dflt) return;
  w.str(key);
  w.uint(v);
  ++fields;
}

Result<bool> read_str_into(MsgpackReader& r, std::string_view key,
                           std::optional<std::string>& out) {
  auto v = r.read_str();
  if (!v) return Error::invalid(std::string("'").append(key).append("' must be a string"));
  out = std::string(*v);
  return true;
}

Result<bool> read_uint_into(MsgpackReader& r, std::string_view key, std::uint64_t& out) {
  auto v = r.read_uint();
  if (!v) return Error::invalid(std::string("'").append(key).append("' must be an unsigned integer"));
  out = *v;
  return true;
}

}  // namespace

void encode_query_fields(const QueryRequest& req, MsgpackWriter& w, std::uint32_t& fields) {
  const persist::LogQuery& q = req.query;
  if (q.channel) {
    w.str("ch");
    w.str(channel_name(*q.channel));
    ++fields;
  }
  put_uint(w, fields, "from", q.from_seq, 0);
  put_uint(w, fields, "to", q.to_seq, UINT64_MAX);
  put_uint(w, fields, "max", q.limit, 0);
  put_uint(w, fields, cf::kKeyFromOffset, q.from_offset, 0);
  put_uint(w, fields, cf::kKeyToOffset, q.to_offset, UINT64_MAX);
  put_uint(w, fields, cf::kKeyFromWallMs, q.from_wall_ms, 0);
  put_uint(w, fields, cf::kKeyToWallMs, q.to_wall_ms, UINT64_MAX);
  put_opt(w, fields, cf::kKeyNode, q.publisher);
  put_opt(w, fields, cf::kKeySource, q.source);
  put_opt(w, fields, cf::kKeyType, q.type);
  put_opt(w, fields, cf::kKeyTarget, q.target);
  put_opt(w, fields, cf::kKeyCorrelation, q.correlation_id);
  put_uint(w, fields, cf::kKeyCursor, req.cursor, 0);
}

std::string encode_query_request(const QueryRequest& req, std::uint64_t rid) {
  std::string fields_body;
  MsgpackWriter fw(fields_body);
  std::uint32_t fields = 0;
  encode_query_fields(req, fw, fields);
  std::string out;
  MsgpackWriter w(out);
  w.map_header(2 + fields);
  w.str("op");
  w.str(cf::kOpQuery);
  w.str("rid");
  w.uint(rid);
  return out + fields_body;
}

Result<bool> read_query_field(std::string_view key, MsgpackReader& r, QueryRequest& req) {
  persist::LogQuery& q = req.query;
  if (key == cf::kKeyFromOffset) return read_uint_into(r, key, q.from_offset);
  if (key == cf::kKeyToOffset) return read_uint_into(r, key, q.to_offset);
  if (key == cf::kKeyFromWallMs) return read_uint_into(r, key, q.from_wall_ms);
  if (key == cf::kKeyToWallMs) return read_uint_into(r, key, q.to_wall_ms);
  if (key == cf::kKeyCursor) return read_uint_into(r, key, req.cursor);
  if (key == cf::kKeyNode) return read_str_into(r, key, q.publisher);
  if (key == cf::kKeySource) return read_str_into(r, key, q.source);
  if (key == cf::kKeyType) return read_str_into(r, key, q.type);
  if (key == cf::kKeyTarget) return read_str_into(r, key, q.target);
  if (key == cf::kKeyCorrelation) return read_str_into(r, key, q.correlation_id);
  return false;
}

Result<QuerySlice> query_log(persist::EventLog& log, const QueryRequest& req) {
  persist::LogQuery q = req.query;
  q.from_offset = std::max(q.from_offset, req.cursor);
  q.limit = 0;  // the page ends in the visitor
  const std::size_t max = page_size(req.query);
  q.max_records_read = cf::kMaxQueryScanRecords;
  QuerySlice slice;
  slice.from_log = true;
  std::size_t bytes = 0;
  persist::ScanStats stats;
  Status st = log.replay_raw(
      q,
      [&](const persist::RawEntry& e) {
        if (add(slice, e.envelope, e.offset, max, bytes)) return true;
        slice.next = e.offset + 1;  // full: the next page starts after this record
        return false;
      },
      &stats);
  if (!st) return st.error();
  if (slice.next == 0) slice.next = stats.resume_offset;  // the read budget ran out
  if (slice.next > q.to_offset) slice.next = 0;
  return slice;
}

Result<QuerySlice> query_ring(const RetainRing& ring, std::string_view node_name,
                              const QueryRequest& req) {
  const persist::LogQuery& q = req.query;
  if (q.from_offset != 0 || q.to_offset != UINT64_MAX) {
    return Error::invalid("log offset bounds need the node's event log (NodeConfig::log_dir); "
                          "this node only keeps recent events: filter by seq or time");
  }
  const std::size_t first_ch = static_cast<std::size_t>(req.cursor >> cf::kRingCursorShift);
  const std::uint64_t cursor_seq = req.cursor & ((std::uint64_t{1} << cf::kRingCursorShift) - 1);
  if (first_ch >= kChannelCount) return Error::invalid("'cur' is not a cursor of this node");
  QuerySlice slice;
  if (q.publisher && *q.publisher != node_name) return slice;
  const std::size_t max = page_size(q);
  std::size_t bytes = 0;
  for (std::size_t ci = first_ch; ci < kChannelCount; ++ci) {
    const Channel ch = kAllChannels[ci];
    if (q.channel && *q.channel != ch) continue;
    std::uint64_t seq = std::max(q.from_seq, ci == first_ch ? cursor_seq : 0);
    for (;;) {
      std::uint64_t oldest = 0;
      auto chunk = ring.range(ch, seq, q.to_seq, cf::kMaxQueryBatch, &oldest);
      seq = std::max(seq, oldest);  // the ring holds contiguous seqs from here
      for (const std::string& env : chunk) {
        ++seq;
        auto h = persist::peek_envelope(env);
        if (!h || !q.matches(*h)) continue;
        if (!add(slice, env, 0, max, bytes)) {
          slice.next = (std::uint64_t{ci} << cf::kRingCursorShift) | seq;
          return slice;
        }
      }
      if (chunk.size() < cf::kMaxQueryBatch) break;
    }
  }
  return slice;
}

}  // namespace vsm::detail
