#include "event_format.hpp"

#include <cstdio>
#include <ctime>
#include <string_view>

#include "event_json.hpp"

namespace vsmcat {
namespace {

constexpr std::string_view kTokens = "TcstpiSgkKP";

}  // namespace

vsm::Result<EventFormat> EventFormat::parse(std::string_view spec) {
  EventFormat f;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) f.pieces_.push_back({0, std::move(literal)});
    literal.clear();
  };
  for (std::size_t i = 0; i < spec.size(); ++i) {
    const char c = spec[i];
    if (c != '%' && c != '\\') {
      literal.push_back(c);
      continue;
    }
    if (i + 1 >= spec.size()) {
      return vsm::Error::invalid(std::string("format ends with a lone '") + c + "'");
    }
    const char n = spec[++i];
    if (c == '\\') {
      if (n == 'n')
        literal.push_back('\n');
      else if (n == 't')
        literal.push_back('\t');
      else if (n == '\\')
        literal.push_back('\\');
      else {
        return vsm::Error::invalid("unknown escape '\\" + std::string(1, n) + "' at offset " +
                                   std::to_string(i - 1) + " (use \\n, \\t or \\\\)");
      }
    } else if (n == '%') {
      literal.push_back('%');
    } else if (kTokens.find(n) != std::string_view::npos) {
      flush();
      f.pieces_.push_back({n, {}});
    } else {
      return vsm::Error::invalid("unknown format token '%" + std::string(1, n) + "' at offset " +
                                 std::to_string(i - 1) +
                                 " (tokens: %T %c %s %t %p %i %S %g %k %K %P %%)");
    }
  }
  flush();
  return f;
}

void EventFormat::format(const vsm::Event& e, std::string& out) const {
  for (const Piece& p : pieces_) {
    switch (p.token) {
      case 0:
        out += p.text;
        break;
      case 'T':
        out += iso8601_utc_ms(e.ts.wall_ms);
        break;
      case 'c':
        out += vsm::channel_name(e.channel);
        break;
      case 's':
        out += e.source;
        break;
      case 't':
        out += e.type;
        break;
      case 'p':
        out += dump_json_line(value_to_json(e.payload));
        break;
      case 'i':
        e.id.append_to(out);
        break;
      case 'S':
        out += std::to_string(e.seq);
        break;
      case 'g':
        out += e.target.empty() ? std::string(vsm::kBroadcastTarget) : e.target;
        break;
      case 'k':
        out += e.correlation_id;
        break;
      case 'K':
        out += e.causation_id;
        break;
      case 'P':
        out += std::to_string(e.priority);
        break;
      default:
        break;  // parse() admits only known tokens
    }
  }
}

std::string iso8601_utc_ms(std::uint64_t wall_ms) {
  const std::time_t secs = static_cast<std::time_t>(wall_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out(buf, n);
  char ms[8];
  std::snprintf(ms, sizeof ms, ".%03uZ", static_cast<unsigned>(wall_ms % 1000));
  out += ms;
  return out;
}

vsm::Result<std::optional<EventFormat>> parse_optional_format(std::string_view spec) {
  if (spec.empty()) return std::optional<EventFormat>();
  auto f = EventFormat::parse(spec);
  if (!f) return std::move(f).error();
  return std::optional<EventFormat>(std::move(f).value());
}

}  // namespace vsmcat
