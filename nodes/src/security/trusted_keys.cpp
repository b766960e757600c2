#include "security/trusted_keys.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace vsm::detail {
namespace {

bool valid_at(const PublicKeyEntry& k, std::uint64_t now_ms) {
  return k.not_after_ms == 0 || now_ms <= k.not_after_ms;
}

std::int64_t dir_mtime_ns(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return -1;
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

}  // namespace

std::uint64_t unix_ms() noexcept {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

Result<TrustedKeys> TrustedKeys::load(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".pub") files.push_back(it->path().string());
  }
  if (ec) return Error::io("cannot read trusted key directory '" + dir + "': " + ec.message());
  std::sort(files.begin(), files.end());  // deterministic order
  std::vector<PublicKeyEntry> keys;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!in.good() && !in.eof()) return Error::io("cannot read trusted key '" + f + "'");
    auto key = parse_public_key_file(text, f);
    if (!key) return key.error();
    keys.push_back(std::move(*key));
  }
  return TrustedKeys(std::move(keys));
}

const PublicKeyEntry* TrustedKeys::by_curve_key(std::string_view curve_public,
                                                std::uint64_t now_ms) const {
  for (const auto& k : keys_) {
    if (k.curve_public == curve_public && valid_at(k, now_ms)) return &k;
  }
  return nullptr;
}

const PublicKeyEntry* TrustedKeys::current(std::string_view name, std::uint64_t now_ms) const {
  const PublicKeyEntry* best = nullptr;
  for (const auto& k : keys_) {
    if (k.name != name || !valid_at(k, now_ms)) continue;
    const auto rank = [](const PublicKeyEntry* e) {
      return e->not_after_ms == 0 ? UINT64_MAX : e->not_after_ms;
    };
    if (best == nullptr || rank(&k) > rank(best)) best = &k;
  }
  return best;
}

std::vector<const PublicKeyEntry*> TrustedKeys::all_of(std::string_view name) const {
  std::vector<const PublicKeyEntry*> out;
  for (const auto& k : keys_) {
    if (k.name == name) out.push_back(&k);
  }
  return out;
}

Status TrustedKeyStore::open() {
  mtime_ns_ = dir_mtime_ns(dir_);
  auto keys = TrustedKeys::load(dir_);
  if (!keys) return keys.error();
  std::lock_guard lock(mu_);
  keys_ = std::make_shared<const TrustedKeys>(std::move(*keys));
  return {};
}

std::shared_ptr<const TrustedKeys> TrustedKeyStore::get(std::uint64_t now_ms) {
  std::lock_guard lock(mu_);
  if (now_ms < next_look_ms_) return keys_;
  next_look_ms_ = now_ms + reload_ms_;
  const auto mtime = dir_mtime_ns(dir_);
  if (mtime == mtime_ns_) return keys_;
  mtime_ns_ = mtime;  // also on failure: warn once per change
  auto keys = TrustedKeys::load(dir_);
  if (!keys) {
    spdlog::warn("vsm: trusted keys not reloaded, keeping the previous ones: {}",
                 keys.error().to_string());
    return keys_;
  }
  spdlog::info("vsm: trusted keys reloaded from {} ({} keys)", dir_, keys->size());
  keys_ = std::make_shared<const TrustedKeys>(std::move(*keys));
  return keys_;
}

}  // namespace vsm::detail
