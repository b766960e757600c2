#!/usr/bin/env python3
"""Conformance of vsmcat to docs/PROTOCOL.md, written from the document alone (pyzmq and
msgpack only, no code of the implementation): every MUST this program can observe from
outside, on the data plane (§1), the control plane (§2) and the algedonic datagrams (§3),
against real vsmcat processes over loopback. Each check names its section.

    conformance_test.py --vsmcat build/cli/vsmcat [-k name]
"""
import argparse
import os
import shutil
import socket
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from vsmcat_harness import check, run_tests  # noqa: E402

try:
    import msgpack
    import zmq
except ImportError as e:  # pragma: no cover
    print("conformance_test.py: skipped: %s" % e, file=sys.stderr)
    sys.exit(77)

VSMCAT = None
T = "20"
CHANNELS = ("command", "coordination", "audit", "algedonic", "resource_bargain")


class Cleanup:
    """Removes a directory at Harness.close() (duck-typed like a process)."""

    def __init__(self, path):
        self.path = path

    def kill(self):
        shutil.rmtree(self.path, ignore_errors=True)


def scratch(h):
    d = tempfile.mkdtemp(prefix="vsm-conformance-")
    h.procs.append(Cleanup(d))
    return d


def no_dup_map(pairs):
    keys = [k for k, _ in pairs]
    check(len(keys) == len(set(keys)), "§1.3: a map repeats a key: %r" % keys)
    return dict(pairs)


def unpack_exact(body):
    """One msgpack value filling `body` exactly (§1.3: no bytes after the body)."""
    u = msgpack.Unpacker(strict_map_key=False, object_pairs_hook=no_dup_map, raw=False)
    u.feed(body)
    values = list(u)
    check(len(values) == 1, "§1.2: the body is %d msgpack values, not one" % len(values))
    return values[0]


def split_frame(frame):
    sep = frame.find(b"\0")
    check(0 < sep <= 528, "§1.2: no separator within 528 bytes")
    topic = frame[:sep].decode("utf-8")
    parts = topic.split("/")
    if topic.startswith("~"):
        return topic, None, unpack_exact(frame[sep + 1:])
    check(len(parts) == 3 and parts[0] in CHANNELS and all(1 <= len(p.encode()) <= 255 and
          all(ord(c) >= 0x20 and c != "\x7f" for c in p) for p in parts[1:]),
          "§1.2: topic %r is not <channel>/<name>/<name>" % topic)
    return topic, parts, unpack_exact(frame[sep + 1:])


def check_event_map(m, channel):
    check(isinstance(m, dict) and len(m) <= 64, "§1.3: event is not a map of <= 64 entries")
    check(all(isinstance(k, int) and k >= 0 for k in m), "§1.3: a key is not an unsigned int")
    check(isinstance(m.get(1), bytes) and len(m[1]) == 16 and m[1] != bytes(16),
          "§1.3: key 1 (id) is not 16 non-zero bytes")
    check(m.get(2) == CHANNELS.index(channel), "§1.3: key 2 (channel) differs from the topic")
    check(isinstance(m.get(3), int) and m[3] >= 1, "§1.3/§1.4: key 3 (seq) missing or 0")
    check(m.get(0, 2) <= 2, "§1.9: version above 2")
    if channel == "algedonic":
        check(m.get(8) == 3, "§1.3: an algedonic event does not have priority 3")


def recv_frames(sock, n, hello_ok=True, timeout_ms=20000):
    """The next `n` events (batches expanded) and the hellos seen meanwhile."""
    events, hellos = [], []
    while len(events) < n:
        check(sock.poll(timeout_ms), "timed out waiting for events (%d of %d)" % (len(events), n))
        parts = sock.recv_multipart()
        check(len(parts) == 1, "§1.2: a message of %d frames" % len(parts))
        topic, names, body = split_frame(parts[0])
        if names is None:
            check(topic.startswith("~vsm/") and hello_ok, "§1.5: unexpected '~' topic %r" % topic)
            if topic.startswith("~vsm/hello/"):
                hellos.append((topic, body))
            continue
        batch = body if isinstance(body, list) else [body]
        check(isinstance(body, (dict, list)) and len(batch) >= 1, "§1.2/§1.10: bad body type")
        for m in batch:
            check_event_map(m, names[0])
            events.append((names, m))
    return events, hellos


