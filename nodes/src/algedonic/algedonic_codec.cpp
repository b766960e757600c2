#include "algedonic/algedonic_codec.hpp"

#include <sodium.h>

#include "security/sodium_init.hpp"
#include "vsm/monotonic_clock.hpp"
#include "vsm/msgpack_reader.hpp"
#include "vsm/msgpack_writer.hpp"

namespace vsm::detail {
namespace fmt = algedonic_format;
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status check_field(std::string_view name, std::string_view value) {
  if (value.size() > fmt::kMaxEndpointBytes) {
    return Error::invalid("algedonic datagram field '" + std::string(name) + "' exceeds " +
                          std::to_string(fmt::kMaxEndpointBytes) + " bytes");
  }
  return {};
}

}  // namespace

Result<DatagramCodec> DatagramCodec::from_hex_key(std::string_view hex) {
  if (hex.empty()) return DatagramCodec();
  if (hex.size() != 2 * fmt::kKeyBytes) {
    return Error::invalid("cluster_key must be 64 hex characters (32 bytes), got " +
                          std::to_string(hex.size()) + " characters");
  }
  Key key{};
  for (std::size_t i = 0; i < key.size(); ++i) {
    const int hi = hex_digit(hex[2 * i]);
    const int lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Error::invalid("cluster_key has a non-hex character");
    key[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  ensure_sodium();
  return DatagramCodec(key);
}

Result<std::string> DatagramCodec::frame(std::uint8_t kind, const std::string& body) const {
  const std::size_t total =
      fmt::kHeaderBytes + body.size() + (key_ ? fmt::kSealOverheadBytes : 0);
  if (total > fmt::kMaxDatagramBytes) {
    return Error::too_large("algedonic datagram would be " + std::to_string(total) +
                            " bytes; one datagram holds at most " +
                            std::to_string(fmt::kMaxDatagramBytes));
  }
  std::string out(fmt::kMagic);
  out.push_back(static_cast<char>(fmt::kVersion));
  out.push_back(static_cast<char>(kind));
  out.push_back(static_cast<char>(key_ ? fmt::kFlagSealed : 0));
  if (!key_) return out + body;
  ensure_sodium();
  out.resize(total);
  auto* nonce = reinterpret_cast<unsigned char*>(out.data() + fmt::kHeaderBytes);
  randombytes_buf(nonce, fmt::kNonceBytes);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + fmt::kNonceBytes, &clen, reinterpret_cast<const unsigned char*>(body.data()),
      body.size(), reinterpret_cast<const unsigned char*>(out.data()), fmt::kHeaderBytes,
      nullptr, nonce, key_->data());
  return out;
}

Result<std::string> DatagramCodec::encode(const AlertDatagram& a) const {
  for (auto [name, v] : {std::pair<std::string_view, std::string_view>{"from", a.from},
                         {"reply", a.reply},
                         {"to", a.to}}) {
    if (auto st = check_field(name, v); !st) return st.error();
  }
  std::string body;
  MsgpackWriter w(body);
  w.array_header(5);
  w.str(a.from);
  w.str(a.reply);
  w.str(a.to);
  w.uint(a.attempt);
  w.bin(a.envelope);
  return frame(fmt::kKindAlert, body);
}

Result<std::string> DatagramCodec::encode(const AckDatagram& a) const {
  for (auto [name, v] : {std::pair<std::string_view, std::string_view>{"from", a.from},
                         {"to", a.to}}) {
    if (auto st = check_field(name, v); !st) return st.error();
  }
  std::string body;
  MsgpackWriter w(body);
  w.array_header(4);
  w.str(a.from);
  w.str(a.id.to_string());
  w.str(a.to);
  w.uint(a.attempt);
  return frame(fmt::kKindAck, body);
}

namespace {

std::optional<std::string> read_field(MsgpackReader& r) {
  auto s = r.read_str();
  if (!s || s->size() > fmt::kMaxEndpointBytes) return std::nullopt;
  return std::string(*s);
}

Result<Datagram> decode_body(std::uint8_t kind, std::string_view body) {
  MsgpackReader r(body);
  auto n = r.read_array_header();
  if (kind == fmt::kKindAlert) {
    if (n != 5u) return Error::invalid("alert body must be a 5-element array");
    AlertDatagram a;
    auto from = read_field(r), reply = read_field(r), to = read_field(r);
    auto attempt = r.read_uint();
    auto env = r.read_bin();
    if (!from || !reply || !to || !attempt || !env || !r.at_end() ||
        *attempt > fmt::kMaxAttempt) {
      return Error::invalid("malformed alert body");
    }
    a.from = std::move(*from);
    a.reply = std::move(*reply);
    a.to = std::move(*to);
    a.attempt = static_cast<std::uint32_t>(*attempt);
    a.envelope.assign(*env);
    return Datagram(std::move(a));
  }
  if (n != 4u) return Error::invalid("ack body must be a 4-element array");
  AckDatagram a;
  auto from = read_field(r), id = read_field(r), to = read_field(r);
  auto attempt = r.read_uint();
  if (!from || !id || !to || !attempt || !r.at_end() || *attempt > fmt::kMaxAttempt) {
    return Error::invalid("malformed ack body");
  }
  auto parsed = EventId::parse(*id);
  if (!parsed) return Error::invalid("malformed ack body: " + parsed.error().message());
  a.from = std::move(*from);
  a.id = *parsed;
  a.to = std::move(*to);
  a.attempt = static_cast<std::uint32_t>(*attempt);
  return Datagram(std::move(a));
}

}  // namespace

Result<Datagram> DatagramCodec::decode(std::string_view bytes) const {
  if (bytes.size() < fmt::kHeaderBytes || bytes.size() > fmt::kMaxDatagramBytes) {
    return Error::invalid("algedonic datagram of " + std::to_string(bytes.size()) +
                          " bytes is outside [5, 8000]");
  }
  if (bytes.substr(0, 2) != fmt::kMagic) return Error::invalid("bad algedonic magic");
  if (static_cast<std::uint8_t>(bytes[2]) != fmt::kVersion) {
    return Error::invalid("unsupported algedonic datagram version");
  }
  const auto kind = static_cast<std::uint8_t>(bytes[3]);
  if (kind != fmt::kKindAlert && kind != fmt::kKindAck) {
    return Error::invalid("unknown algedonic datagram kind");
  }
  const auto flags = static_cast<std::uint8_t>(bytes[4]);
  if ((flags & ~fmt::kFlagSealed) != 0) return Error::invalid("unknown algedonic flags");
  const bool sealed = (flags & fmt::kFlagSealed) != 0;
  if (sealed != key_.has_value()) {
    return Error::corruption(sealed ? "sealed datagram but no cluster_key is configured"
                                    : "unsealed datagram but a cluster_key is required");
  }
  std::string_view rest = bytes.substr(fmt::kHeaderBytes);
  if (!sealed) return decode_body(kind, rest);
  if (rest.size() < fmt::kSealOverheadBytes) return Error::corruption("sealed datagram too short");
  std::string body;
  if (!open_sealed(bytes, *key_, body) && !(previous_ && monotonic_ms() <= previous_until_ms_ &&
                                            open_sealed(bytes, *previous_, body))) {
    return Error::corruption("datagram failed authentication (foreign cluster key?)");
  }
  return decode_body(kind, body);
}

// REQUIRES: bytes hold the header and at least the seal overhead.
bool DatagramCodec::open_sealed(std::string_view bytes, const Key& key, std::string& body) const {
  const std::string_view rest = bytes.substr(fmt::kHeaderBytes);
  body.assign(rest.size() - fmt::kSealOverheadBytes, '\0');
  unsigned long long mlen = 0;
  const auto* nonce = reinterpret_cast<const unsigned char*>(rest.data());
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(body.data()), &mlen, nullptr, nonce + fmt::kNonceBytes,
          rest.size() - fmt::kNonceBytes, reinterpret_cast<const unsigned char*>(bytes.data()),
          fmt::kHeaderBytes, nonce, key.data()) != 0) {
    return false;
  }
  body.resize(mlen);
  return true;
}

}  // namespace vsm::detail
