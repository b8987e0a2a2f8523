#!/usr/bin/env python3
"""Highest sustained trap rate that `snmpkit listen --nats` stores in a local JetStream file
stream with nothing lost.

A real nats-server -js runs on a loopback port with a file-store stream covering
`snmp.notifications`. One v2c trap captured from net-snmp's snmptrap is replayed at paced
rates (benches/trap_rate.py's generator); a rate passes when the stream holds every trap of
the burst and the listener reports nothing dropped. The stream is recreated for every rate.

Usage: benches/nats_trap_rate.py [BURST] [RATE...]   (from the repository root, after
`cargo build --release`).
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import natsbench  # noqa: E402
from trap_rate import blast, capture_trap, free_port  # noqa: E402

BURST = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
RATES = [int(r) for r in sys.argv[2:]] or [10_000, 25_000, 50_000, 75_000, 100_000]



def release_binary(root):
    """The release snmpkit, wherever cargo puts it (CARGO_TARGET_DIR included)."""
    import json
    import subprocess

    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=root, check=True, capture_output=True, text=True,
    )
    return os.path.join(json.loads(meta.stdout)["target_directory"], "release", "snmpkit")

def wait_stored(port, want):
    last, since = -1, time.time()
    while True:
        c = natsbench.stream_messages(port, "SNMP")
        if c >= want:
            return c
        if c != last:
            last, since = c, time.time()
        elif time.time() - since > 3.0:
            return c
        time.sleep(0.2)


def run(snmpkit, server, data, rate):
    natsbench.create_stream(server.port, "SNMP", ["snmp.notifications"])
    port = free_port()
    work = tempfile.mkdtemp()
    env = dict(os.environ, MIBS="", SNMPCONFPATH=work, HOME=work)
    err = open(os.path.join(work, "stderr"), "w+")
    p = subprocess.Popen([snmpkit, "listen", "--nats", server.url, "-m", "", f"udp:127.0.0.1:{port}"],
                         stdout=subprocess.DEVNULL, stderr=err, env=env)
    time.sleep(1.0)
    start = time.perf_counter()
    achieved = blast(data, port, BURST, rate)
    stored = wait_stored(server.port, BURST)
    took = time.perf_counter() - start
    p.send_signal(signal.SIGTERM)
    p.wait(30)
    err.seek(0)
    summary = [line for line in err.read().splitlines() if "received," in line]
    natsbench.delete_stream(server.port, "SNMP")
    ok = stored == BURST
    print(f"rate {rate:>7}/s (sent at {achieved:>8.0f}/s)  stored {stored:>7}/{BURST} in {took:5.1f} s  "
          f"{'OK' if ok else 'LOST ' + str(BURST - stored)}", flush=True)
    if summary:
        print("   ", summary[-1], flush=True)
    return ok


def main():
    snmpkit = release_binary(os.getcwd())
    data = capture_trap()
    print(f"trap: {len(data)} bytes, burst {BURST}, JetStream file stream on loopback")
    server = natsbench.NatsServer()
    best = 0
    try:
        for rate in RATES:
            if run(snmpkit, server, data, rate):
                best = rate
    finally:
        server.stop()
    print(f"best lossless rate listen --nats: {best}/s")


if __name__ == "__main__":
    main()
