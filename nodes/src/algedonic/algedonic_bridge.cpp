#include "algedonic/algedonic_bridge.hpp"

#include "algedonic/algedonic_event.hpp"
#include "algedonic/algedonic_format.hpp"
#include "vsm/codec.hpp"
#include "vsm/ids.hpp"
#include "vsm/monotonic_clock.hpp"

namespace vsm::detail {

AlgedonicBridge::AlgedonicBridge(const NodeConfig& config, HybridClock& clock,
                                 PublishPath& publish, std::function<void(Event&&)> to_subscribers,
                                 ChaosEngine* chaos)
    : config_(config),
      clock_(clock),
      publish_(publish),
      to_subscribers_(std::move(to_subscribers)),
      chaos_(chaos) {}

Status AlgedonicBridge::start() {
  auto codec = DatagramCodec::from_hex_key(config_.cluster_key);
  if (!codec) return codec.error();
  if (const auto& prev = config_.security.previous_cluster_key; !prev.empty()) {
    auto old = DatagramCodec::from_hex_key(prev);
    if (!old) return Error::invalid("security.previous_cluster_key: " + old.error().message());
    codec->accept_previous(*old, monotonic_ms() + config_.security.previous_key_grace_ms);
  }
  if (config_.algedonic_max_retries < 0 || config_.algedonic_max_retries > 100 ||
      config_.algedonic_retry_initial_ms <= 0 || config_.algedonic_retry_max_ms <= 0) {
    return Error::invalid(
        "algedonic_max_retries must be 0..100 and algedonic_retry_*_ms positive");
  }
  auto lane = std::make_unique<AlgedonicLane>(config_, std::move(codec).value(), to_subscribers_,
                                              chaos_);
  if (auto st = lane->start(); !st) return st;
  lane_ = std::move(lane);
  return {};
}

void AlgedonicBridge::close() {
  if (lane_) lane_->close();
}

void AlgedonicBridge::stop() {
  if (lane_) lane_->stop();
}

Result<AlgedonicReceipt> AlgedonicBridge::raise(Severity severity, Signal signal,
                                                std::string description,
                                                const std::map<std::string, double>& metrics,
                                                PublishOrigin origin) {
  if (!lane_) return Error::shutting_down("node is not running");
  auto made = make_algedonic_event(severity, signal, std::move(description), metrics);
  if (!made) return made.error();
  Event event = std::move(made).value();
  event.id = EventId::generate();
  event.source = config_.name;
  event.ts = clock_.now();
  publish_.sign(event);  // both copies carry the signature (it does not cover seq or ts)
  // Size check before anything is sent: the lane copy must fit one datagram. The
  // largest sequence number encodes in 9 bytes, so the check holds for any seq.
  event.seq = UINT64_MAX;
  auto sized = encode_event(event, config_.limits);
  if (!sized) return sized.error();
  if (sized->size() > algedonic_format::kMaxAlertEnvelopeBytes) {
    lane_->count_too_large();
    return Error::too_large("the alert encodes to " + std::to_string(sized->size()) +
                            " bytes; one algedonic datagram carries at most " +
                            std::to_string(algedonic_format::kMaxAlertEnvelopeBytes) +
                            " (shorten the description or send fewer metrics)");
  }
  // The flow rules apply to the lane as to the data plane; check before anything leaves.
  // (allows() does not count; publish() below counts the outcome once.)
  const auto target_role = role_from_name(event.target);
  if (publish_.flow().enabled() && !publish_.flow().allows(event.channel, config_.role, target_role)) {
    return publish_.check_flow(event.channel, target_role).error();  // error + blocked count
  }
  // The lane copy goes first and is not sequenced (seq 0): the data-plane sequence is
  // only known once the publish queue accepts the copy, and the lane must not wait for
  // the queue's lock under load.
  event.seq = 0;
  auto envelope = encode_event(event, config_.limits);
  if (!envelope) return envelope.error();
  auto report = lane_->raise(event.id, std::move(envelope).value());
  // Redundant data-plane copy: same id, so receivers keep whichever arrives first. A
  // full publish queue does not stop the alert; the lane still carries it.
  auto receipt = publish_.publish(Event(event), origin);  // a copy: event.id is reported below
  const bool data_plane = receipt.ok();
  if (!data_plane) lane_->count_data_plane_refused();
  lane_->count_raised();
  AlgedonicReceipt out;
  out.id = event.id;
  out.seq = data_plane ? receipt->seq : 0;
  out.data_plane = data_plane;
  out.report = std::move(report);
  if (raise_hook_) raise_hook_(out, severity, signal, event);
  return out;
}

}  // namespace vsm::detail
