// The damage regions a segment can carry as a whole (docs/LOG_FORMAT.md "Damage"):
// a damaged header (the whole segment is skipped) and a damaged end (bytes after the
// last valid record of a sealed segment, and/or offsets up to the next segment that
// no segment holds). Shared by the segment loader and LogReader::verify().
// Thread-safety: plain functions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "segment.hpp"
#include "vsm/persist/log_report.hpp"
#include "vsm/result.hpp"

namespace vsm::persist::detail {

// A region of `bytes` at `pos` that held the records of offsets first_lost..last_lost
// (both 0: none, or unknown).
CorruptRegion lost_region(const std::string& segment, std::uint64_t pos, std::uint64_t bytes,
                          std::string reason, std::uint64_t first_lost, std::uint64_t last_lost);

// Collects what a RecordReader skips in one segment into `out` (may be null).
class RegionReporter final : public RecordReader::Reporter {
 public:
  RegionReporter(std::string segment, std::vector<CorruptRegion>* out)
      : segment_(std::move(segment)), out_(out) {}
  void corruption(std::uint64_t pos, std::uint64_t bytes, std::string_view reason,
                  std::uint64_t first_lost, std::uint64_t last_lost) override {
    if (out_ != nullptr) {
      out_->push_back(
          lost_region(segment_, pos, bytes, std::string(reason), first_lost, last_lost));
    }
  }

 private:
  std::string segment_;
  std::vector<CorruptRegion>* out_;
};

// The region of a segment whose header failed its checks (`why`). The offsets lost run
// up to `next_base` - 1; for the last segment (`next_base` 0) they are found by
// salvaging its records through `file`, else estimated from its size and
// `avg_record_bytes`. Errors: the file's read errors.
Result<CorruptRegion> header_damage(const std::filesystem::path& path, std::uint64_t base,
                                    const Segment::SharedFile& file, std::uint64_t size,
                                    std::uint64_t next_base, std::uint64_t avg_record_bytes,
                                    const std::string& why);

// Damage at the end of a sealed segment whose valid records end at `data_end` (of
// `size` bytes) with offset `last_offset`, followed by the segment based at
// `next_base`; empty when there is none. `tail_reason`: why the bytes after the last
// record failed, when known.
std::optional<CorruptRegion> end_damage(const std::string& path, std::uint64_t data_end,
                                        std::uint64_t size, std::uint64_t last_offset,
                                        std::uint64_t next_base, const std::string& tail_reason);

}  // namespace vsm::persist::detail
