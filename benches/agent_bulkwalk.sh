#!/usr/bin/env bash
# Whole-tree `snmpbulkwalk -v2c -Cr25` against three agents serving the same data, N times each
# in one run, and the ratios:
#   (a) net-snmp's snmpd (lab/snmpd.conf),
#   (b) `snmpkit agent` replaying a recording of that snmpd (`snmpbulkwalk -m '' -On`),
#   (c) snmpsim replaying the same snmpd, recorded by snmpsim-record-commands as .snmprec.
# Needs net-snmp (snmpd, snmpbulkwalk). snmpsim is optional: SNMPSIM_VENV=DIR names a venv with
# `pip install snmpsim pysmi` (made with /usr/bin/python3, python3-gdbm installed); without it
# (c) is skipped. Note: in our first run snmpsim-record-commands hung against snmpd (see BENCHMARKS.md).
# Usage: benches/agent_bulkwalk.sh [N]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20}
SNMPKIT=$(cargo build --release --quiet --message-format=json --bin snmpkit \
  | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1)
SNMPD=$(command -v snmpd || echo /usr/sbin/snmpd)
BASE=${BASE_PORT:-23161}
P_SNMPD=$BASE; P_AGENT=$((BASE + 1)); P_SIM=$((BASE + 2))
WORK=$(mktemp -d); chmod 755 "$WORK"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
export MIBS= SNMPCONFPATH=$WORK HOME=$WORK

mkdir -p "$WORK/persist"
SNMP_PERSISTENT_DIR="$WORK/persist" "$SNMPD" -f -C -c lab/snmpd.conf -Lf "$WORK/snmpd.log" \
  "udp:127.0.0.1:$P_SNMPD" &
PIDS+=($!)
ready() { for _ in $(seq 100); do snmpget -v2c -c public -t 0.2 -r 0 "127.0.0.1:$1" .1.3.6.1.2.1.1.1.0 >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "agent on port $1 did not start" >&2; exit 1; }
ready "$P_SNMPD"

snmpbulkwalk -v2c -c public -m '' -On -Cr25 "127.0.0.1:$P_SNMPD" .1 >"$WORK/snmpd.snmpwalk"
echo "recording: $(wc -l <"$WORK/snmpd.snmpwalk") lines"
"$SNMPKIT" agent --data "$WORK/snmpd.snmpwalk" "udp:127.0.0.1:$P_AGENT" 2>"$WORK/agent.log" &
PIDS+=($!)
ready "$P_AGENT"

SIM=0
if [ -n "${SNMPSIM_VENV:-}" ] && [ -x "$SNMPSIM_VENV/bin/snmpsim-command-responder" ]; then
  mkdir -p "$WORK/data" "$WORK/cache"
  "$SNMPSIM_VENV/bin/snmpsim-record-commands" --agent-udpv4-endpoint="127.0.0.1:$P_SNMPD" \
    --community=public --use-getbulk --getbulk-repetitions=25 \
    --output-file="$WORK/data/public.snmprec" >"$WORK/record.log" 2>&1
  echo "snmpsim recording: $(wc -l <"$WORK/data/public.snmprec") lines"
  chmod -R a+rwX "$WORK/data" "$WORK/cache"
  "$SNMPSIM_VENV/bin/snmpsim-command-responder" --data-dir="$WORK/data" --cache-dir="$WORK/cache" \
    --agent-udpv4-endpoint="127.0.0.1:$P_SIM" --process-user=nobody --process-group=nogroup \
    >"$WORK/sim.log" 2>&1 &
  PIDS+=($!)
  ready "$P_SIM"
  SIM=1
fi

# Each agent: N whole-tree walks; prints seconds for all N and the line count of one walk.
bench() {
  local port=$1 t0 t1
  snmpbulkwalk -v2c -c public -m '' -On -Cr25 "127.0.0.1:$port" .1 >"$WORK/out.$port"
  t0=$(date +%s.%N)
  for _ in $(seq "$N"); do
    snmpbulkwalk -v2c -c public -m '' -On -Cr25 "127.0.0.1:$port" .1 >/dev/null
  done
  t1=$(date +%s.%N)
  echo "$t0 $t1" | awk '{printf "%.3f", $2 - $1}'
}
T_SNMPD=$(bench "$P_SNMPD"); T_AGENT=$(bench "$P_AGENT")
echo
printf '%-16s %8s %12s %8s\n' agent "lines" "${N} walks s" ratio
printf '%-16s %8s %12s %8s\n' snmpd "$(wc -l <"$WORK/out.$P_SNMPD")" "$T_SNMPD" 1.00
printf '%-16s %8s %12s %8.2f\n' "snmpkit agent" "$(wc -l <"$WORK/out.$P_AGENT")" "$T_AGENT" \
  "$(echo "$T_AGENT $T_SNMPD" | awk '{print $1 / $2}')"
if [ "$SIM" = 1 ]; then
  T_SIM=$(bench "$P_SIM")
  printf '%-16s %8s %12s %8.2f\n' snmpsim "$(wc -l <"$WORK/out.$P_SIM")" "$T_SIM" \
    "$(echo "$T_SIM $T_SNMPD" | awk '{print $1 / $2}')"
fi
