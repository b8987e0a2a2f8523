//! Whole SNMP messages: community-based v1/v2c (RFC 1157, RFC 1901) and v3 (RFC 3412, RFC 3414).

use super::ber::*;
use super::pdu::*;
use super::DecodeError;

/// The SNMP message version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// SNMPv1 (version 0 on the wire).
    V1,
    /// SNMPv2c (version 1 on the wire).
    V2c,
    /// SNMPv3 (version 3 on the wire).
    V3,
}

impl Version {
    /// The value of the msgVersion / version field.
    pub fn wire(self) -> i64 {
        match self {
            Version::V1 => 0,
            Version::V2c => 1,
            Version::V3 => 3,
        }
    }

    /// `1`, `2c` or `3`, as net-snmp's `-v` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V1 => "1",
            Version::V2c => "2c",
            Version::V3 => "3",
        }
    }
}

/// A v1 or v2c message: version, community and PDU.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommunityMessage {
    /// V1 or V2c.
    pub version: Version,
    /// The community string.
    pub community: Vec<u8>,
    /// The PDU.
    pub pdu: AnyPdu,
}

impl CommunityMessage {
    /// Encodes the message to BER.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::with_capacity(64 + self.pdu.varbinds().len() * 32);
        let s = w.begin(TAG_SEQUENCE);
        w.write_i64(TAG_INTEGER, self.version.wire());
        w.write_tlv(TAG_OCTET_STRING, &self.community);
        encode_any_pdu(&mut w, &self.pdu);
        w.end(s);
        w.buf
    }
}

/// msgFlags bits (RFC 3412 §6.4).
pub mod flags {
    /// authFlag.
    pub const AUTH: u8 = 0x01;
    /// privFlag.
    pub const PRIV: u8 = 0x02;
    /// reportableFlag.
    pub const REPORTABLE: u8 = 0x04;
}

/// UsmSecurityParameters (RFC 3414 §2.4), carried in msgSecurityParameters.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct UsmParams {
    /// msgAuthoritativeEngineID.
    pub engine_id: Vec<u8>,
    /// msgAuthoritativeEngineBoots.
    pub engine_boots: u32,
    /// msgAuthoritativeEngineTime.
    pub engine_time: u32,
    /// msgUserName.
    pub user_name: Vec<u8>,
    /// msgAuthenticationParameters: the MAC (zeros while it is computed).
    pub auth_params: Vec<u8>,
    /// msgPrivacyParameters: the salt.
    pub priv_params: Vec<u8>,
}

/// A ScopedPDU (RFC 3412 §6.8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopedPdu {
    /// contextEngineID.
    pub context_engine_id: Vec<u8>,
    /// contextName.
    pub context_name: Vec<u8>,
    /// The PDU.
    pub pdu: Pdu,
}

impl ScopedPdu {
    /// Encodes the ScopedPDU alone (the plaintext that privacy encrypts).
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::with_capacity(64 + self.pdu.varbinds.len() * 32);
        encode_scoped(&mut w, self);
        w.buf
    }

    /// Decodes a ScopedPDU. Trailing bytes (cipher padding) are ignored.
    pub fn decode(bytes: &[u8]) -> Result<ScopedPdu, DecodeError> {
        let mut r = Reader::new(bytes);
        decode_scoped(&mut r)
    }
}

fn encode_scoped(w: &mut Writer, s: &ScopedPdu) {
    let q = w.begin(TAG_SEQUENCE);
    w.write_tlv(TAG_OCTET_STRING, &s.context_engine_id);
    w.write_tlv(TAG_OCTET_STRING, &s.context_name);
    encode_pdu(w, &s.pdu);
    w.end(q);
}

