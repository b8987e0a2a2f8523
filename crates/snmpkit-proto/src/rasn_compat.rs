//! Conversions between this crate's messages and [`rasn_snmp`]'s types, for programs that live
//! in the rasn ecosystem (feature `rasn`, off by default).
//!
//! Every conversion is lossless both ways where both sides can hold the value: converting to
//! rasn and back gives the same message. Where one side cannot hold a value the conversion
//! fails with a [`ConvertError`] instead of changing it: our codec keeps what lenient agents
//! send (an unknown application tag, a negative error-status, an INTEGER beyond 64 bits on
//! rasn's side), which rasn-snmp's types have no room for, and the reverse.
//!
//! | ours | rasn-snmp |
//! |---|---|
//! | [`Value`] | [`v2::VarBindValue`] (v2c, v3) or [`rasn_smi::v1::ObjectSyntax`] (v1) |
//! | [`VarBind`] | [`v2::VarBind`] / [`v1::VarBind`] |
//! | [`Pdu`] | [`v2::Pdus`] |
//! | [`CommunityMessage`] v2c | [`v2c::Message<v2::Pdus>`](v2c::Message) |
//! | [`CommunityMessage`] v1 | [`v1::Message<v1::Pdus>`](v1::Message) |
//! | [`V3Message`] | [`v3::Message`] (USM parameters BER-encoded inside) |
//!
//! ```
//! use snmpkit_proto::codec::{AnyPdu, CommunityMessage, Pdu, PduType, Version};
//! use rasn_snmp::{v2, v2c};
//! let ours = CommunityMessage {
//!     version: Version::V2c,
//!     community: b"public".to_vec(),
//!     pdu: AnyPdu::Pdu(Pdu::request(PduType::Get, 7, &["1.3.6.1.2.1.1.5.0".parse().unwrap()])),
//! };
//! let theirs = v2c::Message::<v2::Pdus>::try_from(&ours).unwrap();
//! assert_eq!(CommunityMessage::try_from(theirs).unwrap(), ours);
//! ```

use crate::codec::{
    AnyPdu, CommunityMessage, Pdu, PduType, ScopedPdu, ScopedPduData, TrapV1, UsmParams, V3Message,
    Version,
};
use crate::{Oid, Value, VarBind};
use rasn::types::{FixedOctetString, Integer, ObjectIdentifier, OctetString};
use rasn_smi::{v1 as smi1, v2 as smi2};
use rasn_snmp::{v1, v2, v2c, v3};

