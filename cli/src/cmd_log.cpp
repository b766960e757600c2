// `vsmcat log info|verify DIR`.
#include "cmd_log.hpp"


#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "log_time.hpp"
#include "progress_line.hpp"
#include "vsm/codec.hpp"
#include "vsm/persist/log_reader.hpp"
#include "vsm/security.hpp"

namespace vsmcat {
namespace {

using vsm::persist::LogReader;

struct LogArgs {
  std::string dir;
  bool json = false;
  std::string trusted;  // verify --trusted DIR: also check event signatures
};

// `log verify --trusted DIR`: every signature verifies against the trusted keys, and
// every event on a signed channel (SecurityConfig's defaults) has one.
struct SignatureReport {
  std::uint64_t valid = 0, unsigned_signed_channel = 0, invalid = 0, unknown_signer = 0;
  std::uint64_t first_bad_offset = 0;
  std::string first_bad;
  bool ok() const { return first_bad_offset == 0; }
};

vsm::Result<SignatureReport> check_signatures(const LogReader& log, const std::string& trusted) {
  auto checker = vsm::EventSignatureChecker::open(trusted);
  if (!checker) return checker.error();
  const vsm::SecurityConfig defaults;
  SignatureReport r;
  const auto bad = [&r](const vsm::persist::LogEntry& e, const std::string& why) {
    if (r.first_bad_offset != 0) return;
    r.first_bad_offset = e.offset;
    r.first_bad = "offset " + std::to_string(e.offset) + " (" + e.event.id.to_string() + ", " +
                  std::string(vsm::channel_name(e.event.channel)) + "/" + e.event.source + "/" +
                  e.event.type + "): " + why;
  };
  auto st = log.replay({}, [&](const vsm::persist::LogEntry& e) {
    using Outcome = vsm::EventSignatureChecker::Outcome;
    switch (checker->check(e.event)) {
      case Outcome::kValid: ++r.valid; break;
      case Outcome::kInvalid:
        ++r.invalid;
        bad(e, "invalid signature");
        break;
      case Outcome::kUnknownSigner:
        ++r.unknown_signer;
        bad(e, "signer '" + std::string(vsm::effective_signer(e.event)) + "' is not trusted");
        break;
      case Outcome::kUnsigned:
        for (auto c : defaults.signed_channels) {
          if (c != e.event.channel) continue;
          ++r.unsigned_signed_channel;
          bad(e, "unsigned event on a signed channel");
        }
        break;
    }
    return true;
  });
  if (!st) return st.error();
  return r;
}

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
  std::optional<SignatureReport> sigs;
  if (!args.trusted.empty()) {
    auto checked = check_signatures(**log, args.trusted);
    if (!checked) {
      std::cerr << "vsmcat log verify: " << checked.error().to_string() << "\n";
      return kExitRuntime;
    }
    sigs = *checked;
  }
  const bool ok = r.ok() && (!sigs || sigs->ok());
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
    j["chain_heads"] = nlohmann::json::object();
    for (const auto& [segment, head] : r.chain_heads) j["chain_heads"][segment] = head;
    j["unchained_segments"] = r.unchained_segments;
    if (sigs) {
      j["ok"] = ok;
      j["signatures"] = {{"valid", sigs->valid},
                         {"invalid", sigs->invalid},
                         {"unknown_signer", sigs->unknown_signer},
                         {"unsigned_on_signed_channel", sigs->unsigned_signed_channel}};
      if (!sigs->ok()) j["signatures"]["first_bad"] = sigs->first_bad;
    }
    std::cout << j.dump() << "\n";
  } else {
    for (const auto& [segment, head] : r.chain_heads) {
      std::printf("chain head %s %s\n", std::filesystem::path(segment).filename().c_str(),
                  head.c_str());
    }
    if (r.unchained_segments > 0) {
      std::printf("note: %llu segments written before the hash chain (log format 1)\n",
                  static_cast<unsigned long long>(r.unchained_segments));
    }
    if (sigs && !sigs->ok()) std::printf("bad signature: %s\n", sigs->first_bad.c_str());
    if (sigs) {
      std::printf(
          "signatures: %llu valid, %llu invalid, %llu by unknown signers, %llu "
          "unsigned on signed channels\n",
          static_cast<unsigned long long>(sigs->valid),
          static_cast<unsigned long long>(sigs->invalid),
          static_cast<unsigned long long>(sigs->unknown_signer),
          static_cast<unsigned long long>(sigs->unsigned_signed_channel));
    }
    for (const auto& c : r.corruption) {
      std::printf("damaged: %s\n", vsm::persist::describe(c).c_str());
    }
    std::printf(
        "%s: %llu segments, %llu records, %llu bytes, %zu corrupt regions, %llu "
        "undecodable records, %llu incomplete tail bytes\n",
        ok ? "ok" : "CORRUPT", static_cast<unsigned long long>(r.segments),
        static_cast<unsigned long long>(r.records), static_cast<unsigned long long>(r.bytes),
        r.corruption.size(), static_cast<unsigned long long>(r.decode_errors),
        static_cast<unsigned long long>(r.tail_bytes));
  }
  return ok ? kExitOk : kExitRuntime;
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
  verify->add_option("--trusted", args->trusted,
                     "Also check event signatures against this trusted key directory "
                     "(docs/SECURITY.md §6); the first bad record is named");
  return Command{log, [args, info, verify]() {
                   if (info->parsed()) return run_info(*args);
                   if (verify->parsed()) return run_verify(*args);
                   return kExitUsage;
                 }};
}

}  // namespace vsmcat
