#!/usr/bin/env python3
"""Shared polling throughput: how fast 1 and then 2 `snmpkit poll --work` workers get through
one cycle of jobs for N targets (devices of one `snmpkit agent` on 127.x addresses), through a
local nats-server -js.

For each worker count: a fresh job stream and result stream, the workers started, then one
`poll --schedule --count 1`; the time from the first record stored in `snmp.poll.>` to the
last gives targets/s. Everything (agent, broker, workers, this script) shares the
machine, so on 2 cores the second worker competes with the agent and the broker.

Usage: benches/nats_workers.py [TARGETS] [WINDOW]   (from the repository root, after
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
from trap_rate import free_port  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
# Each worker's --window (targets polled at once); a small one makes each worker bound by
# round trips rather than by the shared CPU, which shows how the queue spreads the work.
WINDOW = sys.argv[2] if len(sys.argv) > 2 else "256"
OBJECTS = ["sysUpTime.0", "ifTable"]



def release_binary(root):
    """The release snmpkit, wherever cargo puts it (CARGO_TARGET_DIR included)."""
    import json
    import subprocess

    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=root, check=True, capture_output=True, text=True,
    )
    return os.path.join(json.loads(meta.stdout)["target_directory"], "release", "snmpkit")

def wait_line(proc, needle, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        if needle in line:
            return line
    raise RuntimeError(f"never saw {needle!r}")


def run(snmpkit, server, targets_file, workers):
    natsbench.create_stream(server.port, "POLL", ["snmp.poll.>"])
    common = ["--nats", server.url, "--interval", "60", "--targets", targets_file, "-v2c", "-c", "public"]
    procs = []
    for _ in range(workers):
        p = subprocess.Popen([snmpkit, "poll", "--work", "--window", WINDOW, *common, *OBJECTS],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_line(p, "working on jobs")
        procs.append(p)
    sched = subprocess.Popen([snmpkit, "poll", "--schedule", "--count", "1", *common, *OBJECTS],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Timed from the first record stored to the last, so the scheduler's own start-up (MIBs,
    # targets file) is not counted.
    deadline = time.time() + 300
    stored, first = 0, None
    while time.time() < deadline:
        stored = natsbench.stream_messages(server.port, "POLL")
        if stored and first is None:
            first = (time.perf_counter(), stored)
        if stored >= N:
            break
        time.sleep(0.01)
    took = time.perf_counter() - first[0]
    stored -= first[1]
    assert sched.wait(30) == 0
    for p in procs:
        p.send_signal(signal.SIGTERM)
    for p in procs:
        p.wait(30)
    natsbench.delete_stream(server.port, "POLL")
    natsbench.delete_stream(server.port, "SNMP_JOBS")
    rate = stored / took
    print(f"{workers} worker(s): {stored} records after the first in {took:5.2f} s = {rate:7.0f} targets/s",
          flush=True)
    return rate


def main():
    root = os.getcwd()
    snmpkit = release_binary(root)
    work = tempfile.mkdtemp()
    port = free_port()
    agent = subprocess.Popen([snmpkit, "agent", "--data", os.path.join(root, "lab/router.snmpwalk"),
                              f"udp:0.0.0.0:{port}"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_line(agent, "listening on")
    targets = os.path.join(work, "targets")
    with open(targets, "w") as f:
        for i in range(N):
            f.write(f"127.0.{i // 250}.{i % 250 + 1}:{port}\n")
    server = natsbench.NatsServer()
    try:
        print(f"{N} targets ({' '.join(OBJECTS)}), window {WINDOW} per worker, one snmpkit agent, "
              "nats-server -js on loopback")
        one = run(snmpkit, server, targets, 1)
        two = run(snmpkit, server, targets, 2)
        print(f"2 workers / 1 worker: {two / one:.2f}x")
    finally:
        server.stop()
        agent.send_signal(signal.SIGTERM)
        agent.wait(10)


if __name__ == "__main__":
    main()
