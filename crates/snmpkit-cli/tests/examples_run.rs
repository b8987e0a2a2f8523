//! The examples build (cargo test builds them) and do their jobs against the lab agent
//! (`snmpkit agent` with lab/agent.conf and lab/router.snmpwalk, as lab/run-lab.sh runs it).

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;
use std::path::PathBuf;
use std::process::Command;

fn example(name: &str) -> PathBuf {
    // target/debug/deps/examples_run-HASH -> target/debug/examples/NAME
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join(name)
}

fn run(name: &str, args: &[&str]) -> String {
    let out = Command::new(example(name)).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn examples_work_against_the_lab_agent() {
    let d = SnmpkitAgent::lab();
    let out = run("system_info", &[&d.v4(), "public"]);
    assert!(out.contains("sysContact   lab-admin@example.net"), "{out}");
    assert!(
        out.contains("sysObjectID  1.3.6.1.4.1.8072.3.2.10"),
        "{out}"
    );

    let out = run("interfaces", &[&d.v4(), "public"]);
    assert!(
        out.lines().any(|l| l.contains(" lo ") && l.contains("up")),
        "{out}"
    );

    let out = run("set_sysname", &[&d.v6(), "private", "edge-7"]);
    assert_eq!(out, "sysName.0 is now \"edge-7\"\n");

    let out = run(
        "poll_many",
        &["public", &d.v4(), &format!("[::1]:{}", d.port)],
    );
    assert_eq!(
        out.lines().filter(|l| l.contains("TimeTicks")).count(),
        2,
        "{out}"
    );

    // The lab config's v3 user (SHA-256 / AES-128).
    let out = run(
        "v3_query",
        &[&d.v4(), "labuser", "labauth123", "labpriv123"],
    );
    assert!(out.starts_with("sysName.0 = "), "{out}");
    assert!(out.contains("snmpEngineID.0 = 80"), "{out}");
    // The system group walked as a Stream, and a wrong password matched as a typed USM error.
    assert!(out.contains("system group: "), "{out}");
    assert!(!out.contains("system group: 0 varbinds"), "{out}");
    assert!(
        out.contains("wrong password: refused by the agent (usmStatsWrongDigests)"),
        "{out}"
    );
}

#[test]
fn trap_collector_prints_a_trap_from_snmptrap() {
    let port = free_udp_port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(example("trap_collector"))
        .args([&addr, "1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Resend until the collector is up and has printed its one notification.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let _ = netsnmp(
            "snmptrap",
            &[
                "-v2c",
                "-c",
                "public",
                &addr,
                "",
                "1.3.6.1.6.3.1.1.5.3",
                "1.3.6.1.2.1.2.2.1.1.2",
                "i",
                "2",
            ],
        );
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("trap_collector printed nothing");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("IF-MIB::linkDown"), "{text}");
    assert!(text.contains("IF-MIB::ifIndex.2 = INTEGER: 2"), "{text}");
}
