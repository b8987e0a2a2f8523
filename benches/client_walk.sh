#!/usr/bin/env bash
# The client-bound walk of issue 13: a v2c GetBulk walk (max-repetitions 50) of mib-2 on a
# zero-cost responder (benches/responder.rs: a synthetic 5,000-interface router, 205,008
# varbinds, answered from memory), so the walking client is the bottleneck. Measures, in one
# run, interleaved, RUNS times each:
#   snmpkit      snmpkit bulkwalk -m '' -On -Cr50     (output to /dev/null)
#   snmpbulkwalk snmpbulkwalk -m '' -On -Cr50         (output to /dev/null)
#   gufo-snmp    benches/gufo_walk.py, GetBulk 50, counts and prints only the count
#   asnmp-walk   async-snmp's asnmp-walk --max-rep 50 (output to /dev/null), when installed
#   names        snmpkit bulkwalk -Cr50 with the default MIBs and default output (/dev/null)
# and prints median CPU (user+sys) and wall per tool, then the ratios of issue 13's rows 2-5.
# Before timing it checks that every tool finds the same number of varbinds, and that
# snmpkit prints byte for byte what snmpbulkwalk prints (numeric and with names).
#
# Usage: benches/client_walk.sh [RUNS]          (default 15: the names row needs that many)
# Env:   PIN=1 (responder on CPU 1, clients on CPU 0), SETTLE (idle seconds before each
#        timed run, 0.3), PORT (17161), IFACES (5000), GUFO_PY (a python with gufo-snmp; else python3, then
#        /work/venv-peers/bin/python), ASNMP_WALK (else asnmp-walk on PATH, then
#        /work/peers-asnmp/bin/asnmp-walk), KEEP=1 keeps the work directory.
# Peers: pip install gufo-snmp (0.13) into a venv;
#        cargo install async-snmp --features cli --bin asnmp-walk --root DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-15}
PORT=${PORT:-17161}
IFACES=${IFACES:-5000}
ROOT=1.3.6.1.2.1

