// Decoding of one control-plane request (control_format.hpp, docs/PROTOCOL.md §2), apart
// from the ControlServer's socket so that tests and the fuzzer reach it directly.
// Untrusted bytes: never throws or crashes; a malformed request is kInvalid (kTooLarge
// above kMaxRequestBytes) with a message for the error reply. Thread-safety: pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "control/control_format.hpp"
#include "control/control_query.hpp"
#include "vsm/channel.hpp"
#include "vsm/result.hpp"

namespace vsm::detail {

struct ControlRequest {
  std::string_view op;  // a view into the decoded bytes: keep them alive
  std::uint64_t rid = 0;
  std::optional<Channel> channel;
  std::uint64_t from = 0;
  std::uint64_t to = UINT64_MAX;
  std::uint64_t max = control_format::kMaxReplayBatch;  // replay: 0 = an empty page
  QueryRequest query;  // the query-only keys
};

// `*rid` is set as soon as the request id is read, so errors after it can still reach
// the waiting client instead of being dropped as a stale reply.
Result<ControlRequest> parse_control_request(std::string_view bytes, std::uint64_t* rid);

// The replay keys a query shares (channel, seq range, max) joined with its own.
QueryRequest as_query(const ControlRequest& req);

}  // namespace vsm::detail
