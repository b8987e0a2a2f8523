#!/usr/bin/env bash
# snmpkit's main job, end to end: start a lab agent (net-snmp's snmpd) on loopback with the
# config in this directory, then use snmpkit to read the system group, walk the interface
# table with GetBulk, and set sysName. The agent is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v snmpd >/dev/null 2>&1 && [ ! -x /usr/sbin/snmpd ]; then
  echo "== installing net-snmp's snmpd (Debian package snmpd)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends snmpd
fi
SNMPD=$(command -v snmpd || echo /usr/sbin/snmpd)

cargo build --release --quiet
SNMPKIT=target/release/snmpkit

PORT=${PORT:-11161}
WORK=$(mktemp -d)
cleanup() {
  local pid
  pid=$(cat "$WORK/snmpd.pid" 2>/dev/null || true)
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/persist"
SNMP_PERSISTENT_DIR="$WORK/persist" "$SNMPD" -C -c lab/snmpd.conf -Lf "$WORK/snmpd.log" \
  -p "$WORK/snmpd.pid" "udp:127.0.0.1:$PORT,udp6:[::1]:$PORT"
for _ in $(seq 50); do
  "$SNMPKIT" get -v2c -c public -t 0.2 -r 0 "127.0.0.1:$PORT" 1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break
  sleep 0.1
done

AGENT="127.0.0.1:$PORT"
run() { echo; echo "\$ snmpkit $*"; "$SNMPKIT" "$@"; }

run get -v2c -c public "$AGENT" sysDescr.0 sysObjectID.0 sysUpTime.0 sysContact.0 sysName.0 sysLocation.0
run bulkwalk -v2c -c public -Cr20 "$AGENT" ifTable
run table -v2c -c public "$AGENT" ifTable
run set -v2c -c private "$AGENT" sysName.0 s lab-router-1
run get -v2c -c public "$AGENT" sysName.0
run get -v2c -c public --json "$AGENT" sysName.0
run get -v3 -u labuser -l authPriv -a SHA-256 -A labauth123 -x AES -X labpriv123 "$AGENT" sysName.0 sysUpTime.0
