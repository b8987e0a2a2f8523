//! The v1/v2c manager commands against net-snmp's snmpd, compared line for line with
//! net-snmp's own tools run on the same agent with the same options.

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

/// OIDs whose values change between two reads (uptime, clocks, traffic and memory counters).
const VOLATILE: &[&str] = &[
    "1.3.6.1.2.1.1.3.0",      // sysUpTime
    "1.3.6.1.2.1.2.2.1.10",   // ifInOctets
    "1.3.6.1.2.1.2.2.1.11",   // ifInUcastPkts
    "1.3.6.1.2.1.2.2.1.12",   // ifInNUcastPkts
    "1.3.6.1.2.1.2.2.1.16",   // ifOutOctets
    "1.3.6.1.2.1.2.2.1.17",   // ifOutUcastPkts
    "1.3.6.1.2.1.2.2.1.18",   // ifOutNUcastPkts
    "1.3.6.1.2.1.25.2.3.1.6", // hrStorageUsed
    "1.3.6.1.2.1.25.1.1.0",   // hrSystemUptime
    "1.3.6.1.2.1.25.1.2.0",   // hrSystemDate
];

const SUBTREES: &[(&str, &str)] = &[
    ("system", "1.3.6.1.2.1.1"),
    ("ifTable", "1.3.6.1.2.1.2.2"),
    ("hrStorageTable", "1.3.6.1.2.1.25.2.3"),
    ("hrSWInstalledTable", "1.3.6.1.2.1.25.6.3"),
];

fn compare(prog: &str, sub: &str, args: &[&str], what: &str) {
    let theirs = netsnmp(prog, args);
    assert!(
        !theirs.stdout.is_empty() || !theirs.stderr.is_empty() || what.contains("nothing"),
        "{what}: net-snmp printed nothing"
    );
    let ours = snmpkit(sub, args);
    assert_eq!(
        ours.code, theirs.code,
        "{what}: exit code; ours stderr: {}",
        ours.stderr
    );
    assert_same_lines(&ours.stdout, &theirs.stdout, VOLATILE, what);
    assert_eq!(ours.stderr, theirs.stderr, "{what}: stderr");
}

#[test]
fn get_and_getnext_match_netsnmp() {
    let d = Snmpd::start("");
    let oids = [
        "1.3.6.1.2.1.1.1.0",
        "1.3.6.1.2.1.1.2.0",
        "1.3.6.1.2.1.1.3.0",
        "1.3.6.1.2.1.1.4.0",
        "1.3.6.1.2.1.1.5.0",
        "1.3.6.1.2.1.1.6.0",
        "1.3.6.1.2.1.1.7.0",
        "1.3.6.1.2.1.1.8.0",
    ];
    for agent in [d.v4(), d.v6()] {
        for v in ["-v1", "-v2c"] {
            for o in [&["-On"][..], &[][..]] {
                let mut args = vec![v, "-c", "public", "-m", ""];
                args.extend_from_slice(o);
                args.push(&agent);
                args.extend_from_slice(&oids);
                compare("snmpget", "get", &args, &format!("get {v} {o:?} {agent}"));
                compare(
                    "snmpgetnext",
                    "getnext",
                    &args,
                    &format!("getnext {v} {o:?} {agent}"),
                );
            }
        }
        // Missing objects: v2c exceptions, and v1 noSuchName (error, then the rest retried).
        for v in ["-v1", "-v2c"] {
            let args = [
                v,
                "-c",
                "public",
                "-m",
                "",
                &agent,
                "1.3.6.1.2.1.1.99.0",
                "1.3.6.1.2.1.1.5.0",
                "1.3.6.1.2.1.1.1",
            ];
            compare("snmpget", "get", &args, &format!("get missing {v} {agent}"));
        }
    }
}

