#include "vsm/gossip/udp_driver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <utility>

#include <spdlog/spdlog.h>

#include "socket_address.hpp"
#include "stream_transport.hpp"
#include "vsm/gossip/address.hpp"
#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/gossip_format.hpp"
#include "vsm/gossip/membership.hpp"
#include "vsm/monotonic_clock.hpp"

namespace vsm::gossip {

using detail::format_socket_address;
using detail::parse_socket_address;

namespace {
constexpr std::size_t kMaxPendingAlerts = 1'024;
}  // namespace

UdpDriver::UdpDriver(UdpDriverConfig config) : config_(std::move(config)) {}

UdpDriver::~UdpDriver() { stop(); }

void UdpDriver::on_event(EventCallback callback) { event_cb_ = std::move(callback); }
void UdpDriver::on_partition(PartitionCallback callback) { partition_cb_ = std::move(callback); }

// With a wildcard bind, "the address members reach us at" is the local address this host
// uses towards the first seed (a connected UDP socket sends nothing).
Status UdpDriver::resolve_advertise() {
  if (!config_.advertise_address.empty()) {
    advertise_host_ = config_.advertise_address;
  } else if (!is_wildcard_host(config_.bind_address)) {
    advertise_host_ = config_.bind_address;
  } else {
    for (const auto& seed : config_.seeds) {
      sockaddr_in to{};
      if (!parse_socket_address(seed, to)) continue;
      int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      sockaddr_in local{};
      socklen_t len = sizeof local;
      if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0 &&
          ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0 &&
          local.sin_addr.s_addr != htonl(INADDR_ANY)) {
        advertise_host_ = detail::format_ip(local);
      }
      if (fd >= 0) ::close(fd);
      if (!advertise_host_.empty()) break;
    }
    if (advertise_host_.empty()) {
      return Error::invalid("bind_address " + config_.bind_address +
                            " needs advertise_address (the address other members reach this "
                            "node at) or a seed reachable from this host");
    }
  }
  sockaddr_in probe{};
  if (!parse_socket_address(advertise_host_ + ":1", probe)) {
    return Error::invalid("advertise_address must be an IPv4 literal, got '" + advertise_host_ + "'");
  }
  return {};
}

// UDP first (port 0 picks one), then TCP on the same number; with port 0 a number whose
// TCP side is taken is given back and another one tried.
Status UdpDriver::bind_sockets() {
  sockaddr_in addr{};
  if (!parse_socket_address(config_.bind_address + ":1", addr)) {
    return Error::invalid("bind_address must be an IPv4 literal, got '" + config_.bind_address + "'");
  }
  detail::StreamTransport::Limits limits{config_.membership.push_pull_max_bytes,
                                         config_.membership.push_pull_timeout_ms,
                                         config_.max_stream_connections};
  Status last = Error::io("no free port");
  for (int attempt = 0; attempt < 16; ++attempt) {
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
    streams_ = std::make_unique<detail::StreamTransport>(limits);
    last = streams_->listen(addr);
    if (last.ok()) {
      port_ = ntohs(addr.sin_port);
      return {};
    }
    streams_.reset();
    ::close(fd_);
    fd_ = -1;
    if (config_.bind_port != 0) break;
  }
  return last;
}

