#!/usr/bin/env python3
"""The operator's view of a live three-process fabric, started as the README shows (an S5
gossip seed, an S3 and an S1 joining through it, each with --metrics-bind): `vsmcat status`
watches it, Prometheus-style scrapes of /metrics parse as the text format, `vsmcat sub
--telemetry` follows the seed's reports. Then kill -9 the S3: the death shows up in
status, in telemetry and in the metrics, and the seed is degraded (no S3 in its partition).
Prints how long each took after the kill. Loopback only; every wait has a deadline;
children are killed at the end.

    operator_fabric_test.py --vsmcat build/cli/vsmcat
"""
import argparse
import json
import math
import os
import re
import signal
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vsmcat_harness import Harness, TestFailure, check  # noqa: E402

VSMCAT = None
T = 30.0  # seconds: generous bound for any single wait on a loaded machine

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')


def parse_prometheus(text):
    """Strict parse of the text exposition format 0.0.4: {family: type}, [(name, labels, v)]."""
    types, samples = {}, []
    check(text.endswith("\n"), "exposition does not end with a newline")
    for line in text.split("\n")[:-1]:
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            check(kind in ("counter", "gauge", "histogram") and name not in types, line)
            types[name] = kind
            continue
        m = SAMPLE.match(line)
        check(m, "not a sample line: %r" % line)
        name, labels = m.group(1), {}
        if m.group(3):
            rest = m.group(3)
            while rest:
                lm = LABEL.match(rest)
                check(lm, "bad labels in %r" % line)
                labels[lm.group(1)] = lm.group(2)
                rest = rest[lm.end():]
        value = math.inf if m.group(4) == "+Inf" else float(m.group(4))
        family = name if name in types else re.sub(r"_(bucket|sum|count)$", "", name)
        check(family in types, "sample before its TYPE: %r" % line)
        if types[family] == "counter":
            check(name.endswith("_total"), "counter without _total: " + name)
        samples.append((name, labels, value))
    for family, kind in types.items():
        if kind != "histogram":
            continue
        series = {}
        for name, labels, v in samples:
            if name == family + "_bucket":
                key = tuple(sorted((k, x) for k, x in labels.items() if k != "le"))
                series.setdefault(key, []).append((labels["le"], v))
        for key, buckets in series.items():
            values = [v for _, v in buckets]
            check(values == sorted(values) and buckets[-1][0] == "+Inf", family + " buckets")
            count = value_of(samples, family + "_count", dict(key))
            check(values[-1] == count, family + ": +Inf bucket != _count")
    return types, samples


def value_of(samples, name, labels=None):
    for n, l, v in samples:
        if n == name and all(l.get(k) == x for k, x in (labels or {}).items()):
            return v
    raise TestFailure("no sample %s %s" % (name, labels))


def scrape(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        check(r.status == 200, url)
        check(r.headers["Content-Type"].startswith("text/plain; version=0.0.4"), r.headers)
        return parse_prometheus(r.read().decode())


def status_json(control):
    p = Harness().start([VSMCAT, "status", "--node", control, "--json", "--once",
                         "--timeout", "5"])
    try:
        rc = p.wait(15)
    finally:
        p.kill()
    return json.loads(p.stdout_lines[0]) if rc == 0 and p.stdout_lines else None


def wait_for(pred, what, timeout=T):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)  # bounded re-check interval of a condition with a deadline
    raise TestFailure("timed out waiting for " + what)


def status_line(proc, key):
    return proc.wait_stderr(key + " ", T).split(" ", 1)[1]


def start_node(h, name, role, *extra):
    p = h.start([VSMCAT, "node", "--name", name, "--role", role, "--metrics-bind", "127.0.0.1:0",
                 *extra])
    # The status lines come in this order: endpoint, control, gossip, dish, metrics.
    info = {"proc": p, "endpoint": p.endpoint(T), "control": status_line(p, "control"),
            "gossip": status_line(p, "gossip"), "metrics": status_line(p, "metrics")}
    p.wait_stderr("ready", T)
    return info


def member_states(snapshot):
    return {m["name"]: m["state"] for level in snapshot["tree"].values() for m in level}


