#!/usr/bin/env bash
# CPU cost of `snmpkit top` (issue 24) on a 1,000-interface device at the default 1 s interval.
#
#   benches/top_cpu.sh [INTERFACES] [INTERVALS]      defaults: 1000 interfaces, 60 intervals
#
# A synthetic recording (our own data: the system group, ifTable and ifXTable for INTERFACES
# interfaces) is served by `snmpkit agent --vary-rate 125000` on loopback. `snmpkit top --count
# INTERVALS` (batch mode, output to /dev/null) runs under /usr/bin/time; its CPU (user + system)
# over its wall time is the share of one core. The goal is under 2 %.
#
# For comparison, the same data fetched the way a shell loop around net-snmp would: one
# `snmpbulkwalk` of ifTable and one of ifXTable per interval (-Cr50, numeric output, nothing
# computed), timed the same way over the same number of intervals.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
INTERVALS=${2:-60}
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
BIN="$TARGET_DIR/release/snmpkit"
cargo build --release --quiet -p snmpkit-cli
WORK=$(mktemp -d)
AGENT_PID=
cleanup() {
  if [ -n "$AGENT_PID" ]; then kill "$AGENT_PID" 2>/dev/null || true; wait "$AGENT_PID" 2>/dev/null || true; fi
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && echo "work dir: $WORK"

python3 - "$WORK/big.snmpwalk" "$N" <<'EOF'
import sys
path, n = sys.argv[1], int(sys.argv[2])
out = [
    f'.1.3.6.1.2.1.1.1.0 = STRING: "synthetic {n}-interface router"',
    '.1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.8072.3.2.10',
    '.1.3.6.1.2.1.1.3.0 = Timeticks: (8640000) 1 day, 0:00:00.00',
    '.1.3.6.1.2.1.1.5.0 = STRING: "bench-router"',
    f'.1.3.6.1.2.1.2.1.0 = INTEGER: {n}',
]
if_cols = {
    1: lambda i: f"INTEGER: {i}",
    2: lambda i: f'STRING: "GigabitEthernet{i // 48}/{i % 48}"',
    3: lambda i: "INTEGER: 6",
    4: lambda i: "INTEGER: 1500",
    5: lambda i: "Gauge32: 1000000000",
    6: lambda i: f"Hex-STRING: 02 00 5E {i >> 16 & 255:02X} {i >> 8 & 255:02X} {i & 255:02X}",
    7: lambda i: "INTEGER: 1",
    8: lambda i: "INTEGER: 1",
    9: lambda i: "Timeticks: (1200) 0:00:12.00",
}
for c in range(10, 21):
    if_cols[c] = lambda i, c=c: f"Counter32: {i * 1000 + c}"
for c, f in if_cols.items():
    for i in range(1, n + 1):
        out.append(f".1.3.6.1.2.1.2.2.1.{c}.{i} = {f(i)}")
ifx_cols = {
    1: lambda i: f'STRING: "Gi{i // 48}/{i % 48}"',
    6: lambda i: f"Counter64: {i * 100000}",
    10: lambda i: f"Counter64: {i * 200000}",
    15: lambda i: "Gauge32: 1000",
    18: lambda i: f'STRING: "port {i}"',
}
for c, f in ifx_cols.items():
    for i in range(1, n + 1):
        out.append(f".1.3.6.1.2.1.31.1.1.1.{c}.{i} = {f(i)}")
open(path, "w").write("\n".join(out) + "\n")
EOF

PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" agent --data "$WORK/big.snmpwalk" --vary-rate 125000 "udp:127.0.0.1:$PORT" 2>"$WORK/agent.log" &
AGENT_PID=$!
for _ in $(seq 100); do grep -q "listening on" "$WORK/agent.log" && break; sleep 0.1; done
grep -q "listening on" "$WORK/agent.log" || { echo "agent did not start"; cat "$WORK/agent.log"; exit 1; }

# One pass first, to check what is fetched: every interface, with rates.
"$BIN" top -v2c -c public --count 1 "127.0.0.1:$PORT" > "$WORK/one.txt"
# Rows whose in and out both read 1 Mb/s within 5 %.
ROWS=$(python3 - "$WORK/one.txt" <<'EOF'
import re, sys
unit = {"b/s": 1, "kb/s": 1e3, "Mb/s": 1e6, "Gb/s": 1e9}
ok = 0
for line in open(sys.argv[1]):
    r = [float(v) * unit[u] for v, u in re.findall(r"([0-9.]+) ([kMG]?b/s)", line)]
    ok += len(r) == 2 and all(abs(x - 1e6) <= 5e4 for x in r)
print(ok)
EOF
)
echo "interfaces with both rates at 1 Mb/s +-5 % in one table: $ROWS of $N"
[ "$ROWS" -eq "$N" ] || { echo "expected $N rows with rates"; exit 1; }

echo "== snmpkit top: $N interfaces, --interval 1, --count $INTERVALS (batch mode, to /dev/null)"
/usr/bin/time -f "%U %S %e" -o "$WORK/top.time" \
  "$BIN" top -v2c -c public --interval 1 --count "$INTERVALS" "127.0.0.1:$PORT" > /dev/null
read -r U S E < "$WORK/top.time"
python3 -c "u,s,e=$U,$S,$E; print(f'user {u:.2f} s, system {s:.2f} s, wall {e:.2f} s: {100*(u+s)/e:.2f} % of one core')"

if command -v tmux >/dev/null 2>&1; then
  echo "== snmpkit top, live view in a 200x50 tmux pane: $N interfaces, --interval 1, $INTERVALS s"
  SOCK="top-cpu-$$"
  tmux -L "$SOCK" -f /dev/null new-session -d -x 200 -y 50 \
    "exec $BIN top -v2c -c public --interval 1 127.0.0.1:$PORT"
  PID=$(tmux -L "$SOCK" display-message -p '#{pane_pid}')
  # Past the first passes (the process start and MIB load are not the steady state).
  for _ in $(seq 100); do tmux -L "$SOCK" capture-pane -p | grep -q "Mb/s" && break; sleep 0.1; done
  ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
  T0=$(ticks); S0=$(date +%s.%N)
  sleep "$INTERVALS"
  T1=$(ticks); S1=$(date +%s.%N)
  tmux -L "$SOCK" kill-server
  python3 -c "import os; t=($T1-$T0)/os.sysconf('SC_CLK_TCK'); e=$S1-$S0; print(f'CPU {t:.2f} s over {e:.1f} s: {100*t/e:.2f} % of one core')"
fi

if command -v snmpbulkwalk >/dev/null 2>&1; then
  echo "== net-snmp: snmpbulkwalk of ifTable and ifXTable every second, $INTERVALS times"
  # Only the walks are timed (each under /usr/bin/time), not the loop's sleeps.
  for _ in $(seq "$INTERVALS"); do
    for tree in .1.3.6.1.2.1.2.2.1 .1.3.6.1.2.1.31.1.1.1; do
      /usr/bin/time -a -o "$WORK/walks.time" -f '%U %S' \
        snmpbulkwalk -v2c -c public -Cr50 -On "127.0.0.1:$PORT" "$tree" > /dev/null
    done
    sleep 1
  done
  python3 - "$WORK/walks.time" "$INTERVALS" <<'EOF'
import sys
cpu = sum(float(a) + float(b) for a, b in (l.split() for l in open(sys.argv[1]) if l.strip()))
n = int(sys.argv[2])
print(f"walks' CPU {cpu:.2f} s over {n} intervals: {100 * cpu / n:.2f} % of one core at 1 s")
EOF
fi
