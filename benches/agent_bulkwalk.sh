#!/usr/bin/env bash
# Whole-tree `snmpbulkwalk -v2c -Cr25` against three agents serving the same data, N times each
# in one run, and the ratios:
#   (a) net-snmp's snmpd (lab/snmpd.conf),
#   (b) `snmpkit agent` replaying a recording of that snmpd (`snmpbulkwalk -m '' -On`),
#   (c) snmpsim replaying the same recording, converted to .snmprec by the small converter
#       below (snmpsim-record-commands is not used: it hung against snmpd in our first try).
# Before timing, each replay is walked once and compared with the recording, data line for
# data line (the `No more variables left` lines that end a walk are not data).
# Needs net-snmp (snmpd, snmpbulkwalk). snmpsim is optional: SNMPSIM_VENV=DIR names a venv made
# with Debian's /usr/bin/python3 (python3-venv, python3-gdbm) and `pip install snmpsim pysmi`;
# without it (c) is skipped. snmpsim refuses to run as root, so it runs as nobody:nogroup from
# a data dir under /tmp. SIM_N=M times snmpsim over M walks instead of N (it is slow); its
# ratio is then per walk.
# Usage: [SNMPSIM_VENV=DIR] [SIM_N=M] benches/agent_bulkwalk.sh [N]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20}
SNMPKIT=$(cargo build --release --quiet --message-format=json --bin snmpkit \
  | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1)
SNMPD=$(command -v snmpd || echo /usr/sbin/snmpd)
BASE=${BASE_PORT:-23161}
P_SNMPD=$BASE; P_AGENT=$((BASE + 1)); P_SIM=$((BASE + 2))
WORK=$(mktemp -d); chmod 755 "$WORK"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done  # snmpd saves state as it exits
  rm -rf "$WORK"
}
trap cleanup EXIT
export MIBS= SNMPCONFPATH=$WORK HOME=$WORK

mkdir -p "$WORK/persist"
SNMP_PERSISTENT_DIR="$WORK/persist" "$SNMPD" -f -C -c lab/snmpd.conf -Lf "$WORK/snmpd.log" \
  "udp:127.0.0.1:$P_SNMPD" &
PIDS+=($!)
ready() { for _ in $(seq 100); do snmpget -v2c -c public -t 0.2 -r 0 "127.0.0.1:$1" .1.3.6.1.2.1.1.1.0 >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "agent on port $1 did not start" >&2; exit 1; }
ready "$P_SNMPD"

snmpbulkwalk -v2c -c public -m '' -On -Cr25 "127.0.0.1:$P_SNMPD" .1 >"$WORK/snmpd.snmpwalk"
echo "recording: $(wc -l <"$WORK/snmpd.snmpwalk") lines"
"$SNMPKIT" agent --data "$WORK/snmpd.snmpwalk" "udp:127.0.0.1:$P_AGENT" 2>"$WORK/agent.log" &
PIDS+=($!)
ready "$P_AGENT"

SIM=0
if [ -n "${SNMPSIM_VENV:-}" ] && [ -x "$SNMPSIM_VENV/bin/snmpsim-command-responder" ]; then
  mkdir -p "$WORK/data" "$WORK/cache"
  # snmpwalk -On -m '' text -> snmprec `OID|TAG|VALUE`. Octet strings are written in hex (`4x`)
  # so that any byte, `|` and newlines survive; Opaque Float/Double as net-snmp's opaque
  # special types (9F 78 / 9F 79); anything the walk can print that has no form here stops.
  cat >"$WORK/walk2snmprec.py" <<'EOF'
import re, struct, sys

def convert(src, dst):
    rec = re.compile(r'^(\.[0-9]+(?:\.[0-9]+)*) = (.*)$', re.S)
    records, cur, open_quote = [], None, False

    def quote_open(text):
        # after 'STRING: "', is the quoted string still open at the end of text?
        body = text[len('STRING: "'):]
        i, closed = 0, False
        while i < len(body):
            c = body[i]
            if c == '\\':
                i += 2
                continue
            if c == '"':
                closed = True
                break
            i += 1
        return not closed

    with open(src, encoding='latin-1', newline='\n') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if cur is not None and open_quote:
                cur[2] += '\n' + line
                open_quote = quote_open(cur[2])
                continue
            m = rec.match(line)
            if m:
                cur = [n, m.group(1), m.group(2)]
                records.append(cur)
                open_quote = cur[2].startswith('STRING: "') and quote_open(cur[2])
            elif cur is not None and cur[2].startswith('Hex-STRING:'):
                cur[2] += ' ' + line
            elif line.strip():
                sys.exit(f'{src}:{n}: not a varbind line: {line!r}')

    simple = {'INTEGER': '2', 'Counter32': '65', 'Gauge32': '66', 'Counter64': '70', 'IpAddress': '64'}
    with open(dst, 'w', encoding='latin-1', newline='\n') as out:
        for n, oid, v in records:
            oid = oid[1:]
            if v.startswith(('No more variables left', 'No Such Object', 'No Such Instance')):
                continue  # the end of the walk, not data
            kind, _, rest = v.partition(': ')
            if v == '""':
                out.write(f'{oid}|4|\n')
            elif v == 'NULL':
                out.write(f'{oid}|5|\n')
            elif kind == 'STRING' and rest.startswith('"') and rest.endswith('"'):
                raw = re.sub(r'\\(.)', r'\1', rest[1:-1], flags=re.S)
                out.write(f'{oid}|4x|{raw.encode("latin-1").hex()}\n')
            elif kind == 'Hex-STRING':
                out.write(f'{oid}|4x|{"".join(rest.split()).lower()}\n')
            elif kind in simple and re.fullmatch(r'[0-9.-]+', rest):
                out.write(f'{oid}|{simple[kind]}|{rest}\n')
            elif kind == 'OID' and rest.startswith('.'):
                out.write(f'{oid}|6|{rest[1:]}\n')
            elif kind == 'Timeticks' and re.match(r'\(([0-9]+)\)', rest):
                out.write(f'{oid}|67|{re.match(r"[(]([0-9]+)[)]", rest).group(1)}\n')
            elif kind == 'Opaque' and rest.startswith('Float: '):
                # Opaque wrapping the net-snmp opaque-special float: 9F 78 04 <IEEE single>
                out.write(f'{oid}|68x|9f7804{struct.pack(">f", float(rest[7:])).hex()}\n')
            elif kind == 'Opaque' and rest.startswith('Double: '):
                out.write(f'{oid}|68x|9f7908{struct.pack(">d", float(rest[8:])).hex()}\n')
            else:
                sys.exit(f'{src}:{n}: no .snmprec form for this value: {v!r}')
    return len(records)

