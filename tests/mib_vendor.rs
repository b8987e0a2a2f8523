//! A vendor MIB directory added with `-M +DIR`: its table (compound index of an integer and a
//! string) resolves and decodes, and a broken module beside it only produces a warning.

use std::path::Path;
use std::process::Command;

use snmpkit::mib::{Mib, MibConfig, OidStyle};
use snmpkit::Oid;

const ACME: &str = r#"ACME-MIB DEFINITIONS ::= BEGIN
IMPORTS
    MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI
    DisplayString FROM SNMPv2-TC;

acmeMib MODULE-IDENTITY
    LAST-UPDATED "202401010000Z"
    ORGANIZATION "Acme"
    CONTACT-INFO "noc@example.com"
    DESCRIPTION "Test vendor module."
    ::= { enterprises 99998 }

acmeTable OBJECT-TYPE
    SYNTAX SEQUENCE OF AcmeEntry
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "Slots."
    ::= { acmeMib 1 }

acmeEntry OBJECT-TYPE
    SYNTAX AcmeEntry
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "One slot."
    INDEX { acmeSlot, acmeName }
    ::= { acmeTable 1 }

AcmeEntry ::= SEQUENCE { acmeSlot Integer32, acmeName DisplayString, acmeState INTEGER }

acmeSlot OBJECT-TYPE
    SYNTAX Integer32 (1..100)
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "Slot number."
    ::= { acmeEntry 1 }

acmeName OBJECT-TYPE
    SYNTAX DisplayString (SIZE (1..32))
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "Slot name."
    ::= { acmeEntry 2 }

acmeState OBJECT-TYPE
    SYNTAX INTEGER { ok(1), failed(2) }
    UNITS "state"
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION "Slot state."
    ::= { acmeEntry 3 }

END
"#;

const BROKEN: &str = r#"BROKEN-MIB DEFINITIONS ::= BEGIN
IMPORTS MODULE-IDENTITY, OBJECT-TYPE FROM SNMPv2-SMI;
brokenThing OBJECT-TYPE SYNTAX INTEGER { a(1) MAX-ACCESS read-only STATUS current
  ::= { nowhere 1
junk junk ::= ::= {
"#;

fn vendor_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("ACME-MIB.txt"), ACME).expect("write");
    std::fs::write(dir.path().join("BROKEN-MIB.txt"), BROKEN).expect("write");
    dir
}

fn config(dir: &Path, modules: &str) -> MibConfig {
    MibConfig {
        home: None,
        ..MibConfig::default()
    }
    .with_dirs(format!("+{}", dir.display()))
    .with_modules(modules)
}

#[test]
fn vendor_table_with_compound_index() {
    let dir = vendor_dir();
    let (mib, warnings) = Mib::load(&config(dir.path(), "+ACME-MIB:BROKEN-MIB"));
    for w in &warnings {
        println!("{w}");
    }
    assert!(
        warnings
            .iter()
            .any(|w| w.module.as_deref() == Some("BROKEN-MIB")),
        "expected a warning about BROKEN-MIB, got {warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .all(|w| w.module.as_deref() != Some("ACME-MIB")),
        "{warnings:?}"
    );
    // The standard modules are still there.
    assert_eq!(
        mib.resolve("sysName.0").map(|o| o.to_string()),
        Ok("1.3.6.1.2.1.1.5.0".to_string())
    );

    let oid = mib.resolve("acmeState.3.\"slot-a\"").expect("resolves");
    assert_eq!(
        oid.to_string(),
        "1.3.6.1.4.1.99998.1.1.3.3.6.115.108.111.116.45.97"
    );
    assert_eq!(
        mib.resolve("ACME-MIB::acmeState.3.\"slot-a\""),
        Ok(oid.clone())
    );
    let info = mib.lookup(&oid).expect("lookup");
    assert_eq!(info.display_name(), "ACME-MIB::acmeState.3.\"slot-a\"");
    assert_eq!(info.enum_label(2), Some("failed"));
    assert_eq!(info.units(), Some("state"));
    let decoded = info.decode_index().expect("index");
    assert!(decoded.is_complete(2));
    assert_eq!(decoded.components[0].display, "3");
    assert_eq!(decoded.components[1].display, "\"slot-a\"");
    let table = mib.node("acmeTable").expect("table");
    let cols: Vec<&str> = table.columns().iter().map(|c| c.name()).collect();
    assert_eq!(cols, ["acmeSlot", "acmeName", "acmeState"]);
}

#[test]
fn missing_module_is_a_warning() {
    let dir = vendor_dir();
    let (mib, warnings) = Mib::load(&config(dir.path(), "+NOPE-MIB"));
    assert!(warnings
        .iter()
        .any(|w| w.message == "Cannot find module (NOPE-MIB)"));
    assert!(mib.resolve("ifDescr.1").is_ok());
}

#[test]
fn all_loads_every_module_of_the_path() {
    let dir = vendor_dir();
    let cfg = MibConfig {
        home: None,
        ..MibConfig::default()
    }
    .with_dirs(dir.path().display().to_string())
    .with_modules("ALL");
    let (mib, warnings) = Mib::load(&cfg);
    assert!(mib.has_module("ACME-MIB"));
    assert!(mib.has_module("IF-MIB"));
    assert!(warnings
        .iter()
        .any(|w| w.module.as_deref() == Some("BROKEN-MIB")));
}

#[test]
fn vendor_names_match_snmptranslate() {
    if Command::new("snmptranslate").arg("-V").output().is_err() {
        println!("SKIPPED: snmptranslate is not installed");
        return;
    }
    let reference = Path::new("/work/shared/reference/mibs");
    if !reference.is_dir() {
        println!("SKIPPED: {} is absent", reference.display());
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("ACME-MIB.txt"), ACME).expect("write");
    let (mib, _) = Mib::load(&config(dir.path(), "+ACME-MIB"));
    let oids = [
        ".1.3.6.1.4.1.99998.1.1.3.3.6.115.108.111.116.45.97",
        ".1.3.6.1.4.1.99998.1.1.3.3",
        ".1.3.6.1.4.1.99998.1.1.2",
    ];
    let out = Command::new("snmptranslate")
        .env("SNMPCONFPATH", dir.path())
        .args(["-m", "ACME-MIB", "-M"])
        .arg(format!("{}:{}", dir.path().display(), reference.display()))
        .args(oids)
        .output()
        .expect("snmptranslate");
    let theirs: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    let ours: Vec<String> = oids
        .iter()
        .map(|s| mib.format_oid(&s.parse::<Oid>().expect("oid"), OidStyle::Module, false))
        .collect();
    assert_eq!(ours, theirs);
}
