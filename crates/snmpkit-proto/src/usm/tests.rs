//! Known-answer and round-trip tests for USM.
//!
//! Unless a test says otherwise, expected values were generated independently of this crate by
//! `src/usm/testdata/gen_vectors.py` (pysnmp 7.1 for key derivation and the AES-192/256 key
//! extensions, Python's hmac/hashlib for MACs, pyca/cryptography 48 for DES-CBC and AES-CFB128).

use super::privacy::{aes_cfb, aes_iv, des_decrypt, des_encrypt};
use super::*;
use crate::codec::{
    decode_message, flags, Message, Pdu, PduType, ScopedPdu, ScopedPduData, UsmParams, V3Message,
};
use crate::{Oid, Value, VarBind};

fn hex(s: &str) -> Vec<u8> {
    crate::hex::decode(s).expect("test vector in hex")
}

const RFC_ENGINE: &str = "000000000000000000000002";

#[test]
fn rfc3414_a3_md5_and_sha1_vectors() {
    // RFC 3414 §A.3.1 and §A.3.2, copied from the RFC.
    let engine = hex(RFC_ENGINE);
    let cases = [
        (
            AuthProtocol::Md5,
            "9faf3283884e92834ebc9847d8edd963",
            "526f5eed9fcce26f8964c2930787d82b",
        ),
        (
            AuthProtocol::Sha1,
            "9fb5cc0381497b3793528939ff788d5d79145211",
            "6695febc9288e36282235fc7151f128497b38f3f",
        ),
    ];
    for (p, ku, kul) in cases {
        let m = password_to_key(p, b"maplesyrup").unwrap();
        assert_eq!(m.as_bytes(), hex(ku).as_slice(), "{p} master key");
        let l = localize(p, &m, &engine);
        assert_eq!(l.as_bytes(), hex(kul).as_slice(), "{p} localized key");
    }
}

#[test]
fn password_to_key_and_localize_all_protocols() {
    // gen_vectors.py: pysnmp rfc3414.localkey.hash_passphrase / localize_key.
    let engine = hex(RFC_ENGINE);
    let cases = [
        (AuthProtocol::Md5, "9faf3283884e92834ebc9847d8edd963", "526f5eed9fcce26f8964c2930787d82b"),
        (AuthProtocol::Sha1, "9fb5cc0381497b3793528939ff788d5d79145211", "6695febc9288e36282235fc7151f128497b38f3f"),
        (AuthProtocol::Sha224, "282a5867ee9aac639ad59df9572c7d3ac0fbc13a905b6df07dbbf00b", "0bd8827c6e29f8065e08e09237f177e410f69b90e1782be682075674"),
        (AuthProtocol::Sha256, "ab51014d1e077f6017df2b12bee5f5aa72993177e9bb569c4dff5a4ca0b4afac", "8982e0e549e866db361a6b625d84cccc11162d453ee8ce3a6445c2d6776f0f8b"),
        (AuthProtocol::Sha384, "e06eccdf2c68a06ed034723c9c26e0db3b669e1e2efed49150b55377a2e98f383c86fb836857444654b287c93f51ff64", "3b298f16164a11184279d5432bf169e2d2a48307de02b3d3f7e2b4f36eb6f0455a53689a3937eea07319a633d2ccba78"),
        (AuthProtocol::Sha512, "7e4396de5aadc77be853819b98c9406265b3a9c37cc3176569847a4e4f6fba63dd3a73d04924d31a63f95a601f9385af6be4ed1b37f87d040f7c6ed6f8d38a91", "22a5a36cedfcc085807a128d7bc6c2382167ad6c0dbc5fdff856740f3d84c099ad1ea87a8db096714d9788bd544047c9021e4229ce27e4c0a69250adfcffbb0b"),
    ];
    for (p, ku, kul) in cases {
        let m = password_to_key_cached(p, b"maplesyrup").unwrap();
        assert_eq!(m.as_bytes(), hex(ku).as_slice(), "{p} master key");
        assert_eq!(m.as_bytes().len(), p.key_len());
        let l = localize(p, &m, &engine);
        assert_eq!(l.as_bytes(), hex(kul).as_slice(), "{p} localized key");
        // The credential path (caches) must give the same authentication key.
        let keys = Credentials::new("u")
            .auth(p, "maplesyrup")
            .localize(&engine)
            .unwrap();
        let (kp, kk) = keys.auth.as_ref().unwrap();
        assert_eq!(*kp, p);
        assert_eq!(
            kk.as_slice(),
            hex(kul).as_slice(),
            "{p} cached localized key"
        );
    }
}

