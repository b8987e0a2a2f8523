//! SNMPv3 notifications from net-snmp's `snmptrap` and `snmpinform` into the receiver:
//! configured engines (MD5/DES, SHA/AES), a user without an engine ID, wrong keys, a user bound
//! to another engine, and an acknowledged SHA-256/AES-256 inform. Loopback only.

use snmpkit::codec::Version;
use snmpkit::notify::{
    DropReason, LocalEngine, Notification, NotificationKind, Receiver, ReceiverConfig, Sender,
    V3User,
};
use snmpkit::usm::{AuthProtocol, PrivProtocol, SecurityLevel};
use snmpkit::{Oid, Value, VarBind};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);
const E1: &str = "8000000001020301";
const E2: &str = "8000000001020302";
const E3: &str = "80000000010203aa";
const E4: &str = "80000000010203bb";

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn users() -> Vec<V3User> {
    vec![
        V3User::new(
            "alice",
            Some(hex(E1)),
            Some((AuthProtocol::Md5, b"alicepass1")),
            Some((PrivProtocol::Des, b"aliceprivpass")),
        )
        .unwrap(),
        V3User::new(
            "bob",
            Some(hex(E2)),
            Some((AuthProtocol::Sha1, b"bobauthpass")),
            Some((PrivProtocol::Aes128, b"bobprivpass")),
        )
        .unwrap(),
        V3User::new(
            "carol",
            None,
            Some((AuthProtocol::Sha256, b"carolauthpass")),
            Some((PrivProtocol::Aes256, b"carolprivpass")),
        )
        .unwrap(),
    ]
}

async fn receiver() -> Receiver {
    let mut c = ReceiverConfig::default();
    c.listen = vec!["127.0.0.1:0".parse().unwrap()];
    c.users = users();
    c.engine = Some(LocalEngine {
        engine_id: snmpkit::engine::EngineId::new(hex("80000000050102030405060708")).unwrap(),
        boots: 7,
    });
    Receiver::bind(c).await.unwrap()
}

async fn netsnmp(tool: &str, args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    tokio::process::Command::new(tool)
        .args(["-m", "", "-M", "/dev/null"])
        .args(args)
        .env("SNMP_PERSISTENT_DIR", dir.path())
        .env("SNMPCONFPATH", dir.path())
        .env("MIBS", "")
        .output()
        .await
        .unwrap()
}

async fn send_ok(tool: &str, args: &[&str]) {
    let out = netsnmp(tool, args).await;
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn next(rx: &mut Receiver) -> Notification {
    tokio::time::timeout(WAIT, rx.recv())
        .await
        .expect("no notification arrived")
        .expect("receiver closed")
}

fn to(rx: &Receiver) -> String {
    format!("udp:{}", rx.local_addrs()[0])
}

/// `snmptrap -v3` for `user` at `engine` with the given keys, uptime 500, linkDown, ifIndex.2.
fn trap_args<'a>(
    to: &'a str,
    engine: &'a str,
    user: &'a str,
    auth: (&'a str, &'a str),
    privacy: (&'a str, &'a str),
) -> Vec<&'a str> {
    vec![
        "-v3",
        "-e",
        engine,
        "-u",
        user,
        "-l",
        "authPriv",
        "-a",
        auth.0,
        "-A",
        auth.1,
        "-x",
        privacy.0,
        "-X",
        privacy.1,
        to,
        "500",
        "1.3.6.1.6.3.1.1.5.3",
        "1.3.6.1.2.1.2.2.1.1.2",
        "i",
        "2",
    ]
}

