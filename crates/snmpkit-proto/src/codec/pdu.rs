//! PDUs and variable-binding lists.

use super::ber::*;
use super::DecodeError;
use crate::oid::Oid;
use crate::value::{Value, VarBind};

/// The most varbinds the decoder accepts in one PDU. A 64 KiB datagram cannot hold many more
/// than this anyway; the bound keeps a hostile datagram from driving allocation.
pub const MAX_VARBINDS: usize = 16_384;

/// The kind of an SNMP PDU, with its context-specific tag as the discriminant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum PduType {
    /// GetRequest-PDU.
    Get = 0xa0,
    /// GetNextRequest-PDU.
    GetNext = 0xa1,
    /// Response-PDU (v1 GetResponse).
    Response = 0xa2,
    /// SetRequest-PDU.
    Set = 0xa3,
    /// v1 Trap-PDU (see [`TrapV1`]).
    TrapV1 = 0xa4,
    /// GetBulkRequest-PDU.
    GetBulk = 0xa5,
    /// InformRequest-PDU.
    Inform = 0xa6,
    /// SNMPv2-Trap-PDU.
    TrapV2 = 0xa7,
    /// Report-PDU.
    Report = 0xa8,
}

impl PduType {
    /// Maps a tag octet to a PDU type.
    pub fn from_tag(tag: u8) -> Option<Self> {
        Some(match tag {
            0xa0 => PduType::Get,
            0xa1 => PduType::GetNext,
            0xa2 => PduType::Response,
            0xa3 => PduType::Set,
            0xa4 => PduType::TrapV1,
            0xa5 => PduType::GetBulk,
            0xa6 => PduType::Inform,
            0xa7 => PduType::TrapV2,
            0xa8 => PduType::Report,
            _ => return None,
        })
    }

    /// The name used in output (`GetRequest`, `Trap`, `InformRequest`, ...).
    pub fn name(self) -> &'static str {
        match self {
            PduType::Get => "GetRequest",
            PduType::GetNext => "GetNextRequest",
            PduType::Response => "Response",
            PduType::Set => "SetRequest",
            PduType::TrapV1 => "Trap",
            PduType::GetBulk => "GetBulkRequest",
            PduType::Inform => "InformRequest",
            PduType::TrapV2 => "SNMPv2-Trap",
            PduType::Report => "Report",
        }
    }
}

/// Every PDU except the v1 Trap. For GetBulk, `error_status` carries non-repeaters and
/// `error_index` carries max-repetitions (RFC 3416 §3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pdu {
    /// Which PDU this is.
    pub pdu_type: PduType,
    /// request-id.
    pub request_id: i32,
    /// error-status (non-repeaters for GetBulk).
    pub error_status: i32,
    /// error-index (max-repetitions for GetBulk).
    pub error_index: i32,
    /// The variable bindings.
    pub varbinds: Vec<VarBind>,
}

impl Pdu {
    /// A request PDU of the given type with NULL-valued bindings for `oids`.
    pub fn request(pdu_type: PduType, request_id: i32, oids: &[Oid]) -> Self {
        Pdu {
            pdu_type,
            request_id,
            error_status: 0,
            error_index: 0,
            varbinds: oids.iter().cloned().map(VarBind::null).collect(),
        }
    }

    /// A GetBulk request.
    pub fn get_bulk(
        request_id: i32,
        non_repeaters: i32,
        max_repetitions: i32,
        oids: &[Oid],
    ) -> Self {
        Pdu {
            pdu_type: PduType::GetBulk,
            request_id,
            error_status: non_repeaters,
            error_index: max_repetitions,
            varbinds: oids.iter().cloned().map(VarBind::null).collect(),
        }
    }
}

/// The SNMPv1 Trap-PDU (RFC 1157 §4.1.6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrapV1 {
    /// The sending entity's sysObjectID (or the trap's enterprise).
    pub enterprise: Oid,
    /// The agent's address.
    pub agent_addr: [u8; 4],
    /// generic-trap (0 coldStart ... 6 enterpriseSpecific).
    pub generic_trap: i32,
    /// specific-trap.
    pub specific_trap: i32,
    /// time-stamp: sysUpTime when the trap was made.
    pub time_stamp: u32,
    /// The variable bindings.
    pub varbinds: Vec<VarBind>,
}

/// A PDU as carried in a community-based message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnyPdu {
    /// Any PDU but the v1 trap.
    Pdu(Pdu),
    /// The v1 trap.
    TrapV1(TrapV1),
}

