// Raw libzmq, the ceiling: one-frame messages on XPUB -> SUB over tcp loopback with the
// same high-water marks as the Node. XPUB (not PUB) only so the publisher can see the
// subscription arrive; its data path is PUB's. The "nodrop" variant sets
// ZMQ_XPUB_NODROP: at the high-water mark zmq_send() waits for room instead of dropping,
// so the run is lossless like nats and redis (and the rate is the subscriber's).
// The "wire" variant sends the Node's single-event frames (wire_template.hpp),
// and its subscriber subscribes to the channel prefix as the Node does.
#include <zmq.h>

#include <cerrno>

#include "transport.hpp"
#include "wire_template.hpp"

namespace vsm::bench {
namespace {

std::string zmq_error(const char* what) { return std::string(what) + ": " + zmq_strerror(errno); }

class ZmqPublisher final : public PubTransport {
 public:
  ZmqPublisher(bool nodrop, bool wire) : nodrop_(nodrop), wire_(wire) {}
  ~ZmqPublisher() override { close(); }

  Result<std::string> open(const TransportParams& p) override {
    ctx_ = zmq_ctx_new();
    sock_ = zmq_socket(ctx_, ZMQ_XPUB);
    if (!sock_) return Error::io(zmq_error("zmq_socket"));
    zmq_setsockopt(sock_, ZMQ_SNDHWM, &p.hwm_msgs, sizeof p.hwm_msgs);
    const int nodrop = nodrop_ ? 1 : 0;
    zmq_setsockopt(sock_, ZMQ_XPUB_NODROP, &nodrop, sizeof nodrop);
    if (zmq_bind(sock_, "tcp://127.0.0.1:*") != 0) return Error::io(zmq_error("zmq_bind"));
    if (wire_) frames_ = make_wire_template(p.payload_bytes);
    char ep[256];
    std::size_t len = sizeof ep;
    zmq_getsockopt(sock_, ZMQ_LAST_ENDPOINT, ep, &len);
    return std::string(ep);
  }

  Status wait_subscribed(std::chrono::milliseconds timeout) override {
    const int ms = static_cast<int>(timeout.count());
    zmq_setsockopt(sock_, ZMQ_RCVTIMEO, &ms, sizeof ms);
    unsigned char buf[64];
    const int n = zmq_recv(sock_, buf, sizeof buf, 0);  // subscription: 0x01 + topic
    if (n < 1 || buf[0] != 1) return Error::delivery_timeout("no subscription reached XPUB");
    return {};
  }

  SendOutcome send(std::string_view payload) override {
    if (wire_) return send_wire(payload);
    if (zmq_send(sock_, payload.data(), payload.size(), 0) >= 0) return SendOutcome::kSent;
    if (errno == EAGAIN || errno == EINTR) return SendOutcome::kRetry;
    error_ = zmq_error("zmq_send");
    return SendOutcome::kFailed;
  }

  Status flush() override { return {}; }

  void close() override {
    if (sock_) {
      const int linger = 5'000;
      zmq_setsockopt(sock_, ZMQ_LINGER, &linger, sizeof linger);
      zmq_close(sock_);
      sock_ = nullptr;
    }
    if (ctx_) zmq_ctx_term(ctx_);
    ctx_ = nullptr;
  }

  std::string last_error() const override { return error_; }

 private:
  // The Node's single-event frame with this message's payload written in place.
  SendOutcome send_wire(std::string_view payload) {
    payload.copy(frames_.body.data() + frames_.payload_offset, payload.size());
    if (zmq_send(sock_, frames_.body.data(), frames_.body.size(), 0) >= 0) {
      return SendOutcome::kSent;
    }
    if (errno == EAGAIN || errno == EINTR) return SendOutcome::kRetry;
    error_ = zmq_error("zmq_send");
    return SendOutcome::kFailed;
  }

  bool nodrop_;
  bool wire_;
  WireTemplate frames_;
  void* ctx_ = nullptr;
  void* sock_ = nullptr;
  std::string error_;
};

class ZmqSubscriber final : public SubTransport {
 public:
  explicit ZmqSubscriber(bool wire) : wire_(wire) { zmq_msg_init(&msg_); }
  ~ZmqSubscriber() override {
    close();
    zmq_msg_close(&msg_);
  }

  Status open(const TransportParams& p) override {
    ctx_ = zmq_ctx_new();
    sock_ = zmq_socket(ctx_, ZMQ_SUB);
    p_bytes_ = p.payload_bytes;
    if (!sock_) return Error::io(zmq_error("zmq_socket"));
    zmq_setsockopt(sock_, ZMQ_RCVHWM, &p.hwm_msgs, sizeof p.hwm_msgs);
    if (wire_) {
      frames_ = make_wire_template(p.payload_bytes);
      zmq_setsockopt(sock_, ZMQ_SUBSCRIBE, "coordination/", 13);
    } else {
      zmq_setsockopt(sock_, ZMQ_SUBSCRIBE, "", 0);
    }
    if (zmq_connect(sock_, p.endpoint.c_str()) != 0) return Error::io(zmq_error("zmq_connect"));
    return {};
  }

  std::optional<std::string_view> recv(int timeout_ms) override {
    if (timeout_ms != timeout_ms_) {
      zmq_setsockopt(sock_, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
      timeout_ms_ = timeout_ms;
    }
    if (zmq_msg_recv(&msg_, sock_, 0) < 0) {
      if (errno != EAGAIN && errno != EINTR) error_ = zmq_error("zmq_msg_recv");
      return std::nullopt;
    }
    if (wire_) {  // one single-event frame per message
      const std::string_view body(static_cast<const char*>(zmq_msg_data(&msg_)),
                                  zmq_msg_size(&msg_));
      if (body.size() != frames_.body.size()) {
        error_ = "zmq-wire: frame of unexpected size";
        return std::nullopt;
      }
      return body.substr(frames_.payload_offset, p_bytes_);
    }
    return std::string_view(static_cast<const char*>(zmq_msg_data(&msg_)), zmq_msg_size(&msg_));
  }

  bool failed() const override { return !error_.empty(); }
  std::string last_error() const override { return error_; }

  void close() override {
    if (sock_) {
      const int linger = 0;
      zmq_setsockopt(sock_, ZMQ_LINGER, &linger, sizeof linger);
      zmq_close(sock_);
      sock_ = nullptr;
    }
    if (ctx_) zmq_ctx_term(ctx_);
    ctx_ = nullptr;
  }

 private:
  void* ctx_ = nullptr;
  void* sock_ = nullptr;
  bool wire_;
  WireTemplate frames_;
  std::size_t p_bytes_ = 0;
  zmq_msg_t msg_;
  int timeout_ms_ = -2;
  std::string error_;
};

}  // namespace

std::unique_ptr<PubTransport> make_zmq_publisher(bool nodrop, bool wire) {
  return std::make_unique<ZmqPublisher>(nodrop, wire);
}
std::unique_ptr<SubTransport> make_zmq_subscriber(bool wire) {
  return std::make_unique<ZmqSubscriber>(wire);
}

}  // namespace vsm::bench
