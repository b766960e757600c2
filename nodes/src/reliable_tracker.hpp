// Sans-I/O core of Reliable delivery for one subscription: per (publisher, channel)
// stream it delivers events in sequence order without duplicates, buffers events that
// arrive after a gap, asks for the missing range, and turns ranges that cannot be
// repaired into dead letters. Time and I/O stay outside: the node feeds it events,
// repair results and publisher "hello" heads, and executes the RepairRequests it emits.
// Thread-safety: none; owned by the node's reactor thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vsm/event.hpp"
#include "vsm/subscription.hpp"

namespace vsm::detail {

struct RepairRequest {
  std::string publisher;
  Channel channel;
  std::uint64_t from;
  std::uint64_t to;
};

struct TrackerOutput {
  std::vector<Event> deliver;          // in order, ready for the subscription queue
  std::vector<RepairRequest> repairs;  // ranges to fetch from publishers
  std::vector<DeadLetter> dead;        // ranges given up
};

class ReliableTracker {
 public:
  // `start_seq` 0: start at the first live event of each stream; n > 0: start every
  // stream at seq n (1 = full retained history, then live).
  ReliableTracker(std::uint64_t start_seq, std::size_t max_buffered, int max_attempts);

  void on_live(Event&& event, TrackerOutput& out);
  // A publisher announced its last published seq on a channel (tail-loss detection).
  void on_head(const std::string& publisher, Channel channel, std::uint64_t last, TrackerOutput& out);
  // Result of a RepairRequest: events (any order, may be partial), and the oldest seq
  // the publisher still retains (0 = none).
  void on_repaired(const RepairRequest& req, std::vector<Event>&& events, std::uint64_t oldest,
                   TrackerOutput& out);
  // A RepairRequest failed (timeout, breaker open, unknown control endpoint).
  void on_repair_failed(const RepairRequest& req, const std::string& reason, TrackerOutput& out);

  std::uint64_t duplicates() const noexcept { return duplicates_; }
  std::size_t buffered() const noexcept { return buffered_; }

 private:
  struct Stream {
    std::uint64_t next = 0;              // next seq to deliver (0 = not started)
    std::map<std::uint64_t, Event> held;  // arrived beyond a gap
    bool repairing = false;
    int attempts = 0;
  };
  Stream& stream(const std::string& publisher, Channel channel);
  void accept(Stream& s, Event&& e, TrackerOutput& out);
  void drain(Stream& s, TrackerOutput& out);
  void request_gap(Stream& s, const std::string& publisher, Channel channel, std::uint64_t to,
                   TrackerOutput& out);
  void give_up(Stream& s, const std::string& publisher, Channel channel, std::uint64_t to,
               const std::string& reason, TrackerOutput& out);

  const std::uint64_t start_seq_;
  const std::size_t max_buffered_;
  const int max_attempts_;
  std::map<std::pair<std::string, Channel>, Stream> streams_;
  std::size_t buffered_ = 0;
  std::uint64_t duplicates_ = 0;
};

}  // namespace vsm::detail
