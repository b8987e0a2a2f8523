"""TrapReceiver against net-snmp's snmptrap: a v2c linkDown whose .to_json() is the line
`snmpkit listen --json` prints for the same trap; v3 authPriv traps from two engine IDs
through one user entry, with `async for`; a 20,000-trap burst at 20,000/s received by a
Python loop with none lost."""

import asyncio
import json
import subprocess
import sys
import time

import pytest

import snmpkit
from conftest import tool

LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
IF_INDEX_2 = "1.3.6.1.2.1.2.2.1.1.2"
IF_ADMIN_2 = "1.3.6.1.2.1.2.2.1.7.2"


def snmptrap(*args):
    out = subprocess.run([tool("snmptrap"), *args], capture_output=True, text=True, timeout=30,
                         env={"MIBS": "", "SNMPCONFPATH": "/nonexistent", "HOME": "/nonexistent", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr


def link_down_v2c(addr):
    snmptrap("-v2c", "-c", "public", "-m", "", addr, "4242", LINK_DOWN, IF_INDEX_2, "i", "2", IF_ADMIN_2, "i", "2")


def test_v2c_link_down_json_equals_listen(snmpkit_bin):
    listen = subprocess.Popen(
        [snmpkit_bin, "listen", "--json", "udp:127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        # Readiness: listen says where it listens on stderr (after any warnings).
        for _ in range(20):
            line = listen.stderr.readline()
            if not line or "listening on" in line:
                break
        assert "listening on" in line, line
        listen_addr = line.rsplit(" ", 1)[1].strip()
        with snmpkit.TrapReceiver("udp:127.0.0.1:0", community="public") as rx:
            (ours,) = rx.addresses
            link_down_v2c(f"udp:{ours}")
            link_down_v2c(listen_addr)
            n = rx.recv(timeout=10)
            theirs = json.loads(listen.stdout.readline())
    finally:
        listen.terminate()
        listen.wait(timeout=10)
    assert n.version == "2c" and n.pdu == "TrapV2" and n.community == "public"
    assert n.trap_oid == LINK_DOWN and n.trap_name == "IF-MIB::linkDown"
    assert n.uptime == 4242 and n.user is None
    assert [vb.name for vb in n.varbinds][-2:] == ["IF-MIB::ifIndex.2", "IF-MIB::ifAdminStatus.2"]
    assert n.varbinds[-1].text == "down"
    ours_json = n.to_json()
    # The two receptions differ only in when they happened and the sender's port.
    for j in (ours_json, theirs):
        assert j.pop("received_at")
        host, _port = j.pop("source").rsplit(":", 1)
        assert host == "127.0.0.1"
    assert ours_json == theirs
    assert theirs["trap_name"] == "IF-MIB::linkDown"


E1 = "8000000001020304"
E2 = "80000000010a0b0c0d"


def test_v3_traps_from_two_engines_async():
    user = dict(user="trapuser", auth_protocol="SHA-256", auth_password="trapauth123",
                priv_protocol="AES", priv_password="trappriv456")

    async def main():
        with snmpkit.TrapReceiver("udp:127.0.0.1:0", users=[user]) as rx:
            (addr,) = rx.addresses
            for e in (E1, E2):
                snmptrap("-v3", "-e", "0x" + e, "-u", "trapuser", "-l", "authPriv", "-a", "SHA-256",
                         "-A", "trapauth123", "-x", "AES", "-X", "trappriv456", f"udp:{addr}",
                         "500", LINK_DOWN, IF_INDEX_2, "i", "2")
            got = []
            async for n in rx:
                got.append(n)
                if len(got) == 2:
                    break
            return got

    got = asyncio.run(asyncio.wait_for(main(), 30))
    assert [n.engine_id for n in got] == [E1, E2]
    for n in got:
        assert (n.version, n.pdu, n.user, n.trap_name, n.uptime) == ("3", "TrapV2", "trapuser", "IF-MIB::linkDown", 500)
        assert n.to_json()["user"] == "trapuser"


BASE = 0x01000000
SENDER = r"""
import socket, sys, time
template, port, count, rate = bytes.fromhex(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
at = template.index(bytes.fromhex("020401000000")) + 2
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
start = time.monotonic()
sent = 0
while sent < count and time.monotonic() - start < 30:
    due = min(count, int((time.monotonic() - start) * rate) + 1)
    while sent < due:
        b = bytearray(template)
        b[at:at + 4] = (0x01000000 + sent).to_bytes(4, "big")
        s.sendto(b, ("127.0.0.1", port))
        sent += 1
    time.sleep(0.0005)
print(sent, time.monotonic() - start)
"""


def captured_trap():
    """One v2c trap as snmptrap encodes it, with a 4-octet INTEGER to number the copies."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        s.settimeout(10)
        snmptrap("-v2c", "-c", "public", "-m", "", "127.0.0.1:%d" % s.getsockname()[1], "4242",
                 LINK_DOWN, IF_INDEX_2, "i", str(BASE))
        data, _ = s.recvfrom(65536)
    assert data.count(bytes.fromhex("020401000000")) == 1
    return data


def test_burst_20000_at_20k_per_second_none_lost():
    count, rate = 20_000, 20_000
    template = captured_trap()
    with snmpkit.TrapReceiver("udp:127.0.0.1:0", community="public") as rx:
        port = int(rx.addresses[0].rsplit(":", 1)[1])
        sender = subprocess.Popen([sys.executable, "-c", SENDER, template.hex(), str(port), str(count), str(rate)],
                                  stdout=subprocess.PIPE, text=True)
        seen = set()
        try:
            while len(seen) < count:
                try:
                    n = rx.recv(timeout=10)
                except snmpkit.TimeoutError:
                    break
                seen.add(n.varbinds[-1].value - BASE)
        finally:
            out, _ = sender.communicate(timeout=60)
        stats = rx.stats()
    sent = int(out.split()[0])
    assert sent == count, out
    assert len(seen) == count, (len(seen), stats, out)
    assert seen == set(range(count))
    assert stats["dropped"] == 0 and not stats["kernel_drops"], stats
    print("burst:", out.strip(), stats)


def test_config_file_and_informs_are_acknowledged(tmp_path):
    conf = tmp_path / "snmptrapd.conf"
    conf.write_text(
        "authCommunity log,execute,net private\n"
        f"createUser -e 0x{E1} confuser MD5 confauth123 DES confpriv456\n"
    )
    with snmpkit.TrapReceiver("udp:127.0.0.1:0", config=str(conf)) as rx:
        (addr,) = rx.addresses
        # snmpinform exits 0 only once the receiver has acknowledged the inform.
        out = subprocess.run([tool("snmpinform"), "-v2c", "-c", "private", "-m", "", "-t", "2", "-r", "1",
                              f"udp:{addr}", "77", LINK_DOWN, IF_INDEX_2, "i", "2"],
                             capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
        n = rx.recv(timeout=10)
        assert (n.pdu, n.community, n.trap_name) == ("Inform", "private", "IF-MIB::linkDown")
        snmptrap("-v3", "-e", "0x" + E1, "-u", "confuser", "-l", "authPriv", "-a", "MD5", "-A", "confauth123",
                 "-x", "DES", "-X", "confpriv456", f"udp:{addr}", "500", LINK_DOWN, IF_INDEX_2, "i", "2")
        n = rx.recv(timeout=10)
        assert (n.version, n.user, n.engine_id) == ("3", "confuser", E1)
        # A community the file does not allow is dropped and counted.
        link_down_v2c(f"udp:{addr}")
        with pytest.raises(snmpkit.TimeoutError):
            rx.recv(timeout=0.5)
        assert rx.stats()["dropped"] == 1
