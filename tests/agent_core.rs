//! `snmpkit agent` against net-snmp's tools: Get/GetNext/walks for v1 and v2c exactly as
//! snmpd answers them, Set with its refusals, many devices on a wildcard address, and
//! malformed datagrams.

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
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("router.snmpwalk");
        std::fs::write(&data, ROUTER).unwrap();
        let port = free_udp_port();
        let mut child = Command::new(snmpkit_bin())
            .arg("agent")
            .arg("--data")
            .arg(&data)
            .args(args)
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
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(l) if l.contains(needle) => return l,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!("the agent never printed {needle:?}");
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
