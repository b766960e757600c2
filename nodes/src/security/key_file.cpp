#include "security/key_file.hpp"

#include <sodium.h>
#include <sys/stat.h>
#include <zmq.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>

#include "security/sodium_init.hpp"
#include "vsm/channel.hpp"

namespace vsm::detail {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::optional<std::string> hex_decode(std::string_view hex, std::size_t bytes) {
  if (hex.size() != 2 * bytes) return std::nullopt;
  std::string out(bytes, '\0');
  std::size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), bytes, hex.data(), hex.size(),
                     nullptr, &len, nullptr) != 0 ||
      len != bytes) {
    return std::nullopt;
  }
  return out;
}

std::string hex_encode(std::string_view bin) {
  std::string out(bin.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bin.data()),
                 bin.size());
  out.pop_back();
  return out;
}

using Fields = std::map<std::string, std::string, std::less<>>;

Result<Fields> parse_fields(std::string_view text, const std::string& file, bool secret) {
  static constexpr std::string_view kKnown[] = {"name",         "role",       "curve_public",
                                                "sign_public",  "not_after",  "sources",
                                                "curve_secret", "sign_secret"};
  Fields fields;
  int line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    const auto eq = line.find('=');
    const auto where = "key file '" + file + "' line " + std::to_string(line_no);
    if (eq == std::string_view::npos) return Error::invalid(where + ": expected 'key = value'");
    const std::string key(trim(line.substr(0, eq)));
    bool known = false;
    for (auto k : kKnown) known = known || (k == key && (secret || !k.ends_with("_secret")));
    if (!known) return Error::invalid(where + ": unknown key '" + key + "'");
    if (!fields.emplace(key, std::string(trim(line.substr(eq + 1)))).second) {
      return Error::invalid(where + ": '" + key + "' given twice");
    }
  }
  return fields;
}

Result<PublicKeyEntry> public_from(const Fields& f, const std::string& file) {
  const auto missing = [&](const char* key) {
    return Error::invalid("key file '" + file + "': missing or malformed '" + key + "'");
  };
  PublicKeyEntry e;
  e.file = file;
  auto it = f.find("name");
  if (it == f.end() || !is_valid_name(it->second)) return missing("name");
  e.name = it->second;
  if (it = f.find("role"); it != f.end()) {
    auto role = parse_role(it->second);
    if (!role) return missing("role");
    e.role = *role;
  }
  it = f.find("curve_public");
  auto curve = it == f.end() ? std::nullopt : z85_decode_key(it->second);
  if (!curve) return missing("curve_public");
  e.curve_public = std::move(*curve);
  it = f.find("sign_public");
  auto sign = it == f.end() ? std::nullopt : hex_decode(it->second, kSignPublicBytes);
  if (!sign) return missing("sign_public");
  e.sign_public = std::move(*sign);
  if (it = f.find("not_after"); it != f.end()) {
    const auto& v = it->second;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), e.not_after_ms);
    if (ec != std::errc() || p != v.data() + v.size()) return missing("not_after");
  }
  if (it = f.find("sources"); it != f.end()) {
    std::string_view rest = it->second;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view s = trim(rest.substr(0, comma));
      if (!is_valid_name(s)) return missing("sources");
      e.sources.emplace_back(s);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  return e;
}

}  // namespace

std::string z85_encode_key(std::string_view key32) {
  char text[41] = {};
  zmq_z85_encode(text, reinterpret_cast<const std::uint8_t*>(key32.data()), kCurveKeyBytes);
  return std::string(text, 40);
}

std::optional<std::string> z85_decode_key(std::string_view text) {
  if (text.size() != 40) return std::nullopt;
  const std::string z(text);
  std::string out(kCurveKeyBytes, '\0');
  if (zmq_z85_decode(reinterpret_cast<std::uint8_t*>(out.data()), z.c_str()) == nullptr) {
    return std::nullopt;
  }
  return out;
}

Result<PublicKeyEntry> parse_public_key_file(std::string_view text, const std::string& file) {
  ensure_sodium();
  auto fields = parse_fields(text, file, /*secret=*/false);
  if (!fields) return fields.error();
  return public_from(*fields, file);
}

