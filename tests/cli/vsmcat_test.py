#!/usr/bin/env python3
"""End-to-end tests of the vsmcat binary: pub | sub pipeline, filters, -f formats,
`node`, and bad input (exit codes and messages). Loopback only, free ports (tcp://*),
synchronised on "endpoint"/"ready" lines and --wait-subs, never on sleeps.

    vsmcat_test.py --vsmcat build/cli/vsmcat [-k name]
"""
import json
import os
import re
import signal
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vsmcat_harness  # noqa: E402
from vsmcat_harness import check  # noqa: E402

VSMCAT = None
T = "20"  # seconds: generous bound for any single wait


def pub_argv(*extra):
    return [VSMCAT, "pub", "--wait-subs", "1", "--wait-timeout", T] + list(extra)


def sub_argv(endpoint, *extra):
    return [VSMCAT, "sub", "--connect", endpoint, "--timeout", T] + list(extra)


def lines(events):
    return "".join(json.dumps(e) + "\n" for e in events)


def test_pipeline_delivers_in_order(h):
    n = 500
    pub = h.start(pub_argv("--name", "s1.pipe", "-t", "coordination", "--type", "tick"))
    sub = h.start(sub_argv(pub.endpoint(), "-c", str(n)))
    pub.write(lines({"payload": {"n": i}} for i in range(n)))
    check(pub.wait() == 0, "pub failed: " + pub.stderr())
    check(sub.wait() == 0, "sub failed: " + sub.stderr())
    got = sub.stdout_json()
    check(len(got) == n, "expected %d events, got %d" % (n, len(got)))
    check([e["payload"]["n"] for e in got] == list(range(n)), "events out of order")
    check([e["seq"] for e in got] == list(range(1, n + 1)), "seq not 1..n")
    check(all(e["source"] == "s1.pipe" and e["channel"] == "coordination" and
              e["type"] == "tick" and e["ts"]["node"] == "s1.pipe" for e in got),
          "envelope fields not as published")
    check("published %d event(s)" % n in pub.stderr(), "no summary: " + pub.stderr())


def test_pub_count_and_messages(h):
    pub = h.start(pub_argv("-t", "audit", "--type", "m", "-c", "2", "--role", "S1",
                           "-m", '{"payload": 1}', "-m", '{"payload": 2}', "-m", '{"payload": 3}'))
    sub = h.start(sub_argv(pub.endpoint(), "-c", "2"))
    check(pub.wait() == 0, pub.stderr())
    check(sub.wait() == 0, sub.stderr())
    check([e["payload"] for e in sub.stdout_json()] == [1, 2], sub.stdout_lines)
    check("published 2 event(s)" in pub.stderr(), pub.stderr())


def test_filters_deliver_exactly_the_matching_events(h):
    base = {"channel": "coordination", "source": "s1.a", "type": "t1", "target": "s2"}
    events = [
        dict(base, payload=0),
        dict(base, channel="audit", payload=1),
        dict(base, source="s1.b", payload=2),
        dict(base, type="t2", payload=3),
        dict(base, target="s3", payload=4),
        dict(base, target="broadcast", payload=5),
        dict(base, correlation_id="c1", payload=6),
        dict(base, source="s1.b", type="t2", payload=7),
    ]
    # Matches every filter below; published last, so each subscriber's count ends on it.
    sentinel = dict(base, channel="audit", type="t2", target="s3", correlation_id="c1",
                    payload=99)
    cases = {
        ("-t", "audit"): [1],
        ("--source", "s1.a"): [0, 1, 3, 4, 5, 6],
        ("--type", "t2"): [3, 7],
        ("--source", "s1.b", "--type", "t2"): [7],
        ("--target", "s3"): [4, 5],
        ("--correlation", "c1"): [6],
        ("-t", "audit", "--source", "s1.a", "--type", "t2"): [],
    }
    pub = h.start([VSMCAT, "pub", "--wait-subs", str(len(cases)), "--wait-timeout", T,
                   "--no-validate-flow"])
    ep = pub.endpoint()
    subs = {}
    for flags, want in cases.items():
        sentinel_matches = flags != ("--source", "s1.b", "--type", "t2")
        count = len(want) + (1 if sentinel_matches else 0)
        subs[flags] = (h.start(sub_argv(ep, "-c", str(count), *flags)), want)
    pub.write(lines(events + [sentinel]))
    check(pub.wait() == 0, pub.stderr())
    for flags, (sub, want) in subs.items():
        check(sub.wait() == 0, "%s: %s" % (" ".join(flags), sub.stderr()))
        got = [e["payload"] for e in sub.stdout_json() if e["payload"] != 99]
        check(got == want, "filter %s: expected %s, got %s" % (" ".join(flags), want, got))


