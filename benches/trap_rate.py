#!/usr/bin/env python3
"""Highest sustained trap rate with nothing lost: snmpkit listen vs net-snmp's snmptrapd,
for SNMPv2c and for SNMPv3 authPriv (SHA/AES), on a quiet and on a busy machine.

One trap of each kind is captured from net-snmp's snmptrap (the v3 one with
`-v3 -e ENGINEID -u benchuser -l authPriv -a SHA -x AES`), then replayed by this one
generator, BURST times at a paced rate, into each receiver on 127.0.0.1. Each receiver writes
what it decodes to a file (snmpkit: `listen --json` JSON lines; snmptrapd: its `-Lf` log). A
rate passes when every trap of the burst is in the file.

The replayed v3 trap repeats the same msgID, engine boots and engine time: both receivers
accept it as net-snmp does, because it stays inside the 150-second time window of RFC 3414
(each receiver is a fresh process per rate, and a burst lasts seconds). Each copy is still
decoded, its HMAC verified and its ScopedPDU decrypted: nothing is cached per packet.

"Busy machine": `--busy` runs `stress-ng --cpu 2` (two CPU hogs, one per core of this
machine; override with --hogs N) beside the generator and the receiver for the whole
measurement of that rate, and stops it afterwards.

Usage (from the repository root, after `cargo build --release`):
  benches/trap_rate.py [BURST] [RATE...]                 v2c, quiet, both receivers
  benches/trap_rate.py --burst 50000 --rates 100000,150000 \\
      --cases snmpkit-v2c,snmpkit-v3,snmptrapd-v2c,snmptrapd-v3 --load quiet,busy
Prints one line per measurement (with the 1-minute load average when it started), then a
summary table, then the best lossless rate of each receiver and load. Exit status 0.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

MARK = "1.3.6.1.4.1.8072.9999.77"
ENGINE_ID = "0x8000000001020304"
V3_USER, V3_AUTH, V3_PRIV = "benchuser", "benchauthpass", "benchprivpass"
ALL_CASES = ["snmpkit-v2c", "snmpkit-v3", "snmptrapd-v2c", "snmptrapd-v3"]


def release_binary(root):
    """The release snmpkit, wherever cargo puts it (CARGO_TARGET_DIR included)."""
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=root, check=True, capture_output=True, text=True,
    )
    return os.path.join(json.loads(meta.stdout)["target_directory"], "release", "snmpkit")


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def capture_trap(version_args):
    """One datagram exactly as net-snmp's snmptrap sends it."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(10)
    port = s.getsockname()[1]
    work = tempfile.mkdtemp()
    subprocess.run(["snmptrap", *version_args, "-m", "", f"127.0.0.1:{port}", "12345",
                    MARK, "1.3.6.1.2.1.2.2.1.1.2", "i", "2", "1.3.6.1.2.1.2.2.1.2.2", "s", "eth0"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=dict(os.environ, SNMPCONFPATH=work, SNMP_PERSISTENT_DIR=work, MIBS=""))
    data, _ = s.recvfrom(65535)
    s.close()
    shutil.rmtree(work, ignore_errors=True)
    return data


BLASTER = None  # the compiled benches/udp_blast.c, when a C compiler is there


def build_blaster(root, work):
    """Compiles benches/udp_blast.c (sendmmsg, paced): a generator cheap enough to keep
    150,000 datagrams/s on a busy 2-core machine, which this Python loop cannot."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        return None
    exe = os.path.join(work, "udp_blast")
    r = subprocess.run([cc, "-O2", "-o", exe, os.path.join(root, "benches", "udp_blast.c")],
                       capture_output=True, text=True)
    return exe if r.returncode == 0 else None


def blast(data, port, count, rate):
    if BLASTER:
        fd, path = tempfile.mkstemp()
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        try:
            # The generator stands for the network: it keeps its pace ahead of the CPU hogs
            # and of other work on the machine (real-time priority where allowed, else
            # nice -15; it needs a fraction of one core and sleeps between batches), so on a
            # busy machine the receiver, not the generator, is what competes with them.
            cmd = [BLASTER, path, str(port), str(count), str(rate)]
            if os.geteuid() == 0 and shutil.which("chrt"):
                cmd = ["chrt", "-f", "10"] + cmd
            elif os.geteuid() == 0 and shutil.which("nice"):
                cmd = ["nice", "-n", "-15"] + cmd
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        finally:
            os.unlink(path)
        return float(out.strip())
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dest = ("127.0.0.1", port)
    start = time.perf_counter()
    batch = max(1, rate // 1000)
    sent = 0
    while sent < count:
        n = min(batch, count - sent)
        for _ in range(n):
            s.sendto(data, dest)
        sent += n
        ahead = start + sent / rate - time.perf_counter()
        if ahead > 0:
            time.sleep(ahead)
    return sent / (time.perf_counter() - start)


def count_in(path, needle):
    try:
        with open(path, "rb") as f:
            return f.read().count(needle)
    except FileNotFoundError:
        return 0


def wait_stable(path, needle, want):
    last, since = -1, time.time()
    while True:
        c = count_in(path, needle)
        if c >= want:
            return c
        if c != last:
            last, since = c, time.time()
        elif time.time() - since > 2.0:
            return c
        time.sleep(0.1)


def wait_ready(p, port, probe_path, needle, probe, deadline=15.0):
    """Waits until the receiver logs a probe datagram (so it is bound and decoding): sends the
    probe every 100 ms until it appears in the output. Returns how many probes were counted."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    end = time.time() + deadline
    while time.time() < end and p.poll() is None:
        s.sendto(probe, ("127.0.0.1", port))
        time.sleep(0.1)
        c = count_in(probe_path, needle)
        if c > 0:
            time.sleep(0.2)
            return count_in(probe_path, needle)
    raise RuntimeError("receiver did not start")


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def start_hogs(n):
    return subprocess.Popen(["stress-ng", "--cpu", str(n), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def stop_hogs(h):
    if h is None:
        return
    try:
        os.killpg(h.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        h.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(h.pid, signal.SIGKILL)
        h.wait()


def run_one(case, cmd, out_path, needle, data, rate, burst, env, stdout_to_file, stderr_path):
    port = free_port()
    cmd = [c.replace("PORT", str(port)) for c in cmd]
    # A fresh persistent directory per run: a second snmptrapd sharing one does not start.
    env = dict(env, SNMP_PERSISTENT_DIR=tempfile.mkdtemp())
    out = open(out_path, "wb") if stdout_to_file else subprocess.DEVNULL
    err = open(stderr_path, "wb")
    p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
    before = wait_ready(p, port, out_path, needle, data)
    achieved = blast(data, port, burst, rate)
    wait_stable(out_path, needle, before + burst)
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    if stdout_to_file:
        out.close()
    err.close()
    # Count again once the receiver has exited and flushed what it buffered.
    got = count_in(out_path, needle) - before
    return achieved, got


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pos", nargs="*", type=int, help="BURST then RATE... (old form)")
    ap.add_argument("--burst", type=int)
    ap.add_argument("--rates", help="comma-separated rates per second")
    ap.add_argument("--cases", default="snmpkit-v2c,snmptrapd-v2c",
                    help="comma-separated: " + ",".join(ALL_CASES) + " (or all)")
    ap.add_argument("--load", default="quiet", help="quiet, busy or quiet,busy")
    ap.add_argument("--hogs", type=int, default=2, help="stress-ng CPU hogs when busy")
    ap.add_argument("--listen-args", default="", help="extra arguments for snmpkit listen")
    a = ap.parse_args()
    burst = a.burst or (a.pos[0] if a.pos else 50_000)
    if a.rates:
        rates = [int(r) for r in a.rates.split(",")]
    else:
        rates = a.pos[1:] or [5_000, 10_000, 20_000, 50_000, 100_000, 200_000]
    cases = ALL_CASES if a.cases == "all" else a.cases.split(",")
    loads = a.load.split(",")
    for c in cases:
        if c not in ALL_CASES:
            sys.exit(f"unknown case {c}")
    if "busy" in loads and not shutil.which("stress-ng"):
        sys.exit("--load busy needs stress-ng (Debian package stress-ng)")

    root = os.getcwd()
    snmpkit = release_binary(root)
    trapd = shutil.which("snmptrapd") or "/usr/sbin/snmptrapd"
    traps = {
        "v2c": capture_trap(["-v2c", "-c", "public"]),
        "v3": capture_trap(["-v3", "-e", ENGINE_ID, "-u", V3_USER, "-l", "authPriv",
                            "-a", "SHA", "-A", V3_AUTH, "-x", "AES", "-X", V3_PRIV]),
    }
    print(f"traps: v2c {len(traps['v2c'])} bytes, v3 authPriv SHA/AES {len(traps['v3'])} bytes;"
          f" burst {burst}; cases {','.join(cases)}; load {','.join(loads)}")
    print(f"uname: {os.uname().release}; cpus: {os.cpu_count()}; "
          f"net.core.rmem_max: {open('/proc/sys/net/core/rmem_max').read().strip()}",
          flush=True)
    work = tempfile.mkdtemp()
    global BLASTER
    BLASTER = build_blaster(root, work)
    print("generator: " + ("benches/udp_blast.c (sendmmsg, real-time priority as root)" if BLASTER else
                           "Python sendto loop (no C compiler)"), flush=True)
    conf = os.path.join(work, "snmptrapd.conf")
    with open(conf, "w") as f:
        f.write("disableAuthorization yes\ndoNotLogTraps no\n"
                f"createUser -e {ENGINE_ID} {V3_USER} SHA {V3_AUTH} AES {V3_PRIV}\n"
                f"authUser log {V3_USER}\n")
    env = dict(os.environ, MIBS="", SNMPCONFPATH=work, SNMP_PERSISTENT_DIR=work)
    extra = a.listen_args.split()
    results = {}  # (load, case, rate) -> (got, achieved, loadavg)
    for load in loads:
        for rate in rates:
            hogs = start_hogs(a.hogs) if load == "busy" else None
            try:
                if hogs:
                    time.sleep(1.0)
                for case in cases:
                    who, ver = case.split("-")
                    la = loadavg()
                    stem = os.path.join(work, f"{case}-{load}-{rate}")
                    if who == "snmpkit":
                        cmd = [snmpkit, "listen", "--json", "-m", "", "-C", conf,
                               "--state-file", stem + ".state", *extra, "udp:127.0.0.1:PORT"]
                        achieved, got = run_one(case, cmd, stem + ".out", b'"received_at"',
                                                traps[ver], rate, burst, env, True,
                                                stem + ".err")
                    else:
                        cmd = [trapd, "-f", "-n", "-C", "-c", conf, "-m", "", "-On",
                               "-Lf", stem + ".out", "udp:127.0.0.1:PORT"]
                        achieved, got = run_one(case, cmd, stem + ".out", MARK.encode(),
                                                traps[ver], rate, burst, env, False,
                                                stem + ".err")
                    results[(load, case, rate)] = (got, achieved, la)
                    summary = ""
                    if who == "snmpkit":
                        with open(stem + ".err", errors="replace") as f:
                            lines = [l.strip() for l in f if "received" in l]
                        summary = "  [" + (lines[-1] if lines else "no summary") + "]"
                    ok = "OK" if got == burst else f"LOST {burst - got}"
                    if achieved < 0.95 * rate:
                        ok += " (generator below the rate)"
                    print(f"{load:5} {case:13} rate {rate:>7}/s (sent at {achieved:>9.0f}/s, "
                          f"load {la:4.2f})  received {got:>7}/{burst}  {ok}{summary}",
                          flush=True)
            finally:
                stop_hogs(hogs)
    shutil.rmtree(work, ignore_errors=True)

    print()
    print("| rate | load | " + " | ".join(cases) + " |")
    print("|---|---|" + "---|" * len(cases))
    for load in loads:
        for rate in rates:
            cells = []
            for case in cases:
                got, achieved, la = results[(load, case, rate)]
                pct = 100.0 * got / burst
                cells.append(f"{got:,}/{burst:,} ({pct:.1f}%)")
            la = max(results[(load, c, rate)][2] for c in cases)
            print(f"| {rate:,}/s | {load} (load ≤{la:.2f}) | " + " | ".join(cells) + " |")
    print()
    for load in loads:
        for case in cases:
            best = max([r for r in rates if results[(load, case, r)][0] == burst], default=0)
            print(f"best lossless rate {case} ({load}): {best:,}/s")


if __name__ == "__main__":
    main()
