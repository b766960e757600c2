#!/usr/bin/env python3
"""Partition strategies, degraded mode and reconciliation after heal across network
namespaces (docs/VARIETY.md), in addition to the fault-injection tests of
variety_fabric_test.py. Four clusters of four vsmcat processes run at once, one per
strategy; every process has its own namespace (198.18.<cluster>.<n>/24), attached by a
veth pair to one of the cluster's two bridges ("west": nodes 0-1, "east": nodes 2-3) in
a hub namespace; the bridges are joined by a veth pair. A partition is a link set down
(this kernel has no netem): a node's own link cuts it off alone, the bridges' link
splits west from east. One-way links exist only through the fault injector (tested in
variety_fabric_test.py).

  static_quorum   node 0 (S5) cut off: it degrades, the three others stay healthy
  dynamic_weights the same cut, S5 weighs 5 of 8: the S5 stays healthy, the others degrade
  vsm_health      west (S5, S3) | east (S1, S1): west healthy, east degraded; east's S1
                  is a `vsmcat pub`: its command is refused (kDegraded), its events are
                  marked; after heal the west's S3 (a BestEffort `vsmcat sub`) gets each
                  of them exactly once, marked vsm.reconciled
  manual          node 3 cut off: it degrades, stays degraded after heal until
                  `vsmcat partition resolve`

Needs root and iproute2; otherwise exits 77 (ctest SKIP) saying why. Namespaces are
named vsmv<pid>...; those of dead runs are removed first; this run's are removed at the
end, also on failure or SIGTERM. Every wait is a condition with a deadline."""
import argparse, atexit, json, os, re, shutil, signal, subprocess, sys, tempfile
import threading, time

SKIP = 77
PID = os.getpid()
PREFIX = "vsmv"
HUB = f"{PREFIX}{PID}h"
ROLES = [("s5.policy", "S5"), ("s3.ops", "S3"), ("s1.a", "S1"), ("s1.b", "S1")]
CLUSTERS = {  # cluster index -> (tag, [partition] table)
    0: ("quorum", 'strategy = "static_quorum"\nrequire_s5 = false\nrequire_s3 = false\n'),
    1: ("weights", 'strategy = "dynamic_weights"\nrequire_s5 = false\nrequire_s3 = false\n'
                   'role_weights = { S5 = 5 }\n'),
    2: ("health", 'strategy = "vsm_health"\n'),
    3: ("manual", 'strategy = "manual"\n'),
}
PUB, CONTROL, GOSSIP, DISH = 7000, 7001, 7002, 7003
VSMCAT = None
procs = []
created = []


def ip(*args, check=True):
    out = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=20)
    if check and out.returncode != 0:
        raise AssertionError(f"ip {' '.join(args)}: {out.stderr.strip()}")
    return out.returncode


def cleanup():
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait()
    procs.clear()
    for ns in reversed(created):
        ip("netns", "del", ns, check=False)
    created.clear()


def remove_stale_namespaces():
    """Deletes vsmv<pid>... namespaces whose creating process no longer exists."""
    try:
        names = os.listdir("/var/run/netns")
    except OSError:
        return
    for n in names:
        m = re.match(PREFIX + r"(\d+)[hc]", n)
        if m and not os.path.exists(f"/proc/{m.group(1)}"):
            ip("netns", "del", n, check=False)


def ns_name(k, i):
    return f"{PREFIX}{PID}c{k}n{i}"


def addr(k, i):
    return f"198.18.{k}.{i + 1}"


def node_link(k, i):
    return f"v{PID}{k}{i}"  # hub side of node i's veth


def bridge_link(k):
    return f"x{PID}{k}w"  # hub side of the west-east veth


def add_ns(name):
    ip("netns", "add", name)
    created.append(name)
    ip("-n", name, "link", "set", "lo", "up")


def build_topology():
    add_ns(HUB)
    for k in CLUSTERS:
        west, east = f"b{PID}{k}w", f"b{PID}{k}e"
        for br in (west, east):
            ip("-n", HUB, "link", "add", br, "type", "bridge")
            ip("-n", HUB, "link", "set", br, "up")
        ip("-n", HUB, "link", "add", bridge_link(k), "type", "veth", "peer", "name", f"x{PID}{k}e")
        for end, br in ((bridge_link(k), west), (f"x{PID}{k}e", east)):
            ip("-n", HUB, "link", "set", end, "master", br)
            ip("-n", HUB, "link", "set", end, "up")
        for i in range(4):
            ns, hub_end, node_end = ns_name(k, i), node_link(k, i), f"p{PID}{k}{i}"
            add_ns(ns)
            ip("-n", HUB, "link", "add", hub_end, "type", "veth", "peer", "name", node_end,
               "netns", ns)
            ip("-n", HUB, "link", "set", hub_end, "master", west if i < 2 else east)
            ip("-n", HUB, "link", "set", hub_end, "up")
            ip("-n", ns, "addr", "add", addr(k, i) + "/24", "dev", node_end)
            ip("-n", ns, "link", "set", node_end, "up")


