#!/usr/bin/env bash
# Runs fuzz targets with their seed corpus: fuzz/run.sh SECONDS [TARGET...] (default: all).
# Needs a nightly toolchain and cargo-fuzz. New inputs go to fuzz/corpus/TARGET (not kept in
# git); crashes to fuzz/artifacts/TARGET. Prints one summary line per target:
#   TARGET: N runs in S s, corpus C, crashes K
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:?usage: fuzz/run.sh SECONDS [TARGET...]}"
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(decode_message decode_scoped_pdu usm_open trapd_conf snmp_conf)
fi
seeds_of() {
  case "$1" in
    decode_message) echo seeds/message ;;
    decode_scoped_pdu) echo seeds/scoped ;;
    usm_open) echo seeds/usm ;;
    trapd_conf) echo seeds/trapd_conf ;;
    snmp_conf) echo seeds/snmp_conf ;;
    *) echo "" ;;
  esac
}
status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  seeds=$(seeds_of "$t")
  log="corpus/$t.log"
  # -rss_limit_mb and -max_len keep a run bounded in memory; -timeout flags a slow input.
  if cargo +nightly fuzz run -O "$t" "corpus/$t" ${seeds:+"$seeds"} -- \
      -max_total_time="$secs" -rss_limit_mb=1024 -max_len=4096 -timeout=5 \
      -print_final_stats=1 >"$log" 2>&1; then
    result="no crash"
  else
    result="CRASH (see $log and artifacts/$t)"
    status=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  echo "$t: ${runs:-?} runs in ${secs} s, corpus $(ls "corpus/$t" | wc -l) inputs, $result"
done
exit $status
