#!/usr/bin/env bash
# Installs everything vsmfabric needs on a fresh Debian bookworm machine:
#   1. the Debian packages (compilers, libraries, test peers),
#   2. libzmq 4.3.4 from Debian's own source, patched with scripts/patches/*.patch
#      (applied in name order with patch -p1) and built with the draft API
#      (RADIO/DISH) into .deps/zmq inside the repository.
# Idempotent: when everything is present it returns in about a second. The stamp file
# records a hash of the patch set, so adding or changing a patch rebuilds libzmq once.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPS="$ROOT/.deps"
PREFIX="$DEPS/zmq"
STAMP="$PREFIX/.vsm-draft-built"
PATCH_DIR="$ROOT/scripts/patches"
SRC_LIST=/etc/apt/sources.list.d/vsm-deb-src.sources

die() { echo "setup.sh: error: $*" >&2; exit 1; }
say() { echo "setup.sh: $*" >&2; }

PACKAGES=(
  build-essential dpkg-dev cmake pkg-config ninja-build linux-perf
  libsodium-dev cppzmq-dev libmsgpack-cxx-dev libcli11-dev libspdlog-dev catch2
  nlohmann-json3-dev libcpp-httplib-dev libtomlplusplus-dev libbenchmark-dev
  python3 python3-zmq python3-msgpack iproute2 clang-14 libfuzzer-14-dev
  nats-server libnats-dev redis-server libhiredis-dev
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || die "not root and sudo is missing; run as root"
  SUDO="sudo"
fi

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

apt_updated=0
apt_update() {
  if [ $apt_updated -eq 0 ]; then
    say "apt-get update"
    $SUDO apt-get update -qq >&2 || die "apt-get update failed"
    apt_updated=1
  fi
}

install_packages() {
  local missing
  missing=$(missing_packages | tr '\n' ' ')
  [ -z "${missing// /}" ] && return 0
  say "installing Debian packages: $missing"
  apt_update
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >&2 \
    || die "apt-get install failed for: $missing"
  # The test peers must not keep running as system services on a dev box.
  for svc in redis-server nats-server; do
    $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true
  done
}

# Derives a deb-src entry for bookworm main from the URIs the machine already uses.
ensure_deb_src() {
  if grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
     && apt-cache showsrc zeromq3 >/dev/null 2>&1 && [ -n "$(apt-cache showsrc zeromq3 2>/dev/null)" ]; then
    return 0
  fi
  local uri=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1=="deb" && $0 ~ /bookworm/ {for(i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)
  fi
  [ -n "$uri" ] || die "cannot find a Debian mirror URI in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
  say "adding deb-src entry for bookworm main from $uri"
  printf 'Types: deb-src\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$uri" | $SUDO tee "$SRC_LIST" >/dev/null
  apt_updated=0
  apt_update
}

# One hash over the names and contents of the patch set ("none" without patches).
patch_set_hash() {
  local f
  shopt -s nullglob
  local patches=("$PATCH_DIR"/*.patch)
  shopt -u nullglob
  [ ${#patches[@]} -eq 0 ] && { echo none; return; }
  for f in "${patches[@]}"; do
    printf '%s\n' "$(basename "$f")"
    cat "$f"
  done | sha256sum | cut -d' ' -f1
}

# Applies every patch in name order to the unpacked source in $1; a patch that does not
# apply cleanly stops the setup with its name and patch's output.
apply_patches() {
  local src=$1 f out
  shopt -s nullglob
  for f in "$PATCH_DIR"/*.patch; do
    say "applying $(basename "$f")"
    if ! out=$(cd "$src" && patch -p1 --forward --batch <"$f" 2>&1); then
      echo "$out" >&2
      die "patch $(basename "$f") does not apply to $src (did Debian's zeromq3 change?);" \
        "refresh it against this source"
    fi
  done
  shopt -u nullglob
}

built_stamp_matches() {
  [ -f "$STAMP" ] && [ -f "$PREFIX/include/zmq.h" ] && grep -q zmq_join "$PREFIX/include/zmq.h" \
    && grep -qx "patches=$1" "$STAMP"
}

build_draft_zmq() {
  local patch_hash
  patch_hash=$(patch_set_hash)
  built_stamp_matches "$patch_hash" && return 0
  [ -f "$STAMP" ] && say "libzmq patch set changed: rebuilding"
  ensure_deb_src
  local work="$DEPS/src"
  rm -rf "$work" "$PREFIX"
  mkdir -p "$work"
  say "fetching Debian source of zeromq3"
  (cd "$work" && apt-get source --download-only zeromq3 >&2) || die "apt-get source --download-only zeromq3 failed"
  local dsc
  dsc=$(ls "$work"/zeromq3_*.dsc 2>/dev/null | head -n 1)
  [ -n "$dsc" ] || die "no zeromq3 .dsc was downloaded"
  (cd "$work" && dpkg-source --no-check -x "$(basename "$dsc")" zmq >&2) || die "dpkg-source could not unpack $dsc"
  apply_patches "$work/zmq"
  say "building libzmq with the draft API into $PREFIX (takes a few minutes)"
  local jobs
  jobs=$(nproc 2>/dev/null || echo 2)
  cmake -S "$work/zmq" -B "$work/build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib \
    -DENABLE_DRAFTS=ON -DWITH_LIBSODIUM=ON -DENABLE_CURVE=ON -DBUILD_TESTS=OFF \
    -DWITH_DOCS=OFF -DWITH_PERF_TOOL=OFF -DBUILD_STATIC=OFF -DBUILD_SHARED=ON \
    -DCMAKE_C_FLAGS="-w" -DCMAKE_CXX_FLAGS="-w" >"$work/configure.log" 2>&1 \
    || { tail -n 30 "$work/configure.log" >&2; die "configuring libzmq failed (log: $work/configure.log)"; }
  cmake --build "$work/build" -j "$jobs" >"$work/build.log" 2>&1 \
    || { tail -n 30 "$work/build.log" >&2; die "building libzmq failed (log: $work/build.log)"; }
  cmake --install "$work/build" >"$work/install.log" 2>&1 \
    || { tail -n 30 "$work/install.log" >&2; die "installing libzmq failed"; }
  grep -q zmq_join "$PREFIX/include/zmq.h" || die "built libzmq has no draft API (zmq_join missing)"
  grep -q 'ZMQ_BUILD_DRAFT_API' "$PREFIX/include/zmq.h" || die "built zmq.h lacks ZMQ_BUILD_DRAFT_API guards"
  rm -rf "$work/build"
  printf 'built=%s\npatches=%s\n' "$(date -u +%FT%TZ)" "$patch_hash" >"$STAMP"
  say "libzmq with drafts installed in $PREFIX"
}

install_packages
build_draft_zmq
