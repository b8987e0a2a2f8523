//! Compares name <-> OID translation, index display and `-Td` with net-snmp's snmptranslate
//! loading the same modules (our `mibs/` plus the SMI base modules from the reference
//! collection). Skipped, with a message, where snmptranslate or the reference is absent.

use std::path::Path;
use std::process::Command;

use snmpkit::mib::{Mib, MibConfig, OidStyle};
use snmpkit::Oid;

const REFERENCE: &str = "/work/shared/reference/mibs";

/// A directory net-snmp can load our modules from, or None (with a message) when the
/// comparison cannot run here.
fn net_snmp_dir() -> Option<tempfile::TempDir> {
    if !Path::new(REFERENCE).is_dir() {
        println!("SKIPPED: {REFERENCE} is absent");
        return None;
    }
    if Command::new("snmptranslate").arg("-V").output().is_err() {
        println!("SKIPPED: snmptranslate is not installed");
        return None;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let ours = Path::new(env!("CARGO_MANIFEST_DIR")).join("mibs");
    for e in std::fs::read_dir(ours).expect("mibs/") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "txt") {
            std::fs::copy(&p, dir.path().join(p.file_name().expect("name"))).expect("copy");
        }
    }
    for base in ["SNMPv2-SMI", "SNMPv2-TC", "SNMPv2-CONF"] {
        let f = format!("{base}.txt");
        std::fs::copy(Path::new(REFERENCE).join(&f), dir.path().join(&f)).expect("copy base");
    }
    Some(dir)
}

