#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through ctest.
#   scripts/test.sh              RelWithDebInfo build in build/
#   scripts/test.sh --sanitize   ASan+UBSan build in build-asan/
#   scripts/test.sh --tsan       TSan build in build-tsan/: the threaded tests (nodes,
#                                delivery, algedonic, gossip); CI runs it
# Extra arguments after -- go to ctest (e.g. -- -R node -V).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build"
SANITIZE=""
BUILD_TYPE=RelWithDebInfo
CTEST_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sanitize) SANITIZE="address,undefined"; BUILD="$ROOT/build-asan"; BUILD_TYPE=Debug ;;
    --tsan) SANITIZE="thread"; BUILD="$ROOT/build-tsan"; BUILD_TYPE=Debug ;;
    --) shift; CTEST_ARGS=("$@"); break ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

"$ROOT/scripts/setup.sh"

JOBS=$(nproc 2>/dev/null || echo 2)
echo "test.sh: configuring $BUILD (${SANITIZE:-no sanitizers})" >&2
SCOPE=(-DVSM_TEST_ONLY= -DVSM_SKIP_MODULES= -DVSM_BUILD_BENCH=ON -DVSM_BUILD_EXAMPLES=ON)
if [ "$SANITIZE" = "address,undefined" ]; then
  # The benchmarks' smoke runs measure, they do not test more code: plain build only.
  SCOPE=(-DVSM_TEST_ONLY= -DVSM_SKIP_MODULES= -DVSM_BUILD_BENCH=OFF -DVSM_BUILD_EXAMPLES=ON)
elif [ "$SANITIZE" = thread ]; then
  # TSan covers the threaded code: the node, delivery, algedonic and gossip tests
  # (docs/THREADING.md). The CLI, benchmarks and examples add build time, not threads.
  SCOPE=(-DVSM_TEST_ONLY="nodes;algedonic;gossip" -DVSM_SKIP_MODULES=cli
         -DVSM_BUILD_BENCH=OFF -DVSM_BUILD_EXAMPLES=OFF)
fi
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" \
  -DVSM_SANITIZE="$SANITIZE" "${SCOPE[@]}" >/dev/null
echo "test.sh: building with $JOBS jobs" >&2
cmake --build "$BUILD" -j "$JOBS"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$ROOT/scripts/tsan.supp:${TSAN_OPTIONS:-}"
# Under sanitizers the 1,000-node gossip simulation (label "slow") would dominate CI
# time without covering different code; it runs in the plain build.
EXCLUDE=()
if [ -n "$SANITIZE" ]; then EXCLUDE=(-LE slow); fi
# The gossip simulator runs every node on one thread (deterministic, nothing for TSan).
if [ "$SANITIZE" = thread ]; then EXCLUDE=(-LE "slow|fuzz|netns" -E "gossip_simulator"); fi
echo "test.sh: running ctest" >&2
ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS" --timeout 600 "${EXCLUDE[@]}" "${CTEST_ARGS[@]}"
