//! The independent witness for the decode targets: where rasn-snmp also accepts a datagram,
#![allow(dead_code)]
//! both decoders must agree on every value in it. Checking values, not only that our own
//! encoding round-trips, is what catches a decoder that reads `02 09 00 FF..FF` as -1.
//!
//! Documented leniencies of ours that make no comparison: we accept what rasn refuses (unsigned
//! values with the sign bit set, unknown application tags, odd IpAddress lengths, NULL with
//! content); where rasn accepts and we refuse, nothing is compared either (we refuse INTEGERs
//! beyond 64 bits, OIDs beyond 128 arcs, and so on). Error-status and error-index beyond i32
//! are clamped by us, so they are compared clamped.

use rasn::types::{Integer, ObjectIdentifier};
use rasn_smi::{v1 as smi1, v2 as smi2};
use rasn_snmp::{v1, v2, v2c, v3};
use snmpkit::codec::{
    AnyPdu, CommunityMessage, DecodedV3, Pdu, PduType, ScopedPdu, ScopedPduData, TrapV1, Version,
};
use snmpkit::{Value, VarBind};

fn int(i: &Integer) -> i128 {
    // rasn's Integer is unbounded; anything beyond i128 cannot equal one of ours.
    i128::try_from(i).unwrap_or(i128::MAX)
}

fn clamp(i: i128) -> i32 {
    i.clamp(i128::from(i32::MIN), i128::from(i32::MAX)) as i32
}

fn same_oid(ours: &snmpkit::Oid, theirs: &ObjectIdentifier) -> bool {
    ours.arcs() == &theirs[..]
}

fn check_oid(what: &str, ours: &snmpkit::Oid, theirs: &ObjectIdentifier) {
    assert!(
        same_oid(ours, theirs),
        "{what}: we decoded {ours:?}, rasn {theirs:?}"
    );
}

fn check_v2_value(ours: &Value, theirs: &v2::VarBindValue) {
    use smi2::{ApplicationSyntax as A, ObjectSyntax as O, SimpleSyntax as S};
    use v2::VarBindValue as V;
    let same = match (ours, theirs) {
        (Value::Integer(a), V::Value(O::Simple(S::Integer(b)))) => i128::from(*a) == int(b),
        (Value::OctetString(a), V::Value(O::Simple(S::String(b)))) => a[..] == b[..],
        (Value::ObjectIdentifier(a), V::Value(O::Simple(S::ObjectId(b)))) => same_oid(a, b),
        (Value::IpAddress(a), V::Value(O::ApplicationWide(A::Address(b)))) => a[..] == b.0[..],
        (Value::Counter32(a), V::Value(O::ApplicationWide(A::Counter(b)))) => *a == b.0,
        (Value::Gauge32(a), V::Value(O::ApplicationWide(A::Unsigned(b)))) => *a == b.0,
        (Value::TimeTicks(a), V::Value(O::ApplicationWide(A::Ticks(b)))) => *a == b.0,
        (Value::Opaque(a), V::Value(O::ApplicationWide(A::Arbitrary(b)))) => a[..] == *b.as_ref(),
        (Value::Counter64(a), V::Value(O::ApplicationWide(A::BigCounter(b)))) => *a == b.0,
        (Value::Null, V::Unspecified)
        | (Value::NoSuchObject, V::NoSuchObject)
        | (Value::NoSuchInstance, V::NoSuchInstance)
        | (Value::EndOfMibView, V::EndOfMibView) => true,
        _ => false,
    };
    assert!(same, "value: we decoded {ours:?}, rasn {theirs:?}");
}

fn check_v1_value(ours: &Value, theirs: &smi1::ObjectSyntax) {
    use smi1::{ApplicationSyntax as A, NetworkAddress, ObjectSyntax as O, SimpleSyntax as S};
    let same = match (ours, theirs) {
        (Value::Integer(a), O::Simple(S::Number(b))) => i128::from(*a) == int(b),
        (Value::OctetString(a), O::Simple(S::String(b))) => a[..] == b[..],
        (Value::ObjectIdentifier(a), O::Simple(S::Object(b))) => same_oid(a, b),
        (Value::Null, O::Simple(S::Empty)) => true,
        (Value::IpAddress(a), O::ApplicationWide(A::Address(NetworkAddress::Internet(b)))) => {
            a[..] == b.0[..]
        }
        (Value::Counter32(a), O::ApplicationWide(A::Counter(b))) => *a == b.0,
        (Value::Gauge32(a), O::ApplicationWide(A::Gauge(b))) => *a == b.0,
        (Value::TimeTicks(a), O::ApplicationWide(A::Ticks(b))) => *a == b.0,
        (Value::Opaque(a), O::ApplicationWide(A::Arbitrary(b))) => a[..] == *b.as_ref(),
        _ => false,
    };
    assert!(same, "v1 value: we decoded {ours:?}, rasn {theirs:?}");
}

