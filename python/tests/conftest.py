"""Fixtures for the Python package's tests: a real net-snmp snmpd on a loopback port the
test picks (lab/snmpd.conf plus v3 users), net-snmp's command-line tools, and snmpkit's CLI
binary for the `listen --json` comparison. Every wait is for a condition (an answer, a line),
bounded in time; none is a fixed sleep."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

AUTH_PASS = "authpass123"
PRIV_PASS = "privpass456"
# (user, auth protocol, privacy protocol): the three combinations of issue 22.
V3_USERS = [
    ("u_md5des", "MD5", "DES"),
    ("u_shaaes", "SHA", "AES"),
    ("u_sha256aes256", "SHA-256", "AES-256"),
]


def tool(name: str) -> str:
    for d in ("", "/usr/sbin/", "/usr/bin/"):
        p = shutil.which(name) if not d else (d + name if os.access(d + name, os.X_OK) else None)
        if p:
            return p
    pytest.fail(f"{name} not found: install net-snmp (apt-get install snmpd snmp); .ci/run does this")


def free_udp_port() -> int:
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s4:
            s4.bind(("127.0.0.1", 0))
            port = s4.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s6:
                    s6.bind(("::1", port))
                    return port
            except OSError:
                continue
    raise RuntimeError("no free UDP port")


class Snmpd:
    def __init__(self, proc, port, directory):
        self.proc = proc
        self.port = port
        self.dir = directory
        self.v4 = f"127.0.0.1:{port}"
        self.v6 = f"udp6:[::1]:{port}"
        self.env = dict(os.environ, SNMPCONFPATH=directory, MIBS="", HOME=directory)

    def tool(self, prog, *args):
        """Runs a net-snmp tool (no MIBs, no user config) and returns its stdout lines."""
        out = subprocess.run(
            [tool(prog), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, f"{prog} {args}: {out.stderr}"
        return out.stdout.splitlines()


def _start_snmpd() -> Snmpd:
    last = ""
    for _ in range(5):
        d = tempfile.mkdtemp(prefix="snmpkit-py-snmpd-")
        port = free_udp_port()
        base = (REPO / "lab" / "snmpd.conf").read_text()
        extra = "".join(
            f"createUser {u} {a} {AUTH_PASS} {p} {PRIV_PASS}\nrwuser {u} priv\n" for u, a, p in V3_USERS
        )
        conf = Path(d) / "snmpd.conf"
        conf.write_text(base + "\n" + extra)
        persist = Path(d) / "persist"
        persist.mkdir()
        log = Path(d) / "snmpd.log"
        proc = subprocess.Popen(
            [
                tool("snmpd"), "-f", "-C", "-c", str(conf), "-Lf", str(log),
                "-p", str(Path(d) / "snmpd.pid"), f"udp:127.0.0.1:{port},udp6:[::1]:{port}",
            ],
            env=dict(os.environ, SNMP_PERSISTENT_DIR=str(persist), SNMPCONFPATH=d, MIBS=""),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        agent = Snmpd(proc, port, d)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.poll() is None:
            r = subprocess.run(
                [tool("snmpget"), "-v2c", "-c", "public", "-m", "", "-t", "0.2", "-r", "0", "-On",
                 agent.v4, "1.3.6.1.2.1.1.3.0"],
                env=agent.env, capture_output=True,
            )
            if r.returncode == 0:
                return agent
        last = log.read_text() if log.exists() else ""
        proc.kill()
        proc.wait()
    raise RuntimeError(f"snmpd did not start: {last}")


@pytest.fixture(scope="session")
def snmpd():
    agent = _start_snmpd()
    yield agent
    agent.proc.kill()
    agent.proc.wait()
    shutil.rmtree(agent.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def snmpkit_bin() -> str:
    """The snmpkit CLI binary (SNMPKIT_BIN, else the workspace's target/debug or release)."""
    cands = [os.environ.get("SNMPKIT_BIN", "")]
    cands += [str(REPO / "target" / k / "snmpkit") for k in ("debug", "release")]
    for c in cands:
        if c and os.access(c, os.X_OK):
            return c
    pytest.fail("the snmpkit binary is not built: run `cargo build` at the repository root first "
                "(or set SNMPKIT_BIN)")
