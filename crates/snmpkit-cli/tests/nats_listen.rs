//! `snmpkit listen --nats` against a real `nats-server -js` on loopback: traps and informs from
//! net-snmp's `snmptrap`/`snmpinform` land in a JetStream stream exactly once; with the broker
//! stopped, informs go unacknowledged and traps wait, then everything flows again. The stream
//! is read back with async-nats, not with our code.
#![cfg(feature = "nats")]

#[path = "../../../tests/common/mod.rs"]
mod common;

use async_nats::jetstream::{self, stream};
use common::{free_udp_port, snmpkit_bin, tool, NatsServer};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Bound on every wait, so a broken listener fails the test instead of hanging it.
const WAIT: Duration = Duration::from_secs(60);
/// net-snmp tools run at once while sending a batch.
const PARALLEL: usize = 16;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

/// Creates the stream covering `snmp.notifications` (file storage, default duplicate window).
fn create_stream(rt: &tokio::runtime::Runtime, url: &str) {
    rt.block_on(async {
        let client = async_nats::connect(url).await.expect("connect");
        let js = jetstream::new(client);
        js.create_stream(stream::Config {
            name: "SNMP".into(),
            subjects: vec!["snmp.notifications".into()],
            storage: stream::StorageType::File,
            ..Default::default()
        })
        .await
        .expect("create stream");
    });
}

/// Every message in the stream: (payload, Nats-Msg-Id).
fn read_stream(rt: &tokio::runtime::Runtime, url: &str) -> Vec<(String, String)> {
    rt.block_on(async {
        let client = async_nats::connect(url).await.expect("connect");
        let js = jetstream::new(client);
        let mut s = js.get_stream("SNMP").await.expect("stream");
        let state = s.info().await.expect("info").state.clone();
        let mut out = Vec::new();
        if state.messages == 0 {
            return out;
        }
        for seq in state.first_sequence..=state.last_sequence {
            let m = s.get_raw_message(seq).await.expect("message");
            let id = m
                .headers
                .get(async_nats::header::NATS_MESSAGE_ID)
                .map(|v| v.as_str().to_string())
                .unwrap_or_else(|| format!("(none in {:?})", m.headers));
            out.push((String::from_utf8_lossy(&m.payload).into_owned(), id));
        }
        assert_eq!(out.len() as u64, state.messages);
        out
    })
}

/// How many stored messages carry each marker (`"trap-7"`, `"inform-3"`), checking that every
/// message has a Nats-Msg-Id and that no id is stored twice.
fn markers(msgs: &[(String, String)]) -> HashMap<String, usize> {
    let mut ids = HashMap::new();
    let mut seen = HashMap::new();
    for (payload, id) in msgs {
        assert!(
            !id.starts_with("(none"),
            "message without Nats-Msg-Id {id}: {payload}"
        );
        *ids.entry(id.clone()).or_insert(0usize) += 1;
        let j: serde_json::Value = serde_json::from_str(payload).expect("JSON payload");
        for vb in j["varbinds"].as_array().expect("varbinds") {
            if let Some(v) = vb["value"].as_str() {
                if v.starts_with("trap-") || v.starts_with("inform-") {
                    *seen.entry(v.to_string()).or_insert(0) += 1;
                }
            }
        }
    }
    let twice: Vec<_> = ids.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "ids stored twice: {twice:?}");
    seen
}

/// `snmpkit listen --nats` as a child, with its stderr collected line by line.
struct Listener {
    child: Child,
    port: u16,
    lines: mpsc::Receiver<String>,
    log: Arc<Mutex<Vec<String>>>,
}

