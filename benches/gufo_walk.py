#!/usr/bin/env python3
"""The client-bound walk of benches/client_walk.sh done by gufo-snmp (a Python API over a
Rust core): a v2c GetBulk walk of a subtree with max-repetitions 50, counting the varbinds
without printing them. Prints the count.

Usage: gufo_walk.py HOST PORT [OID] [MAX_REPETITIONS]   (needs `pip install gufo-snmp`)
"""
import sys

from gufo.snmp.sync import SnmpSession


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    oid = sys.argv[3] if len(sys.argv) > 3 else "1.3.6.1.2.1"
    reps = int(sys.argv[4]) if len(sys.argv) > 4 else 50
    n = 0
    with SnmpSession(addr=host, port=port, community="public", timeout=5.0) as s:
        for _ in s.getbulk(oid, max_repetitions=reps):
            n += 1
    print(n)


if __name__ == "__main__":
    main()