#[test]
fn hmac_truncation_known_answers() {
    // gen_vectors.py: hmac.new(Kul, bytes(range(100)), hash).digest()[:mac_len], with Kul the
    // localized "maplesyrup" key of each protocol for engine ...02.
    let engine = hex(RFC_ENGINE);
    let msg: Vec<u8> = (0u8..100).collect();
    let cases = [
        (AuthProtocol::Md5, "7526859f58acbc2fed2ee8d1"),
        (AuthProtocol::Sha1, "041191d08d1966fe5703b255"),
        (AuthProtocol::Sha224, "7896e126f12d8a87b013c70a36a93864"),
        (AuthProtocol::Sha256, "d36977b076b1ca1c07aefdc22ba659ad9cc49c70817d1b8c"),
        (AuthProtocol::Sha384, "67b925d628d3bd254cabe71ab4954b559cf2537a6739429b52042b35845f839b"),
        (AuthProtocol::Sha512, "b3f263e1118aba54b253497168d7683e6fab7c694d0a90a55ee3e32ac0a8c3f6424eb2ff09efacc899953f247cc6447d"),
    ];
    for (p, want) in cases {
        let kul = localize(
            p,
            &password_to_key_cached(p, b"maplesyrup").unwrap(),
            &engine,
        );
        let mac = p.mac(kul.as_bytes(), &msg);
        assert_eq!(mac.len(), p.mac_len());
        assert_eq!(mac, hex(want), "{p}");
        assert!(p.verify(kul.as_bytes(), &msg, &hex(want)));
        let mut bad = hex(want);
        bad[0] ^= 1;
        assert!(!p.verify(kul.as_bytes(), &msg, &bad));
        assert!(!p.verify(kul.as_bytes(), &msg, &hex(want)[1..]));
        // The keyed state made once gives the same MAC, message after message, whole or in
        // parts.
        let keyed = auth::MacKey::new(p, kul.as_bytes()).unwrap();
        for _ in 0..3 {
            let mut buf = [0u8; 64];
            let n = keyed.mac_into(&[&msg[..10], &msg[10..]], &mut buf);
            assert_eq!(&buf[..n], &hex(want)[..], "{p}");
            assert!(keyed.verify_parts(&[&msg], &hex(want)));
            assert!(!keyed.verify_parts(&[&msg], &bad));
        }
    }
}

