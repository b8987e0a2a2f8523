"""Shared helpers for the NATS benchmarks: a nats-server -js on a loopback port, and the few
JetStream API requests they need, spoken in the plain NATS text protocol (no client library,
so the measurement does not depend on ours)."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time


def free_tcp_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class NatsServer:
    """nats-server -js with a file store in a temporary directory."""

    def __init__(self):
        self.dir = tempfile.mkdtemp()
        self.port = free_tcp_port()
        exe = shutil.which("nats-server") or "/usr/sbin/nats-server"
        self.proc = subprocess.Popen(
            [exe, "-js", "-sd", os.path.join(self.dir, "js"), "-a", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        self.url = f"nats://127.0.0.1:{self.port}"

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class Conn:
    """A minimal NATS connection for request/reply to the JetStream API."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), 10)
        self.buf = b""
        self._line()  # INFO
        self.s.sendall(b'CONNECT {"verbose":false,"pedantic":false}\r\nSUB _INBOX.bench 1\r\nPING\r\n')
        while self._line() != b"PONG":
            pass

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise ConnectionError("NATS server closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            self.buf += self.s.recv(65536)
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def request(self, subject, payload):
        body = json.dumps(payload).encode()
        self.s.sendall(b"PUB %s _INBOX.bench %d\r\n%s\r\n" % (subject.encode(), len(body), body))
        while True:
            line = self._line()
            if line.startswith(b"MSG "):
                return json.loads(self._exact(int(line.split()[-1])))
            if line == b"PING":
                self.s.sendall(b"PONG\r\n")

    def close(self):
        self.s.close()


def create_stream(port, name, subjects, retention="limits"):
    c = Conn(port)
    r = c.request(f"$JS.API.STREAM.CREATE.{name}",
                  {"name": name, "subjects": subjects, "storage": "file", "retention": retention,
                   "num_replicas": 1})
    c.close()
    if "error" in r:
        raise RuntimeError(f"stream create: {r['error']}")


def delete_stream(port, name):
    c = Conn(port)
    c.request(f"$JS.API.STREAM.DELETE.{name}", {})
    c.close()


def stream_messages(port, name):
    c = Conn(port)
    r = c.request(f"$JS.API.STREAM.INFO.{name}", {})
    c.close()
    return r.get("state", {}).get("messages", 0)
