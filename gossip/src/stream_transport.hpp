// The TCP half of UdpDriver: push-pull exchanges as one length-prefixed frame each way
// (gossip_format.hpp "Stream frame") on short-lived connections. A listener on the
// gossip port answers requests through Membership::handle_stream(); outgoing exchanges
// come from Membership::take_stream_requests() and end in stream_reply()/stream_failed().
// Every connection is non-blocking, carries one exchange, lasts at most timeout_ms and
// buffers at most one frame each way; inbound connections beyond max_inbound, from
// outside the allowed networks, or announcing frames over max_frame_bytes are closed and
// counted. Driver thread only: not thread-safe. Internal to vsm_gossip.
#pragma once

#include <netinet/in.h>
#include <poll.h>

#include <cstdint>
#include <string>
#include <vector>

#include "vsm/gossip/membership.hpp"
#include "vsm/result.hpp"

namespace vsm::gossip::detail {

class StreamTransport {
 public:
  struct Limits {
    std::size_t max_frame_bytes = 4u << 20;
    std::uint64_t timeout_ms = 2'000;
    std::size_t max_inbound = 16;
  };

  explicit StreamTransport(Limits limits) : limits_(limits) {}
  ~StreamTransport();
  StreamTransport(const StreamTransport&) = delete;
  StreamTransport& operator=(const StreamTransport&) = delete;

  // Binds and listens on `address` (the UDP socket's address and port). Error kIo.
  Status listen(const sockaddr_in& address);
  // Starts an outgoing exchange; a failure to start is reported at once.
  void start(std::uint64_t now_ms, StreamRequest request, Membership& membership);
  // Appends the descriptors to poll: the listener, then every connection in order.
  void poll_set(std::vector<pollfd>& fds) const;
  // Handles the poll results of `fds` (exactly what poll_set() appended), accepts new
  // connections and expires overdue ones.
  void process(std::uint64_t now_ms, const pollfd* fds, Membership& membership);
  // Milliseconds until the earliest deadline, at most `cap`.
  int next_timeout_ms(std::uint64_t now_ms, int cap) const;
  // Fails every outgoing exchange and closes every socket (listener included).
  void close_all(std::uint64_t now_ms, Membership& membership);

  std::uint64_t refused() const noexcept { return refused_; }
  std::size_t connections() const noexcept { return conns_.size(); }

 private:
  struct Conn {
    int fd = -1;
    bool outbound = false;
    bool connecting = false;
    std::uint64_t id = 0;  // exchange id (outbound)
    std::string peer;      // "a.b.c.d:port"
    std::uint64_t deadline_ms = 0;
    std::string out;       // length prefix + frame still to write from out_pos
    std::size_t out_pos = 0;
    std::string in;        // length prefix + frame read so far
  };

  void accept_all(std::uint64_t now_ms, Membership& m);
  // Advances one connection; false once it is finished (and reported).
  bool step(std::uint64_t now_ms, Conn& c, short revents, Membership& m);
  bool read_frame(Conn& c, bool& complete, DropReason& why) const;
  void fail(std::uint64_t now_ms, Conn& c, Membership& m, DropReason why);
  std::size_t inbound_count() const noexcept;

  Limits limits_;
  int listener_ = -1;
  std::vector<Conn> conns_;
  std::uint64_t refused_ = 0;
};

}  // namespace vsm::gossip::detail
