#!/usr/bin/env bash
# Startup cost with MIBs: `snmpkit translate sysName.0` (built-in modules) against
# `snmptranslate -IR sysName.0` loading the same modules from the reference collection.
# Needs hyperfine (Debian package hyperfine) and ../shared/reference/mibs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
MODS=$(ls mibs/*.txt | xargs -n1 basename | sed 's/\.txt$//' | paste -sd: -)
REF=$(cd ../shared/reference/mibs && pwd)
export SNMPCONFPATH=/nonexistent; unset MIBS MIBDIRS
echo "snmpkit:      $(target/release/snmpkit translate sysName.0)"
echo "snmptranslate: $(snmptranslate -M "$REF:$PWD/mibs" -m "$MODS" -IR sysName.0)"
hyperfine -N --warmup 5 --runs ${RUNS:-200} \
  "target/release/snmpkit translate sysName.0" \
  "snmptranslate -M $REF:$PWD/mibs -m $MODS -IR sysName.0"