def test_format_tokens(h):
    pub = h.start(pub_argv("--name", "s3.fmt", "--role", "S3", "-t", "resource_bargain",
                           "--type", "offer", "--target", "s1"))
    sub = h.start(sub_argv(pub.endpoint(), "-c", "1", "-f",
                           "%c|%s|%t|%p|%S|%g|%k|%K|%P|%%|%T\\n"))
    pub.write(lines([{"payload": {"x": [1, "a"]}, "correlation_id": "k1",
                      "causation_id": "evt_c", "priority": 2, "id": "evt_00000000-0000-4000-8000-00000000f1ed"}]))
    check(pub.wait() == 0, pub.stderr())
    check(sub.wait() == 0, sub.stderr())
    check(len(sub.stdout_lines) == 1, sub.stdout_lines)
    m = re.fullmatch(r'resource_bargain\|s3\.fmt\|offer\|\{"x":\[1,"a"\]\}\|1\|s1\|k1\|evt_c\|2\|%\|'
                     r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z', sub.stdout_lines[0])
    check(m, "unexpected format output: %r" % sub.stdout_lines[0])


def test_format_with_id_token(h):
    pub = h.start(pub_argv("--role", "S2", "-t", "coordination", "--type", "x"))
    sub = h.start(sub_argv(pub.endpoint(), "-c", "1", "-f", "%i\\t%t\\n"))
    pub.write(lines([{"id": "evt_00000000-0000-4000-8000-0000000061be"}]))
    check(pub.wait() == 0 and sub.wait() == 0, pub.stderr() + sub.stderr())
    check(sub.stdout_lines == ["evt_00000000-0000-4000-8000-0000000061be\tx"], sub.stdout_lines)


def test_malformed_line_names_line_number(h):
    pub = h.start([VSMCAT, "pub", "-t", "coordination", "--type", "x"])
    pub.write('{"payload": 1}\n\n{bad json\n{"payload": 3}\n')
    rc = pub.wait()
    check(rc == 1, "expected exit 1, got %s" % rc)
    check(re.search(r"line 3: malformed JSON", pub.stderr()), pub.stderr())


def test_skip_invalid_counts(h):
    pub = h.start(pub_argv("--skip-invalid", "-t", "coordination", "--type", "x"))
    sub = h.start(sub_argv(pub.endpoint(), "-c", "2"))
    pub.write('{"payload": 1}\n[1]\n{"channel": "nope"}\n{"payload": 2}\nnot json\n')
    check(pub.wait() == 0, pub.stderr())
    check(sub.wait() == 0, sub.stderr())
    err = pub.stderr()
    check("skipped line 2" in err and "skipped line 3" in err and "skipped line 5" in err, err)
    check("published 2 event(s), skipped 3 invalid" in err, err)
    check([e["payload"] for e in sub.stdout_json()] == [1, 2], sub.stdout_lines)


def test_bad_field_in_line(h):
    rc, _, err = h.run([VSMCAT, "pub", "--type", "x"], stdin='{"channel": "nope"}\n')
    check(rc == 1 and "line 1" in err and "unknown channel 'nope'" in err, (rc, err))
    rc, _, err = h.run([VSMCAT, "pub", "-t", "audit"], stdin='{"payload": 1}\n')
    check(rc == 1 and "line 1: no type" in err, (rc, err))


def test_flow_rule_violation(h):
    rc, _, err = h.run([VSMCAT, "pub", "--role", "S1", "-t", "command", "--type", "x",
                        "-m", "{}"])
    check(rc == 1 and "message 1" in err and "not allowed" in err, (rc, err))


def test_usage_errors_exit_2(h):
    cases = [
        ([], "subcommand"),
        (["frobnicate"], "frobnicate"),
        (["pub", "-t", "nochannel", "-m", "{}"], "unknown channel 'nochannel'"),
        (["pub", "--role", "S9"], "not a role"),
        (["pub", "--rate", "fast"], "rate"),
        (["pub", "--connect", "tcp://127.0.0.1:5555"], "--bind"),
        (["sub"], "--connect"),
        (["sub", "--connect", "tcp://127.0.0.1:notaport"], "port"),
        (["sub", "--connect", "udp://x:1"], "transport"),
        (["sub", "--connect", "tcp://127.0.0.1:1", "-f", "%x"], "'%x'"),
        (["node", "--bind", "tcp://nowhere"], "endpoint"),
        (["--config", "/nonexistent/vsm.toml", "node"], "nonexistent"),
        (["sub", "--bogus"], "--bogus"),
    ]
    for args, needle in cases:
        rc, out, err = h.run([VSMCAT] + args)
        check(rc == 2, "%s: expected exit 2, got %s (%s)" % (args, rc, err))
        check(needle in err, "%s: %r not in stderr: %s" % (args, needle, err))
        check(out == "", "%s: usage error wrote to stdout: %r" % (args, out))


def test_help_on_every_subcommand(h):
    for sub in ["pub", "sub", "node"]:
        rc, out, _ = h.run([VSMCAT, sub, "--help"])
        check(rc == 0 and "--help" in out and sub in out, (sub, rc, out))
    rc, out, _ = h.run([VSMCAT, "--help"])
    check(rc == 0 and "pub" in out and "sub" in out and "node" in out, out)


def test_config_file(h):
    with tempfile.TemporaryDirectory() as d:
        bad = os.path.join(d, "bad.toml")
        with open(bad, "w") as f:
            f.write("[node]\nname = \"x\"\ncolour = 3\n")
        rc, _, err = h.run([VSMCAT, "--config", bad, "node"])
        check(rc == 2 and "colour" in err and "known" in err, (rc, err))
        broken = os.path.join(d, "broken.toml")
        with open(broken, "w") as f:
            f.write("[node\n")
        rc, _, err = h.run([VSMCAT, "--config", broken, "node"])
        check(rc == 2 and "broken.toml':1:" in err, (rc, err))
        pub = h.start(pub_argv("--role", "S2", "-t", "coordination", "--type", "cfg"))
        good = os.path.join(d, "good.toml")
        with open(good, "w") as f:
            f.write('[node]\nname = "s1.from-config"\nrole = "S1"\npeers = ["%s"]\nhwm = 1000\n'
                    % pub.endpoint())
        sub = h.start([VSMCAT, "--config", good, "sub", "-c", "1", "--timeout", T])
        pub.write(lines([{"payload": "hi"}]))
        check(pub.wait() == 0, pub.stderr())
        check(sub.wait() == 0, sub.stderr())
        check([e["payload"] for e in sub.stdout_json()] == ["hi"], sub.stdout_lines)


def test_sub_timeout_exit_codes(h):
    pub = h.start([VSMCAT, "pub"])  # publishes nothing until stdin closes
    ep = pub.endpoint()
    rc, _, err = h.run(sub_argv(ep)[:4] + ["--timeout", "0.3"])
    check(rc == 0, "idle timeout without -c should exit 0: %s %s" % (rc, err))
    rc, _, err = h.run(sub_argv(ep)[:4] + ["--timeout", "0.3", "-c", "1"])
    check(rc == 1 and "received 0 of 1" in err, (rc, err))
    check(pub.wait() == 0, pub.stderr())


def test_ready_file(h):
    with tempfile.TemporaryDirectory() as d:
        ready = os.path.join(d, "ready")
        pub = h.start(pub_argv("--role", "S2", "-t", "coordination", "--type", "r"))
        sub = h.start(sub_argv(pub.endpoint(), "-c", "1", "--ready-file", ready))
        sub.wait_stderr("ready")
        check(open(ready).read() == "ready\n", "ready file content")
        pub.write(lines([{}]))
        check(pub.wait() == 0 and sub.wait() == 0, pub.stderr() + sub.stderr())


def test_node_prints_and_stops_on_sigterm(h):
    with tempfile.TemporaryDirectory() as d:
        eps = os.path.join(d, "endpoints")
        pub = h.start(pub_argv("--role", "S3", "-t", "resource_bargain", "--type", "bid"))
        node = h.start([VSMCAT, "node", "--name", "s1.daemon", "--peers", pub.endpoint(),
                        "--print", "--endpoints-file", eps])
        node_ep = node.endpoint()
        node.wait_stderr("ready")
        check(open(eps).read() == node_ep + "\n", "endpoints file")
        pub.write(lines([{"payload": i} for i in range(3)]))
        check(pub.wait() == 0, pub.stderr())
        for _ in range(3):
            node._wait_line(node._stdout_q, lambda l: True, float(T), "an event line")
        node.signal(signal.SIGTERM)
        check(node.wait() == 0, "node exit code; stderr: " + node.stderr())
        check([e["payload"] for e in node.stdout_json()] == [0, 1, 2], node.stdout_lines)
        check("stopped" in node.stderr(), node.stderr())


def test_node_without_print_stops_on_sigint(h):
    node = h.start([VSMCAT, "node", "--bind", "tcp://127.0.0.1:*"])
    node.wait_stderr("ready")
    node.signal(signal.SIGINT)
    check(node.wait() == 0, node.stderr())


def test_rate_paces_publishing(h):
    import time
    pub = h.start(pub_argv("--rate", "100/s", "--role", "S2", "-t", "coordination",
                           "--type", "r"))
    sub = h.start(sub_argv(pub.endpoint(), "-c", "21"))
    sub.wait_stderr("ready")
    start = time.monotonic()
    pub.write(lines([{}] * 21))
    check(pub.wait() == 0 and sub.wait() == 0, pub.stderr() + sub.stderr())
    elapsed = time.monotonic() - start
    check(elapsed >= 0.18, "21 events at 100/s took only %.3f s" % elapsed)


if __name__ == "__main__":
    sys.exit(vsmcat_harness.main(globals()))
