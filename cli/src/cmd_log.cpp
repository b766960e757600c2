// `vsmcat log info|verify DIR`.
#include "cmd_log.hpp"


#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "log_time.hpp"
#include "progress_line.hpp"
#include "vsm/persist/log_reader.hpp"

namespace vsmcat {
namespace {

using vsm::persist::LogReader;

struct LogArgs {
  std::string dir;
  bool json = false;
};

std::string time_or_dash(std::uint64_t ms, std::uint64_t records) {
  return records == 0 ? "-" : format_iso8601_ms(ms);
}

nlohmann::json segment_json(const vsm::persist::SegmentInfo& s) {
  nlohmann::json j = {
      {"path", s.path},       {"base_offset", s.base_offset},   {"bytes", s.bytes},
      {"records", s.records}, {"first_offset", s.first_offset}, {"last_offset", s.last_offset},
      {"damaged", s.damaged}};
  if (s.records > 0) {
    j["min_wall_ms"] = s.min_wall_ms;
    j["max_wall_ms"] = s.max_wall_ms;
    j["first_time"] = format_iso8601_ms(s.min_wall_ms);
    j["last_time"] = format_iso8601_ms(s.max_wall_ms);
  }
  return j;
}

void print_info_text(const LogReader& log, const std::vector<vsm::persist::SegmentInfo>& segs) {
  std::printf("log %s\n", log.dir().c_str());
  std::printf("%-24s %10s %12s %12s %-24s %-24s %12s\n", "segment", "records", "first", "last",
              "first time", "last time", "bytes");
  std::uint64_t records = 0, bytes = 0;
  for (const auto& s : segs) {
    std::printf(
        "%-24s %10llu %12llu %12llu %-24s %-24s %12llu\n",
        std::filesystem::path(s.path).filename().c_str(),
        static_cast<unsigned long long>(s.records), static_cast<unsigned long long>(s.first_offset),
        static_cast<unsigned long long>(s.last_offset),
        time_or_dash(s.min_wall_ms, s.records).c_str(),
        time_or_dash(s.max_wall_ms, s.records).c_str(), static_cast<unsigned long long>(s.bytes));
    records += s.records;
    bytes += s.bytes;
  }
  for (const auto& s : segs) {
    if (s.damaged) {
      std::printf("damaged: %s: header damaged, segment skipped (run `vsmcat log verify`)\n",
                  s.path.c_str());
    }
  }
  std::printf("total: %zu segments, %llu records, %llu bytes\n", segs.size(),
              static_cast<unsigned long long>(records), static_cast<unsigned long long>(bytes));
  if (log.indexes_rebuilt() > 0) {
    std::printf(
        "note: %llu index files missing or invalid (rebuilt in memory; the writer "
        "rewrites them)\n",
        static_cast<unsigned long long>(log.indexes_rebuilt()));
  }
}

int run_info(const LogArgs& args) {
  auto log = LogReader::open(args.dir);
  if (!log) {
    std::cerr << "vsmcat log info: " << log.error().to_string() << "\n";
    return kExitRuntime;
  }
  const auto segs = (*log)->segments();
  if (!args.json) {
    print_info_text(**log, segs);
    return kExitOk;
  }
  nlohmann::json j = {{"dir", args.dir}, {"segments", nlohmann::json::array()}};
  std::uint64_t records = 0, bytes = 0, first = 0, last = 0;
  for (const auto& s : segs) {
    j["segments"].push_back(segment_json(s));
    records += s.records;
    bytes += s.bytes;
    if (first == 0 && s.records > 0) first = s.first_offset;
    if (s.records > 0) last = s.last_offset;
  }
  j["records"] = records;
  j["bytes"] = bytes;
  j["first_offset"] = first;
  j["last_offset"] = last;
  j["indexes_rebuilt"] = (*log)->indexes_rebuilt();
  std::cout << j.dump() << "\n";
  return kExitOk;
}

nlohmann::json region_json(const vsm::persist::CorruptRegion& c) {
  nlohmann::json j = {{"segment", c.segment},
                      {"pos", c.pos},
                      {"bytes", c.bytes},
                      {"reason", c.reason},
                      {"estimated_events", c.estimated_events}};
  if (c.first_offset != 0) {
    j["first_offset"] = c.first_offset;
    j["last_offset"] = c.last_offset;
  }
  return j;
}

int run_verify(const LogArgs& args) {
  auto log = LogReader::open(args.dir);
  if (!log) {
    std::cerr << "vsmcat log verify: " << log.error().to_string() << "\n";
    return kExitRuntime;
  }
  ProgressLine progress("verify", /*counts_events=*/false, /*check_every=*/1);
  auto report = (*log)->verify([&progress](std::uint64_t done, std::uint64_t total) {
    progress.set_total(total, "bytes");
    progress.update(0, done);
  });
  progress.finish(report.ok());
  if (!report) {
    std::cerr << "vsmcat log verify: " << report.error().to_string() << "\n";
    return kExitRuntime;
  }
  const auto& r = *report;
  if (args.json) {
    nlohmann::json j = {{"dir", args.dir},
                        {"ok", r.ok()},
                        {"segments", r.segments},
                        {"records", r.records},
                        {"bytes", r.bytes},
                        {"decode_errors", r.decode_errors},
                        {"tail_bytes", r.tail_bytes},
                        {"corruption", nlohmann::json::array()}};
    for (const auto& c : r.corruption) j["corruption"].push_back(region_json(c));
    std::cout << j.dump() << "\n";
  } else {
    for (const auto& c : r.corruption) {
      std::printf("damaged: %s\n", vsm::persist::describe(c).c_str());
    }
    std::printf(
        "%s: %llu segments, %llu records, %llu bytes, %zu corrupt regions, %llu "
        "undecodable records, %llu incomplete tail bytes\n",
        r.ok() ? "ok" : "CORRUPT", static_cast<unsigned long long>(r.segments),
        static_cast<unsigned long long>(r.records), static_cast<unsigned long long>(r.bytes),
        r.corruption.size(), static_cast<unsigned long long>(r.decode_errors),
        static_cast<unsigned long long>(r.tail_bytes));
  }
  return r.ok() ? kExitOk : kExitRuntime;
}

}  // namespace

Command register_log(CLI::App& root) {
  auto* log = root.add_subcommand("log", "Inspect an event log directory (read-only)");
  log->require_subcommand(1);
  auto args = std::make_shared<LogArgs>();
  auto* info = log->add_subcommand("info", "Segments, record counts, offsets, times and bytes");
  info->add_option("DIR", args->dir, "Log directory")->required();
  info->add_flag("--json", args->json, "One JSON object instead of a table");
  auto* verify = log->add_subcommand(
      "verify", "Check every record's checksum and msgpack; exit 1 on corruption");
  verify->add_option("DIR", args->dir, "Log directory")->required();
  verify->add_flag("--json", args->json, "One JSON object instead of text");
  return Command{log, [args, info, verify]() {
                   if (info->parsed()) return run_info(*args);
                   if (verify->parsed()) return run_verify(*args);
                   return kExitUsage;
                 }};
}

}  // namespace vsmcat
