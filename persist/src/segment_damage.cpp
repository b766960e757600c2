#include "segment_damage.hpp"

#include "vsm/persist/log_format.hpp"

namespace vsm::persist::detail {

namespace lf = log_format;

CorruptRegion lost_region(const std::string& segment, std::uint64_t pos, std::uint64_t bytes,
                          std::string reason, std::uint64_t first_lost, std::uint64_t last_lost) {
  CorruptRegion r;
  r.segment = segment;
  r.pos = pos;
  r.bytes = bytes;
  r.reason = std::move(reason);
  if (first_lost != 0 && last_lost >= first_lost) {
    r.first_offset = first_lost;
    r.last_offset = last_lost;
    r.estimated_events = last_lost - first_lost + 1;
  }
  return r;
}

Result<CorruptRegion> header_damage(const std::filesystem::path& path, std::uint64_t base,
                                    const Segment::SharedFile& file, std::uint64_t size,
                                    std::uint64_t next_base, std::uint64_t avg_record_bytes,
                                    const std::string& why) {
  std::string reason = "damaged segment header, segment skipped: " + why;
  if (next_base > base) return lost_region(path.string(), 0, size, reason, base, next_base - 1);
  // The last segment: its records carry their own checksums and offsets.
  auto last = Segment(path, base, file).salvage([](const Record&) {});
  if (!last) return std::move(last).error();
  CorruptRegion r = lost_region(path.string(), 0, size, reason, base, *last);
  if (*last < base && size > lf::kSegmentHeaderBytes) {
    r.estimated_events = (size - lf::kSegmentHeaderBytes) / avg_record_bytes;
  }
  return r;
}

std::optional<CorruptRegion> end_damage(const std::string& path, std::uint64_t data_end,
                                        std::uint64_t size, std::uint64_t last_offset,
                                        std::uint64_t next_base, const std::string& tail_reason) {
  const bool tail = data_end < size;
  const bool gap = last_offset + 1 < next_base;
  if (!tail && !gap) return std::nullopt;
  CorruptRegion r = lost_region(path, data_end, size - data_end, {}, gap ? last_offset + 1 : 0,
                                gap ? next_base - 1 : 0);
  if (tail) {
    r.reason = "no valid record after byte " + std::to_string(data_end) +
               " of a sealed segment (" + (tail_reason.empty() ? "damaged end" : tail_reason) + ")";
  } else {
    r.reason = "offsets " + std::to_string(r.first_offset) + ".." + std::to_string(r.last_offset) +
               " are in no segment: a segment file is missing or the end of this one was cut off";
  }
  return r;
}

}  // namespace vsm::persist::detail
