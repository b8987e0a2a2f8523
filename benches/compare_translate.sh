#!/usr/bin/env bash
# Startup cost with MIBs, snmpkit against snmptranslate, in one run:
#  1. the default modules: `snmpkit translate sysName.0` (built-in precompiled model) against
#     `snmptranslate -IR sysName.0` loading net-snmp's default list from the reference collection;
#  2. `-m ALL` over the reference collection: snmpkit parsing it (no cache), snmpkit reading
#     its per-user cache of the resolved model, and snmptranslate.
# Prints wall time (hyperfine when installed, a timed loop otherwise) and peak RSS
# (/usr/bin/time). Needs ../shared/reference/mibs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
TARGET=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
BIN="$TARGET/release/snmpkit"
REF=$(cd ../shared/reference/mibs && pwd)
CACHE=$(mktemp -d); trap 'rm -rf "$CACHE"' EXIT
export SNMPCONFPATH=/nonexistent XDG_CACHE_HOME="$CACHE"; unset MIBS MIBDIRS
RUNS=${RUNS:-100}
ours_default="$BIN translate sysName.0"
theirs_default="env MIBDIRS=$REF snmptranslate -IR sysName.0"
ours_all_cold="env SNMPKIT_NO_MIB_CACHE=1 $BIN translate -m ALL -M $REF sysName.0"
ours_all_cached="$BIN translate -m ALL -M $REF sysName.0"
theirs_all="snmptranslate -m ALL -M $REF -IR sysName.0"
$ours_all_cached >/dev/null   # fills the cache
echo "== outputs"
for c in "$ours_default" "$theirs_default" "$ours_all_cached" "$theirs_all"; do
  printf '%-60s %s\n' "${c:0:60}" "$($c)"
done
echo "== peak RSS (KB)"
for c in "$ours_default" "$theirs_default" "$ours_all_cold" "$ours_all_cached" "$theirs_all"; do
  printf '%-60s %s\n' "${c:0:60}" "$(/usr/bin/time -f %M $c 2>&1 >/dev/null | tail -1)"
done
echo "== wall time"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 3 --runs "$RUNS" "$ours_default" "$theirs_default" \
    "$ours_all_cold" "$ours_all_cached" "$theirs_all"
else
  for c in "$ours_default" "$theirs_default" "$ours_all_cold" "$ours_all_cached" "$theirs_all"; do
    start=$(date +%s%N)
    for _ in $(seq "$RUNS"); do $c >/dev/null; done
    end=$(date +%s%N)
    echo "$(( (end - start) / RUNS / 1000 )) us mean over $RUNS runs: $c"
  done
fi
