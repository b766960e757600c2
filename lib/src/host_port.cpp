#include "vsm/host_port.hpp"

#include <charconv>

namespace vsm {
namespace {

std::string_view port_hint(PortRule rule) {
  switch (rule) {
    case PortRule::kRequired: return "PORT 1..65535";
    case PortRule::kZeroOk: return "PORT 0..65535 (0 = any free port)";
    case PortRule::kWildcardOk: return "PORT 0..65535 or * (any free port)";
  }
  return "PORT";
}

Error bad_address(std::string_view text, std::string_view why, PortRule rule) {
  return Error::invalid("address '" + std::string(text) + "': " + std::string(why) +
                        "; expected HOST:" + std::string(port_hint(rule)) +
                        ", e.g. 127.0.0.1:7946 or [::1]:7946");
}

}  // namespace

std::string HostPort::to_string() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<HostPort> parse_host_port(std::string_view text, PortRule rule) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return bad_address(text, "unclosed '['", rule);
    host = text.substr(1, close - 1);
    if (close + 1 >= text.size() || text[close + 1] != ':') {
      return bad_address(text, "missing ':PORT' after the IPv6 host", rule);
    }
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad_address(text, "missing ':PORT'", rule);
    host = text.substr(0, colon);
    if (host.find(':') != std::string_view::npos) {
      return bad_address(text, "an IPv6 host needs brackets", rule);
    }
    port = text.substr(colon + 1);
  }
  if (host.empty()) return bad_address(text, "missing host", rule);
  HostPort out;
  out.host.assign(host);
  if (port == "*" && rule == PortRule::kWildcardOk) return out;
  unsigned value = 0;
  const char* end = port.data() + port.size();
  const auto [ptr, ec] = std::from_chars(port.data(), end, value);
  if (port.empty() || ec != std::errc() || ptr != end || value > 65535 ||
      (value == 0 && rule == PortRule::kRequired)) {
    return bad_address(text, "bad port '" + std::string(port) + "'", rule);
  }
  out.port = static_cast<std::uint16_t>(value);
  return out;
}

Result<Endpoint> parse_endpoint(std::string_view text, PortRule rule) {
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) {
    return Error::invalid("endpoint '" + std::string(text) +
                          "' has no scheme; expected tcp://HOST:PORT, udp://HOST:PORT or "
                          "ipc://PATH");
  }
  Endpoint ep;
  ep.scheme.assign(text.substr(0, sep));
  const std::string_view rest = text.substr(sep + 3);
  if (ep.scheme == "ipc" || ep.scheme == "inproc") {
    if (rest.empty()) return Error::invalid("endpoint '" + std::string(text) + "' has an empty path");
    ep.path.assign(rest);
    return ep;
  }
  if (ep.scheme != "tcp" && ep.scheme != "udp") {
    return Error::invalid("endpoint '" + std::string(text) + "': unsupported transport '" +
                          ep.scheme + "' (tcp, udp, ipc or inproc)");
  }
  auto hp = parse_host_port(rest, rule);
  if (!hp) {
    return Error::invalid("endpoint '" + std::string(text) + "': " + hp.error().message());
  }
  ep.address = std::move(hp).value();
  return ep;
}

bool is_loopback_host(std::string_view host) noexcept {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

}  // namespace vsm
