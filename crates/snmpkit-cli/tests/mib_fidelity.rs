//! Names and values as net-snmp prints them, with the modules it loads:
//! - with no `-m`, net-snmp's compiled-in default list over the full MIB collection;
//! - with `-m ALL`, the whole reference collection, where several modules define the same
//!   objects (RFC1213-MIB beside IP-MIB and IF-MIB, DISMAN-EXPRESSION-MIB beside
//!   DISMAN-EVENT-MIB) and the first one net-snmp reads names them.
//!
//! Whole-tree walks of the test snmpd are compared line for line, except values that change
//! between two reads; hand-written values served by tests/fixtures/responder.py reproduce each
//! `-m ALL` case on any machine.

#[path = "../../../tests/common/mod.rs"]
mod common;

use std::process::{Command, Stdio};

use common::*;

/// Rows that come and go while other tests run beside this one: processes, TCP and UDP
/// endpoints, neighbour caches (by object name, whatever module names them).
const CHURN: &[&str] = &[
    "hrSWRun",
    "tcpConn",
    "tcpListener",
    "udpLocal",
    "udpEndpoint",
    "ipNetToMedia",
    "ipNetToPhysical",
    "atIfIndex",
    "atPhysAddress",
    "atNetAddress",
    "ipv6NetToMedia",
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
    recs.retain(|r| {
        let object = r.split("::").nth(1).unwrap_or(r);
        !CHURN.iter().any(|c| object.starts_with(c))
    });
    recs
}

/// The reference collection (the full MIB set), or None with a message where it is absent.
fn reference() -> Option<String> {
    let dirs = reference_mib_path()?;
    Some(dirs.split(':').next().unwrap_or(&dirs).to_string())
}

