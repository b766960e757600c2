#include "delivery/repair_transport.hpp"

namespace vsm::detail {
namespace {

class ControlConnection final : public RepairConnection {
 public:
  ControlConnection(const std::string& endpoint, std::chrono::milliseconds timeout,
                    std::optional<CurveClientKeys> curve)
      : client_(curve ? ControlClient(endpoint, timeout, std::move(*curve))
                      : ControlClient(endpoint, timeout)) {}

  Result<ReplayBatch> replay(Channel channel, std::uint64_t from, std::uint64_t to,
                             std::size_t max) override {
    return client_.replay(channel, from, to, max);
  }

  Result<ReplayBatch> first_at(const std::string& publisher, Channel channel,
                               std::uint64_t wall_ms) override {
    persist::LogQuery q;
    q.publisher = publisher;
    q.channel = channel;
    q.from_wall_ms = wall_ms;
    q.limit = 1;
    auto page = client_.query(q);
    if (!page) return std::move(page).error();
    ReplayBatch batch;
    batch.decode_errors = page->decode_errors;
    for (auto& e : page->entries) batch.events.push_back(std::move(e.event));
    return batch;
  }

 private:
  ControlClient client_;
};

class ControlTransport final : public RepairTransport {
 public:
  explicit ControlTransport(ControlKeyLookup keys) : keys_(std::move(keys)) {}
  std::unique_ptr<RepairConnection> connect(const std::string& endpoint,
                                            std::chrono::milliseconds timeout) override {
    return std::make_unique<ControlConnection>(endpoint, timeout,
                                               keys_ ? keys_(endpoint) : std::nullopt);
  }

 private:
  ControlKeyLookup keys_;
};

}  // namespace

std::unique_ptr<RepairTransport> make_control_repair_transport(ControlKeyLookup keys) {
  return std::make_unique<ControlTransport>(std::move(keys));
}

}  // namespace vsm::detail
