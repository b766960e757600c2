#include "stream_transport.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "socket_address.hpp"
#include "vsm/gossip/gossip_format.hpp"

namespace vsm::gossip::detail {
namespace {

std::string with_length_prefix(std::string_view frame) {
  std::string out(format::kFrameLengthBytes, '\0');
  const auto n = static_cast<std::uint32_t>(frame.size());
  for (std::size_t i = 0; i < format::kFrameLengthBytes; ++i) {
    out[i] = static_cast<char>(n >> (24 - 8 * i));
  }
  out.append(frame);
  return out;
}

std::uint32_t length_of(std::string_view prefix) {
  std::uint32_t n = 0;
  for (std::size_t i = 0; i < format::kFrameLengthBytes; ++i) {
    n = (n << 8) | static_cast<unsigned char>(prefix[i]);
  }
  return n;
}

}  // namespace

StreamTransport::~StreamTransport() {
  for (Conn& c : conns_) ::close(c.fd);
  if (listener_ >= 0) ::close(listener_);
}

Status StreamTransport::listen(const sockaddr_in& address) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listener_ < 0) return Error::io(std::string("tcp socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // TIME_WAIT only
  if (::bind(listener_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 64) != 0) {
    std::string why = std::strerror(errno);
    ::close(listener_);
    listener_ = -1;
    return Error::io("tcp bind " + format_socket_address(address) + ": " + why);
  }
  return {};
}

void StreamTransport::start(std::uint64_t now_ms, StreamRequest request, Membership& m) {
  sockaddr_in to{};
  int fd = -1;
  if (parse_socket_address(request.address, to)) {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  }
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0 &&
      errno != EINPROGRESS) {
    ::close(fd);
    fd = -1;
  }
  if (fd < 0) {
    m.stream_failed(now_ms, request.id);
    return;
  }
  Conn c;
  c.fd = fd;
  c.outbound = true;
  c.connecting = true;
  c.id = request.id;
  c.peer = request.address;
  c.deadline_ms = now_ms + limits_.timeout_ms;
  c.out = with_length_prefix(request.frame);
  conns_.push_back(std::move(c));
}

void StreamTransport::poll_set(std::vector<pollfd>& fds) const {
  fds.push_back({listener_, POLLIN, 0});
  for (const Conn& c : conns_) {
    const bool writing = c.connecting || c.out_pos < c.out.size();
    fds.push_back({c.fd, static_cast<short>(writing ? POLLOUT : POLLIN), 0});
  }
}

int StreamTransport::next_timeout_ms(std::uint64_t now_ms, int cap) const {
  int wait = cap;
  for (const Conn& c : conns_) {
    const auto left = c.deadline_ms > now_ms ? c.deadline_ms - now_ms : 0;
    wait = std::min<int>(wait, static_cast<int>(std::min<std::uint64_t>(left, 1u << 30)));
  }
  return wait;
}

void StreamTransport::process(std::uint64_t now_ms, const pollfd* fds, Membership& m) {
  const bool accept_ready = listener_ >= 0 && (fds[0].revents & POLLIN) != 0;
  // Connections polled this round are conns_[0, polled); new ones are appended after.
  const std::size_t polled = conns_.size();
  std::vector<bool> finished(polled, false);
  for (std::size_t i = 0; i < polled; ++i) {
    Conn& c = conns_[i];
    if (now_ms >= c.deadline_ms) {
      fail(now_ms, c, m, DropReason::kTruncated);
      finished[i] = true;
    } else if (fds[1 + i].revents != 0) {
      finished[i] = !step(now_ms, c, fds[1 + i].revents, m);
    }
  }
  for (std::size_t i = polled; i-- > 0;) {
    if (!finished[i]) continue;
    ::close(conns_[i].fd);
    conns_.erase(conns_.begin() + static_cast<std::ptrdiff_t>(i));
  }
  if (accept_ready) accept_all(now_ms, m);
}

