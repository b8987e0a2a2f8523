#!/usr/bin/env bash
# Issue 13, row 1: a whole-tree bulkwalk of a real snmpd with each tool's DEFAULT options
# (no -Cr, names from the default MIB list), snmpkit against net-snmp's snmpbulkwalk.
#
# - snmpd runs with lab/snmpd.conf on a loopback port (as benches/compare_bulkwalk.sh does).
# - snmpbulkwalk reads the default module list from the full MIB collection
#   ($SNMPKIT_REFERENCE_MIBS, else shared/reference/mibs beside the repository), as it would
#   on a host with net-snmp's MIBs installed; snmpkit runs with no MIB options at all.
# - Both outputs are compared first (names and types of every record, rows that churn on a
#   live host left out); the script stops if they differ.
# - Then N interleaved runs of each (ours, theirs, ours, ...): wall and CPU (user+sys) per
#   run, means and medians, snmpd's own CPU and run-queue wait per walk, and the ratio
#   snmpkit / snmpbulkwalk at the end. A third leg, snmpkit -Cr10 (the fixed size snmpkit
#   used before issue 13), is timed for reference (CR10=0 leaves it out).
#
# Usage: benches/default_walk.sh [N] [OID]      (N default 15, OID default .1)
# Environment: PORT (default 11163), EXTRA_CONF (lines added to snmpd.conf), SNMPD.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-15}
OID=${2:-.1}
PORT=${PORT:-11163}
cargo build --release --quiet
BIN="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/snmpkit"
SNMPD=${SNMPD:-$(command -v snmpd || echo /usr/sbin/snmpd)}
REF=${SNMPKIT_REFERENCE_MIBS:-}
if [ -z "$REF" ]; then
  for d in ../shared/reference/mibs /work/shared/reference/mibs; do
    [ -d "$d" ] && { REF=$(cd "$d" && pwd); break; }
  done
fi
[ -n "$REF" ] && [ -d "$REF" ] || { echo "no reference MIB collection (set SNMPKIT_REFERENCE_MIBS)" >&2; exit 1; }

WORK=$(mktemp -d)
mkdir -p "$WORK/persist" "$WORK/conf"
cp lab/snmpd.conf "$WORK/snmpd.conf"
[ -n "${EXTRA_CONF:-}" ] && printf '%s\n' "$EXTRA_CONF" >> "$WORK/snmpd.conf"
SNMP_PERSISTENT_DIR="$WORK/persist" SNMPCONFPATH="$WORK" MIBS="" \
  "$SNMPD" -C -c "$WORK/snmpd.conf" -Lf /dev/null -p "$WORK/pid" "udp:127.0.0.1:$PORT"
