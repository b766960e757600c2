#!/usr/bin/env python3
"""End-to-end tests of `vsmcat replay`: --node against a live `vsmcat node` (the
control plane's query op, paged), --republish to a live `vsmcat sub`, and flag errors.
Loopback only, free ports, synchronised on "endpoint"/"control"/"ready" lines and
--wait-subs, never on sleeps.

    replay_test.py --vsmcat build/cli/vsmcat [-k name]
"""
import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vsmcat_harness import check, run_tests  # noqa: E402

VSMCAT = None
T = "20"  # seconds: generous bound for any single wait
N = 1500  # more than one page of the query op (1024 per request)


def write_log(h, log_dir):
    """N events from `vsmcat pub --log`: payload i, type t<i%3>, correlation c<i%2>."""
    events = "".join(json.dumps({"type": "t%d" % (i % 3), "payload": i,
                                 "correlation_id": "c%d" % (i % 2)}) + "\n"
                     for i in range(N))
    rc, _, err = h.run([VSMCAT, "pub", "--name", "s1.logged", "-t", "coordination",
                        "--log", log_dir], stdin=events, timeout=float(T))
    check(rc == 0, "pub --log failed: " + err)


def live_node(h, log_dir):
    """A `vsmcat node` serving the log; returns its control endpoint."""
    node = h.start([VSMCAT, "node", "--name", "s1.logged", "--log", log_dir])
    control = node.wait_stderr("control ", float(T)).split(" ", 1)[1]
    node.wait_stderr("ready", float(T))
    return control


def replay(h, *args):
    rc, out, err = h.run([VSMCAT, "replay"] + list(args), timeout=float(T))
    check(rc == 0, "replay %s: rc %s: %s" % (args, rc, err))
    return [json.loads(l) for l in out.splitlines() if l.strip()]


def test_replay_node_pages_and_filters_like_the_log(h):
    with tempfile.TemporaryDirectory() as d:
        log_dir = os.path.join(d, "log")
        write_log(h, log_dir)
        control = live_node(h, log_dir)
        from_node = replay(h, "--node", control)
        from_log = replay(h, "--log", log_dir)
        check(len(from_node) == N, "expected %d events, got %d" % (N, len(from_node)))
        check(from_node == from_log, "--node and --log disagree")
        check([e["payload"] for e in from_node] == list(range(N)), "not in log order")
        typed = replay(h, "--node", control, "--type", "t1", "--correlation", "c0")
        check([e["payload"] for e in typed] == [i for i in range(N) if i % 6 == 4],
              [e["payload"] for e in typed][:10])
        window = replay(h, "--node", control, "--since", "1001", "--until", "1100")
        check([e["payload"] for e in window] == list(range(1000, 1100)), len(window))
        capped = replay(h, "--node", control, "-t", "coordination", "-c", "1100")
        check(len(capped) == 1100, len(capped))


def test_replay_republish_delivers_to_a_live_sub(h):
    with tempfile.TemporaryDirectory() as d:
        log_dir = os.path.join(d, "log")
        write_log(h, log_dir)
        control = live_node(h, log_dir)
        count = 300
        rep = h.start([VSMCAT, "replay", "--node", control, "--type", "t0", "-c", str(count),
                       "--republish", "--speed", "0", "--name", "s1.again",
                       "--wait-subs", "1", "--wait-timeout", T])
        sub = h.start([VSMCAT, "sub", "--connect", rep.endpoint(float(T)), "-t", "coordination",
                       "-c", str(count), "--timeout", T])
        check(sub.wait(float(T)) == 0, "sub: " + sub.stderr())
        check(rep.wait(float(T)) == 0, "replay: " + rep.stderr())
        check("republished %d event(s)" % count in rep.stderr(), rep.stderr())
        got = sub.stdout_json()
        check(len(got) == count, "expected %d events, got %d" % (count, len(got)))
        originals = [e for e in replay(h, "--log", log_dir, "--type", "t0")][:count]
        check([e["id"] for e in got] == [e["id"] for e in originals], "ids not kept in order")
        for new, old in zip(got, originals):
            check(new["payload"] == old["payload"] and new["type"] == "t0" and
                  new["source"] == old["source"] and
                  new["correlation_id"] == old["correlation_id"], (new, old))
            md = new["metadata"]
            check(md["replay.seq"] == old["seq"] and md["replay.node"] == "s1.logged" and
                  md["replay.wall_ms"] == old["ts"]["wall_ms"], md)
            check(new["ts"]["node"] == "s1.again", new["ts"])
        check([e["seq"] for e in got] == list(range(1, count + 1)), "seq not the node's own")


def test_replay_flag_errors(h):
    cases = [
        ([], "exactly one of --log"),
        (["--log", "/tmp", "--node", "tcp://127.0.0.1:1"], "exactly one of --log"),
        (["--log", "/tmp", "--bind", "tcp://127.0.0.1:*"], "need --republish"),
        (["--log", "/tmp", "--republish", "--connect", "tcp://127.0.0.1:1"], "--bind"),
        (["--node", "udp://127.0.0.1:1"], "transport"),
        (["--log", "/tmp", "--since", "yesterday"], "--since"),
        (["--log", "/tmp", "-t", "nochannel"], "unknown channel"),
    ]
    for args, needle in cases:
        rc, out, err = h.run([VSMCAT, "replay"] + args)
        check(rc == 2, "%s: expected exit 2, got %s (%s)" % (args, rc, err))
        check(needle in err, "%s: %r not in stderr: %s" % (args, needle, err))
        check(out == "", "%s: usage error wrote to stdout: %r" % (args, out))
    rc, _, err = h.run([VSMCAT, "replay", "--node", "tcp://127.0.0.1:1", "--timeout", "0.3"])
    check(rc == 1 and "no reply" in err, (rc, err))


def main():
    global VSMCAT
    ap = argparse.ArgumentParser()
    ap.add_argument("--vsmcat", required=True)
    ap.add_argument("-k", help="run only tests whose name contains this")
    args = ap.parse_args()
    VSMCAT = args.vsmcat
    tests = [v for k, v in sorted(globals().items()) if k.startswith("test_") and callable(v)]
    if args.k:
        tests = [t for t in tests if args.k in t.__name__]
    return run_tests(tests)


if __name__ == "__main__":
    sys.exit(main())
