// What the durability tests compare (durability_test.cpp): the (publisher, seq, id) lines a
// durability_agent subscriber recorded, and what the publisher's event log holds (read
// with persist's LogReader). Not thread-safe; one test at a time.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "vsm/persist/log_reader.hpp"

namespace vsm::test {

struct Seen {
  std::string publisher;
  std::uint64_t seq = 0;
  std::string id;
};

// Reads a recorder's file as it grows: only complete lines.
class Recording {
 public:
  explicit Recording(std::string path) : path_(std::move(path)) {}

  // Reads the lines completed since the previous call.
  void poll() {
    std::ifstream in(path_, std::ios::binary);
    if (!in) return;
    in.seekg(static_cast<std::streamoff>(offset_));
    std::string chunk{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const auto end = chunk.rfind('\n');
    if (end == std::string::npos) return;
    offset_ += end + 1;
    std::istringstream lines(chunk.substr(0, end + 1));
    for (std::string line; std::getline(lines, line);) {
      std::istringstream fields(line);
      Seen s;
      fields >> s.publisher >> s.seq >> s.id;
      seen_.push_back(std::move(s));
    }
  }
  const std::vector<Seen>& seen() const { return seen_; }
  std::uint64_t last_seq() const { return seen_.empty() ? 0 : seen_.back().seq; }

 private:
  std::string path_;
  std::size_t offset_ = 0;
  std::vector<Seen> seen_;
};

// One publisher's command-channel events in its log, by seq.
struct LoggedStream {
  std::map<std::uint64_t, std::string> ids;
  std::uint64_t reused = 0;   // seqs logged more than once (a number used twice)
  std::uint64_t records = 0;
  std::uint64_t last = 0;     // highest seq logged
};

inline LoggedStream read_log(const std::string& dir, const std::string& publisher) {
  LoggedStream out;
  auto reader = persist::LogReader::open(dir);
  REQUIRE(reader.ok());
  persist::LogQuery q;
  q.publisher = publisher;
  q.channel = Channel::kCommand;
  auto st = (*reader)->replay(q, [&](const persist::LogEntry& e) {
    ++out.records;
    if (!out.ids.emplace(e.event.seq, e.event.id.to_string()).second) ++out.reused;
    out.last = std::max(out.last, e.event.seq);
    return true;
  });
  REQUIRE(st.ok());
  return out;
}

struct Verdict {
  std::uint64_t seen = 0;
  std::uint64_t not_logged = 0;   // seen by a subscriber, in no log
  std::uint64_t other_id = 0;     // seen with an id the log has under another seq's number
  std::uint64_t seen_twice = 0;   // the same seq delivered again (history re-delivered)
  std::string first_twice;        // where the first repeat was, for the failure message
};

// Every seen event must be in the log under its seq, with the same id.
inline Verdict compare(const std::vector<Seen>& seen, const LoggedStream& log) {
  Verdict v;
  std::map<std::uint64_t, std::size_t> first;  // seq -> delivery index
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const Seen& s = seen[i];
    ++v.seen;
    auto it = log.ids.find(s.seq);
    if (it == log.ids.end()) {
      ++v.not_logged;
    } else if (it->second != s.id) {
      ++v.other_id;
    }
    if (auto [at, fresh] = first.emplace(s.seq, i); !fresh && v.seen_twice++ == 0) {
      v.first_twice = "seq " + std::to_string(s.seq) + " delivered at " +
                      std::to_string(at->second) + " and again at " + std::to_string(i) +
                      " (seq before it: " + (i > 0 ? std::to_string(seen[i - 1].seq) : "-") + ")";
    }
  }
  return v;
}

}  // namespace vsm::test