#[test]
fn privacy_key_extensions_known_answers() {
    // gen_vectors.py: pysnmp eso.priv AesBlumenthal192/256 (Blumenthal) and Aes192/Aes256
    // (Reeder) localize_key, priv passphrase "privpass123", engine ...02.
    use AuthProtocol as A;
    use PrivProtocol as P;
    let engine = hex(RFC_ENGINE);
    let cases = [
        (
            A::Md5,
            P::Aes192,
            "d790f80a20666f175ea119ec4c4d5ea97f9ce81c9d72fd18",
        ),
        (
            A::Md5,
            P::Aes256,
            "d790f80a20666f175ea119ec4c4d5ea97f9ce81c9d72fd1834a28a6b571a3af5",
        ),
        (
            A::Md5,
            P::Aes192Cisco,
            "d790f80a20666f175ea119ec4c4d5ea986d1a9a3abe9956d",
        ),
        (
            A::Md5,
            P::Aes256Cisco,
            "d790f80a20666f175ea119ec4c4d5ea986d1a9a3abe9956d6d33c4c4c9639528",
        ),
        (
            A::Sha1,
            P::Aes192,
            "e35550cd04029b0748fd2b44175403dad8eb529cfaea6f8f",
        ),
        (
            A::Sha1,
            P::Aes256,
            "e35550cd04029b0748fd2b44175403dad8eb529cfaea6f8fb1822d606ad407f2",
        ),
        (
            A::Sha1,
            P::Aes192Cisco,
            "e35550cd04029b0748fd2b44175403dad8eb529c32215ab9",
        ),
        (
            A::Sha1,
            P::Aes256Cisco,
            "e35550cd04029b0748fd2b44175403dad8eb529c32215ab98136af8a4b07c223",
        ),
        (
            A::Sha224,
            P::Aes192,
            "fb940b3d57a4d34c4372b0ca1d7b8a8e5839e59c36959522",
        ),
        (
            A::Sha224,
            P::Aes256,
            "fb940b3d57a4d34c4372b0ca1d7b8a8e5839e59c369595225ec02c915ce86d6c",
        ),
        (
            A::Sha224,
            P::Aes192Cisco,
            "fb940b3d57a4d34c4372b0ca1d7b8a8e5839e59c36959522",
        ),
        (
            A::Sha224,
            P::Aes256Cisco,
            "fb940b3d57a4d34c4372b0ca1d7b8a8e5839e59c369595225ec02c91b77bd706",
        ),
        (
            A::Sha256,
            P::Aes192,
            "73011564d10c2786b281f5bfd511ed8b1507065c27f81f4a",
        ),
        (
            A::Sha256,
            P::Aes256,
            "73011564d10c2786b281f5bfd511ed8b1507065c27f81f4aae033d7aae58fee3",
        ),
        (
            A::Sha256,
            P::Aes256Cisco,
            "73011564d10c2786b281f5bfd511ed8b1507065c27f81f4aae033d7aae58fee3",
        ),
        (
            A::Sha384,
            P::Aes256,
            "e23e065041fde4575a2ab7ba6c8310368e78bc03236ec11d37deb9e03ad25d12",
        ),
        (
            A::Sha512,
            P::Aes192,
            "e561c9b05a62e1fc5f0d81da88274441394ce256567bce4a",
        ),
        (
            A::Sha512,
            P::Aes256Cisco,
            "e561c9b05a62e1fc5f0d81da88274441394ce256567bce4a4579e53bbcabe1cf",
        ),
    ];
    for (a, p, want) in cases {
        let keys = Credentials::new("u")
            .auth(a, "maplesyrup")
            .privacy(p, "privpass123")
            .localize(&engine)
            .unwrap();
        let (kp, kk) = keys.privacy.as_ref().unwrap();
        assert_eq!(*kp, p);
        assert_eq!(kk.as_slice(), hex(want).as_slice(), "{a}/{p}");
        // And through the raw-key constructor.
        let lk = localize(a, &password_to_key(a, b"privpass123").unwrap(), &engine);
        let raw = UserKeys::from_localized("u", &engine, Some(&lk), Some((p, &lk))).unwrap();
        assert_eq!(
            raw.privacy.as_ref().unwrap().1.as_slice(),
            hex(want).as_slice()
        );
    }
}

/// The plaintext the cipher vectors encrypt (gen_vectors.py's PLAIN: (i*7+3) & 0xff, 37 octets).
fn cipher_plain() -> Vec<u8> {
    (0..37u32).map(|i| ((i * 7 + 3) & 0xff) as u8).collect()
}

#[test]
fn des_cbc_known_answer() {
    // gen_vectors.py: cryptography TripleDES with the DES key repeated (= single DES), CBC,
    // IV = preIV xor salt, plaintext zero-padded to 40 octets.
    let key = hex("101112131415161718191a1b1c1d1e1f");
    let salt: [u8; 8] = hex("0000000500000001").try_into().unwrap();
    let want =
        hex("b7118ea90ef9d9151bb32120c3dc86de98af87cc38d2433253eba7781d42b253f3c94ff6f89184eb");
    let plain = cipher_plain();
    let ct = des_encrypt(&key, &salt, &plain).unwrap();
    assert_eq!(ct, want);
    let back = des_decrypt(&key, &salt, &ct).unwrap();
    assert_eq!(&back[..plain.len()], plain.as_slice());
    assert!(back[plain.len()..].iter().all(|&b| b == 0));
    assert!(matches!(
        des_decrypt(&key, &salt, &ct[1..]),
        Err(UsmError::Decryption(_))
    ));
    assert!(matches!(
        des_decrypt(&key, &salt[1..], &ct),
        Err(UsmError::Decryption(_))
    ));
}

