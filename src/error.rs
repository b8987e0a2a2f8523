//! The crate-level error type, chaining the per-layer errors, and the protocol's error-status.

use crate::agent::config::ConfigError;
use crate::agent::recording::RecordingError;
use crate::agent::AgentError;
use crate::codec::DecodeError;
use crate::transport::{AddrError, TransportError};
use crate::usm::UsmError;
use crate::{Oid, VarBind};
use std::fmt;
use std::time::Duration;

/// Anything that can go wrong in a request or a walk.
///
/// The causes fall into: malformed input ([`Error::Decode`]), a peer that misbehaves
/// ([`Error::NotIncreasing`], [`Error::UnexpectedResponse`]), a peer that refuses
/// ([`Error::Status`], [`Error::Usm`], [`Error::Report`]), no answer ([`Error::Timeout`]), a
/// limit the caller set ([`Error::WalkLimit`]), API misuse ([`Error::InvalidArgument`],
/// [`Error::BulkOnV1`], [`Error::Addr`]) and a lab agent that cannot start
/// ([`Error::Recording`], [`Error::AgentConfig`], [`Error::Agent`]).
///
/// A wrong password is a typed USM error, not a string to compare:
///
/// ```
/// use snmpkit::usm::{UsmError, UsmReport};
/// use snmpkit::{Error, ErrorStatus};
///
/// fn explain(e: &Error) -> &'static str {
///     match e {
///         Error::Timeout(_) => "no answer",
///         Error::Usm(UsmError::Report(UsmReport::WrongDigest)) => "wrong password",
///         Error::Usm(UsmError::Report(UsmReport::UnknownUserName)) => "no such user",
///         Error::Status { status: ErrorStatus::NoSuchName, .. } => "no such object",
///         _ => "something else",
///     }
/// }
/// let e = Error::Usm(UsmError::Report(UsmReport::WrongDigest));
/// assert_eq!(explain(&e), "wrong password");
/// assert_eq!(e.usm_report(), Some(UsmReport::WrongDigest));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No response within timeout × (retries + 1). The only timeout this crate reports: the
    /// transport's own timeout arrives here too, carrying the agent's name or address.
    #[error("Timeout: No Response from {0}")]
    Timeout(String),
    /// A socket error, or the transport's receive task has gone.
    #[error(transparent)]
    Transport(TransportError),
    /// A response could not be decoded.
    #[error("malformed response: {0}")]
    Decode(#[from] DecodeError),
    /// The agent answered with a non-zero error-status.
    #[error("Error in packet. Reason: {status}")]
    Status {
        /// error-status.
        status: ErrorStatus,
        /// error-index (1-based; 0 when no varbind is blamed).
        index: i32,
        /// The response's varbinds (to name the failed object).
        varbinds: Vec<VarBind>,
    },
    /// A walk received an OID that does not follow the previous one.
    #[error("OID not increasing: {previous} >= {received}")]
    NotIncreasing {
        /// The last OID of the walk so far.
        previous: Box<Oid>,
        /// The OID the agent returned.
        received: Box<Oid>,
    },
    /// GetBulk was asked for on an SNMPv1 session.
    #[error("Cannot send V2 PDU on V1 session")]
    BulkOnV1,
    /// The agent answered with something that is not a response to the request.
    #[error("unexpected response: {0}")]
    UnexpectedResponse(&'static str),
    /// The agent address is malformed or could not be resolved.
    #[error(transparent)]
    Addr(#[from] AddrError),
    /// An argument is invalid (bad OID, too many OIDs for a Set, ...).
    #[error("{0}")]
    InvalidArgument(String),
    /// A User-based Security Model failure. The agent's USM Reports (wrong digest, unknown
    /// user, unknown engine ID, not in time window, unsupported security level, decryption
    /// error) arrive as [`UsmError::Report`]; checks of the answer made here (its digest, its
    /// time window, its decryption) and refused credentials as the other variants.
    #[error(transparent)]
    Usm(#[from] UsmError),
    /// The agent answered with a Report that is not a USM one (snmpUnknownContexts, ...).
    #[error("Report PDU received: {0}")]
    Report(Box<Oid>),
    /// A collecting walk stopped at the limit the caller gave it; use the [`Walk`] stream
    /// to process large subtrees without holding them.
    ///
    /// [`Walk`]: crate::client::Walk
    #[error("walk stopped: {0}")]
    WalkLimit(LimitReached),
    /// A lab agent's recording could not be loaded (`FILE:LINE: what is wrong`).
    #[error(transparent)]
    Recording(#[from] RecordingError),
    /// A lab agent's `snmpd.conf` could not be read (`FILE:LINE: what is wrong`).
    #[error(transparent)]
    AgentConfig(#[from] ConfigError),
    /// A lab agent could not start (its users, addresses or engine state).
    #[error(transparent)]
    Agent(#[from] AgentError),
}

impl Error {
    /// The USM Report kind, when the agent refused the request with one.
    pub fn usm_report(&self) -> Option<crate::usm::UsmReport> {
        match self {
            Error::Usm(UsmError::Report(r)) => Some(*r),
            _ => None,
        }
    }

    /// Whether this is the timeout of a request that got no answer.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }
}

impl From<TransportError> for Error {
    /// The transport's timeout becomes [`Error::Timeout`], named by the address it was sent
    /// to; [`Client`](crate::Client) names it as the user did instead.
    fn from(e: TransportError) -> Self {
        match e {
            TransportError::Timeout(target) => Error::Timeout(target.to_string()),
            e => Error::Transport(e),
        }
    }
}

/// Which limit stopped a collecting walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitReached {
    /// The walk found more than this many varbinds.
    Count(usize),
    /// The walk was still running when this much time had passed since it started.
    Deadline(Duration),
}

impl fmt::Display for LimitReached {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitReached::Count(n) => write!(f, "more than {n} varbinds"),
            LimitReached::Deadline(d) => write!(f, "deadline of {:.3} s passed", d.as_secs_f64()),
        }
    }
}

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

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

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

    #[test]
    fn transport_timeout_is_the_one_timeout() {
        let addr: std::net::SocketAddr = "127.0.0.1:161".parse().unwrap();
        let e = Error::from(TransportError::Timeout(addr));
        assert!(e.is_timeout());
        assert_eq!(e.to_string(), "Timeout: No Response from 127.0.0.1:161");
    }

    #[test]
    fn sources_are_chained() {
        use std::error::Error as _;
        let io = std::io::Error::other("boom");
        let e = Error::from(TransportError::Io(io));
        // Transparent: the transport error's own source (the io::Error) is next in the chain.
        assert!(e.source().is_some());
        let d = Error::from(DecodeError::Truncated("test"));
        assert!(d.source().is_some());
    }

    #[test]
    fn agent_errors_are_chained_with_their_file_and_line() {
        use std::error::Error as _;
        use std::path::PathBuf;
        let r = Error::from(RecordingError::Syntax {
            file: PathBuf::from("router.snmprec"),
            line: 3,
            message: "bad tag".into(),
        });
        assert!(matches!(
            r,
            Error::Recording(RecordingError::Syntax { line: 3, .. })
        ));
        assert_eq!(r.to_string(), "router.snmprec:3: bad tag");
        let c = Error::from(ConfigError::Io {
            path: PathBuf::from("snmpd.conf"),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        });
        assert!(matches!(c, Error::AgentConfig(ConfigError::Io { .. })));
        // Transparent: the io::Error under the configuration error is next in the chain.
        assert!(c.source().is_some_and(|s| s.is::<std::io::Error>()));
        let a = Error::from(AgentError::Config("user ops: bad key".into()));
        assert_eq!(a.to_string(), "user ops: bad key");
    }
}
