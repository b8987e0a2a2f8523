//! authPriv (SHA-1 / AES-128) seal and open of one Get message, the per-request USM cost.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use snmpkit::codec::{
    decode_message, flags, Message, Pdu, PduType, ScopedPdu, ScopedPduData, UsmParams, V3Message,
};
use snmpkit::usm::{
    open, seal, AuthProtocol, Credentials, PrivProtocol, SaltSource, SecurityLevel,
};
use snmpkit::Oid;

const ENGINE: &[u8] = b"\x80\x00\x1f\x88\x80\x11\x22\x33\x44\x55\x66\x77\x88";

fn message() -> V3Message {
    let oids: Vec<Oid> = [
        "1.3.6.1.2.1.1.1.0",
        "1.3.6.1.2.1.1.3.0",
        "1.3.6.1.2.1.1.5.0",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect();
    V3Message {
        msg_id: 12345,
        max_size: 65507,
        flags: SecurityLevel::AuthPriv.flags() | flags::REPORTABLE,
        security_model: 3,
        usm: UsmParams {
            engine_id: ENGINE.to_vec(),
            engine_boots: 3,
            engine_time: 86_400,
            user_name: b"benchuser".to_vec(),
            auth_params: Vec::new(),
            priv_params: Vec::new(),
        },
        data: ScopedPduData::Plaintext(ScopedPdu {
            context_engine_id: ENGINE.to_vec(),
            context_name: Vec::new(),
            pdu: Pdu::request(PduType::Get, 12345, &oids),
        }),
    }
}

fn bench(c: &mut Criterion) {
    let keys = Credentials::new("benchuser")
        .auth(AuthProtocol::Sha1, "authpass123")
        .privacy(PrivProtocol::Aes128, "privpass123")
        .localize(ENGINE)
        .unwrap();
    let salts = SaltSource::new();
    let msg = message();
    c.bench_function("usm seal authPriv SHA/AES", |b| {
        b.iter(|| seal(black_box(msg.clone()), &keys, &salts).unwrap())
    });
    let wire = seal(msg.clone(), &keys, &salts).unwrap();
    c.bench_function("usm decode+open authPriv SHA/AES", |b| {
        b.iter(|| {
            let Ok(Message::V3(d)) = decode_message(black_box(&wire)) else {
                unreachable!()
            };
            open(&wire, d, &keys).unwrap()
        })
    });
    c.bench_function("usm localize (cached) SHA/AES", |b| {
        b.iter(|| {
            Credentials::new("benchuser")
                .auth(AuthProtocol::Sha1, "authpass123")
                .privacy(PrivProtocol::Aes128, "privpass123")
                .localize(black_box(ENGINE))
                .unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