#[test]
fn aes_cfb128_known_answers() {
    // gen_vectors.py: cryptography AES CFB (128-bit feedback), key 0x20.., IV = boots 5,
    // time 1234567, salt 0102030405060708.
    let salt: [u8; 8] = hex("0102030405060708").try_into().unwrap();
    let iv = aes_iv(5, 1_234_567, &salt);
    assert_eq!(iv.to_vec(), hex("000000050012d6870102030405060708"));
    let plain = cipher_plain();
    let cases = [
        (
            16u8,
            "a4fcc0d63105e85aab9424702d00dc771ecd7430b19a9c7bde789e6c17b4d7393cef6e16cb",
        ),
        (
            24,
            "0c0ac57dfc7c9762515676d15049cc3e515871526a4c339fbed7a25adfd03c37c97d14f7d0",
        ),
        (
            32,
            "3e6ee143fbeb9013ad427ceb81ca22a45e7c7db4f47c7bc30ca606bb077d330a9bf6f18cd7",
        ),
    ];
    for (n, want) in cases {
        let key: Vec<u8> = (0x20..0x20 + n).collect();
        let ct = aes_cfb(&key, &iv, &plain, true).unwrap();
        assert_eq!(ct, hex(want), "AES-{}", n as usize * 8);
        assert_eq!(aes_cfb(&key, &iv, &ct, false).unwrap(), plain);
    }
    assert!(aes_cfb(&[0; 20], &iv, &plain, true).is_err());
}

#[test]
fn short_passphrases_are_refused() {
    assert_eq!(
        password_to_key(AuthProtocol::Sha1, b"1234567").unwrap_err(),
        UsmError::PassphraseTooShort
    );
    assert!(password_to_key_cached(AuthProtocol::Md5, b"").is_err());
    let c = Credentials::new("u")
        .auth(AuthProtocol::Md5, "12345678")
        .privacy(PrivProtocol::Des, "short");
    assert_eq!(c.validate().unwrap_err(), UsmError::PassphraseTooShort);
    assert_eq!(c.localize(b"e").unwrap_err(), UsmError::PassphraseTooShort);
    let c = Credentials::new("u").auth(AuthProtocol::Md5, "short");
    assert_eq!(c.validate().unwrap_err(), UsmError::PassphraseTooShort);
    let c = Credentials::new("u").privacy(PrivProtocol::Des, "12345678");
    assert_eq!(c.validate().unwrap_err(), UsmError::PrivacyWithoutAuth);
    assert!(Credentials::new("u")
        .auth(AuthProtocol::Md5, "12345678")
        .validate()
        .is_ok());
}

#[test]
fn protocol_and_level_names() {
    let auth = [
        ("MD5", AuthProtocol::Md5),
        ("md5", AuthProtocol::Md5),
        ("SHA", AuthProtocol::Sha1),
        ("sha1", AuthProtocol::Sha1),
        ("SHA-1", AuthProtocol::Sha1),
        ("SHA-224", AuthProtocol::Sha224),
        ("sha224", AuthProtocol::Sha224),
        ("SHA-256", AuthProtocol::Sha256),
        ("SHA256", AuthProtocol::Sha256),
        ("SHA-384", AuthProtocol::Sha384),
        ("SHA384", AuthProtocol::Sha384),
        ("sha-512", AuthProtocol::Sha512),
        ("SHA512", AuthProtocol::Sha512),
    ];
    for (s, p) in auth {
        assert_eq!(s.parse::<AuthProtocol>().unwrap(), p, "{s}");
    }
    for p in AuthProtocol::ALL {
        assert_eq!(p.to_string().parse::<AuthProtocol>().unwrap(), p);
    }
    assert!("SHA-2".parse::<AuthProtocol>().is_err());
    let lens: Vec<_> = AuthProtocol::ALL
        .iter()
        .map(|p| (p.mac_len(), p.key_len()))
        .collect();
    assert_eq!(
        lens,
        [(12, 16), (12, 20), (16, 28), (24, 32), (32, 48), (48, 64)]
    );

    let privs = [
        ("DES", PrivProtocol::Des),
        ("des", PrivProtocol::Des),
        ("AES", PrivProtocol::Aes128),
        ("AES128", PrivProtocol::Aes128),
        ("aes-128", PrivProtocol::Aes128),
        ("AES192", PrivProtocol::Aes192),
        ("AES-192", PrivProtocol::Aes192),
        ("AES256", PrivProtocol::Aes256),
        ("AES-256", PrivProtocol::Aes256),
        ("AES-192-C", PrivProtocol::Aes192Cisco),
        ("aes192c", PrivProtocol::Aes192Cisco),
        ("AES-256-C", PrivProtocol::Aes256Cisco),
        ("AES256C", PrivProtocol::Aes256Cisco),
    ];
    for (s, p) in privs {
        assert_eq!(s.parse::<PrivProtocol>().unwrap(), p, "{s}");
    }
    for p in PrivProtocol::ALL {
        assert_eq!(p.to_string().parse::<PrivProtocol>().unwrap(), p);
    }
    assert!("3DES".parse::<PrivProtocol>().is_err());

    let levels = [
        ("noAuthNoPriv", SecurityLevel::NoAuthNoPriv),
        ("NOAUTHNOPRIV", SecurityLevel::NoAuthNoPriv),
        ("noauth", SecurityLevel::NoAuthNoPriv),
        ("authNoPriv", SecurityLevel::AuthNoPriv),
        ("auth", SecurityLevel::AuthNoPriv),
        ("authPriv", SecurityLevel::AuthPriv),
        ("priv", SecurityLevel::AuthPriv),
        ("AuthPriv", SecurityLevel::AuthPriv),
    ];
    for (s, l) in levels {
        assert_eq!(s.parse::<SecurityLevel>().unwrap(), l, "{s}");
        assert_eq!(SecurityLevel::from_flags(l.flags()).unwrap(), l);
    }
    assert!("authpriv2".parse::<SecurityLevel>().is_err());
    assert_eq!(
        SecurityLevel::from_flags(flags::PRIV | flags::REPORTABLE).unwrap_err(),
        UsmError::InvalidFlags(flags::PRIV | flags::REPORTABLE)
    );
}

