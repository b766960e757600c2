// Encodes and decodes algedonic datagrams (algedonic_format.hpp), sealing them with the
// cluster key when one is configured. Decoding untrusted bytes never throws or crashes:
// malformed input is kInvalid, a datagram that fails authentication (foreign key,
// tampered, unsealed while a key is required, sealed while none is) is kCorruption.
// Thread-safety: const methods are safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "vsm/event_id.hpp"
#include <string_view>
#include <variant>

#include "algedonic/algedonic_format.hpp"
#include "vsm/result.hpp"

namespace vsm::detail {

struct AlertDatagram {
  std::string from;      // sender node name
  std::string reply;     // sender DISH endpoint for the ack
  std::string to;        // DISH endpoint this copy was sent to
  std::uint32_t attempt = 0;
  std::string envelope;  // encoded event envelope

  friend bool operator==(const AlertDatagram&, const AlertDatagram&) = default;
};

struct AckDatagram {
  std::string from;  // acknowledging node name
  EventId id;        // acknowledged event id (text "evt_<uuid>" on the wire)
  std::string to;    // echo of AlertDatagram::to
  std::uint32_t attempt = 0;

  friend bool operator==(const AckDatagram&, const AckDatagram&) = default;
};

using Datagram = std::variant<AlertDatagram, AckDatagram>;

class DatagramCodec {
 public:
  using Key = std::array<unsigned char, algedonic_format::kKeyBytes>;

  DatagramCodec() = default;  // no sealing
  explicit DatagramCodec(const Key& key) : key_(key) {}
  // Empty text: no sealing. Otherwise 64 hex characters; kInvalid when malformed.
  static Result<DatagramCodec> from_hex_key(std::string_view hex);

  bool sealed() const noexcept { return key_.has_value(); }
  // Key rotation: datagrams sealed with `previous`'s key still open until
  // `until_monotonic_ms` (vsm::monotonic_ms()); this codec's own key seals.
  void accept_previous(const DatagramCodec& previous, std::uint64_t until_monotonic_ms) {
    previous_ = previous.key_;
    previous_until_ms_ = until_monotonic_ms;
  }

  // kTooLarge when the datagram would exceed kMaxDatagramBytes; kInvalid when a string
  // field exceeds kMaxEndpointBytes.
  Result<std::string> encode(const AlertDatagram& alert) const;
  Result<std::string> encode(const AckDatagram& ack) const;
  Result<Datagram> decode(std::string_view bytes) const;

 private:
  Result<std::string> frame(std::uint8_t kind, const std::string& body) const;

  bool open_sealed(std::string_view bytes, const Key& key, std::string& body) const;

  std::optional<Key> key_;
  std::optional<Key> previous_;
  std::uint64_t previous_until_ms_ = 0;
};

}  // namespace vsm::detail