fn check_v2_varbinds(ours: &[VarBind], theirs: &[v2::VarBind]) {
    assert_eq!(ours.len(), theirs.len(), "varbind count");
    for (a, b) in ours.iter().zip(theirs) {
        check_oid("varbind name", &a.oid, &b.name);
        check_v2_value(&a.value, &b.value);
    }
}

fn check_v2_pdu(ours: &Pdu, theirs: &v2::Pdus) {
    use v2::Pdus as P;
    let (kind, p) = match theirs {
        P::GetRequest(p) => (PduType::Get, &p.0),
        P::GetNextRequest(p) => (PduType::GetNext, &p.0),
        P::Response(p) => (PduType::Response, &p.0),
        P::SetRequest(p) => (PduType::Set, &p.0),
        P::InformRequest(p) => (PduType::Inform, &p.0),
        P::Trap(p) => (PduType::TrapV2, &p.0),
        P::Report(p) => (PduType::Report, &p.0),
        P::GetBulkRequest(b) => {
            let b = &b.0;
            assert_eq!(ours.pdu_type, PduType::GetBulk, "PDU type");
            assert_eq!(ours.request_id, b.request_id, "request-id");
            assert_eq!(
                ours.error_status,
                clamp(i128::from(b.non_repeaters)),
                "non-repeaters"
            );
            assert_eq!(
                ours.error_index,
                clamp(i128::from(b.max_repetitions)),
                "max-repetitions"
            );
            check_v2_varbinds(&ours.varbinds, &b.variable_bindings);
            return;
        }
    };
    assert_eq!(ours.pdu_type, kind, "PDU type");
    assert_eq!(ours.request_id, p.request_id, "request-id");
    assert_eq!(
        ours.error_status,
        clamp(i128::from(p.error_status)),
        "error-status"
    );
    assert_eq!(
        ours.error_index,
        clamp(i128::from(p.error_index)),
        "error-index"
    );
    check_v2_varbinds(&ours.varbinds, &p.variable_bindings);
}

fn check_v1_trap(ours: &TrapV1, theirs: &v1::Trap) {
    check_oid("enterprise", &ours.enterprise, &theirs.enterprise);
    let smi1::NetworkAddress::Internet(a) = &theirs.agent_addr;
    assert_eq!(ours.agent_addr[..], a.0[..], "agent-addr");
    assert_eq!(
        i128::from(ours.generic_trap),
        int(&theirs.generic_trap),
        "generic-trap"
    );
    assert_eq!(
        i128::from(ours.specific_trap),
        int(&theirs.specific_trap),
        "specific-trap"
    );
    assert_eq!(ours.time_stamp, theirs.time_stamp.0, "time-stamp");
    check_v1_varbinds(&ours.varbinds, &theirs.variable_bindings);
}

fn check_v1_varbinds(ours: &[VarBind], theirs: &[v1::VarBind]) {
    assert_eq!(ours.len(), theirs.len(), "varbind count");
    for (a, b) in ours.iter().zip(theirs) {
        check_oid("varbind name", &a.oid, &b.name);
        check_v1_value(&a.value, &b.value);
    }
}

fn check_v1_pdu(ours: &AnyPdu, theirs: &v1::Pdus) {
    use v1::Pdus as P;
    let (kind, p) = match theirs {
        P::GetRequest(p) => (PduType::Get, &p.0),
        P::GetNextRequest(p) => (PduType::GetNext, &p.0),
        P::GetResponse(p) => (PduType::Response, &p.0),
        P::SetRequest(p) => (PduType::Set, &p.0),
        P::Trap(t) => {
            let AnyPdu::TrapV1(o) = ours else {
                panic!("rasn decoded a v1 Trap, we decoded {ours:?}");
            };
            check_v1_trap(o, t);
            return;
        }
    };
    let AnyPdu::Pdu(o) = ours else {
        panic!("rasn decoded a {kind:?}, we decoded {ours:?}");
    };
    assert_eq!(o.pdu_type, kind, "PDU type");
    assert_eq!(i128::from(o.request_id), int(&p.request_id), "request-id");
    assert_eq!(o.error_status, clamp(int(&p.error_status)), "error-status");
    assert_eq!(o.error_index, clamp(int(&p.error_index)), "error-index");
    check_v1_varbinds(&o.varbinds, &p.variable_bindings);
}

