//! usm::open with fixed keys: the path every authenticated or encrypted v3 datagram takes.
//!
//! The first input byte picks the keys and the mode:
//! - raw (high bit clear): the rest is a datagram; decode it and open it. Nothing may panic, and
//!   a datagram with authFlag set must never authenticate (a random MAC cannot be right).
//! - sealed (high bit set): the rest, after two position bytes and one XOR byte, is a
//!   ScopedPDU. It is sealed with the keys and opened again, which must give it back; then one
//!   octet of the sealed datagram is changed, and if it still decodes with authFlag set, it
//!   must not open.
#![no_main]
use libfuzzer_sys::fuzz_target;
use snmpkit::codec::{
    decode_message, flags, Message, ScopedPdu, ScopedPduData, UsmParams, V3Message,
};
use snmpkit::usm::{open, seal, AuthProtocol, LocalizedKey, PrivProtocol, SaltSource, UserKeys};
use std::sync::OnceLock;

const ENGINE: &[u8] = &[0x80, 0x00, 0x1f, 0x88, 0x80, 0x01, 0x02, 0x03, 0x04];

fn keys() -> &'static [UserKeys] {
    static KEYS: OnceLock<Vec<UserKeys>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let k = |p: AuthProtocol, fill: u8| LocalizedKey::from_bytes(p, &vec![fill; p.key_len()]);
        let sets: [(AuthProtocol, Option<PrivProtocol>); 6] = [
            (AuthProtocol::Sha1, Some(PrivProtocol::Aes128)),
            (AuthProtocol::Md5, Some(PrivProtocol::Des)),
            (AuthProtocol::Sha256, Some(PrivProtocol::Aes256)),
            (AuthProtocol::Sha512, Some(PrivProtocol::Aes192Cisco)),
            (AuthProtocol::Sha224, None),
            (AuthProtocol::Sha384, Some(PrivProtocol::Aes256Cisco)),
        ];
        let mut v: Vec<UserKeys> = sets
            .iter()
            .enumerate()
            .map(|(i, (a, p))| {
                let ak = k(*a, 0x11 + i as u8);
                let pk = k(*a, 0x21 + i as u8);
                UserKeys::from_localized("fuzzer", ENGINE, Some(&ak), p.map(|p| (p, &pk)))
                    .expect("fixed keys are valid")
            })
            .collect();
        v.push(UserKeys::none("fuzzer", ENGINE));
        v
    })
}

fn salts() -> &'static SaltSource {
    static S: OnceLock<SaltSource> = OnceLock::new();
    S.get_or_init(|| SaltSource::from_seed(7))
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let keys = &keys()[(mode & 0x7f) as usize % keys().len()];
    if mode & 0x80 == 0 {
        if let Ok(Message::V3(d)) = decode_message(rest) {
            let authed = d.msg.flags & flags::AUTH != 0;
            let opened = open(rest, d, keys);
            assert!(
                !(authed && opened.is_ok()),
                "a random datagram authenticated"
            );
        }
        return;
    }
    let [hi, lo, xor, body @ ..] = rest else {
        return;
    };
    let Ok(scoped) = ScopedPdu::decode(body) else {
        return;
    };
    let level = match (keys.auth_protocol(), keys.priv_protocol()) {
        (Some(_), Some(_)) => flags::AUTH | flags::PRIV,
        (Some(_), None) => flags::AUTH,
        _ => 0,
    };
    let msg = V3Message {
        msg_id: 1,
        max_size: 65507,
        flags: level | flags::REPORTABLE,
        security_model: 3,
        usm: UsmParams {
            engine_id: ENGINE.to_vec(),
            engine_boots: 3,
            engine_time: 1234,
            user_name: b"fuzzer".to_vec(),
            auth_params: Vec::new(),
            priv_params: Vec::new(),
        },
        data: ScopedPduData::Plaintext(scoped.clone()),
    };
    let sealed = seal(msg, keys, salts()).expect("a decodable ScopedPDU seals");
    let Ok(Message::V3(d)) = decode_message(&sealed) else {
        panic!("a sealed message does not decode");
    };
    let opened = open(&sealed, d, keys).expect("a sealed message opens with its keys");
    // The plaintext that comes back is what was sealed, re-encoded by us: compare decoded.
    assert_eq!(opened.data, ScopedPduData::Plaintext(scoped));
    if level & flags::AUTH == 0 || *xor == 0 {
        return;
    }
    let mut bad = sealed.clone();
    let at = (usize::from(*hi) << 8 | usize::from(*lo)) % bad.len();
    bad[at] ^= xor;
    if let Ok(Message::V3(d)) = decode_message(&bad) {
        if d.msg.flags & flags::AUTH != 0 {
            assert!(
                open(&bad, d, keys).is_err(),
                "octet {at} changed (xor {xor:#04x}) and the message still authenticated"
            );
        }
    }
});