fn decode_scoped(r: &mut Reader<'_>) -> Result<ScopedPdu, DecodeError> {
    let mut s = r.enter(TAG_SEQUENCE, "ScopedPDU")?;
    let context_engine_id = s.read_octets("contextEngineID")?.to_vec();
    let context_name = s.read_octets("contextName")?.to_vec();
    let pdu = match decode_any_pdu(&mut s, false)? {
        AnyPdu::Pdu(p) => p,
        AnyPdu::TrapV1(_) => return Err(DecodeError::BadPduType(0xa4)),
    };
    Ok(ScopedPdu {
        context_engine_id,
        context_name,
        pdu,
    })
}

/// msgData: a plaintext ScopedPDU or the encrypted bytes of one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScopedPduData {
    /// Not encrypted.
    Plaintext(ScopedPdu),
    /// encryptedPDU: the ciphertext.
    Encrypted(Vec<u8>),
}

/// An SNMPv3 message (RFC 3412 §6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct V3Message {
    /// msgID.
    pub msg_id: i32,
    /// msgMaxSize.
    pub max_size: i32,
    /// msgFlags (see [`flags`]).
    pub flags: u8,
    /// msgSecurityModel (3 is USM).
    pub security_model: i32,
    /// The USM parameters.
    pub usm: UsmParams,
    /// msgData.
    pub data: ScopedPduData,
}

/// A v3 message as encoded, with where its MAC lives so it can be filled in place.
pub struct EncodedV3 {
    /// The whole message.
    pub bytes: Vec<u8>,
    /// Where msgAuthenticationParameters' content starts.
    pub auth_offset: usize,
    /// Its length.
    pub auth_len: usize,
}

impl V3Message {
    /// Encodes the message. The MAC is whatever `usm.auth_params` holds (zeros while signing);
    /// the result says where it is so the caller can patch in the real one.
    pub fn encode(&self) -> EncodedV3 {
        let mut w = Writer::with_capacity(128);
        let s = w.begin(TAG_SEQUENCE);
        w.write_i64(TAG_INTEGER, 3);
        let h = w.begin(TAG_SEQUENCE);
        w.write_i64(TAG_INTEGER, self.msg_id as i64);
        w.write_i64(TAG_INTEGER, self.max_size as i64);
        w.write_tlv(TAG_OCTET_STRING, &[self.flags]);
        w.write_i64(TAG_INTEGER, self.security_model as i64);
        w.end(h);
        // The security parameters are small: encode them apart, then embed them.
        let mut sp = Writer::with_capacity(64);
        let q = sp.begin(TAG_SEQUENCE);
        sp.write_tlv(TAG_OCTET_STRING, &self.usm.engine_id);
        sp.write_i64(TAG_INTEGER, self.usm.engine_boots as i64);
        sp.write_i64(TAG_INTEGER, self.usm.engine_time as i64);
        sp.write_tlv(TAG_OCTET_STRING, &self.usm.user_name);
        sp.write_tlv(TAG_OCTET_STRING, &self.usm.auth_params);
        let auth_end_in_sp = sp.buf.len();
        sp.write_tlv(TAG_OCTET_STRING, &self.usm.priv_params);
        sp.end(q);
        let auth_from_sp_end = sp.buf.len() - (auth_end_in_sp - self.usm.auth_params.len());
        w.write_tlv(TAG_OCTET_STRING, &sp.buf);
        let mark = w.buf.len();
        match &self.data {
            ScopedPduData::Plaintext(sc) => encode_scoped(&mut w, sc),
            ScopedPduData::Encrypted(b) => w.write_tlv(TAG_OCTET_STRING, b),
        }
        let after = w.buf.len() - mark;
        w.end(s);
        // Closing the outer SEQUENCE only inserts octets before everything, so distances from
        // the end are stable.
        let auth_offset = w.buf.len() - after - auth_from_sp_end;
        EncodedV3 {
            bytes: w.buf,
            auth_offset,
            auth_len: self.usm.auth_params.len(),
        }
    }
}

/// A decoded v3 message with the location of its MAC in the received bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodedV3 {
    /// The message.
    pub msg: V3Message,
    /// Where msgAuthenticationParameters' content starts in the datagram.
    pub auth_offset: usize,
    /// Its length.
    pub auth_len: usize,
}