impl AnyPdu {
    /// The PDU's type.
    pub fn pdu_type(&self) -> PduType {
        match self {
            AnyPdu::Pdu(p) => p.pdu_type,
            AnyPdu::TrapV1(_) => PduType::TrapV1,
        }
    }

    /// The variable bindings.
    pub fn varbinds(&self) -> &[VarBind] {
        match self {
            AnyPdu::Pdu(p) => &p.varbinds,
            AnyPdu::TrapV1(t) => &t.varbinds,
        }
    }
}

pub(crate) fn encode_value(w: &mut Writer, v: &Value) {
    match v {
        Value::Integer(i) => w.write_i64(TAG_INTEGER, *i),
        Value::OctetString(s) => w.write_tlv(TAG_OCTET_STRING, s),
        Value::Null => w.write_null(TAG_NULL),
        Value::ObjectIdentifier(o) => w.write_oid(o),
        Value::IpAddress(a) => w.write_tlv(TAG_IPADDRESS, a),
        Value::Counter32(n) => w.write_u64(TAG_COUNTER32, *n as u64),
        Value::Gauge32(n) => w.write_u64(TAG_GAUGE32, *n as u64),
        Value::TimeTicks(n) => w.write_u64(TAG_TIMETICKS, *n as u64),
        Value::Opaque(b) => w.write_tlv(TAG_OPAQUE, b),
        Value::Counter64(n) => w.write_u64(TAG_COUNTER64, *n),
        Value::NoSuchObject => w.write_null(TAG_NO_SUCH_OBJECT),
        Value::NoSuchInstance => w.write_null(TAG_NO_SUCH_INSTANCE),
        Value::EndOfMibView => w.write_null(TAG_END_OF_MIB_VIEW),
        Value::Unknown { tag, data } => w.write_tlv(*tag, data),
    }
}

/// The encoded size of one variable binding (its SEQUENCE with name and value), without
/// encoding it: what a responder needs to fill a message up to a size.
pub fn varbind_len(oid: &Oid, v: &Value) -> usize {
    let value = match v {
        Value::Integer(i) => tlv_len(signed_len(*i)),
        Value::OctetString(s) | Value::Opaque(s) => tlv_len(s.len()),
        Value::Unknown { data, .. } => tlv_len(data.len()),
        Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => 2,
        Value::ObjectIdentifier(o) => tlv_len(oid_len(o)),
        Value::IpAddress(_) => 6,
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => {
            tlv_len(unsigned_len(u64::from(*n)))
        }
        Value::Counter64(n) => tlv_len(unsigned_len(*n)),
    };
    tlv_len(tlv_len(oid_len(oid)) + value)
}

pub(crate) fn decode_value(tag: u8, c: &[u8]) -> Result<Value, DecodeError> {
    Ok(match tag {
        TAG_INTEGER => Value::Integer(decode_i64(c, "INTEGER value")?),
        TAG_OCTET_STRING => Value::OctetString(c.to_vec()),
        TAG_NULL => Value::Null,
        TAG_OID => Value::ObjectIdentifier(decode_oid(c)?),
        TAG_IPADDRESS => match <[u8; 4]>::try_from(c) {
            Ok(a) => Value::IpAddress(a),
            Err(_) => Value::Unknown {
                tag,
                data: c.to_vec(),
            },
        },
        TAG_COUNTER32 => Value::Counter32(decode_unsigned(c, 32, "Counter32 value")? as u32),
        TAG_GAUGE32 => Value::Gauge32(decode_unsigned(c, 32, "Gauge32 value")? as u32),
        TAG_TIMETICKS => Value::TimeTicks(decode_unsigned(c, 32, "TimeTicks value")? as u32),
        TAG_OPAQUE => Value::Opaque(c.to_vec()),
        TAG_COUNTER64 => Value::Counter64(decode_unsigned(c, 64, "Counter64 value")?),
        TAG_NO_SUCH_OBJECT => Value::NoSuchObject,
        TAG_NO_SUCH_INSTANCE => Value::NoSuchInstance,
        TAG_END_OF_MIB_VIEW => Value::EndOfMibView,
        // Constructed or universal tags other than the SMI's are not values.
        t if t & 0x20 != 0 || t & 0xc0 == 0 => return Err(DecodeError::BadValueTag(t)),
        t => Value::Unknown {
            tag: t,
            data: c.to_vec(),
        },
    })
}

pub(crate) fn encode_varbinds(w: &mut Writer, vbs: &[VarBind]) {
    let s = w.begin(TAG_SEQUENCE);
    for vb in vbs {
        let v = w.begin(TAG_SEQUENCE);
        w.write_oid(&vb.oid);
        encode_value(w, &vb.value);
        w.end(v);
    }
    w.end(s);
}