Result<SecretKeyEntry> parse_secret_key_file(std::string_view text, const std::string& file) {
  ensure_sodium();
  auto fields = parse_fields(text, file, /*secret=*/true);
  if (!fields) return fields.error();
  auto pub = public_from(*fields, file);
  if (!pub) return pub.error();
  SecretKeyEntry e{std::move(*pub), {}, {}};
  auto it = fields->find("curve_secret");
  auto curve = it == fields->end() ? std::nullopt : z85_decode_key(it->second);
  it = fields->find("sign_secret");
  auto sign = it == fields->end() ? std::nullopt : hex_decode(it->second, kSignSecretBytes);
  if (!curve || !sign) {
    return Error::invalid("key file '" + file + "': missing or malformed curve_secret/sign_secret");
  }
  e.curve_secret = std::move(*curve);
  e.sign_secret = std::move(*sign);
  // The halves must belong together: a mismatch would fail every handshake obscurely.
  unsigned char derived[crypto_scalarmult_BYTES];
  crypto_scalarmult_base(derived, reinterpret_cast<const unsigned char*>(e.curve_secret.data()));
  if (std::memcmp(derived, e.pub.curve_public.data(), kCurveKeyBytes) != 0 ||
      e.sign_secret.compare(32, 32, e.pub.sign_public) != 0) {
    return Error::invalid("key file '" + file + "': the public keys do not match the secret keys");
  }
  return e;
}

Result<SecretKeyEntry> read_secret_key_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Error::io("cannot read key file '" + path + "': " + std::strerror(errno));
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Error::invalid("key file '" + path +
                          "' is readable by others; it holds secret keys (chmod 600 it)");
  }
  std::ifstream in(path, std::ios::binary);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!in.good() && !in.eof()) return Error::io("cannot read key file '" + path + "'");
  return parse_secret_key_file(text, path);
}

SecretKeyEntry generate_keys(const std::string& name, Role role) {
  ensure_sodium();
  SecretKeyEntry e;
  e.pub.name = name;
  e.pub.role = role;
  e.pub.curve_public.resize(kCurveKeyBytes);
  e.curve_secret.resize(kCurveKeyBytes);
  crypto_box_keypair(reinterpret_cast<unsigned char*>(e.pub.curve_public.data()),
                     reinterpret_cast<unsigned char*>(e.curve_secret.data()));
  e.pub.sign_public.resize(kSignPublicBytes);
  e.sign_secret.resize(kSignSecretBytes);
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(e.pub.sign_public.data()),
                      reinterpret_cast<unsigned char*>(e.sign_secret.data()));
  return e;
}

std::string format_public_key_file(const PublicKeyEntry& k) {
  std::string out = "# vsmfabric public key of node " + k.name +
                    ": copy into the trusted directory of every peer\n";
  out += "name = " + k.name + "\nrole = " + std::string(role_name(k.role)) + "\n";
  out += "curve_public = " + z85_encode_key(k.curve_public) + "\n";
  out += "sign_public = " + hex_encode(k.sign_public) + "\n";
  if (k.not_after_ms != 0) out += "not_after = " + std::to_string(k.not_after_ms) + "\n";
  if (!k.sources.empty()) {
    out += "sources = ";
    for (std::size_t i = 0; i < k.sources.size(); ++i) out += (i ? ", " : "") + k.sources[i];
    out += "\n";
  }
  return out;
}

std::string format_secret_key_file(const SecretKeyEntry& k) {
  std::string out = "# vsmfabric SECRET key of node " + k.pub.name + ": keep private (0600)\n";
  out += "name = " + k.pub.name + "\nrole = " + std::string(role_name(k.pub.role)) + "\n";
  out += "curve_public = " + z85_encode_key(k.pub.curve_public) + "\n";
  out += "curve_secret = " + z85_encode_key(k.curve_secret) + "\n";
  out += "sign_public = " + hex_encode(k.pub.sign_public) + "\n";
  out += "sign_secret = " + hex_encode(k.sign_secret) + "\n";
  return out;
}

}  // namespace vsm::detail
