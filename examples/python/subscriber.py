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

ENVELOPE_VERSION = 1
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


def decode(frame):
    """Envelope bytes -> the JSON event (full field names). Raises ValueError."""
    env = msgpack.unpackb(frame, raw=False, strict_map_key=False)
    if not isinstance(env, dict):
        raise ValueError("envelope is not a map")
    if env.get("v", 0) > ENVELOPE_VERSION:
        raise ValueError("unsupported envelope version %r" % env.get("v"))
    for key in ("id", "src", "ch", "typ", "ts", "seq"):
        if key not in env:
            raise ValueError("missing required key %r" % key)
    wall_ms, logical, node = env["ts"]
    return {
        "id": env["id"],
        "source": env["src"],
        "target": env.get("tgt", "broadcast"),
        "channel": env["ch"],
        "type": env["typ"],
        "payload": value_json(env.get("pl")),
        "ts": {"wall_ms": wall_ms, "logical": logical, "node": node},
        "priority": env.get("pri", 1),
        "correlation_id": env.get("cid"),
        "causation_id": env.get("cau"),
        "seq": env["seq"],
        "metadata": {k: value_json(x) for k, x in env.get("md", {}).items()},
    }


def topic_prefixes(args):
    channels = [args.channel] if args.channel else list(CHANNELS)
    prefix = [c + "/" for c in channels]
    if args.source:
        prefix = [p + args.source + "/" + (args.type or "") for p in prefix]
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
        sock.setsockopt(zmq.SUBSCRIBE, prefix.encode())
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
        frames = sock.recv_multipart()
        if len(frames) != 2 or frames[0].startswith(b"~vsm/"):
            continue  # not a data-plane event (internal topic or malformed)
        try:
            event = decode(frames[1])
        except (ValueError, TypeError, msgpack.UnpackException) as e:
            print("subscriber.py: dropped malformed event: %s" % e, file=sys.stderr)
            continue
        if args.type and event["type"] != args.type:
            continue
        print(json.dumps(event, separators=(",", ":")), flush=True)
        received += 1
    sock.close(linger=0)
    ctx.term()
    return rc


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