/// Runs a net-snmp tool with the reference collection as its only MIB directory and with
/// net-snmp's own default module list unless `args` say otherwise.
fn net_snmp(prog: &str, reference: &str, args: &[&str]) -> Run {
    let out = Command::new(tool(prog))
        .args(args)
        .env("SNMPCONFPATH", clean_env_dir())
        .env("HOME", clean_env_dir())
        .env("MIBDIRS", reference)
        .env_remove("MIBS")
        .stdin(Stdio::null())
        .output()
        .expect("the net-snmp tool runs");
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// Walks the test snmpd's whole tree with net-snmp, then with snmpkit, then with net-snmp
/// again. A value equal in both net-snmp reads must be equal in ours; one that moved is
/// compared up to its type. Rows can still come and go while other tests run beside this
/// one (the two net-snmp reads then disagree on the rows), so a comparison spoiled that way is
/// read again, up to three times; a real difference fails every time.
fn whole_tree_matches(theirs_args: &[&str], ours_args: &[&str]) {
    let Some(reference) = reference() else {
        return;
    };
    let d = Snmpd::start("");
    let agent = d.v4();
    let mut last = String::new();
    for _ in 0..3 {
        match compare_once(&reference, &agent, theirs_args, ours_args) {
            Ok(()) => return,
            Err(e) => last = e,
        }
    }
    panic!("{last}");
}

fn compare_once(
    reference: &str,
    agent: &str,
    theirs_args: &[&str],
    ours_args: &[&str],
) -> Result<(), String> {
    let walk = |extra: &[&str]| -> Vec<String> {
        let mut args = extra.to_vec();
        args.extend(["-v2c", "-c", "public", "-Cr25", agent, ".1"]);
        let r = net_snmp("snmpbulkwalk", reference, &args);
        assert_eq!(r.code, 0, "snmpbulkwalk: {}", r.stderr);
        records(&r.stdout)
    };
    let before = walk(theirs_args);
    let mut args = ours_args.to_vec();
    args.extend(["-v2c", "-c", "public", "-Cr25", agent, ".1"]);
    let ours = snmpkit("bulkwalk", &args);
    assert_eq!(ours.code, 0, "{}", ours.stderr);
    let after = walk(theirs_args);
    let ours = records(&ours.stdout);
    assert!(before.len() > 500, "net-snmp walked only {}", before.len());
    if before.len() != after.len() || ours.len() != before.len() {
        return Err(format!(
            "row counts differ: net-snmp {} then {}, ours {}",
            before.len(),
            after.len(),
            ours.len()
        ));
    }
    let name = |r: &str| r.split(" = ").next().unwrap_or("").to_string();
    let kind = |r: &str| {
        let v = r.split(" = ").nth(1).unwrap_or("");
        v.split(':').next().unwrap_or("").to_string()
    };
    let mut moved = 0;
    for ((b, a), o) in before.iter().zip(&after).zip(&ours) {
        if name(o) != name(b) || name(a) != name(b) {
            return Err(format!(
                "names differ: ours {o:?}, net-snmp {b:?} then {a:?}"
            ));
        }
        if b == a {
            if o != b {
                return Err(format!(
                    "a value that held still differs: ours {o:?}, net-snmp {b:?}"
                ));
            }
        } else {
            moved += 1;
            if kind(o) != kind(b) {
                return Err(format!("a moving value differs in type: {o} / {b}"));
            }
        }
    }
    // Only a small part of the tree moves between reads (uptimes, counters, load).
    assert!(
        moved * 5 < before.len(),
        "{moved} of {} moved",
        before.len()
    );
    Ok(())
}

#[test]
fn whole_tree_with_default_modules_matches_net_snmp() {
    whole_tree_matches(&[], &[]);
}

#[test]
fn whole_tree_with_all_modules_matches_net_snmp() {
    let Some(reference) = reference() else {
        return;
    };
    whole_tree_matches(&["-m", "ALL"], &["-m", "ALL", "-M", &reference]);
}

#[test]
fn default_modules_are_net_snmps_compiled_in_list() {
    let Some(reference) = reference() else {
        return;
    };
    // net-snmp reports the list it starts from when asked to debug its MIB initialisation.
    let r = net_snmp("snmptranslate", &reference, &["-Dinit_mib", "sysName.0"]);
    let line = r
        .stderr
        .lines()
        .find(|l| l.contains("Seen MIBS"))
        .unwrap_or_else(|| panic!("no MIBS line in:\n{}", r.stderr));
    let list = line
        .split('\'')
        .nth(1)
        .expect("quoted module list")
        .trim_start_matches(':');
    let theirs: Vec<&str> = list.split(':').filter(|m| !m.is_empty()).collect();
    assert_eq!(theirs, snmpkit::mib::DEFAULT_MODULES);
}

/// Objects that RFC1213-MIB (and DISMAN-EXPRESSION-MIB) name under `-m ALL`, as a device
/// would send them.
const ALL_CASES: &str = "\
1.3.6.1.2.1.1.3.0 43 02 30 39
1.3.6.1.2.1.2.2.1.6.1 04 06 00 0c 29 5a 1b 3c
1.3.6.1.2.1.3.1.1.2.4.1.192.0.2.1 04 06 02 fc 00 00 00 05
1.3.6.1.2.1.3.1.1.3.4.1.192.0.2.1 40 04 c0 00 02 01
1.3.6.1.2.1.4.1.0 02 01 02
1.3.6.1.2.1.4.2.0 02 01 40
1.3.6.1.2.1.4.13.0 02 01 3c
1.3.6.1.2.1.6.1.0 02 01 04
1.3.6.1.4.1.2021.10.1.6.1 44 07 9f 78 04 3f c0 00 00
";

#[test]
fn all_modules_name_and_print_like_snmpget() {
    let Some(reference) = reference() else {
        return;
    };
    let r = ValueResponder::start(ALL_CASES);
    let agent = r.addr();
    for flags in ["", "-Oq", "-Ov", "-Oe", "-Os", "-OQ", "-Of"] {
        let mut args = vec!["-m", "ALL", "-v2c", "-c", "public"];
        if !flags.is_empty() {
            args.push(flags);
        }
        args.extend([agent.as_str(), "1.3"]);
        let theirs = net_snmp("snmpget", &reference, &args);
        assert_eq!(theirs.code, 0, "{}", theirs.stderr);
        let mut ours_args = vec!["-M", &reference];
        ours_args.extend(&args);
        let ours = snmpkit("get", &ours_args);
        assert_eq!(ours.code, 0, "{}", ours.stderr);
        assert!(
            theirs.stdout.contains("RFC1213-MIB::ipForwarding.0")
                || flags == "-Os"
                || flags == "-Of"
                || flags == "-Ov",
            "net-snmp did not name ipForwarding from RFC1213-MIB:\n{}",
            theirs.stdout
        );
        assert_eq!(ours.stdout, theirs.stdout, "snmpget -m ALL {flags}");
    }
}

#[test]
fn bulkwalk_prints_each_end_of_mib_view_like_snmpbulkwalk() {
    // An agent that repeats endOfMibView for every repetition left in the response.
    let r = ValueResponder::start(
        "1.3.6.1.2.1.1.1.0 04 01 61\n\
         1.3.6.1.2.1.1.1.0 82 00\n\
         1.3.6.1.2.1.1.1.0 82 00\n\
         1.3.6.1.2.1.1.1.0 82 00\n",
    );
    let agent = r.addr();
    let args = ["-m", "", "-v2c", "-c", "public", &agent, ".1.3.6.1.2.1.1"];
    let theirs = netsnmp("snmpbulkwalk", &args);
    let ours = snmpkit("bulkwalk", &args);
    assert_eq!(theirs.code, 0, "{}", theirs.stderr);
    assert_eq!(ours.code, theirs.code, "{}", ours.stderr);
    assert_eq!(
        theirs
            .stdout
            .matches("No more variables left in this MIB View")
            .count(),
        3
    );
    assert_eq!(ours.stdout, theirs.stdout);
}

/// A one-object module, for the cache test.
fn tiny_module(arc: u32) -> String {
    format!(
        "TINY-MIB DEFINITIONS ::= BEGIN\n\
         IMPORTS enterprises, OBJECT-TYPE, Integer32 FROM SNMPv2-SMI;\n\
         tinyValue OBJECT-TYPE\n\
             SYNTAX Integer32\n\
             MAX-ACCESS read-only\n\
             STATUS current\n\
             DESCRIPTION \"A value.\"\n\
             ::= {{ enterprises 99999 {arc} }}\n\
         END\n"
    )
}

#[test]
fn module_cache_is_reused_and_follows_changed_files() {
    let mibs = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let translate = || {
        let out = Command::new(snmpkit_bin())
            .args(["translate", "-m", "ALL", "-M"])
            .arg(mibs.path())
            .args(["-On", "TINY-MIB::tinyValue"])
            .env("SNMPCONFPATH", clean_env_dir())
            .env("HOME", clean_env_dir())
            .env("XDG_CACHE_HOME", cache.path())
            .env_remove("MIBS")
            .env_remove("MIBDIRS")
            .output()
            .expect("snmpkit runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let cached_files = || {
        std::fs::read_dir(cache.path().join("snmpkit"))
            .map(|d| d.count())
            .unwrap_or(0)
    };
    std::fs::write(mibs.path().join("TINY-MIB.txt"), tiny_module(1)).unwrap();
    assert_eq!(translate(), ".1.3.6.1.4.1.99999.1");
    assert_eq!(cached_files(), 1, "the first load writes the cache");
    assert_eq!(translate(), ".1.3.6.1.4.1.99999.1");
    assert_eq!(cached_files(), 1, "the second load reads it");
    // A changed file (other size) is a different key: the new definition is seen.
    std::fs::write(mibs.path().join("TINY-MIB.txt"), tiny_module(22)).unwrap();
    assert_eq!(translate(), ".1.3.6.1.4.1.99999.22");
    assert_eq!(cached_files(), 2);
}