def test_data_plane_publisher(h):
    """vsmcat pub as seen by a foreign SUB: frames, event maps, seq, ts, hello (§1.2-§1.6)."""
    pub = h.start([VSMCAT, "pub", "--name", "s1.conf", "-t", "coordination", "--type", "tick",
                   "--wait-subs", "1", "--wait-timeout", T])
    ep = pub.endpoint()
    ctx = zmq.Context()
    try:
        sub = ctx.socket(zmq.SUB)
        sub.setsockopt(zmq.LINGER, 0)
        sub.connect(ep)
        for c in CHANNELS:
            sub.setsockopt(zmq.SUBSCRIBE, (c + "/").encode())
        sub.setsockopt(zmq.SUBSCRIBE, b"~vsm/hello/")
        sub.setsockopt(zmq.SUBSCRIBE, ("~vsm/sub/%s/1" % uuid.uuid4()).encode())  # §1.5
        n = 300
        pub.write("".join('{"payload": %d}\n' % i for i in range(n)))
        pub.close_stdin()
        events, hellos = recv_frames(sub, n)
        seqs = [m[3] for _, m in events]
        check(seqs == list(range(1, n + 1)), "§1.4: seq is not 1, 2, 3, ...: %r" % seqs[:10])
        ts = [(m.get(4, 0), m.get(5, 0)) for _, m in events]
        check(all(a < b for a, b in zip(ts, ts[1:])), "§1.4: (wall_ms, logical) not increasing")
        check(all(names == ["coordination", "s1.conf", "tick"] for names, _ in events),
              "§1.2: topic differs from the published channel/source/type")
        check(all(m.get(6, "s1.conf") == "s1.conf" for _, m in events), "§1.3: ts.node")
        while not hellos:
            check(sub.poll(20000), "§1.6: no hello within 20 s")
            topic, names, body = split_frame(sub.recv())
            if topic.startswith("~vsm/hello/"):
                hellos.append((topic, body))
        topic, body = hellos[-1]
        check(topic == "~vsm/hello/s1.conf", "§1.6: hello topic %r" % topic)
        check(body.get("v") == 1 and body.get("name") == "s1.conf" and
              isinstance(body.get("control"), str) and isinstance(body.get("last"), list) and
              len(body["last"]) == 5, "§1.6: hello body %r" % body)
        check(body["last"][1] <= n, "§1.6: hello names a seq never sent")
        check(pub.wait() == 0, pub.stderr())
    finally:
        ctx.destroy(linger=0)


def frame(channel, source, type_, m):
    return ("%s/%s/%s" % (channel, source, type_)).encode() + b"\0" + msgpack.packb(m)


def test_data_plane_subscriber(h):
    """vsmcat sub as a receiver: presence order (§1.5); accepts batches, any key order,
    any integer width, defaults written, unknown keys (§1.3, §1.10); drops what §1.2,
    §1.3 and §1.9 say it MUST drop."""
    ctx = zmq.Context()
    try:
        xpub = ctx.socket(zmq.XPUB)
        xpub.setsockopt(zmq.LINGER, 0)
        xpub.bind("tcp://127.0.0.1:*")
        ep = xpub.getsockopt(zmq.LAST_ENDPOINT).decode()
        sub = h.start([VSMCAT, "sub", "--connect", ep, "--timeout", T, "-c", "6"])
        subscribed = []
        while True:
            check(xpub.poll(20000), "§1.5: no presence topic from vsmcat sub")
            msg = xpub.recv()
            if msg[:1] == b"\x01":
                subscribed.append(msg[1:])
                if msg[1:].startswith(b"~vsm/sub/"):
                    break
        for c in CHANNELS:
            check((c + "/").encode() in subscribed[:-1], "§1.5: %s/ not subscribed before presence"
                  % c)
        check(b"" not in subscribed, "§1.2: a subscriber subscribed to the empty prefix")
        ident = lambda: uuid.uuid4().bytes  # noqa: E731
        good = []
        # Accepted (the payload is the expected output order).
        good.append(frame("audit", "py", "t", {11: 0, 3: 1, 2: 2, 1: ident()}))  # any order
        body = (b"\x84\x01\xc4\x10" + ident() + b"\x02\x02\x03\xcf" + (2).to_bytes(8, "big") +
                b"\x0b\x01")  # seq as uint 64
        good.append(b"audit/py/t\0" + body)
        good.append(frame("audit", "py", "t", {0: 2, 1: ident(), 2: 2, 3: 3, 7: "broadcast",
                                               8: 1, 11: 2, 99: ["future", 1]}))
        good.append(b"audit/py/t\0" + msgpack.packb([{1: ident(), 2: 2, 3: 4, 11: 3},
                                                     {1: ident(), 2: 2, 3: 5, 11: 4}]))
        last = frame("audit", "py", "t", {1: ident(), 2: 2, 3: 6, 11: 5})
        # Dropped.
        bad = [b"audit/py/t" + msgpack.packb({1: ident(), 2: 2, 3: 9}),           # no separator
               frame("gossip", "py", "t", {1: ident(), 2: 2, 3: 9}),              # channel
               b"audit/py/t\0",                                                   # empty body
               b"audit/py/t\0" + msgpack.packb("text"),                          # not map/array
               frame("audit", "py", "t", {0: 3, 1: ident(), 2: 2, 3: 9}),         # version 3
               frame("audit", "py", "t", {1: ident(), 2: 1, 3: 9}),               # channel 1
               frame("audit", "py", "t", {1: ident(), 2: 2}),                     # no seq
               frame("audit", "py", "t", {1: bytes(16), 2: 2, 3: 9}),             # nil id
               b"audit/py/t\0" + b"\x83\x01\xc4\x10" + ident() + b"\x02\x02\x02\x02",  # dup key
               b"audit/py/t\0\x84\x01\xc4\x10" + ident() + b"\x02\x02\x03\x09\x07\xa1\xff",  # target
               b"audit/p\xffy/t\0" + msgpack.packb({1: ident(), 2: 2, 3: 9}),     # bad UTF-8
               frame("audit", "py", "t", {1: ident(), 2: 2, 3: 9, "k": 1}),       # str key
               frame("audit", "py", "t", {1: ident(), 2: 2, 3: 9}) + b"\x00"]     # trailing
        for f in good[:2] + bad + good[2:] + [last]:
            xpub.send(f)
        check(sub.wait() == 0, sub.stderr())
        got = [e["payload"] for e in sub.stdout_json()]
        check(got == [0, 1, 2, 3, 4, 5], "§1.2/§1.3: delivered %r, expected [0..5]" % got)
    finally:
        ctx.destroy(linger=0)


