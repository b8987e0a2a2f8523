#!/usr/bin/env bash
# Whole-tree bulkwalk of the lab agent by snmpkit and by net-snmp's snmpbulkwalk, one after
# the other against the same snmpd, each repeated N times. Prints wall and CPU time.
# Usage: benches/compare_bulkwalk.sh [N] [OID] [extra options for both tools...]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5}; OID=${2:-.1}; shift $(( $# > 2 ? 2 : $# )) || true
EXTRA=("$@")
[ ${#EXTRA[@]} -gt 0 ] || EXTRA=(-v2c -c public)
cargo build --release --quiet
BIN="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/snmpkit"
SNMPD=$(command -v snmpd || echo /usr/sbin/snmpd)
WORK=$(mktemp -d); PORT=${PORT:-11162}
mkdir -p "$WORK/persist"
cp lab/snmpd.conf "$WORK/snmpd.conf"
[ -n "${EXTRA_CONF:-}" ] && printf '%s\n' "$EXTRA_CONF" >> "$WORK/snmpd.conf"
[ -n "${PERSIST_CONF:-}" ] && printf '%s\n' "$PERSIST_CONF" > "$WORK/persist/snmpd.conf"
SNMP_PERSISTENT_DIR="$WORK/persist" "$SNMPD" -C -c "$WORK/snmpd.conf" -Lf /dev/null -p "$WORK/pid" "udp:127.0.0.1:$PORT"
trap 'kill $(cat "$WORK/pid"); sleep 0.3; rm -rf "$WORK"' EXIT
sleep 1
export SNMPCONFPATH="$WORK" MIBS=""
lines_ours=$("$BIN" bulkwalk "${EXTRA[@]}" -m '' -On -Cr25 "127.0.0.1:$PORT" "$OID" | wc -l)
lines_theirs=$(snmpbulkwalk "${EXTRA[@]}" -m '' -On -Cr25 "127.0.0.1:$PORT" "$OID" | wc -l)
echo "lines: snmpkit=$lines_ours snmpbulkwalk=$lines_theirs"
TIMEFORMAT='%R %U %S'
measure() {
  local name=$1; shift
  local tot_r=0 tot_c=0
  for _ in $(seq "$N"); do
    t=$( { time "$@" >/dev/null; } 2>&1 )
    read -r r u s <<<"$t"
    tot_r=$(awk -v a="$tot_r" -v b="$r" 'BEGIN{print a+b}'); tot_c=$(awk -v a="$tot_c" -v b="$u" -v c="$s" 'BEGIN{print a+b+c}')
  done
  awk -v n="$name" -v r="$tot_r" -v c="$tot_c" -v k="$N" 'BEGIN{printf "%-14s wall %.3f s  cpu %.3f s  (mean of %d)\n", n, r/k, c/k, k}'
}
measure snmpkit "$BIN" bulkwalk "${EXTRA[@]}" -m '' -On -Cr25 "127.0.0.1:$PORT" "$OID"
measure snmpbulkwalk snmpbulkwalk "${EXTRA[@]}" -m '' -On -Cr25 "127.0.0.1:$PORT" "$OID"
