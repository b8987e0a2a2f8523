#!/usr/bin/env bash
# snmpkit's five jobs, end to end, against a lab agent on loopback:
#   1. the system group by Get;  2. the interface table by GetBulk, and as a table;
#   3. setting sysName;  4. `snmpkit listen` printing the linkDown the agent sends when an
#   interface is shut;  5. SNMPv3: discovery, then authPriv with MD5/DES and SHA-256/AES.
#
# The agent is `snmpkit agent` replaying lab/router.snmpwalk (a synthetic router) with
# lab/agent.conf, so nothing needs to be installed beyond cargo. LAB_AGENT=snmpd uses
# net-snmp's snmpd with lab/snmpd.conf instead (it must be installed; this script installs
# nothing).
#
# Usage: lab/run-lab.sh [--keep]
#   --keep   leave the lab agent running afterwards (for README's examples), and say how to stop it
# Environment: PORT (agent port, default 11161), TRAP_PORT (listener port, default PORT+1),
#   LAB_AGENT (snmpkit | snmpd), CARGO_TARGET_DIR is honoured.
set -euo pipefail
cd "$(dirname "$0")/.."

KEEP=0
for a in "$@"; do
  case "$a" in
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-lab.sh: unknown argument $a (try --help)" >&2; exit 2 ;;
  esac
done

LAB_AGENT=${LAB_AGENT:-snmpkit}
PORT=${PORT:-11161}
TRAP_PORT=${TRAP_PORT:-$((PORT + 1))}
AGENT="127.0.0.1:$PORT"

# Ask cargo where the binary is (CARGO_TARGET_DIR, workspaces and custom profiles included).
# Only the JSON messages go through the pipe: cargo's progress ("Compiling ...", the bar on a
# terminal) and any diagnostics stay on stderr, so a cold build (minutes) is not silent.
echo "== building snmpkit (cargo build --release; the first build takes a few minutes)"
SNMPKIT=$(cargo build --release --message-format=json-render-diagnostics --bin snmpkit \
  | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1)
if [ -z "$SNMPKIT" ] || [ ! -x "$SNMPKIT" ]; then
  echo "run-lab.sh: cargo did not report the snmpkit executable" >&2
  exit 1
fi

WORK=$(mktemp -d)
AGENT_PID=
LISTEN_PID=
cleanup() {
  [ -n "$LISTEN_PID" ] && kill "$LISTEN_PID" 2>/dev/null || true
  if [ "$KEEP" = 0 ] && [ -n "$AGENT_PID" ]; then
    kill "$AGENT_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$AGENT_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  if [ "$KEEP" = 0 ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

port_taken() {
  echo "run-lab.sh: UDP port $1 on 127.0.0.1 is taken (another lab agent or snmpd?)." >&2
  echo "  Stop it, or pick other ports: PORT=12161 lab/run-lab.sh" >&2
  exit 1
}

case "$LAB_AGENT" in
  snmpkit)
    cp lab/agent.conf "$WORK/agent.conf"
    echo "trap2sink 127.0.0.1:$TRAP_PORT public" >>"$WORK/agent.conf"
    echo "== starting the lab agent: snmpkit agent --config lab/agent.conf --data lab/router.snmpwalk"
    "$SNMPKIT" agent --config "$WORK/agent.conf" --data lab/router.snmpwalk \
      --state-file "$WORK/agent.state" "udp:127.0.0.1:$PORT" "udp6:[::1]:$PORT" \
      </dev/null >/dev/null 2>"$WORK/agent.log" &
    AGENT_PID=$!
    # Wait for the readiness line (or the agent's exit).
    for _ in $(seq 100); do
      grep -q "listening on" "$WORK/agent.log" 2>/dev/null && break
      kill -0 "$AGENT_PID" 2>/dev/null || break
      sleep 0.1
    done
    if ! grep -q "listening on" "$WORK/agent.log"; then
      grep -q "in use" "$WORK/agent.log" && { AGENT_PID=; port_taken "$PORT"; }
      echo "run-lab.sh: the lab agent did not start:" >&2; cat "$WORK/agent.log" >&2
      exit 1
    fi
    STOP="kill $AGENT_PID; rm -rf $WORK"
    ;;
  snmpd)
    SNMPD=$(command -v snmpd || { [ -x /usr/sbin/snmpd ] && echo /usr/sbin/snmpd; } || true)
    if [ -z "$SNMPD" ]; then
      echo "run-lab.sh: LAB_AGENT=snmpd needs net-snmp's snmpd (Debian: apt-get install snmpd)," >&2
      echo "  or run without LAB_AGENT to use snmpkit's own agent." >&2
      exit 1
    fi
    mkdir -p "$WORK/persist"
    cp lab/snmpd.conf "$WORK/snmpd.conf"
    echo "trap2sink 127.0.0.1:$TRAP_PORT public" >>"$WORK/snmpd.conf"
    echo "== starting the lab agent: snmpd -C -c lab/snmpd.conf"
    SNMP_PERSISTENT_DIR="$WORK/persist" "$SNMPD" -C -c "$WORK/snmpd.conf" -Lf "$WORK/agent.log" \
      -p "$WORK/snmpd.pid" "udp:127.0.0.1:$PORT,udp6:[::1]:$PORT" || true
    for _ in $(seq 50); do
      "$SNMPKIT" get -v2c -c public -t 0.2 -r 0 "$AGENT" 1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break
      sleep 0.1
    done
    AGENT_PID=$(cat "$WORK/snmpd.pid" 2>/dev/null || true)
    if ! "$SNMPKIT" get -v2c -c public -t 0.5 -r 0 "$AGENT" 1.3.6.1.2.1.1.3.0 >/dev/null 2>&1; then
      grep -qi "in use\|bind" "$WORK/agent.log" 2>/dev/null && port_taken "$PORT"
      echo "run-lab.sh: snmpd did not start:" >&2; cat "$WORK/agent.log" >&2
      exit 1
    fi
    STOP="kill $AGENT_PID; rm -rf $WORK"
    ;;
  *) echo "run-lab.sh: LAB_AGENT must be snmpkit or snmpd, not $LAB_AGENT" >&2; exit 2 ;;
