//! Recordings made by net-snmp's tools, replayed by `snmpkit agent`, read back by net-snmp's
//! tools: what comes back is what was recorded, line for line. net-snmp is the witness at both
//! ends; our recording parser and codec sit in between.
//! (tests/agent_core.rs covers the protocol: exceptions, Set, v3 pairs, traps, many devices.)

#[path = "../../../tests/common/mod.rs"]
mod common;

use common::*;

/// Serves `text` (written to `name`) with `snmpkit agent --data` and returns the agent.
fn serve(name: &str, text: &str, extra: &[&str]) -> (SnmpkitAgent, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join(name);
    std::fs::write(&data, text).unwrap();
    let mut args = vec!["--data", data.to_str().unwrap()];
    args.extend_from_slice(extra);
    (SnmpkitAgent::start(&args), dir)
}

/// The lines of a walk that are data (net-snmp's end-of-view line is the agent's answer, not
/// part of the recording).
fn data_lines(walk: &str) -> String {
    walk.lines()
        .filter(|l| !l.contains("No more variables left in this MIB View"))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn a_recording_of_snmpd_replays_line_for_line() {
    let d = Snmpd::start("");
    // The whole tree as `snmpwalk -m '' -On` prints it: hex strings, quoted strings, every
    // type snmpd serves.
    let rec = netsnmp(
        "snmpbulkwalk",
        &[
            "-v2c",
            "-c",
            "public",
            "-m",
            "",
            "-On",
            "-Cr25",
            &d.v4(),
            ".1",
        ],
    );
    assert_eq!(rec.code, 0, "{}", rec.stderr);
    let recorded = data_lines(&rec.stdout);
    assert!(recorded.lines().count() > 1000, "{}", rec.stdout);
    let (a, _dir) = serve("snmpd.snmpwalk", &rec.stdout, &[]);
    for (tool, extra) in [("snmpbulkwalk", "-Cr25"), ("snmpwalk", "-Cc")] {
        let r = netsnmp(
            tool,
            &[
                "-v2c",
                "-c",
                "public",
                "-m",
                "",
                "-On",
                extra,
                &a.v4(),
                ".1",
            ],
        );
        assert_eq!(r.code, 0, "{tool}: {}", r.stderr);
        // Only sysUpTime moves: the agent ticks it on from the recorded value.
        assert_same_lines(
            &data_lines(&r.stdout),
            &recorded,
            &["1.3.6.1.2.1.1.3.0"],
            tool,
        );
    }
}

#[test]
fn a_recording_made_with_mibs_loaded_replays_line_for_line() {
    let Some(mibdirs) = reference_mib_path() else {
        return;
    };
    let d = Snmpd::start("");
    // With net-snmp's MIBs loaded: enumerations, units, display hints (MAC addresses,
    // DateAndTime), BITS with names, `Network Address`, Opaque floats.
    let walk = |target: &str| {
        netsnmp(
            "snmpbulkwalk",
            &[
                "-v2c", "-c", "public", "-M", &mibdirs, "-m", "ALL", "-On", "-Cr25", target, ".1",
            ],
        )
    };
    let rec = walk(&d.v4());
    assert_eq!(rec.code, 0, "{}", rec.stderr);
    let (a, _dir) = serve("snmpd.walk", &rec.stdout, &[]);
    let r = walk(&a.v4());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_same_lines(
        &data_lines(&r.stdout),
        &data_lines(&rec.stdout),
        &["1.3.6.1.2.1.1.3.0"],
        "walk with -m ALL",
    );
}

#[test]
fn every_value_type_replays_as_recorded() {
    // tests/fixtures/responder.py serves one hand-written BER value per SMI type and edge case.
    let values = std::fs::read_to_string(repo().join("tests/fixtures/values.txt")).unwrap();
    let resp = ValueResponder::start(&values);
    let oids: Vec<&str> = values
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let get = |target: &str| {
        let mut args = vec!["-v2c", "-c", "public", "-m", "", "-On", target];
        args.extend(oids.iter().copied());
        netsnmp("snmpget", &args)
    };
    let rec = get(&resp.addr());
    assert_eq!(rec.code, 0, "{}", rec.stderr);
    let (a, _dir) = serve("values.snmpwalk", &rec.stdout, &[]);
    let r = get(&a.v4());
    // Exceptions and "Variable has bad type" are not data: the agent has no such object.
    let recorded: Vec<&str> = rec.stdout.lines().collect();
    let replayed: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        recorded.len(),
        replayed.len(),
        "{}\n---\n{}",
        rec.stdout,
        r.stdout
    );
    let mut compared = 0;
    for (want, got) in recorded.iter().zip(&replayed) {
        if want.contains("No Such")
            || want.contains("No more variables")
            || want.contains("Variable has bad type")
        {
            assert!(got.contains("No Such Object"), "{got}");
            continue;
        }
        assert_eq!(got, want);
        compared += 1;
    }
    assert!(compared >= 30, "{compared}");
}

