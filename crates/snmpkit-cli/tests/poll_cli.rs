//! `snmpkit poll` end to end: a fleet of loopback devices served by a responder written apart
//! from our codec (tests/fixtures/fleet_agent.py), dead targets, counter rates across a
//! Counter32 wrap and an agent restart, Prometheus output parsed by prometheus_client, InfluxDB
//! lines checked against the line-protocol grammar, v3 targets against net-snmp's snmpd, and
//! bad targets files.

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;
use serde_json::Value as J;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// A fleet of fixture devices on consecutive loopback addresses, one port.
struct Fleet {
    child: Child,
    port: u16,
    addrs: Vec<String>,
    _dir: tempfile::TempDir,
}

impl Drop for Fleet {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Fleet {
    /// Starts `count` devices from `first` (e.g. 127.0.1.1) on a free port.
    fn start(first: &str, count: usize) -> Fleet {
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let ready = dir.path().join("ready");
            let port = free_udp_port();
            let child = Command::new("python3")
                .arg(repo().join("tests/fixtures/fleet_agent.py"))
                .arg(&ready)
                .arg(port.to_string())
                .arg(first)
                .arg(count.to_string())
                .stdin(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("python3 runs the fleet fixture");
            let mut f = Fleet {
                child,
                port,
                addrs: Vec::new(),
                _dir: dir,
            };
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(20) {
                if let Ok(Some(_)) = f.child.try_wait() {
                    break; // a port clash: try another
                }
                if let Ok(text) = std::fs::read_to_string(&ready) {
                    f.addrs = text.lines().map(|a| format!("{a}:{port}")).collect();
                    return f;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        panic!("the fleet fixture did not start");
    }

    fn restart_devices(&self) {
        let ok = Command::new("kill")
            .args(["-USR1", &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "signal the fixture");
    }
}

fn poll_cmd(args: &[&str]) -> Command {
    let mut c = Command::new(snmpkit_bin());
    c.arg("poll")
        .args(args)
        .env("SNMPCONFPATH", clean_env_dir())
        .env("HOME", clean_env_dir())
        .env_remove("MIBS")
        .env_remove("MIBDIRS")
        .stdin(Stdio::null());
    c
}

fn write_targets(dir: &std::path::Path, lines: &[String]) -> String {
    let path = dir.join("targets.txt");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path.display().to_string()
}

fn records(stdout: &str) -> Vec<J> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn varbinds(r: &J) -> &Vec<J> {
    r["varbinds"].as_array().expect("varbinds array")
}

#[test]
fn fleet_of_live_and_dead_targets_gives_every_record() {
    let fleet = Fleet::start("127.0.1.1", 60);
    let dir = tempfile::tempdir().unwrap();
    // 60 live devices, then 50 addresses where nothing listens.
    let mut lines: Vec<String> = vec!["# the fleet".into()];
    lines.extend(fleet.addrs.iter().cloned());
    let dead: Vec<String> = (1..=50)
        .map(|i| format!("127.0.9.{i}:{}", fleet.port))
        .collect();
    lines.extend(dead.iter().cloned());
    let file = write_targets(dir.path(), &lines);
    let out = poll_cmd(&[
        "-v2c",
        "-c",
        "public",
        "-t",
        "0.5",
        "-r",
        "1",
        "--count",
        "1",
        "--json",
        "--targets",
        &file,
        "sysUpTime.0",
        "ifTable",
    ])
    .output()
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&stdout);
    assert_eq!(recs.len(), 110, "one record per target");
    let mut live = 0;
    for r in &recs {
        let target = r["target"].as_str().unwrap();
        assert!(r["time"].as_str().unwrap().ends_with('Z'));
        assert!(r["duration_ms"].as_f64().is_some());
        if dead.iter().any(|d| d == target) {
            assert_eq!(
                r["error"].as_str(),
                Some(format!("Timeout: No Response from {target}").as_str())
            );
            assert!(varbinds(r).is_empty());
        } else {
            live += 1;
            assert!(r["error"].is_null(), "{r}");
            let vbs = varbinds(r);
            // sysUpTime.0, then 7 columns x 2 interfaces.
            assert_eq!(vbs.len(), 15, "{r}");
            assert_eq!(vbs[0]["oid"], ".1.3.6.1.2.1.1.3.0");
            assert_eq!(vbs[0]["type"], "Timeticks");
            assert!(vbs.iter().any(|v| v["name"] == "IF-MIB::ifInOctets.2"
                && v["type"] == "Counter32"
                && v["oid"] == ".1.3.6.1.2.1.2.2.1.10.2"));
            // The first cycle has no rates.
            assert!(vbs.iter().all(|v| v.get("rate").is_none()));
        }
    }
    assert_eq!(live, 60);
}

/// Reads JSON records from a running poll as they are printed.
struct Lines(BufReader<ChildStdout>);

impl Lines {
    fn next_record(&mut self) -> J {
        let mut line = String::new();
        let n = self.0.read_line(&mut line).unwrap();
        assert!(n > 0, "poll ended early");
        serde_json::from_str(&line).unwrap()
    }
}

fn counter(r: &J, name: &str) -> (u64, Option<f64>) {
    let v = varbinds(r)
        .iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("{name} missing in {r}"));
    // Counter64 values are decimal strings in JSON, Counter32 values numbers.
    let value = match &v["value"] {
        J::String(s) => s.parse().unwrap(),
        n => n.as_u64().unwrap(),
    };
    (value, v["rate"].as_f64())
}

#[test]
fn rates_are_right_across_a_counter32_wrap_and_absent_after_a_restart() {
    // ifInOctets advances 1e9/s from 2^32 - 1.5e9 (a wrap 1.5 s in); ifHCInOctets 4e9/s.
    // Cycles 2 s apart: the rate's error is the jitter between when the agent read its clock
    // and when the poller stamped the response, over the interval. 2% of 2 s leaves 40 ms of
    // scheduling jitter on a loaded machine; at 1 s apart, 20 ms was once exceeded.
    let fleet = Fleet::start("127.0.2.1", 1);
    let mut child = poll_cmd(&[
        "-v2c",
        "-c",
        "public",
        "--interval",
        "2",
        "--count",
        "5",
        "--json",
        &fleet.addrs[0],
        "sysUpTime.0",
        "ifInOctets",
        "ifHCInOctets",
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut lines = Lines(BufReader::new(child.stdout.take().unwrap()));
    let mut recs = Vec::new();
    for cycle in 1..=5 {
        let r = lines.next_record();
        assert!(r["error"].is_null(), "{r}");
        recs.push(r);
        if cycle == 3 {
            fleet.restart_devices();
        }
    }
    let status = child.wait().unwrap();
    assert!(status.success());
    let mut wrapped = false;
    for (i, r) in recs.iter().enumerate() {
        let (v32, r32) = counter(r, "IF-MIB::ifInOctets.1");
        let (_, r64) = counter(r, "IF-MIB::ifHCInOctets.1");
        match i {
            // First cycle: nothing to compare with. Fourth: the agent restarted.
            0 | 3 => assert!(r32.is_none() && r64.is_none(), "cycle {}: {r}", i + 1),
            _ => {
                let (r32, r64) = (r32.expect("a rate"), r64.expect("a rate"));
                assert!((r32 / 1e9 - 1.0).abs() < 0.02, "Counter32 rate {r32}");
                assert!((r64 / 4e9 - 1.0).abs() < 0.02, "Counter64 rate {r64}");
                if i < 3 {
                    let (prev, _) = counter(&recs[i - 1], "IF-MIB::ifInOctets.1");
                    wrapped |= v32 < prev;
                }
            }
        }
    }
    assert!(wrapped, "the Counter32 wrapped during the run");
    // sysUpTime is not a counter: it never has a rate.
    assert!(recs
        .iter()
        .all(|r| varbinds(r)[0].get("rate").is_none() && varbinds(r)[0]["type"] == "Timeticks"));
}

fn http_get(port: u16, path: &str) -> (String, String) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let (head, body) = resp.split_once("\r\n\r\n").unwrap_or((&resp, ""));
    (head.to_string(), body.to_string())
}

fn free_tcp_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn python_with_prometheus() -> &'static str {
    if std::path::Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

#[test]
fn prometheus_metrics_parse_with_prometheus_client() {
    let fleet = Fleet::start("127.0.3.1", 3);
    let dead = format!("127.0.9.77:{}", fleet.port);
    let port = free_tcp_port();
    let addr = format!("127.0.0.1:{port}");
    let mut args = vec![
        "-v2c",
        "-c",
        "public",
        "-t",
        "0.3",
        "-r",
        "0",
        "--interval",
        "0.5",
        "--prometheus",
        &addr,
    ];
    for a in &fleet.addrs {
        args.push(a);
    }
    args.extend([
        dead.as_str(),
        "sysUpTime.0",
        "sysName.0",
        "ifTable",
        "ifXTable",
    ]);
    let mut child = poll_cmd(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Ready when /metrics answers 200 (503 until a cycle has completed).
    let start = Instant::now();
    let body = loop {
        assert!(start.elapsed() < Duration::from_secs(20), "no metrics");
        if let Ok(Some(st)) = child.try_wait() {
            panic!("poll exited: {st}");
        }
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            let (head, body) = http_get(port, "/metrics");
            if head.starts_with("HTTP/1.1 200") {
                assert!(head.contains("text/plain; version=0.0.4"), "{head}");
                break body;
            }
            assert!(head.starts_with("HTTP/1.1 503"), "{head}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (head, _) = http_get(port, "/other");
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");
    // SIGTERM: the current cycle finishes and the poll exits 0.
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    assert!(status.success(), "exit after SIGTERM: {status}");

    let mut py = Command::new(python_with_prometheus())
        .arg(repo().join("tests/fixtures/prom_parse.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 with prometheus_client (Debian: python3-prometheus-client)");
    py.stdin.take().unwrap().write_all(body.as_bytes()).unwrap();
    let out = py.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "prometheus_client refused the exposition: {}\n{body}",
        String::from_utf8_lossy(&out.stderr)
    );
    let samples: Vec<J> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let find = |name: &str, target: &str, extra: &[(&str, &str)]| -> &J {
        samples
            .iter()
            .find(|s| {
                // prometheus_client names a counter's sample NAME_total; the family is NAME.
                s["family"] == name
                    && s["labels"]["target"] == target
                    && extra.iter().all(|(k, v)| s["labels"][*k] == *v)
            })
            .unwrap_or_else(|| panic!("no {name} for {target} {extra:?} in\n{body}"))
    };
    for t in &fleet.addrs {
        // Interface metrics carry snmp_exporter's if_mib lookups: ifDescr and ifName from the
        // agent, ifAlias empty (the agent has none).
        let s = find(
            "ifInOctets",
            t,
            &[
                ("ifIndex", "2"),
                ("ifDescr", "eth1"),
                ("ifName", "eth1"),
                ("ifAlias", ""),
            ],
        );
        assert_eq!(s["type"], "counter");
        assert_eq!(s["labels"].as_object().unwrap().len(), 5, "{s}");
        assert!(body.contains("# HELP ifInOctets "), "{body}");
        assert!(
            body.lines()
                .any(|l| l.starts_with("# HELP ifInOctets ")
                    && l.ends_with(" - 1.3.6.1.2.1.2.2.1.10")),
            "HELP names the column: {body}"
        );
        assert_eq!(
            find("ifHCInOctets", t, &[("ifIndex", "1")])["type"],
            "counter"
        );
        let up = find("sysUpTime", t, &[]);
        assert_eq!(up["type"], "gauge");
        assert_eq!(up["labels"].as_object().unwrap().len(), 1);
        assert_eq!(find("ifOperStatus", t, &[("ifIndex", "2")])["value"], 2.0);
        assert_eq!(find("ifSpeed", t, &[("ifIndex", "1")])["type"], "gauge");
        // Strings become a gauge of 1 with the value as a label, as in snmp_exporter.
        assert_eq!(
            find("ifDescr", t, &[("ifIndex", "1"), ("ifDescr", "eth0")])["value"],
            1.0
        );
        assert_eq!(find("snmp_up", t, &[])["value"], 1.0);
        assert_eq!(
            find("snmp_scrape_duration_seconds", t, &[])["type"],
            "gauge"
        );
    }
    assert_eq!(find("snmp_up", &dead, &[])["value"], 0.0);
    assert!(!samples
        .iter()
        .any(|s| s["labels"]["target"] == dead.as_str() && s["family"] == "sysUpTime"));
}

/// A strict checker of one InfluxDB line-protocol line: measurement, tags, fields, timestamp.
/// Returns (measurement, tags, fields) unescaped.
type Parsed = (String, Vec<(String, String)>, Vec<(String, String)>, u64);

fn influx_parse(line: &str) -> Result<Parsed, String> {
    let b: Vec<char> = line.chars().collect();
    let mut i = 0;
    // An unescaped token up to one of `stops`; `\` escapes the next character.
    let token = |i: &mut usize, stops: &[char]| -> Result<String, String> {
        let mut s = String::new();
        while *i < b.len() && !stops.contains(&b[*i]) {
            if b[*i] == '\\' {
                *i += 1;
                let c = *b.get(*i).ok_or("dangling backslash")?;
                s.push(c);
            } else if b[*i] == '\n' {
                return Err("newline inside a line".into());
            } else {
                s.push(b[*i]);
            }
            *i += 1;
        }
        Ok(s)
    };
    let m = token(&mut i, &[',', ' '])?;
    if m.is_empty() || m.starts_with('_') {
        return Err("bad measurement".into());
    }
    let mut tags = Vec::new();
    while i < b.len() && b[i] == ',' {
        i += 1;
        let k = token(&mut i, &['=', ',', ' '])?;
        if b.get(i) != Some(&'=') || k.is_empty() {
            return Err(format!("tag without '=' at {i}"));
        }
        i += 1;
        let v = token(&mut i, &[',', ' ', '='])?;
        if v.is_empty() {
            return Err("empty tag value".into());
        }
        tags.push((k, v));
    }
    if b.get(i) != Some(&' ') {
        return Err(format!("expected a space before the fields at {i}"));
    }
    i += 1;
    let mut fields = Vec::new();
    loop {
        let k = token(&mut i, &['=', ',', ' '])?;
        if b.get(i) != Some(&'=') || k.is_empty() {
            return Err(format!("field without '=' at {i}"));
        }
        i += 1;
        let v = if b.get(i) == Some(&'"') {
            i += 1;
            let mut s = String::new();
            loop {
                match b.get(i) {
                    None => return Err("unterminated string field".into()),
                    Some('"') => break,
                    Some('\\') if matches!(b.get(i + 1), Some('"') | Some('\\')) => {
                        s.push(b[i + 1]);
                        i += 2;
                    }
                    Some(c) => {
                        s.push(*c);
                        i += 1;
                    }
                }
            }
            i += 1;
            format!("\"{s}\"")
        } else {
            let raw: String = b[i..]
                .iter()
                .take_while(|c| **c != ',' && **c != ' ')
                .collect();
            i += raw.len();
            let ok = if let Some(n) = raw.strip_suffix('i') {
                n.parse::<i64>().is_ok()
            } else if let Some(n) = raw.strip_suffix('u') {
                n.parse::<u64>().is_ok()
            } else {
                matches!(
                    raw.as_str(),
                    "t" | "T" | "true" | "True" | "TRUE" | "f" | "F" | "false" | "False" | "FALSE"
                ) || (raw.parse::<f64>().is_ok_and(f64::is_finite)
                    && raw
                        .chars()
                        .all(|c| c.is_ascii_digit() || "+-.eE".contains(c)))
            };
            if !ok {
                return Err(format!("bad field value {raw:?}"));
            }
            raw
        };
        fields.push((k, v));
        match b.get(i) {
            Some(',') => i += 1,
            Some(' ') => break,
            None => return Err("no timestamp".into()),
            Some(c) => return Err(format!("unexpected {c:?} after a field")),
        }
    }
    i += 1;
    let ts: String = b[i..].iter().collect();
    let ts: u64 = ts.parse().map_err(|_| format!("bad timestamp {ts:?}"))?;
    Ok((m, tags, fields, ts))
}

#[test]
fn influx_checker_is_strict() {
    assert!(influx_parse("m,t=a f=1i 1").is_ok());
    assert!(influx_parse("m\\ x,t=a\\,b f=\"q\\\"\" 1").is_ok());
    for bad in [
        "m f=1i",
        "m,t= f=1 1",
        "m f=1x 1",
        "m f=\"open 1",
        "m,t=a  f=1 1",
        "m 1",
    ] {
        assert!(influx_parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn influx_lines_follow_the_line_protocol() {
    let fleet = Fleet::start("127.0.4.1", 2);
    let out = poll_cmd(&[
        "-v2c",
        "-c",
        "public",
        "--interval",
        "0.3",
        "--count",
        "2",
        "--influx",
        &fleet.addrs[0],
        &fleet.addrs[1],
        "sysUpTime.0",
        "sysName.0",
        "ifTable",
        "ifXTable",
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parsed = Vec::new();
    for line in text.lines() {
        parsed.push(influx_parse(line).unwrap_or_else(|e| panic!("{e}: {line}")));
    }
    // Per target per cycle: system, 2 ifTable rows, 2 ifXTable rows.
    assert_eq!(parsed.len(), 2 * 2 * 5, "{text}");
    let now_ns = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    for (m, tags, fields, ts) in &parsed {
        assert!(
            *ts > now_ns - 600_000_000_000 && *ts <= now_ns,
            "ns timestamp {ts}"
        );
        assert_eq!(tags[0].0, "target");
        assert!(fleet.addrs.contains(&tags[0].1));
        let f = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        match m.as_str() {
            "system" => {
                assert_eq!(tags.len(), 1);
                assert!(f("sysUpTime").unwrap().ends_with('i'));
                assert!(f("sysName").unwrap().starts_with("\"dev-"));
            }
            "ifTable" | "ifXTable" => {
                // ifDescr and ifName are tags (Telegraf's is_tag), not fields.
                assert_eq!(tags.len(), 4, "{tags:?}");
                assert_eq!(tags[1].0, "ifIndex");
                let eth = format!("eth{}", tags[1].1.parse::<u32>().unwrap() - 1);
                assert_eq!(tags[2], ("ifDescr".to_string(), eth.clone()));
                assert_eq!(tags[3], ("ifName".to_string(), eth));
                assert_eq!(f("ifDescr"), None);
                assert_eq!(f("ifName"), None);
                if m == "ifTable" {
                    assert!(f("ifInOctets").unwrap().ends_with('i'));
                    assert_eq!(f("ifOperStatus").map(|v| v.ends_with('i')), Some(true));
                }
            }
            other => panic!("unexpected measurement {other}"),
        }
    }
    // The second cycle carries rates as float fields.
    assert!(parsed.iter().any(|(m, _, fields, _)| m == "ifTable"
        && fields
            .iter()
            .any(|(k, v)| k == "ifInOctets_rate" && v.parse::<f64>().is_ok())));
}

const AUTH_PASS: &str = "authpass123";
const PRIV_PASS: &str = "privpass456";

#[test]
fn v3_targets_from_a_targets_file() {
    let d = Snmpd::start(&format!(
        "createUser pollsha SHA {AUTH_PASS} AES {PRIV_PASS}\nrouser pollsha priv\n\
         createUser pollmd5 MD5 {AUTH_PASS}\nrouser pollmd5 auth\n"
    ));
    let dir = tempfile::tempdir().unwrap();
    let v4 = d.v4();
    let v6 = format!("[::1]:{}", d.port);
    let poll = |lines: &[String]| {
        let file = write_targets(dir.path(), lines);
        let out = poll_cmd(&[
            "-v2c",
            "-c",
            "public",
            "--count",
            "1",
            "--json",
            "--targets",
            &file,
            "sysUpTime.0",
            "sysContact.0",
        ])
        .output()
        .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        let mut recs = records(&String::from_utf8_lossy(&out.stdout));
        recs.sort_by_key(|r| r["target"].as_str().unwrap().to_string());
        recs
    };
    // Each line its own user and protocols; quoting as in a shell.
    let recs = poll(&[
        format!("{v4} -v3 -u pollsha -l authPriv -a SHA -A {AUTH_PASS} -x AES -X '{PRIV_PASS}'"),
        format!("udp6:{v6} -v3 -u pollmd5 -l authNoPriv -a MD5 -A \"{AUTH_PASS}\""),
    ]);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["target"], v4);
    assert_eq!(recs[1]["target"], v6);
    for r in &recs {
        assert!(r["error"].is_null(), "{r}");
        let vbs = varbinds(r);
        assert_eq!(vbs.len(), 2);
        assert_eq!(vbs[1]["name"], "SNMPv2-MIB::sysContact.0");
        assert_eq!(vbs[1]["value"], "lab-admin@example.net");
    }
    // A wrong password is that target's error, in net-snmp's words; a line without options
    // takes the command line's (v2c).
    let recs = poll(&[
        format!("{v4} -v3 -u pollsha -l authPriv -a SHA -A wrongpass1 -x AES -X {PRIV_PASS}"),
        format!("udp6:{v6}   # the command line's v2c"),
    ]);
    assert_eq!(recs.len(), 2);
    let err = recs[0]["error"].as_str().expect("an error");
    assert!(err.contains("Authentication failure"), "{err}");
    assert!(recs[1]["error"].is_null(), "{}", recs[1]);
    assert_eq!(varbinds(&recs[1]).len(), 2);
}

#[test]
fn bad_targets_files_name_the_line_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, usize, &str)] = &[
        ("127.0.0.1\n127.0.0.1:99999\n", 2, "Invalid agent address"),
        ("# c\n\n127.0.0.1 -q\n", 3, "-q"),
        (
            "127.0.0.1 -v3 -u ops -l superPriv\n",
            1,
            "Invalid security level",
        ),
        (
            "127.0.0.1 -v3 -u ops -l authNoPriv -a SHA -A short\n",
            1,
            "passphrase",
        ),
        ("127.0.0.1 -c\n", 1, "-c"),
        ("127.0.0.1 -c 'unterminated\n", 1, "unterminated"),
        ("127.0.0.1 127.0.0.2\n", 1, "one target per line"),
        ("127.0.0.1 -Onf\n", 1, "command line"),
        ("127.0.0.1:1161\n127.0.0.1:1161\n", 2, "listed twice"),
        ("-v2c 127.0.0.1\n", 1, "expected HOST"),
    ];
    for (i, (text, line, what)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("t{i}.txt"));
        std::fs::write(&path, text).unwrap();
        let p = path.display().to_string();
        let out = poll_cmd(&[
            "-v2c",
            "-c",
            "public",
            "--count",
            "1",
            "--targets",
            &p,
            "sysUpTime.0",
        ])
        .output()
        .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{text:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(out.stdout.is_empty(), "{text:?}: the poll must not start");
        let prefix = format!("{p}:{line}: ");
        assert!(
            stderr.starts_with(&prefix) && stderr.contains(what),
            "{text:?}: want {prefix}...{what}, got {stderr}"
        );
    }
    // A missing file and binary junk are errors too, never panics.
    let out = poll_cmd(&["--targets", "/nonexistent/targets", "sysUpTime.0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let junk = dir.path().join("junk");
    std::fs::write(&junk, [0u8, 159, 146, 150, b'\n', b'"']).unwrap();
    let out = poll_cmd(&["--targets", &junk.display().to_string(), "sysUpTime.0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(":1: "));
}

/// The fleet against `snmpkit agent` in wildcard mode: 100 devices from one process, one
/// per 127.5.0.x address, each polled once with the lab recording's ifTable.
#[test]
fn fleet_against_the_agent_wildcard_mode() {
    let port = free_udp_port();
    let mut agent = Command::new(snmpkit_bin())
        .args(["agent", "--data"])
        .arg(repo().join("lab/router.snmpwalk"))
        .arg(format!("udp:0.0.0.0:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    struct Kill(Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut err = BufReader::new(agent.stderr.take().unwrap());
    let agent = Kill(agent);
    let mut line = String::new();
    while !line.contains("listening") {
        line.clear();
        assert!(
            err.read_line(&mut line).unwrap() > 0,
            "the agent did not start"
        );
    }
    // Keep draining its stderr so it never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (1..=100).map(|i| format!("127.5.0.{i}:{port}")).collect();
    let file = write_targets(dir.path(), &lines);
    let out = poll_cmd(&[
        "-v2c",
        "-c",
        "public",
        "-t",
        "2",
        "--count",
        "1",
        "--json",
        "--targets",
        &file,
        "sysUpTime.0",
        "ifTable",
    ])
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(recs.len(), 100);
    let n = varbinds(&recs[0]).len();
    assert!(n > 1, "{}", recs[0]);
    for r in &recs {
        assert!(r["error"].is_null(), "{r}");
        assert_eq!(
            varbinds(r).len(),
            n,
            "every device serves the same recording"
        );
        assert!(lines.iter().any(|l| r["target"] == l.as_str()));
    }
    drop(agent);
}

/// `(index, value)` pairs of a numeric column as snmpwalk prints them (`-On -Oq`).
fn netsnmp_column(agent: &str, oid: &str) -> Vec<(String, String)> {
    let r = netsnmp(
        "snmpwalk",
        &["-v2c", "-c", "public", "-On", "-Oq", agent, oid],
    );
    assert_eq!(r.code, 0, "snmpwalk {oid}: {}", r.stderr);
    r.stdout
        .lines()
        .map(|l| {
            let (o, v) = l.split_once(' ').unwrap();
            let index = o.strip_prefix(&format!("{oid}.")).unwrap().to_string();
            (index, v.trim_matches('"').to_string())
        })
        .collect()
}

/// `poll --json --rows` against net-snmp's snmpd: one row per interface with its index, its
/// columns (as snmpwalk reads them), ifName as a label only (fetched, not asked for), and the
/// counters' rates from the second cycle on.
#[test]
fn rows_gather_index_columns_labels_and_rates_of_each_interface() {
    let d = Snmpd::start("");
    let agent = d.v4();
    let out = poll_cmd(&[
        "-v2c",
        "-c",
        "public",
        "--count",
        "2",
        "--interval",
        "1",
        "--json",
        "--rows",
        &agent,
        "sysUpTime.0",
        "ifDescr",
        "ifOperStatus",
        "ifInOctets",
    ])
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(recs.len(), 2);
    let descr = netsnmp_column(&agent, ".1.3.6.1.2.1.2.2.1.2");
    let names = netsnmp_column(&agent, ".1.3.6.1.2.1.31.1.1.1.1");
    let oper = netsnmp_column(&agent, ".1.3.6.1.2.1.2.2.1.8");
    assert!(!descr.is_empty());
    for (cycle, r) in recs.iter().enumerate() {
        assert!(r["error"].is_null(), "{r}");
        assert_eq!(r["target"], agent.as_str());
        assert!(r.get("varbinds").is_none(), "row form only: {r}");
        let rows = r["rows"].as_array().expect("rows");
        let system: Vec<&J> = rows.iter().filter(|x| x["group"] == "system").collect();
        assert_eq!(system.len(), 1, "{r}");
        assert!(system[0]["columns"]["sysUpTime"].as_u64().unwrap() > 0);
        let ifs: Vec<&J> = rows.iter().filter(|x| x["table"] == "ifTable").collect();
        assert_eq!(ifs.len(), descr.len(), "{r}");
        // ifName was fetched for the labels, not asked for: no ifXTable rows.
        assert!(rows.iter().all(|x| x["table"] != "ifXTable"), "{r}");
        for (row, (index, d)) in ifs.iter().zip(&descr) {
            assert_eq!(row["index"]["ifIndex"], index.as_str(), "{row}");
            assert_eq!(row["columns"]["ifDescr"], d.as_str(), "{row}");
            assert_eq!(row["labels"]["ifDescr"], d.as_str(), "{row}");
            let name = &names.iter().find(|(i, _)| i == index).unwrap().1;
            assert_eq!(row["labels"]["ifName"], name.as_str(), "{row}");
            let status = &oper.iter().find(|(i, _)| i == index).unwrap().1;
            assert_eq!(row["columns"]["ifOperStatus"].to_string(), *status, "{row}");
            // IF-MIB's labels for ifOperStatus 1..=7.
            let labels = [
                "up",
                "down",
                "testing",
                "unknown",
                "dormant",
                "notPresent",
                "lowerLayerDown",
            ];
            let n: usize = status.parse().unwrap();
            assert_eq!(row["display"]["ifOperStatus"], labels[n - 1], "{row}");
            assert!(row["columns"]["ifInOctets"].is_u64(), "{row}");
            // Rates need two readings: none in the first cycle, every counter's in the second.
            if cycle == 0 {
                assert!(row.get("rates").is_none(), "{row}");
            } else {
                assert!(row["rates"]["ifInOctets"].as_f64().unwrap() >= 0.0, "{row}");
            }
        }
    }
}
