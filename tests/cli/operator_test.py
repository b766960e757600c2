#!/usr/bin/env python3
"""End-to-end tests of the operator's commands and flags of vsmcat (docs/CLI.md): --version,
the subcommand list, --config after the subcommand, strict config tables and the operator's
[node] keys, node/sub/pub flags, clear errors instead of silent waits (sub --connect to a
dead port, an unknown host or a control endpoint; stats/members/status/health/replay at a
publish endpoint), pub and alert that reach no one, health exit codes, status, sub
--telemetry, stats --watch in place on a terminal, progress with a total and an ETA.
Loopback only, free ports, synchronised on status lines and --wait-subs; every wait has a
deadline; children are killed at the end of each test.

    operator_test.py --vsmcat build/cli/vsmcat [-k name]
"""
import json
import os
import pty
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vsmcat_harness  # noqa: E402
from vsmcat_harness import check, TestFailure  # noqa: E402

VSMCAT = None
T = 20.0  # seconds: generous bound for any single wait


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write(d, name, text):
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def line_value(proc, key):
    """The value of the stderr status line `<key> <value>`."""
    return proc.wait_stderr(key + " ", T).split(" ", 1)[1]


def run_on_pty(argv, stream="stderr", timeout=T):
    """Runs argv with `stream` on a pseudo-terminal; returns (rc, pty bytes, other stream)."""
    master, slave = pty.openpty()
    other = tempfile.TemporaryFile()  # never fills up like a pipe nobody reads
    kw = {"stdout": other, "stderr": other, "stdin": subprocess.DEVNULL}
    kw[stream] = slave
    p = subprocess.Popen(argv, **kw)
    os.close(slave)
    data = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            r, _, _ = select.select([master], [], [], 0.2)
            if r:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                data += chunk
            elif p.poll() is not None:
                break
        rc = p.wait(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        raise TestFailure("%s: still running after %.0f s" % (argv[:3], timeout))
    finally:
        os.close(master)
    other.seek(0)
    return rc, data.decode("utf-8", "replace"), other.read().decode("utf-8", "replace")


def wait_for(pred, what, timeout=T):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.05)  # bounded re-check interval of a condition with a deadline
    raise TestFailure("timed out waiting for " + what)


def log_records(h, log_dir):
    rc, out, err = h.run([VSMCAT, "log", "info", log_dir, "--json"])
    check(rc == 0, err)
    return json.loads(out)["records"]


# --- the command line itself -------------------------------------------------------

def test_version_and_the_subcommand_list(h):
    rc, out, _ = h.run([VSMCAT, "--version"])
    check(rc == 0 and re.match(r"vsmcat \d+\.\d+\.\d+ ", out), (rc, out))
    rc, out, err = h.run([VSMCAT])
    check(rc == 2 and out == "", (rc, out))
    for sub in ["pub", "sub", "node", "status", "health", "stats", "members", "alert",
                "replay", "log"]:
        check(re.search(r"^  %s +\S" % sub, err, re.M), "%s not listed:\n%s" % (sub, err))
    rc, _, err = h.run([VSMCAT, "-v"])
    check(rc == 2 and "subcommands:" in err, err)


def test_config_is_accepted_after_the_subcommand(h):
    with tempfile.TemporaryDirectory() as d:
        cfg = write(d, "vsm.toml", '[node]\nname = "s1.after"\nmetrics_bind = "127.0.0.1:0"\n')
        node = h.start([VSMCAT, "node", "--config", cfg])
        check(line_value(node, "metrics").startswith("http://127.0.0.1:"), node.stderr())
        node.wait_stderr("ready", T)
        node.signal(signal.SIGTERM)
        check(node.wait() == 0, node.stderr())


def test_config_tables_are_strict(h):
    with tempfile.TemporaryDirectory() as d:
        cases = [("[nodes]\nname = \"x\"\n", "unknown table [nodes]"),
                 ("[nodes]\nname = \"x\"\n", "did you mean [node]?"),
                 ("name = \"x\"\n", "key 'name' outside a table"),
                 ("[node]\nquota_policy = \"maybe\"\n", "not a quota policy"),
                 ("[node]\npartition_role_weights = { S9 = 1 }\n", "'S9' is not a role"),
                 ("[node]\nquota_channel_rates = { chatter = 5 }\n", "'chatter' is not a channel"),
                 ("[node]\ndedup_window_ids = -1\n", "dedup_window_ids must be"),
                 ("[node]\ntelemetry_pressure_high = 2\n", "telemetry_pressure_high must be"),
                 ("[node]\nmetrics_bind = \"nowhere\"\n", "metrics_bind")]
        for text, needle in cases:
            cfg = write(d, "bad.toml", text)
            rc, out, err = h.run([VSMCAT, "--config", cfg, "node"])
            check(rc == 2 and needle in err, "%r: rc %s, stderr %s" % (text, rc, err))


