//! USM interoperability with net-snmp's snmpd, using only the codec and `snmpkit::usm` over a
//! plain UDP socket (no client): engine discovery, then authenticated and encrypted Gets for
//! every auth protocol and every privacy protocol, and the agent's Reports for a wrong
//! authentication password and an unknown user.

use std::net::UdpSocket;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use snmpkit::codec::{
    decode_message, flags, DecodedV3, Message, Pdu, PduType, ScopedPdu, ScopedPduData, UsmParams,
    V3Message,
};
use snmpkit::usm::{
    open, seal, AuthProtocol, Credentials, EngineTime, PrivProtocol, SaltSource, SecurityLevel,
    UserKeys, UsmReport,
};
use snmpkit::{Oid, Value};

const AUTH_PASS: &str = "authpass123";
const PRIV_PASS: &str = "privpass456";
const SYS_DESCR: &str = "snmpkit usm interop agent";

/// An snmpd on 127.0.0.1 that is killed when the guard drops.
struct Agent {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// (user name, auth, priv) for every user the agent gets.
fn users() -> Vec<(String, Option<AuthProtocol>, Option<PrivProtocol>)> {
    let mut v = vec![("u_none".to_string(), None, None)];
    for a in AuthProtocol::ALL {
        v.push((format!("u_{}", a.name().replace('-', "")), Some(a), None));
    }
    let pairs = [
        (AuthProtocol::Md5, PrivProtocol::Des),
        (AuthProtocol::Sha1, PrivProtocol::Des),
        (AuthProtocol::Sha1, PrivProtocol::Aes128),
        (AuthProtocol::Sha256, PrivProtocol::Aes128),
        // Short hashes exercise the Blumenthal extension (16 or 20 octets to 24 or 32).
        (AuthProtocol::Md5, PrivProtocol::Aes192),
        (AuthProtocol::Md5, PrivProtocol::Aes256),
        (AuthProtocol::Sha1, PrivProtocol::Aes192),
        (AuthProtocol::Sha1, PrivProtocol::Aes256),
        (AuthProtocol::Sha224, PrivProtocol::Aes256),
        (AuthProtocol::Sha384, PrivProtocol::Aes192),
        (AuthProtocol::Sha512, PrivProtocol::Aes256),
        (AuthProtocol::Sha512, PrivProtocol::Des),
        // The Reeder extension (net-snmp's AES-192-C / AES-256-C).
        (AuthProtocol::Md5, PrivProtocol::Aes256Cisco),
        (AuthProtocol::Sha1, PrivProtocol::Aes192Cisco),
        (AuthProtocol::Sha1, PrivProtocol::Aes256Cisco),
        (AuthProtocol::Sha224, PrivProtocol::Aes256Cisco),
        (AuthProtocol::Sha256, PrivProtocol::Aes256Cisco),
    ];
    for (a, p) in pairs {
        v.push((
            format!(
                "u_{}_{}",
                a.name().replace('-', ""),
                p.name().replace('-', "")
            ),
            Some(a),
            Some(p),
        ));
    }
    v
}

fn start_agent() -> Agent {
    let dir = tempfile::tempdir().expect("tempdir");
    let persist = dir.path().join("persist");
    std::fs::create_dir(&persist).expect("persist dir");
    let mut conf = format!(
        "[snmp] persistentDir {}\nsysDescr {SYS_DESCR}\n",
        persist.display()
    );
    for (u, a, p) in users() {
        let line = match (a, p) {
            (None, _) => format!("createUser {u}\nrouser {u} noauth\n"),
            (Some(a), None) => format!("createUser {u} {a} {AUTH_PASS}\nrouser {u} auth\n"),
            (Some(a), Some(p)) => {
                format!("createUser {u} {a} {AUTH_PASS} {p} {PRIV_PASS}\nrouser {u} priv\n")
            }
        };
        conf.push_str(&line);
    }
    let conf_path = dir.path().join("snmpd.conf");
    std::fs::write(&conf_path, conf).expect("write snmpd.conf");
    let port = free_port();
    let child = Command::new("/usr/sbin/snmpd")
        .args(["-C", "-c"])
        .arg(&conf_path)
        .args(["-f", "-Lf"])
        .arg(dir.path().join("snmpd.log"))
        .arg("-p")
        .arg(dir.path().join("snmpd.pid"))
        .arg(format!("udp:127.0.0.1:{port}"))
        .env("SNMP_PERSISTENT_DIR", &persist)
        .env("SNMPCONFPATH", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start /usr/sbin/snmpd");
    Agent { child, port, dir }
}

fn free_port() -> u16 {
    let s = UdpSocket::bind("127.0.0.1:0").expect("bind");
    s.local_addr().expect("addr").port()
}

fn log_of(agent: &Agent) -> String {
    std::fs::read_to_string(agent.dir.path().join("snmpd.log")).unwrap_or_default()
}

/// A socket connected to the agent.
fn socket(agent: &Agent) -> UdpSocket {
    let s = UdpSocket::bind("127.0.0.1:0").expect("bind");
    s.connect(("127.0.0.1", agent.port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    s
}

fn message(msg_id: i32, level: SecurityLevel, usm: UsmParams, scoped: ScopedPdu) -> V3Message {
    V3Message {
        msg_id,
        max_size: 65507,
        flags: level.flags() | flags::REPORTABLE,
        security_model: 3,
        usm,
        data: ScopedPduData::Plaintext(scoped),
    }
}

/// Sends `wire` and waits for a v3 answer with `msg_id`, retrying a few times.
fn exchange(sock: &UdpSocket, wire: &[u8], msg_id: i32) -> Option<(Vec<u8>, DecodedV3)> {
    let mut buf = vec![0u8; 65535];
    for _ in 0..6 {
        sock.send(wire).expect("send");
        let deadline = Instant::now() + Duration::from_millis(500);
        while Instant::now() < deadline {
            let Ok(n) = sock.recv(&mut buf) else { break };
            let bytes = buf[..n].to_vec();
            if let Ok(Message::V3(d)) = decode_message(&bytes) {
                if d.msg.msg_id == msg_id {
                    return Some((bytes, d));
                }
            }
        }
    }
    None
}

/// Engine discovery (RFC 3414 §4): a reportable noAuthNoPriv Get with an empty engine ID, an
/// empty user and no varbinds. Returns the engine ID and its clock.
fn discover(sock: &UdpSocket) -> Option<(Vec<u8>, EngineTime)> {
    let scoped = ScopedPdu {
        context_engine_id: Vec::new(),
        context_name: Vec::new(),
        pdu: Pdu::request(PduType::Get, 1, &[]),
    };
    let msg = message(
        100,
        SecurityLevel::NoAuthNoPriv,
        UsmParams::default(),
        scoped,
    );
    let none = UserKeys::none("", &[]);
    let wire = seal(msg, &none, SaltSource::global()).expect("seal discovery");
    let (bytes, d) = exchange(sock, &wire, 100)?;
    let usm = d.msg.usm.clone();
    let opened = open(&bytes, d, &none).expect("open discovery report");
    let ScopedPduData::Plaintext(s) = opened.data else {
        panic!("plaintext report expected")
    };
    assert_eq!(
        UsmReport::from_pdu(&s.pdu),
        Some(UsmReport::UnknownEngineId)
    );
    assert!(!usm.engine_id.is_empty());
    Some((
        usm.engine_id,
        EngineTime::new(usm.engine_boots, usm.engine_time, Instant::now()),
    ))
}

/// Sends a Get for sysDescr.0 as `keys` at `level` and returns the answer, opened.
fn get_sys_descr(
    sock: &UdpSocket,
    keys: &UserKeys,
    level: SecurityLevel,
    time: &mut EngineTime,
    msg_id: i32,
) -> Result<ScopedPdu, String> {
    let sys_descr: Oid = "1.3.6.1.2.1.1.1.0".parse().unwrap();
    let (boots, now) = time.now(Instant::now());
    let usm = UsmParams {
        engine_id: keys.engine_id().to_vec(),
        engine_boots: boots,
        engine_time: now,
        user_name: keys.user_name().to_vec(),
        auth_params: Vec::new(),
        priv_params: Vec::new(),
    };
    let scoped = ScopedPdu {
        context_engine_id: keys.engine_id().to_vec(),
        context_name: Vec::new(),
        pdu: Pdu::request(PduType::Get, msg_id, &[sys_descr]),
    };
    let wire = seal(
        message(msg_id, level, usm, scoped),
        keys,
        SaltSource::global(),
    )
    .map_err(|e| format!("seal: {e}"))?;
    let (bytes, d) = exchange(sock, &wire, msg_id).ok_or("no answer")?;
    let (b, t, authed) = (
        d.msg.usm.engine_boots,
        d.msg.usm.engine_time,
        d.msg.flags & flags::AUTH != 0,
    );
    let opened = open(&bytes, d, keys).map_err(|e| format!("open: {e}"))?;
    if authed {
        time.observe(b, t, Instant::now())
            .map_err(|e| format!("time window: {e}"))?;
    }
    match opened.data {
        ScopedPduData::Plaintext(s) => Ok(s),
        ScopedPduData::Encrypted(_) => Err("still encrypted".into()),
    }
}

fn check_sys_descr(s: &ScopedPdu, what: &str) {
    assert_eq!(s.pdu.pdu_type, PduType::Response, "{what}: {:?}", s.pdu);
    assert_eq!(s.pdu.error_status, 0, "{what}");
    let vb = s.pdu.varbinds.first().expect("a varbind");
    assert_eq!(vb.oid.to_string(), "1.3.6.1.2.1.1.1.0", "{what}");
    assert_eq!(
        vb.value,
        Value::OctetString(SYS_DESCR.as_bytes().to_vec()),
        "{what}"
    );
}

#[test]
fn usm_against_snmpd() {
    assert!(
        Path::new("/usr/sbin/snmpd").exists(),
        "snmpd is not installed"
    );
    let agent = start_agent();
    let sock = socket(&agent);
    let deadline = Instant::now() + Duration::from_secs(15);
    let (engine_id, mut time) = loop {
        if let Some(found) = discover(&sock) {
            break found;
        }
        assert!(
            Instant::now() < deadline,
            "snmpd did not answer discovery; log:\n{}",
            log_of(&agent)
        );
    };

    let mut msg_id = 1000;
    for (user, a, p) in users() {
        let mut c = Credentials::new(user.as_str());
        if let Some(a) = a {
            c = c.auth(a, AUTH_PASS);
        }
        if let Some(p) = p {
            c = c.privacy(p, PRIV_PASS);
        }
        let keys = c.localize(&engine_id).expect("localize");
        msg_id += 1;
        let what = format!("{user} ({:?})", c.security_level());
        let s = get_sys_descr(&sock, &keys, c.security_level(), &mut time, msg_id)
            .unwrap_or_else(|e| panic!("{what}: {e}\nsnmpd log:\n{}", log_of(&agent)));
        check_sys_descr(&s, &what);
        // Users with privacy may also use authNoPriv only if the agent allows it; a priv user
        // at a lower level gets the UnsupportedSecLevel... only when the access rule demands
        // priv, which `rouser u priv` does.
        if p.is_some() {
            msg_id += 1;
            let s = get_sys_descr(&sock, &keys, SecurityLevel::AuthNoPriv, &mut time, msg_id)
                .unwrap_or_else(|e| panic!("{what} at authNoPriv: {e}"));
            assert_eq!(s.pdu.pdu_type, PduType::Response, "{what}");
            // The access rule refuses the level: net-snmp answers authorizationError (16).
            assert_eq!(s.pdu.error_status, 16, "{what}: {:?}", s.pdu);
        }
    }

    // A wrong authentication password: the agent reports usmStatsWrongDigests.
    let wrong = Credentials::new("u_SHA256")
        .auth(AuthProtocol::Sha256, "not-the-password")
        .localize(&engine_id)
        .unwrap();
    let s = get_sys_descr(&sock, &wrong, SecurityLevel::AuthNoPriv, &mut time, 5001).unwrap();
    assert_eq!(UsmReport::from_pdu(&s.pdu), Some(UsmReport::WrongDigest));
    assert_eq!(
        UsmReport::WrongDigest.to_string(),
        "Authentication failure (incorrect password, community or key)"
    );

    // The right password with the wrong protocol is a wrong digest too.
    let wrong = Credentials::new("u_SHA256")
        .auth(AuthProtocol::Sha512, AUTH_PASS)
        .localize(&engine_id)
        .unwrap();
    let s = get_sys_descr(&sock, &wrong, SecurityLevel::AuthNoPriv, &mut time, 5002).unwrap();
    assert_eq!(UsmReport::from_pdu(&s.pdu), Some(UsmReport::WrongDigest));

    // An unknown user.
    let nobody = Credentials::new("nobody")
        .auth(AuthProtocol::Md5, AUTH_PASS)
        .localize(&engine_id)
        .unwrap();
    let s = get_sys_descr(&sock, &nobody, SecurityLevel::AuthNoPriv, &mut time, 5003).unwrap();
    assert_eq!(
        UsmReport::from_pdu(&s.pdu),
        Some(UsmReport::UnknownUserName)
    );

    // A level the user does not have (authNoPriv user asking for authPriv).
    let over = Credentials::new("u_MD5")
        .auth(AuthProtocol::Md5, AUTH_PASS)
        .privacy(PrivProtocol::Des, PRIV_PASS)
        .localize(&engine_id)
        .unwrap();
    let s = get_sys_descr(&sock, &over, SecurityLevel::AuthPriv, &mut time, 5004).unwrap();
    assert_eq!(
        UsmReport::from_pdu(&s.pdu),
        Some(UsmReport::UnsupportedSecLevel)
    );

    // A boot count behind the agent's: the agent reports notInTimeWindow (RFC 3414 §3.2
    // step 7a), authenticated, with its real clock, which a stale estimate adopts (step 7b(1)).
    let keys = Credentials::new("u_SHA")
        .auth(AuthProtocol::Sha1, AUTH_PASS)
        .localize(&engine_id)
        .unwrap();
    let (boots, now) = time.now(Instant::now());
    assert!(boots >= 1, "a fresh snmpd counts its first boot");
    let mut stale = EngineTime::new(boots - 1, now, Instant::now());
    let s = get_sys_descr(&sock, &keys, SecurityLevel::AuthNoPriv, &mut stale, 5005)
        .expect("not-in-time-window report");
    assert_eq!(
        UsmReport::from_pdu(&s.pdu),
        Some(UsmReport::NotInTimeWindow)
    );
    assert_eq!(stale.now(Instant::now()).0, boots);
    // Resynchronised, the retry succeeds.
    let s = get_sys_descr(&sock, &keys, SecurityLevel::AuthNoPriv, &mut stale, 5006).unwrap();
    check_sys_descr(&s, "after resynchronisation");

    // An estimate ahead of the agent's clock with the same boot count: the agent reports
    // notInTimeWindow, and the Report itself is outside our window (step 7b(2)).
    let mut ahead = EngineTime::new(boots, now.saturating_add(10_000), Instant::now());
    let e = get_sys_descr(&sock, &keys, SecurityLevel::AuthNoPriv, &mut ahead, 5007).unwrap_err();
    assert_eq!(e, "time window: Not in time window");
}
