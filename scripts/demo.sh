#!/usr/bin/env bash
# A live three-process fabric on loopback: an S1 operations unit publishes
# coordination, audit, resource-bargain and algedonic events; an S3 (control) and an
# S5 (policy) node print what they receive. S1's attempt to issue a *command* is
# refused by the VSM flow rules (commands flow S5 -> S4 -> S3 -> S1 only).
# Installs what is missing, builds vsmcat, exits 0 by itself in well under a minute.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build"
"$ROOT/scripts/setup.sh"
echo "demo: building vsmcat" >&2
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" --target vsmcat -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
VSMCAT="$BUILD/cli/vsmcat"

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

cat >"$WORK/s1-events.jsonl" <<'JSON'
{"channel":"command","type":"work_order","payload":{"note":"S1 may not command anyone"}}
{"channel":"coordination","type":"shift_schedule","target":"s2","payload":{"line":3,"shift":"B"}}
{"channel":"audit","type":"inspection_report","target":"s3*","payload":{"defects":0,"sample":120},"correlation_id":"audit-42"}
{"channel":"resource_bargain","type":"budget_request","target":"s3","payload":{"hours":16,"reason":"backlog"}}
{"channel":"algedonic","type":"pain","payload":{"severity":"critical","description":"pump 3 overheating","temp":97.5}}
JSON
EXPECTED=4  # the command line is refused by the flow rules

echo "demo: starting S1 (operations) publisher" >&2
coproc S1 { exec timeout 50 "$VSMCAT" pub --name s1.ops-1 --role S1 --wait-subs 2 --wait-timeout 30 \
  --skip-invalid <"$WORK/s1-events.jsonl" 2>&1; }
PIDS+=("$S1_PID")
ENDPOINT=""
while IFS= read -r -t 20 -u "${S1[0]}" line; do
  case "$line" in endpoint\ *) ENDPOINT=${line#endpoint }; break ;; esac
done
[ -n "$ENDPOINT" ] || { echo "demo: S1 did not report its endpoint" >&2; exit 1; }
echo "demo: S1 publishes on $ENDPOINT" >&2
exec 3<&"${S1[0]}"
sed -u 's/^/  [s1.ops-1] /' <&3 >&2 &

FMT='  [%N] %c/%t from %s -> %g: %p\n'
for node in s3.control:S3 s5.policy:S5; do
  name=${node%%:*}
  role=${node##*:}
  timeout 50 "$VSMCAT" sub --name "$name" --role "$role" --connect "$ENDPOINT" -c "$EXPECTED" \
    --timeout 30 -f "${FMT//%N/$name}" 2> >(sed -u "s/^/  [$name] /" >&2) &
  PIDS+=("$!")
done

status=0
for p in "${PIDS[@]:1}"; do wait "$p" || status=1; done
wait "${PIDS[0]}" || status=1  # bash unsets S1_PID once the coproc has exited
if [ $status -eq 0 ]; then
  echo "demo: S3 and S5 each received all $EXPECTED events; done" >&2
else
  echo "demo: something failed (status $status)" >&2
fi
exit $status