pub(crate) fn decode_varbinds(r: &mut Reader<'_>) -> Result<Vec<VarBind>, DecodeError> {
    let mut list = r.enter(TAG_SEQUENCE, "variable-bindings")?;
    // A varbind takes at least 8 bytes (SEQUENCE, an OID of one byte or more, a value), often
    // 20 to 40: this reserves about once per message instead of growing a vector, within
    // what the datagram can hold.
    let mut out = Vec::with_capacity((list.remaining() / 24).min(MAX_VARBINDS));
    while !list.is_empty() {
        if out.len() >= MAX_VARBINDS {
            return Err(DecodeError::TooManyVarBinds);
        }
        let mut vb = list.enter(TAG_SEQUENCE, "VarBind")?;
        let name = vb.expect(TAG_OID, "VarBind name")?;
        let oid = decode_oid(name.content)?;
        let val = vb.read_tlv("VarBind value")?;
        let value = decode_value(val.tag, val.content)?;
        out.push(VarBind { oid, value });
    }
    Ok(out)
}

pub(crate) fn encode_pdu(w: &mut Writer, p: &Pdu) {
    let s = w.begin(p.pdu_type as u8);
    w.write_i64(TAG_INTEGER, p.request_id as i64);
    w.write_i64(TAG_INTEGER, p.error_status as i64);
    w.write_i64(TAG_INTEGER, p.error_index as i64);
    encode_varbinds(w, &p.varbinds);
    w.end(s);
}

pub(crate) fn encode_trap_v1(w: &mut Writer, t: &TrapV1) {
    let s = w.begin(PduType::TrapV1 as u8);
    w.write_oid(&t.enterprise);
    w.write_tlv(TAG_IPADDRESS, &t.agent_addr);
    w.write_i64(TAG_INTEGER, t.generic_trap as i64);
    w.write_i64(TAG_INTEGER, t.specific_trap as i64);
    w.write_u64(TAG_TIMETICKS, t.time_stamp as u64);
    encode_varbinds(w, &t.varbinds);
    w.end(s);
}

pub(crate) fn encode_any_pdu(w: &mut Writer, p: &AnyPdu) {
    match p {
        AnyPdu::Pdu(p) => encode_pdu(w, p),
        AnyPdu::TrapV1(t) => encode_trap_v1(w, t),
    }
}

/// Decodes a PDU. v1 traps are refused unless `allow_trap_v1`.
pub(crate) fn decode_any_pdu(
    r: &mut Reader<'_>,
    allow_trap_v1: bool,
) -> Result<AnyPdu, DecodeError> {
    let t = r.read_tlv("PDU")?;
    let kind = PduType::from_tag(t.tag).ok_or(DecodeError::BadPduType(t.tag))?;
    let mut body = r.sub(&t);
    if kind == PduType::TrapV1 {
        if !allow_trap_v1 {
            return Err(DecodeError::BadPduType(t.tag));
        }
        let ent = body.expect(TAG_OID, "enterprise")?;
        let enterprise = decode_oid(ent.content)?;
        let addr = body.expect(TAG_IPADDRESS, "agent-addr")?;
        // Some agents send a zero-length or odd agent-addr; keep what fits.
        let mut agent_addr = [0u8; 4];
        let n = addr.content.len().min(4);
        agent_addr[..n].copy_from_slice(&addr.content[..n]);
        let generic_trap = body.read_i32("generic-trap")?;
        let specific_trap = body.read_i32("specific-trap")?;
        let ts = body.expect(TAG_TIMETICKS, "time-stamp")?;
        let time_stamp = decode_unsigned(ts.content, 32, "time-stamp")? as u32;
        let varbinds = if body.is_empty() {
            Vec::new()
        } else {
            decode_varbinds(&mut body)?
        };
        return Ok(AnyPdu::TrapV1(TrapV1 {
            enterprise,
            agent_addr,
            generic_trap,
            specific_trap,
            time_stamp,
            varbinds,
        }));
    }
    let request_id = body.read_i32("request-id")?;
    let error_status = clamp_i32(body.read_i64("error-status")?);
    let error_index = clamp_i32(body.read_i64("error-index")?);
    let varbinds = decode_varbinds(&mut body)?;
    Ok(AnyPdu::Pdu(Pdu {
        pdu_type: kind,
        request_id,
        error_status,
        error_index,
        varbinds,
    }))
}

fn clamp_i32(v: i64) -> i32 {
    v.clamp(i32::MIN as i64, i32::MAX as i64) as i32
}