#[test]
fn credentials_levels_and_redaction() {
    let c = Credentials::new("user")
        .auth(AuthProtocol::Sha256, "pass1234")
        .privacy(PrivProtocol::Aes128, "pass5678");
    assert_eq!(c.security_level(), SecurityLevel::AuthPriv);
    assert_eq!(c.user_name(), b"user");
    assert_eq!(c.auth_protocol(), Some(AuthProtocol::Sha256));
    assert_eq!(c.priv_protocol(), Some(PrivProtocol::Aes128));
    let dbg = format!("{c:?}");
    assert!(
        !dbg.contains("pass1234") && !dbg.contains("pass5678"),
        "{dbg}"
    );
    let k = c.localize(b"\x80\x00\x1f\x88\x04abc").unwrap();
    let dbg = format!("{k:?}");
    assert!(dbg.contains("80001f8804616263"), "{dbg}");
    assert_eq!(
        Credentials::new("u")
            .auth(AuthProtocol::Md5, "12345678")
            .security_level(),
        SecurityLevel::AuthNoPriv
    );
    assert_eq!(
        Credentials::new("u").security_level(),
        SecurityLevel::NoAuthNoPriv
    );
    let m = password_to_key(AuthProtocol::Md5, b"maplesyrup").unwrap();
    assert!(!format!("{m:?}").contains("9faf"));
}

#[test]
fn key_cache_returns_shared_entries() {
    let a = password_to_key_cached(AuthProtocol::Sha1, b"cache-test-pass").unwrap();
    let b = password_to_key_cached(AuthProtocol::Sha1, b"cache-test-pass").unwrap();
    assert!(std::sync::Arc::ptr_eq(&a, &b));
    let c = password_to_key_cached(AuthProtocol::Md5, b"cache-test-pass").unwrap();
    assert!(!std::sync::Arc::ptr_eq(&a, &c));
    assert_ne!(a.as_bytes(), c.as_bytes());
    let e1 = key::derived_cached(&a, b"engine-one", None);
    let e2 = key::derived_cached(&a, b"engine-one", None);
    let e3 = key::derived_cached(&a, b"engine-two", None);
    assert!(std::sync::Arc::ptr_eq(&e1, &e2));
    assert_ne!(e1.as_slice(), e3.as_slice());
}

// ---- seal / open --------------------------------------------------------------------------

const ENGINE: &[u8] = b"\x80\x00\x1f\x88\x80\x11\x22\x33\x44\x55\x66\x77\x88";

fn sample_message(level: SecurityLevel) -> V3Message {
    let sys_descr: Oid = "1.3.6.1.2.1.1.1.0".parse().unwrap();
    let mut pdu = Pdu::request(PduType::Get, 4242, &[sys_descr]);
    pdu.varbinds.push(VarBind {
        oid: "1.3.6.1.2.1.1.5.0".parse().unwrap(),
        value: Value::OctetString(b"a value long enough to span a few cipher blocks".to_vec()),
    });
    V3Message {
        msg_id: 77,
        max_size: 65507,
        flags: level.flags() | flags::REPORTABLE,
        security_model: 3,
        usm: UsmParams {
            engine_id: ENGINE.to_vec(),
            engine_boots: 12,
            engine_time: 345_678,
            user_name: b"tester".to_vec(),
            auth_params: Vec::new(),
            priv_params: Vec::new(),
        },
        data: ScopedPduData::Plaintext(ScopedPdu {
            context_engine_id: ENGINE.to_vec(),
            context_name: b"ctx".to_vec(),
            pdu,
        }),
    }
}

