//! What a newcomer trips on (issue 14): net-snmp's command names as links to the binary, no
//! default community, `set` values checked against the MIB, help, the program name in
//! messages, and JSON that scripts can trust. Compared with net-snmp's own tools wherever the
//! behaviour is net-snmp's.

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;
use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs a program with snmp.conf read from `conf_dir` only (SNMPCONFPATH), MIBS unset.
fn run_with_conf(program: &std::path::Path, args: &[&str], conf_dir: &std::path::Path) -> Run {
    let o = Command::new(program)
        .args(args)
        .env("SNMPCONFPATH", conf_dir)
        .env("HOME", conf_dir)
        .env("MIBS", "")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        code: o.status.code().unwrap_or(-1),
    }
}

fn json_lines(out: &str) -> Vec<serde_json::Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

#[test]
fn netsnmp_names_run_their_commands_like_netsnmp() {
    let d = Snmpd::start("");
    let links = Links::install();
    let agent = d.v4();
    let a = agent.as_str();
    let system = "1.3.6.1.2.1.1";
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "snmpget",
            vec![
                "-v2c",
                "-c",
                "public",
                "-m",
                "",
                a,
                "1.3.6.1.2.1.1.1.0",
                "1.3.6.1.2.1.1.5.0",
            ],
        ),
        (
            "snmpgetnext",
            vec![
                "-v1",
                "-c",
                "public",
                "-m",
                "",
                a,
                "1.3.6.1.2.1.1.4",
                "1.3.6.1.2.1.1.6",
            ],
        ),
        (
            "snmpbulkget",
            vec![
                "-v2c",
                "-c",
                "public",
                "-m",
                "",
                "-Cn1",
                "-Cr3",
                a,
                "1.3.6.1.2.1.1.4",
                "1.3.6.1.2.1.1.5",
            ],
        ),
        (
            "snmpwalk",
            vec!["-v2c", "-c", "public", "-m", "", a, system],
        ),
        (
            "snmpbulkwalk",
            vec!["-v2c", "-c", "public", "-m", "", "-Cr5", "-On", a, system],
        ),
        (
            "snmpset",
            vec![
                "-v2c",
                "-c",
                "private",
                "-m",
                "",
                a,
                "1.3.6.1.2.1.1.6.0",
                "s",
                "Lab",
            ],
        ),
        (
            "snmpset",
            vec![
                "-v2c",
                "-c",
                "private",
                "-m",
                "",
                a,
                "1.3.6.1.2.1.1.1.0",
                "s",
                "x",
            ],
        ),
        // Errors that carry the program's name.
        (
            "snmpget",
            vec!["-v2c", "-c", "public", "nosuchhost.invalid", "1.3.6.1"],
        ),
        (
            "snmpwalk",
            vec!["-v2c", "-c", "public", "nosuchhost.invalid", "1.3.6.1"],
        ),
        (
            "snmpset",
            vec![
                "-v2c",
                "-c",
                "public",
                "nosuchhost.invalid",
                "1.3.6.1.2.1.1.5.0",
                "s",
                "x",
            ],
        ),
        ("snmpbulkwalk", vec!["-v1", "-c", "public", a, system]),
        ("snmpbulkget", vec!["-v1", "-c", "public", a, system]),
    ];
    for (name, args) in &cases {
        let ours = links.run(name, args);
        let theirs = netsnmp(name, args);
        let what = format!("{name} {}", args.join(" "));
        assert_eq!(ours.code, theirs.code, "{what}: {}", ours.stderr);
        assert_same_lines(&ours.stdout, &theirs.stdout, &["1.3.6.1.2.1.1.3.0"], &what);
        assert_eq!(ours.stderr, theirs.stderr, "{what}");
    }
    // Under `snmpkit get` the same error names the command as typed.
    let r = snmpkit(
        "get",
        &["-v2c", "-c", "public", "nosuchhost.invalid", "1.3.6.1"],
    );
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (1, "snmpkit get: Unknown host (nosuchhost.invalid)\n")
    );
    // With names: snmptable and snmptranslate under their names, against net-snmp given the
    // modules snmpkit builds in.
    let Some(path) = reference_mib_path() else {
        return;
    };
    let named: Vec<(&str, Vec<&str>)> = vec![
        (
            "snmptable",
            vec!["-v2c", "-c", "public", "-Cf", ",", a, "vacmAccessTable"],
        ),
        ("snmptable", vec!["-v2c", "-c", "public", a, "sysName"]),
        ("snmptranslate", vec!["-On", "SNMPv2-MIB::sysName.0"]),
        ("snmptranslate", vec!["1.3.6.1.2.1.2.2.1.8.3"]),
        (
            "snmpget",
            vec!["-v2c", "-c", "public", a, "sysName.0", "sysServices.0"],
        ),
    ];
    for (name, args) in &named {
        let ours = links.run(name, args);
        let mut with_mibs = vec!["-M", path.as_str(), "-m", BUILTIN_MODULES];
        with_mibs.extend_from_slice(args);
        let theirs = netsnmp(name, &with_mibs);
        let what = format!("{name} {}", args.join(" "));
        assert_eq!(ours.code, theirs.code, "{what}: {}", ours.stderr);
        assert_eq!(ours.stdout, theirs.stdout, "{what}");
        assert_eq!(ours.stderr, theirs.stderr, "{what}");
    }
}

