// Bounds the memory of control-plane replies that clients have not read yet (a client
// that sends requests and never reads must not grow the node). Every reply is handed to
// ZeroMQ zero-copy; its bytes count against its client and against the node until
// ZeroMQ has written its last frame to the connection or dropped it (a client that
// leaves drops them all at once). The control server asks refuse() before serving a
// request: a client with `client_replies` replies or `client_bytes` bytes in flight, or
// any client while the node has `total_bytes` in flight, gets a short "busy" error
// instead. So reply memory stays below total_bytes plus one reply (a reply is capped,
// control_format.hpp). After a burst drains, take_trim_due() tells the control thread
// to hand the freed heap back to the operating system.
// Thread-safety: every method is thread-safe (one leaf mutex); frames are released on
// ZeroMQ's I/O threads. Lifetime: shared; each reply in flight holds a reference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <zmq.hpp>

namespace vsm::detail {

struct ReplyLimits {
  std::size_t client_replies = 4;             // replies in flight per client
  std::size_t client_bytes = 16u << 20;       // reply bytes in flight per client
  std::size_t total_bytes = 64u << 20;        // reply bytes in flight, all clients
};

class ReplyBudget : public std::enable_shared_from_this<ReplyBudget> {
 public:
  // Heap returned to the OS once in-flight bytes drain from a peak at least this high.
  static constexpr std::size_t kTrimAfterBytes = 4u << 20;

  static std::shared_ptr<ReplyBudget> create(ReplyLimits limits) {
    return std::shared_ptr<ReplyBudget>(new ReplyBudget(limits));
  }

  // Empty when `client` may be sent another reply; otherwise why not (for the error).
  std::optional<std::string> refuse(std::string_view client) const;
  // The frames (`body` first, then `frames`) as zero-copy messages charged to `client`
  // until ZeroMQ releases the last of them (destroying an unsent message releases it).
  std::vector<zmq::message_t> messages(std::string_view client, std::string body,
                                       std::vector<std::string> frames);

  std::size_t bytes_in_flight() const;
  std::size_t clients_in_flight() const;
  // True once each time the bytes in flight fell to 0 from a peak >= kTrimAfterBytes.
  bool take_trim_due();

 private:
  struct Block;  // one reply's frames and its charge
  struct Use {
    std::size_t replies = 0;
    std::size_t bytes = 0;
  };

  explicit ReplyBudget(ReplyLimits limits) : limits_(limits) {}
  static void release_frame(void* data, void* hint);
  void release(const std::string& client, std::size_t bytes);

  const ReplyLimits limits_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Use> clients_;  // under mu_: only clients with replies in flight
  std::size_t total_ = 0;                         // under mu_
  std::size_t peak_ = 0;                          // under mu_: since the last trim
  bool trim_due_ = false;                         // under mu_
};

}  // namespace vsm::detail
