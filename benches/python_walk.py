#!/usr/bin/env python3
"""Issue 22's Python rows: the same walks through snmpkit, gufo-snmp and pysnmp, in one
interpreter, against the zero-cost responder of benches/client_walk.sh (benches/responder.rs:
a synthetic 5,000-interface router, 205,008 varbinds answered from memory), with every value
collected into a Python list.

  1. whole tree (1.3.6.1.2.1), GetBulk max-repetitions 50: snmpkit vs gufo-snmp, CPU and wall
     (goals: CPU <= 0.6x, wall <= 0.7x gufo-snmp's);
  2. one 5,000-varbind column (ifDescr), max-repetitions 50: snmpkit vs pysnmp, wall and CPU
     (goal: at least 20x faster).

Each leg runs RUNS times, interleaved (the order reversed every other round) after the same
idle pause; medians are reported. CPU is the process's user+system time (time.process_time,
every thread), wall is time.perf_counter. Before timing, the legs must find the same number
of varbinds, and snmpkit's OIDs must equal gufo-snmp's.

Usage: python benches/python_walk.py [RUNS]        (default 7)
Env:   RESPONDER (the responder binary; else built with cargo), PORT (17261), IFACES (5000),
       PIN=1 (responder on CPU 1, this interpreter on CPU 0: every round trip wakes the other
       core, as with an agent on another host), PIN=same (both on CPU 0: no cross-core
       wake-ups, so the client's own work shows), SETTLE (0.3 s). Unpinned, the kernel picks
       one or the other layout walk by walk (times are bimodal).
Needs: pip install ./python gufo-snmp pysnmp   (into the interpreter that runs this)
"""

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import snmpkit
from gufo.snmp.sync import SnmpSession as GufoSession

REPO = Path(__file__).resolve().parents[1]
ROOT = "1.3.6.1.2.1"
COLUMN = "1.3.6.1.2.1.2.2.1.2"  # ifDescr: one varbind per interface
REPS = 50


def responder_binary() -> str:
    if os.environ.get("RESPONDER"):
        return os.environ["RESPONDER"]
    out = subprocess.run(
        ["cargo", "build", "--release", "--quiet", "--bench", "responder", "--message-format=json"],
        cwd=REPO, check=True, capture_output=True, text=True,
    ).stdout
    for line in out.splitlines():
        m = json.loads(line)
        if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "responder" and m.get("executable"):
            return m["executable"]
    sys.exit("responder not built")


def start_responder(port: int, ifaces: int):
    cmd = [responder_binary(), f"127.0.0.1:{port}", str(ifaces)]
    pin = os.environ.get("PIN", "0")
    if pin in ("1", "same"):
        cmd = ["taskset", "-c", "1" if pin == "1" else "0", *cmd]
        os.sched_setaffinity(0, {0})
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = p.stdout.readline()
    if not line.startswith("ready"):
        p.kill()
        sys.exit(f"responder did not start: {line}")
    return p


def snmpkit_walk(port: int, oid: str) -> list:
    with snmpkit.Session(f"127.0.0.1:{port}", community="public", timeout=5.0) as s:
        return [vb.value for vb in s.bulkwalk(oid, max_repetitions=REPS)]


def snmpkit_oids(port: int, oid: str) -> list:
    with snmpkit.Session(f"127.0.0.1:{port}", community="public", timeout=5.0) as s:
        return [vb.oid for vb in s.bulkwalk(oid, max_repetitions=REPS)]


def gufo_walk(port: int, oid: str) -> list:
    with GufoSession(addr="127.0.0.1", port=port, community="public", timeout=5.0) as s:
        return [v for _, v in s.getbulk(oid, max_repetitions=REPS)]


def gufo_oids(port: int, oid: str) -> list:
    with GufoSession(addr="127.0.0.1", port=port, community="public", timeout=5.0) as s:
        return [o for o, _ in s.getbulk(oid, max_repetitions=REPS)]


