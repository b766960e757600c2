// The control plane's `query` op (control_format.hpp, docs/PROTOCOL.md §2.1): its
// request fields on the wire, and serving one page of matching events from the node's
// event log or, without a log, from the retained ring (seq, channel, time and envelope
// filters; no log offsets there). Replies carry the stored envelopes as they are, never
// re-encoded. Thread-safety: pure functions over thread-safe stores.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "publish/retain_ring.hpp"
#include "vsm/msgpack_reader.hpp"
#include "vsm/msgpack_writer.hpp"
#include "vsm/persist/event_log.hpp"
#include "vsm/persist/log_query.hpp"
#include "vsm/result.hpp"

namespace vsm::detail {

struct QueryRequest {
  persist::LogQuery query;  // query.limit: most events in this page (capped by the server)
  std::uint64_t cursor = 0;  // "next" of the previous page; 0 = from the start
};

struct QuerySlice {
  std::vector<std::string> events;     // encoded envelopes, in log (ring: seq) order
  std::vector<std::uint64_t> offsets;  // log offset of each event (0 from the ring)
  std::uint64_t next = 0;              // cursor of the next page; 0 = no more
  bool from_log = false;
};

// Appends the query fields of `req` other than op/rid as map pairs; adds their count
// to `fields`.
void encode_query_fields(const QueryRequest& req, MsgpackWriter& w, std::uint32_t& fields);
// The whole `query` request frame: op, rid and the fields of `req` (docs/PROTOCOL.md §2).
std::string encode_query_request(const QueryRequest& req, std::uint64_t rid);
// Reads the value of `key` into `req` if it is a query field: returns false for other
// keys, an error for a malformed value.
Result<bool> read_query_field(std::string_view key, MsgpackReader& r, QueryRequest& req);

Result<QuerySlice> query_log(persist::EventLog& log, const QueryRequest& req);
// `node_name`: every event in the ring was published by this node.
Result<QuerySlice> query_ring(const RetainRing& ring, std::string_view node_name,
                              const QueryRequest& req);

}  // namespace vsm::detail