#[test]
fn v1_get_of_missing_object_is_nosuchname() {
    let d = Snmpd::start("");
    let r = snmpkit(
        "get",
        &[
            "-v1",
            "-c",
            "public",
            "-m",
            "",
            &d.v4(),
            "1.3.6.1.2.1.1.99.0",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("noSuchName"), "{}", r.stderr);
    assert!(
        r.stderr.contains("Failed object: iso.3.6.1.2.1.1.99.0"),
        "{}",
        r.stderr
    );
}

#[test]
fn bulkget_matches_netsnmp() {
    let d = Snmpd::start("");
    for agent in [d.v4(), d.v6()] {
        let args = [
            "-v2c",
            "-c",
            "public",
            "-m",
            "",
            "-On",
            "-Cn1",
            "-Cr4",
            &agent,
            "1.3.6.1.2.1.1.5.0",
            "1.3.6.1.2.1.2.2.1.2",
        ];
        compare("snmpbulkget", "bulkget", &args, "bulkget");
    }
    let r = snmpkit(
        "bulkget",
        &["-v1", "-c", "public", &d.v4(), "1.3.6.1.2.1.1"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("Cannot send V2 PDU on V1 session"),
        "{}",
        r.stderr
    );
}

#[test]
fn walks_match_netsnmp() {
    let d = Snmpd::start("");
    for agent in [d.v4(), d.v6()] {
        for (name, oid) in SUBTREES {
            for v in ["-v1", "-v2c"] {
                let args = [v, "-c", "public", "-m", "", "-On", &agent, oid];
                compare(
                    "snmpwalk",
                    "walk",
                    &args,
                    &format!("walk {name} {v} {agent}"),
                );
            }
            let args = ["-v2c", "-c", "public", "-m", "", "-On", "-Cr7", &agent, oid];
            compare(
                "snmpbulkwalk",
                "bulkwalk",
                &args,
                &format!("bulkwalk {name} {agent}"),
            );
            let args = ["-v2c", "-c", "public", "-m", "", &agent, oid];
            compare(
                "snmpbulkwalk",
                "bulkwalk",
                &args,
                &format!("bulkwalk {name} iso {agent}"),
            );
        }
    }
}

#[test]
fn walk_edge_cases_match_netsnmp() {
    let d = Snmpd::start("");
    let a = d.v4();
    let cases: &[(&str, &[&str])] = &[
        // A single instance: the empty subtree falls back to a Get.
        (
            "snmpwalk",
            &["-v2c", "-c", "public", "-m", "", &a, "1.3.6.1.2.1.1.5.0"],
        ),
        // Nothing there at all.
        (
            "snmpwalk",
            &["-v2c", "-c", "public", "-m", "", &a, "1.3.6.1.2.1.1.99"],
        ),
        (
            "snmpwalk",
            &["-v1", "-c", "public", "-m", "", &a, "1.3.6.1.2.1.1.99"],
        ),
        // The end of the agent's MIB: endOfMibView (v2c) and End of MIB (v1).
        (
            "snmpwalk",
            &[
                "-v2c",
                "-c",
                "public",
                "-m",
                "",
                "-On",
                &a,
                "1.3.6.1.6.3.16.1.5.2",
            ],
        ),
        (
            "snmpwalk",
            &[
                "-v1",
                "-c",
                "public",
                "-m",
                "",
                "-On",
                &a,
                "1.3.6.1.6.3.16.1.5.2",
            ],
        ),
        (
            "snmpbulkwalk",
            &[
                "-v2c",
                "-c",
                "public",
                "-m",
                "",
                "-On",
                &a,
                "1.3.6.1.6.3.16.1.5.2",
            ],
        ),
        (
            "snmpwalk",
            &["-v2c", "-c", "public", "-m", "", &a, "1.3.6.1.6.3.999"],
        ),
        // -Ci, -CI, -Cp, -Cc.
        (
            "snmpwalk",
            &[
                "-v2c",
                "-c",
                "public",
                "-m",
                "",
                "-Ci",
                &a,
                "1.3.6.1.2.1.1.5.0",
            ],
        ),
        (
            "snmpwalk",
            &[
                "-v2c",
                "-c",
                "public",
                "-m",
                "",
                "-CI",
                &a,
                "1.3.6.1.2.1.1.5.0",
            ],
        ),
        (
            "snmpwalk",
            &[
                "-v2c",
                "-c",
                "public",
                "-m",
                "",
                "-Cp",
                &a,
                "1.3.6.1.2.1.1.9.1.3",
            ],
        ),
        (
            "snmpbulkwalk",
            &[
                "-v2c",
                "-c",
                "public",
                "-m",
                "",
                "-Cp",
                "-Cc",
                &a,
                "1.3.6.1.2.1.1.9",
            ],
        ),
    ];
    for (prog, args) in cases {
        let sub = if *prog == "snmpwalk" {
            "walk"
        } else {
            "bulkwalk"
        };
        let what = if (args.contains(&"-v1") && args.contains(&"1.3.6.1.2.1.1.99"))
            || args.contains(&"-CI")
        {
            format!("{prog} {args:?} (prints nothing)")
        } else {
            format!("{prog} {args:?}")
        };
        compare(prog, sub, args, &what);
    }
}

#[test]
fn whole_tree_bulkwalk_visits_the_same_oids() {
    let d = Snmpd::start("");
    let args = [
        "-v2c",
        "-c",
        "public",
        "-m",
        "",
        "-On",
        "-Cr25",
        &d.v4(),
        ".1",
    ];
    let theirs = netsnmp("snmpbulkwalk", &args);
    let ours = snmpkit("bulkwalk", &args);
    assert_eq!(ours.code, 0, "{}", ours.stderr);
    // Rows that come and go while tests run in parallel: processes (hrSWRun, hrSWRunPerf),
    // TCP and UDP endpoints, and neighbour caches.
    const CHURN: &[&str] = &[
        ".1.3.6.1.2.1.25.4.",
        ".1.3.6.1.2.1.25.5.",
        ".1.3.6.1.2.1.6.13.",
        ".1.3.6.1.2.1.6.19.",
        ".1.3.6.1.2.1.6.20.",
        ".1.3.6.1.2.1.7.5.",
        ".1.3.6.1.2.1.7.7.",
        ".1.3.6.1.2.1.4.22.",
        ".1.3.6.1.2.1.4.35.",
    ];
    let oids = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| l.starts_with('.'))
            .map(|l| line_oid(l).to_string())
            .filter(|o| !CHURN.iter().any(|c| o.starts_with(c)))
            .collect()
    };
    let (a, b) = (oids(&ours.stdout), oids(&theirs.stdout));
    assert!(b.len() > 500, "net-snmp walked only {} OIDs", b.len());
    assert_eq!(a, b);
}

