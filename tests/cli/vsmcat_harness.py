"""Process harness for the vsmcat end-to-end tests (cli and interop).

Children run with piped stdin/stdout/stderr; reader threads collect their output so
tests wait for lines with deadlines (queue.get(timeout=...)), never with sleeps.
Every child is killed when the test ends, also on failure (Harness.close()).
"""
import json
import os
import queue
import signal
import subprocess
import threading
import time

DEFAULT_TIMEOUT_S = 20.0


class TestFailure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise TestFailure(message)


class Proc:
    def __init__(self, argv, env=None):
        self.argv = argv
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env)
        self.stdout_lines = []
        self.stderr_lines = []
        self._stderr_q = queue.Queue()
        self._stdout_q = queue.Queue()
        self._threads = [
            threading.Thread(target=self._pump, args=(self.p.stdout, self.stdout_lines,
                                                      self._stdout_q), daemon=True),
            threading.Thread(target=self._pump, args=(self.p.stderr, self.stderr_lines,
                                                      self._stderr_q), daemon=True),
        ]
        for t in self._threads:
            t.start()

    @staticmethod
    def _pump(stream, lines, q):
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            lines.append(line)
            q.put(line)
        q.put(None)  # EOF

    def _wait_line(self, q, pred, timeout, what):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TestFailure("%s: timed out waiting for %s; stderr:\n%s"
                                  % (self.name(), what, self.stderr()))
            try:
                line = q.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise TestFailure("%s: exited (rc=%s) before %s; stderr:\n%s"
                                  % (self.name(), self.p.poll(), what, self.stderr()))
            if pred(line):
                return line

    def wait_stderr(self, prefix, timeout=DEFAULT_TIMEOUT_S):
        """The first stderr line starting with `prefix` (e.g. "ready", "endpoint ")."""
        return self._wait_line(self._stderr_q, lambda l: l.startswith(prefix), timeout,
                               "stderr line %r" % prefix)

    def endpoint(self, timeout=DEFAULT_TIMEOUT_S):
        return self.wait_stderr("endpoint ", timeout).split(" ", 1)[1]

    def write(self, text):
        self.p.stdin.write(text.encode())
        self.p.stdin.flush()

    def close_stdin(self):
        if not self.p.stdin.closed:
            self.p.stdin.close()

    def wait(self, timeout=DEFAULT_TIMEOUT_S):
        """Closes stdin and waits for the exit code; kills and fails on timeout."""
        self.close_stdin()
        try:
            rc = self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise TestFailure("%s: still running after %.0f s; stderr:\n%s"
                              % (self.name(), timeout, self.stderr()))
        for t in self._threads:
            t.join(timeout)
        return rc

    def signal(self, sig=signal.SIGTERM):
        if self.p.poll() is None:
            self.p.send_signal(sig)

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()

    def stdout_json(self):
        return [json.loads(l) for l in self.stdout_lines if l.strip()]

    def stderr(self):
        return "\n".join(self.stderr_lines)

    def name(self):
        return os.path.basename(self.argv[0]) + " " + " ".join(self.argv[1:3])


class Harness:
    """Starts processes and guarantees they are killed at close()."""

    def __init__(self):
        self.procs = []

    def start(self, argv):
        p = Proc(argv)
        self.procs.append(p)
        return p

    def run(self, argv, stdin="", timeout=DEFAULT_TIMEOUT_S):
        """Runs to completion; returns (rc, stdout, stderr)."""
        p = self.start(argv)
        if stdin:
            p.write(stdin)
        rc = p.wait(timeout)
        return rc, "\n".join(p.stdout_lines), p.stderr()

    def close(self):
        for p in self.procs:
            p.kill()
        self.procs = []


def run_tests(tests):
    """Runs each test function with a fresh Harness; returns the process exit code."""
    failures = 0
    for test in tests:
        h = Harness()
        start = time.monotonic()
        try:
            test(h)
            print("PASS %s (%.2f s)" % (test.__name__, time.monotonic() - start), flush=True)
        except TestFailure as e:
            failures += 1
            print("FAIL %s: %s" % (test.__name__, e), flush=True)
        finally:
            h.close()
    print("%d of %d tests passed" % (len(tests) - failures, len(tests)))
    return 1 if failures else 0


def main(module_globals):
    """The command line of a test module: --vsmcat PATH (stored as the module's VSMCAT)
    and -k TEXT (only tests whose name contains it); runs every test_* function of the
    module in name order and returns the process exit code."""
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--vsmcat", required=True)
    ap.add_argument("-k", help="run only tests whose name contains this")
    args = ap.parse_args()
    module_globals["VSMCAT"] = args.vsmcat
    tests = [v for k, v in sorted(module_globals.items()) if k.startswith("test_") and callable(v)]
    if args.k:
        tests = [t for t in tests if args.k in t.__name__]
    return run_tests(tests)
