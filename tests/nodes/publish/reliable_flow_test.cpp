// Reliable flow control units: the ack frame, the publisher's follower table and
// window, and the ring's "would this evict something unacknowledged" check.
#include "publish/reliable_flow.hpp"

#include <catch2/catch.hpp>

#include "core/ack.hpp"
#include "publish/retain_ring.hpp"

namespace vsm::detail {
namespace {

using Positions = std::array<std::optional<std::uint64_t>, kChannelCount>;

std::string ack_frame(std::string_view pub, std::string_view inst, Positions p) {
  std::string out;
  encode_ack(pub, inst, p, out);
  return out;
}

AckView view(const std::string& frame) {
  auto v = decode_ack(frame);
  REQUIRE(v);
  return *v;
}

constexpr std::array<std::uint64_t, kChannelCount> kNoneSent{};
}  // namespace

TEST_CASE("ack frames round-trip and malformed ones are refused", "[flow]") {
  Positions p{};
  p[channel_index(Channel::kAudit)] = 42;
  const std::string f = ack_frame("s3.pub", "inst-1", p);
  CHECK(f[0] == kAckMarker);
  const AckView v = view(f);
  CHECK(v.publisher == "s3.pub");
  CHECK(v.instance == "inst-1");
  CHECK(v.positions[channel_index(Channel::kAudit)] == 42u);
  CHECK_FALSE(v.positions[channel_index(Channel::kCommand)].has_value());

  CHECK_FALSE(decode_ack(""));
  CHECK_FALSE(decode_ack(std::string(1, kAckMarker)));
  CHECK_FALSE(decode_ack("\x01topic"));
  for (std::size_t cut = 1; cut < f.size(); ++cut) CHECK_FALSE(decode_ack(f.substr(0, cut)));
  CHECK_FALSE(decode_ack(f + "x"));  // trailing bytes
  std::string bad_channel = f;
  bad_channel[bad_channel.size() - 2] = 9;  // channel index 9 (positive fixint)
  CHECK_FALSE(decode_ack(bad_channel));
}

TEST_CASE("flow: the window follows the slowest follower", "[flow]") {
  ReliableFlow flow("s3.pub", ReliableFlowConfig{100, 5'000, 8});
  CHECK(flow.permits(Channel::kAudit, 1'000'000));  // no follower: no limit
  Positions a{}, b{};
  a[channel_index(Channel::kAudit)] = 500;
  b[channel_index(Channel::kAudit)] = 300;
  REQUIRE(flow.on_ack(view(ack_frame("s3.pub", "A", a)), kNoneSent, 0));
  REQUIRE(flow.on_ack(view(ack_frame("s3.pub", "B", b)), kNoneSent, 0));
  CHECK(flow.floor(Channel::kAudit) == 300);
  CHECK(flow.permits(Channel::kAudit, 400));
  CHECK_FALSE(flow.permits(Channel::kAudit, 401));
  CHECK(flow.permits(Channel::kCommand, 1'000'000));  // B does not sequence command
  CHECK(flow.describe_block(Channel::kAudit).find("B") != std::string::npos);
  // B catches up; acks never move backwards.
  b[channel_index(Channel::kAudit)] = 600;
  flow.on_ack(view(ack_frame("s3.pub", "B", b)), kNoneSent, 1);
  CHECK(flow.floor(Channel::kAudit) == 500);
  b[channel_index(Channel::kAudit)] = 10;
  flow.on_ack(view(ack_frame("s3.pub", "B", b)), kNoneSent, 2);
  CHECK(flow.floor(Channel::kAudit) == 500);
}

TEST_CASE("flow: a new follower is held to what was published after it joined", "[flow]") {
  ReliableFlow flow("p", ReliableFlowConfig{100, 5'000, 8});
  std::array<std::uint64_t, kChannelCount> sent{};
  sent[channel_index(Channel::kCommand)] = 10'000;
  Positions late{};
  late[channel_index(Channel::kCommand)] = 0;  // a late joiner replaying from seq 1
  flow.on_ack(view(ack_frame("p", "late", late)), sent, 0);
  CHECK(flow.floor(Channel::kCommand) == 10'000);
  CHECK(flow.permits(Channel::kCommand, 10'100));
}

TEST_CASE("flow: followers that go away or fall silent stop holding back", "[flow]") {
  ReliableFlow flow("p", ReliableFlowConfig{10, 1'000, 8});
  Positions pos{};
  pos[0] = 5;
  flow.on_ack(view(ack_frame("p", "gone", pos)), kNoneSent, 0);
  flow.on_ack(view(ack_frame("p", "silent", pos)), kNoneSent, 0);
  CHECK_FALSE(flow.permits(Channel::kCommand, 100));
  flow.on_gone("gone");
  CHECK_FALSE(flow.permits(Channel::kCommand, 100));
  CHECK(flow.expire(500) == 0);
  CHECK(flow.expire(1'001) == 1);
  CHECK(flow.permits(Channel::kCommand, 100));
  NodeStats s;
  flow.fill_stats(s);
  CHECK(s.reliable_followers == 0);
  CHECK(s.reliable_lost == 1);
  CHECK(s.reliable_timed_out == 1);
}

TEST_CASE("flow: acks for other publishers and beyond the follower cap are ignored", "[flow]") {
  ReliableFlow flow("p", ReliableFlowConfig{10, 1'000, 2});
  Positions pos{};
  pos[0] = 1;
  CHECK_FALSE(flow.on_ack(view(ack_frame("other", "x", pos)), kNoneSent, 0));
  CHECK(flow.on_ack(view(ack_frame("p", "a", pos)), kNoneSent, 0));
  CHECK(flow.on_ack(view(ack_frame("p", "b", pos)), kNoneSent, 0));
  CHECK_FALSE(flow.on_ack(view(ack_frame("p", "c", pos)), kNoneSent, 0));
  CHECK(flow.on_ack(view(ack_frame("p", "a", pos)), kNoneSent, 0));  // known: refreshed
  ReliableFlow off("p", ReliableFlowConfig{0, 1'000, 2});
  CHECK_FALSE(off.on_ack(view(ack_frame("p", "a", pos)), kNoneSent, 0));
}

TEST_CASE("ring: fits_above says whether an append would evict unacknowledged seqs", "[flow]") {
  RetainRing ring(1'000);
  const std::string ev(100, 'x');
  for (std::uint64_t s = 1; s <= 10; ++s) ring.append(Channel::kAudit, s, ev);  // full
  CHECK(ring.fits_above(Channel::kAudit, 100, 1));   // evicts seq 1 only: acknowledged
  CHECK_FALSE(ring.fits_above(Channel::kAudit, 100, 0));
  CHECK_FALSE(ring.fits_above(Channel::kAudit, 250, 2));  // needs seqs 1..3
  CHECK(ring.fits_above(Channel::kAudit, 250, 3));
  CHECK(ring.fits_above(Channel::kCommand, 100, 0));  // empty lane
  RetainRing off(0);
  CHECK(off.fits_above(Channel::kAudit, 100, 0));
}

}  // namespace vsm::detail