std::size_t StreamTransport::inbound_count() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(conns_.begin(), conns_.end(), [](const Conn& c) { return !c.outbound; }));
}

void StreamTransport::accept_all(std::uint64_t now_ms, Membership& m) {
  for (int i = 0; i < 64; ++i) {  // bounded: the tick is never starved
    sockaddr_in from{};
    socklen_t len = sizeof from;
    int fd = ::accept4(listener_, reinterpret_cast<sockaddr*>(&from), &len,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or a connection reset before we got to it
    const std::string peer = format_socket_address(from);
    if (!m.network_filter().allows_address(peer)) {
      m.stream_dropped(DropReason::kNotAllowed);
      ::close(fd);
      continue;
    }
    if (inbound_count() >= limits_.max_inbound) {
      ++refused_;
      ::close(fd);
      continue;
    }
    Conn c;
    c.fd = fd;
    c.peer = peer;
    c.deadline_ms = now_ms + limits_.timeout_ms;
    conns_.push_back(std::move(c));
  }
}

bool StreamTransport::read_frame(Conn& c, bool& complete, DropReason& why) const {
  complete = false;
  char buf[16 * 1024];
  for (;;) {
    std::size_t want = format::kFrameLengthBytes;
    if (c.in.size() >= format::kFrameLengthBytes) {
      const std::uint32_t n = length_of(c.in);
      if (n > limits_.max_frame_bytes) {
        why = DropReason::kOversized;
        return false;
      }
      want += n;
    }
    if (c.in.size() == want && want > format::kFrameLengthBytes) {
      complete = true;
      return true;
    }
    // Never read past the frame: whatever follows it is not ours to buffer.
    const std::size_t chunk = std::min(sizeof buf, want - c.in.size());
    const ssize_t got = ::recv(c.fd, buf, chunk, 0);
    if (got > 0) {
      c.in.append(buf, static_cast<std::size_t>(got));
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return true;
    why = DropReason::kTruncated;  // closed or reset mid-frame
    return false;
  }
}

bool StreamTransport::step(std::uint64_t now_ms, Conn& c, short revents, Membership& m) {
  if (c.connecting) {
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0 || (revents & (POLLERR | POLLHUP)) != 0) {
      fail(now_ms, c, m, DropReason::kTruncated);
      return false;
    }
    c.connecting = false;
  }
  if (c.out_pos < c.out.size()) {
    const ssize_t n = ::send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      fail(now_ms, c, m, DropReason::kTruncated);
      return false;
    }
    if (n > 0) c.out_pos += static_cast<std::size_t>(n);
    // A server is done once its reply is out; a client now waits for the reply.
    return c.out_pos < c.out.size() || c.outbound;
  }
  bool complete = false;
  DropReason why = DropReason::kTruncated;
  if (!read_frame(c, complete, why)) {
    fail(now_ms, c, m, why);
    return false;
  }
  if (!complete) return true;
  const std::string_view frame = std::string_view(c.in).substr(format::kFrameLengthBytes);
  if (c.outbound) {
    m.stream_reply(now_ms, c.id, frame);
    return false;
  }
  auto reply = m.handle_stream(now_ms, c.peer, frame);
  if (!reply) return false;
  c.out = with_length_prefix(*reply);
  c.out_pos = 0;
  c.in.clear();
  return step(now_ms, c, 0, m);  // try to write at once
}

void StreamTransport::fail(std::uint64_t now_ms, Conn& c, Membership& m, DropReason why) {
  if (c.outbound) {
    m.stream_failed(now_ms, c.id);
  } else {
    m.stream_dropped(why);
  }
}

void StreamTransport::close_all(std::uint64_t now_ms, Membership& m) {
  for (Conn& c : conns_) {
    if (c.outbound) m.stream_failed(now_ms, c.id);
    ::close(c.fd);
  }
  conns_.clear();
  if (listener_ >= 0) ::close(listener_);
  listener_ = -1;
}

}  // namespace vsm::gossip::detail
