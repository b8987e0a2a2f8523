"""Sessions against net-snmp's snmpd: get, walk, bulkwalk (the OIDs snmpwalk and
snmpbulkwalk print), table, both forms of set, sync and async; v3 with three protocol pairs
and a wrong password; a timeout that leaves the GIL to other threads."""

import asyncio
import socket
import threading
import time

import pytest

import snmpkit
from conftest import AUTH_PASS, PRIV_PASS, V3_USERS


def oids_of(lines):
    """The numeric OIDs of `-On` output lines, without the leading dot."""
    return [line.split(" ", 1)[0].lstrip(".") for line in lines if line.startswith(".")]


def test_import_and_stubs_ship():
    from pathlib import Path

    pkg = Path(snmpkit.__file__).parent
    assert (pkg / "__init__.pyi").is_file()
    assert (pkg / "py.typed").is_file()
    assert issubclass(snmpkit.TimeoutError, TimeoutError)
    assert issubclass(snmpkit.TimeoutError, snmpkit.SnmpError)
    assert issubclass(snmpkit.AuthError, snmpkit.SnmpError)
    assert issubclass(snmpkit.ErrorStatus, snmpkit.SnmpError)


def test_translate_both_ways():
    assert snmpkit.translate("sysDescr.0") == "1.3.6.1.2.1.1.1.0"
    assert snmpkit.translate("IF-MIB::ifOperStatus.3") == "1.3.6.1.2.1.2.2.1.8.3"
    assert snmpkit.translate(".1.3.6.1.2.1.1.5.0") == "SNMPv2-MIB::sysName.0"
    assert snmpkit.translate("1.3.6.1.6.3.1.1.5.3") == "IF-MIB::linkDown"
    with pytest.raises(ValueError, match="Unknown Object Identifier"):
        snmpkit.translate("sysNoSuchThing.0")


def test_get_typed_values(snmpd):
    with snmpkit.Session(snmpd.v4, community="public") as s:
        descr, up, services, oid = s.get("sysDescr.0", ".1.3.6.1.2.1.1.3.0", "sysServices.0", "sysObjectID.0")
    theirs = snmpd.tool("snmpget", "-v2c", "-c", "public", "-On", "-Oqv", snmpd.v4, "1.3.6.1.2.1.1.1.0")
    assert descr.oid == "1.3.6.1.2.1.1.1.0"
    assert descr.name == "SNMPv2-MIB::sysDescr.0"
    assert descr.type == "OCTET STRING"
    assert isinstance(descr.value, bytes)
    assert descr.value.decode() == "\n".join(theirs).strip('"')
    assert up.type == "Timeticks" and isinstance(up.value, int) and up.value > 0
    assert services.type == "INTEGER" and services.value == 72
    assert oid.type == "OBJECT IDENTIFIER" and isinstance(oid.value, str) and not oid.value.startswith(".")
    assert "sysDescr.0" in repr(descr)
    # A missing instance is a value, with the exception named in .type.
    (missing,) = s_get_missing(snmpd)
    assert missing.value is None and missing.type == "noSuchInstance"


def s_get_missing(snmpd):
    with snmpkit.Session(snmpd.v4, community="public") as s:
        return s.get("sysDescr.7")


def test_walk_and_bulkwalk_match_net_snmp(snmpd):
    with snmpkit.Session(snmpd.v4, community="public") as s:
        walked = [vb.oid for vb in s.walk("system")]
        assert walked == oids_of(snmpd.tool("snmpwalk", "-v2c", "-c", "public", "-On", snmpd.v4, "1.3.6.1.2.1.1"))
        bulk = [vb.oid for vb in s.bulkwalk("1.3.6.1.2.1")]
        theirs = oids_of(snmpd.tool("snmpbulkwalk", "-v2c", "-c", "public", "-On", snmpd.v4, "1.3.6.1.2.1"))
        assert len(bulk) > 100
        assert bulk == theirs
        fixed = [vb.oid for vb in s.bulkwalk("ifTable", max_repetitions=7)]
        assert fixed == oids_of(snmpd.tool("snmpbulkwalk", "-v2c", "-c", "public", "-On", snmpd.v4, "1.3.6.1.2.1.2.2"))
    # Over IPv6 too, with the target written as on the command line.
    with snmpkit.Session(snmpd.v6, community="public") as s:
        assert [vb.oid for vb in s.walk("system")] == walked


def test_table_rows(snmpd):
    with snmpkit.Session(snmpd.v4, community="public") as s:
        rows = s.table("IF-MIB::ifTable")
    descr = {
        line.split(" ", 1)[0].rsplit(".", 1)[1]: line.split(" ", 1)[1].strip('"')
        for line in snmpd.tool("snmpwalk", "-v2c", "-c", "public", "-On", "-Oq", snmpd.v4, "1.3.6.1.2.1.2.2.1.2")
    }
    assert len(rows) == len(descr) > 0
    for row in rows:
        assert row["index"] == str(row["ifIndex"])
        assert row["ifDescr"].decode() == descr[row["index"]]
        assert isinstance(row["ifOperStatus"], int)


def test_set_both_forms(snmpd):
    with snmpkit.Session(snmpd.v4, community="private") as s:
        r = s.set(("sysName.0", "s", "py-triple"), ("sysLocation.0", "s", "rack 1"))
        assert [vb.value for vb in r] == [b"py-triple", b"rack 1"]
        assert snmpd.tool("snmpget", "-v2c", "-c", "public", "-On", "-Oqv", snmpd.v4, "1.3.6.1.2.1.1.5.0") == ['"py-triple"']
        s.set({"sysName.0": "py-mapping", "SNMPv2-MIB::sysLocation.0": "rack 2"})
        got = snmpd.tool("snmpget", "-v2c", "-c", "public", "-On", "-Oqv", snmpd.v4, "1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.6.0")
        assert got == ['"py-mapping"', '"rack 2"']
        with pytest.raises(snmpkit.ErrorStatus) as e:
            s.set(("sysDescr.0", "s", "no"))
        assert e.value.status == "notWritable" and e.value.index == 1
        with pytest.raises(ValueError, match="Bad variable type"):
            s.set(("sysName.0", "i", "3"))


