// Per-event cost of Ed25519 event signatures (PROTOCOL.md §1.14) on one core: what a
// publisher adds to publish() on a signed channel (sign: build the signing bytes and
// sign, before encoding) and what a receiver adds per event (verify), against the plain
// encode (unsequenced + patch, as a node publishes) and decode of the same event, and
// the bytes a signature adds on the wire. Payload sizes 16, 100 and 1,024 bytes.
//   signature_bench [--events N] [--json FILE]
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "report.hpp"
#include "security/event_signer.hpp"
#include "vsm/codec.hpp"
#include "vsm/msgpack_writer.hpp"

namespace {

using Clock = std::chrono::steady_clock;

vsm::Event bench_event(std::size_t payload_bytes) {
  vsm::Event e;
  e.id = vsm::EventId::generate();
  e.source = "s3.bench";
  e.channel = vsm::Channel::kCommand;
  e.type = "set_limit";
  e.target = "s1";
  std::string bin;
  vsm::MsgpackWriter(bin).bin(std::string(payload_bytes, 'Z'));
  e.payload = vsm::Value::from_encoded(std::move(bin));
  return e;
}

template <typename F>
double ns_per_event(int n, F f) {
  const auto start = Clock::now();
  for (int i = 0; i < n; ++i) f(i);
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / n;
}

std::string publish_frame(const vsm::Event& e, int i) {
  std::string frame;
  auto slots = vsm::encode_event_unsequenced(e, "s3.bench", frame);
  vsm::patch_sequence(frame.data(), *slots, 1'700'000'000'000 + i, 0, i + 1);
  return frame;
}

}  // namespace

int main(int argc, char** argv) {
  int events = 20'000;
  std::string json_path;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--events" && i + 1 < argc) {
      events = std::max(1, std::stoi(argv[++i]));
    } else if (a == "--json" && i + 1 < argc) {
      json_path = argv[++i];
    } else {
      std::fprintf(stderr, "usage: signature_bench [--events N] [--json FILE]\n");
      return 2;
    }
  }
  const auto keys = vsm::detail::generate_keys("s3.bench", vsm::Role::kS3);
  const vsm::detail::EventSigner signer("s3.bench", keys.sign_secret);
  const vsm::detail::TrustedKeys trusted({keys.pub});
  vsm::bench::MarkdownTable table({"payload B", "encode ns", "sign ns", "decode ns", "verify ns",
                                   "signed/plain publish", "signed/plain receive", "wire B plain",
                                   "wire B signed"});
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t payload : {16u, 100u, 1024u}) {
    const vsm::Event plain = bench_event(payload);
    vsm::Event signed_event = plain;
    signer.sign(signed_event);
    const std::string plain_frame = publish_frame(plain, 0);
    const std::string signed_frame = publish_frame(signed_event, 0);
    std::size_t sink = 0;
    const double encode =
        ns_per_event(events, [&](int i) { sink += publish_frame(plain, i).size(); });
    const double sign = ns_per_event(events,
                                     [&](int) {
                                       vsm::Event e = plain;
                                       signer.sign(e);
                                       sink += e.signature[0];
                                     }) -
                        ns_per_event(events, [&](int) { sink += vsm::Event(plain).type.size(); });
    vsm::Event rx;
    const double decode =
        ns_per_event(events, [&](int) { sink += vsm::decode_event_into(signed_frame, rx).ok(); });
    const double verify = ns_per_event(events, [&](int) {
      sink +=
          vsm::detail::verify_event_signature(rx, trusted) == vsm::detail::SignatureOutcome::kValid;
    });
    if (sink == 0) std::fprintf(stderr, " ");  // keeps the loops
    table.add_row({std::to_string(payload), vsm::bench::fmt(encode, 0), vsm::bench::fmt(sign, 0),
                   vsm::bench::fmt(decode, 0), vsm::bench::fmt(verify, 0),
                   vsm::bench::fmt((encode + sign) / encode, 1) + "x",
                   vsm::bench::fmt((decode + verify) / decode, 1) + "x",
                   std::to_string(plain_frame.size()), std::to_string(signed_frame.size())});
    rows.push_back({{"payload_bytes", payload},
                    {"encode_ns", encode},
                    {"sign_ns", sign},
                    {"decode_ns", decode},
                    {"verify_ns", verify},
                    {"signed_events_per_s_per_core", 1e9 / (encode + sign)},
                    {"verified_events_per_s_per_core", 1e9 / (decode + verify)},
                    {"wire_bytes_plain", plain_frame.size()},
                    {"wire_bytes_signed", signed_frame.size()}});
  }
  table.print(std::cout);
  if (!json_path.empty()) {
    nlohmann::json j = {{"bench", "signature_bench"},
                        {"events", events},
                        {"rows", rows},
                        {"machine", vsm::bench::machine_info()}};
    if (!vsm::bench::write_json_file(json_path, j)) {
      std::fprintf(stderr, "signature_bench: cannot write %s\n", json_path.c_str());
      return 1;
    }
  }
  return 0;
}
