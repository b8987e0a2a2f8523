#!/usr/bin/env bash
# Issue 21's speed check: the same workloads through the snmpkit binary built before the
# workspace split (BASE, a commit) and through this tree's, interleaved in one run, RUNS times
# each. Prints the median CPU (user+sys) of each side and the ratio this/base per row; a row is
# slower by more than 5 % when its ratio is above 1.05.
#
#   walk -On     bulkwalk -m '' -On -Cr50 of the zero-cost responder (205,008 varbinds)
#   walk names   bulkwalk -Cr50 with the default MIBs, same responder
#   translate    20 x `translate sysName.0` (startup and the built-in MIBs)
#   agent        the agent's own CPU answering 3 whole-tree snmpbulkwalks -Cr50 of a recording
#                of the responder's 205,008 varbinds
#   listen       decoding 20,000 v2c traps (net-snmp's snmptrap format, sent by
#                benches/trap_rate.py's sender at 20,000/s) with `listen --json`
#
# Usage: benches/split_compare.sh [RUNS]       (default 9)
# Env:   BASE (b7d69fd, the last commit before the split), BASE_BIN (a binary already built
#        from BASE: skips that build), PORT (17261)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-9}
BASE=${BASE:-b7d69fd}
PORT=${PORT:-17261}
ROOT=1.3.6.1.2.1
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  git worktree remove --force "$WORK/base" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  return 0
}
trap cleanup EXIT

