//! Issue 25, the trap pipeline, against real peers: `listen --webhook` into Python's
//! http.server (made to fail with 503), `--spool` across a SIGKILL, `--dedup` and
//! `--rate-limit`, and, under the `snmptrapd` name, net-snmp's snmptrapd side by side (log
//! lines by default and with -F, traphandle input, no access configuration). Loopback only;
//! every wait is on a condition with a bound.

#[path = "../../../tests/common/mod.rs"]
mod common;

use common::{free_udp_port, tool};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

/// Polls `f` until it returns `Some`, for at most `WAIT`.
fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < WAIT, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A running `snmpkit listen` (or the binary under another name).
struct Listener {
    child: Child,
    stderr: mpsc::Receiver<String>,
    seen: Vec<String>,
    stdout: mpsc::Receiver<String>,
    out: Vec<String>,
    addr: String,
}

impl Listener {
    fn start(program: &Path, args: &[&str]) -> Listener {
        let mut child = Command::new(program)
            .args(args)
            .env("MIBS", "")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the listener");
        let (tx, rx) = mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for l in BufReader::new(err).lines().map_while(Result::ok) {
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        let (otx, orx) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines().map_while(Result::ok) {
                if otx.send(l).is_err() {
                    break;
                }
            }
        });
        let mut l = Listener {
            child,
            stderr: rx,
            seen: Vec::new(),
            stdout: orx,
            out: Vec::new(),
            addr: String::new(),
        };
        let line = l.wait_line("listening on ");
        let list = line.split("listening on ").nth(1).unwrap();
        l.addr = list
            .split(", ")
            .next()
            .unwrap()
            .trim_start_matches("udp:")
            .to_string();
        l
    }

    fn listen(args: &[&str]) -> Listener {
        let mut all = vec!["listen"];
        all.extend_from_slice(args);
        Listener::start(Path::new(env!("CARGO_BIN_EXE_snmpkit")), &all)
    }

    /// Waits for a stderr line containing `needle` (lines seen before count too).
    fn wait_line(&mut self, needle: &str) -> String {
        if let Some(l) = self.seen.iter().find(|l| l.contains(needle)) {
            return l.clone();
        }
        let start = Instant::now();
        loop {
            let left = WAIT.saturating_sub(start.elapsed());
            match self.stderr.recv_timeout(left) {
                Ok(l) => {
                    self.seen.push(l.clone());
                    if l.contains(needle) {
                        return l;
                    }
                }
                Err(_) => panic!("no stderr line with {needle:?}; saw {:?}", self.seen),
            }
        }
    }

    /// Waits for a stdout line containing `needle`.
    fn wait_out(&mut self, needle: &str) -> String {
        if let Some(l) = self.out.iter().find(|l| l.contains(needle)) {
            return l.clone();
        }
        let start = Instant::now();
        loop {
            let left = WAIT.saturating_sub(start.elapsed());
            match self.stdout.recv_timeout(left) {
                Ok(l) => {
                    self.out.push(l.clone());
                    if l.contains(needle) {
                        return l;
                    }
                }
                Err(_) => panic!("no stdout line with {needle:?}; saw {:?}", self.out),
            }
        }
    }

    fn signal(&self, sig: &str) {
        let st = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(st.success());
    }

    /// SIGTERM, then stdout and the summary line.
    fn stop(mut self) -> (String, String) {
        self.signal("-TERM");
        let summary = self.wait_line(" received, ");
        let st = self.child.wait().unwrap();
        // The reader thread ends with the pipe.
        while let Ok(l) = self.stdout.recv_timeout(WAIT) {
            self.out.push(l);
        }
        let mut out = self.out.join("\n");
        if !out.is_empty() {
            out.push('\n');
        }
        assert_eq!(st.code(), Some(0), "{:?}", self.seen);
        (out, summary)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The count written just before `after` in `line`.
fn count_before(line: &str, after: &str) -> u64 {
    let at = line
        .find(after)
        .unwrap_or_else(|| panic!("no {after:?} in {line}"));
    line[..at]
        .rsplit(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count before {after:?} in {line}"))
}

/// v2c SNMPv2-Trap datagrams; `distinct` makes the payload differ per trap.
fn v2c_traps(n: u32, distinct: bool) -> Vec<Vec<u8>> {
    use snmpkit::codec::{AnyPdu, CommunityMessage, Pdu, PduType, Version};
    use snmpkit::{Oid, Value, VarBind};
    let oid = |s: &str| s.parse::<Oid>().unwrap();
    (0..n)
        .map(|i| {
            CommunityMessage {
                version: Version::V2c,
                community: b"public".to_vec(),
                pdu: AnyPdu::Pdu(Pdu {
                    pdu_type: PduType::TrapV2,
                    request_id: i as i32,
                    error_status: 0,
                    error_index: 0,
                    varbinds: vec![
                        VarBind::new(oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(i)),
                        VarBind::new(
                            oid("1.3.6.1.6.3.1.1.4.1.0"),
                            Value::ObjectIdentifier(oid("1.3.6.1.6.3.1.1.5.3")),
                        ),
                        VarBind::new(
                            oid("1.3.6.1.2.1.2.2.1.1.2"),
                            Value::Integer(if distinct { i64::from(i) } else { 2 }),
                        ),
                    ],
                }),
            }
            .encode()
        })
        .collect()
}

fn send_all(from: &str, to: &str, datagrams: &[Vec<u8>]) {
    let sock = std::net::UdpSocket::bind(from).unwrap();
    for d in datagrams {
        sock.send_to(d, to).unwrap();
    }
}

/// net-snmp's tools with no MIBs and no configuration of the user's.
fn netsnmp(prog: &str, args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(tool(prog))
        .args(["-m", ""])
        .args(args)
        .env("SNMP_PERSISTENT_DIR", dir.path())
        .env("SNMPCONFPATH", dir.path())
        .env("MIBS", "")
        .output()
        .unwrap()
}

/// Python's http.server: answers POSTs with the status in `mode` (200 stores the body),
/// records each request's Authorization and Content-Type headers.
struct Endpoint {
    child: Child,
    url: String,
    mode: PathBuf,
    bodies: PathBuf,
    headers: PathBuf,
    _dir: tempfile::TempDir,
}

const SERVER: &str = r#"
import http.server, os, sys
mode_file, out_file, hdr_file = sys.argv[1], sys.argv[2], sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        with open(mode_file) as f:
            status = int(f.read().strip() or 200)
        with open(hdr_file, 'a') as f:
            f.write('%s|%s\n' % (self.headers.get('Authorization'), self.headers.get('Content-Type')))
        if status == 200:
            with open(out_file, 'ab') as f:
                f.write(body)
        self.send_response(status)
        self.send_header('Content-Length', '2')
        self.end_headers()
        self.wfile.write(b'ok')
    def log_message(self, *a):
        pass
s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
"#;

impl Endpoint {
    fn start(status: u16) -> Endpoint {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("server.py");
        std::fs::write(&script, SERVER).unwrap();
        let mode = dir.path().join("mode");
        let bodies = dir.path().join("bodies");
        let headers = dir.path().join("headers");
        std::fs::write(&mode, status.to_string()).unwrap();
        let mut child = Command::new("python3")
            .arg(&script)
            .args([&mode, &bodies, &headers])
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port: u16 = line.trim().parse().expect("the server's port");
        Endpoint {
            child,
            url: format!("http://127.0.0.1:{port}/hook"),
            mode,
            bodies,
            headers,
            _dir: dir,
        }
    }

    fn set(&self, status: u16) {
        std::fs::write(&self.mode, status.to_string()).unwrap();
    }

    /// The notifications received, one JSON object per line.
    fn received(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.bodies)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("NDJSON"))
            .collect()
    }

    fn wait_received(&self, n: usize) -> Vec<serde_json::Value> {
        wait_for(&format!("{n} notifications at the endpoint"), || {
            let r = self.received();
            (r.len() >= n).then_some(r)
        })
    }

    fn requests(&self) -> usize {
        std::fs::read_to_string(&self.headers)
            .unwrap_or_default()
            .lines()
            .count()
    }
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn request_ids(notes: &[serde_json::Value]) -> Vec<i64> {
    let mut ids: Vec<i64> = notes
        .iter()
        .map(|n| n["uptime"].as_i64().expect("uptime"))
        .collect();
    ids.sort_unstable();
    ids
}

/// Acceptance 1: 300 traps reach the endpoint, each once, with the configured header.
#[test]
fn webhook_delivers_300_traps_each_once() {
    let ep = Endpoint::start(200);
    let l = Listener::listen(&[
        "--webhook",
        &ep.url,
        "--webhook-header",
        "Authorization: Bearer s3cret",
        "udp:127.0.0.1:0",
    ]);
    send_all("127.0.0.1:0", &l.addr, &v2c_traps(300, true));
    let got = ep.wait_received(300);
    assert_eq!(request_ids(&got), (0..300).collect::<Vec<i64>>());
    let headers = std::fs::read_to_string(&ep.headers).unwrap();
    assert!(headers
        .lines()
        .all(|h| h == "Bearer s3cret|application/x-ndjson"));
    let (_, summary) = l.stop();
    assert_eq!(count_before(&summary, " delivered in "), 300, "{summary}");
    assert_eq!(count_before(&summary, " received, "), 300, "{summary}");
    assert_eq!(ep.received().len(), 300, "nothing twice");
}

/// Acceptance 2: while the endpoint answers 503, traps wait and an inform is not
/// acknowledged; once it recovers, the traps arrive and an inform is acknowledged; the
/// listener survives throughout.
#[test]
fn webhook_outage_holds_traps_and_informs() {
    let ep = Endpoint::start(503);
    let mut l = Listener::listen(&["--webhook", &ep.url, "udp:127.0.0.1:0"]);
    send_all("127.0.0.1:0", &l.addr, &v2c_traps(20, true));
    l.wait_line("webhook failing");
    wait_for("retries", || (ep.requests() >= 3).then_some(()));
    assert!(ep.received().is_empty());
    let target = format!("127.0.0.1:{}", l.addr.rsplit(':').next().unwrap());
    let down = netsnmp(
        "snmpinform",
        &[
            "-v2c",
            "-c",
            "public",
            "-t",
            "1",
            "-r",
            "1",
            &target,
            "",
            "1.3.6.1.6.3.1.1.5.4",
        ],
    );
    assert!(
        !down.status.success(),
        "inform acknowledged during the outage"
    );
    assert!(String::from_utf8_lossy(&down.stderr).contains("Timeout"));
    ep.set(200);
    l.wait_line("webhook answering again");
    let got = ep.wait_received(20);
    assert!(request_ids(&got).starts_with(&(0..20).collect::<Vec<i64>>()));
    let up = netsnmp(
        "snmpinform",
        &[
            "-v2c",
            "-c",
            "public",
            "-t",
            "5",
            "-r",
            "2",
            &target,
            "",
            "1.3.6.1.6.3.1.1.5.3",
        ],
    );
    assert!(
        up.status.success(),
        "{}",
        String::from_utf8_lossy(&up.stderr)
    );
    let (_, summary) = l.stop();
    assert!(
        count_before(&summary, " informs confirmed") >= 1,
        "{summary}"
    );
    assert!(count_before(&summary, " retries") >= 1, "{summary}");
}

fn spooled_records(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".seg"))
                .map(|e| {
                    String::from_utf8_lossy(&std::fs::read(e.path()).unwrap_or_default())
                        .matches("\"uptime\"")
                        .count()
                })
                .sum()
        })
        .unwrap_or(0)
}

