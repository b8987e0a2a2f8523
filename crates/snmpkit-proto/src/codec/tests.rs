//! Byte-vector tests for the codec, plus cross-checks against rasn-snmp as an independent
//! BER implementation, plus a property test that arbitrary bytes never panic the decoder.

use super::*;
use crate::{Oid, Value, VarBind};

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

/// (value, canonical encoding): encode must produce these bytes and decode must invert it.
#[test]
fn value_vectors() {
    let cases: Vec<(Value, &str)> = vec![
        (Value::Integer(0), "02 01 00"),
        (Value::Integer(127), "02 01 7f"),
        (Value::Integer(128), "02 02 00 80"),
        (Value::Integer(-1), "02 01 ff"),
        (Value::Integer(-129), "02 02 ff 7f"),
        (Value::Integer(2147483647), "02 04 7f ff ff ff"),
        (Value::Integer(-2147483648), "02 04 80 00 00 00"),
        (Value::OctetString(vec![]), "04 00"),
        (
            Value::OctetString(b"public".to_vec()),
            "04 06 70 75 62 6c 69 63",
        ),
        (Value::Null, "05 00"),
        (Value::ObjectIdentifier(oid("1.3.6.1")), "06 03 2b 06 01"),
        (
            Value::ObjectIdentifier(oid("1.3.6.1.4.1.8072.3.2.10")),
            "06 0a 2b 06 01 04 01 bf 08 03 02 0a",
        ),
        (Value::ObjectIdentifier(oid("2.999.3")), "06 03 88 37 03"),
        (Value::ObjectIdentifier(oid("0.0")), "06 01 00"),
        (
            Value::ObjectIdentifier(oid("1.3.4294967295")),
            "06 06 2b 8f ff ff ff 7f",
        ),
        (Value::IpAddress([10, 0, 0, 1]), "40 04 0a 00 00 01"),
        (Value::Counter32(0), "41 01 00"),
        (Value::Counter32(4294967295), "41 05 00 ff ff ff ff"),
        (Value::Gauge32(128), "42 02 00 80"),
        (Value::TimeTicks(100), "43 01 64"),
        (
            Value::Opaque(hex("9f 78 04 3f c0 00 00")),
            "44 07 9f 78 04 3f c0 00 00",
        ),
        (
            Value::Counter64(u64::MAX),
            "46 09 00 ff ff ff ff ff ff ff ff",
        ),
        (Value::Counter64(1), "46 01 01"),
        (Value::NoSuchObject, "80 00"),
        (Value::NoSuchInstance, "81 00"),
        (Value::EndOfMibView, "82 00"),
    ];
    for (v, h) in cases {
        let bytes = hex(h);
        assert_eq!(encode_value(&v), bytes, "encode {v:?}");
        let (d, used) = decode_value(&bytes).unwrap();
        assert_eq!(d, v, "decode {h}");
        assert_eq!(used, bytes.len());
    }
}

/// Device quirks that must decode to the stated value.
#[test]
fn lenient_vectors() {
    let cases: Vec<(&str, Value)> = vec![
        // Unsigned types with the sign bit set and no leading zero.
        ("41 04 ff ff ff ff", Value::Counter32(4294967295)),
        ("42 04 80 00 00 00", Value::Gauge32(2147483648)),
        ("43 04 ff ff ff fe", Value::TimeTicks(4294967294)),
        ("46 08 ff ff ff ff ff ff ff ff", Value::Counter64(u64::MAX)),
        // Padded with redundant leading zeros.
        ("43 06 00 00 00 00 00 64", Value::TimeTicks(100)),
        ("02 03 00 00 05", Value::Integer(5)),
        ("02 03 ff ff ff", Value::Integer(-1)),
        // Long-form and non-minimal lengths.
        ("04 81 03 61 62 63", Value::OctetString(b"abc".to_vec())),
        (
            "04 83 00 00 03 61 62 63",
            Value::OctetString(b"abc".to_vec()),
        ),
        // Unknown application tags kept on the varbind.
        (
            "45 04 01 02 03 04",
            Value::Unknown {
                tag: 0x45,
                data: vec![1, 2, 3, 4],
            },
        ),
        (
            "47 01 05",
            Value::Unknown {
                tag: 0x47,
                data: vec![5],
            },
        ),
        // An IpAddress of the wrong length is kept raw rather than failing the message.
        (
            "40 03 01 02 03",
            Value::Unknown {
                tag: 0x40,
                data: vec![1, 2, 3],
            },
        ),
        // NULL with content.
        ("05 01 00", Value::Null),
    ];
    for (h, v) in cases {
        assert_eq!(decode_value(&hex(h)).unwrap().0, v, "{h}");
    }
}

