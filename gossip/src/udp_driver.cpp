#include "vsm/gossip/udp_driver.hpp"
#include "vsm/monotonic_clock.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>

#include <spdlog/spdlog.h>

#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/gossip_format.hpp"
#include "vsm/gossip/membership.hpp"

namespace vsm::gossip {
namespace {

// "a.b.c.d:port" -> sockaddr_in; false when malformed.
bool parse_address(const std::string& text, sockaddr_in& out) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = text.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  unsigned long port = 0;
  try {
    port = std::stoul(text.substr(colon + 1));
  } catch (...) {
    return false;
  }
  if (port == 0 || port > 65535) return false;
  std::memset(&out, 0, sizeof out);
  out.sin_family = AF_INET;
  out.sin_port = htons(static_cast<std::uint16_t>(port));
  return inet_pton(AF_INET, host.c_str(), &out.sin_addr) == 1;
}

std::string format_address(const sockaddr_in& a) {
  char buf[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &a.sin_addr, buf, sizeof buf);
  return std::string(buf) + ":" + std::to_string(ntohs(a.sin_port));
}

}  // namespace

UdpDriver::UdpDriver(UdpDriverConfig config) : config_(std::move(config)) {}

UdpDriver::~UdpDriver() { stop(); }

void UdpDriver::on_event(EventCallback callback) { event_cb_ = std::move(callback); }
void UdpDriver::on_partition(PartitionCallback callback) { partition_cb_ = std::move(callback); }

Status UdpDriver::start() {
  if (config_.name.empty()) return Error::invalid("UdpDriverConfig.name must not be empty");
  if (fd_ >= 0) return Error::invalid("UdpDriver already started");
  sockaddr_in addr{};
  if (!parse_address(config_.bind_address + ":1", addr)) {
    return Error::invalid("bind_address must be an IPv4 literal, got '" + config_.bind_address + "'");
  }
  addr.sin_port = htons(config_.bind_port);
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return Error::io(std::string("socket: ") + std::strerror(errno));
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::string why = std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
    return Error::io("bind " + config_.bind_address + ":" + std::to_string(config_.bind_port) +
                     ": " + why);
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);

  Member self;
  self.name = config_.name;
  self.role = config_.role;
  self.endpoints = config_.endpoints;
  self.endpoints.gossip = gossip_address();
  self.tags = config_.tags;
  if (encode_message(Alive{self}).size() > format::kMaxRecordBytes) {
    ::close(fd_);
    fd_ = -1;
    return Error::too_large("member record (endpoints + tags) does not fit a gossip datagram");
  }
  std::uint64_t seed = config_.rng_seed != 0 ? config_.rng_seed : std::random_device{}();
  membership_ = std::make_unique<Membership>(config_.membership, std::move(self), seed);
  detector_ = std::make_unique<PartitionDetector>(config_.partition, config_.name);
  membership_->join(vsm::monotonic_ms(), config_.seeds);
  {
    std::lock_guard lock(mu_);
    members_snapshot_ = membership_->members();
  }
  // From here on only the driver thread touches membership_ (callbacks run there too).
  thread_ = std::jthread([this](std::stop_token st) { run(std::move(st)); });
  return {};
}

void UdpDriver::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  // A member or partition callback may stop its node from this very thread: it ends
  // after the callback returns and a later stop() from another thread joins it.
  if (thread_.get_id() == std::this_thread::get_id()) return;
  thread_.join();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string UdpDriver::gossip_address() const {
  const std::string& host =
      config_.advertise_address.empty() ? config_.bind_address : config_.advertise_address;
  return host + ":" + std::to_string(port_);
}

Status UdpDriver::update_local(Endpoints endpoints, std::map<std::string, std::string> tags) {
  Member probe;
  probe.name = config_.name;
  probe.endpoints = endpoints;
  probe.tags = tags;
  if (encode_message(Alive{probe}).size() > format::kMaxRecordBytes) {
    return Error::too_large("member record (endpoints + tags) does not fit a gossip datagram");
  }
  std::lock_guard lock(mu_);
  pending_update_.emplace(std::move(endpoints), std::move(tags));
  return {};
}

