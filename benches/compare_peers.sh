#!/usr/bin/env bash
# Every row of issue 13's table in one go, each measured as a ratio against its peers in the
# same run:
#   row 1      benches/default_walk.sh   default-options whole-tree bulkwalk of snmpd, wall vs
#                                        snmpbulkwalk (both with names)
#   rows 2-5   benches/client_walk.sh    client-bound walk of a zero-cost responder (205k
#                                        varbinds): CPU and wall vs snmpbulkwalk, CPU vs
#                                        gufo-snmp (and asnmp-walk when installed), MIB names
#                                        vs -m '' -On
#   rows 6-7   benches/trap_rate.py      v3 authPriv (SHA/AES) and v2c traps replayed 50,000
#                                        times at 150k/s into `listen --json`, on a quiet and
#                                        on a busy machine (stress-ng --cpu 2), with snmptrapd
#                                        in the same run
# Peers are used where installed: net-snmp (snmpd, snmpbulkwalk, snmptrapd), gufo-snmp in a
# venv (GUFO_PY), async-snmp's asnmp-walk (ASNMP_WALK), stress-ng for the busy machine. Each
# script checks its tools print the same data before timing. The summary at the end repeats
# each script's verdict lines; the full logs are kept in $OUT (default: a temp directory).
#
# Usage: benches/compare_peers.sh [RUNS]      (RUNS default 15: walks per tool per row)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-15}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
cargo build --release --quiet
echo "logs in $OUT; load before: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== row 1: default whole-tree bulkwalk vs snmpbulkwalk"
# A script that fails (a check before timing, a missing peer) is reported; the rows after it
# still run.
benches/default_walk.sh "$RUNS" 2>&1 | tee "$OUT/row1.log" || echo "row 1: the script failed"
echo "== rows 2-5: client-bound walk"
benches/client_walk.sh "$RUNS" 2>&1 | tee "$OUT/rows2-5.log" || echo "rows 2-5: the script failed"
echo "== rows 6-7: traps at 150k/s, quiet and busy"
python3 benches/trap_rate.py --burst 50000 --rates 150000 \
  --cases snmpkit-v3,snmpkit-v2c,snmptrapd-v3,snmptrapd-v2c --load quiet,busy 2>&1 |
  tee "$OUT/rows6-7.log" || echo "rows 6-7: the script failed"

echo
echo "================ issue 13: summary (load after: $(cut -d' ' -f1-3 /proc/loadavg)) ================"
grep -E '^RATIO' "$OUT/row1.log" || echo "row 1: no ratio (see $OUT/row1.log)"
sed -n '/^issue 13, client-bound walk/,$p' "$OUT/rows2-5.log"
sed -n '/^| rate | load |/,$p' "$OUT/rows6-7.log"
