// Per-event CPU and wire bytes of the data-plane codec (protocol v2), for the event the
// pubsub bench sends: source "s1.bench-pub", channel coordination, type "bench", a bin
// payload of N bytes (100 by default; 16 and 1,024 too), the publisher's own name as
// ts.node. Publisher side: id + encode + patch (encode_event_unsequenced, outside the
// queue lock, then patch_sequence under it), batch building; subscriber side:
// decode_event_into a reused Event, FrameReader over a batch, the log's header peek.
// Counters: wire_bytes = bytes on the wire per event (frame, or batch frame / events).
//   codec_bench [--benchmark_filter=...] [--benchmark_format=json]
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "vsm/batch_builder.hpp"
#include "vsm/codec.hpp"
#include "vsm/event_header.hpp"
#include "vsm/frame_reader.hpp"
#include "vsm/msgpack_writer.hpp"

namespace {

using vsm::Event;

constexpr std::uint64_t kWallMs = 1'700'000'000'000;
constexpr int kBatch = 64;  // events per batch frame in the batch benchmarks

Event bench_event(std::size_t payload_bytes) {
  Event e;
  e.id = vsm::EventId::generate();
  e.source = "s1.bench-pub";
  e.channel = vsm::Channel::kCoordination;
  e.type = "bench";
  std::string bin;  // smallest bin header, as msgpack encoders write it
  vsm::MsgpackWriter(bin).bin(std::string(payload_bytes, 'Z'));
  e.payload = vsm::Value::from_encoded(std::move(bin));
  return e;
}

// A frame as a publisher sends it: unsequenced, then patched with `seq`.
std::string published_frame(const Event& e, std::uint64_t seq) {
  std::string frame;
  auto slots = vsm::encode_event_unsequenced(e, e.source, frame);
  if (!slots) return {};
  vsm::patch_sequence(frame.data(), *slots, kWallMs + seq, 0, seq);
  return frame;
}

void BM_EventIdGenerate(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(vsm::EventId::generate());
}
BENCHMARK(BM_EventIdGenerate);

void BM_EncodePatch(benchmark::State& state) {
  const Event e = bench_event(static_cast<std::size_t>(state.range(0)));
  std::string scratch;
  std::uint64_t seq = 0;
  for (auto _ : state) {
    scratch.clear();
    auto slots = vsm::encode_event_unsequenced(e, e.source, scratch);
    ++seq;
    vsm::patch_sequence(scratch.data(), *slots, kWallMs + seq, 0, seq);
    benchmark::DoNotOptimize(scratch.data());
  }
  state.counters["wire_bytes"] = static_cast<double>(scratch.size());
}
BENCHMARK(BM_EncodePatch)->Arg(16)->Arg(100)->Arg(1024);

void BM_IdEncodePatch(benchmark::State& state) {  // what publish() does per event
  Event e = bench_event(static_cast<std::size_t>(state.range(0)));
  std::string scratch;
  std::uint64_t seq = 0;
  for (auto _ : state) {
    e.id = vsm::EventId::generate();
    scratch.clear();
    auto slots = vsm::encode_event_unsequenced(e, e.source, scratch);
    ++seq;
    vsm::patch_sequence(scratch.data(), *slots, kWallMs + seq, 0, seq);
    benchmark::DoNotOptimize(scratch.data());
  }
  state.counters["wire_bytes"] = static_cast<double>(scratch.size());
}
BENCHMARK(BM_IdEncodePatch)->Arg(100);

void BM_DecodeInto(benchmark::State& state) {
  const std::string frame =
      published_frame(bench_event(static_cast<std::size_t>(state.range(0))), 1);
  Event into;
  for (auto _ : state) {
    auto st = vsm::decode_event_into(frame, into);
    benchmark::DoNotOptimize(st);
  }
  state.counters["wire_bytes"] = static_cast<double>(frame.size());
}
BENCHMARK(BM_DecodeInto)->Arg(16)->Arg(100)->Arg(1024);

std::vector<std::string> published_frames(std::size_t payload_bytes) {
  const Event e = bench_event(payload_bytes);
  std::vector<std::string> frames;
  for (int i = 1; i <= kBatch; ++i)
    frames.push_back(published_frame(e, static_cast<std::uint64_t>(i)));
  return frames;
}

void BM_BatchBuild(benchmark::State& state) {  // per event: add one frame to a batch
  const auto frames = published_frames(static_cast<std::size_t>(state.range(0)));
  vsm::BatchBuilder batch({.max_bytes = 1 << 20, .max_events = kBatch});
  std::size_t bytes = 0;
  for (auto _ : state) {
    batch.clear();
    for (const auto& f : frames) benchmark::DoNotOptimize(batch.add(f));
    bytes = batch.finish().size();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["wire_bytes"] = static_cast<double>(bytes) / kBatch;
}
BENCHMARK(BM_BatchBuild)->Arg(100);

void BM_BatchReadInto(benchmark::State& state) {  // per event: FrameReader::next_into
  vsm::BatchBuilder batch({.max_bytes = 1 << 20, .max_events = kBatch});
  for (const auto& f : published_frames(static_cast<std::size_t>(state.range(0)))) {
    (void)batch.add(f);
  }
  const std::string frame(batch.finish());
  Event into;
  for (auto _ : state) {
    auto reader = vsm::FrameReader::open(frame);
    while (!reader->done()) benchmark::DoNotOptimize(reader->next_into(into));
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["wire_bytes"] = static_cast<double>(frame.size()) / kBatch;
}
BENCHMARK(BM_BatchReadInto)->Arg(100);

void BM_PeekHeader(benchmark::State& state) {
  const std::string frame =
      published_frame(bench_event(static_cast<std::size_t>(state.range(0))), 1);
  vsm::EventHeader header;
  for (auto _ : state) {
    benchmark::DoNotOptimize(vsm::peek_event_header(frame, header));
    benchmark::DoNotOptimize(header);
  }
}
BENCHMARK(BM_PeekHeader)->Arg(100);

}  // namespace

BENCHMARK_MAIN();
