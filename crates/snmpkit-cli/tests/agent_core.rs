//! `snmpkit agent` against net-snmp's tools: Get/GetNext/walks for v1 and v2c exactly as
//! snmpd answers them, Set with its refusals, many devices on a wildcard address, and
//! malformed datagrams.

#[path = "../../../tests/common/mod.rs"]
mod common;

use common::*;
use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A small router recording in `snmpwalk -On` form (our own synthetic data).
const ROUTER: &str = "\
.1.3.6.1.2.1.1.1.0 = STRING: \"lab router\"
.1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.8072.3.2.10
.1.3.6.1.2.1.1.3.0 = Timeticks: (4200) 0:00:42.00
.1.3.6.1.2.1.1.4.0 = STRING: \"noc@example.net\"
.1.3.6.1.2.1.1.5.0 = STRING: \"r1\"
.1.3.6.1.2.1.1.6.0 = STRING: \"rack 4\"
.1.3.6.1.2.1.1.7.0 = INTEGER: 72
.1.3.6.1.2.1.2.1.0 = INTEGER: 2
.1.3.6.1.2.1.2.2.1.1.1 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2
.1.3.6.1.2.1.2.2.1.2.1 = STRING: \"lo\"
.1.3.6.1.2.1.2.2.1.2.2 = STRING: \"eth0\"
.1.3.6.1.2.1.2.2.1.6.1 = \"\"
.1.3.6.1.2.1.2.2.1.6.2 = Hex-STRING: 52 54 00 12 34 56 
.1.3.6.1.2.1.2.2.1.7.1 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.7.2 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.1 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.2 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.10.1 = Counter32: 1000
.1.3.6.1.2.1.2.2.1.10.2 = Counter32: 4294967000
.1.3.6.1.2.1.4.20.1.1.10.0.0.1 = IpAddress: 10.0.0.1
.1.3.6.1.2.1.31.1.1.1.6.2 = Counter64: 12345678901234
.1.3.6.1.2.1.31.1.1.1.15.2 = Gauge32: 1000
";

/// A running `snmpkit agent`, stopped with SIGTERM on drop.
struct Agent {
    child: Child,
    port: u16,
    lines: mpsc::Receiver<String>,
    _dir: tempfile::TempDir,
}

impl Agent {
    /// Starts the agent with the router recording (plus `args`) on `address` (`{PORT}` is
    /// replaced by a free port) and waits for its readiness line.
    fn start(address: &str, args: &[&str]) -> Agent {
        Self::start_with_config(address, args, None)
    }

    /// Like `start`, with `config` as its snmpd.conf.
    fn start_with_config(address: &str, args: &[&str], config: Option<&str>) -> Agent {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("router.snmpwalk");
        std::fs::write(&data, ROUTER).unwrap();
        let mut extra: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        if let Some(c) = config {
            let path = dir.path().join("snmpd.conf");
            std::fs::write(&path, c).unwrap();
            extra.push("--config".into());
            extra.push(path.display().to_string());
        }
        let port = free_udp_port();
        let mut child = Command::new(snmpkit_bin())
            .arg("agent")
            .arg("--data")
            .arg(&data)
            .args(&extra)
            .arg(address.replace("{PORT}", &port.to_string()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for l in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        let a = Agent {
            child,
            port,
            lines,
            _dir: dir,
        };
        a.wait_for("listening on");
        a
    }

    /// Waits (up to 10 s) for a stderr line containing `needle`.
    fn wait_for(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut seen = String::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(l) if l.contains(needle) => return l,
                Ok(l) => seen.push_str(&format!("{l}\n")),
                Err(_) => break,
            }
        }
        panic!("the agent never printed {needle:?}; it printed:\n{seen}");
    }

    fn at(&self, host: &str) -> String {
        format!("{host}:{}", self.port)
    }