cargo build --release --quiet
BIN="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/snmpkit"
RESPONDER=$(cargo build --release --quiet --bench responder --message-format=json | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "responder" and m.get("executable"):
        print(m["executable"])')

GUFO=""
for py in ${GUFO_PY:-} python3 /work/venv-peers/bin/python; do
  if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import gufo.snmp' 2>/dev/null; then GUFO=$py; break; fi
done
ASNMP=""
for a in ${ASNMP_WALK:-} "$(command -v asnmp-walk || true)" /work/peers-asnmp/bin/asnmp-walk; do
  if [ -n "$a" ] && [ -x "$a" ]; then ASNMP=$a; break; fi
done

WORK=$(mktemp -d)
RPID=""
cleanup() {
  # The responder's status after the kill (143) must not become the script's.
  if [ -n "$RPID" ]; then kill "$RPID" 2>/dev/null || true; wait "$RPID" 2>/dev/null || true; fi
  if [ -n "${KEEP:-}" ]; then echo "work directory kept: $WORK"; else rm -rf "$WORK"; fi
  return 0
}
trap cleanup EXIT
# PIN=1: the responder on CPU 1 and every client on CPU 0. Unpinned, the scheduler sometimes
# puts client and responder on one core (no cross-core wake-ups: a walk then takes a third of
# the time) and sometimes not, run by run, which is most of the spread between runs. Pinned,
# every tool walks as it would against an agent on another host.
RPFX=(); CPFX=""
if [ "${PIN:-0}" = 1 ]; then RPFX=(taskset -c 1); CPFX="taskset -c 0"; fi
"${RPFX[@]}" "$RESPONDER" "127.0.0.1:$PORT" "$IFACES" >"$WORK/responder.out" 2>&1 &
RPID=$!
for _ in $(seq 100); do
  grep -q '^ready' "$WORK/responder.out" 2>/dev/null && break
  kill -0 "$RPID" 2>/dev/null || { cat "$WORK/responder.out"; exit 1; }
  sleep 0.1
done
grep '^ready' "$WORK/responder.out" || { echo "responder did not start"; exit 1; }

# net-snmp reads no configuration of the user's; both tools load net-snmp's default modules
# for the "names" leg and none for the others.
export SNMPCONFPATH="$WORK" HOME="$WORK"
unset MIBS MIBDIRS
AGENT="127.0.0.1:$PORT"
declare -A CMD
CMD[snmpkit]="$BIN bulkwalk -v2c -c public -m '' -On -Cr50 $AGENT $ROOT"
CMD[snmpbulkwalk]="snmpbulkwalk -v2c -c public -m '' -On -Cr50 $AGENT $ROOT"
CMD[names]="$BIN bulkwalk -v2c -c public -Cr50 $AGENT $ROOT"
TOOLS=(snmpkit snmpbulkwalk names)
if [ -n "$GUFO" ]; then
  CMD[gufo-snmp]="$GUFO benches/gufo_walk.py 127.0.0.1 $PORT $ROOT 50"
  TOOLS+=(gufo-snmp)
else
  echo "gufo-snmp: not installed (set GUFO_PY), column left out"
fi
if [ -n "$ASNMP" ]; then
  CMD[asnmp-walk]="$ASNMP -c public --max-rep 50 $AGENT $ROOT"
  TOOLS+=(asnmp-walk)
else
  echo "asnmp-walk: not installed (set ASNMP_WALK), column left out"
fi

# Same results from everyone before any timing.
eval "${CMD[snmpkit]}" >"$WORK/ours.txt"
eval "${CMD[snmpbulkwalk]}" >"$WORK/theirs.txt"
eval "$BIN bulkwalk -v2c -c public -Cr50 $AGENT $ROOT" >"$WORK/ours-names.txt"
# net-snmp is given the modules snmpkit loads by default (tests/common/mod.rs's list), from
# the reference MIBs beside the repository and our own mibs/.
REF=${SNMPKIT_REFERENCE_MIBS:-../shared/reference/mibs}
[ -d "$REF" ] || REF=/work/shared/reference/mibs
MODULES=$(sed -n '/^pub const BUILTIN_MODULES/,/";/p' tests/common/mod.rs | tr -d '\\\n' | sed 's/.*"\(.*\)".*/\1/')
if [ -d "$REF" ]; then
  snmpbulkwalk -M "$REF:$PWD/mibs" -m "$MODULES" -v2c -c public -Cr50 "$AGENT" "$ROOT" >"$WORK/theirs-names.txt"
else
  echo "$REF is absent: the output with names is compared by line count only"
  cp "$WORK/ours-names.txt" "$WORK/theirs-names.txt"
fi
N=$(wc -l <"$WORK/theirs.txt")
cmp -s "$WORK/ours.txt" "$WORK/theirs.txt" || { echo "FAIL: snmpkit -On output differs from snmpbulkwalk's"; exit 1; }
cmp -s "$WORK/ours-names.txt" "$WORK/theirs-names.txt" || { echo "FAIL: snmpkit output with names differs from snmpbulkwalk's"; exit 1; }
echo "varbinds: snmpbulkwalk=$N, snmpkit prints the same bytes (numeric and with names)"
if [ -n "$GUFO" ]; then
  g=$(eval "${CMD[gufo-snmp]}")
  [ "$g" = "$N" ] || { echo "FAIL: gufo-snmp counted $g varbinds, expected $N"; exit 1; }
  echo "varbinds: gufo-snmp=$g"
fi
if [ -n "$ASNMP" ]; then
  a=$(eval "${CMD[asnmp-walk]}" | grep -c ' = ')
  [ "$a" = "$N" ] || { echo "FAIL: asnmp-walk printed $a varbinds, expected $N"; exit 1; }
  echo "varbinds: asnmp-walk=$a"
fi

# Peak memory, once each (GNU time's resolution is too coarse for the CPU times below).
declare -A RSS
for t in "${TOOLS[@]}"; do
  /usr/bin/time -f '%M' -o "$WORK/rss" bash -c "exec $CPFX ${CMD[$t]} >/dev/null"
  RSS[$t]=$(tail -1 "$WORK/rss")
done

# Bash's time: wall, user and sys in milliseconds.
TIMEFORMAT='%3R %3U %3S'
# RUNS rounds; each round runs every tool once, so load changes hit all alike. Unpinned, a
# walk's speed depended on what ran just before it (whichever tool followed asnmp-walk was
# the fast one, 0.09 s of CPU against 0.12 for the same binary after another walk), so each
# timed run starts after the same idle pause (SETTLE seconds, default 0.3), and every other
# round runs the tools in reverse order.
SETTLE=${SETTLE:-0.3}
NT=${#TOOLS[@]}
for r in $(seq "$RUNS"); do
  for i in $(seq 0 $((NT - 1))); do
    if [ $((r % 2)) = 0 ]; then t=${TOOLS[$i]}; else t=${TOOLS[$((NT - 1 - i))]}; fi
    sleep "$SETTLE"
    { time bash -c "exec $CPFX ${CMD[$t]} >/dev/null"; } 2>"$WORK/t"
    read -r wall u s <"$WORK/t"
    echo "$t $wall $(awk -v u="$u" -v s="$s" 'BEGIN{print u+s}')" >>"$WORK/times"
  done
done

median() { sort -g | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2 }'; }
declare -A CPU WALL
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)   runs: $RUNS each, medians, output to /dev/null, pinned: ${PIN:-0}"
printf '%-13s %9s %9s %9s\n' tool "cpu s" "wall s" "max RSS"
for t in "${TOOLS[@]}"; do
  CPU[$t]=$(awk -v t="$t" '$1==t{print $3}' "$WORK/times" | median)
  WALL[$t]=$(awk -v t="$t" '$1==t{print $2}' "$WORK/times" | median)
  printf '%-13s %9.3f %9.3f %7.1f MiB\n' "$t" "${CPU[$t]}" "${WALL[$t]}" "$(awk -v k="${RSS[$t]}" 'BEGIN{print k/1024}')"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "n/a" }'; }
