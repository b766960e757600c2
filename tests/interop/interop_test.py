#!/usr/bin/env python3
"""Interop: examples/python/publisher.py -> `vsmcat sub` and `vsmcat pub` ->
examples/python/subscriber.py, checking every envelope field: id, source, target,
channel, type, payload (nested map/array/str/int/float/bool/nil/bin), ts, priority,
correlation_id, causation_id, seq, metadata (incl. ext and non-string-key maps).
Synchronised on "endpoint"/"ready" lines and presence-based --wait-subs; no sleeps.

    interop_test.py --vsmcat build/cli/vsmcat --examples examples/python
"""
import argparse
import base64
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "cli"))
from vsmcat_harness import check, run_tests  # noqa: E402

import msgpack  # noqa: E402

PY = "/usr/bin/python3"
ARGS = None
T = "20"

PAYLOAD = {
    "map": {"nested": {"deep": [1, 2, {"x": None}]}},
    "arr": [1, "two", 3.5, True, False, None],
    "str": "h\u00e9llo \u2713",
    "int": -42,
    "big": 18446744073709551615,
    "min": -9223372036854775808,
    "float": 0.1,
    "half": 1.5,
    "bool": True,
    "nil": None,
    "bin": {"$binary": base64.b64encode(bytes([0, 1, 2, 255])).decode()},
}

EVENTS = [
    {
        "id": "evt_00000000-0000-4000-8000-000000000001", "source": "s1.py", "target": "s3",
        "channel": "resource_bargain", "type": "bid", "payload": PAYLOAD,
        "ts": {"wall_ms": 1700000000123, "logical": 7, "node": "py-node"},
        "priority": 2, "correlation_id": "corr-1", "causation_id": "evt_cause-0", "seq": 1,
        "metadata": {
            "severity": "high", "count": 3, "trace": [1, 2, 3],
            "blob": {"$binary": base64.b64encode(b"\xde\xad\xbe\xef").decode()},
            "ext": {"$binary": base64.b64encode(b"*").decode(), "$ext": 5},
            "int_keys": {"$msgpack": base64.b64encode(msgpack.packb({1: "a", 2: [True]})).decode()},
        },
    },
    {
        "id": "evt_00000000-0000-4000-8000-000000000002", "source": "s2.py", "target": "s5",
        "channel": "algedonic", "type": "overheat", "payload": [{"t": 97.25}, "x"],
        "ts": {"wall_ms": 1700000000124, "logical": 0, "node": "py-node"},
        "priority": 3, "correlation_id": "corr-1", "causation_id": "evt_00000000-0000-4000-8000-000000000001", "seq": 1,
        "metadata": {},
    },
    {
        "id": "evt_00000000-0000-4000-8000-000000000003", "source": "s1.py", "target": "broadcast",
        "channel": "coordination", "type": "minimal", "payload": None,
        "ts": {"wall_ms": 1700000000125, "logical": 0, "node": "py-node"},
        "priority": 1, "correlation_id": None, "causation_id": None, "seq": 1,
        "metadata": {},
    },
]


def events_file(d):
    path = os.path.join(d, "events.jsonl")
    with open(path, "w") as f:
        for e in EVENTS:
            f.write(json.dumps(e) + "\n")
    return path


def diff(got, want, skip=()):
    """Field names that differ, ignoring `skip`."""
    keys = set(got) | set(want)
    return sorted(k for k in keys if k not in skip and got.get(k) != want.get(k))


def test_python_publisher_to_vsmcat_sub(h):
    with tempfile.TemporaryDirectory() as d:
        pub = h.start([PY, os.path.join(ARGS.examples, "publisher.py"), "--events",
                       events_file(d), "--wait-subs", "1", "--wait-timeout", T])
        sub = h.start([ARGS.vsmcat, "sub", "--connect", pub.endpoint(), "-c", str(len(EVENTS)),
                       "--timeout", T])
        check(pub.wait() == 0, "publisher.py: " + pub.stderr())
        check(sub.wait() == 0, "vsmcat sub: " + sub.stderr())
        got = sub.stdout_json()
        check(len(got) == len(EVENTS), "got %d events" % len(got))
        for g, w in zip(got, EVENTS):
            bad = diff(g, w)
            check(not bad, "%s: fields differ %s:\n got %s\nwant %s"
                  % (w["id"], bad, json.dumps({k: g.get(k) for k in bad}),
                     json.dumps({k: w.get(k) for k in bad})))


def test_vsmcat_pub_to_python_subscriber(h):
    name = "py-interop-pub"
    pub = h.start([ARGS.vsmcat, "pub", "--name", name, "--no-validate-flow",
                   "--wait-subs", "1", "--wait-timeout", T])
    sub = h.start([PY, os.path.join(ARGS.examples, "subscriber.py"), "--connect",
                   pub.endpoint(), "--count", str(len(EVENTS)), "--timeout", T])
    sub.wait_stderr("ready")
    pub.write("".join(json.dumps(e) + "\n" for e in EVENTS))
    check(pub.wait() == 0, "vsmcat pub: " + pub.stderr())
    check(sub.wait() == 0, "subscriber.py: " + sub.stderr())
    got = sub.stdout_json()
    check(len(got) == len(EVENTS), "got %d events" % len(got))
    last = (0, 0)
    for g, w in zip(got, EVENTS):
        # The publishing node assigns ts (its HLC) and seq (per channel).
        bad = diff(g, w, skip=("ts", "seq"))
        check(not bad, "%s: fields differ %s:\n got %s\nwant %s"
              % (w["id"], bad, json.dumps({k: g.get(k) for k in bad}),
                 json.dumps({k: w.get(k) for k in bad})))
        check(g["seq"] == 1, "%s: seq %s, expected 1 (first on its channel)" % (w["id"], g["seq"]))
        ts = (g["ts"]["wall_ms"], g["ts"]["logical"])
        check(g["ts"]["node"] == name and ts > last, "%s: ts %s" % (w["id"], g["ts"]))
        last = ts


def test_python_subscriber_filters_by_channel(h):
    pub = h.start([ARGS.vsmcat, "pub", "--no-validate-flow", "--wait-subs", "1",
                   "--wait-timeout", T])
    sub = h.start([PY, os.path.join(ARGS.examples, "subscriber.py"), "--connect",
                   pub.endpoint(), "--channel", "algedonic", "--count", "1", "--timeout", T])
    pub.write("".join(json.dumps(e) + "\n" for e in EVENTS))
    check(pub.wait() == 0, pub.stderr())
    check(sub.wait() == 0, sub.stderr())
    check([e["id"] for e in sub.stdout_json()] == ["evt_00000000-0000-4000-8000-000000000002"], sub.stdout_lines)


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--vsmcat", required=True)
    ap.add_argument("--examples", required=True)
    ARGS = ap.parse_args()
    tests = [v for k, v in sorted(globals().items()) if k.startswith("test_") and callable(v)]
    return run_tests(tests)


if __name__ == "__main__":
    sys.exit(main())