fn decode_v3(bytes: &[u8]) -> crate::codec::DecodedV3 {
    match decode_message(bytes).unwrap() {
        Message::V3(d) => d,
        other => panic!("not v3: {other:?}"),
    }
}

fn creds(a: Option<AuthProtocol>, p: Option<PrivProtocol>) -> Credentials {
    let mut c = Credentials::new("tester");
    if let Some(a) = a {
        c = c.auth(a, "auth-passphrase");
    }
    if let Some(p) = p {
        c = c.privacy(p, "priv-passphrase");
    }
    c
}

#[test]
fn seal_then_open_every_combination() {
    let salts = SaltSource::from_seed(0xdead_beef_0000_0001);
    let mut combos = vec![(None, None)];
    for a in AuthProtocol::ALL {
        combos.push((Some(a), None));
        for p in PrivProtocol::ALL {
            combos.push((Some(a), Some(p)));
        }
    }
    for (a, p) in combos {
        let keys = creds(a, p).localize(ENGINE).unwrap();
        let level = keys.security_level();
        let msg = sample_message(level);
        let wire = seal(msg.clone(), &keys, &salts).unwrap();
        let d = decode_v3(&wire);
        // The wire message carries the right parameter shapes.
        assert_eq!(d.auth_len, a.map_or(0, |a| a.mac_len()), "{a:?}/{p:?}");
        assert_eq!(d.msg.usm.priv_params.len(), if p.is_some() { 8 } else { 0 });
        match (&d.msg.data, p) {
            (ScopedPduData::Encrypted(ct), Some(pp)) => {
                if pp == PrivProtocol::Des {
                    assert_eq!(ct.len() % 8, 0);
                    assert_eq!(&d.msg.usm.priv_params[..4], &12u32.to_be_bytes());
                }
            }
            (ScopedPduData::Plaintext(_), None) => {}
            other => panic!("{a:?}/{p:?}: unexpected data {other:?}"),
        }
        let opened = open(&wire, d, &keys).unwrap();
        assert_eq!(opened.data, msg.data, "{a:?}/{p:?}");
        assert_eq!(opened.msg_id, msg.msg_id);
    }
}

#[test]
fn seal_writes_the_hmac_of_the_whole_message() {
    // Independent of open(): zero the MAC field of the sealed bytes and recompute it.
    let keys = creds(Some(AuthProtocol::Sha1), None)
        .localize(ENGINE)
        .unwrap();
    let wire = seal(
        sample_message(SecurityLevel::AuthNoPriv),
        &keys,
        &SaltSource::from_seed(1),
    )
    .unwrap();
    let d = decode_v3(&wire);
    let mut zeroed = wire.clone();
    zeroed[d.auth_offset..d.auth_offset + d.auth_len].fill(0);
    let (_, k) = keys.auth.as_ref().unwrap();
    let mac = AuthProtocol::Sha1.mac(k, &zeroed);
    assert_eq!(
        &wire[d.auth_offset..d.auth_offset + d.auth_len],
        mac.as_slice()
    );
    assert_ne!(mac, vec![0; 12]);
}

#[test]
fn tampered_bytes_fail_with_wrong_digest() {
    let keys = creds(Some(AuthProtocol::Sha256), Some(PrivProtocol::Aes128))
        .localize(ENGINE)
        .unwrap();
    let wire = seal(
        sample_message(SecurityLevel::AuthPriv),
        &keys,
        &SaltSource::from_seed(9),
    )
    .unwrap();
    // Flip one bit in every position in turn; each must be caught (by the MAC or the decoder).
    for i in 0..wire.len() {
        let mut t = wire.clone();
        t[i] ^= 0x01;
        let Ok(Message::V3(d)) = decode_message(&t) else {
            continue;
        };
        let r = open(&t, d, &keys);
        assert!(r.is_err(), "flipped byte {i} was accepted");
    }
    // A flip in the encrypted payload decodes fine and must fail the digest check.
    let mut t = wire.clone();
    let last = t.len() - 1;
    t[last] ^= 0x80;
    let d = decode_v3(&t);
    assert_eq!(open(&t, d, &keys).unwrap_err(), UsmError::WrongDigest);
}

