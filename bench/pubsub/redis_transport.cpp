// redis-server pub/sub with hiredis: the publisher pipelines PUBLISH commands in
// batches (one round trip per batch, as any throughput-minded redis client does; in
// latency runs each command is written at once and only replies are batched); the
// subscriber reads replies straight from hiredis' reader, polling the socket itself so
// a timeout does not poison the context.
#include "transport.hpp"

#if VSM_BENCH_HAVE_REDIS
#include <hiredis/hiredis.h>
#include <poll.h>

namespace vsm::bench {
namespace {

constexpr const char* kChannel = "bench";
constexpr int kPipelineDepth = 256;

redisContext* connect(const std::string& endpoint, std::string* error) {
  const auto colon = endpoint.rfind(':');
  const std::string host = endpoint.substr(0, colon);
  const int port = std::stoi(endpoint.substr(colon + 1));
  redisContext* c = redisConnect(host.c_str(), port);
  if (!c || c->err) {
    *error = std::string("redisConnect: ") + (c ? c->errstr : "out of memory");
    if (c) redisFree(c);
    return nullptr;
  }
  return c;
}

class RedisPublisher final : public PubTransport {
 public:
  ~RedisPublisher() override { close(); }

  Result<std::string> open(const TransportParams& p) override {
    ctx_ = connect(p.endpoint, &error_);
    if (!ctx_) return Error::io(error_);
    write_each_ = p.latency_mode;
    return p.endpoint;
  }

  // The subscriber saw its SUBSCRIBE confirmed before reporting ready.
  Status wait_subscribed(std::chrono::milliseconds) override { return {}; }

  SendOutcome send(std::string_view payload) override {
    if (redisAppendCommand(ctx_, "PUBLISH %s %b", kChannel, payload.data(), payload.size()) !=
        REDIS_OK) {
      error_ = std::string("redisAppendCommand: ") + ctx_->errstr;
      return SendOutcome::kFailed;
    }
    for (int done = 0; write_each_ && !done;) {
      if (redisBufferWrite(ctx_, &done) != REDIS_OK) {
        error_ = std::string("redisBufferWrite: ") + ctx_->errstr;
        return SendOutcome::kFailed;
      }
    }
    if (++pending_ >= kPipelineDepth && !read_replies()) return SendOutcome::kFailed;
    return SendOutcome::kSent;
  }

  Status flush() override {
    if (!read_replies()) return Error::io(error_);
    return {};
  }

  void close() override {
    if (ctx_) redisFree(ctx_);
    ctx_ = nullptr;
  }

  std::string last_error() const override { return error_; }

 private:
  bool read_replies() {
    for (; pending_ > 0; --pending_) {
      void* r = nullptr;
      if (redisGetReply(ctx_, &r) != REDIS_OK || !r) {
        error_ = std::string("PUBLISH reply: ") + ctx_->errstr;
        return false;
      }
      const bool ok = static_cast<redisReply*>(r)->type == REDIS_REPLY_INTEGER;
      freeReplyObject(r);
      if (!ok) {
        error_ = "PUBLISH returned an error";
        return false;
      }
    }
    return true;
  }

  redisContext* ctx_ = nullptr;
  bool write_each_ = false;  // latency mode: no client-side batching of writes
  int pending_ = 0;
  std::string error_;
};

class RedisSubscriber final : public SubTransport {
 public:
  ~RedisSubscriber() override { close(); }

  Status open(const TransportParams& p) override {
    ctx_ = connect(p.endpoint, &error_);
    if (!ctx_) return Error::io(error_);
    auto* r = static_cast<redisReply*>(redisCommand(ctx_, "SUBSCRIBE %s", kChannel));
    const bool ok = r && r->type == REDIS_REPLY_ARRAY && r->elements == 3;
    if (r) freeReplyObject(r);
    if (!ok) return Error::io(std::string("SUBSCRIBE failed: ") + ctx_->errstr);
    return {};
  }

  std::optional<std::string_view> recv(int timeout_ms) override {
    release();
    void* r = nullptr;
    if (redisGetReplyFromReader(ctx_, &r) != REDIS_OK) return fail("reader");
    if (!r) {
      pollfd p{ctx_->fd, POLLIN, 0};
      if (::poll(&p, 1, timeout_ms) <= 0) return std::nullopt;
      if (redisBufferRead(ctx_) != REDIS_OK) return fail("read");
      if (redisGetReplyFromReader(ctx_, &r) != REDIS_OK) return fail("reader");
      if (!r) return std::nullopt;  // partial message; caller calls again
    }
    reply_ = static_cast<redisReply*>(r);
    if (reply_->type != REDIS_REPLY_ARRAY || reply_->elements != 3) return fail("not a message");
    const redisReply* data = reply_->element[2];
    return std::string_view(data->str, data->len);
  }

  bool failed() const override { return !error_.empty(); }
  std::string last_error() const override { return error_; }

  void close() override {
    release();
    if (ctx_) redisFree(ctx_);
    ctx_ = nullptr;
  }

 private:
  std::optional<std::string_view> fail(const char* what) {
    error_ = std::string("redis ") + what + ": " + (ctx_->err ? ctx_->errstr : "unexpected reply");
    return std::nullopt;
  }
  void release() {
    if (reply_) freeReplyObject(reply_);
    reply_ = nullptr;
  }

  redisContext* ctx_ = nullptr;
  redisReply* reply_ = nullptr;
  std::string error_;
};

}  // namespace

std::unique_ptr<PubTransport> make_redis_publisher() { return std::make_unique<RedisPublisher>(); }
std::unique_ptr<SubTransport> make_redis_subscriber() {
  return std::make_unique<RedisSubscriber>();
}

}  // namespace vsm::bench

#else  // built without hiredis

namespace vsm::bench {
std::unique_ptr<PubTransport> make_redis_publisher() { return nullptr; }
std::unique_ptr<SubTransport> make_redis_subscriber() { return nullptr; }
}  // namespace vsm::bench

#endif
