// Rate-limited warnings for refused connections and dropped events (docs/SECURITY.md
// §6.5): the first refusal of an interval is logged with its peer address and reason;
// later ones in the same interval are only counted and summarised by the next warning,
// so a hostile peer cannot flood the log. Sans-I/O: the caller passes the time.
// Thread-safety: note() is thread-safe (leaf mutex).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace vsm::detail {

class RefusalLog {
 public:
  // `what` reads before the peer: "refused a connection from", "cannot connect to".
  RefusalLog(std::string node, std::string what, std::uint64_t interval_ms)
      : node_(std::move(node)), what_(std::move(what)), interval_ms_(interval_ms) {}

  // Records one refusal. Returns the warning to log now (empty: only counted).
  std::string note(std::string_view peer, std::string_view reason, std::uint64_t now_ms);
  // note(), logging the warning through spdlog.
  void warn(std::string_view peer, std::string_view reason, std::uint64_t now_ms);

 private:
  const std::string node_;
  const std::string what_;
  const std::uint64_t interval_ms_;
  std::mutex mu_;
  bool logged_ = false;
  std::uint64_t next_ms_ = 0;
  std::uint64_t suppressed_ = 0;
};

}  // namespace vsm::detail
