//! `snmpkit exporter` against Debian's `prometheus-snmp-exporter` (0.21): the same snmp.yml
//! (made by Debian's `prometheus-snmp-generator` from its own `if_mib` entry, kept in
//! tests/fixtures/exporter/if_mib.yml), the same devices (our agent serving the lab recording and
//! synthetic routers written here), both outputs parsed with prometheus_client's parser.
//! Samples, HELP and TYPE lines must be equal; the scrape's own timing and packet counts and
//! sysUpTime's value (a live clock) are compared by name only.

#[path = "../../../tests/common/mod.rs"]
mod common;

use common::{free_tcp_port, repo, snmpkit_bin, SnmpkitAgent};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PEER: &str = "/usr/bin/prometheus-snmp-exporter";

fn fixture() -> String {
    std::fs::read_to_string(repo().join("tests/fixtures/exporter/if_mib.yml")).unwrap()
}

/// An HTTP/1.0 exchange (no chunking from either server): status code and body.
fn http(port: u16, method: &str, path: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.0\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).unwrap();
    let resp = String::from_utf8_lossy(&resp).into_owned();
    let (head, body) = resp.split_once("\r\n\r\n").unwrap_or((&resp, ""));
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, body.to_string())
}

/// A running exporter (ours or the peer), killed on drop.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(mut cmd: Command, port: u16) -> Server {
        let mut child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Ready when the port answers.
        let start = Instant::now();
        loop {
            if let Ok(Some(st)) = child.try_wait() {
                panic!("exporter exited: {st}");
            }
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "exporter not listening"
            );
            std::thread::yield_now();
            std::thread::sleep(Duration::from_millis(20));
        }
        Server { child, port }
    }

    fn ours(config: &Path) -> Server {
        let port = free_tcp_port();
        let mut c = Command::new(snmpkit_bin());
        c.arg("exporter")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--log.level=warn");
        Server::start(c, port)
    }

    fn peer(config: &Path) -> Server {
        assert!(
            Path::new(PEER).exists(),
            "{PEER} missing: apt-get install prometheus-snmp-exporter (.ci/run does)"
        );
        let port = free_tcp_port();
        let mut c = Command::new(PEER);
        c.arg(format!("--config.file={}", config.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--log.level=error");
        Server::start(c, port)
    }

    fn get(&self, path: &str) -> (u16, String) {
        http(self.port, "GET", path)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

/// The samples as prometheus_client parses them, one JSON line each, with the volatile ones
/// reduced to their name and labels.
fn parse(text: &str) -> BTreeSet<String> {
    let mut child = Command::new(python())
        .arg(repo().join("tests/fixtures/prom_parse.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "prometheus_client refused the text: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            let name = v["name"].as_str().unwrap().to_string();
            if name.starts_with("snmp_scrape_") || name == "sysUpTime" {
                v["value"] = serde_json::Value::Null;
                // The split layout labels the scrape's own metrics with the module.
                v["labels"].as_object_mut().unwrap().remove("module");
            }
            v.to_string()
        })
        .collect()
}

fn meta(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with("# "))
        .map(str::to_string)
        .collect()
}

/// Scrapes `path` from both and asserts equal samples and HELP/TYPE lines; returns the count.
fn same(ours: &Server, theirs: &Server, our_path: &str, their_path: &str) -> usize {
    let (c1, t1) = theirs.get(their_path);
    let (c2, t2) = ours.get(our_path);
    assert_eq!(c1, 200, "peer: {t1}");
    assert_eq!(c2, 200, "ours: {t2}");
    assert_eq!(meta(&t2), meta(&t1), "HELP/TYPE lines differ");
    let (s1, s2) = (parse(&t1), parse(&t2));
    let only_theirs: Vec<_> = s1.difference(&s2).take(5).collect();
    let only_ours: Vec<_> = s2.difference(&s1).take(5).collect();
    assert!(
        only_theirs.is_empty() && only_ours.is_empty(),
        "samples differ\nonly snmp_exporter: {only_theirs:#?}\nonly ours: {only_ours:#?}"
    );
    s1.len()
}

/// The fixture's if_mib module under another name with `extra` module settings (legacy layout).
fn variant(name: &str, extra: &str) -> String {
    let body = fixture();
    let start = body.find("if_mib:\n").unwrap() + "if_mib:\n".len();
    format!("{name}:\n{extra}{}", &body[start..])
}

/// The legacy file: if_mib, a v3 variant, and one with a short timeout for dead targets.
fn legacy_file(dir: &Path) -> PathBuf {
    let mut s = fixture();
    s.push_str(&variant(
        "if_mib_v3",
        "  version: 3\n  auth:\n    username: labuser\n    security_level: authPriv\n    password: labauth123\n    auth_protocol: SHA256\n    priv_protocol: AES\n    priv_password: labpriv123\n",
    ));
    s.push_str(&variant(
        "if_mib_md5des",
        "  version: 3\n  auth:\n    username: labmd5\n    security_level: authPriv\n    password: labauth123\n    auth_protocol: MD5\n    priv_protocol: DES\n    priv_password: labpriv123\n",
    ));
    s.push_str(&variant("if_mib_fast", "  timeout: 300ms\n  retries: 0\n"));
    let p = dir.join("snmp.yml");
    std::fs::write(&p, s).unwrap();
    p
}

/// The same modules in today's layout: `auths:` and `modules:`.
fn split_file(dir: &Path) -> PathBuf {
    let body = fixture();
    let modules: String = body
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("  {l}\n"))
        .collect();
    let s = format!(
        "auths:\n  public_v2:\n    community: public\n    version: 2\n  lab_v3:\n    version: 3\n    username: labuser\n    security_level: authPriv\n    password: labauth123\n    auth_protocol: SHA256\n    priv_protocol: AES\n    priv_password: labpriv123\nmodules:\n{modules}"
    );
    let p = dir.join("snmp-split.yml");
    std::fs::write(&p, s).unwrap();
    p
}

/// A synthetic router recording: `n` interfaces with the values that test the rendering: an
/// unknown ifType (no enum name), Counter64 beyond 2^53 (wrapped), empty and missing ifAlias,
/// a label with a backslash and a quote, a gap in the indexes.
fn synthetic(n: usize, dir: &Path) -> PathBuf {
    let mut s = String::new();
    s.push_str(".1.3.6.1.2.1.1.1.0 = STRING: \"synthetic router\"\n");
    s.push_str(".1.3.6.1.2.1.1.3.0 = Timeticks: (123456) 0:20:34.56\n");
    s.push_str(&format!(".1.3.6.1.2.1.2.1.0 = INTEGER: {n}\n"));
    let idx: Vec<usize> = (1..=n)
        .map(|i| if i > n / 2 { i + 1000 } else { i })
        .collect();
    let types = [6u32, 24, 131, 53, 161, 9999];
    let col = |c: u32, f: &dyn Fn(usize, usize) -> String| -> String {
        idx.iter()
            .enumerate()
            .map(|(k, i)| format!(".1.3.6.1.2.1.2.2.1.{c}.{i} = {}\n", f(k, *i)))
            .collect()
    };
    s.push_str(&col(1, &|_, i| format!("INTEGER: {i}")));
    s.push_str(&col(2, &|k, _| match k % 7 {
        3 => format!("STRING: \"Port-channel{k} a\\\\b\""),
        _ => format!("STRING: \"GigabitEthernet1/0/{k}\""),
    }));
    s.push_str(&col(3, &|k, _| {
        format!("INTEGER: {}", types[k % types.len()])
    }));
    s.push_str(&col(4, &|_, _| "INTEGER: 1500".into()));
    s.push_str(&col(5, &|k, _| {
        format!("Gauge32: {}", 1_000_000 * (k as u64 % 4000 + 1))
    }));
    s.push_str(&col(6, &|k, _| {
        format!("Hex-STRING: 02 00 5E {:02X} {:02X} 01", k / 256, k % 256)
    }));
    s.push_str(&col(7, &|k, _| {
        format!("INTEGER: {}", 1 + (k % 3 == 2) as u32)
    }));
    s.push_str(&col(8, &|k, _| format!("INTEGER: {}", 1 + (k % 4) as u32)));
    s.push_str(&col(9, &|k, _| {
        format!("Timeticks: ({}) 0:00:00.00", k * 100)
    }));
    for c in [10u32, 11, 13, 14, 16, 17, 19, 20] {
        s.push_str(&col(c, &|k, _| {
            format!(
                "Counter32: {}",
                (k as u64 * 7919 * c as u64) % 4_294_967_296
            )
        }));
    }
    // ifXTable: every interface but the last has an entry (the last gets empty lookups).
    let x = |c: u32, f: &dyn Fn(usize, usize) -> String| -> String {
        idx.iter()
            .enumerate()
            .take(n.saturating_sub(1))
            .map(|(k, i)| format!(".1.3.6.1.2.1.31.1.1.1.{c}.{i} = {}\n", f(k, *i)))
            .collect()
    };
    s.push_str(&x(1, &|k, _| format!("STRING: \"Gi1/0/{k}\"")));
    for c in [2u32, 3, 4, 5] {
        s.push_str(&x(c, &|k, _| {
            format!("Counter32: {}", k as u64 * 31 + c as u64)
        }));
    }
    for c in 6u32..=13 {
        s.push_str(&x(c, &|k, _| {
            let big = if k % 5 == 0 {
                9_007_199_254_740_992u64 + 12345
            } else {
                0
            };
            format!("Counter64: {}", big + k as u64 * 1_000_003 * c as u64)
        }));
    }
    s.push_str(&x(14, &|k, _| format!("INTEGER: {}", 1 + (k % 2) as u32)));
    s.push_str(&x(15, &|k, _| format!("Gauge32: {}", (k % 100) * 10)));
    s.push_str(&x(16, &|_, _| "INTEGER: 2".into()));
    s.push_str(&x(17, &|_, _| "INTEGER: 1".into()));
    s.push_str(&x(18, &|k, _| match k % 3 {
        0 => "\"\"".into(),
        1 => format!("STRING: \"uplink \\\"{k}\\\" core\""),
        _ => format!("STRING: \"server {k}\""),
    }));
    s.push_str(&x(19, &|_, _| "Timeticks: (0) 0:00:00.00".into()));
    let p = dir.join(format!("synthetic{n}.snmpwalk"));
    std::fs::write(&p, s).unwrap();
    p
}

fn agent_for(recording: &Path) -> SnmpkitAgent {
    let conf = repo().join("lab/agent.conf");
    SnmpkitAgent::start(&[
        "--config",
        conf.to_str().unwrap(),
        "--data",
        recording.to_str().unwrap(),
    ])
}

#[test]
fn same_samples_as_snmp_exporter_on_recorded_and_synthetic_devices() {
    let dir = tempfile::tempdir().unwrap();
    let legacy = legacy_file(dir.path());
    let split = split_file(dir.path());
    let peer = Server::peer(&legacy);
    let ours = Server::ours(&legacy);
    let ours_split = Server::ours(&split);
    let devices = [
        repo().join("lab/router.snmpwalk"),
        synthetic(60, dir.path()),
        synthetic(200, dir.path()),
    ];
    for dev in &devices {
        let agent = agent_for(dev);
        let t = agent.v4();
        let p = format!("/snmp?target={t}&module=if_mib");
        // Twice: the second scrape uses the cached lookup columns and the adaptive plan.
        for _ in 0..2 {
            let n = same(&ours, &peer, &p, &p);
            assert!(n > 100, "{}: only {n} samples", dev.display());
            // Today's layout, default auth public_v2.
            same(&ours_split, &peer, &p, &p);
        }
        // SNMPv3: SHA-256/AES and MD5/DES users, both layouts.
        same(
            &ours,
            &peer,
            &format!("/snmp?target={t}&module=if_mib_v3"),
            &format!("/snmp?target={t}&module=if_mib_v3"),
        );
        same(
            &ours,
            &peer,
            &format!("/snmp?target={t}&module=if_mib_md5des"),
            &format!("/snmp?target={t}&module=if_mib_md5des"),
        );
        same(
            &ours_split,
            &peer,
            &format!("/snmp?target=udp://{t}&module=if_mib&auth=lab_v3"),
            &format!("/snmp?target={t}&module=if_mib_v3"),
        );
        // Lookups and EnumAsInfo are in these samples: check they are there at all.
        let (_, body) = ours.get(&p);
        assert!(body.contains("ifType_info{"), "EnumAsInfo missing");
        assert!(body.contains("ifName=\""), "lookup labels missing");
        if dev.to_str().unwrap().contains("synthetic") {
            // The synthetic values reached the output: an ifType without a name, an empty
            // lookup (the interface without an ifXTable entry), escaped characters.
            for want in [
                r#"ifType="9999""#,
                r#"ifAlias="""#,
                r#"a\\b"#,
                r#"uplink \"1\" core"#,
            ] {
                assert!(body.contains(want), "{want} missing from {}", dev.display());
            }
        }
    }
}

#[test]
fn errors_match_snmp_exporter_and_the_exporter_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let legacy = legacy_file(dir.path());
    let split = split_file(dir.path());
    let peer = Server::peer(&legacy);
    let ours = Server::ours(&legacy);
    let ours_split = Server::ours(&split);
    // A target that never answers: a bound socket nobody reads.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let dead = silent.local_addr().unwrap().to_string();
    for (path, code, msg) in [
        (
            "/snmp?module=if_mib".to_string(),
            400,
            "'target' parameter must be specified once",
        ),
        (
            "/snmp?target=a&target=b".into(),
            400,
            "'target' parameter must be specified once",
        ),
        (
            "/snmp?target=127.0.0.1&module=nope".into(),
            400,
            "Unknown module 'nope'",
        ),
        (
            "/snmp?target=x&module=a&module=b".into(),
            400,
            "'module' parameter must only be specified once",
        ),
        (
            format!("/snmp?target={dead}&module=if_mib_fast"),
            500,
            "An error has occurred while serving metrics:",
        ),
    ] {
        let (c1, b1) = peer.get(&path);
        let (c2, b2) = ours.get(&path);
        assert_eq!((c1, c2), (code, code), "{path}: {b1} / {b2}");
        assert!(b1.starts_with(msg), "peer {path}: {b1}");
        assert!(b2.starts_with(msg), "ours {path}: {b2}");
        if code == 500 {
            assert!(b2.contains(&dead) || b2.contains("127.0.0.1"), "{b2}");
        }
    }
    let (c, b) = http(ours.port, "GET", "/-/reload");
    assert_eq!((c, b.as_str()), (400, "POST method expected\n"));
    // Today's layout: unknown auth.
    let (c, b) = ours_split.get("/snmp?target=127.0.0.1&module=if_mib&auth=nope");
    assert_eq!((c, b.as_str()), (400, "Unknown auth 'nope'\n"));
    // Still serving: a live scrape and the help page.
    let agent = SnmpkitAgent::lab();
    let (c, body) = ours.get(&format!("/snmp?target={}&module=if_mib", agent.v4()));
    assert_eq!(c, 200, "{body}");
    let (c, body) = ours.get("/");
    assert!(c == 200 && body.contains("/snmp"), "{body}");
    let (c, body) = ours.get("/metrics");
    assert_eq!(c, 200);
    assert!(body.contains("snmp_request_errors_total 4"), "{body}");
}

