// On-disk format of the event log, shared by the record writer, the record reader,
// the segment index and docs/LOG_FORMAT.md (STYLE rule 4). All integers little-endian.
//
// A log is a directory of segments plus side files:
//   NNNNNNNNNNNNNNNNNNNN.log   segment; the name is the offset of its first record,
//                              zero-padded to 20 digits (the next offset when empty)
//   NNNNNNNNNNNNNNNNNNNN.idx   sparse index of that segment (rebuildable, optional)
//   LOCK                       flock()ed by the single writer; holds its pid
//
// segment := segment_header record*
// segment_header (32 bytes):
//   magic[8] "VSMLOG\r\n" | version u16 | header_bytes u16 | flags u32
//   (version 2: bit 0 kSegmentFlagChained; other bits 0)
//   | base_offset u64 | crc u32 (masked CRC32C of bytes 0..23) | reserved u32 (0)
// record (25-byte header + body):
//   length u32 (bytes after the header) | crc u32 (masked CRC32C of bytes 8..end: type,
//   offset, wall_ms, link, body) | type u8 | offset u64 (log offset, from 1)
//   | wall_ms u64 (event HLC wall ms, for the time index)
//   | type kRecordChained (chained segments): link[32] | body[length - 32]
//   | type kRecordFull (other segments): body[length]
//   body: the event as on the wire; persist/src/record_body.hpp is the only code that
//   parses it.
// Hash chain (version 2 segments with kSegmentFlagChained): link = BLAKE2b-256(previous link | type
// | offset | wall_ms |
//   body), the previous link of a segment's first record being
//   BLAKE2b-256(kChainDomain | base_offset u64): persist/src/chain.hpp. A record changed,
//   inserted or removed without recomputing every later link of its segment breaks it.
//
// The offset lives in each header so a skipped corrupt record never shifts the
// offsets of later ones, and so a resynchronising reader can check plausibility.
// wall_ms lives in the header so index rebuild and time filters never decode msgpack.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vsm::persist::log_format {

inline constexpr std::array<char, 8> kSegmentMagic = {'V', 'S', 'M', 'L', 'O', 'G', '\r', '\n'};
inline constexpr std::uint16_t kSegmentVersion = 2;  // bump on any layout change; never reuse
inline constexpr std::uint16_t kSegmentVersionUnchained = 1;  // still read; never written
inline constexpr std::uint32_t kSegmentFlagChained = 1;       // records are kRecordChained
inline constexpr std::size_t kSegmentHeaderBytes = 32;
inline constexpr std::size_t kSegmentHeaderCrcBytes = 24;  // bytes covered by its crc

// Record types. 0 is never written so zero-filled (preallocated/unflushed) regions
// are recognised as invalid rather than as empty records.
inline constexpr std::uint8_t kRecordZero = 0;
inline constexpr std::uint8_t kRecordFull = 1;     // one envelope (version 1 segments)
inline constexpr std::uint8_t kRecordChained = 2;  // link + envelope (version 2 segments)
inline constexpr std::size_t kChainBytes = 32;
inline constexpr std::string_view kChainDomain = "vsm-log-chain/1";
inline constexpr std::size_t kRecordHeaderBytes = 25;
inline constexpr std::size_t kRecordCrcStart = 8;  // crc covers bytes from here to the end
// Hard cap on a body; anything larger is treated as a corrupt length.
inline constexpr std::size_t kMaxRecordBodyBytes = 16u << 20;

// Index side file (version 3; older versions are rebuilt):
//   magic[8] "VSMIDX\r\n" | version u16 | channels u16 (channel count, 5)
//   | entry_count u32 | segment_bytes u64 (segment size the index covers)
//   | data_end u64 (position just past the last valid record; < segment_bytes when
//   the end of the segment is damaged) | record_count u64 | first_offset u64
//   | last_offset u64 | min_wall_ms u64 | max_wall_ms u64 | entry[entry_count]
//   | crc u32 (masked CRC32C of everything before it)
// entry (32 + 16 * channels bytes): first_offset u64 | pos u64 | min_wall_ms u64
//   | max_wall_ms u64 | (min_seq u64 | max_seq u64)[channels]
//   one per block of >= kIndexIntervalBytes; the block runs to the next entry's pos.
//   The seq ranges are the block's Event::seq range per channel (in channel order,
//   min > max when the block holds none), so a query for a channel's sequence range
//   reads only the blocks that can hold it.
inline constexpr std::array<char, 8> kIndexMagic = {'V', 'S', 'M', 'I', 'D', 'X', '\r', '\n'};
inline constexpr std::uint16_t kIndexVersion = 3;
inline constexpr std::size_t kIndexHeaderBytes = 72;
inline constexpr std::size_t kIndexEntryFixedBytes = 32;
inline constexpr std::size_t kIndexSeqRangeBytes = 16;  // per channel
inline constexpr std::uint64_t kIndexIntervalBytes = 16u << 10;

inline constexpr std::size_t kSegmentNameDigits = 20;
inline constexpr std::string_view kSegmentSuffix = ".log";
inline constexpr std::string_view kIndexSuffix = ".idx";
inline constexpr std::string_view kLockFileName = "LOCK";

}  // namespace vsm::persist::log_format