std::vector<Member> UdpDriver::members() const {
  std::lock_guard lock(mu_);
  return members_snapshot_;
}
PartitionState UdpDriver::partition_state() const {
  std::lock_guard lock(mu_);
  return partition_snapshot_.state;
}
PartitionView UdpDriver::partition_view() const {
  std::lock_guard lock(mu_);
  return partition_snapshot_;
}
GossipStats UdpDriver::stats() const {
  std::lock_guard lock(mu_);
  return stats_snapshot_;
}
bool UdpDriver::joined() const {
  std::lock_guard lock(mu_);
  return joined_snapshot_;
}

void UdpDriver::run(std::stop_token stop) {
  pthread_setname_np(pthread_self(), "vsm-gossip");
  std::uint64_t next_tick = vsm::monotonic_ms();
  flush();
  publish(next_tick, true);
  while (!stop.stop_requested()) {
    std::uint64_t now = vsm::monotonic_ms();
    int wait = next_tick > now ? static_cast<int>(next_tick - now) : 0;
    pollfd p{fd_, POLLIN, 0};
    ::poll(&p, 1, wait);
    now = vsm::monotonic_ms();
    receive_all(now);
    if (now >= next_tick) {
      apply_pending(now);
      membership_->tick(now);
      next_tick = now + config_.tick_interval_ms;
    }
    flush();
    publish(now, false);
  }
  spread_leave();
}

void UdpDriver::spread_leave() {
  const std::uint64_t start = vsm::monotonic_ms();
  membership_->leave(start);
  flush();
  while (membership_->pending_broadcasts() > 0 &&
         vsm::monotonic_ms() < start + config_.leave_timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(config_.tick_interval_ms));
    receive_all(vsm::monotonic_ms());
    membership_->tick(vsm::monotonic_ms());
    flush();
  }
  publish(vsm::monotonic_ms(), true);
}

void UdpDriver::receive_all(std::uint64_t now_ms) {
  // One byte more than the limit so oversized datagrams are seen (and counted) as such.
  char buf[format::kMaxDatagramBytes + 1];
  for (int i = 0; i < 256; ++i) {  // bounded so ticks are never starved
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(fd_, buf, sizeof buf, MSG_TRUNC, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return;  // EAGAIN or a transient error (e.g. ICMP port unreachable)
    auto size = std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf);
    membership_->receive(now_ms, format_address(from), std::string_view(buf, size));
  }
}

void UdpDriver::flush() {
  for (const Datagram& d : membership_->take_datagrams()) {
    sockaddr_in to{};
    if (!parse_address(d.address, to)) {
      ++send_errors_;
      continue;
    }
    ssize_t n = ::sendto(fd_, d.bytes.data(), d.bytes.size(), 0,
                         reinterpret_cast<sockaddr*>(&to), sizeof to);
    if (n < 0) ++send_errors_;
  }
}

void UdpDriver::apply_pending(std::uint64_t now_ms) {
  std::optional<std::pair<Endpoints, std::map<std::string, std::string>>> update;
  {
    std::lock_guard lock(mu_);
    update.swap(pending_update_);
  }
  if (!update) return;
  update->first.gossip = gossip_address();
  auto status = membership_->update_local(now_ms, std::move(update->first), std::move(update->second));
  if (!status) spdlog::warn("gossip: update_local rejected: {}", status.error().to_string());
}

void UdpDriver::publish(std::uint64_t now_ms, bool force) {
  auto events = membership_->take_events();
  std::optional<PartitionEvent> pev;
  if (force || !events.empty() || now_ms >= next_eval_ms_) {
    next_eval_ms_ = now_ms + config_.partition_eval_interval_ms;
    pev = detector_->evaluate(now_ms, membership_->members(), membership_->local_unreachable(),
                              membership_->reach_reports());
  }
  if (force || !events.empty() || pev || now_ms >= next_publish_ms_) {
    next_publish_ms_ = now_ms + 250;
    GossipStats s = membership_->stats();
    s.send_errors += send_errors_;
    std::lock_guard lock(mu_);
    members_snapshot_ = membership_->members();
    partition_snapshot_ = detector_->view();
    stats_snapshot_ = std::move(s);
    joined_snapshot_ = membership_->joined();
  }
  // Callbacks run without the lock so they may call members() etc.
  if (event_cb_) {
    for (const auto& e : events) event_cb_(e);
  }
  if (pev && partition_cb_) partition_cb_(*pev);
}

}  // namespace vsm::gossip