def test_operator_config_keys_take_effect(h):
    with tempfile.TemporaryDirectory() as d:
        keys = ("[node]\nname = \"s1.keys\"\ntelemetry_max_per_s = 5\ntelemetry_burst = 10\n"
                "telemetry_interval_ms = 500\ndedup_window_ids = 1000\ndedup_window_ms = 5000\n"
                "partition_expected_total_weight = 0\npartition_require_s3 = true\n"
                "partition_healing_hold_ms = 100\n"
                "partition_role_weights = { S5 = 3, \"S3*\" = 1 }\n"
                "quota_channel_rates = { audit = 100 }\nquota_source_rates = { \"s1.keys\" = 1 }\n"
                "quotas_enabled = true\nquota_policy = \"reject\"\nquota_burst_ms = 1000\n")
        cfg = write(d, "keys.toml", keys)
        rc, _, err = h.run([VSMCAT, "--config", cfg, "pub", "-t", "coordination", "--type", "q",
                            "-m", "{}", "-m", "{}", "-m", "{}"])
        check(rc == 1 and "quota" in err, "the source's quota of 1/s: %s %s" % (rc, err))
        grace = write(d, "grace.toml", "[node]\npartition_join_grace_ms = 0\n")
        node = h.start([VSMCAT, "--config", grace, "node", "--name", "s1.lonely",
                        "--gossip-bind", "127.0.0.1:0"])
        control = line_value(node, "control")
        wait_for(lambda: h.run([VSMCAT, "health", "--node", control])[0] == 1,
                 "a lone S1 without join grace to be degraded")


# --- node, sub and pub flags -------------------------------------------------------

def test_node_flags_and_status_lines(h):
    control_port, dish_port = free_port(), free_port(socket.SOCK_DGRAM)
    with tempfile.TemporaryDirectory() as d:
        node = h.start([VSMCAT, "node", "--name", "s3.flags", "--role", "S3",
                        "--control-bind", "tcp://127.0.0.1:%d" % control_port,
                        "--dish-bind", "udp://127.0.0.1:%d" % dish_port,
                        "--metrics-bind", "127.0.0.1:0", "--log", os.path.join(d, "log"),
                        "--log-fsync", "always"])
        check(line_value(node, "control") == "tcp://127.0.0.1:%d" % control_port, node.stderr())
        dish = line_value(node, "dish")
        check(dish == "udp://127.0.0.1:%d" % dish_port, dish)
        metrics = line_value(node, "metrics")
        node.wait_stderr("ready", T)
        with urllib.request.urlopen(metrics, timeout=T) as r:
            text = r.read().decode()
        check('vsm_node_info{node="s3.flags",role="S3"' in text, text[:400])
        check("vsm_log_fsync_seconds_count" in text, "a node with a log exports fsync latency")
        # The printed dish line is what `vsmcat alert --dish-peer` takes.
        rc, out, err = h.run([VSMCAT, "alert", "-d", "test", "--name", "s1.a", "--dish-peer", dish,
                              "--timeout", "10"])
        check(rc == 0 and json.loads(out)["delivered"] == 1, (rc, out, err))
        node.signal(signal.SIGTERM)
        check(node.wait() == 0, node.stderr())
    for args, needle in [(["--log-fsync", "sometimes"], "--log-fsync"),
                         (["--metrics-bind", "nowhere"], "--metrics-bind")]:
        rc, _, err = h.run([VSMCAT, "node"] + args)
        check(rc == 2 and needle in err, (args, rc, err))


