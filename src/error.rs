//! The crate-level error type, chaining the per-layer errors.

use crate::codec::DecodeError;
use crate::transport::TransportError;
use crate::{Oid, VarBind};

/// Anything that can go wrong in a request or a walk.
///
/// The causes fall into: malformed input ([`Error::Decode`]), a peer that misbehaves
/// ([`Error::NotIncreasing`], [`Error::UnexpectedResponse`]), a peer that refuses
/// ([`Error::Status`], [`Error::Usm`]), no answer ([`Error::Timeout`]) and API misuse
/// ([`Error::InvalidArgument`], [`Error::BulkOnV1`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No response within timeout × (retries + 1).
    #[error("Timeout: No Response from {0}")]
    Timeout(String),
    /// A socket error.
    #[error("{0}")]
    Transport(TransportError),
    /// A response could not be decoded.
    #[error("malformed response: {0}")]
    Decode(#[from] DecodeError),
    /// The agent answered with a non-zero error-status.
    #[error("Error in packet: error-status {status}, error-index {index}")]
    Status {
        /// error-status.
        status: i32,
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
    /// The agent address could not be resolved.
    #[error("Unknown host ({0})")]
    UnknownHost(String),
    /// An argument is invalid (bad address syntax, bad OID, ...).
    #[error("{0}")]
    InvalidArgument(String),
    /// A User-based Security Model failure (wrong password, unknown user, ...).
    #[error("{0}")]
    Usm(String),
}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        Error::Transport(e)
    }
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