target_dir() { cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])'; }
echo "== building this tree and $BASE (release)"
cargo build --release --quiet --bin snmpkit
NEW="$(target_dir)/release/snmpkit"
RESPONDER=$(cargo build --release --quiet --bench responder --message-format=json | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "responder" and m.get("executable"):
        print(m["executable"])')
if [ -n "${BASE_BIN:-}" ]; then
  OLD=$BASE_BIN
else
  git worktree add --detach "$WORK/base" "$BASE" >/dev/null 2>&1
  OLD=$(cd "$WORK/base" && CARGO_TARGET_DIR="$WORK/base-target" cargo build --release --quiet --bin snmpkit --message-format=json | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "snmpkit" and m.get("executable"):
        print(m["executable"])')
fi

"$RESPONDER" "127.0.0.1:$PORT" 5000 >"$WORK/responder.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do grep -q '^ready' "$WORK/responder.out" 2>/dev/null && break; sleep 0.1; done
grep -q '^ready' "$WORK/responder.out" || { echo "responder did not start"; exit 1; }
export SNMPCONFPATH="$WORK" HOME="$WORK"
unset MIBS MIBDIRS
# The agent's recording: the responder's 205,008 varbinds as `snmpwalk -On` prints them.
snmpbulkwalk -v2c -c public -Cr50 -m '' -On "127.0.0.1:$PORT" .1 >"$WORK/big.snmpwalk"

# CPU seconds (user+sys) of a command and its children, its output discarded, to the
# microsecond (getrusage; /usr/bin/time prints hundredths only).
cpu() {
  python3 -c '
import resource, subprocess, sys
subprocess.run(["bash", "-c", sys.argv[1]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.4f" % (r.ru_utime + r.ru_stime))' "$1"
}
# CPU seconds a running process's threads have used so far (nanoseconds in schedstat).
proc_cpu() { cat /proc/"$1"/task/*/schedstat | awk '{s += $1} END {printf "%.4f\n", s / 1e9}'; }

declare -A SAMPLES
add() { SAMPLES["$1"]+="$2 "; }

agent_round() { # $1 binary -> agent CPU for 5 whole walks of the big recording
  local bin=$1 port=$((PORT + 1))
  "$bin" agent --data "$WORK/big.snmpwalk" "udp:127.0.0.1:$port" >"$WORK/agent.out" 2>&1 &
  local pid=$!
  for _ in $(seq 300); do snmpget -v2c -c public -t 0.2 -r 0 "127.0.0.1:$port" .1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break; sleep 0.05; done
  local before after
  before=$(proc_cpu "$pid")
  for _ in 1 2 3; do snmpbulkwalk -v2c -c public -Cr50 -m '' -On "127.0.0.1:$port" .1 >/dev/null; done
  after=$(proc_cpu "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  awk -v a="$after" -v b="$before" 'BEGIN {printf "%.4f\n", a-b}'
}

listen_round() { # $1 binary -> listener CPU for 20,000 traps
  local bin=$1 port=$((PORT + 2))
  "$bin" listen --json "udp:127.0.0.1:$port" >"$WORK/listen.out" 2>"$WORK/listen.err" &
  local pid=$!
  for _ in $(seq 100); do grep -q "listening" "$WORK/listen.err" 2>/dev/null && break; sleep 0.05; done
  local before after
  before=$(proc_cpu "$pid")
  python3 - "$WORK/trap.bin" "$port" 20000 20000 <<'PY'
import socket, sys, time
data = open(sys.argv[1], "rb").read()
port, count, rate = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
start = time.monotonic()
for i in range(count):
    s.sendto(data, ("127.0.0.1", port))
    if i % 100 == 99:
        ahead = start + (i + 1) / rate - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)
PY
  for _ in $(seq 200); do [ "$(wc -l <"$WORK/listen.out")" -ge 20000 ] && break; sleep 0.05; done
  after=$(proc_cpu "$pid")
  kill -INT "$pid"; wait "$pid" 2>/dev/null || true
  awk -v a="$after" -v b="$before" 'BEGIN {printf "%.4f\n", a-b}'
}

# One v2c linkDown as net-snmp's snmptrap sends it, captured once and replayed.
python3 - "$WORK/trap.bin" "$((PORT + 3))" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[2])))
s.settimeout(20)
data, _ = s.recvfrom(65535)
open(sys.argv[1], "wb").write(data)
PY
CAP=$!
for _ in $(seq 50); do
  snmptrap -v2c -c public "127.0.0.1:$((PORT + 3))" '' 1.3.6.1.6.3.1.1.5.3 1.3.6.1.2.1.2.2.1.1.2 i 2 >/dev/null 2>&1 || true
  [ -s "$WORK/trap.bin" ] && break
  sleep 0.1
done
wait "$CAP" || true
LISTEN=1
[ -s "$WORK/trap.bin" ] || { echo "(no trap captured: the listen row is skipped)"; LISTEN=0; }

echo "== $RUNS interleaved rounds"
for r in $(seq "$RUNS"); do
  for side in base this; do
    if [ "$side" = base ]; then B=$OLD; else B=$NEW; fi
    sleep 0.3
    add "walk -On/$side" "$(cpu "$B bulkwalk -v2c -c public -m '' -On -Cr50 127.0.0.1:$PORT $ROOT")"
    sleep 0.3
    add "walk names/$side" "$(cpu "$B bulkwalk -v2c -c public -Cr50 127.0.0.1:$PORT $ROOT")"
    add "translate/$side" "$(cpu "for i in \$(seq 20); do $B translate sysName.0; done")"
    add "agent/$side" "$(agent_round "$B")"
    if [ "$LISTEN" = 1 ]; then add "listen/$side" "$(listen_round "$B")"; fi
  done
  echo "   round $r done"
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
printf '\n%-12s %12s %12s %8s\n' row "base CPU s" "this CPU s" ratio
worst=0
rows=("walk -On" "walk names" "translate" "agent")
if [ "$LISTEN" = 1 ]; then rows+=("listen"); fi
for row in "${rows[@]}"; do
  b=$(echo "${SAMPLES["$row/base"]}" | median)
  t=$(echo "${SAMPLES["$row/this"]}" | median)
  ratio=$(awk -v t="$t" -v b="$b" 'BEGIN {printf "%.3f", (b > 0) ? t/b : 0}')
  printf '%-12s %12s %12s %8s\n' "$row" "$b" "$t" "$ratio"
  worst=$(awk -v w="$worst" -v r="$ratio" 'BEGIN {print (r > w) ? r : w}')
done
echo "worst ratio: $worst (slower by more than 5 % when above 1.05)"