/// D1: INTEGERs that do not fit in 64 bits decoded with the wrong sign (2^64-1 as -1, and so
/// on). After the padding is stripped, a remainder whose sign bit disagrees is an error; what
/// does fit, however padded, decodes to its value.
#[test]
fn integers_beyond_64_bits_are_errors_not_wrong_signs() {
    for h in [
        "02 09 00 ff ff ff ff ff ff ff ff",
        "02 09 ff 7f ff ff ff ff ff ff ff",
        "02 09 00 80 00 00 00 00 00 00 00",
        "02 0a 00 00 80 00 00 00 00 00 00 00",
        "02 0a ff ff 7f ff ff ff ff ff ff ff",
    ] {
        assert_eq!(
            decode_value(&hex(h)).unwrap_err(),
            DecodeError::BadInteger("INTEGER value"),
            "{h}"
        );
    }
    for (h, v) in [
        ("02 09 00 7f ff ff ff ff ff ff ff", i64::MAX),
        ("02 09 ff 80 00 00 00 00 00 00 00", i64::MIN),
        ("02 0a ff ff 80 00 00 00 00 00 00 00", i64::MIN),
        ("02 09 ff ff ff ff ff ff ff ff ff", -1),
        ("02 09 00 00 00 00 00 00 00 00 05", 5),
    ] {
        assert_eq!(decode_value(&hex(h)).unwrap().0, Value::Integer(v), "{h}");
    }
    // A request-id of 2^64-1 must not match request -1: the message is refused.
    let msg = hex(
        "30 20 02 01 01 04 06 70 75 62 6c 69 63 a2 13 02 09 00 ff ff ff ff ff ff ff ff
         02 01 00 02 01 00 30 00",
    );
    assert_eq!(
        decode_message(&msg).unwrap_err(),
        DecodeError::BadInteger("request-id")
    );
}

/// Found by fuzzing (decode_message): `06 00` decoded as the empty OID, which re-encoded as
/// `06 01 00` (0.0). net-snmp reads `06 00` as `.0`; we now do too, and write `.0` back as
/// `06 00`, so a decoded message re-encodes to what was received.
#[test]
fn empty_oid_reads_as_net_snmp_reads_it_and_round_trips() {
    let (v, _) = decode_value(&hex("06 00")).unwrap();
    assert_eq!(v, Value::ObjectIdentifier(oid("0")));
    assert_eq!(encode_value(&v), hex("06 00"));
    // As a varbind name too: the message re-encodes to the bytes received.
    let msg = hex(
        "30 1e 02 01 01 04 06 70 75 62 6c 69 63 a2 11 02 01 01 02 01 00 02 01 00
         30 06 30 04 06 00 05 00",
    );
    let Message::Community(m) = decode_message(&msg).unwrap() else {
        panic!("not a community message");
    };
    assert_eq!(m.pdu.varbinds()[0].oid, oid("0"));
    assert_eq!(m.encode(), msg);
}

/// codec/ber.rs had an empty `if` claiming that a leading 0x80 in a sub-identifier (a
/// non-minimal encoding) is tolerated; the tolerance is real and now only stated and tested.
#[test]
fn non_minimal_oid_sub_identifiers_are_tolerated() {
    for (h, o) in [
        ("06 04 2b 80 80 06", "1.3.6"),
        ("06 05 2b 06 80 81 00", "1.3.6.128"),
    ] {
        assert_eq!(
            decode_value(&hex(h)).unwrap().0,
            Value::ObjectIdentifier(oid(o)),
            "{h}"
        );
    }
}