def test_async_session(snmpd):
    async def main():
        async with snmpkit.AsyncSession(snmpd.v4, community="private") as s:
            (descr,) = await s.get("sysDescr.0")
            assert descr.type == "OCTET STRING"
            (nxt,) = await s.get_next("sysDescr.0")
            assert nxt.oid == "1.3.6.1.2.1.1.2.0"
            bulk = await s.get_bulk("system", max_repetitions=3)
            assert len(bulk) == 3
            walked = [vb.oid async for vb in s.walk("system")]
            bulkwalked = [vb.oid async for vb in s.bulkwalk("1.3.6.1.2.1")]
            rows = await s.table("ifTable")
            await s.set(("sysName.0", "s", "async-triple"))
            await s.set({"sysLocation.0": "async rack"})
            (name, loc) = await s.get("sysName.0", "sysLocation.0")
            assert (name.value, loc.value) == (b"async-triple", b"async rack")
            many = await asyncio.gather(*(s.get("sysUpTime.0") for _ in range(500)))
            assert len(many) == 500 and all(r[0].type == "Timeticks" for r in many)
            return walked, bulkwalked, rows

    walked, bulkwalked, rows = asyncio.run(main())
    assert walked == oids_of(snmpd.tool("snmpwalk", "-v2c", "-c", "public", "-On", snmpd.v4, "1.3.6.1.2.1.1"))
    assert bulkwalked == oids_of(snmpd.tool("snmpbulkwalk", "-v2c", "-c", "public", "-On", snmpd.v4, "1.3.6.1.2.1"))
    assert len(rows) > 0 and all("ifDescr" in r for r in rows)


@pytest.mark.parametrize("user,auth,priv", V3_USERS)
def test_v3_auth_priv(snmpd, user, auth, priv):
    with snmpkit.Session(
        snmpd.v4, version="3", user=user, auth_protocol=auth, auth_password=AUTH_PASS,
        priv_protocol=priv, priv_password=PRIV_PASS,
    ) as s:
        (name,) = s.get("sysContact.0")
        assert name.value == b"lab-admin@example.net"
        walked = [vb.oid for vb in s.bulkwalk("system")]
    theirs = snmpd.tool("snmpbulkwalk", "-v3", "-u", user, "-l", "authPriv", "-a", auth, "-A", AUTH_PASS,
                        "-x", priv, "-X", PRIV_PASS, "-On", snmpd.v4, "1.3.6.1.2.1.1")
    assert walked == oids_of(theirs)


def test_v3_wrong_password_is_auth_error(snmpd):
    user, auth, priv = V3_USERS[1]
    with snmpkit.Session(
        snmpd.v4, version="3", user=user, auth_protocol=auth, auth_password="wrongpass99",
        priv_protocol=priv, priv_password=PRIV_PASS, retries=0,
    ) as s:
        with pytest.raises(snmpkit.AuthError, match="Authentication failure"):
            s.get("sysName.0")
    with snmpkit.Session(snmpd.v4, version="3", user="nobody", auth_password=AUTH_PASS, retries=0) as s:
        with pytest.raises(snmpkit.AuthError, match="Unknown user name"):
            s.get("sysName.0")


def test_timeout_releases_the_gil():
    # A UDP socket that never answers.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sink:
        sink.bind(("127.0.0.1", 0))
        target = "127.0.0.1:%d" % sink.getsockname()[1]
        ticks = []
        done = threading.Event()

        def ticker():
            while not done.is_set():
                ticks.append(time.monotonic())
                done.wait(0.01)

        t = threading.Thread(target=ticker)
        t.start()
        try:
            with snmpkit.Session(target, community="public", timeout=1.0, retries=0) as s:
                start = time.monotonic()
                with pytest.raises(snmpkit.TimeoutError, match="Timeout: No Response from"):
                    s.get("sysName.0")
                end = time.monotonic()
        finally:
            done.set()
            t.join()
        # The other thread ran while the request waited, not only before and after it.
        inside = [x for x in ticks if start + 0.2 < x < end - 0.2]
        assert len(inside) >= 10, (len(ticks), start, end)
        # builtins.TimeoutError catches it too.
        with snmpkit.Session(target, community="public", timeout=0.2, retries=0) as s:
            with pytest.raises(TimeoutError):
                s.get("sysName.0")


def test_bad_arguments_are_value_errors(snmpd):
    with pytest.raises(ValueError):
        snmpkit.Session(snmpd.v4, version="3", user="x", auth_protocol="SHA-999", auth_password=AUTH_PASS)
    with snmpkit.Session(snmpd.v4, community="public") as s:
        with pytest.raises(ValueError, match="Unknown Object Identifier"):
            s.get("noSuchObjectName.0")


def test_one_session_shared_by_threads(snmpd):
    """Threads waiting at once on the sync runtime each get their own answers."""
    from concurrent.futures import ThreadPoolExecutor

    with snmpkit.Session(snmpd.v4, community="public") as s:
        def work(i):
            oid = "sysContact.0" if i % 2 else "sysServices.0"
            return [s.get(oid)[0].value for _ in range(50)]

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(work, range(8)))
    for i, values in enumerate(results):
        assert values == [b"lab-admin@example.net" if i % 2 else 72] * 50
