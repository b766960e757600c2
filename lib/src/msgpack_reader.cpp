#include "vsm/msgpack_reader.hpp"

#include <cstring>

namespace vsm {
namespace {
inline std::uint8_t byte_at(std::string_view d, std::size_t i) {
  return static_cast<std::uint8_t>(d[i]);
}
}  // namespace

bool MsgpackReader::need(std::size_t n) {
  if (failed_ || data_.size() - pos_ < n) {
    failed_ = true;
    return false;
  }
  return true;
}

std::optional<std::uint64_t> MsgpackReader::read_be(std::size_t n) {
  if (!need(n)) return std::nullopt;
  std::uint64_t v = 0;
  if (n == 8) {  // timestamps and sequence numbers: one load instead of a byte loop
    unsigned char b[8];
    std::memcpy(b, data_.data() + pos_, 8);
    for (unsigned char x : b) v = (v << 8) | x;
  } else {
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | byte_at(data_, pos_ + i);
  }
  pos_ += n;
  return v;
}

std::optional<std::uint32_t> MsgpackReader::read_len(std::uint8_t fix_mask, std::uint8_t fix_base,
                                                     std::uint8_t fix_bits, std::uint8_t b16,
                                                     std::uint8_t b32, std::uint8_t b8) {
  if (!need(1)) return std::nullopt;
  const std::uint8_t t = byte_at(data_, pos_);
  if ((t & fix_mask) == fix_base) {
    ++pos_;
    return t & fix_bits;
  }
  std::size_t width = 0;
  if (b8 != 0 && t == b8) width = 1;
  else if (t == b16) width = 2;
  else if (t == b32) width = 4;
  if (width == 0) return fail();
  ++pos_;
  auto v = read_be(width);
  if (!v) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}

std::optional<std::uint32_t> MsgpackReader::read_map_header_slow() {
  return read_len(0xf0, 0x80, 0x0f, 0xde, 0xdf);
}

std::optional<std::uint32_t> MsgpackReader::read_array_header_slow() {
  return read_len(0xf0, 0x90, 0x0f, 0xdc, 0xdd);
}

std::optional<std::string_view> MsgpackReader::read_str_slow() {
  auto n = read_len(0xe0, 0xa0, 0x1f, 0xda, 0xdb, 0xd9);
  if (!n || !need(*n)) return fail();
  std::string_view s = data_.substr(pos_, *n);
  pos_ += *n;
  return s;
}

std::optional<std::string_view> MsgpackReader::read_bin_slow() {
  // No fixbin in msgpack: use an impossible fix mask.
  auto n = read_len(0x00, 0x01, 0x00, 0xc5, 0xc6, 0xc4);
  if (!n || !need(*n)) return fail();
  std::string_view s = data_.substr(pos_, *n);
  pos_ += *n;
  return s;
}

std::optional<std::uint64_t> MsgpackReader::read_uint_slow() {
  // uint64 is read here directly: values above INT64_MAX do not fit read_int().
  if (!need(1)) return std::nullopt;
  if (byte_at(data_, pos_) == 0xcf) {
    ++pos_;
    return read_be(8);
  }
  auto v = read_int();
  if (v && *v >= 0) return static_cast<std::uint64_t>(*v);
  return fail();
}

std::optional<std::int64_t> MsgpackReader::read_int() {
  if (!need(1)) return std::nullopt;
  const std::uint8_t t = byte_at(data_, pos_);
  if (t < 0x80) {
    ++pos_;
    return t;
  }
  if (t >= 0xe0) {
    ++pos_;
    return static_cast<std::int8_t>(t);
  }
  const std::size_t start = pos_;
  ++pos_;
  std::optional<std::uint64_t> v;
  switch (t) {
    case 0xcc: return read_be(1);
    case 0xcd: return read_be(2);
    case 0xce: return read_be(4);
    case 0xcf:
      v = read_be(8);
      if (v && *v <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(*v);
      pos_ = start;
      return fail();  // does not fit int64; read_uint() accepts it
    case 0xd0: v = read_be(1); if (v) return static_cast<std::int8_t>(*v); break;
    case 0xd1: v = read_be(2); if (v) return static_cast<std::int16_t>(*v); break;
    case 0xd2: v = read_be(4); if (v) return static_cast<std::int32_t>(*v); break;
    case 0xd3: v = read_be(8); if (v) return static_cast<std::int64_t>(*v); break;
    default: pos_ = start; return fail();
  }
  return std::nullopt;
}

std::optional<double> MsgpackReader::read_double() {
  if (!need(1)) return std::nullopt;
  const std::uint8_t t = byte_at(data_, pos_);
  if (t == 0xca) {
    ++pos_;
    auto v = read_be(4);
    if (!v) return std::nullopt;
    std::uint32_t bits = static_cast<std::uint32_t>(*v);
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  }
  if (t == 0xcb) {
    ++pos_;
    auto v = read_be(8);
    if (!v) return std::nullopt;
    double d;
    std::memcpy(&d, &*v, sizeof d);
    return d;
  }
  if (t == 0xcf) {  // uint64 above INT64_MAX is still an int
    auto u = read_uint();
    if (!u) return std::nullopt;
    return static_cast<double>(*u);
  }
  auto i = read_int();
  if (!i) return fail();
  return static_cast<double>(*i);
}

std::optional<bool> MsgpackReader::read_bool() {
  if (!need(1)) return std::nullopt;
  const std::uint8_t t = byte_at(data_, pos_);
  if (t != 0xc2 && t != 0xc3) return fail();
  ++pos_;
  return t == 0xc3;
}

bool MsgpackReader::next_is_nil() const noexcept {
  return !failed_ && pos_ < data_.size() && byte_at(data_, pos_) == 0xc0;
}

bool MsgpackReader::read_nil() {
  if (!next_is_nil()) return false;
  ++pos_;
  return true;
}

std::optional<std::string_view> MsgpackReader::skip_value_slow(std::size_t max_depth,
                                                               std::size_t max_string_bytes,
                                                               std::size_t max_items) {
  const std::size_t start = pos_;
  if (!skip_inner(0, max_depth, max_string_bytes, max_items)) return fail();
  return data_.substr(start, pos_ - start);
}

// Iterative over siblings, recursive over nesting (bounded by max_depth).
bool MsgpackReader::skip_inner(std::size_t depth, std::size_t max_depth, std::size_t max_str,
                               std::size_t max_items) {
  if (!need(1)) return false;
  const std::uint8_t t = byte_at(data_, pos_);
  // max_depth counts nested containers: a container at depth >= max_depth is too deep,
  // whether or not it is empty (scalars may sit at depth == max_depth).
  const bool container = (t & 0xe0) == 0x80 || t == 0xdc || t == 0xdd || t == 0xde || t == 0xdf;
  if (container && depth >= max_depth) return false;
  std::uint64_t children = 0;
  std::size_t payload = 0;
  if (t < 0x80 || t >= 0xe0 || t == 0xc0 || t == 0xc2 || t == 0xc3) {
    ++pos_;
    return true;
  }
  if ((t & 0xf0) == 0x80 || t == 0xde || t == 0xdf) {
    auto n = read_map_header();
    if (!n || *n > max_items) return false;
    children = 2ull * *n;
  } else if ((t & 0xf0) == 0x90 || t == 0xdc || t == 0xdd) {
    auto n = read_array_header();
    if (!n || *n > max_items) return false;
    children = *n;
  } else if ((t & 0xe0) == 0xa0 || t == 0xd9 || t == 0xda || t == 0xdb) {
    auto s = read_str();
    return s && s->size() <= max_str;
  } else if (t == 0xc4 || t == 0xc5 || t == 0xc6) {
    auto b = read_bin();
    return b && b->size() <= max_str;
  } else {
    ++pos_;
    switch (t) {
      case 0xcc: case 0xd0: payload = 1; break;
      case 0xcd: case 0xd1: payload = 2; break;
      case 0xca: case 0xce: case 0xd2: payload = 4; break;
      case 0xcb: case 0xcf: case 0xd3: payload = 8; break;
      case 0xd4: payload = 2; break;   // fixext 1 (type + data)
      case 0xd5: payload = 3; break;
      case 0xd6: payload = 5; break;
      case 0xd7: payload = 9; break;
      case 0xd8: payload = 17; break;
      case 0xc7: case 0xc8: case 0xc9: {  // ext 8/16/32
        const std::size_t w = t == 0xc7 ? 1 : (t == 0xc8 ? 2 : 4);
        auto n = read_be(w);
        if (!n || *n > max_str) return false;
        payload = static_cast<std::size_t>(*n) + 1;
        break;
      }
      default: return false;  // 0xc1 is never used
    }
    if (!need(payload)) return false;
    pos_ += payload;
    return true;
  }
  // Each child needs at least one byte: reject impossible counts before looping.
  if (children > remaining()) return false;
  for (std::uint64_t i = 0; i < children; ++i) {
    if (!skip_inner(depth + 1, max_depth, max_str, max_items)) return false;
  }
  return true;
}

}  // namespace vsm