#[test]
fn malformed_vectors() {
    let cases: Vec<(&str, DecodeError)> = vec![
        ("04 05 61", DecodeError::Truncated("value")),
        ("04", DecodeError::Truncated("value")),
        ("04 80 61 00 00", DecodeError::BadLength("value")),
        ("04 85 01 00 00 00 00 61", DecodeError::BadLength("value")),
        ("04 84 ff ff ff ff 61", DecodeError::Truncated("value")),
        ("02 00", DecodeError::BadInteger("INTEGER value")),
        (
            "02 09 01 00 00 00 00 00 00 00 00",
            DecodeError::BadInteger("INTEGER value"),
        ),
        (
            "41 06 01 00 00 00 00 00",
            DecodeError::BadInteger("Counter32 value"),
        ),
        (
            "06 02 2b 86",
            DecodeError::BadOid("truncated sub-identifier"),
        ),
        (
            "06 07 2b ff ff ff ff ff 7f",
            DecodeError::BadOid("sub-identifier too large"),
        ),
        ("30 00", DecodeError::BadValueTag(0x30)),
        ("1f 01 00", DecodeError::Invalid("multi-octet tag")),
    ];
    for (h, e) in cases {
        assert_eq!(decode_value(&hex(h)).unwrap_err(), e, "{h}");
    }
}

const GET_SYSDESCR: &str = "30 26 02 01 01 04 06 70 75 62 6c 69 63 a0 19 02 01 01 02 01 00 02 01 00
                            30 0e 30 0c 06 08 2b 06 01 02 01 01 01 00 05 00";

#[test]
fn v2c_get_vector() {
    let msg = CommunityMessage {
        version: Version::V2c,
        community: b"public".to_vec(),
        pdu: AnyPdu::Pdu(Pdu::request(PduType::Get, 1, &[oid("1.3.6.1.2.1.1.1.0")])),
    };
    assert_eq!(msg.encode(), hex(GET_SYSDESCR));
    match decode_message(&hex(GET_SYSDESCR)).unwrap() {
        Message::Community(m) => assert_eq!(m, msg),
        other => panic!("{other:?}"),
    }
}

#[test]
fn trailing_bytes_are_ignored() {
    let mut b = hex(GET_SYSDESCR);
    b.extend_from_slice(&[0, 0, 0, 0]);
    assert!(matches!(decode_message(&b), Ok(Message::Community(_))));
}

#[test]
fn truncated_messages_are_errors() {
    let b = hex(GET_SYSDESCR);
    for n in 0..b.len() {
        assert!(
            decode_message(&b[..n]).is_err(),
            "prefix of {n} bytes decoded"
        );
    }
}

#[test]
fn bad_versions() {
    // version 2 does not exist
    let mut b = hex(GET_SYSDESCR);
    b[4] = 2;
    assert_eq!(decode_message(&b), Err(DecodeError::BadVersion(2)));
    assert_eq!(peek_version(&b), Err(DecodeError::BadVersion(2)));
}

#[test]
fn v1_trap_vectors() {
    let trap = TrapV1 {
        enterprise: oid("1.3.6.1.4.1.8072.3.2.10"),
        agent_addr: [127, 0, 0, 1],
        generic_trap: 2,
        specific_trap: 0,
        time_stamp: 1234,
        varbinds: vec![VarBind::new(
            oid("1.3.6.1.2.1.2.2.1.1.2"),
            Value::Integer(2),
        )],
    };
    let msg = CommunityMessage {
        version: Version::V1,
        community: b"public".to_vec(),
        pdu: AnyPdu::TrapV1(trap.clone()),
    };
    let bytes = msg.encode();
    assert_eq!(
        decode_message(&bytes).unwrap(),
        Message::Community(msg.clone())
    );
    // A v1 trap whose variable-bindings are missing altogether still decodes.
    let no_vbs = hex(
        "30 28 02 01 00 04 06 70 75 62 6c 69 63 a4 1b 06 0a 2b 06 01 04 01 bf 08 03 02 0a
         40 04 7f 00 00 01 02 01 00 02 01 00 43 01 05",
    );
    match decode_message(&no_vbs).unwrap() {
        Message::Community(CommunityMessage {
            pdu: AnyPdu::TrapV1(t),
            ..
        }) => {
            assert_eq!(t.generic_trap, 0);
            assert_eq!(t.time_stamp, 5);
            assert!(t.varbinds.is_empty());
        }
        other => panic!("{other:?}"),
    }
    // A v1 trap tag inside a v2c message is refused.
    let mut v2 = bytes.clone();
    v2[4] = 1;
    assert_eq!(decode_message(&v2), Err(DecodeError::BadPduType(0xa4)));
}