#[test]
fn wrong_auth_key_fails_with_wrong_digest() {
    let good = creds(Some(AuthProtocol::Md5), None)
        .localize(ENGINE)
        .unwrap();
    let bad = Credentials::new("tester")
        .auth(AuthProtocol::Md5, "another-passphrase")
        .localize(ENGINE)
        .unwrap();
    let wire = seal(
        sample_message(SecurityLevel::AuthNoPriv),
        &good,
        &SaltSource::from_seed(3),
    )
    .unwrap();
    assert_eq!(
        open(&wire, decode_v3(&wire), &bad).unwrap_err(),
        UsmError::WrongDigest
    );
    // A key for another protocol expects another MAC length.
    let other = creds(Some(AuthProtocol::Sha1), None)
        .localize(ENGINE)
        .unwrap();
    assert_eq!(
        open(&wire, decode_v3(&wire), &other).unwrap_err(),
        UsmError::WrongDigest
    );
    // Keys localized to another engine.
    let elsewhere = creds(Some(AuthProtocol::Md5), None)
        .localize(b"other-engine")
        .unwrap();
    assert_eq!(
        open(&wire, decode_v3(&wire), &elsewhere).unwrap_err(),
        UsmError::WrongDigest
    );
}

#[test]
fn wrong_priv_key_fails_with_decryption_error() {
    for p in PrivProtocol::ALL {
        let good = creds(Some(AuthProtocol::Sha1), Some(p))
            .localize(ENGINE)
            .unwrap();
        let bad = Credentials::new("tester")
            .auth(AuthProtocol::Sha1, "auth-passphrase")
            .privacy(p, "a-wrong-priv-passphrase")
            .localize(ENGINE)
            .unwrap();
        let wire = seal(
            sample_message(SecurityLevel::AuthPriv),
            &good,
            &SaltSource::from_seed(5),
        )
        .unwrap();
        let r = open(&wire, decode_v3(&wire), &bad);
        assert!(matches!(r, Err(UsmError::Decryption(_))), "{p}: {r:?}");
    }
}

#[test]
fn seal_and_open_refuse_missing_keys_and_bad_shapes() {
    let salts = SaltSource::from_seed(11);
    let auth_only = creds(Some(AuthProtocol::Sha1), None)
        .localize(ENGINE)
        .unwrap();
    let none = UserKeys::none("tester", ENGINE);
    assert_eq!(
        seal(sample_message(SecurityLevel::AuthPriv), &auth_only, &salts).unwrap_err(),
        UsmError::MissingPrivKey
    );
    assert_eq!(
        seal(sample_message(SecurityLevel::AuthNoPriv), &none, &salts).unwrap_err(),
        UsmError::MissingAuthKey
    );
    let mut m = sample_message(SecurityLevel::NoAuthNoPriv);
    m.data = ScopedPduData::Encrypted(vec![1, 2, 3]);
    assert_eq!(seal(m, &none, &salts).unwrap_err(), UsmError::NotPlaintext);
    let mut m = sample_message(SecurityLevel::NoAuthNoPriv);
    m.flags = flags::PRIV;
    assert_eq!(
        seal(m, &none, &salts).unwrap_err(),
        UsmError::InvalidFlags(flags::PRIV)
    );

    // An authenticated message opened with keys that have no authentication key.
    let wire = seal(
        sample_message(SecurityLevel::AuthNoPriv),
        &auth_only,
        &salts,
    )
    .unwrap();
    assert_eq!(
        open(&wire, decode_v3(&wire), &none).unwrap_err(),
        UsmError::MissingAuthKey
    );
    // A noAuthNoPriv message opens with any keys and leaves the parameters empty.
    let wire = seal(
        sample_message(SecurityLevel::NoAuthNoPriv),
        &auth_only,
        &salts,
    )
    .unwrap();
    let d = decode_v3(&wire);
    assert!(d.msg.usm.auth_params.is_empty() && d.msg.usm.priv_params.is_empty());
    assert!(open(&wire, d, &auth_only).is_ok());
    // An offset outside the datagram is a digest failure, not a panic.
    let wire = seal(
        sample_message(SecurityLevel::AuthNoPriv),
        &auth_only,
        &salts,
    )
    .unwrap();
    let mut d = decode_v3(&wire);
    d.auth_offset = wire.len();
    assert_eq!(
        open(&wire, d, &auth_only).unwrap_err(),
        UsmError::WrongDigest
    );
    // privFlag with a plaintext ScopedPDU.
    let ap = creds(Some(AuthProtocol::Sha1), Some(PrivProtocol::Aes128))
        .localize(ENGINE)
        .unwrap();
    let mut m = sample_message(SecurityLevel::AuthPriv);
    m.flags = SecurityLevel::AuthNoPriv.flags();
    let wire = seal(m, &ap, &salts).unwrap();
    let mut d = decode_v3(&wire);
    d.msg.flags |= flags::PRIV;
    assert!(matches!(
        open(&wire, d, &ap),
        Err(UsmError::WrongDigest | UsmError::Decryption(_))
    ));
}

