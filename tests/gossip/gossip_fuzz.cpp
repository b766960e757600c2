// Standalone fuzz driver for the gossip decoders (works with plain g++, no libFuzzer):
// deterministic random mutations of valid datagrams and push-pull stream frames, fed to
// decode_datagram and decode_stream_frame (plain and sealed) and to live Memberships
// (receive, handle_stream, stream_reply). Usage: gossip_fuzz [iterations] [seed].
// Exit 0 when nothing crashed and state stayed within max_members; sanitizers turn
// memory errors into failures.
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/gossip_format.hpp"
#include "vsm/gossip/membership.hpp"

using namespace vsm::gossip;

namespace {

std::vector<std::string> corpus(const Keyring& ring) {
  Member m;
  m.name = "s3.control";
  m.incarnation = 300;
  m.role = vsm::Role::kS3;
  m.endpoints = {"tcp://1.2.3.4:1", "tcp://1.2.3.4:2", "udp://1.2.3.4:3", "1.2.3.4:4"};
  m.tags = {{"k", "v"}, {"zone", "a"}};
  std::vector<Message> msgs = {Ping{1, "a", "b"}, PingReq{2, "c", "1.1.1.1:1", "a"},
                               Ack{3, "a"}, Nack{4}, Alive{m}, Suspect{"x", 1, "y"},
                               Dead{"x", 2, "y"}, Leave{"x", 3},
                               PushPull{5, 3, 0, 2, {m, m}}, Reach{"o", 9, 0, 1, {"p", "q"}}};
  std::vector<std::string> out;
  std::vector<std::string> all;
  for (const auto& msg : msgs) {
    std::string e = encode_message(msg);
    all.push_back(e);
    out.push_back(encode_datagram({e}, nullptr));
    out.push_back(encode_datagram({e}, &ring));
  }
  out.push_back(encode_datagram(all, nullptr));
  // Push-pull stream frames (requests and replies, plain and sealed).
  for (std::uint8_t flags : {0, 2, 1, 3}) {
    PushPull pp{1, flags, 0, 1, {m, m}};
    pp.members[1].name = "other";
    pp.members[1].state = MemberState::kSuspect;
    out.push_back(encode_stream_frame(pp, nullptr));
    out.push_back(encode_stream_frame(pp, &ring));
  }
  return out;
}

void mutate(std::string& s, std::mt19937_64& rng) {
  static const unsigned char kInteresting[] = {0x00, 0x01, 0x7f, 0x80, 0x90, 0x9f, 0xa0, 0xbf,
                                               0xc0, 0xc1, 0xcc, 0xcd, 0xce, 0xcf, 0xd9, 0xda,
                                               0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xff};
  auto pick = [&](std::size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  int rounds = 1 + static_cast<int>(pick(4));
  for (int r = 0; r < rounds; ++r) {
    switch (pick(6)) {
      case 0:
        if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1u << pick(8));
        break;
      case 1:
        if (!s.empty()) s[pick(s.size())] = static_cast<char>(kInteresting[pick(sizeof kInteresting)]);
        break;
      case 2:
        s.resize(pick(s.size() + 1));
        break;
      case 3:
        s.insert(pick(s.size() + 1), std::string(1 + pick(8), static_cast<char>(rng())));
        break;
      case 4:
        if (s.size() > 4) {
          std::size_t a = 4 + pick(s.size() - 4);
          s.insert(pick(s.size() + 1), s.substr(a, pick(32)));
        }
        break;
      default:
        if (!s.empty()) s.erase(pick(s.size()), 1 + pick(4));
        break;
    }
  }
}

// One input to one Membership, as a datagram, a push-pull request or the reply to one
// of its pending exchanges (rotating). False when state grew past max_members (64).
bool feed(Membership& m, std::vector<std::uint64_t>& pending, const std::string& d,
          std::uint64_t now) {
  switch (now % 3) {
    case 0: m.receive(now, "peer", d); break;
    case 1: (void)m.handle_stream(now, "peer", d); break;
    default:
      if (!pending.empty()) {
        m.stream_reply(now, pending.back(), d);
        pending.pop_back();
      }
  }
  if (now % 64 != 0) return true;
  m.tick(now);
  (void)m.take_datagrams();
  (void)m.take_events();
  for (auto& r : m.take_stream_requests()) pending.push_back(r.id);
  const MembershipFootprint f = m.footprint();
  return f.members <= 64 && f.suspicions <= 64 && f.flaps <= 64 && f.relays <= 64;
}

}  // namespace

int main(int argc, char** argv) {
  const long iterations = argc > 1 ? std::atol(argv[1]) : 200'000;
  const std::uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  Keyring ring(Key{1, {}});  // fixed all-zero key: deterministic corpus apart from nonces
  const std::vector<std::string> seeds = corpus(ring);
  std::mt19937_64 rng(seed);
  Member self;
  self.name = "a";
  self.endpoints.gossip = "a";
  MembershipConfig plain_cfg;
  plain_cfg.max_members = 64;
  Membership plain(plain_cfg, self, 1);
  MembershipConfig sealed_cfg = plain_cfg;
  sealed_cfg.keyring = std::make_shared<Keyring>(ring);
  Membership sealed(sealed_cfg, self, 2);
  plain.join(0, {"peer"});  // pending join exchanges take mutated replies below
  sealed.join(0, {"peer"});
  std::vector<std::uint64_t> pending[2];
  std::uint64_t accepted = 0;
  for (long i = 0; i < iterations; ++i) {
    std::string d = seeds[static_cast<std::size_t>(rng() % seeds.size())];
    mutate(d, rng);
    DropReason reason{};
    if (decode_datagram(d, nullptr, reason).ok()) ++accepted;
    (void)decode_datagram(d, &ring, reason);
    (void)decode_stream_frame(d, nullptr, 0, 1 << 16, reason);
    (void)decode_stream_frame(d, &ring, 0, 1 << 16, reason);
    const auto now = static_cast<std::uint64_t>(i);
    if (!feed(plain, pending[0], d, now) || !feed(sealed, pending[1], d, now)) {
      std::fprintf(stderr, "gossip_fuzz: state over max_members at iteration %ld\n", i);
      return 1;
    }
  }
  std::printf("gossip_fuzz: %ld iterations, %llu decoded, %llu dropped by membership\n",
              iterations, static_cast<unsigned long long>(accepted),
              static_cast<unsigned long long>(plain.stats().dropped_total()));
  return 0;
}