/// Asserts two lists are equal, reporting only the differing entries.
fn same(ours: &[String], theirs: &[String], what: &str) {
    assert_eq!(ours.len(), theirs.len(), "{what}: line counts differ");
    let diffs: Vec<String> = ours
        .iter()
        .zip(theirs)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("ours {a:?} net-snmp {b:?}"))
        .collect();
    assert!(
        diffs.is_empty(),
        "{what}: {} differ:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

/// Runs snmptranslate once per batch of arguments, one output line per argument.
fn snmptranslate(dir: &Path, opts: &[&str], args: &[String]) -> Vec<String> {
    let mut lines = Vec::new();
    for chunk in args.chunks(200) {
        let out = Command::new("snmptranslate")
            .env("SNMPCONFPATH", dir)
            .args(["-m", &snmpkit::mib::DEFAULT_MODULES.join(":"), "-M"])
            .arg(dir)
            .args(opts)
            .args(chunk)
            .output()
            .expect("snmptranslate runs");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        lines.extend(text.lines().filter(|l| !l.is_empty()).map(String::from));
    }
    lines
}

#[test]
fn every_builtin_name_matches_snmptranslate_both_ways() {
    let Some(dir) = net_snmp_dir() else { return };
    let mib = Mib::builtin();
    let nodes: Vec<_> = mib
        .nodes()
        .filter(|n| !n.module().is_empty() && n.oid().len() > 1)
        .filter(|n| !matches!(n.module(), "SNMPv2-SMI" | "SNMPv2-TC" | "SNMPv2-CONF"))
        .collect();
    assert!(nodes.len() > 1000, "{} nodes", nodes.len());

    let names: Vec<String> = nodes
        .iter()
        .map(|n| format!("{}::{}", n.module(), n.name()))
        .collect();
    let theirs = snmptranslate(dir.path(), &["-On"], &names);
    let ours: Vec<String> = names
        .iter()
        .map(|n| {
            mib.resolve(n)
                .map(|o| o.to_dotted_leading())
                .unwrap_or_default()
        })
        .collect();
    same(&ours, &theirs, "name -> OID");

    let oids: Vec<String> = nodes.iter().map(|n| n.oid().to_dotted_leading()).collect();
    let theirs = snmptranslate(dir.path(), &[], &oids);
    let ours: Vec<String> = nodes
        .iter()
        .map(|n| mib.format_oid(&n.oid(), OidStyle::Module, false))
        .collect();
    same(&ours, &theirs, "OID -> name");

    let theirs = snmptranslate(dir.path(), &["-Of"], &oids);
    let ours: Vec<String> = nodes
        .iter()
        .map(|n| mib.format_oid(&n.oid(), OidStyle::Full, false))
        .collect();
    same(&ours, &theirs, "-Of");
}

#[test]
fn instances_and_indexes_match_snmptranslate() {
    let Some(dir) = net_snmp_dir() else { return };
    let mib = Mib::builtin();
    let oids: Vec<String> = [
        "1.3.6.1.2.1.1.5.0",
        "1.3.6.1.2.1.2.2.1.2.3",
        "1.3.6.1.2.1.2.2.1.2.3.4",
        "1.3.6.1.2.1.31.1.1.1.1.2",
        "1.3.6.1.6.3.16.1.2.1.3.3.6.115.104.97.97.101.115",
        "1.3.6.1.6.3.16.1.2.1.3.3.3.1.2.200",
        "1.3.6.1.6.3.16.1.4.1.9.3.103.114.112.0.3.1",
        "1.3.6.1.6.3.16.1.4.1.9.3.103.114.112.0.3.7",
        "1.3.6.1.6.3.16.1.5.2.1.6.3.97.108.108.3.1.3.6",
        "1.3.6.1.2.1.4.34.1.3.1.4.127.0.0.1",
        "1.3.6.1.2.1.4.34.1.3.1.4.127.0.0",
        "1.3.6.1.2.1.4.34.1.3.2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1",
        "1.3.6.1.2.1.4.34.1.3.3.8.254.128.0.0.0.0.0.1",
        "1.3.6.1.2.1.4.34.1.3.16.3.1.2.3",
        "1.3.6.1.2.1.4.34.1.3.0.0",
        "1.3.6.1.2.1.4.20.1.2.10.0.0.1",
        "1.3.6.1.2.1.4.35.1.4.2.1.4.10.0.0.1",
        "1.3.6.1.2.1.4.24.7.1.7.1.4.10.0.0.0.8.2.0.0.1.4.10.0.0.1",
        "1.3.6.1.2.1.6.20.1.4.1.4.127.0.0.1.22",
        "1.3.6.1.6.3.12.1.2.1.2.97.98",
        "1.3.6.1.6.3.15.1.2.2.1.3.5.128.0.31.136.4.4.117.115.101.114",
        "1.3.6.1.6.3.15.1.2.2.1.3.13.128.0.31.136.128.88.39.139.5.203.180.118.96.0.0.0.4.117.115.101.114",
        "1.3.6.1.2.1.25.2.3.1.4.1",
        "1.3.6.1.2.1.25.6.3.1.2.5",
        "1.3.6.1.4.1.8072.3.2.10",
        "1.3.6.1.2.1.47.1.1.1.1.2.1",
        "1.3.6.1.2.1.92",
        "1.3.6.1.6.3.1.1.5.3",
    ]
    .iter()
    .map(|s| format!(".{s}"))
    .collect();
    for (opts, style, numeric_index) in [
        (&[][..], OidStyle::Module, false),
        (&["-Os"][..], OidStyle::Short, false),
        (&["-Of"][..], OidStyle::Full, false),
        (&["-Ob"][..], OidStyle::Module, true),
        (&["-Ou"][..], OidStyle::Ucd, false),
    ] {
        let theirs = snmptranslate(dir.path(), opts, &oids);
        let ours: Vec<String> = oids
            .iter()
            .map(|s| {
                let oid: Oid = s.parse().expect("oid");
                mib.format_oid(&oid, style, numeric_index)
            })
            .collect();
        same(&ours, &theirs, &format!("options {opts:?}"));
    }
}

#[test]
fn describe_matches_snmptranslate_td() {
    let Some(dir) = net_snmp_dir() else { return };
    let mib = Mib::builtin();
    let mut checked = 0;
    let mut differ = Vec::new();
    // Every third node of every kind, to keep the number of processes reasonable.
    for n in mib
        .nodes()
        .filter(|n| !n.module().is_empty() && !n.module().starts_with("SNMPv2-"))
        .step_by(3)
    {
        let theirs = snmptranslate(dir.path(), &["-Td"], &[n.oid().to_dotted_leading()]).join("\n");
        let ours = mib.describe(&n.oid()).unwrap_or_default();
        checked += 1;
        if ours != theirs {
            differ.push(format!("--- ours\n{ours}\n--- net-snmp\n{theirs}"));
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {checked} differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
}

#[test]
fn default_config_is_the_builtin_set() {
    let cfg = MibConfig {
        home: None,
        ..MibConfig::default()
    };
    let (mib, warnings) = Mib::load(&cfg);
    assert!(warnings.is_empty());
    assert!(mib.has_module("IF-MIB"));
    assert!(mib.has_module("UCD-SNMP-MIB"));
    // Shipped, but not in net-snmp's default list.
    assert!(!mib.has_module("ENTITY-MIB"));
    let (none, _) = Mib::load(&cfg.clone().with_modules(""));
    assert!(none.resolve("sysName.0").is_err());
}