/// Acceptance 3: 50 traps spooled during an outage survive a SIGKILL of the listener and are
/// delivered by the next one.
#[test]
fn spool_survives_a_killed_listener() {
    let ep = Endpoint::start(503);
    let spool = tempfile::tempdir().unwrap();
    let dir = spool.path().to_str().unwrap();
    let l = Listener::listen(&["--webhook", &ep.url, "--spool", dir, "udp:127.0.0.1:0"]);
    send_all("127.0.0.1:0", &l.addr, &v2c_traps(50, true));
    wait_for("50 records in the spool", || {
        (spooled_records(spool.path()) >= 50).then_some(())
    });
    l.signal("-KILL");
    drop(l);
    ep.set(200);
    let mut l = Listener::listen(&["--webhook", &ep.url, "--spool", dir, "udp:127.0.0.1:0"]);
    l.wait_line("50 notifications from an earlier run are sent first");
    let got = ep.wait_received(50);
    assert_eq!(request_ids(&got), (0..50).collect::<Vec<i64>>());
    let (_, summary) = l.stop();
    assert!(summary.contains("0 left in the spool"), "{summary}");
    assert_eq!(ep.received().len(), 50);
}

/// A trap from 127.0.0.2 with request-id `id`: a marker whose line proves that everything
/// sent before it was handled (one socket, arrival order).
fn marker(l: &mut Listener, id: u32) {
    let mut t = v2c_traps(id + 1, true);
    let addr = l.addr.clone();
    send_all("127.0.0.2:0", &addr, &[t.pop().unwrap()]);
    l.wait_out(&format!("\"uptime\":{id},"));
}

