//! The examples build (cargo test builds them) and do their jobs against the lab agent.

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
    let d = Snmpd::start("");
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
}
