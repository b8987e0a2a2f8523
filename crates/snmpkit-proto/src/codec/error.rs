//! Errors from decoding wire bytes.

/// Why a datagram could not be decoded. Every malformed input maps to one of these; the decoder
/// never panics.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ended inside a TLV.
    #[error("truncated {0}")]
    Truncated(&'static str),
    /// A length field was malformed (indefinite, or more than 4 significant octets).
    #[error("bad length in {0}")]
    BadLength(&'static str),
    /// A TLV had another tag than the one the grammar requires here.
    #[error("expected {what} (tag 0x{expected:02x}), found tag 0x{found:02x}")]
    UnexpectedTag {
        /// The field being decoded.
        what: &'static str,
        /// The tag the grammar wants.
        expected: u8,
        /// The tag that was found.
        found: u8,
    },
    /// An INTEGER was empty or too large for its field.
    #[error("bad integer in {0}")]
    BadInteger(&'static str),
    /// An OBJECT IDENTIFIER was malformed.
    #[error("bad object identifier: {0}")]
    BadOid(&'static str),
    /// The message version is not one of 0 (v1), 1 (v2c) or 3 (v3).
    #[error("unsupported SNMP version {0}")]
    BadVersion(i64),
    /// The PDU tag is not an SNMP PDU.
    #[error("unknown PDU type 0x{0:02x}")]
    BadPduType(u8),
    /// A value had a tag that is not allowed where it stands.
    #[error("bad value tag 0x{0:02x}")]
    BadValueTag(u8),
    /// A field held a value the grammar forbids.
    #[error("invalid {0}")]
    Invalid(&'static str),
    /// Too many variable bindings (more than the decoder's bound).
    #[error("too many variable bindings")]
    TooManyVarBinds,
}