/// Compares a v1/v2c message we decoded from `bytes` with rasn-snmp's reading of them.
pub fn check_community(ours: &CommunityMessage, bytes: &[u8]) {
    match ours.version {
        Version::V1 => {
            if let Ok(r) = rasn::ber::decode::<v1::Message<v1::Pdus>>(bytes) {
                assert_eq!(int(&r.version), 0, "version");
                assert_eq!(ours.community[..], r.community[..], "community");
                check_v1_pdu(&ours.pdu, &r.data);
            }
        }
        Version::V2c => {
            if let Ok(r) = rasn::ber::decode::<v2c::Message<v2::Pdus>>(bytes) {
                assert_eq!(int(&r.version), 1, "version");
                assert_eq!(ours.community[..], r.community[..], "community");
                let AnyPdu::Pdu(p) = &ours.pdu else {
                    panic!("a v1 Trap decoded from a v2c message");
                };
                check_v2_pdu(p, &r.data);
            }
        }
        Version::V3 => panic!("a community message with version 3"),
    }
}

/// Compares a ScopedPDU we decoded with rasn-snmp's reading of the same bytes.
pub fn check_scoped(ours: &ScopedPdu, bytes: &[u8]) {
    if let Ok(r) = rasn::ber::decode::<v3::ScopedPdu>(bytes) {
        check_scoped_with(ours, &r);
    }
}

fn check_scoped_with(ours: &ScopedPdu, r: &v3::ScopedPdu) {
    assert_eq!(
        ours.context_engine_id[..],
        r.engine_id[..],
        "contextEngineID"
    );
    assert_eq!(ours.context_name[..], r.name[..], "contextName");
    check_v2_pdu(&ours.pdu, &r.data);
}

/// Compares a v3 message we decoded from `bytes` with rasn-snmp's reading, and checks that
/// the reported MAC location really holds msgAuthenticationParameters.
pub fn check_v3(ours: &DecodedV3, bytes: &[u8]) {
    let end = ours.auth_offset + ours.auth_len;
    assert_eq!(
        bytes.get(ours.auth_offset..end),
        Some(&ours.msg.usm.auth_params[..]),
        "the MAC offset does not point at msgAuthenticationParameters"
    );
    let Ok(r) = rasn::ber::decode::<v3::Message>(bytes) else {
        return;
    };
    let m = &ours.msg;
    assert_eq!(int(&r.version), 3, "version");
    assert_eq!(
        i128::from(m.msg_id),
        int(&r.global_data.message_id),
        "msgID"
    );
    assert_eq!(
        i128::from(m.max_size),
        int(&r.global_data.max_size),
        "msgMaxSize"
    );
    assert_eq!(&[m.flags][..], &r.global_data.flags[..], "msgFlags");
    assert_eq!(
        i128::from(m.security_model),
        int(&r.global_data.security_model),
        "msgSecurityModel"
    );
    if let Ok(u) = rasn::ber::decode::<v3::USMSecurityParameters>(&r.security_parameters) {
        assert_eq!(
            m.usm.engine_id[..],
            u.authoritative_engine_id[..],
            "engine ID"
        );
        assert_eq!(
            i128::from(m.usm.engine_boots),
            int(&u.authoritative_engine_boots),
            "boots"
        );
        assert_eq!(
            i128::from(m.usm.engine_time),
            int(&u.authoritative_engine_time),
            "time"
        );
        assert_eq!(m.usm.user_name[..], u.user_name[..], "user");
        assert_eq!(
            m.usm.auth_params[..],
            u.authentication_parameters[..],
            "MAC"
        );
        assert_eq!(m.usm.priv_params[..], u.privacy_parameters[..], "salt");
    }
    match (&m.data, &r.scoped_data) {
        (ScopedPduData::Plaintext(a), v3::ScopedPduData::CleartextPdu(b)) => {
            check_scoped_with(a, b)
        }
        (ScopedPduData::Encrypted(a), v3::ScopedPduData::EncryptedPdu(b)) => {
            assert_eq!(a[..], b[..], "encryptedPDU")
        }
        (a, b) => panic!("msgData: we decoded {a:?}, rasn {b:?}"),
    }
}