#[test]
fn salts_count_and_never_repeat() {
    let s = SaltSource::from_seed(u64::MAX - 1);
    assert_eq!(s.next_aes(), (u64::MAX - 1).to_be_bytes());
    assert_eq!(s.next_aes(), u64::MAX.to_be_bytes());
    assert_eq!(s.next_aes(), 0u64.to_be_bytes());
    let d = s.next_des(0x0102_0304);
    assert_eq!(d, [1, 2, 3, 4, 0, 0, 0, 1]);
    let g = SaltSource::global();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..1000 {
        assert!(seen.insert(g.next_aes()));
    }
    // Two sealed messages never share a salt.
    let keys = creds(Some(AuthProtocol::Sha1), Some(PrivProtocol::Aes128))
        .localize(ENGINE)
        .unwrap();
    let a = decode_v3(&seal(sample_message(SecurityLevel::AuthPriv), &keys, g).unwrap());
    let b = decode_v3(&seal(sample_message(SecurityLevel::AuthPriv), &keys, g).unwrap());
    assert_ne!(a.msg.usm.priv_params, b.msg.usm.priv_params);
    assert_ne!(a.msg.data, b.msg.data);
}

#[test]
fn report_oids_map_to_net_snmp_messages() {
    let cases = [
        (
            "1.3.6.1.6.3.15.1.1.1.0",
            UsmReport::UnsupportedSecLevel,
            "Unsupported security level",
        ),
        (
            "1.3.6.1.6.3.15.1.1.2.0",
            UsmReport::NotInTimeWindow,
            "Not in time window",
        ),
        (
            "1.3.6.1.6.3.15.1.1.3.0",
            UsmReport::UnknownUserName,
            "Unknown user name",
        ),
        (
            "1.3.6.1.6.3.15.1.1.4.0",
            UsmReport::UnknownEngineId,
            "Unknown engine ID",
        ),
        (
            "1.3.6.1.6.3.15.1.1.5.0",
            UsmReport::WrongDigest,
            "Authentication failure (incorrect password, community or key)",
        ),
        (
            "1.3.6.1.6.3.15.1.1.6.0",
            UsmReport::DecryptionError,
            "Decryption error",
        ),
    ];
    for (oid, kind, text) in cases {
        let oid: Oid = oid.parse().unwrap();
        assert_eq!(UsmReport::from_oid(&oid), Some(kind));
        assert_eq!(kind.oid(), oid);
        assert_eq!(kind.to_string(), text);
        assert_eq!(UsmError::from(kind).to_string(), text);
        let pdu = Pdu {
            pdu_type: PduType::Report,
            request_id: 1,
            error_status: 0,
            error_index: 0,
            varbinds: vec![VarBind {
                oid: oid.clone(),
                value: Value::Counter32(3),
            }],
        };
        assert_eq!(UsmReport::from_pdu(&pdu), Some(kind));
        let without_instance = Oid::from_slice(&oid.arcs()[..oid.len() - 1]);
        assert_eq!(UsmReport::from_oid(&without_instance), Some(kind));
    }
    for other in [
        "1.3.6.1.6.3.15.1.1.7.0",
        "1.3.6.1.6.3.15.1.1.1.1",
        "1.3.6.1.6.3.11.2.1.3.0",
        "1.3.6.1.6.3.15.1.1",
    ] {
        assert_eq!(
            UsmReport::from_oid(&other.parse().unwrap()),
            None,
            "{other}"
        );
    }
    let get = Pdu::request(
        PduType::Get,
        1,
        &["1.3.6.1.6.3.15.1.1.3.0".parse().unwrap()],
    );
    assert_eq!(UsmReport::from_pdu(&get), None);
    assert_eq!(
        UsmError::WrongDigest.to_string(),
        UsmReport::WrongDigest.to_string()
    );
    assert_eq!(UsmError::NotInTimeWindow.to_string(), "Not in time window");
}