/// Acceptance 4: `--dedup 10` passes one of 50 identical traps and counts 49 repeats.
#[test]
fn dedup_forwards_one_of_50_identical_traps() {
    let mut l = Listener::listen(&["--json", "--dedup", "10", "udp:127.0.0.1:0"]);
    let addr = l.addr.clone();
    // 50 identical traps from 50 sockets (ports) of one address, as 50 snmptrap runs would.
    for t in v2c_traps(50, false) {
        send_all("127.0.0.1:0", &addr, &[t]);
    }
    marker(&mut l, 7777);
    let (out, summary) = l.stop();
    assert_eq!(out.lines().count(), 2, "{out}");
    assert_eq!(count_before(&summary, " repeats)"), 49, "{summary}");
    assert_eq!(count_before(&summary, " received, "), 51, "{summary}");
}

/// Acceptance 5: a flood of 3,000 traps from one address in a second is cut to at most ~250
/// passed on and counted; a trap from another address in the same second arrives.
#[test]
fn rate_limit_cuts_a_flood_and_spares_other_sources() {
    let mut l = Listener::listen(&["--json", "--rate-limit", "100", "udp:127.0.0.1:0"]);
    let addr = l.addr.clone();
    let flood = v2c_traps(3000, true);
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let other = std::net::UdpSocket::bind("127.0.0.2:0").unwrap();
    let start = Instant::now();
    for (i, t) in flood.iter().enumerate() {
        sock.send_to(t, &addr).unwrap();
        if i == 1500 {
            other.send_to(&v2c_traps(1, true)[0], &addr).unwrap();
        }
    }
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "the flood took over a second"
    );
    marker(&mut l, 9999);
    let storm = l.wait_line("rate limit: ");
    let (out, summary) = l.stop();
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let from = |ip: &str| {
        lines
            .iter()
            .filter(|n| n["source"].as_str().is_some_and(|s| s.starts_with(ip)))
            .count()
    };
    let flood_passed = from("127.0.0.1:");
    assert!((100..=250).contains(&flood_passed), "{flood_passed} passed");
    assert_eq!(from("127.0.0.2:"), 2, "the other source's traps arrive");
    let suppressed = count_before(&summary, " suppressed (rate limit)");
    assert_eq!(suppressed, 3000 - flood_passed as u64, "{summary}");
    assert!(
        storm.contains(&format!(
            "{suppressed} notifications from 127.0.0.1 suppressed"
        )),
        "{storm}"
    );
    // The JSON summary object of the storm.
    let obj = lines
        .iter()
        .find(|n| n["event"] == "rate_limit")
        .expect("a rate_limit object");
    assert_eq!(obj["suppressed"], suppressed);
    assert_eq!(obj["source"], "127.0.0.1");
    // received = decoded + dropped + deduplicated + suppressed
    let received = count_before(&summary, " received, ");
    let decoded = count_before(&summary, " decoded, ");
    assert_eq!(received, 3002, "{summary}");
    assert_eq!(received, decoded + suppressed, "{summary}");
}

