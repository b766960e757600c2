#include "vsm/msgpack_writer.hpp"

#include <cstring>

namespace vsm {

void MsgpackWriter::put_be(std::uint64_t v, int bytes) {
  char buf[8];
  for (int i = bytes - 1; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out_.append(buf, static_cast<std::size_t>(bytes));
}

void MsgpackWriter::map_header(std::uint32_t n) {
  if (n < 16) {
    out_.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xffff) {
    out_.push_back('\xde');
    put_be(n, 2);
  } else {
    out_.push_back('\xdf');
    put_be(n, 4);
  }
}

void MsgpackWriter::array_header(std::uint32_t n) {
  if (n < 16) {
    out_.push_back(static_cast<char>(0x90 | n));
  } else if (n <= 0xffff) {
    out_.push_back('\xdc');
    put_be(n, 2);
  } else {
    out_.push_back('\xdd');
    put_be(n, 4);
  }
}

void MsgpackWriter::str(std::string_view s) {
  const std::size_t n = s.size();
  if (n < 32) {
    out_.push_back(static_cast<char>(0xa0 | n));
  } else if (n <= 0xff) {
    out_.push_back('\xd9');
    put_be(n, 1);
  } else if (n <= 0xffff) {
    out_.push_back('\xda');
    put_be(n, 2);
  } else {
    out_.push_back('\xdb');
    put_be(n, 4);
  }
  out_.append(s);
}

void MsgpackWriter::bin(std::string_view b) {
  const std::size_t n = b.size();
  if (n <= 0xff) {
    out_.push_back('\xc4');
    put_be(n, 1);
  } else if (n <= 0xffff) {
    out_.push_back('\xc5');
    put_be(n, 2);
  } else {
    out_.push_back('\xc6');
    put_be(n, 4);
  }
  out_.append(b);
}

void MsgpackWriter::uint(std::uint64_t v) {
  if (v < 128) {
    out_.push_back(static_cast<char>(v));
  } else if (v <= 0xff) {
    out_.push_back('\xcc');
    put_be(v, 1);
  } else if (v <= 0xffff) {
    out_.push_back('\xcd');
    put_be(v, 2);
  } else if (v <= 0xffffffffULL) {
    out_.push_back('\xce');
    put_be(v, 4);
  } else {
    out_.push_back('\xcf');
    put_be(v, 8);
  }
}

void MsgpackWriter::int64(std::int64_t v) {
  if (v >= 0) {
    uint(static_cast<std::uint64_t>(v));
  } else if (v >= -32) {
    out_.push_back(static_cast<char>(v));
  } else if (v >= INT8_MIN) {
    out_.push_back('\xd0');
    put_be(static_cast<std::uint8_t>(v), 1);
  } else if (v >= INT16_MIN) {
    out_.push_back('\xd1');
    put_be(static_cast<std::uint16_t>(v), 2);
  } else if (v >= INT32_MIN) {
    out_.push_back('\xd2');
    put_be(static_cast<std::uint32_t>(v), 4);
  } else {
    out_.push_back('\xd3');
    put_be(static_cast<std::uint64_t>(v), 8);
  }
}

void MsgpackWriter::float64(double v) {
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  out_.push_back('\xcb');
  put_be(bits, 8);
}

void MsgpackWriter::boolean(bool v) { out_.push_back(v ? '\xc3' : '\xc2'); }

void MsgpackWriter::nil() { out_.push_back('\xc0'); }

}  // namespace vsm
