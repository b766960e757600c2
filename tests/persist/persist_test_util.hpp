// Fixtures for persist tests: temp directories, sample events, an in-memory File with
// fault injection (leveldb log_test style), and raw segment helpers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "temp_dir.hpp"
#include "test_ids.hpp"
#include "vsm/event.hpp"
#include "vsm/persist/file.hpp"
#include "vsm/value.hpp"

namespace vsm::persist::test {

using vsm::test::TempDir;

inline Event make_event(std::uint64_t i, std::uint64_t wall_ms = 0) {
  Event e;
  e.id = vsm::test::id_for(i);
  e.source = "s1.ops-" + std::to_string(i % 3);
  e.target = (i % 2) == 0 ? "broadcast" : "s3";
  e.channel = static_cast<Channel>(i % 5);
  e.type = (i % 4) == 0 ? "policy_update" : "heartbeat";
  e.payload = Value::string(std::string(40, static_cast<char>('a' + i % 26)));
  e.ts = HlcTimestamp{wall_ms != 0 ? wall_ms : 1'700'000'000'000 + i, 0,
                      "node-" + std::to_string(i % 2)};
  e.seq = i;
  return e;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// In-memory File: contents are a public string so tests can flip bytes and truncate;
// fail_* force I/O errors.
class MemFile final : public File {
 public:
  std::string data;
  bool fail_reads = false;
  bool fail_appends = false;
  bool fail_syncs = false;

  Result<std::size_t> read_at(std::uint64_t pos, char* dst, std::size_t n) override {
    if (fail_reads) return Error::io("injected read error");
    if (pos >= data.size()) return std::size_t{0};
    const std::size_t k = std::min<std::size_t>(n, data.size() - pos);
    data.copy(dst, k, pos);
    return k;
  }
  Result<std::size_t> write_some(std::string_view d) override {
    if (fail_appends) return Error::io("injected write error");
    data.append(d);
    return d.size();
  }
  Status sync() override {
    if (fail_syncs) return Error::io("injected sync error");
    return {};
  }
  Status truncate(std::uint64_t size) override {
    data.resize(size);
    return {};
  }
  Result<std::uint64_t> size() override { return std::uint64_t{data.size()}; }
  const std::string& name() const override { return name_; }

 private:
  std::string name_ = "memfile";
};

}  // namespace vsm::persist::test
