//! With no `-m`, snmpkit names and renders the test snmpd's whole tree as net-snmp does with
//! its compiled-in default module list and the full MIB collection: line for line, except
//! values that change between two reads.

mod common;

use std::process::{Command, Stdio};

use common::*;

/// Rows that come and go while other tests run beside this one: processes, TCP and UDP
/// endpoints, neighbour caches.
const CHURN: &[&str] = &[
    "HOST-RESOURCES-MIB::hrSWRun",
    "TCP-MIB::tcpConn",
    "TCP-MIB::tcpListener",
    "UDP-MIB::udpLocal",
    "UDP-MIB::udpEndpoint",
    "IP-MIB::ipNetToMedia",
    "IP-MIB::ipNetToPhysical",
    "RFC1213-MIB::at",
    "IPV6-MIB::ipv6NetToMedia",
];

/// Splits walk output into records (a value may continue over several lines) and drops the
/// rows in `CHURN`.
fn records(out: &str) -> Vec<String> {
    let mut recs: Vec<String> = Vec::new();
    for line in out.lines() {
        let starts_record = line.contains(" = ")
            && (line.starts_with('.')
                || line.starts_with("iso")
                || line.split(" = ").next().is_some_and(|n| n.contains("::")));
        match recs.last_mut() {
            Some(last) if !starts_record => {
                last.push('\n');
                last.push_str(line);
            }
            _ => recs.push(line.to_string()),
        }
    }
    recs.retain(|r| !CHURN.iter().any(|c| r.starts_with(c)));
    recs
}

fn net_snmp_walk(reference: &str, agent: &str) -> String {
    let out = Command::new(tool("snmpbulkwalk"))
        .args(["-v2c", "-c", "public", "-Cr25", agent, ".1"])
        .env("SNMPCONFPATH", clean_env_dir())
        .env("HOME", clean_env_dir())
        .env("MIBDIRS", reference)
        .env_remove("MIBS")
        .stdin(Stdio::null())
        .output()
        .expect("snmpbulkwalk runs");
    assert!(out.status.success(), "snmpbulkwalk failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn whole_tree_with_default_modules_matches_net_snmp() {
    let Some(dirs) = reference_mib_path() else {
        return;
    };
    // The full MIB set: the reference collection only (our own files are not needed by it).
    let reference = dirs.split(':').next().unwrap_or(&dirs).to_string();
    let d = Snmpd::start("");
    let agent = d.v4();
    // Ours is read between two reads by net-snmp: a value equal in both of those must be
    // equal in ours; one that moved is compared up to its type.
    let before = records(&net_snmp_walk(&reference, &agent));
    let ours = snmpkit("bulkwalk", &["-v2c", "-c", "public", "-Cr25", &agent, ".1"]);
    assert_eq!(ours.code, 0, "{}", ours.stderr);
    let after = records(&net_snmp_walk(&reference, &agent));
    let ours = records(&ours.stdout);
    assert!(before.len() > 500, "net-snmp walked only {}", before.len());
    assert_eq!(
        before.len(),
        after.len(),
        "net-snmp's two walks differ in rows"
    );
    assert_eq!(ours.len(), before.len(), "row counts differ");
    let name = |r: &str| r.split(" = ").next().unwrap_or("").to_string();
    let kind = |r: &str| {
        let v = r.split(" = ").nth(1).unwrap_or("");
        v.split(':').next().unwrap_or("").to_string()
    };
    let mut moved = 0;
    for ((b, a), o) in before.iter().zip(&after).zip(&ours) {
        assert_eq!(name(o), name(b), "names differ");
        if b == a {
            assert_eq!(o, b, "a value that held still differs");
        } else {
            moved += 1;
            assert_eq!(
                kind(o),
                kind(b),
                "a moving value differs in type: {o} / {b}"
            );
        }
    }
    // Only a small part of the tree moves between reads (uptimes, counters, load).
    assert!(
        moved * 5 < before.len(),
        "{moved} of {} moved",
        before.len()
    );
}
