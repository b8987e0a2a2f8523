"""Typical calls, type-checked by test_stubs.py with mypy --strict against the shipped stubs
(never run: the addresses are placeholders)."""
import asyncio
import snmpkit

def sync() -> None:
    with snmpkit.Session("127.0.0.1:161", community="public") as s:
        vbs: list[snmpkit.VarBind] = s.get("sysDescr.0")
        for vb in s.bulkwalk("system", max_repetitions=10):
            print(vb.oid, vb.name, vb.type, vb.value, vb.text)
        rows = s.table("ifTable")
        s.set(("sysName.0", "s", "x"))
        s.set({"sysName.0": "x"})
    try:
        pass
    except snmpkit.ErrorStatus as e:
        print(e.status, e.index)

async def asyn() -> None:
    async with snmpkit.AsyncSession("h", version="3", user="u", auth_password="12345678") as a:
        r = await a.get("sysDescr.0")
        async for vb in a.walk("system"):
            print(vb.value)
    rx = snmpkit.TrapReceiver("udp:127.0.0.1:0", users=[{"user": "u", "auth_protocol": "SHA", "auth_password": "x"}])
    async for n in rx:
        print(n.trap_name, n.to_json()["source"])
    n2 = rx.recv(timeout=1.0)
    print(snmpkit.translate("sysName.0"))
