# Third-party dependencies: Debian packages plus the draft libzmq that
# scripts/setup.sh builds into .deps/zmq.
find_package(Threads REQUIRED)
find_package(spdlog REQUIRED)
find_package(msgpack REQUIRED)  # Debian msgpack-cxx 4.x: target msgpackc-cxx
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)

include(VsmDraftZmq)
