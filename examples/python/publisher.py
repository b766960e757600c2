#!/usr/bin/env python3
"""Publish vsmfabric events with nothing but pyzmq and msgpack (docs/PROTOCOL.md).

Binds an XPUB socket, prints "endpoint <ep>" on stderr, optionally waits until N
subscriber nodes announced themselves on the presence topic, then publishes either
--count generated events or the JSON lines of --events FILE ("-" = stdin), in the
JSON form `vsmcat sub` prints (bin values as {"$binary": base64}, see docs/CLI.md).

    ./publisher.py --channel coordination --count 5 --wait-subs 1
    vsmcat sub --connect tcp://127.0.0.1:PORT
"""
import argparse
import base64
import json
import os
import sys
import time
import uuid

import msgpack
import zmq

CHANNELS = ("command", "coordination", "audit", "algedonic", "resource_bargain")
PRESENCE_PREFIX = b"~vsm/sub/"


def from_json_value(v):
    """JSON value (vsmcat conventions) -> Python object msgpack packs the same way."""
    if isinstance(v, dict):
        keys = set(v)
        if keys == {"$msgpack"}:
            return msgpack.unpackb(base64.b64decode(v["$msgpack"], validate=True),
                                   raw=False, strict_map_key=False)
        if keys in ({"$binary"}, {"$binary", "$ext"}):
            data = base64.b64decode(v["$binary"], validate=True)
            return msgpack.ExtType(v["$ext"], data) if "$ext" in v else data
        return {k: from_json_value(x) for k, x in v.items()}
    if isinstance(v, list):
        return [from_json_value(x) for x in v]
    return v


def event_id(text):
    """Text id ("evt_<uuid>" or a bare uuid) -> its 16 bytes; empty -> a random UUID v4."""
    if not text:
        return uuid.uuid4().bytes
    return uuid.UUID(text[4:] if text.startswith("evt_") else text).bytes


def event_map(ev):
    """An event (JSON field names) -> its msgpack map (PROTOCOL.md §1.3): integer keys in
    ascending order, defaults omitted, so packb() gives the bytes a C++ node encodes."""
    ts, source = ev.get("ts") or {}, ev["source"]
    m = {1: event_id(ev.get("id")), 2: CHANNELS.index(ev["channel"]), 3: ev["seq"]}
    optional = [(4, ts.get("wall_ms"), 0), (5, ts.get("logical"), 0),
                (6, ts.get("node"), source), (7, ev.get("target"), "broadcast"),
                (8, ev.get("priority"), 1), (9, ev.get("correlation_id"), ""),
                (10, ev.get("causation_id"), "")]
    m.update((k, v) for k, v, default in optional if v is not None and v != default and v != "")
    if ev.get("payload") is not None:
        m[11] = from_json_value(ev["payload"])
    if ev.get("metadata"):
        m[12] = {k: from_json_value(v) for k, v in sorted(ev["metadata"].items())}
    return m


def encode_frame(ev):
    """One event -> a single-event frame: b"<channel>/<source>/<type>" 0x00 map."""
    topic = "%s/%s/%s" % (ev["channel"], ev["source"], ev["type"])
    return topic.encode() + b"\0" + msgpack.packb(event_map(ev))