/// net-snmp's snmptrapd and ours side by side, same configuration (apart from the handler's
/// output file), same traps.
struct Pair {
    theirs: Child,
    ours: Child,
    their_log: PathBuf,
    our_log: PathBuf,
    their_port: u16,
    our_port: u16,
    their_handler: PathBuf,
    our_handler: PathBuf,
    _dir: tempfile::TempDir,
}

impl Pair {
    fn start(conf: &str, extra: &[&str]) -> Pair {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("snmptrapd");
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_snmpkit"), &link).unwrap();
        let script = dir.path().join("handler.sh");
        std::fs::write(&script, "#!/bin/sh\ncat >> \"$1\"\necho ---- >> \"$1\"\n").unwrap();
        let mut p = std::fs::metadata(&script).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut p, 0o755);
        std::fs::set_permissions(&script, p).unwrap();
        let spawn = |who: &str, prog: &Path, port: u16| -> (Child, PathBuf, PathBuf) {
            let log = dir.path().join(format!("{who}.log"));
            let handler = dir.path().join(format!("{who}.handler"));
            let cfile = dir.path().join(format!("{who}.conf"));
            std::fs::write(
                &cfile,
                conf.replace(
                    "HANDLER",
                    &format!("{} {}", script.display(), handler.display()),
                ),
            )
            .unwrap();
            let child = Command::new(prog)
                .args(["-f", "-Lf"])
                .arg(&log)
                .args(["-m", "", "-On", "-C", "-c"])
                .arg(&cfile)
                .args(extra)
                .arg(format!("udp:127.0.0.1:{port}"))
                .env("SNMP_PERSISTENT_DIR", dir.path())
                .env("SNMPCONFPATH", dir.path())
                .env("MIBS", "")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            (child, log, handler)
        };
        let (their_port, our_port) = (free_udp_port(), free_udp_port());
        let (theirs, their_log, their_handler) = spawn("theirs", &tool("snmptrapd"), their_port);
        let (ours, our_log, our_handler) = spawn("ours", &link, our_port);
        // Ready when each writes its start (net-snmp: its version line; ours: nothing to the
        // log, so an inform it acknowledges proves it listens).
        for port in [their_port, our_port] {
            wait_for("the daemon to acknowledge an inform", || {
                let o = netsnmp(
                    "snmpinform",
                    &[
                        "-v2c",
                        "-c",
                        "ready",
                        "-t",
                        "0.3",
                        "-r",
                        "0",
                        &format!("127.0.0.1:{port}"),
                        "1",
                        "1.3.6.1.4.1.99999.0.1",
                    ],
                );
                o.status.success().then_some(())
            });
        }
        Pair {
            theirs,
            ours,
            their_log,
            our_log,
            their_port,
            our_port,
            their_handler,
            our_handler,
            _dir: dir,
        }
    }

    /// Sends the same snmptrap command to both.
    fn trap(&self, args: &[&str]) {
        for port in [self.their_port, self.our_port] {
            let mut a: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            let at = a.iter().position(|x| x == "TARGET").unwrap();
            a[at] = format!("127.0.0.1:{port}");
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            let o = netsnmp("snmptrap", &a);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
    }

    /// The log lines about notifications (net-snmp's start and stop lines aside), with the
    /// date and ports made equal.
    fn lines(log: &Path, port: u16) -> Vec<String> {
        std::fs::read_to_string(log)
            .unwrap_or_default()
            .lines()
            .filter(|l| {
                !l.contains("NET-SNMP version")
                    && !l.starts_with("Stopping")
                    && !l.starts_with("Created directory")
                    && !l.is_empty()
            })
            .filter(|l| !l.contains(".1.3.6.1.4.1.99999.0.1") && !l.contains("community ready"))
            .map(|l| normalize(l, port))
            .collect()
    }
}

