#!/usr/bin/env bash
# Fleet polling benchmark (issue 11): `snmpkit poll --count 1 --json --targets FILE sysUpTime.0
# ifTable` over N loopback devices served by one `snmpkit agent` in wildcard mode (one device
# per 127.x address) from a synthetic 24-interface recording, then net-snmp's tools in a
# parallel shell loop (xargs -P) over a subset for comparison.
#
#   benches/poll_fleet.sh [DEVICES] [SUBSET]      defaults: 10000 devices, 500 for net-snmp
#
# Reports wall time, records complete (no error, sysUpTime plus 24 x 22 ifTable cells), and
# peak RSS (/usr/bin/time -v). Results go in BENCHMARKS.md with this command.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
SUBSET=${2:-500}
BIN="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/snmpkit"
cargo build --release --quiet
WORK=$(mktemp -d)
AGENT_PID=
cleanup() {
  if [ -n "$AGENT_PID" ]; then kill "$AGENT_PID" 2>/dev/null || true; wait "$AGENT_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# A synthetic router: the system group and 24 interfaces with every ifTable column, as
# `snmpwalk -On` prints them (our own data, not a device's).
python3 - "$WORK/router.snmpwalk" <<'EOF'
import sys
out = [
    '.1.3.6.1.2.1.1.1.0 = STRING: "synthetic 24-port switch"',
    '.1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.8072.3.2.10',
    '.1.3.6.1.2.1.1.3.0 = Timeticks: (8640000) 1 day, 0:00:00.00',
    '.1.3.6.1.2.1.1.5.0 = STRING: "bench-switch"',
    '.1.3.6.1.2.1.2.1.0 = INTEGER: 24',
]
cols = {
    1: lambda i: f"INTEGER: {i}",
    2: lambda i: f'STRING: "GigabitEthernet0/{i}"',
    3: lambda i: "INTEGER: 6",
    4: lambda i: "INTEGER: 1500",
    5: lambda i: "Gauge32: 1000000000",
    6: lambda i: f"Hex-STRING: 00 1B 21 3C 4D {i:02X} ",
    7: lambda i: "INTEGER: 1",
    8: lambda i: f"INTEGER: {1 if i % 4 else 2}",
    9: lambda i: "Timeticks: (4200) 0:00:42.00",
    10: lambda i: f"Counter32: {i * 1000003}",
    11: lambda i: f"Counter32: {i * 1009}",
    12: lambda i: f"Counter32: {i * 17}",
    13: lambda i: "Counter32: 0",
    14: lambda i: "Counter32: 0",
    15: lambda i: "Counter32: 0",
    16: lambda i: f"Counter32: {i * 2000003}",
    17: lambda i: f"Counter32: {i * 2003}",
    18: lambda i: f"Counter32: {i * 19}",
    19: lambda i: "Counter32: 0",
    20: lambda i: "Counter32: 0",
    21: lambda i: "Gauge32: 0",
    22: lambda i: "OID: .0.0",
}
for c, f in cols.items():
    for i in range(1, 25):
        out.append(f".1.3.6.1.2.1.2.2.1.{c}.{i} = {f(i)}")
open(sys.argv[1], "w").write("\n".join(out) + "\n")
EOF

PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" agent --data "$WORK/router.snmpwalk" --vary "udp:0.0.0.0:$PORT" 2>"$WORK/agent.err" &
AGENT_PID=$!
for _ in $(seq 100); do grep -q "listening" "$WORK/agent.err" 2>/dev/null && break; sleep 0.1; done
grep -q "listening" "$WORK/agent.err" || { cat "$WORK/agent.err"; exit 1; }

# N devices: 127.1.0.1, 127.1.0.2, ... (never 127.0.0.x, where other things live).
python3 - "$N" "$PORT" >"$WORK/targets" <<'EOF'
import sys
n, port = int(sys.argv[1]), sys.argv[2]
print("# bench fleet")
for k in range(n):
    a = (1 << 16) + 256 + k
    print(f"127.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}:{port}")
EOF

echo "== snmpkit poll over $N devices (sysUpTime.0 + ifTable, 24 interfaces)"
DROPS0=$(awk '/^Udp:/ {n++} /^Udp:/ && n==2 {print $6}' /proc/net/snmp)
CMD=("$BIN" poll -v2c -c public --count 1 --json --targets "$WORK/targets" sysUpTime.0 ifTable)
echo "command: snmpkit poll -v2c -c public --count 1 --json --targets FILE sysUpTime.0 ifTable > out.json"
/usr/bin/time -v "${CMD[@]}" >"$WORK/out.json" 2>"$WORK/time.txt" || { cat "$WORK/time.txt"; exit 1; }
python3 - "$WORK/out.json" "$N" <<'EOF'
import json, sys
recs = complete = 0
errors = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    recs += 1
    if r["error"] is None and len(r["varbinds"]) == 1 + 24 * 22:
        complete += 1
    elif r["error"]:
        errors[r["error"].split(" from ")[0]] = errors.get(r["error"].split(" from ")[0], 0) + 1
print(f"records: {recs} of {sys.argv[2]}, complete: {complete}, errors: {errors or 'none'}")
EOF
grep -E "Elapsed \(wall|Maximum resident|Percent of CPU|User time|System time" "$WORK/time.txt"
echo "load average during the run: $(cat /proc/loadavg)"
ls -l "$WORK/out.json" | awk '{print "output bytes:", $5}'
DROPS1=$(awk '/^Udp:/ {n++} /^Udp:/ && n==2 {print $6}' /proc/net/snmp)
echo "UDP receive-buffer drops on this host during the poll: $((DROPS1 - DROPS0))"

echo "== net-snmp over the first $SUBSET devices: snmpget + snmpbulkwalk per device, xargs -P 64"
# awk, not grep | head: under pipefail, head closing the pipe early would end the script.
awk -v n="$SUBSET" '!/^#/ && c++ < n' "$WORK/targets" >"$WORK/subset"
START=$(date +%s.%N)
xargs -P 64 -I{} sh -c 'snmpget -v2c -c public -On -m "" {} .1.3.6.1.2.1.1.3.0 >/dev/null && snmpbulkwalk -v2c -c public -On -m "" -Cr50 {} .1.3.6.1.2.1.2.2 >/dev/null || echo failed' <"$WORK/subset" >"$WORK/netsnmp.out" || true
echo "net-snmp failures: $(grep -c failed "$WORK/netsnmp.out" || true)"
END=$(date +%s.%N)
python3 -c "import sys; s,e,n=float('$START'),float('$END'),int('$SUBSET'); print(f'net-snmp: {n} devices in {e-s:.2f} s = {n/(e-s):.0f} devices/s')"
