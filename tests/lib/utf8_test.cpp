// is_valid_utf8 against a straightforward decoder of RFC 3629 over every 1- to
// 3-byte sequence and selected 4-byte ones, in every position of the 8-byte ASCII scan.
#include "vsm/utf8.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

namespace vsm {
namespace {

// Reference: decode code points, reject overlongs, surrogates, > U+10FFFF, truncation.
bool reference_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = b < 0x80         ? 1
                      : (b >> 5) == 6  ? 2
                      : (b >> 4) == 14 ? 3
                      : (b >> 3) == 30 ? 4
                                       : 0;
    if (len == 0 || i + len > s.size()) return false;
    std::uint32_t cp = len == 1 ? b : b & (0x7f >> len);
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

}  // namespace

TEST_CASE("utf8: known valid and invalid strings", "[utf8]") {
  for (const char* ok : {"", "ascii only, longer than eight bytes", "\xc3\xbc", "\xe2\x9c\x93",
                         "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf", "\xef\xbf\xbf", "\xed\x9f\xbf"}) {
    INFO(ok);
    CHECK(is_valid_utf8(ok));
  }
  for (const char* bad :
       {"\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xc3", "\xe0\x80\x80", "\xe0\x9f\xbf",
        "\xed\xa0\x80", "\xed\xbf\xbf", "\xf0\x80\x80\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
        "\xff", "\xfe", "abcdefgh\xe2\x9c", "abcdefghijklmno\x80"}) {
    INFO(bad);
    CHECK_FALSE(is_valid_utf8(bad));
  }
}

TEST_CASE("utf8: agrees with the reference on every short sequence, at every offset", "[utf8]") {
  std::string seq;
  const auto check_all_offsets = [&] {
    for (std::size_t pad : {0u, 3u, 7u, 8u, 13u}) {
      const std::string s = std::string(pad, 'a') + seq + "tail";
      if (is_valid_utf8(s) != reference_utf8(s)) {
        FAIL("disagree on sequence of " << seq.size() << " bytes at offset " << pad);
      }
    }
  };
  for (int a = 0; a < 256; ++a) {
    seq.assign(1, static_cast<char>(a));
    check_all_offsets();
    for (int b = 0x70; b < 0xd0; ++b) {
      seq.assign({static_cast<char>(a), static_cast<char>(b)});
      check_all_offsets();
      if (a < 0xe0) continue;
      for (int c : {0x7f, 0x80, 0xbf, 0xc0}) {
        seq.assign({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
        check_all_offsets();
        if (a < 0xf0) continue;
        for (int d : {0x7f, 0x80, 0xbf, 0xc0}) {
          seq.push_back(static_cast<char>(d));
          check_all_offsets();
          seq.pop_back();
        }
      }
    }
  }
}

}  // namespace vsm
