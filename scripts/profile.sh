#!/usr/bin/env bash
# Per-event CPU of the publisher and subscriber processes of pubsub_bench runs, from
# `perf record -e cpu-clock -g` (software clock: works without hardware counters, as root).
# For each system and payload size: one throughput run (no latency, no repair run) under
# perf; samples are attributed to the role processes by their main thread's name
# (bench-pub / bench-sub, set by pubsub_bench), then
#   CPU ns per event = samples x period / events handled (warm-up + measured, from the
#                      run's JSON: sent for the publisher, received for the subscriber),
# per process, per thread, and the top self symbols with their share of the process.
# Loopback only (pubsub_bench's own tcp://127.0.0.1); every run is bounded by `timeout`;
# perf and its children are stopped on every exit path (trap).
#
#   scripts/profile.sh                                   # defaults below, Markdown on stdout
#   scripts/profile.sh --systems node-log --sizes 100 --top 15
#   BUILD=build-release scripts/profile.sh --out /tmp/prof
#
# Options: --systems LIST (zmq-nodrop,node,node-reliable,node-log), --sizes LIST (100,1024),
# --count N (measured events per run; 0 = pubsub_bench's default for the size; default
# 300000), --period NS (sampling period of cpu-clock, default 100000 = 10 kHz), --top N
# (symbols per process, default 10), --out DIR (perf.data and JSON kept there; default a
# temporary directory removed at exit), --run-timeout S (per run, default 120).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
BENCH="$BUILD/bench/pubsub/pubsub_bench"
systems=zmq-nodrop,node,node-reliable,node-log
sizes=100,1024
count=300000
period=100000
top=10
out=""
run_timeout=120

while [ $# -gt 0 ]; do
  case "$1" in
    --systems) systems=$2; shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --period) period=$2; shift 2 ;;
    --top) top=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --run-timeout) run_timeout=$2; shift 2 ;;
    *) echo "profile.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

say() { echo "profile.sh: $*" >&2; }
[ -x "$BENCH" ] || { say "$BENCH not built (cmake --build $BUILD --target pubsub_bench)"; exit 2; }
command -v perf >/dev/null || { say "perf not installed"; exit 2; }

keep=1
if [ -z "$out" ]; then out=$(mktemp -d /tmp/vsm-profile.XXXXXX); keep=0; fi
mkdir -p "$out"
perf_pid=""
cleanup() {
  if [ -n "$perf_pid" ] && kill -0 "$perf_pid" 2>/dev/null; then
    kill -TERM -- "-$perf_pid" 2>/dev/null || kill -TERM "$perf_pid" 2>/dev/null || true
    wait "$perf_pid" 2>/dev/null || true
  fi
  [ $keep -eq 1 ] || rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "machine: $(nproc) CPUs, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"
say "build: $BENCH; output in $out"
IFS=, read -r -a sys_list <<<"$systems"
IFS=, read -r -a size_list <<<"$sizes"

for sys in "${sys_list[@]}"; do
  for size in "${size_list[@]}"; do
    tag="$sys-$size"
    say "profiling $tag"
    # Own process group, so cleanup() can stop perf, the driver and its role processes.
    setsid timeout --kill-after=5 "$run_timeout" perf record -q -e cpu-clock -c "$period" -g \
      -o "$out/$tag.data" -- "$BENCH" --systems "$sys" --sizes "$size" --repeat 1 \
      --no-latency --no-repair --count "$count" --json "$out/$tag.json" -q \
      >"$out/$tag.log" 2>&1 &
    perf_pid=$!
    if ! wait "$perf_pid"; then
      perf_pid=""
      say "run $tag failed:"; cat "$out/$tag.log" >&2; exit 1
    fi
    perf_pid=""
    perf script -i "$out/$tag.data" -F pid,tid,comm,period,ip,sym,dso -G 2>/dev/null \
      >"$out/$tag.samples"
    rm -f "$out/$tag.data"
  done
done

python3 - "$out" "$top" "${sys_list[@]}" -- "${size_list[@]}" <<'EOF'
import collections, json, re, sys

out, top = sys.argv[1], int(sys.argv[2])
rest = sys.argv[3:]
cut = rest.index("--")
systems, sizes = rest[:cut], rest[cut + 1:]
line_re = re.compile(r"^\s*(\S+)\s+(\d+)/(\d+)\s+(\d+)\s+[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$")
ROLE = {"bench-pub": "pub", "bench-sub": "sub"}

def short(sym, dso):
    if not sym or sym.startswith("0x") or sym == "[unknown]":
        return "[" + dso.rsplit("/", 1)[-1] + "]"
    sym = re.sub(r"\(.*", "", sym) if "(anonymous" not in sym else sym
    return ("[k] " if "kernel" in dso else "") + sym[:90]

def profile(tag):
    role_of = {}
    per_pid = collections.defaultdict(lambda: {"ns": 0, "threads": collections.Counter(),
                                               "syms": collections.Counter()})
    for line in open(f"{out}/{tag}.samples", errors="replace"):
        m = line_re.match(line)
        if not m:
            continue
        comm, pid, tid, ns, sym, dso = m.groups()
        if pid == tid and comm in ROLE:
            role_of[pid] = ROLE[comm]
        p = per_pid[pid]
        p["ns"] += int(ns)
        p["threads"][comm] += int(ns)
        p["syms"][short(sym, dso)] += int(ns)
    by_role = {}
    for pid, role in role_of.items():
        by_role[role] = per_pid[pid]
    return by_role

def events(tag):
    r = json.load(open(f"{out}/{tag}.json"))["results"][0]["throughput"]
    warm = max(1000, r["sent"] // 10)
    return r, r["sent"] + warm, r["received"] + warm

print("| System | Bytes | msgs/s | pub CPU ns/event | sub CPU ns/event | pub threads (ns/event) | sub threads (ns/event) |")
print("|:--|--:|--:|--:|--:|:--|:--|")
details = []
for sys_ in systems:
    for size in sizes:
        tag = f"{sys_}-{size}"
        r, sent, received = events(tag)
        prof = profile(tag)
        cells = []
        for role, n in (("pub", sent), ("sub", received)):
            p = prof.get(role)
            if p is None:
                cells.append(("n/a", "n/a"))
                continue
            thr = ", ".join(f"{c} {v / n:.0f}" for c, v in p["threads"].most_common(4) if v / n >= 5)
            cells.append((f"{p['ns'] / n:.0f}", thr))
            syms = ", ".join(f"{s} {100 * v / p['ns']:.1f}%" for s, v in p["syms"].most_common(top))
            details.append(f"- **{tag} {role}** ({p['ns'] / n:.0f} ns/event): {syms}")
        lossy = " (lossy)" if r["lossy"] else ""
        print(f"| {sys_} | {size} | {r['msgs_per_s']:,.0f}{lossy} | {cells[0][0]} | {cells[1][0]} "
              f"| {cells[0][1]} | {cells[1][1]} |")
print()
print("Top self symbols, share of the process's samples:")
print()
print("\n".join(details))
EOF
