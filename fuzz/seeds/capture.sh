#!/usr/bin/env bash
# Regenerates the seed corpus from real traffic: net-snmp's tools talk to net-snmp's snmpd and
# snmptrapd on loopback through a recording relay (capture_relay.py), and every datagram, in
# both directions, becomes one seed file named after what it is. v1, v2c and v3 (noAuth,
# MD5/DES, SHA/AES, SHA-256/AES-256: discovery, Reports, encrypted requests and responses),
# traps and informs. The keys are the lab's test passphrases, so the usm_open seeds are
# exercised with those datagrams too.
#
# Usage: fuzz/seeds/capture.sh    (writes fuzz/seeds/decode_message/*.bin; needs snmpd, snmptrapd,
#                                   snmpget & co., python3)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$here/../.."
out="$here/decode_message"
mkdir -p "$out"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work" 2>/dev/null || true; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

agent=$(free_port)
mkdir -p "$work/persist"
cat "$repo/lab/snmpd.conf" > "$work/snmpd.conf"
cat >> "$work/snmpd.conf" <<CONF
rwuser shaaes priv
rwuser md5des priv
rwuser sha256 priv
rouser noauth noauth
CONF
cat > "$work/persist/snmpd.conf" <<CONF
createUser shaaes SHA authpass123 AES privpass123
createUser md5des MD5 authpass123 DES privpass123
createUser sha256 SHA-256 authpass123 AES-256 privpass123
createUser noauth
CONF
SNMP_PERSISTENT_DIR="$work/persist" SNMPCONFPATH="$work" MIBS="" \
  /usr/sbin/snmpd -f -C -c "$work/snmpd.conf" -Lf "$work/snmpd.log" "udp:127.0.0.1:$agent" &
pids+=($!)
trapd=$(free_port)
cat > "$work/snmptrapd.conf" <<CONF
authCommunity log public
createUser -e 0x8000000001020304 shaaes SHA authpass123 AES privpass123
authUser log shaaes
CONF
SNMP_PERSISTENT_DIR="$work/persist-trapd" SNMPCONFPATH="$work" MIBS="" \
  /usr/sbin/snmptrapd -f -C -c "$work/snmptrapd.conf" -Lf "$work/trapd.log" "udp:127.0.0.1:$trapd" &
pids+=($!)

relay() { # relay NAME TARGET_PORT: starts a recording relay, its port in $p
  local pf="$work/$1.port"
  python3 "$here/capture_relay.py" "$pf" "$2" "$out/$1" >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$pf" ] && break; sleep 0.05; done
  p=$(cat "$pf")
}

for _ in $(seq 100); do
  snmpget -v2c -c public -t 0.2 -r 0 -m "" "127.0.0.1:$agent" 1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break
done

run() { local tool=$1; shift; SNMPCONFPATH="$work" MIBS="" SNMP_PERSISTENT_DIR="$work/p-$RANDOM" "$tool" -m "" -t 1 -r 1 "$@" >/dev/null 2>&1 || true; }

relay v1-get "$agent"; run snmpget -v1 -c public "127.0.0.1:$p" 1.3.6.1.2.1.1.1.0 1.3.6.1.2.1.1.3.0
relay v1-nosuch "$agent"; run snmpget -v1 -c public "127.0.0.1:$p" 1.3.6.1.2.1.1.99.0
relay v2c-get "$agent"; run snmpget -v2c -c public "127.0.0.1:$p" 1.3.6.1.2.1.1.1.0 1.3.6.1.2.1.1.2.0 1.3.6.1.2.1.1.99.0
relay v2c-bulk "$agent"; run snmpbulkget -v2c -c public -Cr8 "127.0.0.1:$p" 1.3.6.1.2.1.2.2.1
relay v2c-set "$agent"; run snmpset -v2c -c private "127.0.0.1:$p" 1.3.6.1.2.1.1.6.0 s lab-room
relay v2c-badset "$agent"; run snmpset -v2c -c private "127.0.0.1:$p" 1.3.6.1.2.1.1.3.0 t 5
relay v2c-end "$agent"; run snmpgetnext -v2c -c public "127.0.0.1:$p" 1.3.6.1.6.3.99
relay v3-noauth "$agent"; run snmpget -v3 -l noAuthNoPriv -u noauth "127.0.0.1:$p" 1.3.6.1.2.1.1.5.0
relay v3-md5des "$agent"; run snmpget -v3 -l authPriv -u md5des -a MD5 -A authpass123 -x DES -X privpass123 "127.0.0.1:$p" 1.3.6.1.2.1.1.5.0
relay v3-shaaes "$agent"; run snmpget -v3 -l authPriv -u shaaes -a SHA -A authpass123 -x AES -X privpass123 "127.0.0.1:$p" 1.3.6.1.2.1.1.5.0 1.3.6.1.2.1.1.3.0
relay v3-sha256 "$agent"; run snmpget -v3 -l authPriv -u sha256 -a SHA-256 -A authpass123 -x AES-256 -X privpass123 "127.0.0.1:$p" 1.3.6.1.2.1.1.5.0
relay v3-wrongpass "$agent"; run snmpget -v3 -l authPriv -u shaaes -a SHA -A wrongpass99 -x AES -X privpass123 "127.0.0.1:$p" 1.3.6.1.2.1.1.5.0
relay v3-unknownuser "$agent"; run snmpget -v3 -l authNoPriv -u nobody -a SHA -A authpass123 "127.0.0.1:$p" 1.3.6.1.2.1.1.5.0
relay v1-trap "$trapd"; run snmptrap -v1 -c public "127.0.0.1:$p" 1.3.6.1.4.1.8072 192.0.2.7 2 0 100 1.3.6.1.2.1.2.2.1.1.2 i 2
relay v2c-trap "$trapd"; run snmptrap -v2c -c public "127.0.0.1:$p" 100 1.3.6.1.6.3.1.1.5.3 1.3.6.1.2.1.2.2.1.1.2 i 2 1.3.6.1.2.1.1.5.0 s host 1.3.6.1.2.1.31.1.1.1.6.1 C 18446744073709551615 1.3.6.1.2.1.4.20.1.1.1 a 10.0.0.1 1.3.6.1.2.1.2.2.1.10.1 c 4294967295 1.3.6.1.2.1.2.2.1.5.1 u 1000000000
relay v2c-inform "$trapd"; run snmpinform -v2c -c public "127.0.0.1:$p" 100 1.3.6.1.6.3.1.1.5.4
relay v3-trap "$trapd"; run snmptrap -v3 -e 0x8000000001020304 -l authPriv -u shaaes -a SHA -A authpass123 -x AES -X privpass123 "127.0.0.1:$p" 100 1.3.6.1.6.3.1.1.5.3
relay v3-inform "$trapd"; run snmpinform -v3 -l authPriv -u shaaes -a SHA -A authpass123 -x AES -X privpass123 "127.0.0.1:$p" 100 1.3.6.1.6.3.1.1.5.4
sleep 0.3
ls "$out" | wc -l
