#!/usr/bin/env bash
# snmpkit exporter against Debian's prometheus-snmp-exporter (0.21) in one run (issue 23):
# the same snmp.yml (tests/fixtures/exporter/if_mib.yml, made by Debian's generator from its
# if_mib entry), the same device: the zero-cost responder (benches/responder.rs) with IFACES
# interfaces (default 5,000: 205,008 varbinds). Each exporter is scraped SCRAPES times in turn
# (interleaved, after one warm-up scrape each). Reported per exporter: median scrape wall time,
# CPU per scrape (the exporter process's utime+stime from /proc, over the timed scrapes), peak
# RSS (VmHWM), and whether the samples are the same (prometheus_client's parser, timing
# metrics and packet counts left out).
#
# Usage: benches/exporter_compare.sh [IFACES] [SCRAPES]
#        DEVICE=RECORDING benches/exporter_compare.sh - [SCRAPES]
# With DEVICE set, the device is `snmpkit agent` (lab/agent.conf) serving that recording
# (.snmpwalk or .snmprec, e.g. lab/router.snmpwalk or one of snmpsim-data's) instead of the
# responder; IFACES is then ignored.
# Needs: prometheus-snmp-exporter, /usr/bin/python3 with prometheus_client (Debian:
# python3-prometheus-client), curl.
set -euo pipefail
cd "$(dirname "$0")/.."
IFACES=${1:-5000}
SCRAPES=${2:-5}
PEER=/usr/bin/prometheus-snmp-exporter
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

cargo build --release --quiet -p snmpkit-cli
OURS="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/snmpkit"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
UDP=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
if [ -n "${DEVICE:-}" ]; then
  "$OURS" agent --config lab/agent.conf --data "$DEVICE" "udp:127.0.0.1:$UDP" >"$WORK/responder.out" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 400); do grep -q "listening on" "$WORK/responder.out" && break; sleep 0.05; done
  grep -q "listening on" "$WORK/responder.out" || { cat "$WORK/responder.out" >&2; exit 1; }
  DEVICE_NAME="snmpkit agent serving $(basename "$DEVICE")"
else
  RESPONDER=$(cargo build --release --quiet --bench responder --message-format=json | python3 -c '
import json, sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "responder" and m.get("executable"):
        print(m["executable"])')
  "$RESPONDER" "127.0.0.1:$UDP" "$IFACES" >"$WORK/responder.out" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 200); do grep -q ready "$WORK/responder.out" && break; sleep 0.05; done
  DEVICE_NAME="zero-cost responder, $IFACES interfaces"
fi

CONF=tests/fixtures/exporter/if_mib.yml
P1=$(free_port); P2=$(free_port)
"$PEER" --config.file="$CONF" --web.listen-address="127.0.0.1:$P1" --log.level=error 2>/dev/null &
PEER_PID=$!; PIDS+=($PEER_PID)
"$OURS" exporter --config.file="$CONF" --web.listen-address="127.0.0.1:$P2" --log.level=error 2>/dev/null &
OURS_PID=$!; PIDS+=($OURS_PID)
for p in $P1 $P2; do
  for _ in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$p/" && break; sleep 0.05; done
done

URL="snmp?target=127.0.0.1:$UDP&module=if_mib"
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hwm() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }
# Warm-up (our lookup cache and plan; Go's runtime), and the outputs for the comparison.
curl -s -m 600 "http://127.0.0.1:$P1/$URL" >"$WORK/theirs.txt"
curl -s -m 600 "http://127.0.0.1:$P2/$URL" >"$WORK/ours.txt"
declare -A WALL
C1=$(cpu $PEER_PID); C2=$(cpu $OURS_PID)
for i in $(seq "$SCRAPES"); do
  for side in theirs ours; do
    port=$P1; [ $side = ours ] && port=$P2
    t=$(curl -s -m 600 -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/$URL")
    WALL[$side]="${WALL[$side]:-} $t"
  done
done
CPU1=$(( $(cpu $PEER_PID) - C1 )); CPU2=$(( $(cpu $OURS_PID) - C2 ))
TCK=$(getconf CLK_TCK)
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
W1=$(echo "${WALL[theirs]}" | median); W2=$(echo "${WALL[ours]}" | median)
R1=$(hwm $PEER_PID); R2=$(hwm $OURS_PID)
SAME=$(/usr/bin/python3 - "$WORK/theirs.txt" "$WORK/ours.txt" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
def load(p):
    out = set()
    for fam in text_string_to_metric_families(open(p).read()):
        for s in fam.samples:
            if s.name.startswith("snmp_scrape_"):
                continue
            out.add((s.name, tuple(sorted(s.labels.items())), s.value))
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
print(f"same samples ({len(a)})" if a == b else f"DIFFERENT: {len(a - b)} only snmp_exporter, {len(b - a)} only ours")
PY
)
python3 - "$DEVICE_NAME" "$SCRAPES" "$W1" "$W2" "$CPU1" "$CPU2" "$TCK" "$R1" "$R2" "$SAME" <<'PY'
import sys
ifaces, n, w1, w2, c1, c2, tck, r1, r2, same = sys.argv[1:]
n = int(n); w1 = float(w1); w2 = float(w2); tck = int(tck)
cpu1 = int(c1) / tck / n; cpu2 = int(c2) / tck / n
r1 = int(r1) / 1024; r2 = int(r2) / 1024
print(f"device: {ifaces}; {n} timed scrapes each; {same}")
print(f"| | snmp_exporter 0.21 | snmpkit exporter | ratio |")
print(f"|---|---|---|---|")
print(f"| scrape wall (median) | {w1 * 1000:.2f} ms | {w2 * 1000:.2f} ms | {w2 / w1:.2f}x |")
print(f"| CPU per scrape | {cpu1 * 1000:.2f} ms | {cpu2 * 1000:.2f} ms | {cpu2 / cpu1 if cpu1 else float('nan'):.2f}x |")
print(f"| peak RSS | {r1:.1f} MiB | {r2:.1f} MiB | {r2 / r1:.2f}x |")
PY
