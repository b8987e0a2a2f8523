//! Output fidelity for every value type: a tiny responder written apart from snmpkit's codec
//! (tests/fixtures/responder.py) serves hand-written BER values; snmpget and snmpkit fetch
//! them and must print the same bytes, for each -O variant.

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

fn responder() -> ValueResponder {
    let values = std::fs::read_to_string(repo().join("tests/fixtures/values.txt")).unwrap();
    ValueResponder::start(&values)
}

/// A responder serving `values` (responder.py's VARBINDS format).
fn responder_with(values: &str) -> ValueResponder {
    ValueResponder::start(values)
}

#[test]
fn every_type_prints_like_snmpget() {
    let r = responder();
    let agent = format!("127.0.0.1:{}", r.port);
    for flags in [
        "", "-Oq", "-OQ", "-Ov", "-Ox", "-Ot", "-Oa", "-OU", "-Oe", "-On", "-Of", "-Os", "-Ou",
        "-OqQ", "-OT", "-Oqt", "-Ovq", "-OnQ", "-Oxq",
    ] {
        let mut args = vec!["-v2c", "-c", "public", "-m", ""];
        if !flags.is_empty() {
            args.push(flags);
        }
        args.extend([agent.as_str(), "1.3"]);
        let theirs = netsnmp("snmpget", &args);
        let ours = snmpkit("get", &args);
        assert_eq!(theirs.code, 0, "{}", theirs.stderr);
        assert_eq!(ours.code, 0, "{flags}: {}", ours.stderr);
        assert!(
            theirs.stdout.lines().count() > 38,
            "{flags}: net-snmp printed too little"
        );
        for (a, b) in ours.stdout.lines().zip(theirs.stdout.lines()) {
            assert_eq!(a, b, "snmpget {flags}");
        }
        assert_eq!(ours.stdout, theirs.stdout, "snmpget {flags}");
    }
}

#[test]
fn json_carries_every_type() {
    let r = responder();
    let agent = format!("127.0.0.1:{}", r.port);
    let ours = snmpkit("get", &["-v2c", "-c", "public", "--json", &agent, "1.3"]);
    assert_eq!(ours.code, 0, "{}", ours.stderr);
    let objs: Vec<serde_json::Value> = ours
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objs.len(), 39);
    let by_oid = |n: u32| {
        objs.iter()
            .find(|o| o["oid"] == format!(".1.3.6.1.4.1.99999.{n}.0"))
            .unwrap()
    };
    assert_eq!(by_oid(1)["value"], "lab-router");
    assert_eq!(by_oid(6)["type"], "STRING");
    assert_eq!(by_oid(6)["hex"], "001b213c4d5e");
    assert_eq!(by_oid(12)["value"], -1);
    assert_eq!(by_oid(17)["value"], "10.0.0.1");
    assert_eq!(by_oid(18)["type"], "Counter32");
    assert_eq!(by_oid(24)["value"], u64::MAX.to_string());
    assert_eq!(by_oid(25)["value"], 1.5);
    assert_eq!(by_oid(31)["type"], "noSuchObject");
    assert!(by_oid(31)["value"].is_null());
}

/// A negative error-index omitted net-snmp's `Failed object: ` line (net-snmp prints it, empty,
/// for any non-zero index that names no varbind). Also: snmpgetnext exits 0 after an error
/// whose index is 0, as net-snmp's does.
#[test]
fn negative_error_index_prints_an_empty_failed_object_line() {
    for index in ["-1", "-7", "0", "1", "3"] {
        let r = responder_with(&format!(
            "!error 5 {index}\n1.3.6.1.2.1.1.5.0 04 02 61 62\n1.3.6.1.2.1.1.6.0 04 01 63\n"
        ));
        let agent = format!("127.0.0.1:{}", r.port);
        // -Cf: report, do not retry without the failed object (this responder always fails).
        let get: [&str; 8] = [
            "-v2c",
            "-c",
            "public",
            "-m",
            "",
            "-Cf",
            &agent,
            "1.3.6.1.2.1.1.5.0",
        ];
        let set: [&str; 9] = [
            "-v2c",
            "-c",
            "public",
            "-m",
            "",
            &agent,
            "1.3.6.1.2.1.1.5.0",
            "s",
            "x",
        ];
        for (cmd, args) in [("get", &get[..]), ("getnext", &get[..]), ("set", &set[..])] {
            let theirs = netsnmp(&format!("snmp{cmd}"), args);
            let ours = snmpkit(cmd, args);
            assert_eq!(ours.stderr, theirs.stderr, "{cmd} with error-index {index}");
            assert_eq!(ours.code, theirs.code, "{cmd} with error-index {index}");
            if index.starts_with('-') {
                assert!(
                    theirs.stderr.contains("Failed object: \n"),
                    "{}",
                    theirs.stderr
                );
            }
        }
    }
}