#[test]
fn trap_and_inform_names_reach_snmptrapd() {
    let t = Snmptrapd::start("authCommunity log,execute,net public\n");
    let links = Links::install();
    let addr = format!("127.0.0.1:{}", t.port);
    let r = links.run(
        "snmptrap",
        &[
            "-v2c",
            "-c",
            "public",
            "-m",
            "",
            &addr,
            "",
            "1.3.6.1.6.3.1.1.5.3",
            "1.3.6.1.2.1.2.2.1.1.2",
            "i",
            "2",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let log = t.wait_for(".1.3.6.1.6.3.1.1.5.3");
    assert!(log.contains(".1.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2"), "{log}");
    let r = links.run(
        "snmpinform",
        &[
            "-v2c",
            "-c",
            "public",
            "-m",
            "",
            &addr,
            "",
            "1.3.6.1.6.3.1.1.5.4",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(t
        .wait_for(".1.3.6.1.6.3.1.1.5.4")
        .contains(".1.3.6.1.6.3.1.1.5.4"));
}

#[test]
fn snmptrapd_name_runs_the_listener_with_snmptrapd_options() {
    let links = Links::install();
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("snmptrapd.conf");
    std::fs::write(&conf, "authCommunity log public\n").unwrap();
    let log = dir.path().join("traps.log");
    let port = free_udp_port();
    let mut child = Command::new(links.dir.path().join("snmptrapd"))
        .args(["-f", "-n", "-C", "-c"])
        .arg(&conf)
        .arg("-Lf")
        .arg(&log)
        .args(["-m", "", "-On"])
        .arg(format!("udp:127.0.0.1:{port},udp6:[::1]:{port}"))
        .env("HOME", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Ready when it says where it listens.
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    err.read_line(&mut first).unwrap();
    assert!(
        first.starts_with("snmptrapd: listening on udp:127.0.0.1:"),
        "{first}"
    );
    assert!(first.contains(&format!("udp6:[::1]:{port}")), "{first}");
    for (community, agent) in [
        ("public", format!("127.0.0.1:{port}")),
        ("wrong", format!("127.0.0.1:{port}")),
        ("public", format!("udp6:[::1]:{port}")),
    ] {
        let r = netsnmp(
            "snmptrap",
            &[
                "-v2c",
                "-c",
                community,
                &agent,
                "",
                "1.3.6.1.6.3.1.1.5.3",
                "1.3.6.1.2.1.2.2.1.1.2",
                "i",
                "2",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let start = Instant::now();
    let mut text = String::new();
    while start.elapsed() < Duration::from_secs(10) {
        text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.matches(".1.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2").count() >= 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        text.matches(".1.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2").count(),
        2,
        "{text}"
    );
    assert!(text.contains("snmpTrapOID .1.3.6.1.6.3.1.1.5.3"), "{text}");
    assert!(!text.contains("\"wrong\""), "{text}");
    // A bad option: snmptrapd's name, the usage, exit 1.
    let r = links.run("snmptrapd", &["-x"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with("snmptrapd: invalid option -- 'x'\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn install_links_reports_and_leaves_other_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    std::fs::write(dir.path().join("snmpwalk"), "not ours").unwrap();
    std::os::unix::fs::symlink("/bin/true", dir.path().join("snmpget")).unwrap();
    let r = snmpkit("install-links", &[d]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "{d}/snmpwalk: exists and is not a symbolic link; left alone"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("1 of 11 names not installed"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("snmpwalk")).unwrap(),
        "not ours"
    );
    assert!(
        r.stdout.contains(&format!("{d}/snmpget: replaced -> ")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!("{d}/snmptrapd: created -> ")),
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout.lines().count(), 10, "{}", r.stdout);
    let target = std::fs::read_link(dir.path().join("snmpbulkwalk")).unwrap();
    assert_eq!(
        target,
        std::fs::canonicalize(snmpkit_bin()).unwrap(),
        "links point at the binary itself"
    );
    std::fs::remove_file(dir.path().join("snmpwalk")).unwrap();
    let r = snmpkit("install-links", &[d]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!("{d}/snmpget: unchanged -> ")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!("{d}/snmpwalk: created -> ")),
        "{}",
        r.stdout
    );
}

#[test]
fn no_community_is_refused_unless_snmp_conf_gives_one() {
    let d = Snmpd::start("");
    let links = Links::install();
    let a = d.v4();
    let oid = "1.3.6.1.2.1.1.5.0";
    for v in ["-v1", "-v2c"] {
        let cases: Vec<(&str, Vec<&str>)> = vec![
            ("snmpget", vec![v, "-m", "", &a, oid]),
            ("snmpgetnext", vec![v, "-m", "", &a, oid]),
            ("snmpbulkget", vec![v, "-m", "", &a, oid]),
            ("snmpwalk", vec![v, "-m", "", &a, oid]),
            ("snmpbulkwalk", vec![v, "-m", "", &a, oid]),
            ("snmpset", vec![v, "-m", "", &a, oid, "s", "x"]),
            ("snmptable", vec![v, "-m", "", &a, "1.3.6.1.2.1.2.2"]),
            ("snmptrap", vec![v, "-m", "", &a, "", "1.3.6.1.6.3.1.1.5.1"]),
            (
                "snmpinform",
                vec![v, "-m", "", &a, "", "1.3.6.1.6.3.1.1.5.1"],
            ),
        ];
        for (name, args) in &cases {
            let ours = links.run(name, args);
            let theirs = netsnmp(name, args);
            let what = format!("{name} {}", args.join(" "));
            assert_eq!((ours.code, theirs.code), (1, 1), "{what}: {}", ours.stderr);
            assert_eq!(ours.stderr, "No community name specified.\n", "{what}");
            assert_eq!(
                theirs.stderr.lines().next(),
                Some("No community name specified."),
                "{what}"
            );
            assert_eq!(ours.stdout, "", "{what}");
        }
    }
    let r = snmpkit("get", &["-v2c", &a, oid]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (1, "No community name specified.\n")
    );
    // snmp.conf's defCommunity (and defVersion) fill in, for both tools alike.
    let conf = tempfile::tempdir().unwrap();
    std::fs::write(
        conf.path().join("snmp.conf"),
        "defVersion 2c\ndefCommunity public\n",
    )
    .unwrap();
    for args in [vec!["-v2c", "-m", "", &a, oid], vec!["-m", "", &a, oid]] {
        let ours = run_with_conf(&links.dir.path().join("snmpget"), &args, conf.path());
        let theirs = run_with_conf(&tool("snmpget"), &args, conf.path());
        assert_eq!(ours.code, 0, "{}", ours.stderr);
        assert_eq!(
            (ours.code, &ours.stdout, &ours.stderr),
            (theirs.code, &theirs.stdout, &theirs.stderr)
        );
    }
}

#[test]
fn set_checks_values_against_the_mib_like_snmpset() {
    let Some(path) = reference_mib_path() else {
        return;
    };
    let d = Snmpd::start("");
    let links = Links::install();
    let a = d.v4();
    let long = "a".repeat(300);
    let cases: &[&[&str]] = &[
        &["sysName.0", "i", "5"],
        &["sysName.0", "i", "abc"],
        &["sysName.0", "s"],
        &["sysName.0"],
        &["sysContact.0", "s", "x", "sysName.0"],
        &["sysName.0", "q", "5"],
        &["ifInOctets.1", "c", "5"],
        &["ifHCInOctets.1", "C", "5"],
        &["sysName.0", "x", "zz"],
        &["sysName.0", "d", "1.x"],
        &["sysName.0", "a", "1.2.3.4"],
        &["sysName.0", "u", "5"],
        &["sysName.0", "t", "5"],
        &["sysName.0", "o", "1.3.6"],
        &["sysName.0", "b", "1"],
        &["sysServices.0", "i", "abc"],
        &["sysServices.0", "i", "300"],
        &["sysServices.0", "s", "x"],
        &["sysServices.0", "=", "x"],
        &["ifIndex.1", "u", "5"],
        &["ifIndex.1", "i", "-1"],
        &["ifAdminStatus.1", "i", "abc"],
        &["ifSpeed.1", "i", "5"],
        &["ifSpeed.1", "u", "abc"],
        &["ifInOctets.1", "t", "5"],
        &["ifHCInOctets.1", "i", "5"],
        &["sysObjectID.0", "s", "x"],
        &["sysUpTime.0", "t", "x"],
        &["ifPhysAddress.1", "a", "1.2.3.4"],
        &["sysLocation.0", "s", long.as_str()],
        &["vacmGroupName.3.\"nobody\"", "s", ""],
        &["1.3.6.1.4.1.99999.1", "i", "abc"],
        &["1.3.6.1.4.1.99999.1", "=", "5"],
        &["1.3.6.1.4.1.99999.1", "x", "zz"],
        &["sysName.0", "F", "x"],
        // Sent: the agent's answer must then be the same too.
        &["sysName.0", "s", "checked"],
        &["sysLocation.0", "=", "room 2"],
        &["ifAdminStatus.1", "i", "up"],
        &["ifPhysAddress.1", "s", "0:1b:21:3c:4d:5e"],
        &["sysServices.0", "i", "72"],
    ];
    for args in cases {
        let mut all = vec!["-v2c", "-c", "private", &a];
        all.extend_from_slice(args);
        let ours = links.run("snmpset", &all);
        let mut theirs_args = vec!["-M", path.as_str(), "-m", BUILTIN_MODULES];
        theirs_args.extend_from_slice(&all);
        let theirs = netsnmp("snmpset", &theirs_args);
        let what = args.join(" ");
        assert_eq!(ours.code, theirs.code, "{what}: {}", ours.stderr);
        assert_eq!(ours.stderr, theirs.stderr, "{what}");
        assert_eq!(ours.stdout, theirs.stdout, "{what}");
    }
    // -Ir sends without the checks, as snmpset -Ir does: the agent answers instead.
    for args in [
        ["sysName.0", "i", "5"],
        ["sysServices.0", "i", "300"],
        ["sysServices.0", "i", "abc"],
    ] {
        let mut all = vec!["-Ir", "-v2c", "-c", "private", &a];
        all.extend_from_slice(&args);
        let ours = links.run("snmpset", &all);
        let mut theirs_args = vec!["-M", path.as_str(), "-m", BUILTIN_MODULES];
        theirs_args.extend_from_slice(&all);
        let theirs = netsnmp("snmpset", &theirs_args);
        assert_eq!(
            (ours.code, &ours.stdout, &ours.stderr),
            (theirs.code, &theirs.stdout, &theirs.stderr),
            "-Ir {args:?}"
        );
    }
    // The issue's own example, word for word, under `snmpkit set`.
    let r = snmpkit("set", &["-v2c", "-c", "private", &a, "sysName.0", "i", "5"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            1,
            "sysName.0: Bad variable type (Type of attribute is OCTET STRING, not INTEGER)\n"
        )
    );
    // snmptrap checks its varbinds the same way (and takes `c`).
    for args in [
        ["sysName.0", "i", "5"],
        ["ifInOctets.1", "c", "5"],
        ["ifInOctets.1", "i", "5"],
    ] {
        let mut all = vec!["-v2c", "-c", "public", &a, "", "1.3.6.1.6.3.1.1.5.1"];
        all.extend_from_slice(&args);
        let ours = links.run("snmptrap", &all);
        let mut theirs_args = vec!["-M", path.as_str(), "-m", BUILTIN_MODULES];
        theirs_args.extend_from_slice(&all);
        let theirs = netsnmp("snmptrap", &theirs_args);
        assert_eq!(
            (ours.code, &ours.stderr),
            (theirs.code, &theirs.stderr),
            "{args:?}"
        );
    }
}

#[test]
fn help_is_where_a_newcomer_looks() {
    let r = snmpkit("help", &["get"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Usage: snmpkit get"), "{}", r.stdout);
    let get = snmpkit("get", &["--help"]);
    assert_eq!(get.code, 0);
    assert!(
        get.stdout.contains("SNMPv3 is the default"),
        "{}",
        get.stdout
    );
    assert!(
        get.stdout
            .contains("snmpkit get -v2c -c public 192.0.2.1 sysName.0"),
        "{}",
        get.stdout
    );
    for sub in ["get", "getnext", "bulkget", "walk", "bulkwalk"] {
        let h = snmpkit(sub, &["--help"]);
        assert_eq!(h.code, 0);
        assert!(
            !h.stdout.contains("TYPE") && !h.stdout.contains("triple"),
            "{sub} --help mentions set's triples:\n{}",
            h.stdout
        );
    }
    let set = snmpkit("set", &["--help"]);
    assert_eq!(set.code, 0);
    assert!(
        set.stdout.contains("OID TYPE VALUE triples"),
        "{}",
        set.stdout
    );
    for letter in [
        "=  the type the MIB gives",
        "i  INTEGER",
        "u  Unsigned32",
        "t  TimeTicks",
        "a  IpAddress",
        "o  OBJECT IDENTIFIER",
        "s  STRING",
        "x  hex STRING",
        "d  decimal STRING",
        "b  BITS",
        "n  NULL",
        "U  Opaque UInt64",
        "I  Opaque Int64",
        "F  Opaque Float",
        "D  Opaque Double",
    ] {
        assert!(set.stdout.contains(letter), "set --help lacks {letter:?}");
    }
    // Under a net-snmp name, clap's usage names the tool.
    let links = Links::install();
    let r = links.run("snmpwalk", &["--help"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("Usage: snmpwalk [OPTIONS]"),
        "{}",
        r.stdout
    );
}

/// `OID HEX-TLV` lines for the JSON checks: Counter64 past 2^53, octet strings of every
/// shape under the same objects, an Opaque float and an Opaque UInt64.
fn json_values() -> String {
    let f = 0.46f32.to_be_bytes();
    format!(
        "1.3.6.1.2.1.31.1.1.1.6.1 46 09 00 ff ff ff ff ff ff ff ff
1.3.6.1.2.1.31.1.1.1.6.2 46 07 20 00 00 00 00 00 01
1.3.6.1.2.1.31.1.1.1.6.3 46 01 00
1.3.6.1.4.1.99999.1.0 46 01 05
1.3.6.1.2.1.2.2.1.6.1 04 06 00 1b 21 3c 4d 5e
1.3.6.1.2.1.2.2.1.6.2 04 00
1.3.6.1.2.1.2.2.1.6.3 04 06 41 42 43 44 45 46
1.3.6.1.2.1.1.1.0 04 03 61 62 63
1.3.6.1.2.1.1.5.0 04 00
1.3.6.1.4.1.99999.2.0 04 02 00 ff
1.3.6.1.4.1.99999.3.0 04 00
1.3.6.1.4.1.99999.4.0 04 02 68 69
1.3.6.1.4.1.99999.5.0 44 07 9f 78 04 {:02x} {:02x} {:02x} {:02x}
1.3.6.1.4.1.99999.6.0 44 0c 9f 7b 09 00 ff ff ff ff ff ff ff ff
",
        f[0], f[1], f[2], f[3]
    )
}

#[test]
fn json_keeps_every_counter64_and_shapes_strings_by_type() {
    let r = ValueResponder::start(&json_values());
    let out = snmpkit("get", &["-v2c", "-c", "public", "--json", &r.addr(), "1.3"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let objs = json_lines(&out.stdout);
    assert_eq!(objs.len(), 14);
    let by = |oid: &str| {
        objs.iter()
            .find(|o| o["oid"] == format!(".{oid}"))
            .unwrap_or_else(|| panic!("{oid} missing"))
    };
    // Counter64: always a decimal string, exact past 2^53 (jq 1.6 and JavaScript read
    // numbers as doubles and would round 9007199254740993 to ...992).
    for (oid, v) in [
        ("1.3.6.1.2.1.31.1.1.1.6.1", "18446744073709551615"),
        ("1.3.6.1.2.1.31.1.1.1.6.2", "9007199254740993"),
        ("1.3.6.1.2.1.31.1.1.1.6.3", "0"),
        ("1.3.6.1.4.1.99999.1.0", "5"),
    ] {
        assert_eq!(by(oid)["type"], "Counter64");
        assert_eq!(by(oid)["value"], v, "{oid}");
    }
    assert_eq!(by("1.3.6.1.4.1.99999.6.0")["value"], "18446744073709551615");
    for line in out.stdout.lines() {
        assert!(
            !line.contains(":18446744073709551615") && !line.contains(":9007199254740993"),
            "a 64-bit number left bare: {line}"
        );
    }
    // Octet strings: the keys come from the type and the MIB, not from the bytes.
    let keys = |oid: &str| {
        let mut k: Vec<String> = by(oid).as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    for group in [
        &[
            "1.3.6.1.2.1.2.2.1.6.1",
            "1.3.6.1.2.1.2.2.1.6.2",
            "1.3.6.1.2.1.2.2.1.6.3",
        ][..],
        &["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.5.0"][..],
        &[
            "1.3.6.1.4.1.99999.2.0",
            "1.3.6.1.4.1.99999.3.0",
            "1.3.6.1.4.1.99999.4.0",
        ][..],
    ] {
        for oid in group {
            assert_eq!(keys(oid), keys(group[0]), "{oid} vs {}", group[0]);
            assert_eq!(by(oid)["type"], "STRING", "{oid}");
        }
    }
    assert_eq!(
        keys("1.3.6.1.2.1.2.2.1.6.2"),
        ["display", "hex", "name", "oid", "type", "value"]
    );
    assert_eq!(by("1.3.6.1.2.1.2.2.1.6.1")["display"], "0:1b:21:3c:4d:5e");
    assert_eq!(by("1.3.6.1.2.1.2.2.1.6.1")["hex"], "001b213c4d5e");
    assert_eq!(by("1.3.6.1.2.1.2.2.1.6.2")["display"], "");
    assert_eq!(by("1.3.6.1.2.1.2.2.1.6.3")["display"], "41:42:43:44:45:46");
    assert_eq!(by("1.3.6.1.4.1.99999.2.0")["hex"], "00ff");
    assert_eq!(by("1.3.6.1.4.1.99999.4.0")["value"], "hi");
    // Opaque float: the shortest text that reads back as the same float.
    assert_eq!(by("1.3.6.1.4.1.99999.5.0")["value"], 0.46);
    assert!(out.stdout.contains("\"value\":0.46}"), "{}", out.stdout);
}

#[test]
fn json_walk_ends_without_a_fake_end_of_mib_varbind() {
    let d = Snmpd::start("");
    let a = d.v4();
    // The lab agent's data ends in this subtree: net-snmp prints its endOfMibView line.
    let root = "1.3.6.1.6.3.16";
    for (ours_cmd, theirs_cmd, v) in [
        ("walk", "snmpwalk", "-v2c"),
        ("bulkwalk", "snmpbulkwalk", "-v2c"),
        ("walk", "snmpwalk", "-v1"),
    ] {
        let theirs = netsnmp(theirs_cmd, &[v, "-c", "public", "-m", "", "-On", &a, root]);
        assert_eq!(theirs.code, 0, "{}", theirs.stderr);
        let mut expected: Vec<&str> = theirs.stdout.lines().collect();
        let last = expected.pop().unwrap_or_default();
        if v == "-v2c" {
            assert!(
                last.contains("No more variables left in this MIB View"),
                "precondition: the walk reaches the end of the agent's data: {last}"
            );
        } else {
            assert_eq!(last, "End of MIB");
        }
        // -Cp's count goes to stderr, so stdout stays JSON lines only.
        let ours = snmpkit(ours_cmd, &[v, "-c", "public", "--json", "-Cp", &a, root]);
        assert_eq!(ours.code, 0, "{}", ours.stderr);
        assert!(
            ours.stderr.starts_with("Variables found: "),
            "{}",
            ours.stderr
        );
        let objs = json_lines(&ours.stdout);
        let got: Vec<String> = objs
            .iter()
            .map(|o| o["oid"].as_str().unwrap().to_string())
            .collect();
        let want: Vec<String> = expected.iter().map(|l| line_oid(l).to_string()).collect();
        assert_eq!(got, want, "{ours_cmd} {v}");
        assert!(objs.iter().all(|o| o["type"] != "endOfMibView"));
    }
}

#[test]
fn table_json_gives_index_and_columns_the_same_types() {
    let d = Snmpd::start("");
    let a = d.v4();
    let table = |name: &str| {
        let r = snmpkit("table", &["-v2c", "-c", "public", "--json", &a, name]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        (json_lines(&r.stdout), r.stdout)
    };
    let (rows, _) = table("ifTable");
    assert!(!rows.is_empty());
    for row in &rows {
        assert!(row["index"]["ifIndex"].is_u64(), "{row}");
        assert_eq!(row["index"]["ifIndex"], row["ifIndex"]);
    }
    let (rows, _) = table("ifXTable");
    for row in &rows {
        assert!(row["index"]["ifIndex"].is_u64(), "{row}");
        for c in ["ifHCInOctets", "ifHCOutOctets"] {
            let v = row[c]
                .as_str()
                .unwrap_or_else(|| panic!("{c} not a string: {row}"));
            assert!(v.parse::<u64>().is_ok(), "{row}");
        }
    }
    let (rows, text) = table("vacmAccessTable");
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(
            "{\"index\":{\"vacmGroupName\":\"grpcomm1\",\"vacmAccessContextPrefix\":\"\",\
             \"vacmAccessSecurityModel\":0,\"vacmAccessSecurityLevel\":\"noAuthNoPriv\"},"
        ),
        "{first}"
    );
    for row in &rows {
        assert!(row["index"]["vacmAccessSecurityModel"].is_u64(), "{row}");
        assert!(row["vacmAccessContextMatch"].is_string(), "{row}");
    }
    // A v1 table at the end of the agent's data: text says "End of MIB", JSON stays JSON.
    let last = "vacmViewTreeFamilyTable";
    let text = snmpkit("table", &["-v1", "-c", "public", &a, last]);
    assert!(text.stdout.starts_with("End of MIB\n"), "{}", text.stdout);
    let r = snmpkit("table", &["-v1", "-c", "public", "--json", &a, last]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = json_lines(&r.stdout);
    assert!(!rows.is_empty());
    assert!(rows
        .iter()
        .all(|r| r["index"]["vacmViewTreeFamilyViewName"].is_string()));
}
