// Errors as values at module boundaries (STYLE rule 3).
// `Error` carries a code and a message that says what was wrong and what to do;
// `Result<T>` holds either a T or an Error, never "OK without a value".
// Thread-safety: plain values, safe to move between threads.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace vsm {

enum class ErrorCode {
  kInvalid = 1,               // bad argument or malformed input
  kQueueFull,                 // bounded queue at capacity
  kQuotaExceeded,             // variety quota (token bucket) exhausted
  kSubscriberUnavailable,     // no subscriber / peer can be reached
  kDeliveryTimeout,           // deadline passed before confirmation
  kShuttingDown,              // the object is closing or closed
  kBlocked,                   // channel flow rule rejected the event
  kTooLarge,                  // exceeds a configured size limit
  kCorruption,                // stored data failed a checksum or framing check
  kIo,                        // operating system / socket / file error
  kNotFound,                  // requested item does not exist
  kUnsupported,               // newer format version or unknown feature
  kAlreadyExists,             // e.g. a log directory already locked by a writer
  kClosed,                    // pending operation failed because of close()
  kBackpressure,              // a Reliable subscriber's flow-control window is full
  kNoSpace,                   // the disk (or quota) is full: ENOSPC / EDQUOT
  kDegraded,                  // refused on a degraded (non-viable) side of a partition
};

// Stable lower-case name of a code, e.g. "queue_full".
std::string_view error_code_name(ErrorCode code) noexcept;

class [[nodiscard]] Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Error invalid(std::string m) { return {ErrorCode::kInvalid, std::move(m)}; }
  static Error queue_full(std::string m) { return {ErrorCode::kQueueFull, std::move(m)}; }
  static Error quota_exceeded(std::string m) { return {ErrorCode::kQuotaExceeded, std::move(m)}; }
  static Error subscriber_unavailable(std::string m) {
    return {ErrorCode::kSubscriberUnavailable, std::move(m)};
  }
  static Error delivery_timeout(std::string m) { return {ErrorCode::kDeliveryTimeout, std::move(m)}; }
  static Error shutting_down(std::string m) { return {ErrorCode::kShuttingDown, std::move(m)}; }
  static Error blocked(std::string m) { return {ErrorCode::kBlocked, std::move(m)}; }
  static Error too_large(std::string m) { return {ErrorCode::kTooLarge, std::move(m)}; }
  static Error corruption(std::string m) { return {ErrorCode::kCorruption, std::move(m)}; }
  static Error io(std::string m) { return {ErrorCode::kIo, std::move(m)}; }
  static Error not_found(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
  static Error unsupported(std::string m) { return {ErrorCode::kUnsupported, std::move(m)}; }
  static Error already_exists(std::string m) { return {ErrorCode::kAlreadyExists, std::move(m)}; }
  static Error closed(std::string m) { return {ErrorCode::kClosed, std::move(m)}; }
  static Error backpressure(std::string m) { return {ErrorCode::kBackpressure, std::move(m)}; }
  static Error no_space(std::string m) { return {ErrorCode::kNoSpace, std::move(m)}; }
  static Error degraded(std::string m) { return {ErrorCode::kDegraded, std::move(m)}; }

  ErrorCode code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  // "<code name>: <message>", for logs and CLI output.
  std::string to_string() const;

 private:
  ErrorCode code_;
  std::string message_;
};

// Either a value or an Error. Usage:
//   Result<Event> r = decode_event(bytes);
//   if (!r) { spdlog::warn("{}", r.error().to_string()); return; }
//   use(r.value());
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}       // NOLINT: implicit by design

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  // REQUIRES: ok()
  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
  }

  // REQUIRES: !ok()
  const Error& error() const& { assert(!ok()); return std::get<1>(v_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

// Result of an operation with no value: empty optional-like status.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), has_error_(true) {}  // NOLINT

  static Status ok_status() { return {}; }
  bool ok() const noexcept { return !has_error_; }
  explicit operator bool() const noexcept { return ok(); }
  // REQUIRES: !ok()
  const Error& error() const { assert(has_error_); return error_; }

 private:
  Error error_{ErrorCode::kInvalid, {}};
  bool has_error_ = false;
};

}  // namespace vsm
