// nats-server with the official C client (libnats): core NATS publish/subscribe on one
// subject, default client options except unlimited pending limits on the subscription
// (so a slow benchmark loop shows up as time, not as client-side drops) and, in latency
// runs, SendAsap on the publisher: the default flusher thread batches writes, which no
// application sending 10 k msgs/s one at a time would want.
#include "transport.hpp"

#if VSM_BENCH_HAVE_NATS
#include <nats/nats.h>

namespace vsm::bench {
namespace {

constexpr const char* kSubject = "bench";

std::string nats_error(const char* what, natsStatus s) {
  return std::string(what) + ": " + natsStatus_GetText(s);
}

natsConnection* connect(const std::string& url, bool send_asap, std::string* error) {
  natsOptions* opts = nullptr;
  natsConnection* nc = nullptr;
  natsStatus s = natsOptions_Create(&opts);
  if (s == NATS_OK) s = natsOptions_SetURL(opts, url.c_str());
  if (s == NATS_OK && send_asap) s = natsOptions_SetSendAsap(opts, true);
  if (s == NATS_OK) s = natsConnection_Connect(&nc, opts);
  natsOptions_Destroy(opts);
  if (s != NATS_OK) *error = nats_error("natsConnection_Connect", s);
  return s == NATS_OK ? nc : nullptr;
}

class NatsPublisher final : public PubTransport {
 public:
  ~NatsPublisher() override { close(); }

  Result<std::string> open(const TransportParams& p) override {
    nc_ = connect(p.endpoint, p.latency_mode, &error_);
    if (!nc_) return Error::io(error_);
    return p.endpoint;
  }

  // The subscriber flushed its SUB to the server before reporting ready.
  Status wait_subscribed(std::chrono::milliseconds) override { return {}; }

  SendOutcome send(std::string_view payload) override {
    const natsStatus s = natsConnection_Publish(nc_, kSubject, payload.data(),
                                                static_cast<int>(payload.size()));
    if (s == NATS_OK) return SendOutcome::kSent;
    error_ = nats_error("natsConnection_Publish", s);
    return SendOutcome::kFailed;
  }

  Status flush() override {
    const natsStatus s = natsConnection_FlushTimeout(nc_, 60'000);
    if (s != NATS_OK) return Error::io(nats_error("natsConnection_Flush", s));
    return {};
  }

  void close() override {
    if (nc_) natsConnection_Destroy(nc_);
    nc_ = nullptr;
  }

  std::string last_error() const override { return error_; }

 private:
  natsConnection* nc_ = nullptr;
  std::string error_;
};

class NatsSubscriber final : public SubTransport {
 public:
  ~NatsSubscriber() override { close(); }

  Status open(const TransportParams& p) override {
    nc_ = connect(p.endpoint, false, &error_);
    if (!nc_) return Error::io(error_);
    natsStatus s = natsConnection_SubscribeSync(&sub_, nc_, kSubject);
    if (s == NATS_OK) s = natsSubscription_SetPendingLimits(sub_, -1, -1);
    if (s == NATS_OK) s = natsConnection_FlushTimeout(nc_, 10'000);  // server has the SUB
    if (s != NATS_OK) return Error::io(nats_error("subscribe", s));
    return {};
  }

  std::optional<std::string_view> recv(int timeout_ms) override {
    release();
    const natsStatus s = natsSubscription_NextMsg(&msg_, sub_, timeout_ms);
    if (s == NATS_TIMEOUT) return std::nullopt;
    if (s != NATS_OK) {
      error_ = nats_error("natsSubscription_NextMsg", s);
      return std::nullopt;
    }
    return std::string_view(natsMsg_GetData(msg_), static_cast<std::size_t>(natsMsg_GetDataLength(msg_)));
  }

  bool failed() const override { return !error_.empty(); }
  std::string last_error() const override { return error_; }

  void close() override {
    release();
    if (sub_) natsSubscription_Destroy(sub_);
    sub_ = nullptr;
    if (nc_) natsConnection_Destroy(nc_);
    nc_ = nullptr;
  }

 private:
  void release() {
    if (msg_) natsMsg_Destroy(msg_);
    msg_ = nullptr;
  }

  natsConnection* nc_ = nullptr;
  natsSubscription* sub_ = nullptr;
  natsMsg* msg_ = nullptr;
  std::string error_;
};

}  // namespace

std::unique_ptr<PubTransport> make_nats_publisher() { return std::make_unique<NatsPublisher>(); }
std::unique_ptr<SubTransport> make_nats_subscriber() { return std::make_unique<NatsSubscriber>(); }

}  // namespace vsm::bench

#else  // built without libnats

namespace vsm::bench {
std::unique_ptr<PubTransport> make_nats_publisher() { return nullptr; }
std::unique_ptr<SubTransport> make_nats_subscriber() { return nullptr; }
}  // namespace vsm::bench

#endif