impl Drop for Pair {
    fn drop(&mut self) {
        let _ = self.theirs.kill();
        let _ = self.ours.kill();
        let _ = self.theirs.wait();
        let _ = self.ours.wait();
    }
}

fn normalize(line: &str, port: u16) -> String {
    let mut l = line.replace(&format!("]:{port}"), "]:LISTEN");
    // Dates at the start of a line: YYYY-MM-DD HH:MM:SS.
    let b = l.as_bytes();
    if b.len() >= 19 && b[4] == b'-' && b[7] == b'-' && b[13] == b':' && b[16] == b':' {
        l.replace_range(..19, "DATE");
    }
    // Source ports: "]:NNNNN->".
    while let Some(at) = l.find("->[") {
        let head = &l[..at];
        let Some(colon) = head.rfind("]:") else { break };
        l = format!("{}]:PORT=>{}", &l[..colon], &l[at + 2..]);
    }
    l
}

const V2C: &[&str] = &[
    "-v2c",
    "-c",
    "public",
    "TARGET",
    "12345",
    "1.3.6.1.6.3.1.1.5.3",
    "1.3.6.1.2.1.2.2.1.1.2",
    "i",
    "2",
    "1.3.6.1.2.1.1.5.0",
    "s",
    "hello world",
    "1.3.6.1.2.1.1.6.0",
    "x",
    "01 02 ff",
    "1.3.6.1.2.1.4.20.1.1.0",
    "a",
    "10.0.0.1",
];
const V1: &[&str] = &[
    "-v1",
    "-c",
    "public",
    "TARGET",
    "1.3.6.1.4.1.8072",
    "10.1.2.3",
    "6",
    "17",
    "12345",
    "1.3.6.1.2.1.1.5.0",
    "s",
    "x",
];
const V1_GENERIC: &[&str] = &[
    "-v1",
    "-c",
    "public",
    "TARGET",
    "1.3.6.1.4.1.8072",
    "10.1.2.4",
    "2",
    "0",
    "777",
    "1.3.6.1.2.1.2.2.1.1.2",
    "i",
    "2",
];

