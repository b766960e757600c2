// Appends msgpack to a caller-owned std::string (reused across calls to avoid
// allocation). Always emits the smallest encoding. Not thread-safe; cheap to create.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vsm {

class MsgpackWriter {
 public:
  explicit MsgpackWriter(std::string& out) : out_(out) {}

  void map_header(std::uint32_t n);
  void array_header(std::uint32_t n);
  void str(std::string_view s);
  void bin(std::string_view b);
  void uint(std::uint64_t v);
  void int64(std::int64_t v);
  void float64(double v);
  void boolean(bool v);
  void nil();
  // Appends already-encoded msgpack bytes verbatim. REQUIRES: exactly one valid value.
  void raw(std::string_view encoded) { out_.append(encoded); }

  std::string& buffer() noexcept { return out_; }

 private:
  void put_be(std::uint64_t v, int bytes);
  std::string& out_;
};

}  // namespace vsm
