//! The library's error type, chaining the per-layer errors.

use crate::codec::DecodeError;
pub use crate::codec::ErrorStatus;
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
/// [`Error::BulkOnV1`], [`Error::Addr`]).
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
    #[error("malformed response")]
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

/// Whose fault an [`Error`] is, sorted as rustls sorts its errors: what the caller should do
/// differs for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fault {
    /// The caller's input: a bad OID, address or argument, a request the session cannot carry.
    Input,
    /// The peer: no answer, a malformed or unexpected answer, an error-status, a Report that is
    /// not about credentials.
    Peer,
    /// Authentication: wrong passphrase or protocol, unknown user or engine, an unsupported
    /// security level, a message outside the time window.
    Auth,
    /// A local I/O failure: a socket that could not be opened or used.
    Io,
}

impl Error {
    /// Which of the four kinds of fault this is.
    pub fn fault(&self) -> Fault {
        match self {
            Error::InvalidArgument(_) | Error::BulkOnV1 | Error::Addr(_) => Fault::Input,
            Error::Transport(_) => Fault::Io,
            Error::Usm(UsmError::Report(_)) | Error::Usm(_) => Fault::Auth,
            Error::Timeout(_)
            | Error::Decode(_)
            | Error::Status { .. }
            | Error::NotIncreasing { .. }
            | Error::UnexpectedResponse(_)
            | Error::Report(_)
            | Error::WalkLimit(_) => Fault::Peer,
        }
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

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_timeout_is_the_one_timeout() {
        let addr: std::net::SocketAddr = "127.0.0.1:161".parse().unwrap();
        let e = Error::from(TransportError::Timeout(addr));
        assert!(e.is_timeout());
        assert_eq!(e.to_string(), "Timeout: No Response from 127.0.0.1:161");
    }

    #[test]
    fn faults_are_sorted() {
        assert_eq!(Error::BulkOnV1.fault(), Fault::Input);
        assert_eq!(Error::Timeout("x".into()).fault(), Fault::Peer);
        assert_eq!(
            Error::Usm(UsmError::Report(crate::usm::UsmReport::WrongDigest)).fault(),
            Fault::Auth
        );
        let io = std::io::Error::other("boom");
        assert_eq!(Error::from(TransportError::Io(io)).fault(), Fault::Io);
    }

    #[test]
    fn sources_are_chained() {
        use std::error::Error as _;
        let io = std::io::Error::other("boom");
        let e = Error::from(TransportError::Io(io));
        // Transparent down to the io::Error: its text, once.
        assert_eq!(e.to_string(), "boom");
        let d = Error::from(DecodeError::Truncated("test"));
        assert_eq!(d.to_string(), "malformed response");
        assert_eq!(d.source().unwrap().to_string(), "truncated test");
    }

    /// Error-chain printers show every cause after its error: a Display that repeated its
    /// source would print it twice.
    #[test]
    fn no_display_repeats_its_source() {
        let errors = [
            Error::from(DecodeError::Truncated("value")),
            Error::from(TransportError::Io(std::io::Error::other("refused"))),
            Error::Usm(UsmError::Report(crate::usm::UsmReport::WrongDigest)),
            Error::Timeout("rtr1".into()),
        ];
        for e in &errors {
            let mut cur: &dyn std::error::Error = e;
            while let Some(src) = cur.source() {
                assert!(
                    !cur.to_string().contains(&src.to_string()),
                    "{cur} repeats {src}"
                );
                cur = src;
            }
        }
    }
}