fn compare_logs(p: &Pair, expect_lines: usize) {
    let theirs = wait_for("snmptrapd's lines", || {
        let t = Pair::lines(&p.their_log, p.their_port);
        (t.len() >= expect_lines).then_some(t)
    });
    let ours = wait_for("our lines", || {
        let o = Pair::lines(&p.our_log, p.our_port);
        (o.len() >= expect_lines).then_some(o)
    });
    assert_eq!(ours, theirs);
}

/// Acceptance 6 (default layout) and 7 (traphandle default): the same lines and the same
/// handler input as net-snmp's snmptrapd, for a v2c trap and two v1 traps.
#[test]
fn snmptrapd_default_output_and_traphandle_match_net_snmp() {
    let p = Pair::start(
        "authCommunity log,execute,net public\nauthCommunity log,execute,net ready\ntraphandle default HANDLER\n",
        &[],
    );
    p.trap(V2C);
    p.trap(V1);
    p.trap(V1_GENERIC);
    // v2c: header + varbinds; v1: three lines each.
    compare_logs(&p, 7);
    let handler = |f: &Path, port: u16| -> Option<Vec<String>> {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let blocks: Vec<String> = text
            .split("----\n")
            .filter(|b| !b.is_empty() && !b.contains(".1.3.6.1.4.1.99999.0.1"))
            .map(|b| {
                b.lines()
                    .map(|l| normalize(l, port))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .collect();
        (blocks.len() >= 3).then_some(blocks)
    };
    let theirs = wait_for("snmptrapd's handler", || {
        handler(&p.their_handler, p.their_port)
    });
    let ours = wait_for("our handler", || handler(&p.our_handler, p.our_port));
    assert_eq!(ours, theirs);
}

/// Acceptance 6 with `-F '%V %B %N %W %q %P%v\n'`.
#[test]
fn snmptrapd_format_option_matches_net_snmp() {
    let p = Pair::start(
        "authCommunity log public\nauthCommunity log ready\n",
        &["-F", "%V %B %N %W %q %P%v\\n"],
    );
    p.trap(V2C);
    p.trap(V1);
    p.trap(V1_GENERIC);
    compare_logs(&p, 3);
}

/// format1/format2 in the configuration file, with field widths.
#[test]
fn snmptrapd_conf_formats_match_net_snmp() {
    let p = Pair::start(
        "authCommunity log public\nauthCommunity log ready\n\
         format2 v2 %-12B|%5w|%.3P|%s|%S|%u|%#v\\n\n\
         format1 v1 %A %a %N %w %q %W %T %#T|%v\\n\n",
        &[],
    );
    p.trap(V2C);
    p.trap(V1);
    p.trap(V1_GENERIC);
    compare_logs(&p, 3);
}

/// Without authCommunity/authUser/disableAuthorization, net-snmp's snmptrapd accepts
/// nothing and says so per trap; so does snmpkit under its name.
#[test]
fn snmptrapd_without_access_configuration_accepts_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("snmptrapd");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_snmpkit"), &link).unwrap();
    let conf = dir.path().join("empty.conf");
    std::fs::write(&conf, "").unwrap();
    let log = dir.path().join("ours.log");
    let port = free_udp_port();
    let l = Listener::start(
        &link,
        &[
            "-f",
            "-Lf",
            log.to_str().unwrap(),
            "-m",
            "",
            "-On",
            "-C",
            "-c",
            conf.to_str().unwrap(),
            &format!("udp:127.0.0.1:{port}"),
        ],
    );
    let o = netsnmp(
        "snmptrap",
        &[
            "-v2c",
            "-c",
            "public",
            &format!("127.0.0.1:{port}"),
            "",
            "1.3.6.1.6.3.1.1.5.3",
        ],
    );
    assert!(o.status.success());
    let text = wait_for("the refusal", || {
        let t = std::fs::read_to_string(&log).unwrap_or_default();
        t.contains("dropping trap").then_some(t)
    });
    assert!(
        text.contains("This receiver will *NOT* accept any incoming notifications."),
        "{text}"
    );
    assert_eq!(
        text.matches("No access configuration - dropping trap.\n")
            .count(),
        1,
        "{text}"
    );
    let (_, summary) = l.stop();
    assert!(summary.contains("not authorized: 1"), "{summary}");
    assert_eq!(count_before(&summary, " decoded, "), 0, "{summary}");
}

/// `snmpkit listen` keeps accepting every community, and says so.
#[test]
fn listen_says_it_accepts_every_community() {
    let mut l = Listener::listen(&["udp:127.0.0.1:0"]);
    l.wait_line("accepting every community");
}