def _pump(stream, lines):
    for line in stream:
        lines.append(line.rstrip("\n"))


def start(ns, *args, stdin=False):
    p = subprocess.Popen(["ip", "netns", "exec", ns, VSMCAT, *args], text=True,
                         stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.out, p.err = [], []
    for stream, lines in ((p.stdout, p.out), (p.stderr, p.err)):
        threading.Thread(target=_pump, args=(stream, lines), daemon=True).start()
    procs.append(p)
    return p


def wait_for(pred, what, deadline_s=45, interval_s=0.25):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(interval_s)  # bounded re-check interval of a condition with a deadline
    raise AssertionError("timed out waiting for " + what)


def cli(k, i, *args):
    """Runs a vsmcat client inside node i's namespace against its control endpoint."""
    try:
        out = subprocess.run(["ip", "netns", "exec", ns_name(k, i), VSMCAT, *args, "--node",
                              f"tcp://{addr(k, i)}:{CONTROL}"],
                             capture_output=True, text=True, timeout=15)
    except subprocess.TimeoutExpired:
        return None
    return out


def members(k, i):
    out = cli(k, i, "members", "--json", "--timeout", "3")
    if out is None or out.returncode != 0:
        return {}
    return json.loads(out.stdout)


def state(k, i):
    return members(k, i).get("partition")


def fabric_args(k, i, name, role, cfg):
    a = ["--config", cfg, "--name", name, "--role", role,
         "--control-bind", f"tcp://{addr(k, i)}:{CONTROL}",
         "--gossip-bind", f"{addr(k, i)}:{GOSSIP}", "--dish-bind", f"udp://{addr(k, i)}:{DISH}"]
    if i > 0:
        a += ["--seeds", f"{addr(k, 0)}:{GOSSIP}"]
    return a


def start_clusters(tmp):
    """Node 0 first (the seed); the health cluster's S3 is a BestEffort `sub` on
    coordination, its s1.a a `pub` the test feeds."""
    special = {}
    for i, (name, role) in enumerate(ROLES):
        for k, (tag, table) in CLUSTERS.items():
            cfg = os.path.join(tmp, tag + ".toml")
            if i == 0:
                with open(cfg, "w") as f:
                    # Subscribers disconnect from a dead publisher at once (no grace):
                    # what it sent across the cut then never arrives late over the old
                    # TCP connection when the link comes back, so the heal has to
                    # reconcile it, which is what this test is about.
                    f.write("[node]\ndeparted_publisher_grace_ms = 0\n[partition]\n" + table)
            base = fabric_args(k, i, name, role, cfg)
            if k == 2 and name == "s3.ops":
                special["sub"] = start(ns_name(k, i), "sub", "-t", "coordination", *base)
            elif k == 2 and name == "s1.a":
                special["pub"] = start(ns_name(k, i), "pub", "-t", "coordination", "--type",
                                       "reading", "--no-validate-flow", "--skip-invalid",
                                       "--bind", f"tcp://{addr(k, i)}:{PUB}", *base, stdin=True)
            else:
                start(ns_name(k, i), "node", "--bind", f"tcp://{addr(k, i)}:{PUB}", *base)
        if i == 0:  # the seeds answer before anyone joins through them
            wait_for(lambda: all(members(k, 0) for k in CLUSTERS), "the four seeds")
    return special["pub"], special["sub"]


def alive(k, i):
    return sum(m["state"] == "alive" for m in members(k, i).get("members", []))


def expect(want, what, deadline_s=45):
    now = {}

    def ok():
        for (k, i), s in want.items():
            now[(k, i)] = state(k, i)
        return all(now[key] == s for key, s in want.items())
    try:
        wait_for(ok, what, deadline_s, interval_s=0.5)
    except AssertionError:
        raise AssertionError(f"{what}: wanted {want}, have {now}")


def send(pub, obj):
    pub.stdin.write(json.dumps(obj) + "\n")
    pub.stdin.flush()


def received(sub, tag):
    out = []
    for line in list(sub.out):
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if isinstance(e.get("payload"), dict) and e["payload"].get("tag") == tag:
            out.append(e)
    return out


def run(tmp):
    pub, sub = start_clusters(tmp)
    wait_for(lambda: all(alive(k, i) == 4 for k in CLUSTERS for i in (0, 3)),
             "four alive members in every cluster", 60, 0.5)
    # The subscriber hears the publisher (its stream starts): one warm-up event at a time.
    n = 0

    def warm():
        nonlocal n
        n += 1
        send(pub, {"payload": {"tag": "warm", "n": n}})
        return len(received(sub, "warm")) > 0
    wait_for(warm, "the health cluster's sub hears its pub", 30, 0.5)
    print("clusters formed", flush=True)

    ip("-n", HUB, "link", "set", node_link(0, 0), "down")   # quorum: S5 alone
    ip("-n", HUB, "link", "set", node_link(1, 0), "down")   # weights: S5 alone
    ip("-n", HUB, "link", "set", bridge_link(2), "down")    # health: west | east
    ip("-n", HUB, "link", "set", node_link(3, 3), "down")   # manual: s1.b alone
    expect({(0, 0): "degraded", (0, 1): "healthy", (0, 3): "healthy",
            (1, 0): "healthy", (1, 1): "degraded", (1, 3): "degraded",
            (2, 0): "healthy", (2, 1): "healthy", (2, 2): "degraded", (2, 3): "degraded",
            (3, 0): "healthy", (3, 3): "degraded"}, "verdicts of the four strategies")
    print("partition verdicts: ok", flush=True)

    # Degraded mode on the health cluster's east side: a command from its S1 is refused
    # with the typed error, the events it publishes are marked and numbered.
    # (Degraded mode follows the gossip view: the command goes again until it acts.)
    def refused():
        send(pub, {"channel": "command", "type": "halt", "payload": {"tag": "cmd"}})
        return any("command refused" in l and "degraded" in l for l in pub.err)
    wait_for(refused, "the pub's command refused while degraded", 15, 0.5)
    for j in range(5):
        send(pub, {"payload": {"tag": "degraded", "n": j}})
    wait_for(lambda: (json.loads(cli(2, 2, "stats", "--json").stdout or "{}")
                      .get("variety", {}).get("degraded_marked", 0)) >= 5,
             "five events marked degraded on s1.a", 15)
    assert received(sub, "degraded") == [], "an event crossed the partition"
    print("degraded mode: ok", flush=True)

    for k, link in ((0, node_link(0, 0)), (1, node_link(1, 0)), (2, bridge_link(2)),
                    (3, node_link(3, 3))):
        ip("-n", HUB, "link", "set", link, "up")
    expect({(0, 0): "healthy", (1, 1): "healthy", (2, 2): "healthy", (2, 1): "healthy"},
           "heal of quorum, weights and health", 60)
    # Reconciliation: each event published while degraded reaches the BestEffort
    # subscriber on the other side exactly once, fetched from the publisher's ring.
    try:
        wait_for(lambda: len(received(sub, "degraded")) >= 5,
                 "the five degraded events at the sub", 30, 0.5)
    except AssertionError:
        out = cli(2, 1, "stats", "--json")
        print("sub got:", received(sub, "degraded"), "\nsub stats:", out and out.stdout,
              file=sys.stderr)
        raise
    got = received(sub, "degraded")
    assert sorted(e["payload"]["n"] for e in got) == list(range(5)), got
    for e in got:
        assert e["metadata"].get("vsm.degraded", "").startswith("p:"), e
        assert e["metadata"].get("vsm.reconciled") == 1, e
    stats = json.loads(cli(2, 1, "stats", "--json").stdout)
    assert stats["variety"]["reconciled_events"] == 5, stats["variety"]
    assert received(sub, "cmd") == []
    print("reconciled after heal: ok", flush=True)

    # Manual: healed, yet degraded until an operator resolves it.
    wait_for(lambda: alive(3, 3) == 4, "manual: s1.b sees four alive members again", 60, 0.5)
    assert state(3, 3) == "degraded", state(3, 3)
    out = cli(3, 3, "partition", "resolve", "--json")
    assert out is not None and json.loads(out.stdout)["resolved"] is True, out
    expect({(3, 3): "healthy"}, "manual resolved")
    assert len(received(sub, "degraded")) == 5, "a reconciled event came twice"
    print("manual resolve: ok", flush=True)
    pub.stdin.close()


def main():
    global VSMCAT
    ap = argparse.ArgumentParser()
    ap.add_argument("--vsmcat", required=True)
    VSMCAT = os.path.abspath(ap.parse_args().vsmcat)
    if os.geteuid() != 0:
        print("SKIP: variety_netns_test needs root to create network namespaces")
        return SKIP
    if shutil.which("ip") is None or subprocess.run(["ip", "netns", "list"],
                                                    capture_output=True).returncode != 0:
        print("SKIP: iproute2 'ip' with netns support is missing")
        return SKIP
    remove_stale_namespaces()
    atexit.register(cleanup)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # ctest timeout: clean up too
    try:
        build_topology()
    except AssertionError as e:
        cleanup()
        print(f"SKIP: cannot create namespaces, veths or bridges here: {e}")
        return SKIP
    try:
        with tempfile.TemporaryDirectory() as tmp:
            run(tmp)
    except BaseException:
        for p in procs:  # what the children said, for the failure report
            tail = "\n".join(p.err[-15:])
            print(f"--- {' '.join(p.args[4:6])} {p.args[p.args.index('--name') + 1]}:\n{tail}",
                  file=sys.stderr)
        raise
    finally:
        cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
