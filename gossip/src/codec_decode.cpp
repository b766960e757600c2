// Decoder half of codec.hpp: bounds-checked, limit-enforcing, allocation only for results.
#include <optional>
#include <utility>

#include "vsm/gossip/address.hpp"
#include "vsm/gossip/codec.hpp"
#include "vsm/gossip/gossip_format.hpp"
#include "vsm/msgpack_reader.hpp"

namespace vsm::gossip {
namespace {

using format::MessageType;

// Reads fields from one message; any failure latches `ok_ = false`.
class FieldReader {
 public:
  explicit FieldReader(MsgpackReader& r, const SkipRecord* skip = nullptr)
      : r_(r), skip_(skip != nullptr && *skip ? skip : nullptr) {}
  bool ok() const noexcept { return ok_ && !r_.failed(); }

  std::uint64_t u64() {
    auto v = r_.read_uint();
    if (!v) ok_ = false;
    return v.value_or(0);
  }
  std::uint32_t u32() {
    std::uint64_t v = u64();
    if (v > 0xffffffffu) ok_ = false;
    return static_cast<std::uint32_t>(v);
  }
  std::string str(std::size_t max_bytes) {
    auto v = r_.read_str();
    if (!v || v->size() > max_bytes) {
      ok_ = false;
      return {};
    }
    return std::string(*v);
  }
  std::string name() { return std::string(name_view()); }
  std::string_view name_view() {
    auto v = r_.read_str();
    if (!v || v->empty() || v->size() > format::kMaxNameBytes) {
      ok_ = false;
      return {};
    }
    return *v;
  }
  // Skips `n` values of any type (structure still checked).
  void skip(int n) {
    for (int i = 0; i < n && ok(); ++i) {
      if (!r_.skip_value(4, format::kMaxEndpointBytes, 4 * format::kMaxTags)) ok_ = false;
    }
  }
  std::uint32_t array(std::size_t max_items) {
    auto v = r_.read_array_header();
    if (!v || *v > max_items || *v > r_.remaining()) {
      ok_ = false;
      return 0;
    }
    return *v;
  }
  Role role() {
    std::uint64_t v = u64();
    if (v < static_cast<std::uint8_t>(Role::kS1) || v > static_cast<std::uint8_t>(Role::kS5)) {
      ok_ = false;
      return Role::kS1;
    }
    return static_cast<Role>(v);
  }
  MemberState state() {
    std::uint64_t v = u64();
    if (v < 1 || v > 4) {
      ok_ = false;
      return MemberState::kAlive;
    }
    return static_cast<MemberState>(v);
  }
  // gossip_format.hpp `record`, or `state_record` when `with_state`; nullopt when the
  // skip predicate declined it after its name, incarnation (and state).
  std::optional<Member> record(bool with_state) {
    const std::uint32_t fields = with_state ? 6 : 5;
    expect(array(fields), fields);
    const std::string_view name = name_view();
    const std::uint64_t incarnation = u64();
    const MemberState st = with_state ? state() : MemberState::kAlive;
    if (ok() && skip_ != nullptr && (*skip_)(name, incarnation, st)) {
      skip(3);  // role, endpoints, tags
      return std::nullopt;
    }
    Member m;
    m.name = std::string(name);
    m.incarnation = incarnation;
    m.state = st;
    m.role = role();
    endpoints_and_tags(m);
    return m;
  }
  // Set when an alive message's record was skipped; read once by decode_body.
  bool take_skipped() noexcept { return std::exchange(skipped_, false); }
  void mark_skipped() noexcept { skipped_ = true; }

  // Fails unless `got` fields were announced for a message needing `want`.
  void expect(std::uint32_t got, std::uint32_t want) {
    if (got != want) ok_ = false;
  }

 private:
  void endpoints_and_tags(Member& m) {
    if (array(4) != 4) {
      ok_ = false;
      return;
    }
    std::string pub = str(format::kMaxEndpointBytes);
    std::string control = str(format::kMaxEndpointBytes);
    std::string dish = str(format::kMaxEndpointBytes);
    m.endpoints.gossip = str(format::kMaxEndpointBytes);
    m.endpoints.pub = expand(pub, format::kPubScheme, m.endpoints.gossip);
    m.endpoints.control = expand(control, format::kControlScheme, m.endpoints.gossip);
    m.endpoints.dish = expand(dish, format::kDishScheme, m.endpoints.gossip);
    auto n = r_.read_map_header();
    if (!n || *n > format::kMaxTags) {
      ok_ = false;
      return;
    }
    for (std::uint32_t i = 0; i < *n && ok(); ++i) {
      std::string k = str(format::kMaxTagBytes);
      m.tags[k] = str(format::kMaxTagBytes);
    }
  }

