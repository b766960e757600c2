// An opaque msgpack value: the bytes of exactly one encoded msgpack object.
// The fabric never interprets payloads; `value_pack.hpp` converts to and from C++ types.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace vsm {

class Value {
 public:
  Value() = default;  // "absent"; encodes as msgpack nil
  // REQUIRES: `bytes` holds exactly one well-formed msgpack object (the codec checks
  // this for decoded data; use `from_msgpack` for untrusted bytes).
  static Value from_encoded(std::string bytes) {
    Value v;
    v.bytes_ = std::move(bytes);
    return v;
  }
  // from_encoded() reusing this value's storage (same REQUIRES).
  void assign_encoded(std::string_view bytes) { bytes_.assign(bytes); }
  void clear() noexcept { bytes_.clear(); }
  static Value nil() { return from_encoded(std::string(1, '\xc0')); }
  // Plain UTF-8 string value.
  static Value string(std::string_view text);

  bool empty() const noexcept { return bytes_.empty(); }
  const std::string& bytes() const noexcept { return bytes_; }
  // The encoded form, nil when empty.
  std::string_view encoded() const noexcept { return empty() ? std::string_view("\xc0", 1) : bytes_; }

  friend bool operator==(const Value& a, const Value& b) { return a.encoded() == b.encoded(); }
  friend void swap(Value& a, Value& b) noexcept { a.bytes_.swap(b.bytes_); }

 private:
  std::string bytes_;
};

}  // namespace vsm