impl Listener {
    fn start(url: &str, extra: &[&str]) -> Listener {
        let port = free_udp_port();
        let dir = common::clean_env_dir();
        let mut child = Command::new(snmpkit_bin())
            .args(["listen", "--nats", url, "-c", "public"])
            .args(extra)
            .arg(format!("udp:127.0.0.1:{port}"))
            .env("HOME", dir)
            .env("SNMPCONFPATH", dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::channel();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let l2 = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                l2.lock().unwrap().push(line.clone());
                let _ = tx.send(line);
            }
        });
        let mut l = Listener {
            child,
            port,
            lines,
            log,
        };
        l.wait_line("listening on");
        l
    }

    /// Waits for a stderr line containing `needle`.
    fn wait_line(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(l) if l.contains(needle) => return l,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!(
            "listener never said {needle:?}; stderr: {:?}",
            self.log.lock().unwrap()
        );
    }

    fn target(&self) -> String {
        format!("udp:127.0.0.1:{}", self.port)
    }

    /// SIGTERM; returns the counters line.
    fn stop(mut self) -> String {
        assert!(
            self.child.try_wait().unwrap().is_none(),
            "listener died: {:?}",
            self.log.lock().unwrap()
        );
        let st = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(st.success());
        let line = self.wait_line("received,");
        let status = self.child.wait().unwrap();
        assert!(status.success(), "exit status {status}");
        line
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a net-snmp tool with no MIBs and a private persistent directory.
fn netsnmp_cmd(prog: &str, args: &[String]) -> Command {
    let dir = common::clean_env_dir();
    let mut c = Command::new(tool(prog));
    c.args(["-m", "", "-M", "/dev/null"])
        .args(args)
        .env("SNMP_PERSISTENT_DIR", dir)
        .env("SNMPCONFPATH", dir)
        .env("HOME", dir)
        .env("MIBS", "")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Runs one tool per argument list, `PARALLEL` at a time; returns each exit status and stderr.
fn run_all(prog: &str, jobs: Vec<Vec<String>>) -> Vec<(bool, String)> {
    let mut results = Vec::new();
    for chunk in jobs.chunks(PARALLEL) {
        let children: Vec<Child> = chunk
            .iter()
            .map(|a| netsnmp_cmd(prog, a).spawn().unwrap())
            .collect();
        for c in children {
            let o = c.wait_with_output().unwrap();
            results.push((
                o.status.success(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            ));
        }
    }
    results
}

/// snmptrap argument lists, one trap per marker `{prefix}{i}` (in sysLocation.0).
fn traps(target: &str, prefix: &str, n: std::ops::Range<usize>) -> Vec<Vec<String>> {
    n.map(|i| {
        [
            "-v2c",
            "-c",
            "public",
            target,
            "",
            "1.3.6.1.4.1.8072.2.3.0.1",
            "1.3.6.1.2.1.1.6.0",
            "s",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("{prefix}{i}")])
        .collect()
    })
    .collect()
}

/// snmpinform argument lists with timeout `t` seconds and `r` retries.
fn informs(target: &str, n: std::ops::Range<usize>, t: &str, r: &str) -> Vec<Vec<String>> {
    n.map(|i| {
        [
            "-v2c",
            "-c",
            "public",
            "-t",
            t,
            "-r",
            r,
            target,
            "",
            "1.3.6.1.6.3.1.1.5.4",
            "1.3.6.1.2.1.1.6.0",
            "s",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("inform-{i}")])
        .collect()
    })
    .collect()
}

/// Waits until the stream holds `n` messages (bounded), then returns them all.
fn wait_for_messages(rt: &tokio::runtime::Runtime, url: &str, n: usize) -> Vec<(String, String)> {
    let deadline = Instant::now() + WAIT;
    loop {
        let msgs = read_stream(rt, url);
        if msgs.len() >= n || Instant::now() > deadline {
            return msgs;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn no_stream_for_the_subject_is_an_error() {
    let server = NatsServer::start();
    let out = Command::new(snmpkit_bin())
        .args([
            "listen",
            "--nats",
            &server.url(),
            "--nats-subject",
            "snmp.elsewhere",
        ])
        .arg(format!("udp:127.0.0.1:{}", free_udp_port()))
        .env("HOME", common::clean_env_dir())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("no JetStream stream covers subject \"snmp.elsewhere\""),
        "{err}"
    );
    // An unreachable server is an error too, said at start.
    let port = common::free_tcp_port();
    let out = Command::new(snmpkit_bin())
        .args(["listen", "--nats", &format!("nats://127.0.0.1:{port}")])
        .arg(format!("udp:127.0.0.1:{}", free_udp_port()))
        .env("HOME", common::clean_env_dir())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot connect to NATS server"), "{err}");
}

#[test]
fn traps_and_informs_land_in_the_stream_exactly_once() {
    let rt = rt();
    let server = NatsServer::start();
    create_stream(&rt, &server.url());
    let listener = Listener::start(&server.url(), &["--json"]);
    let target = listener.target();
    let sent = run_all("snmptrap", traps(&target, "trap-", 0..1000));
    assert!(sent.iter().all(|(ok, _)| *ok), "snmptrap failed: {sent:?}");
    let acked = run_all("snmpinform", informs(&target, 0..30, "5", "3"));
    for (ok, err) in &acked {
        assert!(ok, "an inform was not acknowledged: {err}");
    }
    let msgs = wait_for_messages(&rt, &server.url(), 1030);
    let seen = markers(&msgs);
    assert_eq!(msgs.len(), 1030, "stored {} messages", msgs.len());
    for i in 0..1000 {
        assert_eq!(seen.get(&format!("trap-{i}")), Some(&1), "trap-{i}");
    }
    for i in 0..30 {
        assert_eq!(seen.get(&format!("inform-{i}")), Some(&1), "inform-{i}");
    }
    let summary = listener.stop();
    assert!(
        summary.contains("nats: 1030 published (0 duplicates), 0 dropped"),
        "{summary}"
    );
}

#[test]
fn broker_outage_holds_traps_and_withholds_inform_acks() {
    let rt = rt();
    let mut server = NatsServer::start();
    create_stream(&rt, &server.url());
    let mut listener = Listener::start(&server.url(), &[]);
    let target = listener.target();
    // Before: an inform is acknowledged.
    let before = run_all("snmpinform", informs(&target, 0..1, "5", "3"));
    assert!(before[0].0, "{}", before[0].1);

    server.stop();
    listener.wait_line("NATS server unreachable");
    // While the broker is down, informs are not acknowledged: the sender times out.
    let down = run_all("snmpinform", informs(&target, 100..102, "1", "1"));
    for (ok, err) in &down {
        assert!(!ok, "an inform was acknowledged while the broker was down");
        assert!(err.contains("Timeout"), "{err}");
    }
    let sent = run_all("snmptrap", traps(&target, "trap-", 0..100));
    assert!(sent.iter().all(|(ok, _)| *ok));

    server.restart();
    listener.wait_line("NATS connection restored");
    // After: informs are acknowledged again (retries cover JetStream's own start-up).
    let after = run_all("snmpinform", informs(&target, 1..3, "2", "5"));
    for (ok, err) in &after {
        assert!(
            ok,
            "inform not acknowledged after the broker returned: {err}"
        );
    }
    let msgs = wait_for_messages(&rt, &server.url(), 103);
    let seen = markers(&msgs);
    for i in 0..100 {
        assert_eq!(seen.get(&format!("trap-{i}")), Some(&1), "trap-{i}");
    }
    for i in 0..3 {
        assert_eq!(seen.get(&format!("inform-{i}")), Some(&1), "inform-{i}");
    }
    // The informs refused during the outage were never confirmed to their sender, and are
    // not in the stream either.
    assert!(!seen.contains_key("inform-100") && !seen.contains_key("inform-101"));
    assert_eq!(msgs.len(), 103);
    let summary = listener.stop();
    assert!(summary.contains("nats: 103 published"), "{summary}");
    assert!(summary.contains("0 dropped"), "{summary}");
}

/// True when every marker `trap-{i}` for `i` in `n` is in the spool's segment files.
fn in_spool(dir: &std::path::Path, n: std::ops::Range<usize>) -> bool {
    let mut text = String::new();
    for e in std::fs::read_dir(dir).unwrap().map_while(Result::ok) {
        if e.file_name().to_string_lossy().ends_with(".seg") {
            text.push_str(&String::from_utf8_lossy(
                &std::fs::read(e.path()).unwrap_or_default(),
            ));
        }
    }
    n.into_iter()
        .all(|i| text.contains(&format!("\"trap-{i}\"")))
}

/// `listen --nats --spool` (issue 25): traps that arrive while the broker is down are kept
/// on disk, survive a SIGKILL of the listener, and reach the stream once a new listener and
/// the broker are back, each stored once; informs are acknowledged through the spool.
#[test]
fn spooled_traps_survive_a_killed_listener_and_a_broker_outage() {
    let rt = rt();
    let mut server = NatsServer::start();
    create_stream(&rt, &server.url());
    let spool = tempfile::tempdir().unwrap();
    let dir = spool.path().to_str().unwrap();
    let listener = Listener::start(&server.url(), &["--json", "--spool", dir]);
    let target = listener.target();
    let sent = run_all("snmptrap", traps(&target, "trap-", 0..10));
    assert!(sent.iter().all(|(ok, _)| *ok), "{sent:?}");
    assert_eq!(wait_for_messages(&rt, &server.url(), 10).len(), 10);

    server.stop();
    let sent = run_all("snmptrap", traps(&target, "trap-", 10..60));
    assert!(sent.iter().all(|(ok, _)| *ok), "{sent:?}");
    let deadline = Instant::now() + WAIT;
    while !in_spool(spool.path(), 10..60) {
        assert!(
            Instant::now() < deadline,
            "the 50 traps never reached the spool"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(listener); // SIGKILL: no chance to flush anything

    server.restart();
    let listener = Listener::start(&server.url(), &["--json", "--spool", dir]);
    // Said at start, before "listening on" (which Listener::start waited for).
    let log = listener.log.lock().unwrap().clone();
    assert!(
        log.iter()
            .any(|l| l.contains("50 notifications from an earlier run are sent first")),
        "{log:?}"
    );
    let acked = run_all("snmpinform", informs(&listener.target(), 0..2, "2", "5"));
    for (ok, err) in &acked {
        assert!(ok, "inform not acknowledged through the spool: {err}");
    }
    let msgs = wait_for_messages(&rt, &server.url(), 62);
    let seen = markers(&msgs);
    for i in 0..60 {
        assert_eq!(seen.get(&format!("trap-{i}")), Some(&1), "trap-{i}");
    }
    for i in 0..2 {
        assert_eq!(seen.get(&format!("inform-{i}")), Some(&1), "inform-{i}");
    }
    assert_eq!(msgs.len(), 62);
    let summary = listener.stop();
    assert!(summary.contains("0 left in the spool"), "{summary}");
    assert!(summary.contains("spooled, 0 dropped"), "{summary}");
}
