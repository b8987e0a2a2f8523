//! Property tests of the `rasn` feature's conversions: ours → rasn-snmp → ours is the identity,
//! and rasn-snmp decoding the bytes our codec encodes gives the same value as converting (an
//! independent decoder agreeing with the conversion). Run with `--features rasn`.
#![cfg(feature = "rasn")]

use proptest::prelude::*;
use rasn_snmp::{v1, v2, v2c, v3};
use snmpkit::codec::{
    AnyPdu, CommunityMessage, Pdu, PduType, ScopedPdu, ScopedPduData, TrapV1, UsmParams, V3Message,
    Version,
};
use snmpkit::rasn_compat::ConvertError;
use snmpkit::{Oid, Value, VarBind};

fn oid() -> impl Strategy<Value = Oid> {
    (
        0u32..=2,
        0u32..40,
        prop::collection::vec(any::<u32>(), 0..8),
    )
        .prop_map(|(a, b, rest)| {
            let mut arcs = vec![a, if a == 2 { b * 25 } else { b }];
            arcs.extend(rest);
            Oid::from_slice(&arcs)
        })
}

fn v1_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i32>().prop_map(|i| Value::Integer(i as i64)),
        prop::collection::vec(any::<u8>(), 0..40).prop_map(Value::OctetString),
        Just(Value::Null),
        oid().prop_map(Value::ObjectIdentifier),
        any::<[u8; 4]>().prop_map(Value::IpAddress),
        any::<u32>().prop_map(Value::Counter32),
        any::<u32>().prop_map(Value::Gauge32),
        any::<u32>().prop_map(Value::TimeTicks),
        prop::collection::vec(any::<u8>(), 0..200).prop_map(Value::Opaque),
    ]
}

fn v2_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        v1_value(),
        any::<i64>().prop_map(Value::Integer),
        any::<u64>().prop_map(Value::Counter64),
        Just(Value::NoSuchObject),
        Just(Value::NoSuchInstance),
        Just(Value::EndOfMibView),
    ]
}

fn varbinds(value: impl Strategy<Value = Value>) -> impl Strategy<Value = Vec<VarBind>> {
    prop::collection::vec((oid(), value).prop_map(|(o, v)| VarBind::new(o, v)), 0..8)
}

fn v2_pdu() -> impl Strategy<Value = Pdu> {
    let types = prop::sample::select(vec![
        PduType::Get,
        PduType::GetNext,
        PduType::Response,
        PduType::Set,
        PduType::GetBulk,
        PduType::Inform,
        PduType::TrapV2,
        PduType::Report,
    ]);
    (
        types,
        any::<i32>(),
        0..=i32::MAX,
        0..=i32::MAX,
        varbinds(v2_value()),
    )
        .prop_map(
            |(pdu_type, request_id, error_status, error_index, varbinds)| Pdu {
                pdu_type,
                request_id,
                error_status,
                error_index,
                varbinds,
            },
        )
}

fn v1_any_pdu() -> impl Strategy<Value = AnyPdu> {
    let types = prop::sample::select(vec![
        PduType::Get,
        PduType::GetNext,
        PduType::Response,
        PduType::Set,
    ]);
    let pdu = (
        types,
        any::<i32>(),
        any::<i32>(),
        any::<i32>(),
        varbinds(v1_value()),
    )
        .prop_map(
            |(pdu_type, request_id, error_status, error_index, varbinds)| {
                AnyPdu::Pdu(Pdu {
                    pdu_type,
                    request_id,
                    error_status,
                    error_index,
                    varbinds,
                })
            },
        );
    let trap = (
        oid(),
        any::<[u8; 4]>(),
        0i32..7,
        any::<i32>(),
        any::<u32>(),
        varbinds(v1_value()),
    )
        .prop_map(
            |(enterprise, agent_addr, generic_trap, specific_trap, time_stamp, varbinds)| {
                AnyPdu::TrapV1(TrapV1 {
                    enterprise,
                    agent_addr,
                    generic_trap,
                    specific_trap,
                    time_stamp,
                    varbinds,
                })
            },
        );
    prop_oneof![pdu, trap]
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..max)
}

