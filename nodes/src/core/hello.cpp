#include "core/hello.hpp"

#include "vsm/msgpack_reader.hpp"
#include "vsm/msgpack_writer.hpp"

namespace vsm::detail {

std::string hello_topic(std::string_view name) {
  std::string t(kHelloPrefix);
  t.append(name);
  return t;
}

namespace {

void put_seqs(MsgpackWriter& w, const std::array<std::uint64_t, kChannelCount>& seqs) {
  w.array_header(static_cast<std::uint32_t>(kChannelCount));
  for (auto v : seqs) w.uint(v);
}

bool read_seqs(MsgpackReader& r, std::array<std::uint64_t, kChannelCount>& seqs) {
  auto len = r.read_array_header();
  if (!len || *len != kChannelCount) return false;
  for (auto& v : seqs) {
    auto x = r.read_uint();
    if (!x) return false;
    v = *x;
  }
  return true;
}

}  // namespace

void encode_hello(const Hello& hello, std::string& out) {
  MsgpackWriter w(out);
  w.map_header(hello.base ? 6 : 5);
  w.str("v"); w.uint(kHelloVersion);
  w.str("name"); w.str(hello.name);
  w.str("inst"); w.str(hello.instance);
  w.str("control"); w.str(hello.control);
  w.str("last");
  put_seqs(w, hello.last);
  if (hello.base) {
    w.str("base");
    put_seqs(w, *hello.base);
  }
}

std::optional<Hello> decode_hello(std::string_view body) {
  MsgpackReader r(body);
  auto n = r.read_map_header();
  if (!n || *n > 16) return std::nullopt;
  Hello h;
  bool have_name = false;
  bool have_version = false;
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto key = r.read_str();
    if (!key) return std::nullopt;
    if (*key == "v") {
      auto v = r.read_uint();
      if (!v || *v == 0 || *v > kHelloVersion) return std::nullopt;
      have_version = true;
    } else if (*key == "name" || *key == "control" || *key == "inst") {
      auto s = r.read_str();
      if (!s || s->size() > 1024) return std::nullopt;
      (*key == "name" ? h.name : *key == "control" ? h.control : h.instance) = std::string(*s);
      have_name |= *key == "name";
    } else if (*key == "last") {
      if (!read_seqs(r, h.last)) return std::nullopt;
    } else if (*key == "base") {
      if (!read_seqs(r, h.base.emplace())) return std::nullopt;
    } else if (!r.skip_value()) {
      return std::nullopt;
    }
  }
  if (!have_version || !have_name || h.name.empty() || !r.at_end()) return std::nullopt;
  return h;
}

}  // namespace vsm::detail