def test_node_log_received_and_sub_log_record_what_they_hear(h):
    with tempfile.TemporaryDirectory() as d:
        node_log, sub_log, plain_log = (os.path.join(d, n) for n in ("node", "sub", "plain"))
        pub = h.start([VSMCAT, "pub", "--name", "s2.src", "--role", "S2", "-t", "coordination",
                       "--type", "r", "--wait-subs", "3", "--wait-timeout", str(T)])
        ep = pub.endpoint()
        node = h.start([VSMCAT, "node", "--peers", ep, "--print", "--log", node_log,
                        "--log-received"])
        plain = h.start([VSMCAT, "node", "--peers", ep, "--print", "--log", plain_log])
        sub = h.start([VSMCAT, "sub", "--connect", ep, "-c", "3", "--timeout", str(T),
                       "--log", sub_log])
        pub.write("{}\n{}\n{}\n")
        check(pub.wait() == 0, pub.stderr())
        check(sub.wait() == 0, sub.stderr())
        for n in (node, plain):
            for _ in range(3):
                n._wait_line(n._stdout_q, lambda l: True, T, "an event line")
            n.signal(signal.SIGTERM)
            check(n.wait() == 0, n.stderr())
        check(log_records(h, sub_log) == 3, "sub --log records received events")
        check(log_records(h, node_log) == 3, "node --log-received records received events")
        check(log_records(h, plain_log) == 0, "node --log alone records only its own events")


def test_sub_connect_fails_clearly_instead_of_waiting(h):
    node = h.start([VSMCAT, "node"])
    control = line_value(node, "control")
    node.wait_stderr("ready", T)
    cases = [("tcp://127.0.0.1:%d" % free_port(), 1, "connection refused"),
             ("tcp://no-such-host.invalid:5555", 1, "cannot resolve host 'no-such-host.invalid'"),
             (control, 2, "this is not a publish endpoint but a control endpoint")]
    for ep, code, needle in cases:
        rc, out, err = h.run([VSMCAT, "sub", "--connect", ep, "--connect-timeout", "5"])
        check(rc == code and needle in err, "%s: rc %s: %s" % (ep, rc, err))
        check("ready" not in err.splitlines(), "%s: printed ready: %s" % (ep, err))


def test_pub_without_subscriber_says_so(h):
    rc, _, err = h.run([VSMCAT, "pub", "-t", "coordination", "--type", "x", "-m", "{}"])
    check(rc == 0 and "published 1 event(s)" in err, (rc, err))
    check("no subscriber was connected" in err, err)


def test_control_commands_at_a_publish_endpoint_say_so(h):
    node = h.start([VSMCAT, "node"])
    ep = node.endpoint()
    node.wait_stderr("ready", T)
    for cmd in (["stats"], ["members"], ["status", "--once"], ["replay"]):
        rc, out, err = h.run([VSMCAT] + cmd + ["--node", ep])
        check(rc == 2 and "this is not a control endpoint" in err and out == "",
              "%s: rc %s: %s" % (cmd, rc, err))
    rc, _, err = h.run([VSMCAT, "health", "--node", ep])
    check(rc == 2 and "this is not a control endpoint" in err, (rc, err))


def test_alert_that_reaches_no_one_fails_with_a_warning(h):
    rc, out, err = h.run([VSMCAT, "alert", "-d", "pump 3", "--name", "s1.ops", "--timeout", "5"])
    check(rc == 1 and "reached no one" in err, (rc, err))
    check(json.loads(out)["peers_total"] == 0, out)


# --- health and status -------------------------------------------------------------

def test_health_exit_codes(h):
    node = h.start([VSMCAT, "node", "--name", "s1.fine"])
    control = line_value(node, "control")
    rc, out, err = h.run([VSMCAT, "health", "--node", control])
    check(rc == 0 and out == "viable", (rc, out, err))
    rc, out, _ = h.run([VSMCAT, "health", "--node", control, "--json"])
    reply = json.loads(out)
    check(rc == 0 and reply["state"] == "viable" and reply["code"] == 0 and
          reply["node"] == "s1.fine", reply)
    rc, out, err = h.run([VSMCAT, "health", "--node", "tcp://127.0.0.1:%d" % free_port()])
    check(rc == 2 and out == "" and "connection refused" in err, (rc, err))
    with tempfile.TemporaryDirectory() as d:
        cfg = write(d, "g.toml", "[node]\npartition_join_grace_ms = 0\n")
        lone = h.start([VSMCAT, "--config", cfg, "node", "--name", "s1.lone",
                        "--gossip-bind", "127.0.0.1:0"])
        lone_control = line_value(lone, "control")
        wait_for(lambda: h.run([VSMCAT, "health", "--node", lone_control])[0] == 1, "degraded")
        rc, out, _ = h.run([VSMCAT, "health", "--node", lone_control])
        check(out == "degraded: partition degraded: no S5 in partition", out)