fn v3_message() -> impl Strategy<Value = V3Message> {
    let usm = (
        bytes(32),
        any::<u32>(),
        any::<u32>(),
        bytes(32),
        bytes(24),
        bytes(8),
    )
        .prop_map(
            |(engine_id, engine_boots, engine_time, user_name, auth_params, priv_params)| {
                UsmParams {
                    engine_id,
                    engine_boots,
                    engine_time,
                    user_name,
                    auth_params,
                    priv_params,
                }
            },
        );
    let data = prop_oneof![
        (bytes(32), bytes(16), v2_pdu()).prop_map(|(context_engine_id, context_name, pdu)| {
            ScopedPduData::Plaintext(ScopedPdu {
                context_engine_id,
                context_name,
                pdu,
            })
        }),
        bytes(300).prop_map(ScopedPduData::Encrypted),
    ];
    (
        any::<i32>(),
        484..=i32::MAX,
        any::<u8>(),
        Just(3),
        usm,
        data,
    )
        .prop_map(
            |(msg_id, max_size, flags, security_model, usm, data)| V3Message {
                msg_id,
                max_size,
                flags,
                security_model,
                usm,
                data,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn v2c_messages_round_trip_through_rasn(
        community in bytes(16),
        pdu in v2_pdu(),
    ) {
        let ours = CommunityMessage { version: Version::V2c, community, pdu: AnyPdu::Pdu(pdu) };
        let theirs = v2c::Message::<v2::Pdus>::try_from(&ours).unwrap();
        // rasn-snmp decoding our bytes agrees with the conversion.
        let decoded: v2c::Message<v2::Pdus> = rasn::ber::decode(&ours.encode()).unwrap();
        prop_assert_eq!(&decoded, &theirs);
        prop_assert_eq!(CommunityMessage::try_from(theirs).unwrap(), ours);
    }

    #[test]
    fn v1_messages_round_trip_through_rasn(community in bytes(16), pdu in v1_any_pdu()) {
        let ours = CommunityMessage { version: Version::V1, community, pdu };
        let theirs = v1::Message::<v1::Pdus>::try_from(&ours).unwrap();
        let decoded: v1::Message<v1::Pdus> = rasn::ber::decode(&ours.encode()).unwrap();
        prop_assert_eq!(&decoded, &theirs);
        prop_assert_eq!(CommunityMessage::try_from(theirs).unwrap(), ours);
    }

    #[test]
    fn v3_messages_round_trip_through_rasn(ours in v3_message()) {
        let theirs = v3::Message::try_from(&ours).unwrap();
        let decoded: v3::Message = rasn::ber::decode(&ours.encode().bytes).unwrap();
        prop_assert_eq!(V3Message::try_from(decoded).unwrap(), ours.clone());
        prop_assert_eq!(V3Message::try_from(theirs).unwrap(), ours);
    }
}

#[test]
fn what_rasn_cannot_hold_is_refused_not_changed() {
    let unknown = VarBind::new(
        "1.3.6.1.2.1.1.1.0".parse().unwrap(),
        Value::Unknown {
            tag: 0x47,
            data: vec![1],
        },
    );
    assert_eq!(
        v2::VarBind::try_from(&unknown),
        Err(ConvertError::UnknownValueTag(0x47))
    );
    let big = VarBind::new("1.3.6.1.2.1.1.1.0".parse().unwrap(), Value::Counter64(1));
    assert!(matches!(
        v1::VarBind::try_from(&big),
        Err(ConvertError::NotInV1(_))
    ));
    let mut negative = Pdu::request(PduType::Response, 1, &[]);
    negative.error_status = -1;
    assert!(matches!(
        v2::Pdus::try_from(&negative),
        Err(ConvertError::OutOfRange(_))
    ));
    let short = VarBind::new(Oid::from_slice(&[3, 1]), Value::Null);
    assert!(matches!(
        v2::VarBind::try_from(&short),
        Err(ConvertError::InvalidOid(_))
    ));
}
