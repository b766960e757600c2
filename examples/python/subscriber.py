#!/usr/bin/env python3
"""Subscribe to vsmfabric publishers with nothing but pyzmq and msgpack (docs/PROTOCOL.md).

Connects a SUB socket to each --connect endpoint, subscribes to the topic prefixes of
the filter, then to its presence topic "~vsm/sub/<unique-id>/1" so publishers waiting
for subscribers (`vsmcat pub --wait-subs N`) know it is ready, prints "ready" on stderr
and prints every event as one JSON line in the form `vsmcat sub` uses.

    vsmcat pub --wait-subs 1 -t coordination --type hello -m '{"payload": 1}'
    ./subscriber.py --connect tcp://127.0.0.1:PORT --count 1
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

VERSION = 2
CHANNELS = ("command", "coordination", "audit", "algedonic", "resource_bargain")


class NotJson(Exception):
    pass


def to_json_value(v):
    """msgpack-decoded object -> JSON value (bin -> {"$binary": b64}, ext adds "$ext")."""
    if isinstance(v, bytes):
        return {"$binary": base64.b64encode(v).decode()}
    if isinstance(v, msgpack.ExtType):
        return {"$binary": base64.b64encode(v.data).decode(), "$ext": v.code}
    if isinstance(v, dict):
        if not all(isinstance(k, str) for k in v):
            raise NotJson()
        keys = set(v)
        if keys and keys <= {"$binary", "$ext", "$msgpack"} and len(keys) <= 2:
            raise NotJson()  # would read back as a special form
        return {k: to_json_value(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [to_json_value(x) for x in v]
    return v


def value_json(v):
    try:
        return to_json_value(v)
    except NotJson:
        return {"$msgpack": base64.b64encode(msgpack.packb(v, use_bin_type=True)).decode()}


def decode_event(m, channel, source, type_):
    """One event map (PROTOCOL.md §1.3) -> the JSON event (full field names)."""
    if not isinstance(m, dict) or not all(isinstance(k, int) for k in m):
        raise ValueError("event is not a map with integer keys")
    if m.get(0, VERSION) > VERSION:
        raise ValueError("unsupported version %r" % m[0])
    if not (1 in m and 2 in m and 3 in m):
        raise ValueError("missing id, channel or seq")
    if m[2] != CHANNELS.index(channel):
        raise ValueError("channel %r does not match the topic" % m[2])
    return {
        "id": "evt_" + str(uuid.UUID(bytes=m[1])),
        "source": source,
        "target": m.get(7) or "broadcast",
        "channel": channel,
        "type": type_,
        "payload": value_json(m.get(11)),
        "ts": {"wall_ms": m.get(4, 0), "logical": m.get(5, 0), "node": m.get(6, source)},
        "priority": m.get(8, 1),
        "correlation_id": m.get(9),
        "causation_id": m.get(10),
        "seq": m[3],
        "metadata": {k: value_json(x) for k, x in m.get(12, {}).items()},
    }


def decode_frame(frame):
    """A data-plane frame -> its JSON events: one, or all of a batch. Raises ValueError."""
    topic, sep, body = frame.partition(b"\0")
    channel, source, type_ = topic.decode().split("/")
    if not sep or channel not in CHANNELS:
        raise ValueError("not a <channel>/<source>/<type> 0x00 <body> frame")
    body = msgpack.unpackb(body, raw=False, strict_map_key=False)
    events = body if isinstance(body, list) else [body]  # an array is a batch
    if not events:
        raise ValueError("empty batch")
    return [decode_event(m, channel, source, type_) for m in events]


def topic_prefixes(args):
    channels = [args.channel] if args.channel else list(CHANNELS)
    prefix = [(c + "/").encode() for c in channels]
    if args.source and args.type:  # the separator ends the topic: exactly this type
        return [p + ("%s/%s" % (args.source, args.type)).encode() + b"\0" for p in prefix]
    if args.source:
        return [p + (args.source + "/").encode() for p in prefix]
    return prefix


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--connect", action="append", required=True, help="publisher endpoint")
    p.add_argument("--channel", choices=CHANNELS, help="only this channel")
    p.add_argument("--source", help="only this source")
    p.add_argument("--type", help="only this type (with --source: narrows the topic)")
    p.add_argument("--count", type=int, default=0, help="exit after N events")
    p.add_argument("--timeout", type=float, help="exit after SECONDS without an event")
    p.add_argument("--ready-file", help="write 'ready' here once subscribed")
    args = p.parse_args()

    ctx = zmq.Context()
    sock = ctx.socket(zmq.SUB)
    sock.setsockopt(zmq.RCVHWM, 100000)
    for ep in args.connect:
        sock.connect(ep)
    for prefix in topic_prefixes(args):
        sock.setsockopt(zmq.SUBSCRIBE, prefix)
    # Presence last: when a publisher sees it, the filter topics above are in place.
    sock.setsockopt(zmq.SUBSCRIBE, ("~vsm/sub/%s/1" % uuid.uuid4().hex).encode())
    if args.ready_file:
        with open(args.ready_file + ".tmp", "w") as f:
            f.write("ready\n")
        os.replace(args.ready_file + ".tmp", args.ready_file)
    print("ready", file=sys.stderr, flush=True)

    received = 0
    rc = 0
    while not args.count or received < args.count:
        timeout_ms = int(args.timeout * 1000) if args.timeout else None
        if not sock.poll(timeout_ms, zmq.POLLIN):
            if args.count:
                print("subscriber.py: timed out: received %d of %d event(s)"
                      % (received, args.count), file=sys.stderr)
                rc = 1
            break
        frame = sock.recv()
        if frame.startswith(b"~"):
            continue  # the fabric's own messages (hello), not events
        try:
            events = decode_frame(frame)
        except (ValueError, TypeError, KeyError, msgpack.UnpackException) as e:
            print("subscriber.py: dropped a malformed frame: %s" % e, file=sys.stderr)
            continue
        for event in events:
            if args.type and event["type"] != args.type:
                continue
            print(json.dumps(event, separators=(",", ":")), flush=True)
            received += 1
            if received == args.count:
                break
    sock.close(linger=0)
    ctx.term()
    return rc


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