Status UdpDriver::start() {
  if (config_.name.empty()) return Error::invalid("UdpDriverConfig.name must not be empty");
  if (fd_ >= 0) return Error::invalid("UdpDriver already started");
  if (auto s = Membership::validate(config_.membership); !s) return s;
  if (auto s = resolve_advertise(); !s) return s;
  if (auto s = bind_sockets(); !s) return s;
  Member self;
  self.name = config_.name;
  self.role = config_.role;
  self.endpoints = config_.endpoints;
  self.endpoints.gossip = gossip_address();
  self.tags = config_.tags;
  if (encode_message(Alive{self}).size() > format::kMaxRecordBytes) {
    streams_.reset();
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
    keyring_ = config_.membership.keyring;
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
  streams_.reset();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string UdpDriver::gossip_address() const {
  const std::string& host = advertise_host_.empty() ? config_.bind_address : advertise_host_;
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

Status UdpDriver::rotate_key(const Key& next) {
  std::lock_guard lock(mu_);
  if (!keyring_) return Error::invalid("gossip key rotation needs a keyring");
  auto rotated = keyring_->rotated(next, vsm::monotonic_ms(), config_.membership.key_grace_ms);
  if (!rotated) return std::move(rotated).error();
  keyring_ = std::make_shared<const Keyring>(std::move(rotated).value());
  pending_keys_.push_back(next);
  return {};
}

void UdpDriver::note_algedonic(std::string source, bool pain, bool critical) {
  std::lock_guard lock(mu_);
  if (pending_alerts_.size() < kMaxPendingAlerts) {
    pending_alerts_.push_back({std::move(source), pain, critical});
  }
}

bool UdpDriver::resolve_partition() {
  std::lock_guard lock(mu_);
  pending_resolve_ = true;
  return partition_snapshot_.awaiting_resolve;
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
  flush(next_tick);
  publish(next_tick, true);
  while (!stop.stop_requested()) {
    std::uint64_t now = vsm::monotonic_ms();
    std::uint64_t until = next_tick;
    if (auto due = gate_.next_due_ms()) until = std::min(until, *due);
    wait_and_receive(now, until > now ? static_cast<int>(until - now) : 0);
    now = vsm::monotonic_ms();
    gate_.release_due(now, [&](std::string_view from, std::string_view d) { deliver(now, from, d); });
    if (now >= next_tick) {
      apply_pending(now);
      membership_->tick(now);
      next_tick = now + config_.tick_interval_ms;
    }
    flush(now);
    publish(now, false);
  }
  spread_leave();
}

void UdpDriver::wait_and_receive(std::uint64_t now_ms, int wait_ms) {
  std::vector<pollfd> fds{{fd_, POLLIN, 0}};
  streams_->poll_set(fds);
  ::poll(fds.data(), fds.size(), streams_->next_timeout_ms(now_ms, wait_ms));
  now_ms = vsm::monotonic_ms();
  receive_all(now_ms);
  streams_->process(now_ms, fds.data() + 1, *membership_);
}

void UdpDriver::spread_leave() {
  const std::uint64_t start = vsm::monotonic_ms();
  membership_->leave(start);
  flush(start);
  while (membership_->pending_broadcasts() > 0 &&
         vsm::monotonic_ms() < start + config_.leave_timeout_ms) {
    wait_and_receive(vsm::monotonic_ms(), static_cast<int>(config_.tick_interval_ms));
    membership_->tick(vsm::monotonic_ms());
    flush(vsm::monotonic_ms());
  }
  streams_->close_all(vsm::monotonic_ms(), *membership_);
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
    const std::string address = format_socket_address(from);
    const std::string_view datagram(buf, size);
    if (!config_.hook) {
      membership_->receive(now_ms, address, datagram);
      continue;
    }
    gate_.apply(config_.hook->inbound(address, now_ms), now_ms, address, datagram,
                [&](std::string_view a, std::string_view d) { deliver(now_ms, a, d); });
  }
}

void UdpDriver::deliver(std::uint64_t now_ms, std::string_view from, std::string_view datagram) {
  membership_->receive(now_ms, from, datagram);
}

void UdpDriver::flush(std::uint64_t now_ms) {
  for (const Datagram& d : membership_->take_datagrams()) {
    sockaddr_in to{};
    if (!parse_socket_address(d.address, to)) {
      ++send_errors_;
      continue;
    }
    ssize_t n = ::sendto(fd_, d.bytes.data(), d.bytes.size(), 0,
                         reinterpret_cast<sockaddr*>(&to), sizeof to);
    if (n < 0) ++send_errors_;
  }
  for (StreamRequest& r : membership_->take_stream_requests()) {
    if (config_.hook && !config_.hook->stream_allowed(r.address, now_ms)) {
      membership_->stream_failed(now_ms, r.id);
      continue;
    }
    streams_->start(now_ms, std::move(r), *membership_);
  }
}

void UdpDriver::apply_pending(std::uint64_t now_ms) {
  std::optional<std::pair<Endpoints, std::map<std::string, std::string>>> update;
  std::vector<Key> keys;
  std::vector<PendingAlert> alerts;
  bool resolve = false;
  {
    std::lock_guard lock(mu_);
    update.swap(pending_update_);
    keys.swap(pending_keys_);
    alerts.swap(pending_alerts_);
    resolve = std::exchange(pending_resolve_, false);
  }
  for (const auto& a : alerts) detector_->note_algedonic(now_ms, a.source, a.pain, a.critical);
  if (resolve && detector_->resolve()) spdlog::warn("gossip: partition resolved by the operator");
  if (!alerts.empty() || resolve) next_eval_ms_ = now_ms;  // evaluate on this turn
  for (const Key& k : keys) {
    if (auto s = membership_->rotate_key(now_ms, k); !s) {
      spdlog::warn("gossip: key rotation rejected: {}", s.error().to_string());
    }
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
                              membership_->reach_reports(), membership_->one_way_links(now_ms));
  }
  if (force || !events.empty() || pev || now_ms >= next_publish_ms_) {
    next_publish_ms_ = now_ms + 250;
    GossipStats s = membership_->stats();
    s.send_errors += send_errors_;
    s.streams_refused += streams_->refused();
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
