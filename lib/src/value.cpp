#include "vsm/value.hpp"

#include "vsm/msgpack_writer.hpp"

namespace vsm {

Value Value::string(std::string_view text) {
  std::string bytes;
  MsgpackWriter w(bytes);
  w.str(text);
  return from_encoded(std::move(bytes));
}

}  // namespace vsm