def control(ctx, ep, request, raw=None):
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.connect(ep)
    s.send(raw if raw is not None else msgpack.packb(request))
    check(s.poll(10000), "§2: no reply to %r" % (request if raw is None else raw[:20]))
    parts = s.recv_multipart()
    s.close()
    head = unpack_exact(parts[0])
    check(isinstance(head, dict) and isinstance(head.get("ok"), bool), "§2: reply %r" % head)
    return head, parts[1:]


def test_control_plane(h):
    """ping, info (with version), stats, replay (max = 0 too), query, malformed requests."""
    d = os.path.join(scratch(h), "log")
    pub = h.start([VSMCAT, "pub", "--name", "s1.ctl", "-t", "coordination", "--type", "t",
                   "--log", d, "-m", '{"payload": 1}', "-m", '{"payload": 2}'])
    check(pub.wait() == 0, pub.stderr())
    cfg = d + ".toml"
    with open(cfg, "w") as f:
        f.write('[node]\nname = "s1.ctl"\nlog_dir = "%s"\n' % d)
    node = h.start([VSMCAT, "--config", cfg, "node"])
    ep = node.wait_stderr("control ").split(" ", 1)[1]
    ctx = zmq.Context()
    try:
        head, _ = control(ctx, ep, {"op": "ping", "rid": 7})
        check(head["ok"] and head["rid"] == 7, "§2: ping %r" % head)
        head, _ = control(ctx, ep, {"op": "info", "rid": 8})
        for k, t in (("name", str), ("role", str), ("instance", str), ("pub", list),
                     ("control", str), ("version", str)):
            check(isinstance(head.get(k), t), "§2: info lacks %s: %r" % (k, head))
        check(head["name"] == "s1.ctl" and head["rid"] == 8, "§2: info %r" % head)
        head, _ = control(ctx, ep, {"op": "stats", "rid": 9})
        stats = head.get("stats", {})
        for k in ("channels", "total", "decode_errors", "gap_events", "subscribers"):
            check(k in stats, "§2: stats lacks %s" % k)
        head, frames = control(ctx, ep, {"op": "replay", "rid": 10, "ch": "coordination",
                                         "from": 1, "to": 10, "max": 10})
        check(head["ok"] and head["count"] == 2 == len(frames), "§2: replay %r" % head)
        for fr in frames:
            _, names, m = split_frame(fr)
            check(isinstance(m, dict), "§2: a replay frame is not a single-event frame")
            check_event_map(m, names[0])
        head, frames = control(ctx, ep, {"op": "replay", "rid": 11, "ch": "coordination",
                                         "from": 1, "to": 10, "max": 0})
        check(head["count"] == 0 and frames == [] and head["last"] == 2,
              "§2: replay max = 0 must return no events: %r" % head)
        head, frames = control(ctx, ep, {"op": "query", "rid": 12, "ch": "coordination"})
        check(head["ok"] and head["count"] == 2 == len(frames) and head["log"] is True and
              head["next"] == 0 and len(head["off"]) == 2, "§2.1: query %r" % head)
        for req, raw in (("not a map", msgpack.packb([1, 2])),
                         ("unknown op", msgpack.packb({"op": "fly", "rid": 13})),
                         ("wrong type", msgpack.packb({"op": "replay", "rid": 14, "from": "x"}))):
            head, _ = control(ctx, ep, None, raw)
            check(head["ok"] is False and isinstance(head.get("err"), str) and head["err"],
                  "§2: %s: %r" % (req, head))
            if req != "not a map":
                check(head.get("rid") in (13, 14), "§2: rid not echoed (%s): %r" % (req, head))
    finally:
        ctx.destroy(linger=0)
    node.signal()
    check(node.wait() == 0, node.stderr())


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    return s, port