  std::string expand(const std::string& text, std::string_view scheme, std::string_view gossip) {
    if (text.empty() || text.front() != ':') return text;
    auto full = expand_endpoint(text, scheme, gossip);
    if (!full) ok_ = false;
    return full.value_or(std::string());
  }

  MsgpackReader& r_;
  const SkipRecord* skip_;
  bool ok_ = true;
  bool skipped_ = false;
};

Message read_alive(FieldReader& f, std::uint32_t n) {
  f.expect(n, 1);
  auto record = f.record(/*with_state=*/false);
  if (!record) f.mark_skipped();
  return Alive{record ? std::move(*record) : Member{}};
}

Message read_push_pull(FieldReader& f, std::uint32_t n) {
  f.expect(n, 5);
  PushPull p;
  p.request_id = f.u64();
  p.flags = static_cast<std::uint8_t>(f.u32());
  p.chunk = f.u32();
  p.chunks = f.u32();
  // Bounded by the frame: array() refuses more items than bytes left.
  std::uint32_t count = f.array(std::size_t{1} << 24);
  for (std::uint32_t i = 0; i < count && f.ok(); ++i) {
    if (auto record = f.record(/*with_state=*/true)) p.members.push_back(std::move(*record));
  }
  if (p.chunk >= p.chunks) f.expect(0, 1);
  return p;
}

Message read_reach(FieldReader& f, std::uint32_t n) {
  f.expect(n, 5);
  Reach r;
  r.origin = f.name();
  r.version = f.u64();
  r.chunk = f.u32();
  r.chunks = f.u32();
  std::uint32_t count = f.array(format::kMaxDatagramBytes);
  for (std::uint32_t i = 0; i < count && f.ok(); ++i) r.unreachable.push_back(f.name());
  if (r.chunk >= r.chunks) f.expect(0, 1);
  return r;
}

// `n` is the number of fields after the type.
std::optional<Message> read_fields(FieldReader& f, MessageType type, std::uint32_t n) {
  switch (type) {
    case MessageType::kPing:
      f.expect(n, 3);
      return Ping{f.u64(), f.name(), f.name()};
    case MessageType::kPingReq: {
      f.expect(n, 4);
      PingReq p;
      p.seq = f.u64();
      p.target = f.name();
      p.target_address = f.str(format::kMaxEndpointBytes);
      p.source = f.name();
      return p;
    }
    case MessageType::kAck:
      f.expect(n, 2);
      return Ack{f.u64(), f.name()};
    case MessageType::kNack:
      f.expect(n, 1);
      return Nack{f.u64()};
    case MessageType::kAlive: return read_alive(f, n);
    case MessageType::kSuspect:
      f.expect(n, 3);
      return Suspect{f.name(), f.u64(), f.name()};
    case MessageType::kDead:
      f.expect(n, 3);
      return Dead{f.name(), f.u64(), f.name()};
    case MessageType::kLeave:
      f.expect(n, 2);
      return Leave{f.name(), f.u64()};
    case MessageType::kPushPull: return read_push_pull(f, n);
    case MessageType::kReach: return read_reach(f, n);
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<Message>> decode_body(std::string_view body, DropReason& reason) {
  return decode_body(body, reason, SkipRecord{});
}

Result<std::vector<Message>> decode_body(std::string_view body, DropReason& reason,
                                         const SkipRecord& skip) {
  MsgpackReader r(body);
  FieldReader f(r, &skip);
  std::uint32_t count = f.array(format::kMaxMessagesPerDatagram);
  if (!f.ok() || count == 0) {
    reason = DropReason::kMalformed;
    return Error::invalid("gossip body is not a non-empty array of messages");
  }
  std::vector<Message> out;
  out.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t fields = f.array(64);
    std::uint64_t type = f.u64();
    if (!f.ok() || fields == 0) {
      reason = DropReason::kMalformed;
      return Error::invalid("gossip message is not an array starting with a type");
    }
    if (type == 0 || type > format::kMaxMessageType) {
      reason = DropReason::kUnknownType;
      return Error::unsupported("unknown gossip message type " + std::to_string(type));
    }
    auto m = read_fields(f, static_cast<MessageType>(type), fields - 1);
    if (f.take_skipped() && f.ok()) continue;
    if (!m || !f.ok()) {
      reason = DropReason::kMalformed;
      return Error::invalid("malformed gossip message of type " + std::to_string(type));
    }
    out.push_back(std::move(*m));
  }
  if (!r.at_end()) {
    reason = DropReason::kMalformed;
    return Error::invalid("trailing bytes after gossip messages");
  }
  return out;
}

std::optional<std::string> expand_endpoint(std::string_view text, std::string_view scheme,
                                           std::string_view gossip_address) {
  if (text.empty() || text.front() != ':') return std::string(text);
  const std::string_view port = text.substr(1);
  const std::string_view host = address_host(gossip_address);
  if (port.empty() || host.empty()) return std::nullopt;
  for (char c : port) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::string out(scheme);
  out.append("://").append(host).append(":").append(port);
  return out;
}

namespace {

// Checks the header and opens the body: a copy for plain envelopes, the plaintext for
// sealed ones.
Result<std::string> open_envelope(std::string_view bytes, const Keyring* keyring,
                                  std::uint64_t now_ms, std::size_t max_bytes,
                                  DropReason& reason) {
  if (bytes.size() > max_bytes) {
    reason = DropReason::kOversized;
    return Error::too_large("gossip datagram or frame exceeds its size limit");
  }
  if (bytes.size() < format::kPlainHeaderBytes + 1) {
    reason = DropReason::kTruncated;
    return Error::invalid("gossip datagram shorter than its header");
  }
  if (static_cast<std::uint8_t>(bytes[0]) != format::kMagic0 ||
      static_cast<std::uint8_t>(bytes[1]) != format::kMagic1) {
    reason = DropReason::kBadMagic;
    return Error::invalid("not a gossip datagram (bad magic)");
  }
  if (static_cast<std::uint8_t>(bytes[2]) != format::kVersion) {
    reason = DropReason::kBadVersion;
    return Error::unsupported("unsupported gossip format version");
  }
  const bool sealed = (static_cast<std::uint8_t>(bytes[3]) & format::kFlagSealed) != 0;
  if (static_cast<std::uint8_t>(bytes[3]) & ~format::kFlagSealed) {
    reason = DropReason::kMalformed;
    return Error::invalid("unknown gossip header flags");
  }
  if (keyring == nullptr) {
    if (sealed) {
      reason = DropReason::kSealedNoKey;
      return Error::invalid("sealed gossip datagram but no keyring configured");
    }
    return std::string(bytes.substr(format::kPlainHeaderBytes));
  }
  if (!sealed) {
    reason = DropReason::kNotSealed;
    return Error::invalid("plain gossip datagram but a keyring is configured");
  }
  auto body = keyring->open(bytes, now_ms);
  if (!body) {
    switch (body.error().code()) {
      case ErrorCode::kNotFound: {
        auto id = Keyring::sealed_key_id(bytes);
        const bool expired = id && keyring->key_status(*id, now_ms) == KeyStatus::kExpired;
        reason = expired ? DropReason::kKeyExpired : DropReason::kUnknownKey;
        break;
      }
      case ErrorCode::kCorruption: reason = DropReason::kAuthFailed; break;
      default: reason = DropReason::kTruncated; break;
    }
  }
  return body;
}

}  // namespace

Result<std::vector<Message>> decode_datagram(std::string_view datagram, const Keyring* keyring,
                                             DropReason& reason) {
  return decode_datagram(datagram, keyring, 0, reason);
}

Result<std::vector<Message>> decode_datagram(std::string_view datagram, const Keyring* keyring,
                                             std::uint64_t now_ms, DropReason& reason) {
  return decode_datagram(datagram, keyring, now_ms, reason, SkipRecord{});
}

Result<std::vector<Message>> decode_datagram(std::string_view datagram, const Keyring* keyring,
                                             std::uint64_t now_ms, DropReason& reason,
                                             const SkipRecord& skip) {
  auto body = open_envelope(datagram, keyring, now_ms, format::kMaxDatagramBytes, reason);
  if (!body) return std::move(body).error();
  auto messages = decode_body(body.value(), reason, skip);
  if (!messages) return messages;
  for (const Message& m : messages.value()) {
    if (std::holds_alternative<PushPull>(m)) {
      reason = DropReason::kMalformed;
      return Error::invalid("push_pull travels on streams, not in datagrams");
    }
  }
  return messages;
}

Result<PushPull> decode_stream_frame(std::string_view frame, const Keyring* keyring,
                                     std::uint64_t now_ms, std::size_t max_bytes,
                                     DropReason& reason, const SkipRecord& skip) {
  auto body = open_envelope(frame, keyring, now_ms, max_bytes, reason);
  if (!body) return std::move(body).error();
  auto messages = decode_body(body.value(), reason, skip);
  if (!messages) return std::move(messages).error();
  if (messages.value().size() != 1 || !std::holds_alternative<PushPull>(messages.value()[0])) {
    reason = DropReason::kMalformed;
    return Error::invalid("a push-pull frame holds exactly one push_pull message");
  }
  return std::get<PushPull>(std::move(messages).value()[0]);
}

}  // namespace vsm::gossip
