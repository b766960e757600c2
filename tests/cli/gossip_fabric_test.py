#!/usr/bin/env python3
"""Multi-process gossip fabric through vsmcat: 5 nodes join via one seed; kill -9 one and
the others mark it dead; restart it and it rejoins with a higher incarnation and receives
events again. Waits on conditions with deadlines; every child is killed at the end."""
import argparse, json, queue, signal, subprocess, threading, time

procs = []

def _pump(stream, q):
    for line in stream:
        q.put(line)
    q.put(None)

def start(vsmcat, *args):
    """Starts vsmcat; both pipes are drained by threads so a chatty child never blocks."""
    p = subprocess.Popen([vsmcat, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    p.out, p.err = queue.Queue(), queue.Queue()
    for stream, q in ((p.stdout, p.out), (p.stderr, p.err)):
        threading.Thread(target=_pump, args=(stream, q), daemon=True).start()
    procs.append(p)
    return p

def next_line(q, deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        return None
    try:
        return q.get(timeout=left)
    except queue.Empty:
        return None

def status(p, key, deadline_s=20):
    end = time.monotonic() + deadline_s
    while True:
        line = next_line(p.err, end)
        if line is None:
            raise AssertionError(f"no '{key}' line from {p.args}")
        if line.rstrip("\n") == key or line.startswith(key + " "):
            return line.split(" ", 1)[1].strip() if " " in line.strip() else ""

def members(vsmcat, control):
    try:
        out = subprocess.run([vsmcat, "members", "--node", control, "--json", "--timeout", "5"],
                             capture_output=True, text=True, timeout=15)
    except subprocess.TimeoutExpired:
        return {}  # a loaded machine: the caller's deadline decides
    if out.returncode != 0:
        return {}
    return {m["name"]: m for m in json.loads(out.stdout)["members"]}

def wait_for(pred, what, deadline_s=30):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.05)  # bounded re-check interval of a condition with a deadline
    raise AssertionError("timed out waiting for " + what)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vsmcat", required=True)
    vsmcat = ap.parse_args().vsmcat
    seed = start(vsmcat, "node", "--name", "s5.policy", "--role", "S5", "--gossip-bind",
                 "127.0.0.1:0", "--print")
    seed_control = status(seed, "control")
    seed_gossip = status(seed, "gossip")
    names = ["s3.control", "s1.a", "s1.b", "s2.coord"]
    roles = {"s3.control": "S3", "s1.a": "S1", "s1.b": "S1", "s2.coord": "S2"}
    nodes = {}
    for n in names:
        nodes[n] = start(vsmcat, "node", "--name", n, "--role", roles[n], "--seeds", seed_gossip,
                         "--print")
        status(nodes[n], "ready")
    all_names = set(names) | {"s5.policy"}
    wait_for(lambda: {k for k, m in members(vsmcat, seed_control).items()
                      if m["state"] == "alive"} == all_names, "5 alive members")
    victim = nodes["s1.b"]
    inc_before = members(vsmcat, seed_control)["s1.b"]["incarnation"]
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    wait_for(lambda: members(vsmcat, seed_control).get("s1.b", {}).get("state") == "dead",
             "s1.b dead at the seed")
    restarted = start(vsmcat, "node", "--name", "s1.b", "--role", "S1", "--seeds", seed_gossip,
                      "--print")
    status(restarted, "ready")
    wait_for(lambda: (lambda m: m.get("state") == "alive" and m.get("incarnation", 0) > inc_before)(
        members(vsmcat, seed_control).get("s1.b", {})), "s1.b back with a higher incarnation")
    # A publisher joining through gossip: every node connects to it automatically. Its
    # only event must reach the restarted node although the publisher leaves right after
    # (docs/GOSSIP.md "Wiring the data plane": departed publishers are read until the
    # grace runs out).
    pub = start(vsmcat, "pub", "--name", "s3.pub", "--role", "S3", "--seeds", seed_gossip,
                "--wait-subs", "5", "--wait-timeout", "30", "-m",
                '{"channel":"command","type":"resume","target":"s1"}')
    rc = pub.wait(timeout=60)
    assert rc == 0, f"pub exited {rc}"
    # Partition announcements (audit) may come first; read up to a deadline.
    event, line = None, ""
    end = time.monotonic() + 10
    while True:
        line = next_line(restarted.out, end)
        if not line:
            break
        event = json.loads(line)
        if event["type"] == "resume":
            break
    assert line, "restarted node did not print the event"
    assert event["source"] == "s3.pub", line
    print("gossip fabric test: ok")

if __name__ == "__main__":
    try:
        main()
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()