class Publisher:
    def __init__(self, args):
        self.ctx = zmq.Context()
        self.sock = self.ctx.socket(zmq.XPUB)
        self.sock.setsockopt(zmq.SNDHWM, 100000)
        self.sock.bind(args.bind)
        self.endpoint = self.sock.getsockopt_string(zmq.LAST_ENDPOINT)
        self.node = args.name
        self.seq = {}  # per channel, as vsm::Node numbers them
        self.last_ts = (0, 0)
        self.presence = {}  # subscriber instance id -> presence topics subscribed

    def wait_for_subscribers(self, n, timeout_s):
        """Reads XPUB subscription messages until n presence topics are seen."""
        deadline = time.monotonic() + timeout_s
        while len(self.presence) < n:
            left_ms = int((deadline - time.monotonic()) * 1000)
            if left_ms <= 0 or not self.sock.poll(left_ms, zmq.POLLIN):
                return False
            msg = self.sock.recv()
            if msg[1:].startswith(PRESENCE_PREFIX):
                # "~vsm/sub/<unique-id>/<generation>": count unique subscriber ids
                # (a node re-announces with a new generation, then drops the old one)
                sub_id = msg[1 + len(PRESENCE_PREFIX):].split(b"/")[0]
                count = self.presence.get(sub_id, 0) + (1 if msg[0] == 1 else -1)
                if count > 0:
                    self.presence[sub_id] = count
                else:
                    self.presence.pop(sub_id, None)
        return True

    def next_ts(self):
        now = int(time.time() * 1000)
        wall, logical = self.last_ts
        self.last_ts = (now, 0) if now > wall else (wall, logical + 1)
        return {"wall_ms": self.last_ts[0], "logical": self.last_ts[1], "node": self.node}

    def publish(self, ev):
        """ev uses the full JSON field names; missing fields get defaults."""
        if ev["channel"] not in CHANNELS:
            raise ValueError("unknown channel %r" % ev["channel"])
        self.seq[ev["channel"]] = self.seq.get(ev["channel"], 0) + 1
        ev = dict(ev, source=ev.get("source") or self.node)
        ev.setdefault("seq", self.seq[ev["channel"]])
        ev["ts"] = ev.get("ts") or self.next_ts()
        self.sock.send(encode_frame(ev))

    def close(self, linger_ms=2000):
        self.sock.close(linger=linger_ms)
        self.ctx.term()


def generated(args):
    for i in range(args.count):
        yield {"channel": args.channel, "type": args.type, "target": args.target,
               "payload": {"n": i, "text": "hello %d" % i}}


def from_file(path):
    f = sys.stdin if path == "-" else open(path, encoding="utf-8")
    with f:
        for number, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as e:
                    sys.exit("publisher.py: line %d: malformed JSON: %s" % (number, e))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bind", default="tcp://127.0.0.1:*", help="XPUB endpoint to bind")
    p.add_argument("--name", default="py-pub-%d" % os.getpid(), help="node name (ts.node, source)")
    p.add_argument("--channel", default="coordination", choices=CHANNELS)
    p.add_argument("--type", default="py_event")
    p.add_argument("--target", default="broadcast")
    p.add_argument("--count", type=int, default=10, help="generated events (ignored with --events)")
    p.add_argument("--events", help="JSON lines file of events to publish ('-' = stdin)")
    p.add_argument("--wait-subs", type=int, default=0, help="wait for N ready subscribers")
    p.add_argument("--wait-timeout", type=float, default=10.0, help="seconds for --wait-subs")
    p.add_argument("--endpoint-file", help="also write the bound endpoint to this file")
    args = p.parse_args()

    pub = Publisher(args)
    print("endpoint " + pub.endpoint, file=sys.stderr, flush=True)
    if args.endpoint_file:
        with open(args.endpoint_file + ".tmp", "w") as f:
            f.write(pub.endpoint + "\n")
        os.replace(args.endpoint_file + ".tmp", args.endpoint_file)
    if args.wait_subs and not pub.wait_for_subscribers(args.wait_subs, args.wait_timeout):
        print("publisher.py: timed out waiting for %d subscriber(s)" % args.wait_subs,
              file=sys.stderr)
        pub.close(0)
        return 1
    n = 0
    for ev in (from_file(args.events) if args.events else generated(args)):
        try:
            pub.publish(ev)
        except (ValueError, KeyError, TypeError) as e:  # e.g. an id that is not a UUID
            print("publisher.py: event %d not published: %r" % (n + 1, e), file=sys.stderr)
            pub.close(0)
            return 1
        n += 1
    pub.close()
    print("publisher.py: published %d event(s)" % n, file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
