#!/usr/bin/env python3
"""Partition strategies, one-way links and the manual resolve, with real vsmcat node
processes joined by gossip on loopback (docs/VARIETY.md). Partitions are made with the
built-in fault injection (`vsmcat chaos --partition`, [chaos] enabled = true in each
node's config file) and healed with `vsmcat chaos --clear`. Every wait is a condition
with a deadline; every child is killed at the end, even on failure."""
import argparse, json, os, queue, subprocess, sys, tempfile, threading, time

procs = []
VSMCAT = None
TMP = None

ROLES = {"s5.policy": "S5", "s3.ops": "S3", "s1.a": "S1", "s1.b": "S1"}


def _pump(stream, q):
    for line in stream:
        q.put(line)
    q.put(None)


def start(*args):
    p = subprocess.Popen([VSMCAT, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    p.out, p.err = queue.Queue(), queue.Queue()
    for stream, q in ((p.stdout, p.out), (p.stderr, p.err)):
        threading.Thread(target=_pump, args=(stream, q), daemon=True).start()
    procs.append(p)
    return p


def status(p, key, deadline_s=20):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            line = p.err.get(timeout=max(0.01, end - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            break
        if line.rstrip("\n") == key or line.startswith(key + " "):
            return line.split(" ", 1)[1].strip() if " " in line.strip() else ""
    raise AssertionError(f"no '{key}' line from {p.args}")


def vsmcat(*args, ok=True):
    out = subprocess.run([VSMCAT, *args], capture_output=True, text=True, timeout=30)
    if ok and out.returncode != 0:
        raise AssertionError(f"vsmcat {' '.join(args)} exited {out.returncode}: {out.stderr}")
    return out


def members(control):
    try:
        out = subprocess.run([VSMCAT, "members", "--node", control, "--json", "--timeout", "5"],
                             capture_output=True, text=True, timeout=15)
    except subprocess.TimeoutExpired:
        return {}
    return json.loads(out.stdout) if out.returncode == 0 else {}


def wait_for(pred, what, deadline_s=60):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.1)  # bounded re-check interval of a condition with a deadline
    raise AssertionError("timed out waiting for " + what)


def cluster(tag, partition_toml):
    """Starts the four nodes with the same [partition] table; returns name -> control."""
    path = os.path.join(TMP, tag + ".toml")
    with open(path, "w") as f:
        f.write("[chaos]\nenabled = true\n[partition]\n" + partition_toml)
    controls, seed = {}, None
    nodes = []
    for name, role in ROLES.items():
        args = ["--config", path, "node", "--name", name, "--role", role]
        args += ["--gossip-bind", "127.0.0.1:0"] if seed is None else ["--seeds", seed]
        p = start(*args)
        controls[name] = status(p, "control")
        if seed is None:
            seed = status(p, "gossip")
        status(p, "ready")
        nodes.append(p)
    wait_for(lambda: all(sum(m["state"] == "alive" for m in members(c).get("members", [])) == 4
                         for c in controls.values()), tag + ": 4 alive members everywhere")
    return controls, nodes


def split(controls, side_a, side_b):
    for side, other in ((side_a, side_b), (side_b, side_a)):
        for n in side:
            vsmcat("chaos", "--node", controls[n], "--partition", ",".join(other), "--for", "120s")


def heal(controls):
    for c in controls.values():
        vsmcat("chaos", "--node", c, "--clear")


def state(controls, name):
    return members(controls[name]).get("partition")


def expect(controls, want, tag):
    wait_for(lambda: all(state(controls, n) == s for n, s in want.items()),
             f"{tag}: partition states {want} (now "
             f"{ {n: state(controls, n) for n in want} })")


def stop(nodes):
    for p in nodes:
        p.kill()
        p.wait()


def test_static_quorum():
    c, nodes = cluster("static", 'strategy = "static_quorum"\nrequire_s5 = false\n'
                                 'require_s3 = false\n')
    assert members(c["s1.a"])["strategy"] == "static_quorum"
    split(c, ["s1.a", "s1.b", "s3.ops"], ["s5.policy"])
    # 3 of 4 members hold the quorum; the lone S5 does not.
    expect(c, {"s1.a": "healthy", "s3.ops": "healthy", "s5.policy": "degraded"}, "static_quorum")
    stop(nodes)


def test_dynamic_weights():
    c, nodes = cluster("weights", 'strategy = "dynamic_weights"\nrequire_s5 = false\n'
                                  'require_s3 = false\nrole_weights = { S5 = 5 }\n')
    split(c, ["s1.a", "s1.b", "s3.ops"], ["s5.policy"])
    # The same split as static_quorum, the opposite outcome: S5 weighs 5 of 8.
    expect(c, {"s1.a": "degraded", "s3.ops": "degraded", "s5.policy": "healthy"},
           "dynamic_weights")
    stop(nodes)


def test_vsm_health_and_one_way():
    c, nodes = cluster("health", 'strategy = "vsm_health"\n')
    # One way: s1.b drops every gossip datagram from s5.policy; s5.policy still hears
    # s1.b, its direct probes fail and its indirect ones succeed.
    vsmcat("chaos", "--node", c["s1.b"], "--plane", "gossip", "--peer", "s5.policy",
           "--drop", "1", "--for", "120s")
    wait_for(lambda: {"from": "s5.policy", "to": "s1.b"} in members(c["s5.policy"]).get(
        "one_way", []), "one-way link s5.policy -> s1.b reported by s5.policy")
    vsmcat("chaos", "--node", c["s1.b"], "--clear")
    split(c, ["s5.policy", "s3.ops"], ["s1.a", "s1.b"])
    # Half the members, but S5 and S3 and no pain: viable. The S1 side is not.
    expect(c, {"s5.policy": "healthy", "s3.ops": "healthy", "s1.a": "degraded"}, "vsm_health")
    stats = json.loads(vsmcat("stats", "--node", c["s1.a"], "--json").stdout)
    assert "variety" in json.dumps(stats), stats
    stop(nodes)


def test_manual_resolve():
    c, nodes = cluster("manual", 'strategy = "manual"\n')
    split(c, ["s5.policy", "s3.ops", "s1.a"], ["s1.b"])
    expect(c, {"s5.policy": "healthy", "s1.b": "degraded"}, "manual split")
    heal(c)
    # Healed, but a manual partition stays degraded until an operator resolves it.
    wait_for(lambda: sum(m["state"] == "alive"
                         for m in members(c["s1.b"]).get("members", [])) == 4,
             "s1.b sees 4 alive members again")
    assert state(c, "s1.b") == "degraded", state(c, "s1.b")
    out = json.loads(vsmcat("partition", "resolve", "--node", c["s1.b"], "--json").stdout)
    assert out["resolved"] is True, out
    expect(c, {"s1.b": "healthy"}, "manual resolved")
    stop(nodes)


def test_chaos_refused_when_disabled():
    p = start("node", "--name", "s1.x", "--role", "S1")
    control = status(p, "control")
    out = vsmcat("chaos", "--node", control, "--drop", "1", "--for", "5s", ok=False)
    assert out.returncode != 0 and "[chaos] enabled = true" in out.stderr, out.stderr
    stop([p])


def main():
    global VSMCAT, TMP
    ap = argparse.ArgumentParser()
    ap.add_argument("--vsmcat", required=True)
    ap.add_argument("--only", default="")
    VSMCAT = ap.parse_args().vsmcat
    only = ap.parse_args().only
    with tempfile.TemporaryDirectory() as tmp:
        TMP = tmp
        for t in (test_chaos_refused_when_disabled, test_static_quorum, test_dynamic_weights,
                  test_vsm_health_and_one_way, test_manual_resolve):
            if only and only not in t.__name__:
                continue
            t()
            print(t.__name__ + ": ok", flush=True)


if __name__ == "__main__":
    try:
        main()
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()