#[test]
fn every_pdu_type_round_trips() {
    for t in [
        PduType::Get,
        PduType::GetNext,
        PduType::Response,
        PduType::Set,
        PduType::GetBulk,
        PduType::Inform,
        PduType::TrapV2,
        PduType::Report,
    ] {
        let p = Pdu {
            pdu_type: t,
            request_id: -7,
            error_status: 3,
            error_index: 1,
            varbinds: vec![
                VarBind::new(oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(42)),
                VarBind::new(
                    oid("1.3.6.1.6.3.1.1.4.1.0"),
                    Value::ObjectIdentifier(oid("1.3.6.1.6.3.1.1.5.3")),
                ),
            ],
        };
        let m = CommunityMessage {
            version: Version::V2c,
            community: b"c".to_vec(),
            pdu: AnyPdu::Pdu(p),
        };
        assert_eq!(decode_message(&m.encode()).unwrap(), Message::Community(m));
    }
}

#[test]
fn long_messages_use_long_form_lengths() {
    let vbs: Vec<VarBind> = (0..200)
        .map(|i| {
            VarBind::new(
                oid(&format!("1.3.6.1.2.1.2.2.1.2.{i}")),
                Value::OctetString(vec![b'x'; 300]),
            )
        })
        .collect();
    let m = CommunityMessage {
        version: Version::V2c,
        community: b"public".to_vec(),
        pdu: AnyPdu::Pdu(Pdu {
            pdu_type: PduType::Response,
            request_id: 1,
            error_status: 0,
            error_index: 0,
            varbinds: vbs,
        }),
    };
    let b = m.encode();
    assert_eq!(&b[..2], &[0x30, 0x82]);
    assert_eq!(decode_message(&b).unwrap(), Message::Community(m));
}

fn sample_v3(data: ScopedPduData) -> V3Message {
    V3Message {
        msg_id: 12345,
        max_size: 65507,
        flags: flags::AUTH | flags::PRIV | flags::REPORTABLE,
        security_model: 3,
        usm: UsmParams {
            engine_id: hex("80001f8880 0102030405060708"),
            engine_boots: 3,
            engine_time: 987654,
            user_name: b"shaaes".to_vec(),
            auth_params: vec![0; 12],
            priv_params: vec![1, 2, 3, 4, 5, 6, 7, 8],
        },
        data,
    }
}

#[test]
fn v3_round_trip_and_auth_offset() {
    for data in [
        ScopedPduData::Encrypted(vec![0xaa; 300]),
        ScopedPduData::Plaintext(ScopedPdu {
            context_engine_id: hex("80001f8880 0102030405060708"),
            context_name: b"ctx".to_vec(),
            pdu: Pdu::request(PduType::Get, 9, &[oid("1.3.6.1.2.1.1.5.0")]),
        }),
    ] {
        let mut m = sample_v3(data);
        let enc = m.encode();
        assert_eq!(enc.auth_len, 12);
        assert_eq!(
            &enc.bytes[enc.auth_offset..enc.auth_offset + 12],
            &[0u8; 12]
        );
        // The MAC sits right before the privacy parameters' TLV.
        assert_eq!(
            &enc.bytes[enc.auth_offset + 12..enc.auth_offset + 14],
            &[0x04, 0x08]
        );
        let Message::V3(d) = decode_message(&enc.bytes).unwrap() else {
            panic!("not v3")
        };
        assert_eq!(d.auth_offset, enc.auth_offset);
        assert_eq!(d.msg, m);
        // Patch a MAC in place and see it decoded.
        let mut b = enc.bytes.clone();
        b[enc.auth_offset..enc.auth_offset + 12].copy_from_slice(&[7; 12]);
        let Message::V3(d2) = decode_message(&b).unwrap() else {
            panic!("not v3")
        };
        m.usm.auth_params = vec![7; 12];
        assert_eq!(d2.msg, m);
    }
}

#[test]
fn scoped_pdu_tolerates_cipher_padding() {
    let s = ScopedPdu {
        context_engine_id: vec![1, 2, 3],
        context_name: vec![],
        pdu: Pdu::request(PduType::Get, 1, &[oid("1.3.6.1")]),
    };
    let mut b = s.encode();
    b.extend_from_slice(&[0; 7]);
    assert_eq!(ScopedPdu::decode(&b).unwrap(), s);
}