def test_status_once_json_and_count(h):
    node = h.start([VSMCAT, "node", "--name", "s4.view", "--role", "S4"])
    control = line_value(node, "control")
    rc, out, err = h.run([VSMCAT, "status", "--node", control, "--once"])
    check(rc == 0, err)
    lines = out.split("\n")
    check(all(len(l) <= 80 for l in lines), max(lines, key=len))
    check(any(l.startswith("S4") and "s4.view *" in l for l in lines), out)
    check("health: viable" in out, out)
    rc, narrow, err = h.run([VSMCAT, "status", "--node", control, "--once", "--width", "50"])
    check(rc == 0 and all(len(l) <= 50 for l in narrow.split("\n")), (rc, narrow, err))
    check(any(l.startswith("S4") for l in narrow.split("\n")), narrow)
    rc, _, err = h.run([VSMCAT, "status", "--node", control, "--once", "--width", "10"])
    check(rc == 2, (rc, err))
    rc, out, err = h.run([VSMCAT, "status", "--node", control, "--json", "--count", "2",
                          "--interval", "0.1"])
    frames = [json.loads(l) for l in out.splitlines()]
    check(rc == 0 and len(frames) == 2, (rc, out, err))
    check(frames[0]["tree"]["S4"][0]["name"] == "s4.view", frames[0])
    check(frames[0]["health"] == "viable" and "command" in frames[0]["channels"], frames[0])


def test_stats_watch_redraws_in_place_on_a_terminal(h):
    node = h.start([VSMCAT, "node"])
    control = line_value(node, "control")
    rc, screen, err = run_on_pty([VSMCAT, "stats", "--node", control, "--watch", "0.1", "-c", "3"],
                                 stream="stdout")
    check(rc == 0, err)
    check(screen.count("\x1b[J") == 3, repr(screen[:300]))  # three frames
    check(len(re.findall(r"\x1b\[\d+A\r", screen)) == 2, "frames 2 and 3 move up over the last")
    check("latency" in screen and "rates" in screen, screen[:300])


# --- telemetry and progress --------------------------------------------------------

def test_sub_telemetry_prints_other_nodes_reports(h):
    seed = h.start([VSMCAT, "node", "--name", "s5.tel", "--role", "S5",
                    "--gossip-bind", "127.0.0.1:0"])
    gossip = line_value(seed, "gossip")
    seed.wait_stderr("ready", T)
    sub = h.start([VSMCAT, "sub", "--telemetry", "--seeds", gossip, "--source", "s5.tel",
                   "--type", "member_joined", "-c", "1", "--timeout", str(T)])
    sub.wait_stderr("ready", T)
    # The telemetry subscription reaches the seed on its own time: a new member joins
    # until one of the joins is reported (bounded).
    deadline = time.monotonic() + T
    i = 0
    while sub.p.poll() is None and time.monotonic() < deadline:
        joiner = h.start([VSMCAT, "node", "--name", "s1.j%d" % i, "--seeds", gossip])
        joiner.wait_stderr("ready", T)
        i += 1
        try:
            sub.p.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
    check(sub.wait() == 0, "no member_joined report: " + sub.stderr())
    report = json.loads(sub.stdout_lines[0])
    check(report["node"] == "s5.tel" and report["kind"] == "member_joined" and
          report["subject"].startswith(("s1.j", "vsmcat-sub-")), report)
    for key in ("seq", "time", "wall_ms", "state", "previous", "reason", "values", "sides"):
        check(key in report, key)
    rc, _, err = h.run([VSMCAT, "sub", "--telemetry", "--seeds", gossip, "-t", "audit"])
    check(rc == 2 and "--telemetry" in err, (rc, err))


def test_progress_shows_a_total_and_an_eta_on_a_terminal(h):
    with tempfile.TemporaryDirectory() as d:
        log_dir = os.path.join(d, "log")
        rc, _, err = h.run([VSMCAT, "pub", "-t", "coordination", "--type", "p", "--log", log_dir],
                           stdin="{}\n" * 3000, timeout=T)
        check(rc == 0, err)
        rc, progress, _ = run_on_pty([VSMCAT, "replay", "--log", log_dir])
        check(rc == 0, progress)
        check("replayed: 3000 events, 100% of 3000 records, done in" in progress, repr(progress))
        check(re.search(r"of 3000 records, (ETA|done in) \d+:\d\d", progress), repr(progress))
        rc, progress, _ = run_on_pty([VSMCAT, "log", "verify", log_dir])
        check(rc == 0 and re.search(r"verify: 100% of \d+ KiB, done in \d+:\d\d", progress),
              repr(progress))


if __name__ == "__main__":
    sys.exit(vsmcat_harness.main(globals()))
