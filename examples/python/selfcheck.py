#!/usr/bin/env python3
"""Checks publisher.py and subscriber.py against the byte-level examples of
docs/PROTOCOL.md §1.11 (read from the document), and exact-type prefix filtering over a
real ZeroMQ XPUB/SUB pair (inproc). Exit 0 when all hold, 1 otherwise, 77 when pyzmq or
msgpack is missing (ctest skips it then).

    /usr/bin/python3 examples/python/selfcheck.py [docs/PROTOCOL.md]
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
try:
    import msgpack
    import zmq
    import publisher
    import subscriber
except ImportError as e:
    print("selfcheck.py: skipped: %s" % e, file=sys.stderr)
    sys.exit(77)


def golden_frames(path):
    """The ```hex <name> blocks: hex bytes, '#' comments to the end of the line."""
    frames, name = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if name is None:
                if line.startswith("```hex "):
                    name = line[7:].strip()
                    frames[name] = b""
            elif line.startswith("```"):
                name = None
            else:
                frames[name] += bytes.fromhex(line.split("#")[0])
    return frames


def reencode(frame, events):
    """The frame publisher.py builds for these events: single, or a batch of them."""
    head, _, body = frame.partition(b"\0")
    if not isinstance(msgpack.unpackb(body, strict_map_key=False), list):
        return publisher.encode_frame(events[0])
    return head + b"\0" + msgpack.packb([publisher.event_map(e) for e in events])


def check_golden(frames):
    failures = []
    for name in ("minimal", "full", "published", "batch"):
        if name not in frames:
            failures.append("%s: missing from PROTOCOL.md" % name)
            continue
        events = subscriber.decode_frame(frames[name])
        again = reencode(frames[name], events)
        if name == "published":  # fixed-width numbers: Python writes the smallest form
            ok = subscriber.decode_frame(again) == events and len(again) < len(frames[name])
        else:
            ok = again == frames[name]
        if not ok:
            failures.append("%s: decoded %r, re-encoded %s" % (name, events, again.hex(" ")))
    full = subscriber.decode_frame(frames.get("full", b""))[0] if "full" in frames else {}
    want = {"id": "evt_3f2b8c1e-9a4d-4c55-8e0f-1b2c3d4e5f60", "channel": "algedonic",
            "source": "s1.ops-3", "type": "overheat", "target": "s5", "seq": 42,
            "ts": {"wall_ms": 1700000000123, "logical": 7, "node": "node-a"},
            "priority": 3, "payload": {"temp": 97.5}, "metadata": {"severity": "high"}}
    for k, v in want.items():
        if full.get(k) != v:
            failures.append("full: %s is %r, expected %r" % (k, full.get(k), v))
    return failures


def check_exact_type_filter():
    """A SUB subscribed to topic + 0x00 gets that type only, not a longer one."""
    ctx = zmq.Context()
    pub, sub = ctx.socket(zmq.XPUB), ctx.socket(zmq.SUB)
    try:
        pub.bind("inproc://selfcheck")
        sub.connect("inproc://selfcheck")
        sub.setsockopt(zmq.SUBSCRIBE, b"command/s1/alert\0")
        if not pub.poll(10000):  # the subscription reached the publisher
            return ["no subscription arrived at the XPUB"]
        pub.recv()
        ev = {"channel": "command", "source": "s1", "seq": 1}
        for t in ("alert_high", "alert", "alert_high"):
            pub.send(publisher.encode_frame(dict(ev, type=t)))
        pub.send(publisher.encode_frame(dict(ev, type="alert", seq=2)))
        got = []
        while ("alert", 2) not in got and sub.poll(10000):  # seq 2 was sent last
            got += [(e["type"], e["seq"]) for e in subscriber.decode_frame(sub.recv())]
        want = [("alert", 1), ("alert", 2)]
        return [] if got == want else ["exact-type filter delivered %r, expected %r" % (got, want)]
    finally:
        pub.close(0)
        sub.close(0)
        ctx.term()


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "docs",
                                                              "PROTOCOL.md")
    failures = check_golden(golden_frames(path)) + check_exact_type_filter()
    for f in failures:
        print("selfcheck.py: FAIL %s" % f, file=sys.stderr)
    print("selfcheck.py: %s" % ("ok" if not failures else "%d failure(s)" % len(failures)),
          file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