#[test]
fn reload_by_post_and_by_sighup() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("snmp.yml");
    std::fs::write(&conf, fixture()).unwrap();
    let ours = Server::ours(&conf);
    let agent = SnmpkitAgent::lab();
    let t = agent.v4();
    let (c, _) = ours.get(&format!("/snmp?target={t}&module=second"));
    assert_eq!(c, 400);
    std::fs::write(&conf, format!("{}{}", fixture(), variant("second", ""))).unwrap();
    let (c, b) = http(ours.port, "POST", "/-/reload");
    assert_eq!(c, 200, "{b}");
    let (c, b) = ours.get(&format!("/snmp?target={t}&module=second"));
    assert_eq!(c, 200, "{b}");
    // A broken file: reload fails with 500 and the old configuration stays.
    std::fs::write(&conf, "second:\n  walk: [1.3.6.1.2.1.2]\n  bogus: 1\n").unwrap();
    let (c, b) = http(ours.port, "POST", "/-/reload");
    assert_eq!(c, 500, "{b}");
    assert!(
        b.starts_with("failed to reload config: ") && b.contains("bogus"),
        "{b}"
    );
    assert_eq!(ours.get(&format!("/snmp?target={t}&module=second")).0, 200);
    // SIGHUP: a third module appears; wait for it by polling the endpoint (bounded).
    std::fs::write(&conf, format!("{}{}", fixture(), variant("third", ""))).unwrap();
    let st = Command::new("kill")
        .args(["-HUP", &ours.child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let start = Instant::now();
    loop {
        let (c, _) = ours.get(&format!("/snmp?target={t}&module=third"));
        if c == 200 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "SIGHUP did not reload"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(ours.get(&format!("/snmp?target={t}&module=second")).0, 400);
}

/// The committed fixture is what Debian's generator makes from tests/fixtures/exporter/
/// generator.yml, where the reference MIBs are at hand to run it.
#[test]
fn fixture_is_what_debians_generator_makes() {
    let Some(mibs) = common::reference_mib_path() else {
        return;
    };
    let gen = "/usr/bin/prometheus-snmp-generator";
    assert!(
        Path::new(gen).exists(),
        "{gen} missing: apt-get install prometheus-snmp-exporter"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/exporter/generator.yml"),
        dir.path().join("generator.yml"),
    )
    .unwrap();
    let reference = mibs.split(':').next().unwrap().to_string();
    let out = Command::new(gen)
        .arg("generate")
        .current_dir(dir.path())
        .env("MIBDIRS", reference)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let made = std::fs::read_to_string(dir.path().join("snmp.yml")).unwrap();
    assert_eq!(made, fixture());
}

/// Runs `snmpkit exporter generate ARGS generator.yml` and returns (snmp.yml, stderr).
fn generate(args: &[&str], dir: &Path) -> (String, String) {
    let gen = dir.join("generator.yml");
    std::fs::copy(repo().join("tests/fixtures/exporter/generator.yml"), &gen).unwrap();
    let out = Command::new(snmpkit_bin())
        .args(["exporter", "generate"])
        .args(args)
        .arg(&gen)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "generate failed: {err}");
    (String::from_utf8(out.stdout).unwrap(), err)
}

/// `exporter generate` makes, without net-snmp, an snmp.yml that Debian's snmp_exporter loads and
/// whose scrapes equal the scrapes of Debian's generator's file: exactly (HELP too) when both
/// read the same reference MIBs, and in every sample with our built-in MIBs (whose compact
/// descriptions make other HELP texts). A broken MIB beside them is reported with its file and
/// line, and the generation goes on.
#[test]
fn generate_makes_what_debians_generator_makes() {
    let dir = tempfile::tempdir().unwrap();
    let agent = SnmpkitAgent::lab();
    let p = format!("/snmp?target={}&module=if_mib", agent.v4());
    let fixture_path = repo().join("tests/fixtures/exporter/if_mib.yml");
    let peer_fixture = Server::peer(&fixture_path);

    // Built-in MIBs plus a broken one.
    let bad = dir.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    std::fs::write(
        bad.join("BROKEN-MIB.txt"),
        "BROKEN-MIB DEFINITIONS ::= BEGIN\nIMPORTS enterprises FROM SNMPv2-SMI;\nfoo OBJECT-TYPE\n  SYNTAX Integer32\n  MAX-ACCESS read-only\n  STATUS current\n  DESCRIPTION \"x\"\n  ::= { enterprises 99999 1 \nbar OBJECT IDENTIFIER ::= { foo 2 }\nEND\n",
    )
    .unwrap();
    let (yml, err) = generate(&["-M", bad.to_str().unwrap()], dir.path());
    assert!(
        err.contains("BROKEN-MIB.txt:9:"),
        "MIB problem not reported with file:line: {err}"
    );
    let ours_file = dir.path().join("ours-builtin.yml");
    std::fs::write(&ours_file, &yml).unwrap();
    // Debian's exporter loads our file, and scrapes through it equal ours through it.
    let peer_ours = Server::peer(&ours_file);
    let ours = Server::ours(&ours_file);
    assert!(same(&ours, &peer_ours, &p, &p) > 100);
    // Every sample equals the one made through Debian's generator's file.
    let (_, a) = peer_ours.get(&p);
    let (_, b) = peer_fixture.get(&p);
    assert_eq!(
        parse(&a),
        parse(&b),
        "samples differ from the generator's file"
    );

    // With the reference MIBs, the files are the same to the exporter: HELP lines too.
    if let Some(mibs) = common::reference_mib_path() {
        let reference = mibs.split(':').next().unwrap().to_string();
        let (yml, _) = generate(&["-M", &reference], dir.path());
        let f = dir.path().join("ours-reference.yml");
        std::fs::write(&f, &yml).unwrap();
        let peer_ours = Server::peer(&f);
        same(&peer_ours, &peer_fixture, &p, &p);
    }
}