cleanup() {
  if [ -f "$WORK/pid" ]; then
    pid=$(cat "$WORK/pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
AGENT="127.0.0.1:$PORT"
# Neither tool reads a user's snmp.conf; MIBS/MIBDIRS are unset except where said.
export SNMPCONFPATH="$WORK/conf"
unset MIBS MIBDIRS
for _ in $(seq 100); do
  snmpget -v2c -c public -m '' -t 0.2 -r 0 "$AGENT" .1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break
  sleep 0.1
done

ours() { "$BIN" bulkwalk -v2c -c public "$AGENT" "$OID"; }
# For reference: snmpkit with snmpbulkwalk's fixed size (what it did before issue 13).
ours_cr10() { "$BIN" bulkwalk -v2c -c public -Cr10 "$AGENT" "$OID"; }
theirs() { MIBDIRS="$REF" snmpbulkwalk -v2c -c public "$AGENT" "$OID"; }

# The same lines: every record's name and type (values of counters, clocks and process rows
# move between two walks), in order.
shape() {
  awk '
    / = / && ($1 ~ /::/ || $1 ~ /^(iso|\.)/) {
      name = $1; rest = substr($0, index($0, " = ") + 3)
      type = (rest ~ /^[A-Za-z0-9 -]+: /) ? substr(rest, 1, index(rest, ":")) : rest
      print name " = " type
    }' | grep -Ev '::(hrSWRun|tcpConn|tcpListener|udpLocal|udpEndpoint|ipNetToMedia|ipNetToPhysical|atIfIndex|atPhysAddress|atNetAddress|ipv6NetToMedia)' || true
}
ours >"$WORK/ours.txt" 2>"$WORK/ours.err"
theirs >"$WORK/theirs.txt" 2>"$WORK/theirs.err"
shape <"$WORK/ours.txt" >"$WORK/ours.shape"
shape <"$WORK/theirs.txt" >"$WORK/theirs.shape"
lo=$(wc -l <"$WORK/ours.txt"); lt=$(wc -l <"$WORK/theirs.txt")
same=$(diff "$WORK/ours.txt" "$WORK/theirs.txt" | grep -c '^<' || true)
echo "lines: snmpkit=$lo snmpbulkwalk=$lt (lines whose text differs, values that moved included: $same)"
if ! diff -q "$WORK/ours.shape" "$WORK/theirs.shape" >/dev/null; then
  echo "OUTPUTS DIFFER (names/types):" >&2
  diff "$WORK/ours.shape" "$WORK/theirs.shape" | head -20 >&2
  exit 1
fi
echo "same names and types in the same order: $(wc -l <"$WORK/ours.shape") records (churning rows left out)"
[ -s "$WORK/ours.err" ] && { echo "snmpkit stderr:"; head -5 "$WORK/ours.err"; }

# Requests per walk, counted from -d (snmpbulkwalk's default is -Cr10).
req_ours=$("$BIN" bulkwalk -d -v2c -c public "$AGENT" "$OID" 2>&1 >/dev/null | grep -c '^Sending' || true)
req_theirs=$(MIBDIRS="$REF" snmpbulkwalk -d -v2c -c public "$AGENT" "$OID" 2>&1 >/dev/null | grep -c '^Sending' || true)
echo "requests per walk: snmpkit=$req_ours snmpbulkwalk=$req_theirs"

echo "load before: $(uptime)"
TIMEFORMAT='%R %U %S'
: >"$WORK/t_ours"; : >"$WORK/t_theirs"; : >"$WORK/t_cr10"
SPID=$(cat "$WORK/pid")
# snmpd's own CPU time and run-queue wait (ns) per walk, from /proc/PID/schedstat.
sched() { read -r c w _ <"/proc/$SPID/schedstat"; echo "$c $w"; }
ours_sd_c=0; ours_sd_w=0; theirs_sd_c=0; theirs_sd_w=0
for _ in $(seq "$N"); do
  read -r c0 w0 <<<"$(sched)"
  { time ours >/dev/null 2>&1; } 2>>"$WORK/t_ours"
  read -r c1 w1 <<<"$(sched)"
  { time theirs >/dev/null 2>&1; } 2>>"$WORK/t_theirs"
  read -r c2 w2 <<<"$(sched)"
  [ "${CR10:-1}" = 0 ] || { time ours_cr10 >/dev/null 2>&1; } 2>>"$WORK/t_cr10"
  ours_sd_c=$((ours_sd_c + c1 - c0)); ours_sd_w=$((ours_sd_w + w1 - w0))
  theirs_sd_c=$((theirs_sd_c + c2 - c1)); theirs_sd_w=$((theirs_sd_w + w2 - w1))
done
echo "load after:  $(uptime)"
stats() { # file of "wall user sys" lines -> "mean_wall median_wall mean_cpu median_cpu"
  python3 -c '
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
w = [r[0] for r in rows]; c = [r[1] + r[2] for r in rows]
print("%.4f %.4f %.4f %.4f" % (statistics.mean(w), statistics.median(w), statistics.mean(c), statistics.median(c)))
' "$1"
}
read -r ow omw oc omc <<<"$(stats "$WORK/t_ours")"
read -r tw tmw tc tmc <<<"$(stats "$WORK/t_theirs")"
echo
echo "== default whole-tree bulkwalk ($OID) of snmpd on loopback, $N interleaved runs each =="
printf '%-14s wall mean %.4f s  median %.4f s   cpu mean %.4f s  median %.4f s\n' snmpkit "$ow" "$omw" "$oc" "$omc"
printf '%-14s wall mean %.4f s  median %.4f s   cpu mean %.4f s  median %.4f s\n' snmpbulkwalk "$tw" "$tmw" "$tc" "$tmc"
if [ -s "$WORK/t_cr10" ]; then
  read -r rw rmw rc rmc <<<"$(stats "$WORK/t_cr10")"
  printf '%-14s wall mean %.4f s  median %.4f s   cpu mean %.4f s  median %.4f s   (reference: snmpkit -Cr10)\n' "snmpkit -Cr10" "$rw" "$rmw" "$rc" "$rmc"
fi
awk -v a="$ours_sd_c" -v b="$ours_sd_w" -v c="$theirs_sd_c" -v d="$theirs_sd_w" -v n="$N" 'BEGIN{
  printf "snmpd per walk: cpu %.1f ms, waiting for a cpu %.1f ms (snmpkit) / cpu %.1f ms, waiting %.1f ms (snmpbulkwalk)\n", a/n/1e6, b/n/1e6, c/n/1e6, d/n/1e6 }'
awk -v a="$omw" -v b="$tmw" -v c="$omc" -v d="$tmc" -v e="$ow" -v f="$tw" 'BEGIN{
  printf "RATIO snmpkit/snmpbulkwalk: wall %.2fx (median; mean %.2fx), cpu %.2fx (median)   goal: wall <= 0.6x\n", a/b, e/f, c/d }'
