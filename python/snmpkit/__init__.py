"""snmpkit: SNMP for Python on snmpkit's Rust core.

Sessions (``Session``, ``AsyncSession``) for v1, v2c and v3, walks, tables and sets with the
standard MIBs built in; ``TrapReceiver`` for traps and informs; ``translate`` between names
and OIDs. See the README's Python section.
"""

from ._errors import AuthError, ErrorStatus, SnmpError, TimeoutError
from ._snmpkit import (
    AsyncSession,
    AsyncWalkIter,
    Notification,
    Session,
    TrapReceiver,
    VarBind,
    WalkIter,
    translate,
)

__all__ = [
    "AsyncSession",
    "AsyncWalkIter",
    "AuthError",
    "ErrorStatus",
    "Notification",
    "Session",
    "SnmpError",
    "TimeoutError",
    "TrapReceiver",
    "VarBind",
    "WalkIter",
    "translate",
]