/// Any SNMP message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// v1 or v2c.
    Community(CommunityMessage),
    /// v3.
    V3(DecodedV3),
}

/// Reads only the version field of a datagram, to choose a decoder.
pub fn peek_version(bytes: &[u8]) -> Result<Version, DecodeError> {
    let mut r = Reader::new(bytes);
    let mut m = r.enter(TAG_SEQUENCE, "Message")?;
    match m.read_i64("version")? {
        0 => Ok(Version::V1),
        1 => Ok(Version::V2c),
        3 => Ok(Version::V3),
        v => Err(DecodeError::BadVersion(v)),
    }
}

/// Decodes one datagram. Trailing bytes after the message are ignored.
pub fn decode_message(bytes: &[u8]) -> Result<Message, DecodeError> {
    let mut r = Reader::new(bytes);
    let mut m = r.enter(TAG_SEQUENCE, "Message")?;
    let version = match m.read_i64("version")? {
        0 => Version::V1,
        1 => Version::V2c,
        3 => Version::V3,
        v => return Err(DecodeError::BadVersion(v)),
    };
    if version != Version::V3 {
        let community = m.read_octets("community")?.to_vec();
        let pdu = decode_any_pdu(&mut m, version == Version::V1)?;
        return Ok(Message::Community(CommunityMessage {
            version,
            community,
            pdu,
        }));
    }
    let mut h = m.enter(TAG_SEQUENCE, "msgGlobalData")?;
    let msg_id = h.read_i32("msgID")?;
    let max_size = h.read_i32("msgMaxSize")?;
    let fl = h.read_octets("msgFlags")?;
    if fl.len() != 1 {
        return Err(DecodeError::Invalid("msgFlags"));
    }
    let security_model = h.read_i32("msgSecurityModel")?;
    let sp = m.expect(TAG_OCTET_STRING, "msgSecurityParameters")?;
    let mut spr = m.sub(&sp);
    let mut u = spr.enter(TAG_SEQUENCE, "UsmSecurityParameters")?;
    let engine_id = u.read_octets("msgAuthoritativeEngineID")?.to_vec();
    let engine_boots = u32_field(
        u.read_i64("msgAuthoritativeEngineBoots")?,
        "msgAuthoritativeEngineBoots",
    )?;
    let engine_time = u32_field(
        u.read_i64("msgAuthoritativeEngineTime")?,
        "msgAuthoritativeEngineTime",
    )?;
    let user_name = u.read_octets("msgUserName")?.to_vec();
    let a = u.expect(TAG_OCTET_STRING, "msgAuthenticationParameters")?;
    let auth_offset = a.start;
    let auth_len = a.content.len();
    let auth_params = a.content.to_vec();
    let priv_params = u.read_octets("msgPrivacyParameters")?.to_vec();
    let data = match m.peek_tag() {
        Some(TAG_OCTET_STRING) => ScopedPduData::Encrypted(m.read_octets("encryptedPDU")?.to_vec()),
        Some(TAG_SEQUENCE) => ScopedPduData::Plaintext(decode_scoped(&mut m)?),
        Some(t) => {
            return Err(DecodeError::UnexpectedTag {
                what: "msgData",
                expected: TAG_SEQUENCE,
                found: t,
            })
        }
        None => return Err(DecodeError::Truncated("msgData")),
    };
    Ok(Message::V3(DecodedV3 {
        msg: V3Message {
            msg_id,
            max_size,
            flags: fl[0],
            security_model,
            usm: UsmParams {
                engine_id,
                engine_boots,
                engine_time,
                user_name,
                auth_params,
                priv_params,
            },
            data,
        },
        auth_offset,
        auth_len,
    }))
}

fn u32_field(v: i64, what: &'static str) -> Result<u32, DecodeError> {
    u32::try_from(v).map_err(|_| DecodeError::BadInteger(what))
}
