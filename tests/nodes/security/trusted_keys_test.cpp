// The trusted key directory (nodes/src/security/trusted_keys.*): lookups by CURVE key and
// by name honour expiry (key rotation), a bad file refuses the directory, and the store
// re-reads a changed directory while keeping the last good snapshot.
#include "security/trusted_keys.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

#include "temp_dir.hpp"

namespace vsm::detail {
namespace {

PublicKeyEntry write_pub(const test::TempDir& dir, const std::string& file, const std::string& name,
                         std::uint64_t not_after = 0) {
  auto keys = generate_keys(name, Role::kS1);
  keys.pub.not_after_ms = not_after;
  dir.write(file, format_public_key_file(keys.pub));
  return keys.pub;
}

}  // namespace

TEST_CASE("trusted keys: rotation keeps the old key until its not_after", "[security]") {
  test::TempDir dir;
  const auto old_key = write_pub(dir, "a-old.pub", "node-a", 2'000);
  const auto new_key = write_pub(dir, "a.pub", "node-a");
  const auto b = write_pub(dir, "b.pub", "node-b");
  dir.write("README", "not a key\n");  // only *.pub files are read
  auto keys = TrustedKeys::load(dir.path().string());
  REQUIRE(keys.ok());
  CHECK(keys->size() == 3);
  CHECK(keys->by_curve_key(old_key.curve_public, 1'000)->name == "node-a");
  CHECK(keys->by_curve_key(old_key.curve_public, 2'001) == nullptr);  // expired
  CHECK(keys->by_curve_key(new_key.curve_public, 9'999'999)->name == "node-a");
  CHECK(keys->current("node-a", 1'000)->curve_public == new_key.curve_public);
  CHECK(keys->current("node-b", 1'000)->curve_public == b.curve_public);
  CHECK(keys->current("node-c", 1'000) == nullptr);
  CHECK(keys->all_of("node-a").size() == 2);  // signatures of the old key still verify
}

TEST_CASE("trusted keys: a malformed file refuses the directory, naming it", "[security]") {
  test::TempDir dir;
  write_pub(dir, "a.pub", "node-a");
  dir.write("b.pub", "name = node-b\n");
  auto keys = TrustedKeys::load(dir.path().string());
  REQUIRE_FALSE(keys.ok());
  CHECK(keys.error().message().find("b.pub") != std::string::npos);
  CHECK(TrustedKeys::load((dir / "missing").string()).error().code() == ErrorCode::kIo);
}

TEST_CASE("trusted keys: the store reloads a changed directory", "[security]") {
  test::TempDir dir;
  write_pub(dir, "a.pub", "node-a");
  TrustedKeyStore store(dir.path().string(), 100);
  REQUIRE(store.open().ok());
  CHECK(store.get(0)->size() == 1);
  write_pub(dir, "b.pub", "node-b");
  CHECK(store.get(50)->size() == 1);   // not looked at before reload_ms
  CHECK(store.get(200)->size() == 2);  // changed: re-read
  dir.write("c.pub", "garbage\n");
  CHECK(store.get(400)->size() == 2);  // broken: the previous snapshot stays
  std::filesystem::remove(dir / "c.pub");
  std::filesystem::remove(dir / "a.pub");
  CHECK(store.get(600)->current("node-a", 0) == nullptr);  // a removed key is refused
}

}  // namespace vsm::detail
