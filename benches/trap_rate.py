#!/usr/bin/env python3
"""Highest sustained trap rate with nothing lost: snmpkit listen vs net-snmp's snmptrapd.

One v2c trap is captured from net-snmp's snmptrap, then replayed by this one generator at
increasing paced rates into each receiver, which writes what it decodes to a file (snmpkit:
JSON lines; snmptrapd: its log). A rate passes when every trap of the burst is in the file.

Usage: benches/trap_rate.py [BURST] [RATE...]   (run from the repository root, after
`cargo build --release`). Prints one line per receiver and rate, then the best rate of each.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

BURST = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
RATES = [int(r) for r in sys.argv[2:]] or [5_000, 10_000, 20_000, 50_000, 100_000, 200_000]
MARK = "1.3.6.1.4.1.8072.9999.77"



def release_binary(root):
    """The release snmpkit, wherever cargo puts it (CARGO_TARGET_DIR included)."""
    import json
    import subprocess

    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=root, check=True, capture_output=True, text=True,
    )
    return os.path.join(json.loads(meta.stdout)["target_directory"], "release", "snmpkit")

def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def capture_trap():
    """One datagram exactly as net-snmp's snmptrap sends it."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    subprocess.run(["snmptrap", "-v2c", "-c", "public", "-m", "", f"127.0.0.1:{port}", "12345",
                    MARK, "1.3.6.1.2.1.2.2.1.1.2", "i", "2", "1.3.6.1.2.1.2.2.1.2.2", "s", "eth0"],
                   check=True, env=dict(os.environ, SNMPCONFPATH="/nonexistent", MIBS=""))
    data, _ = s.recvfrom(65535)
    s.close()
    return data


def blast(data, port, count, rate):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dest = ("127.0.0.1", port)
    start = time.perf_counter()
    batch = max(1, rate // 1000)
    sent = 0
    while sent < count:
        n = min(batch, count - sent)
        for _ in range(n):
            s.sendto(data, dest)
        sent += n
        ahead = start + sent / rate - time.perf_counter()
        if ahead > 0:
            time.sleep(ahead)
    return sent / (time.perf_counter() - start)


def count_in(path, needle):
    try:
        with open(path, "rb") as f:
            return f.read().count(needle)
    except FileNotFoundError:
        return 0


def wait_stable(path, needle, want):
    last, since = -1, time.time()
    while True:
        c = count_in(path, needle)
        if c >= want:
            return c
        if c != last:
            last, since = c, time.time()
        elif time.time() - since > 2.0:
            return c
        time.sleep(0.1)


def run(name, cmd, out_path, needle, data, rate, env=None, stdout_to_file=False):
    port = free_port()
    cmd = [c.replace("PORT", str(port)) for c in cmd]
    # A fresh persistent directory per run: a second snmptrapd sharing one does not start.
    env = dict(env or os.environ, SNMP_PERSISTENT_DIR=tempfile.mkdtemp())
    out = open(out_path, "wb") if stdout_to_file else subprocess.DEVNULL
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, env=env)
    time.sleep(1.0)
    achieved = blast(data, port, BURST, rate)
    got = wait_stable(out_path, needle, BURST)
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    if stdout_to_file:
        out.close()
    # Count again once the receiver has exited and flushed what it buffered.
    got = count_in(out_path, needle)
    ok = got == BURST
    print(f"{name:10} rate {rate:>7}/s (sent at {achieved:>9.0f}/s)  received {got:>7}/{BURST}  {'OK' if ok else 'LOST ' + str(BURST - got)}",
          flush=True)
    return ok


def main():
    root = os.getcwd()
    snmpkit = release_binary(root)
    trapd = shutil.which("snmptrapd") or "/usr/sbin/snmptrapd"
    data = capture_trap()
    print(f"trap: {len(data)} bytes, burst {BURST}")
    work = tempfile.mkdtemp()
    conf = os.path.join(work, "snmptrapd.conf")
    with open(conf, "w") as f:
        f.write("disableAuthorization yes\ndoNotLogTraps no\n")
    env = dict(os.environ, MIBS="", SNMPCONFPATH=work, SNMP_PERSISTENT_DIR=work)
    best = {}
    for rate in RATES:
        out = os.path.join(work, f"snmpkit-{rate}.jsonl")
        if run("snmpkit", [snmpkit, "listen", "--json", "-m", "", "udp:127.0.0.1:PORT"], out,
               b'"received_at"', data, rate, env=env, stdout_to_file=True):
            best["snmpkit"] = rate
        out = os.path.join(work, f"trapd-{rate}.log")
        if run("snmptrapd", [trapd, "-f", "-n", "-C", "-c", conf, "-m", "", "-On", "-Lf", out,
                             "udp:127.0.0.1:PORT"], out, MARK.encode(), data, rate, env=env):
            best["snmptrapd"] = rate
    shutil.rmtree(work, ignore_errors=True)
    for k in ("snmpkit", "snmptrapd"):
        print(f"best lossless rate {k}: {best.get(k, 0)}/s")


if __name__ == "__main__":
    main()