def pysnmp_walk(port: int, oid: str) -> list:
    from pysnmp.hlapi.v3arch.asyncio import (
        CommunityData,
        ContextData,
        ObjectIdentity,
        ObjectType,
        SnmpEngine,
        UdpTransportTarget,
        bulk_walk_cmd,
    )

    async def walk():
        engine = SnmpEngine()
        target = await UdpTransportTarget.create(("127.0.0.1", port), timeout=5, retries=0)
        values = []
        async for err, status, _index, vbs in bulk_walk_cmd(
            engine, CommunityData("public"), target, ContextData(), 0, REPS,
            ObjectType(ObjectIdentity(oid)), lexicographicMode=False, lookupMib=False,
        ):
            if err or status:
                raise RuntimeError(f"pysnmp: {err or status}")
            values.extend(v for _, v in vbs)
        engine.close_dispatcher()
        return values

    return asyncio.run(walk())


def timed(f, *args):
    c0, w0 = time.process_time(), time.perf_counter()
    out = f(*args)
    return time.process_time() - c0, time.perf_counter() - w0, len(out)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    port = int(os.environ.get("PORT", "17261"))
    ifaces = int(os.environ.get("IFACES", "5000"))
    settle = float(os.environ.get("SETTLE", "0.3"))
    responder = start_responder(port, ifaces)
    try:
        n_kit, n_gufo = len(snmpkit_walk(port, ROOT)), len(gufo_walk(port, ROOT))
        if n_kit != n_gufo or snmpkit_oids(port, ROOT) != gufo_oids(port, ROOT):
            sys.exit(f"FAIL: snmpkit found {n_kit} varbinds, gufo-snmp {n_gufo} (or other OIDs)")
        c_kit, c_py = len(snmpkit_walk(port, COLUMN)), len(pysnmp_walk(port, COLUMN))
        if c_kit != c_py:
            sys.exit(f"FAIL: column: snmpkit found {c_kit} varbinds, pysnmp {c_py}")
        print(f"varbinds: whole tree {n_kit} (snmpkit = gufo-snmp, same OIDs); column {c_kit} (snmpkit = pysnmp)")
        legs = {
            "snmpkit tree": (snmpkit_walk, ROOT),
            "gufo-snmp tree": (gufo_walk, ROOT),
            "snmpkit column": (snmpkit_walk, COLUMN),
            "pysnmp column": (pysnmp_walk, COLUMN),
        }
        names = list(legs)
        times = {k: [] for k in names}
        for r in range(runs):
            for k in names if r % 2 == 0 else reversed(names):
                time.sleep(settle)
                f, oid = legs[k]
                times[k].append(timed(f, port, oid))
    finally:
        responder.kill()
        responder.wait()

    med = {k: (statistics.median(c for c, _, _ in v), statistics.median(w for _, w, _ in v)) for k, v in times.items()}
    load = open("/proc/loadavg").read().split()[:3]
    print(f"\nload average: {' '.join(load)}   runs: {runs} each, medians, pinned: {os.environ.get('PIN', '0')}")
    print(f"{'leg':16} {'cpu s':>8} {'wall s':>8}")
    for k in names:
        print(f"{k:16} {med[k][0]:8.3f} {med[k][1]:8.3f}")

    def row(label, ratio, goal, le=True):
        ok = ratio <= goal if le else ratio >= goal
        sign = "<=" if le else ">="
        print(f"  {label:50} {ratio:6.2f}x  (goal {sign} {goal}x, {'met' if ok else 'NOT met'})")

    print("\nissue 22 (ratios in this run):")
    row("CPU, snmpkit vs gufo-snmp, whole tree", med["snmpkit tree"][0] / med["gufo-snmp tree"][0], 0.6)
    row("wall, snmpkit vs gufo-snmp, whole tree", med["snmpkit tree"][1] / med["gufo-snmp tree"][1], 0.7)
    row("speed-up, snmpkit over pysnmp, column (wall)", med["pysnmp column"][1] / med["snmpkit column"][1], 20, le=False)
    row("speed-up, snmpkit over pysnmp, column (CPU)", med["pysnmp column"][0] / med["snmpkit column"][0], 20, le=False)


if __name__ == "__main__":
    main()