def datagram(group, kind, body):
    payload = b"VA" + bytes([1, kind, 0]) + msgpack.packb(body)
    return bytes([len(group)]) + group + payload


def parse_datagram(data, group):
    g = data[0]
    check(data[1:1 + g] == group, "§3.3: group %r" % data[1:1 + g])
    d = data[1 + g:]
    check(len(data) <= 8000 and d[:2] == b"VA" and d[2] == 1 and d[4] == 0,
          "§3: header %r" % d[:5])
    return d[3], unpack_exact(d[5:])


def test_algedonic_datagrams(h):
    """vsmcat alert's datagram (§3, §3.1), acknowledged by us; a node acks ours (§3.2)."""
    sock, port = free_udp_port()
    sock.settimeout(20)
    try:
        alert = h.start([VSMCAT, "alert", "--name", "s1.alg", "-d", "hot", "--metric", "t=9.5",
                         "--dish-peer", "udp://127.0.0.1:%d" % port, "--timeout", "10"])
        data, _ = sock.recvfrom(65535)
        kind, body = parse_datagram(data, b"alg")
        check(kind == 1 and isinstance(body, list) and len(body) == 5, "§3: alert body %r" % body)
        frm, reply, to, attempt, event = body
        check(frm == "s1.alg" and to == "udp://127.0.0.1:%d" % port and attempt >= 0,
              "§3: alert fields %r" % body[:4])
        topic, names, m = split_frame(event)
        check(names[0] == "algedonic" and names[2] in ("pain", "pleasure") and m.get(8) == 3,
              "§3.1: alert event %r %r" % (topic, m))
        check(m.get(3) == 0 and isinstance(m.get(11), dict) and m[11].get("severity") and
              m[11].get("description") == "hot" and m[11]["metrics"] == {"t": 9.5},
              "§3.1: lane copy seq 0 and payload: %r" % m)
        host, rport = reply.split("://")[1].rsplit(":", 1)
        ack = datagram(b"ack", 2, ["py", "evt_%s" % uuid.UUID(bytes=m[1]), to, attempt])
        sock.sendto(ack, (host, int(rport)))
        check(alert.wait() == 0, "alert not confirmed: " + alert.stderr())
        # As a sender: a node MUST ack every well-formed alert, duplicates included.
        node_port_sock, node_port = free_udp_port()
        node_port_sock.close()
        cfg = os.path.join(scratch(h), "alg.toml")
        with open(cfg, "w") as f:
            f.write('[node]\nname = "s5.alg"\nrole = "S5"\ndish_bind = "udp://127.0.0.1:%d"\n'
                    % node_port)
        node = h.start([VSMCAT, "--config", cfg, "node"])
        node.wait_stderr("ready")
        ev = {1: uuid.uuid4().bytes, 2: 3, 3: 0, 8: 3,
              11: {"severity": "high", "signal": "pain", "description": "d", "metrics": {}},
              12: {"severity": "high", "signal": "pain"}}
        to = "udp://127.0.0.1:%d" % node_port
        me = "udp://127.0.0.1:%d" % port
        for attempt in (0, 1):  # the second is a duplicate
            sock.sendto(datagram(b"alg", 1, ["py", me, to, attempt,
                                             frame("algedonic", "py", "pain", ev)]),
                        ("127.0.0.1", node_port))
            while True:
                data, _ = sock.recvfrom(65535)
                kind, body = parse_datagram(data, data[1:1 + data[0]])
                if kind == 2:
                    break
            check(body == ["s5.alg", "evt_%s" % uuid.UUID(bytes=ev[1]), to, attempt],
                  "§3.2: ack %r" % body)
        node.signal()
        check(node.wait() == 0, node.stderr())
    finally:
        sock.close()


def main():
    global VSMCAT
    ap = argparse.ArgumentParser()
    ap.add_argument("--vsmcat", required=True)
    ap.add_argument("-k", default="")
    args = ap.parse_args()
    VSMCAT = args.vsmcat
    tests = [t for n, t in sorted(globals().items()) if n.startswith("test_") and args.k in n]
    return run_tests(tests)


if __name__ == "__main__":
    sys.exit(main())
