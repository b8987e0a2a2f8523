//! `snmpkit agent` is safe by default (issue 26): loopback when no address is given, a warning
//! when a configuration-less agent (where `private` writes) is reachable from other hosts, and
//! a `--data` directory with one unreadable file still serves the others.

#[path = "../../../tests/common/mod.rs"]
mod common;

use common::*;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const DATA: &str = ".1.3.6.1.2.1.1.5.0 = STRING: \"safe\"\n";

/// A running agent and its stderr lines; killed on drop.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Running {
    fn start(args: &[&str]) -> Running {
        let mut child = Command::new(snmpkit_bin())
            .arg("agent")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pipe = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for l in BufReader::new(pipe).lines().map_while(Result::ok) {
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        Running { child, lines }
    }

    /// Every stderr line up to and including the first that contains one of `ends` (at most
    /// 20 s), or up to the end of stderr.
    fn until(&self, ends: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = String::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(l) => {
                    seen.push_str(&l);
                    seen.push('\n');
                    if ends.iter().any(|e| l.contains(e)) {
                        return seen;
                    }
                }
                Err(_) => break,
            }
        }
        seen
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `snmpkit agent --data FILE` with no address listened on udp:0.0.0.0:161, where `private`
/// could write from any host.
#[test]
fn agent_without_address_listens_on_loopback_only() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("r.snmpwalk");
    std::fs::write(&data, DATA).unwrap();
    let a = Running::start(&["--data", data.to_str().unwrap()]);
    // Port 161 may be taken (a system snmpd): then the refusal names the address instead.
    let err = a.until(&["listening on", "cannot bind"]);
    assert!(
        err.contains("listening on udp:127.0.0.1:161 ")
            || err.contains("cannot bind 127.0.0.1:161"),
        "{err}"
    );
    assert!(
        !err.contains("0.0.0.0") && !err.contains("warning"),
        "{err}"
    );
    if err.contains("listening on") {
        let r = netsnmp(
            "snmpget",
            &[
                "-v2c",
                "-c",
                "public",
                "-Ovq",
                "127.0.0.1:161",
                ".1.3.6.1.2.1.1.5.0",
            ],
        );
        assert_eq!(r.stdout.trim(), "\"safe\"", "{}", r.stderr);
    }
}

#[test]
fn exposed_agent_without_config_warns_naming_the_exposure() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("r.snmpwalk");
    std::fs::write(&data, DATA).unwrap();
    let port = free_udp_port();
    let a = Running::start(&[
        "--data",
        data.to_str().unwrap(),
        &format!("udp:0.0.0.0:{port}"),
    ]);
    let err = a.until(&["listening on"]);
    assert!(
        err.contains(&format!(
            "snmpkit agent: warning: udp:0.0.0.0:{port} is reachable from other hosts and there \
             is no --config: community private can Set values from anywhere"
        )),
        "{err}"
    );
    drop(a);
    // A configuration says who may write: no warning.
    let conf = dir.path().join("snmpd.conf");
    std::fs::write(&conf, "rwcommunity private 127.0.0.1\n").unwrap();
    let port = free_udp_port();
    let a = Running::start(&[
        "--config",
        conf.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        &format!("udp:0.0.0.0:{port}"),
    ]);
    let err = a.until(&["listening on"]);
    assert!(
        err.contains("listening on") && !err.contains("warning"),
        "{err}"
    );
    // Loopback only: no warning either.
    let port = free_udp_port();
    let a = Running::start(&[
        "--data",
        data.to_str().unwrap(),
        &format!("udp:127.0.0.1:{port}"),
    ]);
    let err = a.until(&["listening on"]);
    assert!(
        err.contains("listening on") && !err.contains("warning"),
        "{err}"
    );
}

#[test]
fn agent_help_tells_the_default_address_and_the_exposure() {
    let r = snmpkit("agent", &["--help"]);
    assert_eq!(r.code, 0);
    let help = r.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "else udp:127.0.0.1:161 (loopback only)",
        "the agent listens on udp:127.0.0.1:161, loopback only",
        "private writes",
        "the agent warns about it",
        "--strict",
        "--vary-errors",
    ] {
        assert!(help.contains(want), "{want:?} not in:\n{}", r.stdout);
    }
}

/// One file snmpkit could not read made a whole `--data DIR` serve nothing.
#[test]
fn one_bad_recording_in_a_directory_is_skipped_and_the_rest_served() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(
        data.join("good.snmprec"),
        "1.3.6.1.2.1.1.5.0|4|good\n1.3.6.1.2.1.4.20.1.1.74.125.77.125|64|J}M}\n",
    )
    .unwrap();
    std::fs::write(
        data.join("bad.snmprec"),
        "1.3.6.1.2.1.1.5.0|4|x\n1.3.6.1|65|-1\n",
    )
    .unwrap();
    let port = free_udp_port();
    let at = format!("127.0.0.1:{port}");
    let a = Running::start(&["--data", data.to_str().unwrap(), &format!("udp:{at}")]);
    let err = a.until(&["listening on"]);
    assert!(
        err.contains(&format!(
            "snmpkit agent: skipped {}:2: Counter32 value -1 out of range",
            data.join("bad.snmprec").display()
        )),
        "{err}"
    );
    assert!(err.contains("good: 2"), "{err}");
    let r = netsnmp("snmpwalk", &["-v2c", "-c", "good", "-On", &at, ".1"]);
    assert_eq!(
        r.stdout,
        ".1.3.6.1.2.1.1.5.0 = STRING: \"good\"\n\
         .1.3.6.1.2.1.4.20.1.1.74.125.77.125 = IpAddress: 74.125.77.125\n\
         .1.3.6.1.2.1.4.20.1.1.74.125.77.125 = No more variables left in this MIB View (It is \
         past the end of the MIB tree)\n",
        "{}",
        r.stderr
    );
    drop(a);
    // --strict: as before, the agent refuses to start.
    let a = Running::start(&[
        "--strict",
        "--data",
        data.to_str().unwrap(),
        "udp:127.0.0.1:0",
    ]);
    let err = a.until(&["listening on"]);
    assert!(
        err.contains(&format!(
            "snmpkit agent: {}:2: Counter32 value -1 out of range",
            data.join("bad.snmprec").display()
        )) && !err.contains("listening on"),
        "{err}"
    );
}
