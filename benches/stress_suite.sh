#!/usr/bin/env bash
# Runs the whole test suite N times in a row while a CPU hog keeps every core busy, to prove
# the suite does not flake under load (issue 14). Usage:
#   benches/stress_suite.sh [N]        (default 5)
# The hog is `stress-ng --cpu 2` when installed, else two shell busy loops. The tests are built
# once first; each run's output is kept in target/stress/run-K.log, and a summary is printed:
#   run K: ok|FAILED (duration, failing tests)
# Exit status: 0 when every run passed.
set -uo pipefail
cd "$(dirname "$0")/.."
n="${1:-5}"
logs=target/stress
mkdir -p "$logs"
echo "== building the tests"
cargo test --no-run --quiet || exit 1
hog_pids=()
stop_hog() { for p in "${hog_pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; hog_pids=(); }
trap stop_hog EXIT
if command -v stress-ng >/dev/null 2>&1; then
  stress-ng --cpu 2 --quiet &
  hog_pids+=($!)
  hog="stress-ng --cpu 2"
else
  for _ in 1 2; do (while :; do :; done) & hog_pids+=($!); done
  hog="two busy loops"
fi
echo "== CPU hog: $hog; $n runs of cargo test"
failed=0
for k in $(seq 1 "$n"); do
  start=$(date +%s)
  if cargo test --quiet >"$logs/run-$k.log" 2>&1; then
    echo "run $k: ok ($(( $(date +%s) - start )) s)"
  else
    failed=$((failed + 1))
    tests=$(grep -E '^    [A-Za-z0-9_:]+$|^test .* FAILED$' "$logs/run-$k.log" | sed 's/^ *//; s/^test //; s/ \.\.\. FAILED$//' | sort -u | paste -sd' ')
    echo "run $k: FAILED ($(( $(date +%s) - start )) s): ${tests:-see $logs/run-$k.log}"
  fi
done
stop_hog
echo "== $((n - failed)) of $n runs passed under $hog (logs in $logs/)"
[ "$failed" -eq 0 ]
