// Child process for the multi-process log tests.
//   log_writer_agent write DIR COUNT [none|interval|always]
//                                      appends COUNT events with that fsync policy
//                                      (default always) and prints "ack <offset>" after
//                                      each acknowledged one
//   log_writer_agent probe DIR         tries to open DIR for writing; prints
//                                      "open ok" (exit 0) or "open <error code>" (exit 3)
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "test_ids.hpp"
#include "vsm/persist/event_log.hpp"

namespace {

void say(const std::string& line) {
  const std::string out = line + "\n";
  [[maybe_unused]] auto n = ::write(1, out.data(), out.size());  // unbuffered: survives kill -9
}

vsm::Event event(std::uint64_t i) {
  vsm::Event e;
  e.id = vsm::test::id_for(i);
  e.source = "agent";
  e.type = "tick";
  e.payload = vsm::Value::string(std::string(100, 'p'));
  e.ts = vsm::HlcTimestamp{1'700'000'000'000 + i, 0, "agent"};
  e.seq = i;
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: log_writer_agent write DIR COUNT [POLICY] | probe DIR\n");
    return 2;
  }
  const std::string mode = argv[1];
  vsm::persist::LogOptions options;
  options.fsync = vsm::persist::FsyncPolicy::kAlways;
  if (argc >= 5) {
    const std::string policy = argv[4];
    if (policy == "none") options.fsync = vsm::persist::FsyncPolicy::kNone;
    if (policy == "interval") options.fsync = vsm::persist::FsyncPolicy::kInterval;
  }
  auto log = vsm::persist::EventLog::open(argv[2], options);
  if (mode == "probe") {
    say(log ? "open ok" : "open " + std::string(vsm::error_code_name(log.error().code())));
    return log ? 0 : 3;
  }
  if (!log || argc < 4) {
    say("error " + (log ? std::string("missing COUNT") : log.error().to_string()));
    return 1;
  }
  const std::uint64_t count = std::strtoull(argv[3], nullptr, 10);
  for (std::uint64_t i = 1; i <= count; ++i) {
    auto off = (*log)->append(event(i));
    if (!off) {
      say("error " + off.error().to_string());
      return 1;
    }
    say("ack " + std::to_string(*off));
  }
  say("done");
  return 0;
}
