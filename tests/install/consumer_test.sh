#!/usr/bin/env bash
# usage: consumer_test.sh BUILD_DIR CONSUMER_SOURCE_DIR
set -euo pipefail
build=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
# Use the same compiler flags family as the main build when it is sanitized.
flags=$(grep -E '^VSM_SANITIZE:' "$build/CMakeCache.txt" | cut -d= -f2)
extra=()
if [ -n "$flags" ]; then
  extra=(-DCMAKE_CXX_FLAGS="-fsanitize=$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=$flags")
fi
cmake -S "$src" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" "${extra[@]}" \
  >"$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" >"$work/build.log" || { cat "$work/build.log"; exit 1; }
out=$("$work/build/consumer")
echo "$out"
[ "$out" = "consumer received schedule shift-b" ]
