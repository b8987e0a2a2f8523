//! Sans-I/O wire code: BER encoding and decoding of SNMP messages. Nothing here touches a socket
//! or a clock, so tests feed it byte vectors.

mod ber;
mod error;
mod message;
mod pdu;
mod status;
#[cfg(test)]
mod tests;

pub use crate::opaque::{decode_opaque, OpaqueValue};
pub use crate::value::opaque_unsigned;
pub use error::DecodeError;
pub use message::{
    decode_message, flags, peek_version, CommunityMessage, DecodedV3, EncodedV3, Message,
    ScopedPdu, ScopedPduData, UsmParams, V3Message, Version,
};
pub use pdu::{varbind_len, AnyPdu, Pdu, PduType, TrapV1, MAX_VARBINDS};
pub use status::ErrorStatus;

/// Encodes a single value as a BER TLV (used by Opaque handling and tests).
pub fn encode_value(v: &crate::value::Value) -> Vec<u8> {
    let mut w = ber::Writer::default();
    pdu::encode_value(&mut w, v);
    w.buf
}

/// Decodes one BER TLV as an SNMP value, returning it and the bytes it used.
pub fn decode_value(bytes: &[u8]) -> Result<(crate::value::Value, usize), DecodeError> {
    let mut r = ber::Reader::new(bytes);
    let t = r.read_tlv("value")?;
    let v = pdu::decode_value(t.tag, t.content)?;
    Ok((v, r.position()))
}

/// Decodes BER OID content octets (no tag or length).
pub fn decode_oid_content(c: &[u8]) -> Result<crate::Oid, DecodeError> {
    ber::decode_oid(c)
}