esac

run() { echo; echo "\$ snmpkit $*"; "$SNMPKIT" "$@"; }

echo; echo "== 1. the system group, by Get"
run get -v2c -c public "$AGENT" sysDescr.0 sysObjectID.0 sysUpTime.0 sysContact.0 sysName.0 sysLocation.0

echo; echo "== 2. the interface table, by GetBulk and as a table"
run bulkwalk -v2c -c public -Cr25 "$AGENT" ifDescr
run table -v2c -c public -Cr25 "$AGENT" ifTable

echo; echo "== 3. setting sysName"
run set -v2c -c private "$AGENT" sysName.0 s lab-router-1
run get -v2c -c public "$AGENT" sysName.0
run get -v2c -c public --json "$AGENT" sysName.0

echo; echo "== 4. a trap receiver sees the interface go down"
echo "\$ snmpkit listen udp:127.0.0.1:$TRAP_PORT &"
"$SNMPKIT" listen "udp:127.0.0.1:$TRAP_PORT" </dev/null >"$WORK/listen.out" 2>"$WORK/listen.err" &
LISTEN_PID=$!
for _ in $(seq 100); do
  grep -q "listening on" "$WORK/listen.err" 2>/dev/null && break
  kill -0 "$LISTEN_PID" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q "listening on" "$WORK/listen.err"; then
  grep -q "in use" "$WORK/listen.err" && port_taken "$TRAP_PORT"
  echo "run-lab.sh: snmpkit listen did not start:" >&2; cat "$WORK/listen.err" >&2
  exit 1
fi
if [ "$LAB_AGENT" = snmpd ]; then
  # net-snmp's Linux agent does not let ifAdminStatus be set; send the trap it would send.
  echo "(snmpd refuses to set ifAdminStatus on Linux: sending the linkDown with snmpkit trap instead)"
  run trap -v2c -c public "127.0.0.1:$TRAP_PORT" '' IF-MIB::linkDown \
    ifIndex.2 i 2 ifAdminStatus.2 i 2 ifOperStatus.2 i 2
else
  run set -v2c -c private "$AGENT" ifAdminStatus.2 i 2
fi
for _ in $(seq 100); do
  grep -q "linkDown" "$WORK/listen.out" && break
  sleep 0.1
done
sleep 0.2
kill "$LISTEN_PID" 2>/dev/null || true
wait "$LISTEN_PID" 2>/dev/null || true
LISTEN_PID=
echo "--- snmpkit listen printed:"
cat "$WORK/listen.out"
grep -q "linkDown" "$WORK/listen.out" || { echo "run-lab.sh: no linkDown arrived" >&2; exit 1; }
if [ "$LAB_AGENT" = snmpkit ]; then
  run get -v2c -c public "$AGENT" ifAdminStatus.2 ifOperStatus.2
  run set -v2c -c private "$AGENT" ifAdminStatus.2 i 1
fi

echo; echo "== 5. SNMPv3: discovery, then authPriv"
echo "# The first v3 request is a discovery probe: the agent's Report carries its engine ID,"
echo "# boots and time (RFC 3414 section 4). -d lists the datagrams: probe, Report, request, response."
echo; echo "\$ snmpkit get -v3 -u labmd5 -l authPriv -a MD5 -A labauth123 -x DES -X labpriv123 -d $AGENT sysName.0"
"$SNMPKIT" get -v3 -u labmd5 -l authPriv -a MD5 -A labauth123 -x DES -X labpriv123 -d "$AGENT" sysName.0 2>&1 \
  | grep -E "^(Sending|Received)|^SNMPv2-MIB" || true
run get -v3 -u labmd5 -l authPriv -a MD5 -A labauth123 -x DES -X labpriv123 "$AGENT" sysName.0 snmpEngineID.0
run get -v3 -u labuser -l authPriv -a SHA-256 -A labauth123 -x AES -X labpriv123 "$AGENT" sysName.0 sysUpTime.0 snmpEngineBoots.0

echo
if [ "$KEEP" = 1 ]; then
  echo "== the lab agent keeps running on $AGENT and udp6:[::1]:$PORT (pid $AGENT_PID)."
  echo "   Try: cargo run --example interfaces -- $AGENT public"
  echo "   Stop it with: $STOP"
else
  echo "== done (lab/run-lab.sh --keep leaves the agent running for README's examples)"
fi
