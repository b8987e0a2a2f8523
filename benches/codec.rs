//! Codec speed: decoding a 50-varbind GetBulk response (ours, and rasn-snmp on the same bytes
//! as the measured alternative to writing our own BER) and encoding a Get.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use snmpkit::codec::{decode_message, AnyPdu, CommunityMessage, Pdu, PduType, Version};
use snmpkit::{Oid, Value, VarBind};

fn bulk_response() -> Vec<u8> {
    let mut vbs = Vec::new();
    for i in 0..50u32 {
        let col = 1 + i % 10;
        let oid = Oid::from_slice(&[1, 3, 6, 1, 2, 1, 2, 2, 1, col, 1 + i / 10]);
        let value = match col {
            2 => Value::OctetString(format!("GigabitEthernet0/{i}").into_bytes()),
            5 => Value::Gauge32(1_000_000_000),
            6 => Value::OctetString(vec![0x00, 0x1b, 0x21, 0x3c, 0x4d, i as u8]),
            9 => Value::TimeTicks(123_456),
            10 => Value::Counter32(3_000_000_000 + i),
            _ => Value::Integer(i as i64),
        };
        vbs.push(VarBind::new(oid, value));
    }
    CommunityMessage {
        version: Version::V2c,
        community: b"public".to_vec(),
        pdu: AnyPdu::Pdu(Pdu {
            pdu_type: PduType::Response,
            request_id: 0x1234_5678,
            error_status: 0,
            error_index: 0,
            varbinds: vbs,
        }),
    }
    .encode()
}

fn bench(c: &mut Criterion) {
    let resp = bulk_response();
    c.bench_function("decode GetBulk response, 50 varbinds", |b| {
        b.iter(|| decode_message(black_box(&resp)).unwrap())
    });
    c.bench_function("decode GetBulk response, 50 varbinds (rasn-snmp)", |b| {
        b.iter(|| {
            rasn::ber::decode::<rasn_snmp::v2c::Message<rasn_snmp::v2::Pdus>>(black_box(&resp))
                .unwrap()
        })
    });
    let get = CommunityMessage {
        version: Version::V2c,
        community: b"public".to_vec(),
        pdu: AnyPdu::Pdu(Pdu::request(
            PduType::Get,
            42,
            &[Oid::from_slice(&[1, 3, 6, 1, 2, 1, 1, 5, 0])],
        )),
    };
    c.bench_function("encode Get, 1 varbind", |b| {
        b.iter(|| black_box(&get).encode())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
