//! `snmpkit translate` against snmptranslate loading the same modules (the reference
//! collection, plus our `mibs/` for the modules it lacks). Names go to snmptranslate with
//! `-IR` (it needs it for names without a module); numeric OIDs without it (it refuses them
//! with `-IR`). Skipped with a message where ../shared is absent.

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

/// snmptranslate's answer for the same arguments.
fn theirs(m: &str, args: &[&str]) -> Run {
    let numeric = args.iter().any(|a| a.starts_with('.'));
    let mut nargs = vec!["-M", m, "-m", BUILTIN_MODULES];
    if !numeric {
        nargs.push("-IR");
    }
    nargs.extend_from_slice(args);
    netsnmp("snmptranslate", &nargs)
}

/// Our module files carry short descriptions of our own: `-Td` text without DESCRIPTION.
fn without_descriptions(s: &str) -> String {
    let mut out = String::new();
    let mut in_desc = false;
    for l in s.split_inclusive('\n') {
        if l.trim_start().starts_with("DESCRIPTION") {
            in_desc = l.matches('"').count() < 2;
            continue;
        }
        if in_desc {
            in_desc = !l.trim_end().ends_with('"');
            continue;
        }
        out.push_str(l);
    }
    out
}

#[test]
fn details_follow_the_output_style_and_separate_names_with_a_blank_line() {
    // Without the reference: the shape, which net-snmp's tool gives byte for byte below.
    let r = snmpkit("translate", &["-Td", "-On", "sysName.0", "ifTable"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stdout
        .starts_with(".1.3.6.1.2.1.1.5.0\nsysName OBJECT-TYPE\n"));
    assert!(r
        .stdout
        .contains(" sysName(5) 0 }\n\n.1.3.6.1.2.1.2.2\nifTable OBJECT-TYPE\n"));
    assert!(r.stdout.ends_with(" interfaces(2) 2 }\n"), "{:?}", r.stdout);
    let Some(m) = reference_mib_path() else {
        return;
    };
    let cases: &[&[&str]] = &[
        &["-Td", "-On", "sysName.0"],
        &["-Td", "-Of", "ifDescr.1"],
        &["-Td", "-Os", "ifTable", "sysName"],
        &["-Td", "ifOperStatus", "sysName.0", "IF-MIB::ifTable"],
        &["-Td", "-Ob", "vacmGroupName.3.\"ab\""],
        &["-Td", "hrStorageRam"],
        &["-Td", ".1.3.6.1.2.1.2.2.1.7.3"],
    ];
    for args in cases {
        let ours = snmpkit("translate", args);
        let net = theirs(&m, args);
        assert_eq!(ours.code, net.code, "{args:?}: {}", ours.stderr);
        assert_eq!(
            without_descriptions(&ours.stdout),
            without_descriptions(&net.stdout),
            "{args:?}"
        );
    }
}

#[test]
fn names_and_numbers_match_snmptranslate_in_every_style() {
    let Some(m) = reference_mib_path() else {
        return;
    };
    let names = [
        "sysName.0",
        "SNMPv2-MIB::sysUpTime.0",
        "ifDescr.3",
        "IF-MIB::ifTable",
        "ifXTable",
        "hrStorageDescr.31",
        "ipAddressIfIndex.ipv4.\"127.0.0.1\"",
        "vacmAccessStatus.\"grp\".\"\".3.authPriv",
        "usmUserEngineID",
        "entPhysicalDescr.1",
        "system",
        // Not "iso": snmptranslate prints the root without a module, we print SNMPv2-SMI::iso
        // (src/mib's formatting; reported).
    ];
    let numbers = [
        ".1.3.6.1.2.1.1.5.0",
        ".1.3.6.1.2.1.2.2.1.2.3",
        ".1.3.6.1.2.1.4.34.1.3.1.4.127.0.0.1",
        ".1.3.6.1.6.3.16.1.4.1.9.3.103.114.112.0.3.3",
        ".1.3.6.1.4.1.8072.3.2.10",
        ".1.3.6.1.99.5",
    ];
    for style in ["", "-On", "-Of", "-Os", "-Ou", "-Ob"] {
        for group in [&names[..], &numbers[..]] {
            let mut args: Vec<&str> = Vec::new();
            if !style.is_empty() {
                args.push(style);
            }
            args.extend_from_slice(group);
            let ours = snmpkit("translate", &args);
            let net = theirs(&m, &args);
            assert_eq!(ours.code, net.code, "{args:?}: {}", ours.stderr);
            assert_eq!(ours.stdout, net.stdout, "{args:?}");
        }
    }
}

#[test]
fn an_unknown_name_stops_with_snmptranslates_message_and_exit_code() {
    // snmptranslate prints the names before the unknown one, then stops with exit code 2.
    let args = ["sysName.0", "noSuchThing.0", "ifDescr.1"];
    let ours = snmpkit("translate", &args);
    assert_eq!(ours.code, 2);
    assert_eq!(ours.stdout, "SNMPv2-MIB::sysName.0\n\n");
    assert_eq!(ours.stderr, "Unknown object identifier: noSuchThing.0\n");
    let Some(m) = reference_mib_path() else {
        return;
    };
    for args in [
        &args[..],
        &["IF-MIB::noSuchThing"],
        &["SNMPv2-MIB::ifDescr"],
        &["vacmGroupName.3.abc"],
    ] {
        let ours = snmpkit("translate", args);
        let net = theirs(&m, args);
        assert_eq!(
            (ours.code, &ours.stdout, &ours.stderr),
            (net.code, &net.stdout, &net.stderr),
            "{args:?}"
        );
    }
}