fn assert_link_down(n: &Notification, user: &str, engine: &str) {
    assert_eq!(n.version, Version::V3);
    assert_eq!(n.kind, NotificationKind::TrapV2);
    // snmptrap puts its own engine ID in contextEngineID, whatever -e says.
    let Sender::Usm {
        user: u,
        context_name,
        engine_id,
        security_level,
        ..
    } = &n.sender
    else {
        panic!("not v3: {n:?}")
    };
    assert_eq!(
        (&u[..], &context_name[..], engine_id, *security_level),
        (
            user.as_bytes(),
            &b""[..],
            &hex(engine),
            SecurityLevel::AuthPriv
        )
    );
    assert_eq!(n.uptime, Some(500));
    assert_eq!(n.trap_oid, Some(oid("1.3.6.1.6.3.1.1.5.3")));
    assert_eq!(
        n.payload(),
        &[VarBind::new(
            oid("1.3.6.1.2.1.2.2.1.1.2"),
            Value::Integer(2)
        )][..]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traps_from_configured_engines_md5_des_and_sha_aes() {
    let mut rx = receiver().await;
    let t = to(&rx);
    let e1 = format!("0x{E1}");
    let e2 = format!("0x{E2}");
    send_ok(
        "snmptrap",
        &trap_args(
            &t,
            &e1,
            "alice",
            ("MD5", "alicepass1"),
            ("DES", "aliceprivpass"),
        ),
    )
    .await;
    assert_link_down(&next(&mut rx).await, "alice", E1);
    send_ok(
        "snmptrap",
        &trap_args(
            &t,
            &e2,
            "bob",
            ("SHA", "bobauthpass"),
            ("AES", "bobprivpass"),
        ),
    )
    .await;
    assert_link_down(&next(&mut rx).await, "bob", E2);
    // A second trap from the same engine passes the time window kept for it.
    send_ok(
        "snmptrap",
        &trap_args(
            &t,
            &e2,
            "bob",
            ("SHA", "bobauthpass"),
            ("AES", "bobprivpass"),
        ),
    )
    .await;
    assert_link_down(&next(&mut rx).await, "bob", E2);
    assert_eq!(rx.stats().dropped_total(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_without_engine_id_accepts_any_engine() {
    let mut rx = receiver().await;
    let t = to(&rx);
    for e in [E3, E4] {
        let ex = format!("0x{e}");
        send_ok(
            "snmptrap",
            &trap_args(
                &t,
                &ex,
                "carol",
                ("SHA-256", "carolauthpass"),
                ("AES-256", "carolprivpass"),
            ),
        )
        .await;
        assert_link_down(&next(&mut rx).await, "carol", e);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_keys_unknown_users_and_other_engines_are_dropped() {
    let mut rx = receiver().await;
    let t = to(&rx);
    let e1 = format!("0x{E1}");
    let e3 = format!("0x{E3}");
    // Wrong authentication passphrase.
    send_ok(
        "snmptrap",
        &trap_args(
            &t,
            &e1,
            "alice",
            ("MD5", "wrongpass1"),
            ("DES", "aliceprivpass"),
        ),
    )
    .await;
    // Right authentication, wrong privacy passphrase.
    send_ok(
        "snmptrap",
        &trap_args(
            &t,
            &e1,
            "alice",
            ("MD5", "alicepass1"),
            ("DES", "wrongpriv1"),
        ),
    )
    .await;
    // alice is bound to E1.
    send_ok(
        "snmptrap",
        &trap_args(
            &t,
            &e3,
            "alice",
            ("MD5", "alicepass1"),
            ("DES", "aliceprivpass"),
        ),
    )
    .await;
    // Nobody called mallory.
    send_ok(
        "snmptrap",
        &trap_args(
            &t,
            &e3,
            "mallory",
            ("MD5", "alicepass1"),
            ("DES", "aliceprivpass"),
        ),
    )
    .await;
    // Less security than the user is configured for.
    send_ok(
        "snmptrap",
        &[
            "-v3",
            "-e",
            &e1,
            "-u",
            "alice",
            "-l",
            "noAuthNoPriv",
            &t,
            "1",
            "1.3.6.1.6.3.1.1.5.1",
        ],
    )
    .await;
    // Then a good one: the first to be delivered.
    send_ok(
        "snmptrap",
        &trap_args(
            &t,
            &e1,
            "alice",
            ("MD5", "alicepass1"),
            ("DES", "aliceprivpass"),
        ),
    )
    .await;
    assert_link_down(&next(&mut rx).await, "alice", E1);
    let s = rx.stats();
    assert_eq!(s.dropped(DropReason::WrongDigest), 1, "{s:?}");
    assert_eq!(s.dropped(DropReason::DecryptionError), 1, "{s:?}");
    assert_eq!(s.dropped(DropReason::UnknownEngineId), 1, "{s:?}");
    assert_eq!(s.dropped(DropReason::UnknownUser), 1, "{s:?}");
    assert_eq!(s.dropped(DropReason::UnsupportedSecurityLevel), 1, "{s:?}");
    assert_eq!(s.delivered, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inform_sha256_aes256_is_acknowledged() {
    let mut rx = receiver().await;
    let t = to(&rx);
    // snmpinform discovers our engine ID and time, then sends; it exits 0 once acknowledged.
    send_ok(
        "snmpinform",
        &[
            "-v3",
            "-u",
            "carol",
            "-l",
            "authPriv",
            "-a",
            "SHA-256",
            "-A",
            "carolauthpass",
            "-x",
            "AES-256",
            "-X",
            "carolprivpass",
            "-n",
            "ctx1",
            "-t",
            "2",
            "-r",
            "2",
            &t,
            "900",
            "1.3.6.1.6.3.1.1.5.4",
            "1.3.6.1.2.1.1.5.0",
            "s",
            "r2",
        ],
    )
    .await;
    let n = next(&mut rx).await;
    assert_eq!(n.kind, NotificationKind::Inform);
    assert_eq!(n.version, Version::V3);
    let Sender::Usm {
        user,
        context_name,
        engine_id,
        security_level,
        ..
    } = &n.sender
    else {
        panic!("not v3: {n:?}")
    };
    assert_eq!(user, b"carol");
    assert_eq!(context_name, b"ctx1");
    assert_eq!(engine_id, &hex("80000000050102030405060708"));
    assert_eq!(*security_level, SecurityLevel::AuthPriv);
    assert_eq!(n.uptime, Some(900));
    assert_eq!(n.trap_oid, Some(oid("1.3.6.1.6.3.1.1.5.4")));
    assert_eq!(
        n.payload(),
        &[VarBind::new(
            oid("1.3.6.1.2.1.1.5.0"),
            Value::OctetString(b"r2".to_vec())
        )][..]
    );
    let s = rx.stats();
    assert!(s.discovery_probes >= 1, "{s:?}");
    assert!(s.informs_acknowledged >= 1, "{s:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inform_with_wrong_key_is_not_acknowledged() {
    let mut rx = receiver().await;
    let t = to(&rx);
    let out = netsnmp(
        "snmpinform",
        &[
            "-v3",
            "-u",
            "carol",
            "-l",
            "authPriv",
            "-a",
            "SHA-256",
            "-A",
            "wrongauthpass",
            "-x",
            "AES-256",
            "-X",
            "carolprivpass",
            "-t",
            "1",
            "-r",
            "0",
            &t,
            "1",
            "1.3.6.1.6.3.1.1.5.4",
        ],
    )
    .await;
    assert!(
        !out.status.success(),
        "a wrong key must not be acknowledged"
    );
    assert!(rx.stats().dropped(DropReason::WrongDigest) >= 1);
    assert!(rx.stats().delivered == 0);
    // The receiver still works.
    send_ok(
        "snmptrap",
        &trap_args(
            &t,
            &format!("0x{E3}"),
            "carol",
            ("SHA-256", "carolauthpass"),
            ("AES-256", "carolprivpass"),
        ),
    )
    .await;
    assert_link_down(&next(&mut rx).await, "carol", E3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v3_is_dropped_without_users() {
    let mut c = ReceiverConfig::default();
    c.listen = vec!["127.0.0.1:0".parse().unwrap()];
    let mut rx = Receiver::bind(c).await.unwrap();
    let t = to(&rx);
    send_ok(
        "snmptrap",
        &trap_args(
            &t,
            &format!("0x{E1}"),
            "alice",
            ("MD5", "alicepass1"),
            ("DES", "aliceprivpass"),
        ),
    )
    .await;
    send_ok(
        "snmptrap",
        &["-v2c", "-c", "public", &t, "1", "1.3.6.1.6.3.1.1.5.1"],
    )
    .await;
    assert_eq!(next(&mut rx).await.version, Version::V2c);
    assert_eq!(rx.stats().dropped(DropReason::V3NotConfigured), 1);
}
