#!/usr/bin/env bash
# Startup cost with MIBs: `snmpkit translate sysName.0` (built-in modules) against
# `snmptranslate -IR sysName.0` loading the same modules from the reference collection.
# Uses hyperfine when installed (a timed loop otherwise); needs ../shared/reference/mibs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
MODS=$(ls mibs/*.txt | xargs -n1 basename | sed 's/\.txt$//' | paste -sd: -)
REF=$(cd ../shared/reference/mibs && pwd)
export SNMPCONFPATH=/nonexistent; unset MIBS MIBDIRS
echo "snmpkit:      $(target/release/snmpkit translate sysName.0)"
echo "snmptranslate: $(snmptranslate -M "$REF:$PWD/mibs" -m "$MODS" -IR sysName.0)"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 5 --runs ${RUNS:-200} \
    "target/release/snmpkit translate sysName.0" \
    "snmptranslate -M $REF:$PWD/mibs -m $MODS -IR sysName.0"
else
  # Without hyperfine: the mean of RUNS runs of each, timed by bash.
  n=${RUNS:-200}
  for cmd in "target/release/snmpkit translate sysName.0" \
             "snmptranslate -M $REF:$PWD/mibs -m $MODS -IR sysName.0"; do
    start=$(date +%s%N)
    for _ in $(seq "$n"); do $cmd >/dev/null; done
    end=$(date +%s%N)
    echo "$(( (end - start) / n / 1000 )) us mean over $n runs: ${cmd%% -M*}"
  done
fi