/// A discovery exchange captured with `snmpget -v3 -d` against net-snmp 5.9.3's snmpd.
const NETSNMP_DISCOVERY_REQUEST: &str =
    "30 3E 02 01 03 30 11 02 04 09 7B 4C DA 02 03 00 FF E3 04 01 04 02 01 03
    04 10 30 0E 04 00 02 01 00 02 01 00 04 00 04 00 04 00 30 14 04 00 04 00
    A0 0E 02 04 06 E6 B2 E5 02 01 00 02 01 00 30 00";
const NETSNMP_DISCOVERY_REPORT: &str =
    "30 72 02 01 03 30 11 02 04 09 7B 4C DA 02 03 00 FF E3 04 01 00 02 01 03
    04 22 30 20 04 11 80 00 1F 88 80 50 2A 3B 4D 30 3B 06 6B 00 00 00 00 02 01 01 02 02 01 2A
    04 00 04 00 04 00 30 36 04 11 80 00 1F 88 80 50 2A 3B 4D 30 3B 06 6B 00 00 00 00 04 00
    A8 1F 02 04 06 E6 B2 E5 02 01 00 02 01 00 30 11 30 0F 06 0A 2B 06 01 06 03 0F 01 01 04 00
    41 01 01";

#[test]
fn encodes_discovery_like_netsnmp() {
    let m = V3Message {
        msg_id: 0x097B4CDA,
        max_size: 65507,
        flags: flags::REPORTABLE,
        security_model: 3,
        usm: UsmParams::default(),
        data: ScopedPduData::Plaintext(ScopedPdu {
            context_engine_id: vec![],
            context_name: vec![],
            pdu: Pdu::request(PduType::Get, 0x06E6B2E5, &[]),
        }),
    };
    assert_eq!(m.encode().bytes, hex(NETSNMP_DISCOVERY_REQUEST));
}

#[test]
fn decodes_netsnmp_discovery_report() {
    let Message::V3(d) = decode_message(&hex(NETSNMP_DISCOVERY_REPORT)).unwrap() else {
        panic!("not v3")
    };
    assert_eq!(d.msg.msg_id, 0x097B4CDA);
    assert_eq!(d.msg.flags, 0);
    assert_eq!(d.msg.usm.engine_boots, 1);
    assert_eq!(d.msg.usm.engine_time, 298);
    assert_eq!(
        d.msg.usm.engine_id,
        hex("80 00 1F 88 80 50 2A 3B 4D 30 3B 06 6B 00 00 00 00")
    );
    let ScopedPduData::Plaintext(s) = d.msg.data else {
        panic!("encrypted")
    };
    assert_eq!(s.pdu.pdu_type, PduType::Report);
    assert_eq!(
        s.pdu.varbinds,
        vec![VarBind::new(
            oid("1.3.6.1.6.3.15.1.1.4.0"),
            Value::Counter32(1)
        )]
    );
}

mod witness {
    //! rasn-snmp is an independent BER implementation: what it encodes we must decode, and
    //! what we encode it must decode, with the same meaning.
    use super::*;
    use rasn::types::{Integer, ObjectIdentifier, OctetString};
    use rasn_smi::v2::{ApplicationSyntax, ObjectSyntax, SimpleSyntax};
    use rasn_snmp::{v2, v2c};

    fn roid(s: &str) -> ObjectIdentifier {
        let arcs: Vec<u32> = s.split('.').map(|a| a.parse().unwrap()).collect();
        ObjectIdentifier::new(arcs).unwrap()
    }

