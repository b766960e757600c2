// Key files (nodes/src/security/key_file.*, vsm/security.hpp): generated keys round trip
// through their text form; malformed, mismatched or world-readable files are refused.
#include "security/key_file.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "temp_dir.hpp"
#include "vsm/security.hpp"

namespace vsm::detail {

TEST_CASE("key file: generated keys round trip through both files", "[security]") {
  const auto keys = generate_keys("node-a", Role::kS3);
  auto sec = parse_secret_key_file(format_secret_key_file(keys), "node-a.key");
  REQUIRE(sec.ok());
  CHECK(sec->pub.name == "node-a");
  CHECK(sec->pub.role == Role::kS3);
  CHECK(sec->curve_secret == keys.curve_secret);
  CHECK(sec->sign_secret == keys.sign_secret);
  PublicKeyEntry pub = keys.pub;
  pub.not_after_ms = 1'700'000'000'000;
  pub.sources = {"s3.ops", "s3.audit"};
  auto back = parse_public_key_file(format_public_key_file(pub), "node-a.pub");
  REQUIRE(back.ok());
  CHECK(back->curve_public == keys.pub.curve_public);
  CHECK(back->sign_public == keys.pub.sign_public);
  CHECK(back->not_after_ms == pub.not_after_ms);
  CHECK(back->sources == pub.sources);
  CHECK(z85_decode_key(z85_encode_key(keys.pub.curve_public)) == keys.pub.curve_public);
}

TEST_CASE("key file: malformed files are refused with the file and line", "[security]") {
  const auto keys = generate_keys("node-a", Role::kS1);
  const std::string good = format_public_key_file(keys.pub);
  auto typo = parse_public_key_file(good + "sign_pulbic = x\n", "a.pub");
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.error().message().find("a.pub' line") != std::string::npos);
  CHECK(typo.error().message().find("unknown key 'sign_pulbic'") != std::string::npos);
  CHECK_FALSE(parse_public_key_file(good + "name = again\n", "a.pub").ok());  // repeated
  CHECK_FALSE(parse_public_key_file("name = a\n", "a.pub").ok());             // no keys
  CHECK_FALSE(parse_public_key_file(good + "role = S9\n", "a.pub").ok());
  CHECK_FALSE(parse_public_key_file(good + "not_after = soon\n", "a.pub").ok());
  // A public file never carries secrets, and a secret one must hold matching halves.
  CHECK_FALSE(parse_public_key_file(format_secret_key_file(keys), "a.pub").ok());
  const auto other = generate_keys("node-a", Role::kS1);
  SecretKeyEntry mixed = keys;
  mixed.curve_secret = other.curve_secret;
  auto bad = parse_secret_key_file(format_secret_key_file(mixed), "a.key");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message().find("do not match") != std::string::npos);
}

TEST_CASE("key file: write_node_key_files never overwrites and keeps secrets private",
          "[security]") {
  test::TempDir dir;
  auto files = write_node_key_files(dir.path().string(), "node-a", Role::kS5);
  REQUIRE(files.ok());
  struct stat st {};
  REQUIRE(::stat(files->secret_path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto read = read_secret_key_file(files->secret_path);
  REQUIRE(read.ok());
  CHECK(read->pub.role == Role::kS5);
  auto again = write_node_key_files(dir.path().string(), "node-a", Role::kS5);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code() == ErrorCode::kIo);
  CHECK(write_node_key_files(dir.path().string(), "bad/name", Role::kS1).error().code() ==
        ErrorCode::kInvalid);
  REQUIRE(::chmod(files->secret_path.c_str(), 0644) == 0);
  auto loose = read_secret_key_file(files->secret_path);
  REQUIRE_FALSE(loose.ok());
  CHECK(loose.error().message().find("readable by others") != std::string::npos);
}

}  // namespace vsm::detail
