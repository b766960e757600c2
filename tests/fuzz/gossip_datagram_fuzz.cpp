// Fuzz target "gossip_datagram" (fuzz_target.hpp): the gossip datagram decoder and the
// push-pull stream frame decoder
// (gossip/include/vsm/gossip/codec.hpp, docs/GOSSIP.md), plain and sealed, and a live
// Membership (plain and keyed) fed the datagram twice and ticked. Nothing crashes; the
// messages of an accepted datagram re-encode to a datagram that decodes to the same
// messages (same bytes once re-encoded).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_target.hpp"
#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/gossip_format.hpp"
#include "vsm/gossip/membership.hpp"

namespace {

using namespace vsm::gossip;
using vsm::fuzz::fuzz_failure;

const Keyring& keyring() {
  static const Keyring ring(Key{1, {}});  // fixed all-zero key
  return ring;
}

std::vector<std::string> encode_all(const std::vector<Message>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(encode_message(m));
  return out;
}

void check_round_trip(const std::vector<Message>& messages, std::string_view input) {
  if (messages.empty()) return;
  const auto encoded = encode_all(messages);
  DropReason reason{};
  auto again = decode_datagram(encode_datagram(encoded, nullptr), nullptr, reason);
  if (!again) {
    fuzz_failure("re-encoded messages do not decode: " + again.error().to_string(), input);
  }
  if (encode_all(*again) != encoded) fuzz_failure("messages changed across encode/decode", input);
}

void feed_membership(std::string_view input, bool sealed) {
  Member self;
  self.name = "a";
  self.endpoints.gossip = "a";
  MembershipConfig cfg;
  if (sealed) cfg.keyring = std::make_shared<Keyring>(keyring());
  Membership m(cfg, self, 1);
  m.join(0, {});
  m.receive(1, "peer", input);
  m.receive(2, "other", input);
  for (std::uint64_t now : {3u, 1'000u, 60'000u}) {
    m.tick(now);
    (void)m.take_datagrams();
    (void)m.take_events();
  }
}

// Push-pull stream frames (the TCP anti-entropy exchange): an accepted one re-encodes
// to a frame that decodes to the same message.
bool check_stream_frame(std::string_view input, const Keyring* ring) {
  DropReason reason{};
  auto pp = decode_stream_frame(input, ring, 0, 1u << 20, reason);
  if (!pp) return false;
  const std::string again = encode_stream_frame(*pp, nullptr);
  DropReason r2{};
  auto back = decode_stream_frame(again, nullptr, 0, 1u << 20, r2);
  if (!back) fuzz_failure("a re-encoded stream frame does not decode", input);
  if (encode_stream_frame(*back, nullptr) != again) {
    fuzz_failure("stream frame encoding is not a fixed point", input);
  }
  return true;
}

bool one(std::string_view input) {
  bool accepted = false;
  for (const Keyring* ring : {static_cast<const Keyring*>(nullptr), &keyring()}) {
    DropReason reason{};
    auto messages = decode_datagram(input, ring, reason);
    if (check_stream_frame(input, ring)) accepted = true;
    if (!messages) continue;
    accepted = true;
    check_round_trip(*messages, input);
  }
  feed_membership(input, false);
  feed_membership(input, true);
  return accepted;
}

std::vector<std::string> seeds() {
  Member m;
  m.name = "s3.control";
  m.incarnation = 300;
  m.role = vsm::Role::kS3;
  m.endpoints = {"tcp://1.2.3.4:1", "tcp://1.2.3.4:2", "udp://1.2.3.4:3", "1.2.3.4:4"};
  m.tags = {{"k", "v"}, {"zone", "a"}};
  const std::vector<Message> msgs = {Ping{1, "a", "b"}, PingReq{2, "c", "1.1.1.1:1", "a"},
                                     Ack{3, "a"}, Nack{4}, Alive{m}, Suspect{"x", 1, "y"},
                                     Dead{"x", 2, "y"}, Leave{"x", 3},
                                     Reach{"o", 9, 0, 1, {"p", "q"}}};  // push-pull: TCP only
  std::vector<std::string> out;
  const auto all = encode_all(msgs);
  for (const auto& e : all) {
    out.push_back(encode_datagram({e}, nullptr));
    out.push_back(encode_datagram({e}, &keyring()));
  }
  out.push_back(encode_datagram(all, nullptr));
  for (std::uint8_t flags : {0, 1, 2, 3}) {
    const PushPull pp{7, flags, 0, 1, {m, m}};
    out.push_back(encode_stream_frame(pp, nullptr));
    out.push_back(encode_stream_frame(pp, &keyring()));
  }
  return out;
}

}  // namespace

const vsm::fuzz::Target& vsm::fuzz::fuzz_target() {
  static const Target target{"gossip_datagram", seeds, one};
  return target;
}