    fn rasn_message() -> v2c::Message<v2::Pdus> {
        let vb = |o: &str, v: v2::VarBindValue| v2::VarBind {
            name: roid(o),
            value: v,
        };
        v2c::Message {
            version: Integer::from(1),
            community: OctetString::from(b"public".to_vec()),
            data: v2::Pdus::Response(v2::Response(v2::Pdu {
                request_id: 77,
                error_status: 0,
                error_index: 0,
                variable_bindings: vec![
                    vb(
                        "1.3.6.1.2.1.1.1.0",
                        v2::VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::String(
                            OctetString::from(b"router".to_vec()),
                        ))),
                    ),
                    vb(
                        "1.3.6.1.2.1.1.7.0",
                        v2::VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::Integer(
                            Integer::from(72),
                        ))),
                    ),
                    vb(
                        "1.3.6.1.2.1.1.2.0",
                        v2::VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::ObjectId(
                            roid("1.3.6.1.4.1.9.1.1"),
                        ))),
                    ),
                    vb(
                        "1.3.6.1.2.1.1.3.0",
                        v2::VarBindValue::Value(ObjectSyntax::ApplicationWide(
                            ApplicationSyntax::Ticks(rasn_smi::v1::TimeTicks(4294967295)),
                        )),
                    ),
                    vb(
                        "1.3.6.1.2.1.2.2.1.10.1",
                        v2::VarBindValue::Value(ObjectSyntax::ApplicationWide(
                            ApplicationSyntax::Counter(rasn_smi::v1::Counter(3000000000)),
                        )),
                    ),
                    vb(
                        "1.3.6.1.2.1.31.1.1.1.6.1",
                        v2::VarBindValue::Value(ObjectSyntax::ApplicationWide(
                            ApplicationSyntax::BigCounter(rasn_smi::v2::Counter64(u64::MAX - 1)),
                        )),
                    ),
                    vb("1.3.6.1.2.1.1.99.0", v2::VarBindValue::NoSuchObject),
                    vb("1.3.6.1.2.1.1.98.0", v2::VarBindValue::EndOfMibView),
                ],
            })),
        }
    }

    fn ours() -> CommunityMessage {
        CommunityMessage {
            version: Version::V2c,
            community: b"public".to_vec(),
            pdu: AnyPdu::Pdu(Pdu {
                pdu_type: PduType::Response,
                request_id: 77,
                error_status: 0,
                error_index: 0,
                varbinds: vec![
                    VarBind::new(
                        oid("1.3.6.1.2.1.1.1.0"),
                        Value::OctetString(b"router".to_vec()),
                    ),
                    VarBind::new(oid("1.3.6.1.2.1.1.7.0"), Value::Integer(72)),
                    VarBind::new(
                        oid("1.3.6.1.2.1.1.2.0"),
                        Value::ObjectIdentifier(oid("1.3.6.1.4.1.9.1.1")),
                    ),
                    VarBind::new(oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(4294967295)),
                    VarBind::new(oid("1.3.6.1.2.1.2.2.1.10.1"), Value::Counter32(3000000000)),
                    VarBind::new(
                        oid("1.3.6.1.2.1.31.1.1.1.6.1"),
                        Value::Counter64(u64::MAX - 1),
                    ),
                    VarBind::new(oid("1.3.6.1.2.1.1.99.0"), Value::NoSuchObject),
                    VarBind::new(oid("1.3.6.1.2.1.1.98.0"), Value::EndOfMibView),
                ],
            }),
        }
    }

    #[test]
    fn we_decode_what_rasn_encodes() {
        let bytes = rasn::ber::encode(&rasn_message()).unwrap();
        assert_eq!(decode_message(&bytes).unwrap(), Message::Community(ours()));
    }

    #[test]
    fn rasn_decodes_what_we_encode() {
        let bytes = ours().encode();
        let theirs: v2c::Message<v2::Pdus> = rasn::ber::decode(&bytes).unwrap();
        assert_eq!(theirs, rasn_message());
    }
}

mod property {
    use super::*;
    use proptest::prelude::*;

