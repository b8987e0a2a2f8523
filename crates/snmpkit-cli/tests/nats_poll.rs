//! Shared polling over a real `nats-server -js` on loopback: `poll --schedule` publishes one job
//! per target every interval, two `poll --work` workers poll 500 devices of `snmpkit agent`
//! (one per 127.x address) and publish the records; one worker is killed with SIGKILL midway.
//! Every target must have a record in every cycle. The interval (5 s) leaves room for a loaded
//! CI machine: a job older than one interval is skipped by design. The stream is read back with async-nats.
#![cfg(feature = "nats")]

#[path = "../../../tests/common/mod.rs"]
mod common;

use async_nats::jetstream::{self, stream};
use common::{free_udp_port, snmpkit_bin, NatsServer};
use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(60);
const TARGETS: usize = 500;
const CYCLES: u64 = 4;

/// A tiny device recording of our own.
const DEVICE: &str = "\
.1.3.6.1.2.1.1.1.0 = STRING: \"lab device\"
.1.3.6.1.2.1.1.3.0 = Timeticks: (4200) 0:00:42.00
.1.3.6.1.2.1.1.5.0 = STRING: \"d1\"
";

/// A child process whose stderr is read line by line.
struct Proc {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Proc {
    fn spawn(args: &[String]) -> Proc {
        let mut child = Command::new(snmpkit_bin())
            .args(args)
            .env("HOME", common::clean_env_dir())
            .env("SNMPCONFPATH", common::clean_env_dir())
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
        Proc {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    fn wait_line(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(l) if l.contains(needle) => return l,
                Ok(l) => self.seen.push(l),
                Err(_) => break,
            }
        }
        panic!("never printed {needle:?}; printed {:?}", self.seen);
    }

    fn signal(&self, sig: &str) {
        let st = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(st.success());
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The (target token, cycle) of every stored record, from its Nats-Msg-Id
/// (`snmp-poll-<target>-c<cycle>`), and how many records had an error.
fn records(rt: &tokio::runtime::Runtime, url: &str) -> (Vec<(String, u64)>, usize) {
    rt.block_on(async {
        let client = async_nats::connect(url).await.expect("connect");
        let js = jetstream::new(client);
        let mut s = js.get_stream("POLL").await.expect("stream");
        let state = s.info().await.expect("info").state.clone();
        let mut out = Vec::new();
        let mut errors = 0;
        if state.messages == 0 {
            return (out, errors);
        }
        for seq in state.first_sequence..=state.last_sequence {
            let m = s.get_raw_message(seq).await.expect("message");
            let id = m
                .headers
                .get(async_nats::header::NATS_MESSAGE_ID)
                .map(|v| v.as_str().to_string())
                .expect("Nats-Msg-Id");
            let rest = id.strip_prefix("snmp-poll-").expect("poll id");
            let (token, cycle) = rest.rsplit_once("-c").expect("cycle in id");
            let j: serde_json::Value = serde_json::from_slice(&m.payload).expect("JSON record");
            if !j["error"].is_null() {
                errors += 1;
            }
            assert!(
                m.subject.as_str() == format!("snmp.poll.{token}"),
                "{} for {token}",
                m.subject
            );
            out.push((token.to_string(), cycle.parse().expect("cycle number")));
        }
        (out, errors)
    })
}

fn stored(rt: &tokio::runtime::Runtime, url: &str) -> u64 {
    rt.block_on(async {
        let client = async_nats::connect(url).await.expect("connect");
        let js = jetstream::new(client);
        let mut s = js.get_stream("POLL").await.expect("stream");
        s.info().await.expect("info").state.messages
    })
}

fn wait_stored(rt: &tokio::runtime::Runtime, url: &str, n: u64) -> u64 {
    let deadline = Instant::now() + WAIT;
    loop {
        let got = stored(rt, url);
        if got >= n || Instant::now() > deadline {
            return got;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn scheduler_and_two_workers_cover_every_target_every_cycle_despite_sigkill() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = NatsServer::start();
    let url = server.url();
    rt.block_on(async {
        let client = async_nats::connect(&url).await.expect("connect");
        jetstream::new(client)
            .create_stream(stream::Config {
                name: "POLL".into(),
                subjects: vec!["snmp.poll.>".into()],
                storage: stream::StorageType::File,
                ..Default::default()
            })
            .await
            .expect("create stream");
    });
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("device.snmpwalk");
    std::fs::write(&data, DEVICE).unwrap();
    let port = free_udp_port();
    let mut agent = Proc::spawn(&[
        "agent".into(),
        "--data".into(),
        data.display().to_string(),
        format!("udp:0.0.0.0:{port}"),
    ]);
    agent.wait_line("listening on");
    // 500 devices: 127.0.0.1-250 and 127.0.1.1-250.
    let targets: String = (0..TARGETS)
        .map(|i| format!("127.0.{}.{}:{port}\n", i / 250, i % 250 + 1))
        .collect();
    let file = dir.path().join("targets");
    std::fs::write(&file, targets).unwrap();
    let poll = |mode: &str, extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = ["poll", mode, "--nats", &url, "--interval", "5", "--targets"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        v.push(file.display().to_string());
        v.extend(extra.iter().map(|s| s.to_string()));
        v.extend(["-v2c", "-c", "public", "sysUpTime.0"].map(String::from));
        v
    };
    let mut a = Proc::spawn(&poll("--work", &[]));
    a.wait_line("working on jobs");
    let mut b = Proc::spawn(&poll("--work", &[]));
    b.wait_line("working on jobs");
    let count = CYCLES.to_string();
    let mut scheduler = Proc::spawn(&poll("--schedule", &["--count", &count]));
    scheduler.wait_line("scheduling 500 targets");

    // Two cycles done by both workers, then one dies without a word.
    assert!(wait_stored(&rt, &url, 2 * TARGETS as u64) >= 2 * TARGETS as u64);
    a.signal("-KILL");
    let _ = a.child.wait();

    let line = scheduler.wait_line("scheduler stopped");
    assert!(
        line.contains(&format!(
            "{CYCLES} cycles, {} jobs",
            CYCLES as usize * TARGETS
        )),
        "{line}"
    );
    let total = CYCLES * TARGETS as u64;
    let got = wait_stored(&rt, &url, total);
    let (recs, errors) = records(&rt, &url);
    assert_eq!(errors, 0, "records with errors");
    let mut per_cycle: BTreeMap<u64, HashSet<String>> = BTreeMap::new();
    for (token, cycle) in &recs {
        assert!(
            per_cycle.entry(*cycle).or_default().insert(token.clone()),
            "{token} stored twice in cycle {cycle}"
        );
    }
    assert_eq!(
        per_cycle.len() as u64,
        CYCLES,
        "cycles seen: {:?}",
        per_cycle.keys()
    );
    for (cycle, tokens) in &per_cycle {
        assert_eq!(tokens.len(), TARGETS, "cycle {cycle}");
    }
    assert_eq!(got, total);

    b.signal("-TERM");
    let line = b.wait_line("worker stopped");
    assert!(line.contains("0 for unknown targets"), "{line}");
    assert!(b.child.wait().unwrap().success());
}