/// Why a value cannot cross to the other side unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConvertError {
    /// A value kept with a tag rasn-snmp does not model.
    #[error("a value with tag 0x{0:02x} has no rasn-snmp counterpart")]
    UnknownValueTag(u8),
    /// A value type that this SNMP version cannot carry (Counter64 or an exception in v1).
    #[error("{0} cannot be carried in an SNMPv1 message")]
    NotInV1(&'static str),
    /// An OID that rasn refuses (a first arc above 2).
    #[error("OID {0} is not a valid ASN.1 object identifier")]
    InvalidOid(Oid),
    /// A number outside the range of the field that receives it.
    #[error("{0} is out of range")]
    OutOfRange(&'static str),
    /// A PDU type that this message or version cannot carry.
    #[error("a {0:?} PDU cannot be carried here")]
    PduType(PduType),
    /// The message's version field does not match its type.
    #[error("wrong version {0} for this message type")]
    Version(String),
    /// rasn failed to encode or decode a nested part (USM parameters, Opaque).
    #[error("rasn: {0}")]
    Rasn(String),
}

type R<T> = Result<T, ConvertError>;

fn oid_to(o: &Oid) -> R<ObjectIdentifier> {
    ObjectIdentifier::new(o.arcs().to_vec()).ok_or_else(|| ConvertError::InvalidOid(o.clone()))
}

fn oid_from(o: &ObjectIdentifier) -> Oid {
    Oid::from_slice(o)
}

fn int_from<T: TryFrom<Integer>>(i: Integer, what: &'static str) -> R<T> {
    T::try_from(i).map_err(|_| ConvertError::OutOfRange(what))
}

fn opaque_to(bytes: &[u8]) -> R<smi1::Opaque> {
    // rasn's Opaque keeps its bytes private; its decoder is the way in.
    let mut ber = vec![0x44];
    let n = bytes.len();
    if n < 0x80 {
        ber.push(n as u8);
    } else {
        let len = n.to_be_bytes();
        let skip = len.iter().take_while(|b| **b == 0).count();
        ber.push(0x80 | (len.len() - skip) as u8);
        ber.extend_from_slice(&len[skip..]);
    }
    ber.extend_from_slice(bytes);
    rasn::ber::decode(&ber).map_err(|e| ConvertError::Rasn(e.to_string()))
}

/// Our value as rasn-snmp's v2 varbind value.
pub fn value_to_v2(v: &Value) -> R<v2::VarBindValue> {
    use smi2::{ApplicationSyntax as A, ObjectSyntax as O, SimpleSyntax as S};
    Ok(match v {
        Value::Integer(i) => v2::VarBindValue::Value(O::Simple(S::Integer(Integer::from(*i)))),
        Value::OctetString(b) => {
            v2::VarBindValue::Value(O::Simple(S::String(OctetString::from(b.clone()))))
        }
        Value::ObjectIdentifier(o) => v2::VarBindValue::Value(O::Simple(S::ObjectId(oid_to(o)?))),
        Value::Null => v2::VarBindValue::Unspecified,
        Value::IpAddress(a) => v2::VarBindValue::Value(O::ApplicationWide(A::Address(
            smi1::IpAddress(FixedOctetString::new(*a)),
        ))),
        Value::Counter32(c) => {
            v2::VarBindValue::Value(O::ApplicationWide(A::Counter(smi1::Counter(*c))))
        }
        Value::Gauge32(g) => {
            v2::VarBindValue::Value(O::ApplicationWide(A::Unsigned(smi1::Gauge(*g))))
        }
        Value::TimeTicks(t) => {
            v2::VarBindValue::Value(O::ApplicationWide(A::Ticks(smi1::TimeTicks(*t))))
        }
        Value::Opaque(b) => {
            v2::VarBindValue::Value(O::ApplicationWide(A::Arbitrary(opaque_to(b)?)))
        }
        Value::Counter64(c) => {
            v2::VarBindValue::Value(O::ApplicationWide(A::BigCounter(smi2::Counter64(*c))))
        }
        Value::NoSuchObject => v2::VarBindValue::NoSuchObject,
        Value::NoSuchInstance => v2::VarBindValue::NoSuchInstance,
        Value::EndOfMibView => v2::VarBindValue::EndOfMibView,
        Value::Unknown { tag, .. } => return Err(ConvertError::UnknownValueTag(*tag)),
    })
}

/// rasn-snmp's v2 varbind value as ours.
pub fn value_from_v2(v: v2::VarBindValue) -> R<Value> {
    use smi2::{ApplicationSyntax as A, ObjectSyntax as O, SimpleSyntax as S};
    Ok(match v {
        v2::VarBindValue::Value(O::Simple(S::Integer(i))) => {
            Value::Integer(int_from(i, "INTEGER")?)
        }
        v2::VarBindValue::Value(O::Simple(S::String(s))) => Value::OctetString(s.to_vec()),
        v2::VarBindValue::Value(O::Simple(S::ObjectId(o))) => Value::ObjectIdentifier(oid_from(&o)),
        v2::VarBindValue::Value(O::ApplicationWide(a)) => match a {
            A::Address(ip) => Value::IpAddress(*ip.0),
            A::Counter(c) => Value::Counter32(c.0),
            A::Ticks(t) => Value::TimeTicks(t.0),
            A::Arbitrary(o) => Value::Opaque(o.as_ref().to_vec()),
            A::BigCounter(c) => Value::Counter64(c.0),
            A::Unsigned(g) => Value::Gauge32(g.0),
        },
        v2::VarBindValue::Unspecified => Value::Null,
        v2::VarBindValue::NoSuchObject => Value::NoSuchObject,
        v2::VarBindValue::NoSuchInstance => Value::NoSuchInstance,
        v2::VarBindValue::EndOfMibView => Value::EndOfMibView,
    })
}

/// Our value as rasn-smi's v1 syntax (no Counter64, no exceptions in v1).
pub fn value_to_v1(v: &Value) -> R<smi1::ObjectSyntax> {
    use smi1::{ApplicationSyntax as A, ObjectSyntax as O, SimpleSyntax as S};
    Ok(match v {
        Value::Integer(i) => O::Simple(S::Number(Integer::from(*i))),
        Value::OctetString(b) => O::Simple(S::String(OctetString::from(b.clone()))),
        Value::ObjectIdentifier(o) => O::Simple(S::Object(oid_to(o)?)),
        Value::Null => O::Simple(S::Empty),
        Value::IpAddress(a) => O::ApplicationWide(A::Address(smi1::NetworkAddress::Internet(
            smi1::IpAddress(FixedOctetString::new(*a)),
        ))),
        Value::Counter32(c) => O::ApplicationWide(A::Counter(smi1::Counter(*c))),
        Value::Gauge32(g) => O::ApplicationWide(A::Gauge(smi1::Gauge(*g))),
        Value::TimeTicks(t) => O::ApplicationWide(A::Ticks(smi1::TimeTicks(*t))),
        Value::Opaque(b) => O::ApplicationWide(A::Arbitrary(opaque_to(b)?)),
        Value::Counter64(_) => return Err(ConvertError::NotInV1("Counter64")),
        Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => {
            return Err(ConvertError::NotInV1("an exception value"))
        }
        Value::Unknown { tag, .. } => return Err(ConvertError::UnknownValueTag(*tag)),
    })
}

/// rasn-smi's v1 syntax as our value.
pub fn value_from_v1(v: smi1::ObjectSyntax) -> R<Value> {
    use smi1::{ApplicationSyntax as A, ObjectSyntax as O, SimpleSyntax as S};
    Ok(match v {
        O::Simple(S::Number(i)) => Value::Integer(int_from(i, "INTEGER")?),
        O::Simple(S::String(s)) => Value::OctetString(s.to_vec()),
        O::Simple(S::Object(o)) => Value::ObjectIdentifier(oid_from(&o)),
        O::Simple(S::Empty) => Value::Null,
        O::ApplicationWide(A::Address(smi1::NetworkAddress::Internet(ip))) => {
            Value::IpAddress(*ip.0)
        }
        O::ApplicationWide(A::Counter(c)) => Value::Counter32(c.0),
        O::ApplicationWide(A::Gauge(g)) => Value::Gauge32(g.0),
        O::ApplicationWide(A::Ticks(t)) => Value::TimeTicks(t.0),
        O::ApplicationWide(A::Arbitrary(o)) => Value::Opaque(o.as_ref().to_vec()),
    })
}

impl TryFrom<&VarBind> for v2::VarBind {
    type Error = ConvertError;
    fn try_from(vb: &VarBind) -> R<Self> {
        Ok(v2::VarBind {
            name: oid_to(&vb.oid)?,
            value: value_to_v2(&vb.value)?,
        })
    }
}

impl TryFrom<v2::VarBind> for VarBind {
    type Error = ConvertError;
    fn try_from(vb: v2::VarBind) -> R<Self> {
        Ok(VarBind::new(oid_from(&vb.name), value_from_v2(vb.value)?))
    }
}

impl TryFrom<&VarBind> for v1::VarBind {
    type Error = ConvertError;
    fn try_from(vb: &VarBind) -> R<Self> {
        Ok(v1::VarBind {
            name: oid_to(&vb.oid)?,
            value: value_to_v1(&vb.value)?,
        })
    }
}

impl TryFrom<v1::VarBind> for VarBind {
    type Error = ConvertError;
    fn try_from(vb: v1::VarBind) -> R<Self> {
        Ok(VarBind::new(oid_from(&vb.name), value_from_v1(vb.value)?))
    }
}

fn v2_list(vbs: &[VarBind]) -> R<Vec<v2::VarBind>> {
    vbs.iter().map(v2::VarBind::try_from).collect()
}

fn v2_list_from(vbs: Vec<v2::VarBind>) -> R<Vec<VarBind>> {
    vbs.into_iter().map(VarBind::try_from).collect()
}

fn v1_list(vbs: &[VarBind]) -> R<Vec<v1::VarBind>> {
    vbs.iter().map(v1::VarBind::try_from).collect()
}

fn v1_list_from(vbs: Vec<v1::VarBind>) -> R<Vec<VarBind>> {
    vbs.into_iter().map(VarBind::try_from).collect()
}

fn unsigned(v: i32, what: &'static str) -> R<u32> {
    u32::try_from(v).map_err(|_| ConvertError::OutOfRange(what))
}

fn signed(v: u32, what: &'static str) -> R<i32> {
    i32::try_from(v).map_err(|_| ConvertError::OutOfRange(what))
}

impl TryFrom<&Pdu> for v2::Pdus {
    type Error = ConvertError;
    fn try_from(p: &Pdu) -> R<Self> {
        let variable_bindings = v2_list(&p.varbinds)?;
        if p.pdu_type == PduType::GetBulk {
            return Ok(v2::Pdus::GetBulkRequest(v2::GetBulkRequest(v2::BulkPdu {
                request_id: p.request_id,
                non_repeaters: unsigned(p.error_status, "non-repeaters")?,
                max_repetitions: unsigned(p.error_index, "max-repetitions")?,
                variable_bindings,
            })));
        }
        let pdu = v2::Pdu {
            request_id: p.request_id,
            error_status: unsigned(p.error_status, "error-status")?,
            error_index: unsigned(p.error_index, "error-index")?,
            variable_bindings,
        };
        Ok(match p.pdu_type {
            PduType::Get => v2::Pdus::GetRequest(v2::GetRequest(pdu)),
            PduType::GetNext => v2::Pdus::GetNextRequest(v2::GetNextRequest(pdu)),
            PduType::Response => v2::Pdus::Response(v2::Response(pdu)),
            PduType::Set => v2::Pdus::SetRequest(v2::SetRequest(pdu)),
            PduType::Inform => v2::Pdus::InformRequest(v2::InformRequest(pdu)),
            PduType::TrapV2 => v2::Pdus::Trap(v2::Trap(pdu)),
            PduType::Report => v2::Pdus::Report(v2::Report(pdu)),
            t => return Err(ConvertError::PduType(t)),
        })
    }
}

impl TryFrom<v2::Pdus> for Pdu {
    type Error = ConvertError;
    fn try_from(p: v2::Pdus) -> R<Self> {
        let (pdu_type, pdu) = match p {
            v2::Pdus::GetBulkRequest(v2::GetBulkRequest(b)) => {
                return Ok(Pdu {
                    pdu_type: PduType::GetBulk,
                    request_id: b.request_id,
                    error_status: signed(b.non_repeaters, "non-repeaters")?,
                    error_index: signed(b.max_repetitions, "max-repetitions")?,
                    varbinds: v2_list_from(b.variable_bindings)?,
                })
            }
            v2::Pdus::GetRequest(v2::GetRequest(p)) => (PduType::Get, p),
            v2::Pdus::GetNextRequest(v2::GetNextRequest(p)) => (PduType::GetNext, p),
            v2::Pdus::Response(v2::Response(p)) => (PduType::Response, p),
            v2::Pdus::SetRequest(v2::SetRequest(p)) => (PduType::Set, p),
            v2::Pdus::InformRequest(v2::InformRequest(p)) => (PduType::Inform, p),
            v2::Pdus::Trap(v2::Trap(p)) => (PduType::TrapV2, p),
            v2::Pdus::Report(v2::Report(p)) => (PduType::Report, p),
        };
        Ok(Pdu {
            pdu_type,
            request_id: pdu.request_id,
            error_status: signed(pdu.error_status, "error-status")?,
            error_index: signed(pdu.error_index, "error-index")?,
            varbinds: v2_list_from(pdu.variable_bindings)?,
        })
    }
}

fn v1_pdu(p: &Pdu) -> R<v1::Pdu> {
    Ok(v1::Pdu {
        request_id: p.request_id.into(),
        error_status: p.error_status.into(),
        error_index: p.error_index.into(),
        variable_bindings: v1_list(&p.varbinds)?,
    })
}

fn v1_pdus(p: &AnyPdu) -> R<v1::Pdus> {
    Ok(match p {
        AnyPdu::TrapV1(t) => v1::Pdus::Trap(v1::Trap {
            enterprise: oid_to(&t.enterprise)?,
            agent_addr: smi1::NetworkAddress::Internet(smi1::IpAddress(FixedOctetString::new(
                t.agent_addr,
            ))),
            generic_trap: t.generic_trap.into(),
            specific_trap: t.specific_trap.into(),
            time_stamp: smi1::TimeTicks(t.time_stamp),
            variable_bindings: v1_list(&t.varbinds)?,
        }),
        AnyPdu::Pdu(p) => match p.pdu_type {
            PduType::Get => v1::Pdus::GetRequest(v1::GetRequest(v1_pdu(p)?)),
            PduType::GetNext => v1::Pdus::GetNextRequest(v1::GetNextRequest(v1_pdu(p)?)),
            PduType::Response => v1::Pdus::GetResponse(v1::GetResponse(v1_pdu(p)?)),
            PduType::Set => v1::Pdus::SetRequest(v1::SetRequest(v1_pdu(p)?)),
            t => return Err(ConvertError::PduType(t)),
        },
    })
}

fn from_v1_pdus(p: v1::Pdus) -> R<AnyPdu> {
    let (pdu_type, p) = match p {
        v1::Pdus::Trap(t) => {
            let smi1::NetworkAddress::Internet(ip) = t.agent_addr;
            return Ok(AnyPdu::TrapV1(TrapV1 {
                enterprise: oid_from(&t.enterprise),
                agent_addr: *ip.0,
                generic_trap: int_from(t.generic_trap, "generic-trap")?,
                specific_trap: int_from(t.specific_trap, "specific-trap")?,
                time_stamp: t.time_stamp.0,
                varbinds: v1_list_from(t.variable_bindings)?,
            }));
        }
        v1::Pdus::GetRequest(v1::GetRequest(p)) => (PduType::Get, p),
        v1::Pdus::GetNextRequest(v1::GetNextRequest(p)) => (PduType::GetNext, p),
        v1::Pdus::GetResponse(v1::GetResponse(p)) => (PduType::Response, p),
        v1::Pdus::SetRequest(v1::SetRequest(p)) => (PduType::Set, p),
    };
    Ok(AnyPdu::Pdu(Pdu {
        pdu_type,
        request_id: int_from(p.request_id, "request-id")?,
        error_status: int_from(p.error_status, "error-status")?,
        error_index: int_from(p.error_index, "error-index")?,
        varbinds: v1_list_from(p.variable_bindings)?,
    }))
}

impl TryFrom<&CommunityMessage> for v2c::Message<v2::Pdus> {
    type Error = ConvertError;
    fn try_from(m: &CommunityMessage) -> R<Self> {
        if m.version != Version::V2c {
            return Err(ConvertError::Version(format!("{:?}", m.version)));
        }
        let AnyPdu::Pdu(p) = &m.pdu else {
            return Err(ConvertError::PduType(PduType::TrapV1));
        };
        Ok(v2c::Message {
            version: Integer::from(1),
            community: OctetString::from(m.community.clone()),
            data: v2::Pdus::try_from(p)?,
        })
    }
}

impl TryFrom<v2c::Message<v2::Pdus>> for CommunityMessage {
    type Error = ConvertError;
    fn try_from(m: v2c::Message<v2::Pdus>) -> R<Self> {
        if m.version != Integer::from(1) {
            return Err(ConvertError::Version(m.version.to_string()));
        }
        Ok(CommunityMessage {
            version: Version::V2c,
            community: m.community.to_vec(),
            pdu: AnyPdu::Pdu(Pdu::try_from(m.data)?),
        })
    }
}

impl TryFrom<&CommunityMessage> for v1::Message<v1::Pdus> {
    type Error = ConvertError;
    fn try_from(m: &CommunityMessage) -> R<Self> {
        if m.version != Version::V1 {
            return Err(ConvertError::Version(format!("{:?}", m.version)));
        }
        Ok(v1::Message {
            version: Integer::from(0),
            community: OctetString::from(m.community.clone()),
            data: v1_pdus(&m.pdu)?,
        })
    }
}

impl TryFrom<v1::Message<v1::Pdus>> for CommunityMessage {
    type Error = ConvertError;
    fn try_from(m: v1::Message<v1::Pdus>) -> R<Self> {
        if m.version != Integer::from(0) {
            return Err(ConvertError::Version(m.version.to_string()));
        }
        Ok(CommunityMessage {
            version: Version::V1,
            community: m.community.to_vec(),
            pdu: from_v1_pdus(m.data)?,
        })
    }
}

impl TryFrom<&V3Message> for v3::Message {
    type Error = ConvertError;
    fn try_from(m: &V3Message) -> R<Self> {
        let usm = v3::USMSecurityParameters {
            authoritative_engine_id: OctetString::from(m.usm.engine_id.clone()),
            authoritative_engine_boots: Integer::from(m.usm.engine_boots),
            authoritative_engine_time: Integer::from(m.usm.engine_time),
            user_name: OctetString::from(m.usm.user_name.clone()),
            authentication_parameters: OctetString::from(m.usm.auth_params.clone()),
            privacy_parameters: OctetString::from(m.usm.priv_params.clone()),
        };
        let security_parameters = rasn::ber::encode(&usm)
            .map_err(|e| ConvertError::Rasn(e.to_string()))?
            .into();
        let scoped_data = match &m.data {
            ScopedPduData::Plaintext(s) => v3::ScopedPduData::CleartextPdu(v3::ScopedPdu {
                engine_id: OctetString::from(s.context_engine_id.clone()),
                name: OctetString::from(s.context_name.clone()),
                data: v2::Pdus::try_from(&s.pdu)?,
            }),
            ScopedPduData::Encrypted(c) => {
                v3::ScopedPduData::EncryptedPdu(OctetString::from(c.clone()))
            }
        };
        Ok(v3::Message {
            version: Integer::from(3),
            global_data: v3::HeaderData {
                message_id: Integer::from(m.msg_id),
                max_size: Integer::from(m.max_size),
                flags: OctetString::from(vec![m.flags]),
                security_model: Integer::from(m.security_model),
            },
            security_parameters,
            scoped_data,
        })
    }
}

impl TryFrom<v3::Message> for V3Message {
    type Error = ConvertError;
    fn try_from(m: v3::Message) -> R<Self> {
        if m.version != Integer::from(3) {
            return Err(ConvertError::Version(m.version.to_string()));
        }
        let usm: v3::USMSecurityParameters = rasn::ber::decode(&m.security_parameters)
            .map_err(|e| ConvertError::Rasn(e.to_string()))?;
        let [flags] = m.global_data.flags[..] else {
            return Err(ConvertError::OutOfRange("msgFlags"));
        };
        let data = match m.scoped_data {
            v3::ScopedPduData::CleartextPdu(s) => ScopedPduData::Plaintext(ScopedPdu {
                context_engine_id: s.engine_id.to_vec(),
                context_name: s.name.to_vec(),
                pdu: Pdu::try_from(s.data)?,
            }),
            v3::ScopedPduData::EncryptedPdu(c) => ScopedPduData::Encrypted(c.to_vec()),
        };
        Ok(V3Message {
            msg_id: int_from(m.global_data.message_id, "msgID")?,
            max_size: int_from(m.global_data.max_size, "msgMaxSize")?,
            flags,
            security_model: int_from(m.global_data.security_model, "msgSecurityModel")?,
            usm: UsmParams {
                engine_id: usm.authoritative_engine_id.to_vec(),
                engine_boots: int_from(
                    usm.authoritative_engine_boots,
                    "msgAuthoritativeEngineBoots",
                )?,
                engine_time: int_from(usm.authoritative_engine_time, "msgAuthoritativeEngineTime")?,
                user_name: usm.user_name.to_vec(),
                auth_params: usm.authentication_parameters.to_vec(),
                priv_params: usm.privacy_parameters.to_vec(),
            },
            data,
        })
    }
}