def run(h):
    s5 = start_node(h, "s5.policy", "S5", "--gossip-bind", "127.0.0.1:0", "--print")
    seed = s5["gossip"]
    telemetry = h.start([VSMCAT, "sub", "--telemetry", "--connect", s5["endpoint"],
                         "--source", "s5.policy"])
    telemetry.wait_stderr("ready", T)
    s3 = start_node(h, "s3.control", "S3", "--seeds", seed)
    s1 = start_node(h, "s1.ops-2", "S1", "--seeds", seed)
    names = {"s5.policy", "s3.control", "s1.ops-2"}
    snap = wait_for(lambda: (lambda s: s if s and member_states(s) == dict.fromkeys(names, "alive")
                             and s["health"] == "viable" else None)(status_json(s5["control"])),
                    "three alive members, viable")
    check(snap["partition"]["state"] == "healthy", snap["partition"])
    check([m["name"] for m in snap["tree"]["S3"]] == ["s3.control"], snap["tree"])
    rc, out, err = h.run([VSMCAT, "status", "--node", s5["control"], "--once"])
    check(rc == 0 and all(len(l) <= 80 for l in out.split("\n")), out)
    for row in ("S5        s5.policy *", "S3        s3.control", "S1        s1.ops-2"):
        check(row in out, "%r not in the status view:\n%s" % (row, out))
    for node in (s5, s3, s1):
        # The seed saw all three first; the others may still be learning of the last one.
        def converged(url=node["metrics"]):
            types, samples = scrape(url)
            try:
                ok = (value_of(samples, "vsm_members", {"state": "alive"}) == 3 and
                      value_of(samples, "vsm_partition_state", {"state": "healthy"}) == 1)
            except TestFailure:
                ok = False
            return (types, samples) if ok else None
        types, samples = wait_for(converged, node["metrics"] + ": 3 alive members, healthy")
        check(types["vsm_deliver_latency_seconds"] == "histogram", node["metrics"])

    # Telemetry must be flowing before the kill: if no report of the seed arrived yet (the
    # subscription travels on its own), more members join until one does.
    extra = 0
    while not telemetry.stdout_lines:
        check(extra < 5, "no telemetry from the seed: " + telemetry.stderr())
        start_node(h, "s1.extra-%d" % extra, "S1", "--seeds", seed)
        extra += 1
        deadline = time.monotonic() + 3
        while not telemetry.stdout_lines and time.monotonic() < deadline:
            time.sleep(0.05)

    killed = time.monotonic()
    s3["proc"].p.send_signal(signal.SIGKILL)
    s3["proc"].p.wait(timeout=10)

    def reported(kind, subject=None, state=None):
        for line in list(telemetry.stdout_lines):
            r = json.loads(line)
            if r["kind"] == kind and (subject is None or r["subject"] == subject) and \
                    (state is None or r["state"] == state):
                return r
        return None

    dead_report = wait_for(lambda: reported("member_dead", "s3.control"), "member_dead telemetry")
    t_telemetry = time.monotonic() - killed
    part = wait_for(lambda: reported("partition", state="degraded"), "partition telemetry")
    check(part["reason"] == "no S3 in partition", part)
    # The member table marks the death first; the partition detector recomputes the sides
    # on its own tick (and health may be degraded for the dead member alone before that).
    snap = wait_for(lambda: (lambda s: s if s and member_states(s).get("s3.control") == "dead" and
                             s["health"] == "degraded" and
                             s["partition"]["state"] == "degraded" else None)(
                                 status_json(s5["control"])),
                    "status to show s3.control dead")
    t_status = time.monotonic() - killed
    check(snap["partition"]["state"] == "degraded", snap["partition"])
    check("partition degraded: no S3 in partition" in snap["health_reasons"], snap)

    def metrics_show_it():
        _, samples = scrape(s5["metrics"])
        return (value_of(samples, "vsm_member_up", {"member": "s3.control"}) == 0 and
                value_of(samples, "vsm_members", {"state": "dead"}) == 1 and
                value_of(samples, "vsm_partition_state", {"state": "degraded"}) == 1 and
                value_of(samples, "vsm_health_state", {"state": "degraded"}) == 1)
    wait_for(metrics_show_it, "metrics to show s3.control dead")
    t_metrics = time.monotonic() - killed
    rc, out, _ = h.run([VSMCAT, "health", "--node", s5["control"]])
    check(rc == 1 and out.startswith("degraded: partition degraded: no S3 in partition"), out)
    # The S1 saw it too (its own view). Its partition detector recomputes the sides on its
    # own tick, a moment after the member table marks the death: wait for both.
    s1_snap = wait_for(lambda: (lambda s: s if s and member_states(s).get("s3.control") == "dead"
                                and s["partition"]["state"] == "degraded"
                                else None)(status_json(s1["control"])), "s1's status")
    check(s1_snap["partition"]["reason"] == "no S3 in partition", s1_snap["partition"])
    print("kill -9 s3.control -> seen in telemetry after %.2f s, status %.2f s, metrics %.2f s "
          "(dead report seq %d)" % (t_telemetry, t_status, t_metrics, dead_report["seq"]),
          flush=True)


def main():
    global VSMCAT
    ap = argparse.ArgumentParser()
    ap.add_argument("--vsmcat", required=True)
    VSMCAT = ap.parse_args().vsmcat
    h = Harness()
    try:
        run(h)
    except TestFailure as e:
        print("FAIL: %s" % e, flush=True)
        return 1
    finally:
        h.close()
    print("operator fabric test: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
