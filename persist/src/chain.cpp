#include "chain.hpp"

#include <sodium.h>

#include <cstring>

#include "coding.hpp"
#include "vsm/persist/log_format.hpp"

namespace vsm::persist::detail {

namespace lf = log_format;

namespace {
const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// sodium_init() picks libsodium's fastest BLAKE2b for this CPU (AVX2/SSE4.1); without it
// every hash runs the portable code (~10% slower for a 200-byte record). Its failure
// (no random source) does not matter to hashing, so it is ignored. Thread-safe, once.
void pick_fast_blake2b() {
  static const int status = sodium_init();  // 0, or 1 when already initialised
  (void)status;
}
}  // namespace

ChainLink chain_seed(std::uint64_t base) {
  pick_fast_blake2b();  // every writer and checker of a chain starts from a seed
  std::string in(lf::kChainDomain);
  put_fixed(in, base, 8);
  ChainLink out{};
  crypto_generichash(out.data(), out.size(), bytes(in), in.size(), nullptr, 0);
  return out;
}

ChainLink chain_next(const ChainLink& previous, std::string_view fields, std::string_view body) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, sizeof(ChainLink));
  crypto_generichash_update(&st, previous.data(), previous.size());
  crypto_generichash_update(&st, bytes(fields), fields.size());
  crypto_generichash_update(&st, bytes(body), body.size());
  ChainLink out{};
  crypto_generichash_final(&st, out.data(), out.size());
  return out;
}

std::string to_hex(const ChainLink& link) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : link) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

std::optional<std::string> ChainCheck::next(const Record& r, bool after_damage) {
  if (r.link.size() != lf::kChainBytes) return "record without a hash-chain link";
  ChainLink stored{};
  std::memcpy(stored.data(), r.link.data(), stored.size());
  const ChainLink want = chain_next(expected_, r.fields, r.body);
  expected_ = stored;
  if (want == stored || after_damage) return std::nullopt;
  return "hash chain broken: the record does not follow its predecessor (changed, inserted "
         "or removed records)";
}

}  // namespace vsm::persist::detail
