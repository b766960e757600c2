#!/usr/bin/env bash
# Runs every decoder's libFuzzer target (docs/SECURITY.md "Fuzzing") for N executions.
#   scripts/fuzz.sh [--execs N] [--smoke] [target...]
# Configures a clang build of its own (build-fuzz, or $VSM_FUZZ_BUILD_DIR) with
# VSM_LIBFUZZER=ON and only the libraries the targets need, builds the *_libfuzzer
# executables, runs each in turn with its seeds (written by the target itself) as the
# starting corpus, and prints a table: target, executions, seconds, exec/s, crashes.
# A crash, leak, UB, timeout (> 10 s for one input) or out-of-memory (> 2 GiB) counts;
# its input is kept under <build>/artifacts/<target>/ and the run's log under
# <build>/logs/. Exit status: 0 when nothing crashed, 1 otherwise, 2 for bad usage.
#   --execs N   executions per target (default 1,000,000)
#   --smoke     a short run per target (20,000 executions), for CI
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${VSM_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
EXECS=1000000
SMOKE_EXECS=20000
JOBS=2  # the machine is shared: never more

usage() {
  echo "usage: scripts/fuzz.sh [--execs N] [--smoke] [target...]" >&2
  exit 2
}
die() { echo "fuzz.sh: error: $*" >&2; exit 1; }
say() { echo "fuzz.sh: $*" >&2; }

wanted=()
while [ $# -gt 0 ]; do
  case "$1" in
    --execs) [ $# -ge 2 ] && [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -gt 0 ] || usage; EXECS=$2; shift 2 ;;
    --smoke) EXECS=$SMOKE_EXECS; shift ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) wanted+=("$1"); shift ;;
  esac
done

find_tool() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 && { command -v "$t"; return 0; }
  done
  return 1
}
CXX_BIN=$(find_tool clang++-14 clang++) || die "clang++ not found (setup.sh installs clang-14)"
CC_BIN=$(find_tool clang-14 clang) || die "clang not found (setup.sh installs clang-14)"

# -O1 and line tables keep the instrumented build quick; asserts stay on (no NDEBUG).
mkdir -p "$BUILD"
say "configuring $BUILD"
cmake -S "$ROOT" -B "$BUILD" -G Ninja \
  -DCMAKE_C_COMPILER="$CC_BIN" -DCMAKE_CXX_COMPILER="$CXX_BIN" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DVSM_LIBFUZZER=ON -DVSM_SKIP_MODULES="nodes;cli" -DVSM_TEST_ONLY=fuzz \
  -DVSM_BUILD_BENCH=OFF -DVSM_BUILD_EXAMPLES=OFF >"$BUILD/fuzz-configure.log" 2>&1 \
  || { tail -n 30 "$BUILD/fuzz-configure.log" >&2; die "configuring $BUILD failed"; }

mapfile -t known < <(grep -v '^$' "$BUILD/fuzz_targets.txt")
[ ${#known[@]} -gt 0 ] || die "no fuzz targets in $BUILD/fuzz_targets.txt"
targets=()
if [ ${#wanted[@]} -eq 0 ]; then
  targets=("${known[@]}")
else
  for t in "${wanted[@]}"; do
    printf '%s\n' "${known[@]}" | grep -qx "$t" || die "unknown target '$t' (known: ${known[*]})"
    targets+=("$t")
  done
fi

say "building ${#targets[@]} libFuzzer target(s)"
build_targets=()
for t in "${targets[@]}"; do build_targets+=("${t}_libfuzzer"); done
cmake --build "$BUILD" -j "$JOBS" --target "${build_targets[@]}" >"$BUILD/fuzz-build.log" 2>&1 \
  || { tail -n 40 "$BUILD/fuzz-build.log" >&2; die "building failed (log: $BUILD/fuzz-build.log)"; }

mkdir -p "$BUILD/logs"
rows=()
failed=0
for t in "${targets[@]}"; do
  corpus="$BUILD/corpus/$t"
  artifacts="$BUILD/artifacts/$t"
  log="$BUILD/logs/$t.log"
  mkdir -p "$corpus" "$artifacts"
  before=$(find "$artifacts" -type f | wc -l)
  say "running $t for $EXECS executions"
  start=$(date +%s.%N)
  rc=0
  VSM_FUZZ_SEED_DIR="$corpus" "$BUILD/tests/fuzz/${t}_libfuzzer" \
    -runs="$EXECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || rc=$?
  end=$(date +%s.%N)
  done_execs=$(awk '/stat::number_of_executed_units/ {n = $NF} END {print n + 0}' "$log")
  crashes=$(( $(find "$artifacts" -type f | wc -l) - before ))
  if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes=1; fi
  if [ "$crashes" -ne 0 ]; then
    failed=1
    say "$t: $crashes crash(es); log $log, inputs in $artifacts"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -n 5 >&2 || true
  fi
  rows+=("$(awk -v t="$t" -v n="$done_execs" -v s="$start" -v e="$end" -v c="$crashes" \
    'BEGIN { d = e - s; printf "%-20s %12d %9.1f %10.0f %8d", t, n, d, (d > 0 ? n / d : 0), c }')")
done

printf '%-20s %12s %9s %10s %8s\n' target executions seconds "exec/s" crashes
printf '%s\n' "${rows[@]}"
exit "$failed"