    fn arb_value() -> impl Strategy<Value = Value> {
        prop_oneof![
            any::<i32>().prop_map(|i| Value::Integer(i as i64)),
            proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::OctetString),
            Just(Value::Null),
            proptest::collection::vec(any::<u32>(), 0..12).prop_map(|mut a| {
                a.insert(0, 3);
                a.insert(0, 1);
                Value::ObjectIdentifier(Oid::from_slice(&a))
            }),
            any::<[u8; 4]>().prop_map(Value::IpAddress),
            any::<u32>().prop_map(Value::Counter32),
            any::<u32>().prop_map(Value::Gauge32),
            any::<u32>().prop_map(Value::TimeTicks),
            any::<u64>().prop_map(Value::Counter64),
            Just(Value::NoSuchObject),
            Just(Value::NoSuchInstance),
            Just(Value::EndOfMibView),
        ]
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode_message(&b);
            let _ = decode_value(&b);
            let _ = ScopedPdu::decode(&b);
        }

        #[test]
        fn mutated_messages_never_panic(idx in 0usize..40, byte in any::<u8>(), cut in 0usize..41) {
            let mut b = hex(GET_SYSDESCR);
            b[idx] = byte;
            b.truncate(cut.max(1));
            let _ = decode_message(&b);
        }

        /// Every length from 2 to 128 arcs, on both sides of the 16 arcs an OID holds
        /// inline (the decoder's fast path) and with arcs of every encoded width.
        #[test]
        fn oids_of_every_length_round_trip(
            first in 0u32..=2,
            second in 0u32..40,
            rest in proptest::collection::vec(
                prop_oneof![0u32..128, 128u32..16384, any::<u32>()], 0..127),
        ) {
            let mut arcs = vec![first, second];
            arcs.extend(rest);
            let oid = Oid::from_slice(&arcs);
            let mut w = crate::codec::ber::Writer::default();
            w.write_oid(&oid);
            // Tag and length, then the content.
            let content = &w.buf[if w.buf[1] < 0x80 { 2 } else { 2 + (w.buf[1] & 0x7f) as usize }..];
            let back = crate::codec::ber::decode_oid(content).unwrap();
            prop_assert_eq!(back.arcs(), oid.arcs());
        }

        #[test]
        fn values_round_trip(v in arb_value(), id in any::<i32>()) {
            let m = CommunityMessage {
                version: Version::V2c,
                community: b"public".to_vec(),
                pdu: AnyPdu::Pdu(Pdu {
                    pdu_type: PduType::Response,
                    request_id: id,
                    error_status: 0,
                    error_index: 0,
                    varbinds: vec![VarBind::new(Oid::from_slice(&[1, 3, 6, 1, 2]), v)],
                }),
            };
            prop_assert_eq!(decode_message(&m.encode()).unwrap(), Message::Community(m));
        }
    }
}

/// The decoder's inline fast path must not change which OIDs are refused: 128 arcs decode,
/// 129 do not, and a truncated last sub-identifier is an error at 16 and 17 arcs alike.
#[test]
fn oid_decoding_keeps_its_limits_on_both_sides_of_the_inline_size() {
    let encode = |arcs: &[u32]| {
        let mut w = crate::codec::ber::Writer::default();
        w.write_oid(&Oid::from_slice(arcs));
        let at = if w.buf[1] < 0x80 {
            2
        } else {
            2 + (w.buf[1] & 0x7f) as usize
        };
        w.buf[at..].to_vec()
    };
    for n in [15usize, 16, 17, 128] {
        let mut arcs = vec![1u32, 3];
        arcs.extend((2..n).map(|i| i as u32 * 1000));
        let back = crate::codec::ber::decode_oid(&encode(&arcs)).unwrap();
        assert_eq!(back.arcs(), &arcs[..], "{n} arcs");
        let mut cut = encode(&arcs);
        *cut.last_mut().unwrap() |= 0x80;
        assert!(
            crate::codec::ber::decode_oid(&cut).is_err(),
            "{n} arcs, truncated"
        );
    }
    let mut too_long = encode(&[1, 3]);
    too_long.extend(std::iter::repeat_n(1u8, 127));
    assert!(
        crate::codec::ber::decode_oid(&too_long).is_err(),
        "129 arcs"
    );
}

/// `varbind_len` (the agent's size precomputation) counted one octet for the OIDs written as
/// `06 00` (the empty OID and `.0`); it must equal the encoded size for every OID shape.
#[test]
fn varbind_len_matches_the_encoding_of_short_oids() {
    for arcs in [&[][..], &[0], &[1], &[2], &[0, 0], &[1, 3], &[2, 999, 3]] {
        let o = Oid::from_slice(arcs);
        for v in [Value::Null, Value::ObjectIdentifier(o.clone())] {
            let msg = CommunityMessage {
                version: Version::V2c,
                community: Vec::new(),
                pdu: AnyPdu::Pdu(Pdu {
                    pdu_type: PduType::Response,
                    request_id: 0,
                    error_status: 0,
                    error_index: 0,
                    varbinds: vec![VarBind::new(o.clone(), v.clone())],
                }),
            };
            let without = CommunityMessage {
                pdu: AnyPdu::Pdu(Pdu {
                    pdu_type: PduType::Response,
                    request_id: 0,
                    error_status: 0,
                    error_index: 0,
                    varbinds: Vec::new(),
                }),
                ..msg.clone()
            };
            assert_eq!(
                msg.encode().len() - without.encode().len(),
                varbind_len(&o, &v),
                "{arcs:?} {v:?}"
            );
        }
    }
}