print(convert(sys.argv[1], sys.argv[2]))
EOF
  "$SNMPSIM_VENV/bin/python" "$WORK/walk2snmprec.py" "$WORK/snmpd.snmpwalk" \
    "$WORK/data/public.snmprec" >/dev/null
  echo "snmprec for snmpsim: $(wc -l <"$WORK/data/public.snmprec") varbinds"
  chmod 755 "$WORK/data"; chmod 644 "$WORK/data/public.snmprec"; chmod 777 "$WORK/cache"
  # --log-level=error: no log line per request, snmpsim's fastest setting.
  "$SNMPSIM_VENV/bin/snmpsim-command-responder" --data-dir="$WORK/data" --cache-dir="$WORK/cache" \
    --agent-udpv4-endpoint="127.0.0.1:$P_SIM" --process-user=nobody --process-group=nogroup \
    --log-level=error >"$WORK/sim.log" 2>&1 &
  PIDS+=($!)
  ready "$P_SIM"
  SIM=1
fi

# The data lines of a walk (without the end-of-MIB lines).
data() { grep -v ' = No more variables left in this MIB View' "$1" || true; }
# A replay walked once must give the recording back: same data lines (a replayed sysUpTime
# ticks on, so that line may differ). Prints how many recorded lines differ; stops if the
# number of data lines differs.
check() {
  local port=$1 name=$2 n_rec n_out ndiff
  snmpbulkwalk -v2c -c public -m '' -On -Cr25 "127.0.0.1:$port" .1 >"$WORK/check.$port"
  n_rec=$(data "$WORK/snmpd.snmpwalk" | wc -l); n_out=$(data "$WORK/check.$port" | wc -l)
  ndiff=$(diff <(data "$WORK/snmpd.snmpwalk") <(data "$WORK/check.$port") | grep -c '^>' || true)
  echo "$name: $n_out data lines for the recording's $n_rec; $ndiff differ:" \
    "$(diff <(data "$WORK/snmpd.snmpwalk") <(data "$WORK/check.$port") | grep '^>' | cut -c3- \
      | cut -d' ' -f1 | head -n 5 | tr '\n' ' ')"
  if [ "$n_rec" != "$n_out" ]; then echo "$name does not replay the recording" >&2; exit 1; fi
}
check "$P_AGENT" "snmpkit agent"
if [ "$SIM" = 1 ]; then check "$P_SIM" snmpsim; fi

# Each agent: walks whole-tree walks; prints seconds for all of them; keeps one walk's output.
bench() {
  local port=$1 walks=$2 t0 t1
  snmpbulkwalk -v2c -c public -m '' -On -Cr25 "127.0.0.1:$port" .1 >"$WORK/out.$port"
  t0=$(date +%s.%N)
  for _ in $(seq "$walks"); do
    snmpbulkwalk -v2c -c public -m '' -On -Cr25 "127.0.0.1:$port" .1 >/dev/null
  done
  t1=$(date +%s.%N)
  echo "$t0 $t1" | awk '{printf "%.3f", $2 - $1}'
}
SIM_N=${SIM_N:-$N}
echo "load average before timing: $(cut -d' ' -f1-3 /proc/loadavg)"
T_SNMPD=$(bench "$P_SNMPD" "$N"); T_AGENT=$(bench "$P_AGENT" "$N")
if [ "$SIM" = 1 ]; then T_SIM=$(bench "$P_SIM" "$SIM_N"); fi
echo "load average after timing: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
# lines: what one walk prints; data lines: those without the end-of-MIB lines;
# ratio: time per walk / snmpd's time per walk.
row() {
  printf '%-14s %6s %10s %6s %10s %9.1f %7.3f\n' "$1" "$(wc -l <"$WORK/out.$2")" \
    "$(data "$WORK/out.$2" | wc -l)" "$3" "$4" "$(echo "$4 $3" | awk '{print 1000 * $1 / $2}')" \
    "$(echo "$4 $3 $T_SNMPD $N" | awk '{print ($1 / $2) / ($3 / $4)}')"
}
printf '%-14s %6s %10s %6s %10s %9s %7s\n' agent lines "data lines" walks "time s" "ms/walk" ratio
row snmpd "$P_SNMPD" "$N" "$T_SNMPD"
row "snmpkit agent" "$P_AGENT" "$N" "$T_AGENT"
if [ "$SIM" = 1 ]; then row snmpsim "$P_SIM" "$SIM_N" "$T_SIM"; fi
