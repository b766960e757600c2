#!/usr/bin/env bash
# Runs the benchmark suite on this machine (docs/BENCHMARKS.md):
#   1. scripts/setup.sh when the draft libzmq or the test peers are missing,
#   2. a Release build in build-release/ (only the benchmark targets),
#   3. pubsub_bench over all payload sizes: prints the Markdown table and writes
#      bench/results/latest.json,
#   4. the other families (log_bench, gossip_bench, algedonic_bench) when built.
# Budget: under 10 minutes on 2 cores. Extra arguments go to pubsub_bench, e.g.
#   scripts/bench.sh --systems zmq,node --sizes 100
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build-release"
RESULTS="$ROOT/bench/results"
JOBS=${JOBS:-1}

say() { echo "bench.sh: $*" >&2; }

need_setup=0
[ -f "$ROOT/.deps/zmq/.vsm-draft-built" ] || need_setup=1
for bin in nats-server redis-server; do
  command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$bin" ] || need_setup=1
done
[ -f /usr/include/nats/nats.h ] && [ -f /usr/include/hiredis/hiredis.h ] || need_setup=1
if [ $need_setup -eq 1 ]; then
  say "running scripts/setup.sh"
  "$ROOT/scripts/setup.sh"
fi

say "configuring a Release build in $BUILD"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DVSM_BUILD_TESTS=OFF \
  -DVSM_BUILD_EXAMPLES=OFF >/dev/null
targets=(pubsub_bench)
for t in log_bench gossip_bench algedonic_bench; do
  if cmake --build "$BUILD" --target help 2>/dev/null | grep -q "^$t:"; then targets+=("$t"); fi
done
say "building ${targets[*]} (-j$JOBS)"
cmake --build "$BUILD" --target "${targets[@]}" -j"$JOBS"

say "machine: $(nproc) CPUs, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"
if awk -v n="$(nproc)" '{exit !($1 > n * 0.5)}' /proc/loadavg; then
  say "warning: the machine is busy (load above half the CPUs); numbers will be noisy"
fi

mkdir -p "$RESULTS"
tmp="$RESULTS/latest.json.tmp"
"$BUILD/bench/pubsub/pubsub_bench" --all-sizes --repeat 3 --json "$tmp" "$@"
mv "$tmp" "$RESULTS/latest.json"
say "wrote $RESULTS/latest.json"

for spec in persist/log_bench gossip/gossip_bench algedonic/algedonic_bench; do
  bin="$BUILD/bench/$spec"
  name=$(basename "$spec")
  if [ -x "$bin" ]; then
    say "running $name"
    "$bin" --json >"$RESULTS/$name.json" && say "wrote $RESULTS/$name.json" \
      || say "warning: $name failed"
  else
    say "$name not built (its family is not in this tree yet)"
  fi
done
