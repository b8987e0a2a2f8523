#!/usr/bin/env bash
# Runs fuzz targets with their seed corpus: fuzz/run.sh SECONDS [TARGET...] (default: every
# target of `cargo fuzz list`; seeds from fuzz/seeds/TARGET when that directory exists).
# Needs a nightly toolchain and cargo-fuzz. New inputs go to fuzz/corpus/TARGET (not kept in
# git); crashes to fuzz/artifacts/TARGET. Prints one summary line per target:
#   TARGET: N runs in S s, corpus C, crashes K
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:?usage: fuzz/run.sh SECONDS [TARGET...]}"
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  # Seeds kept in git: fuzz/seeds/TARGET (optional).
  seeds=""
  [ -d "seeds/$t" ] && seeds="seeds/$t"
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
  # No stats line means the target did not build or start: say so (and show the log's end)
  # instead of letting pipefail end the script without a word.
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  if [ -z "$runs" ]; then
    result="FAILED TO RUN (see $log)"
    status=1
    tail -20 "$log" >&2
  fi
  echo "$t: ${runs:-?} runs in ${secs} s, corpus $(ls "corpus/$t" | wc -l) inputs, $result"
done
exit $status
