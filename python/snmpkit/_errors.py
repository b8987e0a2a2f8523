"""snmpkit's exceptions. The extension module raises these classes."""

import builtins


class SnmpError(Exception):
    """The base of snmpkit's errors."""


class TimeoutError(SnmpError, builtins.TimeoutError):
    """No response within timeout x (retries + 1): ``Timeout: No Response from HOST.``"""


class AuthError(SnmpError):
    """A USM failure: wrong digest (password), unknown user, unsupported security level, ..."""


class ErrorStatus(SnmpError):
    """The agent answered with an error-status.

    ``.status`` is net-snmp's name for it (``notWritable``, ``noSuchName``, ...) and ``.index``
    the error-index (1-based; 0 when no varbind is blamed).
    """

    def __init__(self, message: str, status: str, index: int) -> None:
        super().__init__(message)
        self.status = status
        self.index = index
