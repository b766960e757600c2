#!/usr/bin/env python3
"""End-to-end tests of `vsmcat replay`: --node against a live `vsmcat node` (the
control plane's query op, paged), --republish to a live `vsmcat sub`, flag errors, and
damage reporting of --log and `log verify` (stderr lines, exit 3, --skip-damaged).
Loopback only, free ports, synchronised on "endpoint"/"control"/"ready" lines and
--wait-subs, never on sleeps.

    replay_test.py --vsmcat build/cli/vsmcat [-k name]
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vsmcat_harness  # noqa: E402
from vsmcat_harness import check  # noqa: E402

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


def write_segmented_log(h, d):
    """N events (payload i) in 4 KiB segments; returns the log dir and its segment paths."""
    log_dir = os.path.join(d, "log")
    cfg = os.path.join(d, "vsm.toml")
    with open(cfg, "w") as f:
        f.write("[node]\nlog_segment_bytes = 4096\n")
    events = "".join(json.dumps({"type": "t", "payload": i}) + "\n" for i in range(N))
    rc, _, err = h.run([VSMCAT, "--config", cfg, "pub", "--name", "s1.logged", "-t",
                        "coordination", "--log", log_dir], stdin=events, timeout=float(T))
    check(rc == 0, "pub --log failed: " + err)
    segs = sorted(os.path.join(log_dir, f) for f in os.listdir(log_dir) if f.endswith(".log"))
    check(len(segs) >= 5, "expected several segments, got %d" % len(segs))
    return log_dir, segs


def replay_rc(h, *args):
    """(exit code, events, stderr lines) of a replay that may report damage."""
    rc, out, err = h.run([VSMCAT, "replay"] + list(args), timeout=float(T))
    return rc, [json.loads(l) for l in out.splitlines() if l.strip()], err.splitlines()


def damaged_lines(err_lines):
    return [l for l in err_lines if "damaged:" in l]


def check_damage_exit(h, log_dir, lost_payloads, needles):
    """replay --log exits 3 naming each damage; --skip-damaged exits 0 with a summary."""
    want = [i for i in range(N) if i not in lost_payloads]
    rc, events, err = replay_rc(h, "--log", log_dir)
    check(rc == 3, "expected exit 3, got %s: %s" % (rc, err))
    check([e["payload"] for e in events] == want, "the undamaged events must still be replayed")
    lines = damaged_lines(err)
    check(len(lines) == len(needles), err)
    for line, needle in zip(lines, needles):
        check(needle in line, "%r not in %r" % (needle, line))
    check(any("events lost" in l and "exit 3" in l for l in err), err)
    rc, events, err = replay_rc(h, "--log", log_dir, "--skip-damaged")
    check(rc == 0, "--skip-damaged: expected exit 0, got %s: %s" % (rc, err))
    check([e["payload"] for e in events] == want, "--skip-damaged replays the same events")
    check(damaged_lines(err) == [], err)
    summary = [l for l in err if "skipped" in l]
    check(len(summary) == 1 and "damaged region" in summary[0] and
          "~%d events lost" % len(lost_payloads) in summary[0], err)
    rc, out, err = h.run([VSMCAT, "log", "verify", log_dir], timeout=float(T))
    check(rc == 1, "log verify: expected exit 1, got %s" % rc)
    check(len(damaged_lines(out.splitlines())) == len(needles), out)


def payloads_in(h, log_dir, segment):
    """Payloads stored in one segment of a clean log (payload i is at offset i + 1)."""
    rc, out, err = h.run([VSMCAT, "log", "info", "--json", log_dir], timeout=float(T))
    check(rc == 0, err)
    for seg in json.loads(out)["segments"]:
        if seg["path"] == segment:
            return set(range(seg["first_offset"] - 1, seg["last_offset"]))
    raise AssertionError("no segment " + segment)


def test_replay_log_reports_a_damaged_segment_header(h):
    with tempfile.TemporaryDirectory() as d:
        log_dir, segs = write_segmented_log(h, d)
        lost = payloads_in(h, log_dir, segs[1])
        with open(segs[1], "r+b") as f:  # one bit of the base offset
            f.seek(20)
            b = f.read(1)[0]
            f.seek(20)
            f.write(bytes([b ^ 0x04]))
        check_damage_exit(h, log_dir, lost, [segs[1] + " at byte 0"])
        rc, out, _ = h.run([VSMCAT, "log", "info", log_dir], timeout=float(T))
        check(rc == 0 and "header damaged" in out, out)


def test_replay_log_reports_a_missing_segment(h):
    with tempfile.TemporaryDirectory() as d:
        log_dir, segs = write_segmented_log(h, d)
        lost = payloads_in(h, log_dir, segs[2])
        os.remove(segs[2])
        idx = segs[2][:-len(".log")] + ".idx"
        if os.path.exists(idx):
            os.remove(idx)
        check_damage_exit(h, log_dir, lost, ["in no segment"])


def test_replay_log_reports_cut_and_zeroed_sealed_segments(h):
    with tempfile.TemporaryDirectory() as d:
        log_dir, segs = write_segmented_log(h, d)
        # The last record of segment 1 is cut; the end of segment 3 is zero-filled.
        cut = payloads_in(h, log_dir, segs[1])
        zeroed = payloads_in(h, log_dir, segs[3])
        size1 = os.path.getsize(segs[1])
        os.truncate(segs[1], size1 - 10)
        size3 = os.path.getsize(segs[3])
        with open(segs[3], "r+b") as f:
            f.seek(size3 - 10)
            f.write(b"\0" * 10)
        lost = {max(cut), max(zeroed)}
        check_damage_exit(h, log_dir, lost, [segs[1], segs[3]])


if __name__ == "__main__":
    sys.exit(vsmcat_harness.main(globals()))