    /// SIGTERM, then the exit code and the summary line.
    fn stop(mut self) -> (i32, String) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let line = self.wait_for("received");
        let code = self.child.wait().unwrap().code().unwrap_or(-1);
        (code, line)
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn lines(s: &str) -> Vec<&str> {
    s.lines().collect()
}

#[test]
fn walks_replay_the_recording_line_for_line() {
    let a = Agent::start("udp:127.0.0.1:{PORT}", &[]);
    let target = a.at("127.0.0.1");
    for (tool, version, extra) in [
        ("snmpwalk", "-v2c", ""),
        ("snmpbulkwalk", "-v2c", "-Cr25"),
        ("snmpbulkwalk", "-v2c", "-Cr3"),
    ] {
        let mut args = vec![version, "-c", "public", "-On"];
        if !extra.is_empty() {
            args.push(extra);
        }
        args.extend([target.as_str(), ".1"]);
        let r = netsnmp(tool, &args);
        assert_eq!(r.code, 0, "{tool} {extra}: {}", r.stderr);
        // A walk of the whole tree ends as against snmpd: endOfMibView after the last object.
        let want = format!(
            "{ROUTER}.1.3.6.1.2.1.31.1.1.1.15.2 = No more variables left in this MIB View \
             (It is past the end of the MIB tree)\n"
        );
        assert_same_lines(&r.stdout, &want, &["1.3.6.1.2.1.1.3"], tool);
    }
    // v1 walks pass over Counter64 (RFC 3584 §4.2.2.1), as against snmpd.
    let r = netsnmp("snmpwalk", &["-v1", "-c", "public", "-On", &target, ".1"]);
    let mut want: String = ROUTER
        .lines()
        .filter(|l| !l.contains("Counter64"))
        .map(|l| format!("{l}\n"))
        .collect();
    want.push_str("End of MIB\n");
    assert_same_lines(&r.stdout, &want, &["1.3.6.1.2.1.1.3"], "v1 walk");
    // sysUpTime ticks on from its recorded value.
    let r = netsnmp(
        "snmpget",
        &[
            "-v2c",
            "-c",
            "public",
            "-Ovt",
            &target,
            ".1.3.6.1.2.1.1.3.0",
        ],
    );
    let ticks: u32 = r.stdout.trim().parse().unwrap();
    assert!(ticks >= 4200, "{}", r.stdout);
}

#[test]
fn get_exceptions_and_v1_errors_as_snmpd() {
    let a = Agent::start("udp:127.0.0.1:{PORT}", &[]);
    let target = a.at("127.0.0.1");
    let r = netsnmp(
        "snmpget",
        &[
            "-v2c",
            "-c",
            "public",
            "-On",
            &target,
            ".1.3.6.1.2.1.1.5.0",
            ".1.3.6.1.2.1.1.5",
            ".1.3.6.1.2.1.1",
            ".1.3.6.1.2.1.2.2.1.2.9",
            ".1.3.6.1.4.1.99.1.0",
        ],
    );
    assert_eq!(
        lines(&r.stdout),
        vec![
            ".1.3.6.1.2.1.1.5.0 = STRING: \"r1\"",
            ".1.3.6.1.2.1.1.5 = No Such Instance currently exists at this OID",
            ".1.3.6.1.2.1.1 = No Such Object available on this agent at this OID",
            ".1.3.6.1.2.1.2.2.1.2.9 = No Such Instance currently exists at this OID",
            ".1.3.6.1.4.1.99.1.0 = No Such Object available on this agent at this OID",
        ]
    );
    let r = netsnmp(
        "snmpget",
        &[
            "-v1",
            "-c",
            "public",
            "-On",
            &target,
            ".1.3.6.1.2.1.1.5.0",
            ".1.9",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(r
        .stderr
        .contains("(noSuchName) There is no such variable name in this MIB."));
    assert!(r.stderr.contains("Failed object: .1.9"), "{}", r.stderr);
    let r = netsnmp(
        "snmpgetnext",
        &[
            "-v2c",
            "-c",
            "public",
            "-On",
            &target,
            ".1.3.6.1.2.1.1.7.0",
            ".1.9",
        ],
    );
    assert_eq!(
        lines(&r.stdout),
        vec![
            ".1.3.6.1.2.1.2.1.0 = INTEGER: 2",
            ".1.9 = No more variables left in this MIB View (It is past the end of the MIB tree)",
        ]
    );
    // An unknown community is never answered.
    let r = netsnmp(
        "snmpget",
        &[
            "-v2c",
            "-c",
            "nope",
            "-t",
            "0.3",
            "-r",
            "0",
            &target,
            ".1.3.6.1.2.1.1.5.0",
        ],
    );
    assert!(r.stderr.contains("Timeout"), "{}", r.stderr);
}

#[test]
fn set_is_checked_atomic_and_refused_read_only() {
    let a = Agent::start("udp:127.0.0.1:{PORT}", &[]);
    let target = a.at("127.0.0.1");
    let set = |community: &str, version: &str, vbs: &[&str]| {
        let mut args = vec![version, "-c", community, "-On", target.as_str()];
        args.extend_from_slice(vbs);
        netsnmp("snmpset", &args)
    };
    let r = set("private", "-v2c", &[".1.3.6.1.2.1.1.5.0", "s", "core-1"]);
    assert_eq!(
        r.stdout.trim(),
        ".1.3.6.1.2.1.1.5.0 = STRING: \"core-1\"",
        "{}",
        r.stderr
    );
    let r = netsnmp(
        "snmpget",
        &["-v2c", "-c", "public", "-Ov", &target, ".1.3.6.1.2.1.1.5.0"],
    );
    assert_eq!(r.stdout.trim(), "STRING: \"core-1\"");
    let cases: &[(&str, &str, &[&str], &str)] = &[
        ("private", "-v2c", &[".1.3.6.1.2.1.1.5.0", "i", "5"], "wrongType (The set datatype does not match the data type the agent expects)"),
        ("private", "-v2c", &[".1.3.6.1.2.1.1.1.0", "s", "x"], "notWritable (That object does not support modification)"),
        ("private", "-v2c", &[".1.3.6.1.2.1.1.5.1", "s", "x"], "noCreation (That table does not support row creation or that object can not ever be created)"),
        ("private", "-v2c", &[".1.3.6.1.2.1.2.2.1.7.2", "i", "7"], "wrongValue (The set value is illegal or unsupported in some way)"),
        ("public", "-v2c", &[".1.3.6.1.2.1.1.5.0", "s", "x"], "noAccess"),
        ("public", "-v1", &[".1.3.6.1.2.1.1.5.0", "s", "x"], "(noSuchName) There is no such variable name in this MIB."),
        ("private", "-v1", &[".1.3.6.1.2.1.1.5.0", "i", "3"], "(badValue) The value given has the wrong type or length."),
    ];
    for (community, version, vbs, reason) in cases {
        let r = set(community, version, vbs);
        assert_eq!(r.code, 2, "{vbs:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("Reason: {reason}\n")),
            "{vbs:?}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains(&format!("Failed object: {}", vbs[0])),
            "{}",
            r.stderr
        );
    }
    // Atomic: the second binding's wrongType leaves the first unset.
    let r = set(
        "private",
        "-v2c",
        &[
            ".1.3.6.1.2.1.1.6.0",
            "s",
            "moved",
            ".1.3.6.1.2.1.1.5.0",
            "i",
            "3",
        ],
    );
    assert!(
        r.stderr.contains("Failed object: .1.3.6.1.2.1.1.5.0"),
        "{}",
        r.stderr
    );
    let r = netsnmp(
        "snmpget",
        &["-v2c", "-c", "public", "-Ov", &target, ".1.3.6.1.2.1.1.6.0"],
    );
    assert_eq!(r.stdout.trim(), "STRING: \"rack 4\"");
}

#[test]
fn wildcard_bind_is_one_device_per_address() {
    let a = Agent::start("udp:0.0.0.0:{PORT}", &["--vary-rate", "1000"]);
    let (two, three) = (a.at("127.0.0.2"), a.at("127.0.0.3"));
    let uptime = |target: &str| -> u32 {
        let r = netsnmp(
            "snmpget",
            &["-v2c", "-c", "public", "-Ovt", target, ".1.3.6.1.2.1.1.3.0"],
        );
        assert_eq!(r.code, 0, "{target}: {}", r.stderr);
        r.stdout.trim().parse().unwrap()
    };
    // 127.0.0.2 starts first; once its clock has moved, 127.0.0.3 starts behind it.
    let first = uptime(&two);
    let deadline = Instant::now() + Duration::from_secs(10);
    while uptime(&two) == first && Instant::now() < deadline {}
    let three_up = uptime(&three);
    let two_up = uptime(&two);
    assert!(two_up > three_up, ".2 {two_up} vs .3 {three_up}");
    // Each device keeps its own Set values.
    let r = netsnmp(
        "snmpset",
        &[
            "-v2c",
            "-c",
            "private",
            &two,
            ".1.3.6.1.2.1.1.5.0",
            "s",
            "dev-2",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let name = |target: &str| {
        netsnmp(
            "snmpget",
            &["-v2c", "-c", "public", "-Ov", target, ".1.3.6.1.2.1.1.5.0"],
        )
        .stdout
    };
    assert_eq!(name(&two).trim(), "STRING: \"dev-2\"");
    assert_eq!(name(&three).trim(), "STRING: \"r1\"");
    // Replies come from the address asked: a socket connected to 127.0.0.3 receives only
    // from there.
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.connect(("127.0.0.3", a.port)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    sock.send(&GET_SYSNAME).unwrap();
    let mut buf = [0u8; 1500];
    let n = sock.recv(&mut buf).expect("an answer from 127.0.0.3");
    assert!(buf[..n].windows(2).any(|w| w == b"r1"));
    // The Counter32 recorded just below 2^32 advances at 1000 per second and wraps.
    let counter = |target: &str| -> u64 {
        let r = netsnmp(
            "snmpget",
            &[
                "-v2c",
                "-c",
                "public",
                "-Ovq",
                target,
                ".1.3.6.1.2.1.2.2.1.10.2",
            ],
        );
        r.stdout.trim().parse().unwrap()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut c = counter(&three);
    while c >= 4_294_967_000 && Instant::now() < deadline {
        c = counter(&three);
    }
    assert!(c < 4_294_967_000, "never wrapped: {c}");
}

/// A v2c GetRequest for sysName.0 with community public.
const GET_SYSNAME: [u8; 40] = [
    0x30, 0x26, 0x02, 0x01, 0x01, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c', 0xa0, 0x19, 0x02,
    0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06,
    0x01, 0x02, 0x01, 0x01, 0x05, 0x00, 0x05, 0x00,
];

#[test]
fn malformed_datagrams_are_dropped_counted_and_survived() {
    let a = Agent::start("udp:127.0.0.1:{PORT}", &[]);
    let target = a.at("127.0.0.1");
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(1)))
        .unwrap();
    let valid = GET_SYSNAME;
    let mut seed: u32 = 12345;
    let mut rnd = || {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (seed >> 16) as u8
    };
    let mut answered = 0;
    for i in 0..2000 {
        let mut d: Vec<u8> = match i % 4 {
            // Random bytes.
            0 => (0..(rnd() as usize % 80)).map(|_| rnd()).collect(),
            // A valid request cut short.
            1 => valid[..(rnd() as usize % (valid.len() - 1))].to_vec(),
            // A valid request with a length octet broken.
            2 => {
                let mut v = valid.to_vec();
                v[1] = 0xff;
                v
            }
            // Huge claimed lengths.
            _ => vec![0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0x01],
        };
        if d.is_empty() {
            d.push(0x30);
        }
        sock.send_to(&d, ("127.0.0.1", a.port)).unwrap();
        let mut buf = [0u8; 1500];
        if sock.recv(&mut buf).is_ok() {
            answered += 1;
        }
    }
    assert_eq!(answered, 0, "a malformed datagram was answered");
    let r = netsnmp(
        "snmpget",
        &["-v2c", "-c", "public", "-Ov", &target, ".1.3.6.1.2.1.1.5.0"],
    );
    assert_eq!(r.stdout.trim(), "STRING: \"r1\"", "{}", r.stderr);
    let (code, summary) = a.stop();
    assert_eq!(code, 0);
    assert!(summary.contains("2000 malformed"), "{summary}");
}

/// Every authentication protocol with privacy, and the privacy protocols net-snmp offers.
const V3_USERS: &[(&str, &str, Option<&str>)] = &[
    ("md5des", "MD5", Some("DES")),
    ("shaaes", "SHA", Some("AES")),
    ("sha224aes", "SHA-224", Some("AES")),
    ("sha256aes", "SHA-256", Some("AES")),
    ("sha384aes192", "SHA-384", Some("AES-192")),
    ("sha512aes256", "SHA-512", Some("AES-256")),
    ("sha256des", "SHA-256", Some("DES")),
    ("md5auth", "MD5", None),
];

fn v3_config() -> String {
    let mut c = String::from("rocommunity public 127.0.0.1\n");
    for (user, auth, privacy) in V3_USERS {
        match privacy {
            Some(p) => c.push_str(&format!(
                "createUser {user} {auth} \"{user} auth pass\" {p} \"{user} priv pass\"\n\
                 rwuser {user} priv\n"
            )),
            None => c.push_str(&format!(
                "createUser {user} {auth} \"{user} auth pass\"\nrouser {user} auth\n"
            )),
        }
    }
    c.push_str("createUser nopriv\nrouser nopriv noauth\n");
    c
}

fn v3_args<'a>(user: &'a str, auth: Option<&'a str>, privacy: Option<&'a str>) -> Vec<String> {
    let mut a = vec!["-v3".to_string(), "-u".into(), user.into(), "-On".into()];
    match (auth, privacy) {
        (Some(au), Some(p)) => a.extend([
            "-l".into(),
            "authPriv".into(),
            "-a".into(),
            au.into(),
            "-A".into(),
            format!("{user} auth pass"),
            "-x".into(),
            p.into(),
            "-X".into(),
            format!("{user} priv pass"),
        ]),
        (Some(au), None) => a.extend([
            "-l".into(),
            "authNoPriv".into(),
            "-a".into(),
            au.into(),
            "-A".into(),
            format!("{user} auth pass"),
        ]),
        _ => a.extend(["-l".into(), "noAuthNoPriv".into()]),
    }
    a
}

fn run_v3(tool: &str, base: &[String], rest: &[&str]) -> Run {
    let mut args: Vec<&str> = base.iter().map(String::as_str).collect();
    args.extend_from_slice(rest);
    netsnmp(tool, &args)
}

#[test]
fn v3_users_work_with_net_snmp_for_every_protocol_pair() {
    let state = tempfile::tempdir().unwrap();
    let engine = state.path().join("engine");
    let engine = engine.to_str().unwrap();
    let a = Agent::start_with_config(
        "udp:127.0.0.1:{PORT}",
        &["--state-file", engine],
        Some(&v3_config()),
    );
    let target = a.at("127.0.0.1");
    for (user, auth, privacy) in V3_USERS {
        let base = v3_args(user, Some(auth), *privacy);
        let r = run_v3("snmpget", &base, &[&target, ".1.3.6.1.2.1.1.5.0"]);
        assert_eq!(
            r.stdout.trim(),
            ".1.3.6.1.2.1.1.5.0 = STRING: \"r1\"",
            "{user}: {}",
            r.stderr
        );
        let r = run_v3(
            "snmpbulkwalk",
            &base,
            &["-Cr10", &target, ".1.3.6.1.2.1.2.2"],
        );
        assert_eq!(r.stdout.lines().count(), 12, "{user}: {}", r.stderr);
        if privacy.is_some() {
            let r = run_v3(
                "snmpset",
                &base,
                &[&target, ".1.3.6.1.2.1.1.6.0", "s", user],
            );
            assert_eq!(r.code, 0, "{user}: {}", r.stderr);
        }
    }
    // noAuthNoPriv user, and a walk over v3.
    let r = run_v3(
        "snmpwalk",
        &v3_args("nopriv", None, None),
        &[&target, ".1.3.6.1.2.1.1"],
    );
    assert_eq!(r.stdout.lines().count(), 7, "{}", r.stderr);
    // net-snmp's usual errors: wrong password, unknown user, unsupported level, read-only.
    let mut wrong = v3_args("sha256aes", Some("SHA-256"), Some("AES"));
    if let Some(p) = wrong
        .iter_mut()
        .find(|w| w.as_str() == "sha256aes auth pass")
    {
        *p = "not the password".into();
    }
    let r = run_v3("snmpget", &wrong, &[&target, ".1.3.6.1.2.1.1.5.0"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("Authentication failure (incorrect password, community or key)"),
        "{}",
        r.stderr
    );
    let r = run_v3(
        "snmpget",
        &v3_args("ghost", Some("SHA"), Some("AES")),
        &[&target, ".1.3.6.1.2.1.1.5.0"],
    );
    assert!(r.stderr.contains("Unknown user name"), "{}", r.stderr);
    let r = run_v3(
        "snmpget",
        &v3_args("md5auth", Some("MD5"), Some("DES")),
        &[&target, ".1.3.6.1.2.1.1.5.0"],
    );
    assert!(
        r.stderr.contains("Unsupported security level"),
        "{}",
        r.stderr
    );
    let r = run_v3(
        "snmpset",
        &v3_args("md5auth", Some("MD5"), None),
        &[&target, ".1.3.6.1.2.1.1.6.0", "s", "x"],
    );
    assert!(r.stderr.contains("Reason: noAccess"), "{}", r.stderr);
    // Each rejection is counted in usmStats, readable over SNMP (the recording has no
    // usmStats, so a walk shows none: the engine's own objects answer a Get).
    let stats: Vec<String> = (1..=6)
        .map(|n| format!(".1.3.6.1.6.3.15.1.1.{n}.0"))
        .collect();
    let mut args = vec!["-v2c", "-c", "public", "-Ovq", &target];
    args.extend(stats.iter().map(String::as_str));
    let r = netsnmp("snmpget", &args);
    let counts: Vec<u64> = r
        .stdout
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect();
    // unsupportedSecLevel, unknownUserName, unknownEngineID (discovery), wrongDigest.
    assert!(
        counts[0] >= 1 && counts[2] >= 1 && counts[3] >= 1 && counts[4] >= 1,
        "{counts:?}"
    );
    let r = netsnmp(
        "snmpwalk",
        &["-v2c", "-c", "public", "-On", &target, ".1.3.6.1.6.3"],
    );
    assert!(!r.stdout.contains(".1.3.6.1.6.3.15"), "{}", r.stdout);
    // Engine boots come from the state file and go up at each start.
    let boots = |a: &Agent| {
        let r = netsnmp(
            "snmpget",
            &[
                "-v2c",
                "-c",
                "public",
                "-Ovq",
                &a.at("127.0.0.1"),
                ".1.3.6.1.6.3.10.2.1.2.0",
            ],
        );
        r.stdout.trim().to_string()
    };
    assert_eq!(boots(&a), "1");
    let (code, _) = a.stop();
    assert_eq!(code, 0);
    let b = Agent::start_with_config(
        "udp:127.0.0.1:{PORT}",
        &["--state-file", engine],
        Some(&v3_config()),
    );
    assert_eq!(boots(&b), "2");
}

#[test]
fn link_down_and_up_reach_snmptrapd_from_every_sink() {
    let trapd = Snmptrapd::start("disableAuthorization yes\n");
    let config = format!(
        "rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\n\
         trapsink 127.0.0.1:{p} public\ntrap2sink 127.0.0.1:{p} public\n\
         informsink 127.0.0.1:{p} public\n",
        p = trapd.port
    );
    let a = Agent::start_with_config("udp:127.0.0.1:{PORT}", &[], Some(&config));
    let target = a.at("127.0.0.1");
    let r = netsnmp(
        "snmpset",
        &[
            "-v2c",
            "-c",
            "private",
            &target,
            ".1.3.6.1.2.1.2.2.1.7.2",
            "i",
            "2",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = netsnmp(
        "snmpget",
        &[
            "-v2c",
            "-c",
            "public",
            "-Ov",
            &target,
            ".1.3.6.1.2.1.2.2.1.8.2",
        ],
    );
    assert_eq!(r.stdout.trim(), "INTEGER: 2");
    let varbinds = ".1.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2\t.1.3.6.1.2.1.2.2.1.7.2 = INTEGER: 2\t\
                    .1.3.6.1.2.1.2.2.1.8.2 = INTEGER: 2";
    let log = trapd.wait_for("Link Down Trap");
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut log2 = log.clone();
    while log2.matches("OID: .1.3.6.1.6.3.1.1.5.3").count() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        log2 = trapd.log();
    }
    // The v1 trap (generic linkDown, enterprise sysObjectID) and the v2c trap and inform.
    assert!(
        log2.contains(".1.3.6.1.4.1.8072.3.2.10 Link Down Trap (0)"),
        "{log2}"
    );
    assert_eq!(
        log2.matches("OID: .1.3.6.1.6.3.1.1.5.3").count(),
        2,
        "{log2}"
    );
    assert_eq!(log2.matches(varbinds).count(), 3, "{log2}");
    let r = netsnmp(
        "snmpset",
        &[
            "-v2c",
            "-c",
            "private",
            &target,
            ".1.3.6.1.2.1.2.2.1.7.2",
            "i",
            "1",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let log = trapd.wait_for("Link Up Trap");
    assert!(log.contains("Link Up Trap (0)"), "{log}");
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut log = log;
    while log.matches("OID: .1.3.6.1.6.3.1.1.5.4").count() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        log = trapd.log();
    }
    assert_eq!(log.matches("OID: .1.3.6.1.6.3.1.1.5.4").count(), 2, "{log}");
    let (code, summary) = a.stop();
    assert_eq!(code, 0);
    assert!(summary.contains("6 sent, 0 failed"), "{summary}");
}

/// Regression: informs were resent for about a minute (one request's 60 retries), then
/// given up. Now a new request follows, until the sink acknowledges; beyond the cap on
/// pending informs a notification is dropped and counted. The agent runs in-process with a
/// 20 ms inform timeout, so 60 retries pass in about a second.
#[test]
fn informs_are_resent_past_sixty_retries_until_snmptrapd_acknowledges() {
    use snmpkit_agent::{recording, Agent as LabAgent, AgentConfig, Options, Server};
    // The sink's port, held by the test: nothing acknowledges yet, and we count what arrives.
    let hold = UdpSocket::bind("127.0.0.1:0").unwrap();
    hold.set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let sink_port = hold.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("router.snmpwalk");
    std::fs::write(&data, ROUTER).unwrap();
    let conf = dir.path().join("snmpd.conf");
    std::fs::write(
        &conf,
        format!("rwcommunity private 127.0.0.1\ninformsink 127.0.0.1:{sink_port} public\n"),
    )
    .unwrap();
    let mut options = Options::default();
    options.inform_timeout = Duration::from_millis(20);
    options.max_pending_informs = 1;
    let agent = LabAgent::new(
        AgentConfig::load(&conf).unwrap(),
        recording::load(&data).unwrap(),
        options,
    )
    .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = rt
        .block_on(Server::bind(agent, &["127.0.0.1:0".parse().unwrap()]))
        .unwrap();
    let target = format!("127.0.0.1:{}", server.local_addrs()[0].port());
    let live = server.agent().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = std::thread::spawn(move || {
        rt.block_on(server.run_until(async {
            let _ = stopped.await;
        }))
    });
    // linkDown of ifIndex 2: one inform, pending; linkDown of ifIndex 1: over the cap of 1.
    for if_index in ["2", "1"] {
        let r = netsnmp(
            "snmpset",
            &[
                "-v2c",
                "-c",
                "private",
                &target,
                &format!(".1.3.6.1.2.1.2.2.1.7.{if_index}"),
                "i",
                "2",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    // More sends than one request's 61 (the first and 60 retries) reach the silent port.
    let mut buf = [0u8; 2048];
    let mut sends = 0;
    let deadline = Instant::now() + Duration::from_secs(30);
    while sends < 70 && Instant::now() < deadline {
        if hold.recv_from(&mut buf).is_ok() {
            sends += 1;
        }
    }
    assert!(sends >= 70, "only {sends} sends of the inform arrived");
    // Now net-snmp's snmptrapd takes the port over and acknowledges the next resend.
    drop(hold);
    let trapd = Snmptrapd::try_start_on("disableAuthorization yes\n", sink_port)
        .expect("snmptrapd on the sink's port");
    let log = trapd.wait_for(".1.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2");
    assert!(log.contains("OID: .1.3.6.1.6.3.1.1.5.3"), "{log}");
    assert!(
        !log.contains(".1.3.6.1.2.1.2.2.1.1.1 = INTEGER: 1"),
        "{log}"
    );
    // The acknowledgement is counted once the agent's client has it.
    let deadline = Instant::now() + Duration::from_secs(10);
    while live.stats().notifications_sent == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = stop.send(());
    let stats = running.join().unwrap();
    assert_eq!(stats.notifications_sent, 1, "{stats:?}");
    assert_eq!(stats.informs_unacknowledged, 0, "{stats:?}");
    assert_eq!(stats.notifications_dropped, 1, "{stats:?}");
    assert_eq!(stats.notifications_failed, 0, "{stats:?}");
}

#[test]
fn a_directory_serves_each_recording_under_its_community_and_context() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("edge.snmprec"),
        "1.3.6.1.2.1.1.5.0|4|edge-1\n1.3.6.1.2.1.2.2.1.6.1|4x|0a1b2c3d4e5f\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("core.snmprec"),
        "1.3.6.1.2.1.1.5.0|4|core-1\n1.3.6.1.2.1.1.3.0|67|100\n",
    )
    .unwrap();
    let config =
        "rocommunity public 127.0.0.1\ncreateUser ops SHA-256 \"ops auth pass\" AES \"ops priv pass\"\n\
                  rouser ops priv\n";
    let a = Agent::start_with_config(
        "udp:127.0.0.1:{PORT}",
        &["--data", dir.path().to_str().unwrap()],
        Some(config),
    );
    let target = a.at("127.0.0.1");
    let name = |community: &str| {
        netsnmp(
            "snmpget",
            &[
                "-v2c",
                "-c",
                community,
                "-Ov",
                "-t",
                "0.5",
                "-r",
                "1",
                &target,
                ".1.3.6.1.2.1.1.5.0",
            ],
        )
        .stdout
        .trim()
        .to_string()
    };
    assert_eq!(name("edge"), "STRING: \"edge-1\"");
    assert_eq!(name("core"), "STRING: \"core-1\"");
    // The recording given as a file serves the configured communities.
    assert_eq!(name("public"), "STRING: \"r1\"");
    let r = netsnmp("snmpwalk", &["-v2c", "-c", "edge", "-On", &target, ".1"]);
    assert_eq!(
        lines(&r.stdout),
        vec![
            ".1.3.6.1.2.1.1.5.0 = STRING: \"edge-1\"",
            ".1.3.6.1.2.1.2.2.1.6.1 = Hex-STRING: 0A 1B 2C 3D 4E 5F ",
            ".1.3.6.1.2.1.2.2.1.6.1 = No more variables left in this MIB View (It is past the end of the MIB tree)",
        ]
    );
    let v3 = |context: &str| {
        let mut args = v3_args("ops", Some("SHA-256"), Some("AES"));
        args.extend(["-n".to_string(), context.to_string(), "-Ov".into()]);
        run_v3("snmpget", &args, &[&target, ".1.3.6.1.2.1.1.5.0"])
    };
    let r = v3("core");
    assert_eq!(r.stdout.trim(), "STRING: \"core-1\"", "{}", r.stderr);
    assert_eq!(v3("").stdout.trim(), "STRING: \"r1\"");
    let r = v3("nowhere");
    assert!(r.stderr.contains("Bad context specified"), "{}", r.stderr);
}
