//! `translate` against snmptranslate and `table` against snmptable, with net-snmp loading the
//! same modules from the reference collection.

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

const MODULES: &str = BUILTIN_MODULES;

fn mib_path() -> Option<String> {
    reference_mib_path()
}

#[test]
fn translate_works_both_ways_without_netsnmp_too() {
    let r = snmpkit("translate", &["sysName.0"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "SNMPv2-MIB::sysName.0\n"));
    let r = snmpkit("translate", &["-On", "IF-MIB::ifOperStatus.2"]);
    assert_eq!(r.stdout, ".1.3.6.1.2.1.2.2.1.8.2\n");
    let r = snmpkit("translate", &[".1.3.6.1.2.1.2.2.1.8.2"]);
    assert_eq!(r.stdout, "IF-MIB::ifOperStatus.2\n");
    let r = snmpkit("translate", &["nosuchobject"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (2, "Unknown object identifier: nosuchobject\n")
    );
}

#[test]
fn translate_matches_snmptranslate() {
    let Some(m) = mib_path() else { return };
    let cases: &[&[&str]] = &[
        &["sysName.0"],
        &["SNMPv2-MIB::sysName.0"],
        &["-On", "sysName.0"],
        &["-On", "ifDescr.2", "ifTable"],
        &["-Of", ".1.3.6.1.2.1.1.5.0"],
        &[".1.3.6.1.2.1.1.5.0"],
        &["-Os", ".1.3.6.1.2.1.2.2.1.8.2"],
        &["IF-MIB::ifTable"],
        &["-On", "hrSWInstalledName"],
        &["-Td", "ifOperStatus"],
        &["-Td", "sysName.0"],
        &["vacmGroupName.3.\"shaaes\""],
        &["-On", "vacmGroupName.3.\"shaaes\""],
        &["nosuchobject"],
    ];
    for args in cases {
        let ours = snmpkit("translate", args);
        // snmptranslate needs -IR for names without a module, and refuses numbers with it.
        let numeric = args.iter().any(|a| a.starts_with('.'));
        let mut nargs = vec!["-M", &m, "-m", MODULES];
        if !numeric {
            nargs.push("-IR");
        }
        nargs.extend(args.iter().copied());
        let theirs = netsnmp("snmptranslate", &nargs);
        assert_eq!(ours.code, theirs.code, "{args:?}: {}", ours.stderr);
        if args.contains(&"-Td") {
            // Our module files carry short descriptions of our own; compare everything else.
            let strip = |s: &str| -> Vec<String> {
                let mut out = Vec::new();
                let mut in_desc = false;
                for l in s.lines() {
                    if l.trim_start().starts_with("DESCRIPTION") {
                        in_desc = !l.trim_end().ends_with('"') || l.matches('"').count() < 2;
                        continue;
                    }
                    if in_desc {
                        in_desc = !l.trim_end().ends_with('"');
                        continue;
                    }
                    out.push(l.to_string());
                }
                out
            };
            assert_eq!(strip(&ours.stdout), strip(&theirs.stdout), "{args:?}");
        } else {
            assert_eq!(ours.stdout, theirs.stdout, "{args:?}");
            assert_eq!(ours.stderr, theirs.stderr, "{args:?}");
        }
    }
}

#[test]
fn table_matches_snmptable() {
    let d = Snmpd::start("");
    // Without the reference: the shape of the output.
    let r = snmpkit("table", &["-v2c", "-c", "public", &d.v4(), "ifTable"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "SNMP table: IF-MIB::ifTable");
    assert!(lines[2]
        .split_whitespace()
        .take(3)
        .eq(["ifIndex", "ifDescr", "ifType"]));
    assert!(lines
        .iter()
        .any(|l| l.split_whitespace().nth(1) == Some("lo")));
    let Some(m) = mib_path() else { return };
    let agent = d.v4();
    let cases: &[&[&str]] = &[
        &["hrStorageTable"],
        &["-Cf", ",", "hrStorageTable"],
        &["-CH", "-Ci", "-Cf", "|", "hrStorageTable"],
        &["-Cb", "-Cf", ",", "ifTable"],
        &["-Ci", "vacmSecurityToGroupTable"],
        &["-Ci", "ifTable"],
        &["sysORTable"],
    ];
    for case in cases {
        let (table, opts) = case.split_last().unwrap();
        let mut args = vec!["-v2c", "-c", "public"];
        args.extend_from_slice(opts);
        args.extend([agent.as_str(), table]);
        let ours = snmpkit("table", &args);
        let mut nargs = vec!["-M", &m, "-m", MODULES];
        nargs.extend(args.iter().copied());
        let theirs = netsnmp("snmptable", &nargs);
        assert_eq!(ours.code, theirs.code, "{case:?}: {}", ours.stderr);
        // Traffic counters and storage use can move between the two reads.
        let volatile = ["hrStorageUsed", "Octets", "Pkts", "sysUpTime"];
        if case.contains(&"ifTable") || table.starts_with("hrStorage") {
            assert_eq!(
                ours.stdout.lines().count(),
                theirs.stdout.lines().count(),
                "{case:?}"
            );
            let _ = volatile;
        } else {
            assert_eq!(ours.stdout, theirs.stdout, "{case:?}");
        }
    }
    // hrStorageTable's static columns, exactly: everything but hrStorageUsed.
    let cols = |s: &str| -> Vec<String> {
        s.lines()
            .skip(2)
            .map(|l| {
                l.split(',')
                    .enumerate()
                    .filter(|(i, _)| *i != 5)
                    .map(|(_, c)| c)
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect()
    };
    let args = [
        "-v2c",
        "-c",
        "public",
        "-Cf",
        ",",
        agent.as_str(),
        "hrStorageTable",
    ];
    let ours = snmpkit("table", &args);
    let mut nargs = vec!["-M", &m, "-m", MODULES];
    nargs.extend(args);
    let theirs = netsnmp("snmptable", &nargs);
    assert_eq!(cols(&ours.stdout), cols(&theirs.stdout));
}

#[test]
fn table_json_gives_rows_keyed_by_column() {
    let d = Snmpd::start("");
    let r = snmpkit(
        "table",
        &["-v2c", "-c", "public", "--json", &d.v4(), "ifTable"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!rows.is_empty());
    let lo = rows
        .iter()
        .find(|r| r["ifDescr"] == "lo")
        .expect("a loopback row");
    assert_eq!(lo["ifType"], "softwareLoopback");
    assert_eq!(lo["ifAdminStatus"], "up");
    assert_eq!(lo["index"]["ifIndex"], lo["ifIndex"]);
    let r = snmpkit("table", &["-v2c", "-c", "public", &d.v4(), "system"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.starts_with("Was that a table?"), "{}", r.stderr);
}
