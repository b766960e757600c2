// A bounds-checked msgpack cursor for decoding untrusted bytes without exceptions or
// allocation. Every read returns an empty optional on malformed or truncated input and
// the cursor then stays in a failed state. Used by all decoders (frames, gossip, log).
#pragma once

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace vsm {

class MsgpackReader {
 public:
  // The reader keeps a view: `bytes` must outlive it.
  explicit MsgpackReader(std::string_view bytes) : data_(bytes) {}
  // A temporary std::string would dangle; lvalues and literals are fine.
  template <typename T>
    requires(std::same_as<std::remove_cvref_t<T>, std::string> && !std::is_lvalue_reference_v<T>)
  explicit MsgpackReader(T&&) = delete;

  bool failed() const noexcept { return failed_; }
  bool at_end() const noexcept { return pos_ == data_.size(); }
  std::size_t position() const noexcept { return pos_; }
  std::size_t remaining() const noexcept { return data_.size() - pos_; }

  // The common short forms (fixmap, fixarray, fixstr, positive fixint, uint64) are
  // decoded inline; the rest goes through the out-of-line readers.
  std::optional<std::uint32_t> read_map_header() {
    if (const int t = peek(); (t & 0xf0) == 0x80) {
      ++pos_;
      return static_cast<std::uint32_t>(t & 0x0f);
    }
    return read_map_header_slow();
  }
  std::optional<std::uint32_t> read_array_header() {
    if (const int t = peek(); (t & 0xf0) == 0x90) {
      ++pos_;
      return static_cast<std::uint32_t>(t & 0x0f);
    }
    return read_array_header_slow();
  }
  std::optional<std::string_view> read_str() {
    if (const int t = peek(); (t & 0xe0) == 0xa0) {
      const std::size_t n = static_cast<std::size_t>(t & 0x1f);
      if (data_.size() - pos_ - 1 >= n) {
        const std::string_view s = data_.substr(pos_ + 1, n);
        pos_ += 1 + n;
        return s;
      }
    }
    return read_str_slow();
  }
  std::optional<std::string_view> read_bin() {  // bin 8 inline: event ids, small payloads
    if (peek() == 0xc4 && remaining() >= 2) {
      const std::size_t n = static_cast<unsigned char>(data_[pos_ + 1]);
      if (remaining() - 2 >= n) {
        const std::string_view b = data_.substr(pos_ + 2, n);
        pos_ += 2 + n;
        return b;
      }
    }
    return read_bin_slow();
  }
  std::optional<std::uint64_t> read_uint() {  // positive ints only
    const int t = peek();
    if (t >= 0 && t < 0x80) {
      ++pos_;
      return static_cast<std::uint64_t>(t);
    }
    // uint64 / uint32: timestamps, and sequence numbers as publishers write them.
    if (t == 0xcf && remaining() > 8) return be_at<8>();
    if (t == 0xce && remaining() > 4) return be_at<4>();
    return read_uint_slow();
  }
  std::optional<std::int64_t> read_int();    // any int that fits int64
  std::optional<double> read_double();       // float32/float64 or any int
  std::optional<bool> read_bool();
  bool read_nil();                           // true if the next value was nil (consumed)
  bool next_is_nil() const noexcept;

  // Skips one complete value (any type), enforcing nesting depth, str/bin length and
  // container size limits. Returns the skipped bytes.
  std::optional<std::string_view> skip_value(std::size_t max_depth = 32,
                                             std::size_t max_string_bytes = 1 << 20,
                                             std::size_t max_items = 1 << 16) {
    // Inline: the values payloads mostly are (one str or bin of < 64 KiB, a small int).
    const int t = peek();
    std::size_t header = 0;
    std::size_t n = 0;
    if (t >= 0 && (t < 0x80 || t >= 0xe0)) {
      header = 1;
    } else if ((t & 0xe0) == 0xa0) {
      header = 1;
      n = static_cast<std::size_t>(t & 0x1f);
    } else if ((t == 0xc4 || t == 0xd9) && remaining() >= 2) {
      header = 2;
      n = static_cast<unsigned char>(data_[pos_ + 1]);
    } else if (t == 0xc5 && remaining() >= 3) {
      header = 3;
      n = static_cast<std::size_t>(static_cast<unsigned char>(data_[pos_ + 1])) << 8 |
          static_cast<unsigned char>(data_[pos_ + 2]);
    }
    if (header != 0 && n <= max_string_bytes && remaining() - header >= n) {
      const std::string_view v = data_.substr(pos_, header + n);
      pos_ += header + n;
      return v;
    }
    return skip_value_slow(max_depth, max_string_bytes, max_items);
  }

 private:
  // The N-byte big-endian value after the type byte; advances past both.
  // REQUIRES: remaining() > N.
  template <std::size_t N>
  std::uint64_t be_at() noexcept {
    static_assert(N == 4 || N == 8);
    std::uint64_t v;
    if constexpr (N == 8) {
      std::memcpy(&v, data_.data() + pos_ + 1, 8);
      if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
    } else {
      std::uint32_t w;
      std::memcpy(&w, data_.data() + pos_ + 1, 4);
      if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap32(w);
      v = w;
    }
    pos_ += 1 + N;
    return v;
  }
  // The next byte, or -1 at the end or after a failure.
  int peek() const noexcept {
    return failed_ || pos_ >= data_.size() ? -1 : static_cast<unsigned char>(data_[pos_]);
  }
  std::optional<std::uint32_t> read_map_header_slow();
  std::optional<std::uint32_t> read_array_header_slow();
  std::optional<std::string_view> read_str_slow();
  std::optional<std::string_view> read_bin_slow();
  std::optional<std::string_view> skip_value_slow(std::size_t max_depth, std::size_t max_string_bytes,
                                                  std::size_t max_items);
  std::optional<std::uint64_t> read_uint_slow();
  bool need(std::size_t n);
  std::optional<std::uint64_t> read_be(std::size_t n);
  std::optional<std::uint32_t> read_len(std::uint8_t fix_mask, std::uint8_t fix_base,
                                        std::uint8_t fix_bits, std::uint8_t b16, std::uint8_t b32,
                                        std::uint8_t b8 = 0);
  bool skip_inner(std::size_t depth, std::size_t max_depth, std::size_t max_str,
                  std::size_t max_items);
  std::nullopt_t fail() noexcept {
    failed_ = true;
    return std::nullopt;
  }

  std::string_view data_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace vsm
