// A bounds-checked msgpack cursor for decoding untrusted bytes without exceptions or
// allocation. Every read returns an empty optional on malformed or truncated input and
// the cursor then stays in a failed state. Used by all decoders (envelope, gossip, log).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
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

  std::optional<std::uint32_t> read_map_header();
  std::optional<std::uint32_t> read_array_header();
  std::optional<std::string_view> read_str();
  std::optional<std::string_view> read_bin();
  std::optional<std::uint64_t> read_uint();  // positive ints only
  std::optional<std::int64_t> read_int();    // any int that fits int64
  std::optional<double> read_double();       // float32/float64 or any int
  std::optional<bool> read_bool();
  bool read_nil();                           // true if the next value was nil (consumed)
  bool next_is_nil() const noexcept;

  // Skips one complete value (any type), enforcing nesting depth, str/bin length and
  // container size limits. Returns the skipped bytes.
  std::optional<std::string_view> skip_value(std::size_t max_depth = 32,
                                             std::size_t max_string_bytes = 1 << 20,
                                             std::size_t max_items = 1 << 16);

 private:
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