verdict() { awk -v r="$1" -v g="$2" 'BEGIN{ print (r <= g) ? "met" : "NOT met" }'; }
echo
echo "issue 13, client-bound walk of $N varbinds (ratio, goal):"
row() {
  local r; r=$(ratio "$2" "$3")
  printf '  %-52s %5s×  (goal ≤ %s×, %s)\n' "$1" "$r" "$4" "$(verdict "$r" "$4")"
}
row "CPU, snmpkit vs snmpbulkwalk (-m '' -On -Cr50)" "${CPU[snmpkit]}" "${CPU[snmpbulkwalk]}" 0.45
if [ -n "$GUFO" ]; then
  row "CPU, snmpkit vs gufo-snmp" "${CPU[snmpkit]}" "${CPU[gufo-snmp]}" 0.5
fi
row "wall, snmpkit vs snmpbulkwalk" "${WALL[snmpkit]}" "${WALL[snmpbulkwalk]}" 0.6
row "CPU, snmpkit with MIB names vs -m '' -On" "${CPU[names]}" "${CPU[snmpkit]}" 1.15
if [ -n "$ASNMP" ]; then
  printf '  %-52s %5s×  (extra peer, no goal)\n' "CPU, snmpkit vs asnmp-walk" "$(ratio "${CPU[snmpkit]}" "${CPU[asnmp-walk]}")"
  printf '  %-52s %5s×  (extra peer, no goal)\n' "wall, snmpkit vs asnmp-walk" "$(ratio "${WALL[snmpkit]}" "${WALL[asnmp-walk]}")"
fi