#[test]
fn a_recording_made_by_snmpkit_walk_replays_line_for_line() {
    let d = Snmpd::start("");
    let rec = snmpkit("walk", &["-v2c", "-c", "public", "-On", &d.v4(), "system"]);
    assert_eq!(rec.code, 0, "{}", rec.stderr);
    let (a, _dir) = serve("system.txt", &rec.stdout, &[]);
    let r = snmpkit("walk", &["-v2c", "-c", "public", "-On", &a.v4(), "system"]);
    // The replay ends where the recording ends: the walk then meets endOfMibView.
    assert_same_lines(
        &data_lines(&r.stdout),
        &rec.stdout,
        &["1.3.6.1.2.1.1.3.0"],
        "snmpkit walk",
    );
}

#[test]
fn snmprec_directory_served_under_each_community_by_net_snmp_tools() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sw1.snmprec"),
        "1.3.6.1.2.1.1.5.0|4|sw1\n\
         1.3.6.1.2.1.2.2.1.2.1|4|port1\n\
         1.3.6.1.2.1.2.2.1.10.1|65|42\n\
         1.3.6.1.2.1.31.1.1.1.6.1|70|8589934592\n\
         1.3.6.1.2.1.4.20.1.1.192.0.2.1|64|192.0.2.1\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("ups.snmprec"),
        "1.3.6.1.2.1.1.5.0|4x|7570732d32\n1.3.6.1.2.1.1.3.0|67|500\n",
    )
    .unwrap();
    let a = SnmpkitAgent::start(&["--data", dir.path().to_str().unwrap()]);
    let r = netsnmp(
        "snmpbulkwalk",
        &["-v2c", "-c", "sw1", "-m", "", "-On", &a.v4(), ".1"],
    );
    assert_eq!(
        data_lines(&r.stdout),
        ".1.3.6.1.2.1.1.5.0 = STRING: \"sw1\"\n\
         .1.3.6.1.2.1.2.2.1.2.1 = STRING: \"port1\"\n\
         .1.3.6.1.2.1.2.2.1.10.1 = Counter32: 42\n\
         .1.3.6.1.2.1.4.20.1.1.192.0.2.1 = IpAddress: 192.0.2.1\n\
         .1.3.6.1.2.1.31.1.1.1.6.1 = Counter64: 8589934592\n"
    );
    let r = netsnmp(
        "snmpget",
        &[
            "-v1",
            "-c",
            "ups",
            "-m",
            "",
            "-On",
            &a.v6(),
            ".1.3.6.1.2.1.1.5.0",
        ],
    );
    assert_eq!(
        r.stdout, ".1.3.6.1.2.1.1.5.0 = STRING: \"ups-2\"\n",
        "{}",
        r.stderr
    );
    // A community with no recording gets no answer, as snmpd does for an unknown community.
    let r = netsnmp(
        "snmpget",
        &[
            "-v2c",
            "-c",
            "nope",
            "-t",
            "0.3",
            "-r",
            "0",
            &a.v4(),
            ".1.3.6.1.2.1.1.5.0",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Timeout"), "{}", r.stderr);
}

#[test]
fn broken_recordings_and_configs_stop_the_start_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("bad.snmpwalk");
    std::fs::write(
        &data,
        ".1.3.6.1.2.1.1.5.0 = STRING: \"ok\"\n.1.3.6.1.2.1.1.6.0 = INTEGER: many\n",
    )
    .unwrap();
    let r = snmpkit(
        "agent",
        &["--data", data.to_str().unwrap(), "udp:127.0.0.1:0"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "{}:2: bad INTEGER value: \"many\"",
            data.display()
        )),
        "{}",
        r.stderr
    );
    let good = dir.path().join("good.snmpwalk");
    std::fs::write(&good, ".1.3.6.1.2.1.1.5.0 = STRING: \"ok\"\n").unwrap();
    let conf = dir.path().join("snmpd.conf");
    std::fs::write(&conf, "rocommunity public\ncreateUser bob SHA short\n").unwrap();
    let r = snmpkit(
        "agent",
        &[
            "--config",
            conf.to_str().unwrap(),
            "--data",
            good.to_str().unwrap(),
            "udp:127.0.0.1:0",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "{}:2: createUser: auth passphrase shorter than 8 characters",
            conf.display()
        )),
        "{}",
        r.stderr
    );
}
