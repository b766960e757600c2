#include "vsm/result.hpp"

namespace vsm {

std::string_view error_code_name(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kInvalid: return "invalid";
    case ErrorCode::kQueueFull: return "queue_full";
    case ErrorCode::kQuotaExceeded: return "quota_exceeded";
    case ErrorCode::kSubscriberUnavailable: return "subscriber_unavailable";
    case ErrorCode::kDeliveryTimeout: return "delivery_timeout";
    case ErrorCode::kShuttingDown: return "shutting_down";
    case ErrorCode::kBlocked: return "blocked";
    case ErrorCode::kTooLarge: return "too_large";
    case ErrorCode::kCorruption: return "corruption";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kAlreadyExists: return "already_exists";
    case ErrorCode::kClosed: return "closed";
    case ErrorCode::kBackpressure: return "backpressure";
    case ErrorCode::kNoSpace: return "no_space";
    case ErrorCode::kDegraded: return "degraded";
  }
  return "unknown";
}

std::string Error::to_string() const {
  std::string s(error_code_name(code_));
  s += ": ";
  s += message_;
  return s;
}

}  // namespace vsm