#[test]
fn set_matches_netsnmp_and_reports_errors() {
    let d = Snmpd::start("");
    for (v, agent) in [("-v1", d.v4()), ("-v2c", d.v6())] {
        let name = format!("router-{}", &v[2..]);
        let args = [
            v,
            "-c",
            "private",
            "-m",
            "",
            &agent,
            "1.3.6.1.2.1.1.5.0",
            "s",
            &name,
        ];
        let r = snmpkit("set", &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(
            r.stdout,
            format!("iso.3.6.1.2.1.1.5.0 = STRING: \"{name}\"\n")
        );
        let check = netsnmp(
            "snmpget",
            &[
                "-v2c",
                "-c",
                "public",
                "-m",
                "",
                &agent,
                "1.3.6.1.2.1.1.5.0",
            ],
        );
        assert_eq!(check.stdout, r.stdout, "net-snmp sees the new sysName");
        // net-snmp's snmpset prints the same echo.
        let theirs = netsnmp("snmpset", &args);
        assert_eq!(theirs.stdout, r.stdout);
    }
    // sysLocation with a hex value.
    let args = [
        "-v2c",
        "-c",
        "private",
        "-m",
        "",
        &d.v4(),
        "1.3.6.1.2.1.1.6.0",
        "x",
        "4C 61 62 20 31",
    ];
    let r = snmpkit("set", &args);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "iso.3.6.1.2.1.1.6.0 = STRING: \"Lab 1\"\n")
    );
    let r = snmpkit(
        "set",
        &[
            "-v2c",
            "-c",
            "private",
            "-m",
            "",
            &d.v4(),
            "1.3.6.1.2.1.1.6.0",
            "x",
            "0x4C6162",
        ],
    );
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "iso.3.6.1.2.1.1.6.0 = STRING: \"Lab\"\n")
    );
    // Error cases: same stderr and exit code as snmpset.
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "wrongType",
            &[
                "-v2c",
                "-c",
                "private",
                "-m",
                "",
                &d.v4(),
                "1.3.6.1.2.1.1.5.0",
                "i",
                "5",
            ],
            "wrongType",
        ),
        (
            "notWritable",
            &[
                "-v2c",
                "-c",
                "private",
                "-m",
                "",
                &d.v4(),
                "1.3.6.1.2.1.1.1.0",
                "s",
                "x",
            ],
            "notWritable",
        ),
        (
            "v1 read-only",
            &[
                "-v1",
                "-c",
                "private",
                "-m",
                "",
                &d.v4(),
                "1.3.6.1.2.1.1.1.0",
                "s",
                "x",
            ],
            "noSuchName",
        ),
    ];
    for (what, args, cause) in cases {
        let theirs = netsnmp("snmpset", args);
        let ours = snmpkit("set", args);
        assert_eq!(ours.code, 2, "{what}");
        assert_eq!(ours.code, theirs.code, "{what}");
        assert!(ours.stderr.contains(cause), "{what}: {}", ours.stderr);
        assert_eq!(ours.stderr, theirs.stderr, "{what}");
        assert_eq!(ours.stdout, theirs.stdout, "{what}");
    }
}

#[test]
fn timeouts_match_netsnmp() {
    let d = Snmpd::start("");
    let dead = free_udp_port();
    let dead_agent = format!("127.0.0.1:{dead}");
    for (agent, community) in [(dead_agent.as_str(), "public"), (d.v4().as_str(), "wrong")] {
        for prog in ["get", "walk"] {
            let args = [
                "-v2c",
                "-c",
                community,
                "-t",
                "0.2",
                "-r",
                "1",
                "-m",
                "",
                agent,
                "1.3.6.1.2.1.1.5.0",
            ];
            let ours = snmpkit(prog, &args);
            let theirs = netsnmp(&format!("snmp{prog}"), &args);
            assert_eq!(ours.code, 1);
            assert_eq!(ours.stderr, theirs.stderr, "{prog} {agent} {community}");
            assert!(ours
                .stderr
                .starts_with(&format!("Timeout: No Response from {agent}")));
        }
    }
}

