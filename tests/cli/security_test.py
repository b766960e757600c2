#!/usr/bin/env python3
"""End-to-end tests of transport security (docs/SECURITY.md §6) with real vsmcat
processes over loopback TCP: `vsmcat keygen`, the [security] table, signed commands
from `pub` to `sub`, untrusted and plain clients that get nothing from the data and the
control planes, and a trusted but lying publisher (a raw pyzmq CURVE XPUB) whose forged,
unsigned, badly signed and flow-breaking events the subscriber drops.
Synchronised on stderr lines ("endpoint", "control", refusal warnings) and on the events
themselves; a "gets nothing" check waits after a trusted subscriber got everything.

    security_test.py --vsmcat build/cli/vsmcat [-k name]
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vsmcat_harness import check, run_tests  # noqa: E402

try:
    import msgpack
    import zmq
except ImportError as e:  # pragma: no cover
    print("security_test.py: skipped: %s" % e, file=sys.stderr)
    sys.exit(77)

VSMCAT = None
T = "20"


class Fabric:
    """Key pairs of `nodes` in dir/keys; dir/trusted holds the public keys of `trusted`."""

    def __init__(self, h, nodes, trusted):
        self.dir = tempfile.mkdtemp(prefix="vsm-security-")
        h.procs.append(Cleanup(self.dir))
        self.keys = os.path.join(self.dir, "keys")
        for name, role in nodes:
            rc, out, err = h.run([VSMCAT, "keygen", name, "--dir", self.keys, "--role", role])
            check(rc == 0, "keygen %s: %s" % (name, err))
            check("secret %s/%s.key" % (self.keys, name) in out, out)
        self.trust("trusted", trusted)

    def trust(self, dirname, names):
        d = os.path.join(self.dir, dirname)
        os.makedirs(d, exist_ok=True)
        for n in names:
            shutil.copy(os.path.join(self.keys, n + ".pub"), d)
        return d

    def config(self, name, role, trusted="trusted"):
        path = os.path.join(self.dir, name + ".toml")
        with open(path, "w") as f:
            f.write('[node]\nname = "%s"\nrole = "%s"\ndish_bind = ""\n' % (name, role))
            f.write('[security]\nkey_file = "%s"\ntrusted_dir = "%s"\n'
                    % (os.path.join(self.keys, name + ".key"), os.path.join(self.dir, trusted)))
            f.write("refusal_log_interval_ms = 0\n")  # every refusal on stderr
        return path

    def key(self, name, field):
        with open(os.path.join(self.keys, name + ".key")) as f:
            for line in f:
                k, _, v = line.partition("=")
                if k.strip() == field:
                    return v.strip()
        raise KeyError(field)


class Cleanup:
    """Removes a directory at Harness.close() (duck-typed like a process)."""

    def __init__(self, path):
        self.path = path

    def kill(self):
        shutil.rmtree(self.path, ignore_errors=True)


def received_nothing(sock, ms=300):
    return sock.poll(ms) == 0


def test_keygen_never_overwrites(h):
    d = tempfile.mkdtemp(prefix="vsm-keygen-")
    h.procs.append(Cleanup(d))
    rc, out, _ = h.run([VSMCAT, "keygen", "node-a", "--dir", d, "--role", "S3"])
    check(rc == 0, out)
    check(oct(os.stat(os.path.join(d, "node-a.key")).st_mode & 0o777) == "0o600", "key not 0600")
    with open(os.path.join(d, "node-a.pub")) as f:
        pub = f.read()
    check("role = S3" in pub and "curve_public = " in pub and "secret" not in pub, pub)
    rc, _, err = h.run([VSMCAT, "keygen", "node-a", "--dir", d])
    check(rc == 1 and "exists" in err, "second keygen: rc %d %s" % (rc, err))
    rc, _, err = h.run([VSMCAT, "keygen", "bad/name", "--dir", d])
    check(rc == 2, "bad name: rc %d %s" % (rc, err))


def test_signed_commands_reach_trusted_subscribers_only(h):
    f = Fabric(h, [("node-a", "S3"), ("node-b", "S1"), ("eve", "S1")], ["node-a", "node-b"])
    f.trust("eve-trusted", ["node-a", "eve"])
    pub = h.start([VSMCAT, "--config", f.config("node-a", "S3"), "pub", "-t", "command",
                   "--type", "set_limit", "--wait-subs", "1", "--wait-timeout", T])
    ep = pub.endpoint()
    # eve (a key node-a does not trust) and clients without CURVE connect first.
    eve = h.start([VSMCAT, "--config", f.config("eve", "S1", "eve-trusted"), "sub",
                   "--connect", "node-a@" + ep, "--timeout", "3", "-c", "1"])
    pub.wait_stderr("vsmcat: [warning] vsm: node node-a: refused a connection from 127.0.0.1")
    ctx = zmq.Context()
    try:
        plain = ctx.socket(zmq.SUB)
        plain.setsockopt(zmq.LINGER, 0)
        plain.setsockopt(zmq.SUBSCRIBE, b"")
        plain.connect(ep)
        stranger = ctx.socket(zmq.SUB)
        stranger.setsockopt(zmq.LINGER, 0)
        public, secret = zmq.curve_keypair()
        stranger.curve_publickey, stranger.curve_secretkey = public, secret
        stranger.curve_serverkey = f.key("node-a", "curve_public").encode()
        stranger.setsockopt(zmq.SUBSCRIBE, b"")
        stranger.connect(ep)
        sub = h.start([VSMCAT, "--config", f.config("node-b", "S1"), "sub", "--connect",
                       "node-a@" + ep, "--timeout", T, "-c", "3"])
        pub.write("".join(json.dumps({"target": "s1", "payload": i}) + "\n" for i in range(3)))
        check(pub.wait() == 0, pub.stderr())
        check(sub.wait() == 0, sub.stderr())
        got = sub.stdout_json()
        check([e["payload"] for e in got] == [0, 1, 2], got)
        check(all(e["signer"] == "node-a" and len(e["signature"]) == 88 for e in got),
              "commands not signed: %r" % got)
        check(received_nothing(plain) and received_nothing(stranger), "a stranger got data")
        check(eve.wait() != 0 and eve.stdout_lines == [], "eve got: %r" % eve.stdout_lines)
    finally:
        ctx.destroy(linger=0)


def control_request(ctx, ep, curve=None, ms=1000):
    """One `stats` request over a DEALER; the reply map, or None after `ms`."""
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    if curve:
        s.curve_publickey, s.curve_secretkey, s.curve_serverkey = curve
    s.connect(ep)
    s.send(msgpack.packb({"op": "stats", "rid": 1}))
    if not s.poll(ms):
        s.close()
        return None
    reply = msgpack.unpackb(s.recv(), strict_map_key=False)
    s.close()
    return reply


def test_control_plane_answers_trusted_keys_only(h):
    f = Fabric(h, [("node-a", "S3"), ("ops", "S5"), ("eve", "S1")], ["node-a", "ops"])
    f.trust("eve-trusted", ["node-a", "eve"])
    node = h.start([VSMCAT, "--config", f.config("node-a", "S3"), "node"])
    ctrl = node.wait_stderr("control ").split(" ", 1)[1]
    rc, out, err = h.run([VSMCAT, "--config", f.config("ops", "S5"), "stats", "--json",
                          "--node", "node-a@" + ctrl])
    check(rc == 0, err)
    stats = json.loads(out)
    check(stats["security"]["enabled"] and stats["security"]["connections_accepted"] >= 1, stats)
    rc, _, err = h.run([VSMCAT, "--config", f.config("eve", "S1", "eve-trusted"), "stats",
                        "--node", "node-a@" + ctrl, "--timeout", "1"])
    check(rc == 1 and "no reply" in err, "eve: rc %d %s" % (rc, err))
    node.wait_stderr("vsmcat: [warning] vsm: node node-a: refused a connection from 127.0.0.1")
    rc, _, err = h.run([VSMCAT, "--config", f.config("ops", "S5"), "stats", "--node", ctrl])
    check(rc == 2 and "NAME@" in err, "unnamed node with security on: rc %d %s" % (rc, err))
    ctx = zmq.Context()
    try:
        check(control_request(ctx, ctrl) is None, "a plain DEALER got a reply")
        public, secret = zmq.curve_keypair()
        server = f.key("node-a", "curve_public").encode()
        check(control_request(ctx, ctrl, (public, secret, server)) is None,
              "an untrusted CURVE key got a reply")
        ops = (f.key("ops", "curve_public").encode(), f.key("ops", "curve_secret").encode(),
               server)
        reply = control_request(ctx, ctrl, ops, ms=10000)
        check(reply is not None and reply["ok"], "trusted key refused: %r" % reply)
    finally:
        ctx.destroy(linger=0)
    node.signal()
    check(node.wait() == 0, node.stderr())


def event_frame(channel, source, seq, node=None, signature=None, target=None):
    chans = ["command", "coordination", "audit", "algedonic", "resource_bargain"]
    m = {1: uuid.uuid4().bytes, 2: chans.index(channel), 3: seq}
    if node:
        m[6] = node
    if target:
        m[7] = target
    if channel == "algedonic":
        m[8] = 3
    m[11] = seq
    if signature:
        m[13] = signature
    return ("%s/%s/t" % (channel, source)).encode() + b"\0" + msgpack.packb(m)


def test_lying_publisher_is_dropped(h):
    f = Fabric(h, [("node-b", "S1"), ("mallory", "S1")], ["node-b", "mallory"])
    ctx = zmq.Context()
    try:
        xpub = ctx.socket(zmq.XPUB)
        xpub.setsockopt(zmq.LINGER, 0)
        xpub.curve_server = True
        xpub.curve_secretkey = f.key("mallory", "curve_secret").encode()
        xpub.bind("tcp://127.0.0.1:*")
        ep = xpub.getsockopt(zmq.LAST_ENDPOINT).decode()
        sub = h.start([VSMCAT, "-v", "--config", f.config("node-b", "S1"), "sub", "--connect",
                       "mallory@" + ep, "--timeout", T, "-c", "1"])
        while True:  # node-b's presence topic follows all its channel prefixes
            check(xpub.poll(20000), "no subscription arrived")
            if b"~vsm/sub/" in xpub.recv():
                break
        for frame in (event_frame("coordination", "s1.ops", 1, node="mallory"),  # source
                      event_frame("coordination", "mallory", 2, node="node-b"),  # ts.node
                      event_frame("command", "mallory", 1, target="s1"),   # S1 commands: flow
                      event_frame("algedonic", "mallory", 1),               # unsigned
                      event_frame("algedonic", "mallory", 2, signature=b"x" * 64),  # bad sig
                      event_frame("coordination", "mallory", 3)):          # delivered
            xpub.send(frame)
        check(sub.wait() == 0, sub.stderr())
        got = sub.stdout_json()
        check(len(got) == 1 and got[0]["source"] == "mallory" and got[0]["seq"] == 3, got)
        for why in ("source 's1.ops' is not the publisher's", "ts.node 'node-b'",
                    "breaks the flow rules", "unsigned event on signed channel algedonic",
                    "invalid signature"):
            check(why in sub.stderr(), "no drop logged for %r:\n%s" % (why, sub.stderr()))
    finally:
        ctx.destroy(linger=0)


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc ^ 0xFFFFFFFF


def masked(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def test_log_verify_checks_signatures(h):
    """A signed command stays verifiable in the log; a tamperer who fixes the record's
    CRC (docs/LOG_FORMAT.md) is caught by the hash chain and by the signature, with the
    record named."""
    f = Fabric(h, [("node-a", "S3"), ("node-b", "S1")], ["node-a", "node-b"])
    log = os.path.join(f.dir, "log")
    pub = h.start([VSMCAT, "--config", f.config("node-a", "S3"), "pub", "-t", "command",
                   "--type", "set_limit", "--log", log, "-m", '{"target": "s1", "payload": 7}',
                   "-m", '{"target": "s1", "payload": 8}'])
    check(pub.wait() == 0, pub.stderr())
    trusted = os.path.join(f.dir, "trusted")
    rc, out, err = h.run([VSMCAT, "log", "verify", log, "--trusted", trusted])
    check(rc == 0 and "signatures: 2 valid, 0 invalid" in out, "rc %d %s %s" % (rc, out, err))
    seg = os.path.join(log, sorted(n for n in os.listdir(log) if n.endswith(".log"))[0])
    with open(seg, "rb") as fh:
        data = bytearray(fh.read())
    length = int.from_bytes(data[32:36], "little")
    record = data[32:32 + 25 + length]
    at = record.find(b"\x0b\x07")  # key 11 (payload) = 7 in the first record
    check(at > 25, "payload not found in the first record")
    record[at + 1] = 8
    record[4:8] = masked(crc32c(bytes(record[8:]))).to_bytes(4, "little")
    data[32:32 + len(record)] = record
    with open(seg, "wb") as fh:
        fh.write(data)
    rc, out, err = h.run([VSMCAT, "log", "verify", log])
    check(rc == 1 and "hash chain broken" in out and "(offsets 1..1)" in out,
          "the CRC was fixed, the chain must catch it: rc %d %s %s" % (rc, out, err))
    rc, out, err = h.run([VSMCAT, "log", "verify", log, "--trusted", trusted])
    check(rc == 1 and "bad signature: offset 1 (" in out and "invalid signature" in out and
          "1 valid, 1 invalid" in out, "rc %d %s %s" % (rc, out, err))


def main():
    global VSMCAT
    ap = argparse.ArgumentParser()
    ap.add_argument("--vsmcat", required=True)
    ap.add_argument("-k", default="")
    args = ap.parse_args()
    VSMCAT = args.vsmcat
    tests = [t for n, t in sorted(globals().items())
             if n.startswith("test_") and args.k in n]
    return run_tests(tests)


if __name__ == "__main__":
    sys.exit(main())
