//! The error-status of a Response PDU and net-snmp's wording for it.

use std::fmt;

/// An error-status of a Response PDU (RFC 3416 §3; RFC 1157 for the first six).
/// `Display` gives net-snmp's wording (its `snmp_errstring`), as its tools print after `Reason:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorStatus {
    /// noError (0).
    NoError,
    /// tooBig (1): the response would not fit in a message.
    TooBig,
    /// noSuchName (2), SNMPv1: an OID is not in the agent's view.
    NoSuchName,
    /// badValue (3), SNMPv1: a Set value has the wrong type, length or value.
    BadValue,
    /// readOnly (4), SNMPv1.
    ReadOnly,
    /// genErr (5): any other failure.
    GenErr,
    /// noAccess (6).
    NoAccess,
    /// wrongType (7).
    WrongType,
    /// wrongLength (8).
    WrongLength,
    /// wrongEncoding (9).
    WrongEncoding,
    /// wrongValue (10).
    WrongValue,
    /// noCreation (11).
    NoCreation,
    /// inconsistentValue (12).
    InconsistentValue,
    /// resourceUnavailable (13).
    ResourceUnavailable,
    /// commitFailed (14).
    CommitFailed,
    /// undoFailed (15).
    UndoFailed,
    /// authorizationError (16).
    AuthorizationError,
    /// notWritable (17).
    NotWritable,
    /// inconsistentName (18).
    InconsistentName,
    /// A value outside RFC 3416's list, kept as received.
    Other(i32),
}

const STATUSES: [(ErrorStatus, &str, &str); 19] = {
    use ErrorStatus::*;
    [
        (NoError, "noError", "(noError) No Error"),
        (TooBig, "tooBig", "(tooBig) Response message would have been too large."),
        (NoSuchName, "noSuchName", "(noSuchName) There is no such variable name in this MIB."),
        (BadValue, "badValue", "(badValue) The value given has the wrong type or length."),
        (
            ReadOnly,
            "readOnly",
            "(readOnly) The two parties used do not have access to use the specified SNMP PDU.",
        ),
        (GenErr, "genErr", "(genError) A general failure occured"),
        (NoAccess, "noAccess", "noAccess"),
        (
            WrongType,
            "wrongType",
            "wrongType (The set datatype does not match the data type the agent expects)",
        ),
        (
            WrongLength,
            "wrongLength",
            "wrongLength (The set value has an illegal length from what the agent expects)",
        ),
        (WrongEncoding, "wrongEncoding", "wrongEncoding"),
        (
            WrongValue,
            "wrongValue",
            "wrongValue (The set value is illegal or unsupported in some way)",
        ),
        (
            NoCreation,
            "noCreation",
            "noCreation (That table does not support row creation or that object can not ever be created)",
        ),
        (
            InconsistentValue,
            "inconsistentValue",
            "inconsistentValue (The set value is illegal or unsupported in some way)",
        ),
        (
            ResourceUnavailable,
            "resourceUnavailable",
            "resourceUnavailable (This is likely a out-of-memory failure within the agent)",
        ),
        (CommitFailed, "commitFailed", "commitFailed"),
        (UndoFailed, "undoFailed", "undoFailed"),
        (
            AuthorizationError,
            "authorizationError",
            "authorizationError (access denied to that object)",
        ),
        (
            NotWritable,
            "notWritable",
            "notWritable (That object does not support modification)",
        ),
        (
            InconsistentName,
            "inconsistentName",
            "inconsistentName (That object can not currently be created)",
        ),
    ]
};

impl ErrorStatus {
    /// The error-status for a received value.
    pub fn from_code(code: i32) -> ErrorStatus {
        usize::try_from(code)
            .ok()
            .and_then(|i| STATUSES.get(i))
            .map(|s| s.0)
            .unwrap_or(ErrorStatus::Other(code))
    }

    /// The value on the wire.
    pub fn code(self) -> i32 {
        match self {
            ErrorStatus::Other(c) => c,
            s => STATUSES.iter().position(|e| e.0 == s).unwrap_or(0) as i32,
        }
    }

    /// The RFC name (`noSuchName`, `wrongType`, ...); `unknownError` outside the list.
    pub fn name(self) -> &'static str {
        match self {
            ErrorStatus::Other(_) => "unknownError",
            s => STATUSES[s.code() as usize].1,
        }
    }

    /// net-snmp's explanation (what follows `Reason:`); `Unknown Error` outside the list.
    pub fn text(self) -> &'static str {
        match self {
            ErrorStatus::Other(_) => "Unknown Error",
            s => STATUSES[s.code() as usize].2,
        }
    }
}

impl From<i32> for ErrorStatus {
    fn from(code: i32) -> Self {
        ErrorStatus::from_code(code)
    }
}

impl From<ErrorStatus> for i32 {
    fn from(s: ErrorStatus) -> Self {
        s.code()
    }
}

impl fmt::Display for ErrorStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_status_round_trips_every_code() {
        for code in -2..25 {
            let s = ErrorStatus::from_code(code);
            assert_eq!(s.code(), code);
            assert_eq!(
                matches!(s, ErrorStatus::Other(_)),
                !(0..=18).contains(&code)
            );
        }
        assert_eq!(ErrorStatus::from_code(2), ErrorStatus::NoSuchName);
        assert_eq!(ErrorStatus::from_code(18), ErrorStatus::InconsistentName);
        assert_eq!(ErrorStatus::NotWritable.name(), "notWritable");
        assert_eq!(ErrorStatus::Other(99).to_string(), "Unknown Error");
        assert_eq!(
            ErrorStatus::NoSuchName.to_string(),
            "(noSuchName) There is no such variable name in this MIB."
        );
    }
}