#[test]
fn bad_arguments_give_one_line_and_nonzero_exit() {
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "get",
            &["-v2c", "-c", "public", "nosuchhost.invalid", "1.3.6.1"],
            "Unknown host",
        ),
        (
            "get",
            &["-v7", "-c", "public", "127.0.0.1", "1.3.6.1"],
            "Invalid version",
        ),
        (
            "get",
            &["-v2c", "-c", "public", "127.0.0.1", "1.3.x.1"],
            "Unknown Object Identifier",
        ),
        (
            "get",
            &["-v2c", "-c", "public", "127.0.0.1:99999", "1.3.6.1"],
            "Invalid agent address",
        ),
        (
            "set",
            &[
                "-v2c",
                "-c",
                "public",
                "127.0.0.1",
                "1.3.6.1.2.1.1.5.0",
                "z",
                "x",
            ],
            "Bad object type: z",
        ),
        (
            "set",
            &[
                "-v2c",
                "-c",
                "public",
                "127.0.0.1",
                "1.3.6.1.2.1.1.5.0",
                "i",
                "abc",
            ],
            "Bad variable type (Type of attribute is OCTET STRING, not INTEGER)",
        ),
        (
            "set",
            &[
                "-v2c",
                "-c",
                "public",
                "127.0.0.1",
                "1.3.6.1.2.1.1.5.0",
                "i",
            ],
            "Needs value",
        ),
        (
            "walk",
            &["-v2c", "-c", "public", "-Cz", "127.0.0.1", "1.3.6.1"],
            "Unknown flag",
        ),
        (
            "get",
            &["-v2c", "-c", "public", "-t", "abc", "127.0.0.1", "1.3.6.1"],
            "Invalid timeout",
        ),
    ];
    for (sub, args, msg) in cases {
        let r = snmpkit(sub, args);
        assert_ne!(r.code, 0, "{sub} {args:?}");
        assert_eq!(r.stdout, "", "{sub} {args:?}");
        assert_eq!(r.stderr.lines().count(), 1, "{sub} {args:?}: {}", r.stderr);
        assert!(r.stderr.contains(msg), "{sub} {args:?}: {}", r.stderr);
    }
}

#[test]
fn json_gives_one_object_per_varbind() {
    let d = Snmpd::start("");
    let r = snmpkit(
        "get",
        &[
            "-v2c",
            "-c",
            "public",
            "--json",
            &d.v4(),
            "1.3.6.1.2.1.1.5.0",
            "1.3.6.1.2.1.1.7.0",
            "1.3.6.1.2.1.1.2.0",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let objs: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objs.len(), 3);
    assert_eq!(objs[0]["oid"], ".1.3.6.1.2.1.1.5.0");
    assert_eq!(objs[0]["type"], "STRING");
    assert!(objs[0]["value"].is_string());
    assert_eq!(objs[1]["oid"], ".1.3.6.1.2.1.1.7.0");
    assert_eq!(objs[1]["type"], "INTEGER");
    assert_eq!(objs[1]["value"], 72);
    assert_eq!(objs[2]["type"], "OID");
    assert_eq!(objs[2]["value"], ".1.3.6.1.4.1.8072.3.2.10");
    let w = snmpkit(
        "walk",
        &["-v2c", "-c", "public", "--json", &d.v4(), "1.3.6.1.2.1.1"],
    );
    assert!(w.stdout.lines().count() >= 8);
    for l in w.stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        for k in ["oid", "type", "value"] {
            assert!(v.get(k).is_some(), "{l} lacks {k}");
        }
    }
}

/// The binary carries its MIBs: a copy run from another directory, with an empty HOME and no
/// MIB directories of ours, still prints names.
#[test]
fn installed_binary_works_from_any_directory() {
    let d = Snmpd::start("");
    let dir = tempfile::tempdir().unwrap();
    let bin = copy_snmpkit_to(dir.path());
    let out = run_copied(
        std::process::Command::new(&bin)
            .args([
                "get",
                "-v2c",
                "-c",
                "public",
                &d.v4(),
                "sysName.0",
                "IF-MIB::ifDescr.1",
            ])
            .current_dir("/")
            .env("HOME", dir.path())
            .env("SNMPCONFPATH", dir.path())
            .env_remove("MIBS")
            .env_remove("MIBDIRS"),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.starts_with("SNMPv2-MIB::sysName.0 = STRING: "),
        "{text}"
    );
    assert!(text.contains("IF-MIB::ifDescr.1 = STRING: "), "{text}");
}
