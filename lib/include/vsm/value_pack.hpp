// Conversions between vsm::Value and C++ types through msgpack-cxx adaptors.
// Usage:
//   auto v = vsm::pack_value(std::map<std::string, double>{{"temp", 97.5}});
//   auto m = vsm::unpack_value<std::map<std::string, double>>(v);  // Result<...>
#pragma once

#ifndef MSGPACK_NO_BOOST
#define MSGPACK_NO_BOOST
#endif
#include <msgpack.hpp>

#include "vsm/result.hpp"
#include "vsm/value.hpp"

namespace vsm {

template <typename T>
Value pack_value(const T& v) {
  msgpack::sbuffer buf;
  msgpack::pack(buf, v);
  return Value::from_encoded(std::string(buf.data(), buf.size()));
}

template <typename T>
Result<T> unpack_value(const Value& v) {
  try {
    auto sv = v.encoded();
    msgpack::object_handle oh = msgpack::unpack(sv.data(), sv.size());
    return oh.get().as<T>();
  } catch (const std::exception& e) {
    return Error::invalid(std::string("value does not convert to the requested type: ") + e.what());
  }
}

}  // namespace vsm
