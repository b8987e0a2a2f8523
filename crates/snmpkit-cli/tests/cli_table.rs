//! `snmpkit table` against snmptable on the same snmpd, with net-snmp loading the same
//! modules (the reference collection plus our `mibs/` for the modules it lacks). Tables whose
//! values do not move are compared byte for byte; in ifTable and hrStorageTable the traffic
//! counters and memory use can change between the two reads, so those cells are masked (and
//! the pair of reads is retried a few times in case a counter gained a digit in between).

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

fn ours(agent: &str, opts: &[&str], table: &str) -> Run {
    let mut args = vec!["-c", "public"];
    if !opts.iter().any(|o| o.starts_with("-v")) {
        args.push("-v2c");
    }
    args.extend_from_slice(opts);
    args.extend([agent, table]);
    snmpkit("table", &args)
}

fn theirs(m: &str, agent: &str, opts: &[&str], table: &str) -> Run {
    let mut args = vec!["-M", m, "-m", BUILTIN_MODULES, "-c", "public"];
    if !opts.iter().any(|o| o.starts_with("-v")) {
        args.push("-v2c");
    }
    args.extend_from_slice(opts);
    args.extend([agent, table]);
    netsnmp("snmptable", &args)
}

#[test]
fn static_tables_match_snmptable_byte_for_byte() {
    let d = Snmpd::start("");
    let agent = d.v4();
    // Without the reference: the shape.
    let r = ours(&agent, &["-Ci", "-Cb"], "vacmAccessTable");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "SNMP table: SNMP-VIEW-BASED-ACM-MIB::vacmAccessTable"
    );
    assert_eq!(lines[1], "");
    assert!(lines[2]
        .trim_start()
        .starts_with("index ContextMatch ReadViewName"));
    let Some(m) = reference_mib_path() else {
        return;
    };
    let cases: &[(&[&str], &str)] = &[
        (&[], "vacmAccessTable"),
        (&["-Ci"], "vacmAccessTable"),
        (&["-Cb", "-Ci"], "vacmAccessTable"),
        (&["-Cl", "-Ci"], "vacmAccessTable"),
        (&["-CH", "-Ci", "-Cf", "|"], "vacmAccessTable"),
        (&["-Ci", "-Cw", "60"], "vacmAccessTable"),
        (&["-Cc", "10", "-Ci"], "vacmAccessTable"),
        (&["-Cc", "10", "-Cw", "40"], "vacmAccessTable"),
        (&["-Os", "-Ci"], "vacmAccessTable"),
        (&["-Of", "-Ci"], "vacmAccessTable"),
        (&["-Ob", "-Ci"], "vacmAccessTable"),
        (&["-Oe", "-Cb"], "vacmAccessTable"),
        (&["-Oq"], "vacmAccessTable"),
        (&["-Cr", "2", "-Ci"], "vacmSecurityToGroupTable"),
        (&["-Ci"], "sysORTable"),
        // GetNext prints every -Cr rows with the widths seen so far.
        (&["-CB", "-Cr", "4", "-Ci"], "sysORTable"),
        (&["-v1", "-Cr", "3", "-Ci"], "sysORTable"),
        (&["-v1", "-Cf", ","], "vacmAccessTable"),
        (&["-Ci"], "ipAddrTable"),
        (&["-Ci", "-Cb"], "ipAddressTable"),
        (&[], "snmpTargetAddrTable"),
        (&["-Ch"], "ifTable"),
        (&["-Ch", "-Ci", "-Cf", ";"], "hrStorageTable"),
    ];
    for (opts, table) in cases {
        let a = ours(&agent, opts, table);
        let b = theirs(&m, &agent, opts, table);
        assert_eq!(a.code, b.code, "{opts:?} {table}: {}", a.stderr);
        assert_eq!(a.stdout, b.stdout, "{opts:?} {table}");
    }
}

/// Replaces the cells of the `volatile` columns with `#`s, in aligned or `-Cf ,` output.
fn mask(out: &str, volatile: &[&str], sep: Option<char>) -> String {
    let lines: Vec<&str> = out.lines().collect();
    let Some(h) = lines
        .iter()
        .position(|l| volatile.iter().all(|v| l.contains(v)))
    else {
        return out.to_string();
    };
    let header = lines[h];
    let mut res: Vec<String> = lines[..=h].iter().map(|l| l.to_string()).collect();
    match sep {
        Some(c) => {
            let hide: Vec<bool> = header
                .split(c)
                .map(|n| volatile.contains(&n.trim()))
                .collect();
            for l in &lines[h + 1..] {
                let cells: Vec<String> = l
                    .split(c)
                    .enumerate()
                    .map(|(i, v)| {
                        if hide.get(i) == Some(&true) {
                            "#".to_string()
                        } else {
                            v.to_string()
                        }
                    })
                    .collect();
                res.push(cells.join(&c.to_string()));
            }
        }
        None => {
            // Right-aligned columns end where their header ends.
            let mut spans = Vec::new();
            let mut start = 0;
            for name in header.split(' ').filter(|s| !s.is_empty()) {
                let end = header[start..].find(name).map(|p| start + p + name.len());
                let Some(end) = end else { break };
                if volatile.contains(&name) {
                    spans.push((start, end));
                }
                start = end;
            }
            for l in &lines[h + 1..] {
                let mut b = l.as_bytes().to_vec();
                for (s, e) in &spans {
                    for x in b.iter_mut().take(*e).skip(*s) {
                        *x = b'#';
                    }
                }
                res.push(String::from_utf8_lossy(&b).into_owned());
            }
        }
    }
    res.join("\n")
}

#[test]
fn iftable_and_hrstoragetable_match_snmptable_apart_from_moving_values() {
    let d = Snmpd::start("");
    let agent = d.v4();
    let Some(m) = reference_mib_path() else {
        return;
    };
    let if_moving = [
        "ifInOctets",
        "ifInUcastPkts",
        "ifInNUcastPkts",
        "ifOutOctets",
        "ifOutUcastPkts",
        "ifOutNUcastPkts",
        "ifInDiscards",
        "ifOutDiscards",
    ];
    let hr_moving = ["hrStorageUsed", "hrStorageSize"];
    // (options, table, moving columns, -Cf separator)
    type Case<'a> = (&'a [&'a str], &'a str, &'a [&'a str], Option<char>);
    let cases: &[Case] = &[
        (&[], "ifTable", &if_moving, None),
        (&["-Ci"], "ifTable", &if_moving, None),
        (&["-Cf", ","], "ifTable", &if_moving, Some(',')),
        (&["-Ci", "-Cf", ","], "ifTable", &if_moving, Some(',')),
        (&[], "hrStorageTable", &hr_moving, None),
        (&["-Ci"], "hrStorageTable", &hr_moving, None),
        (&["-Cf", ","], "hrStorageTable", &hr_moving, Some(',')),
        (
            &["-v1", "-Ci", "-Cf", ","],
            "hrStorageTable",
            &hr_moving,
            Some(','),
        ),
    ];
    for (opts, table, moving, sep) in cases {
        let mut last = None;
        for _ in 0..4 {
            let a = ours(&agent, opts, table);
            let b = theirs(&m, &agent, opts, table);
            assert_eq!(a.code, b.code, "{opts:?} {table}: {}", a.stderr);
            let (x, y) = (mask(&a.stdout, moving, *sep), mask(&b.stdout, moving, *sep));
            if x == y {
                last = None;
                break;
            }
            last = Some((x, y));
        }
        if let Some((x, y)) = last {
            assert_eq!(x, y, "{opts:?} {table}");
        }
    }
    // -CH: no title, no headers; the rows are the same lines as with headers.
    let with = ours(&agent, &["-Cf", ","], "hrStorageTable");
    let without = ours(&agent, &["-CH", "-Cf", ","], "hrStorageTable");
    let a: Vec<&str> = with.stdout.lines().skip(3).collect();
    let b: Vec<&str> = without.stdout.lines().collect();
    assert_eq!(a.len(), b.len());
    assert!(b[0].starts_with("1,HOST-RESOURCES-TYPES::"), "{}", b[0]);
}

#[test]
fn json_rows_carry_the_index_and_the_values_snmptable_shows() {
    let d = Snmpd::start("");
    let agent = d.v4();
    let r = ours(&agent, &["--json"], "ifTable");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert!(!rows.is_empty());
    let lo = rows.iter().find(|r| r["ifDescr"] == "lo").expect("lo");
    assert_eq!(lo["index"]["ifIndex"], lo["ifIndex"]);
    assert_eq!(lo["ifType"], "softwareLoopback");
    assert!(lo["ifMtu"].is_number());
    // Keys in table order: the index first, then the columns as the MIB lists them.
    let first = r.stdout.lines().next().unwrap_or("");
    assert!(first.starts_with("{\"index\":{\"ifIndex\":"), "{first}");
    assert!(
        first.find("\"ifIndex\"") < first.find("\"ifDescr\""),
        "{first}"
    );
    // Every row against snmptable -Ci -Cf: index, and the columns that do not move.
    let Some(m) = reference_mib_path() else {
        return;
    };
    for table in ["ifTable", "hrStorageTable", "vacmAccessTable"] {
        let j = ours(&agent, &["--json"], table);
        let rows: Vec<serde_json::Value> = j
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let t = theirs(&m, &agent, &["-Ci", "-Cf", "\t"], table);
        let lines: Vec<&str> = t.stdout.lines().skip(2).collect();
        let header: Vec<&str> = lines[0].split('\t').collect();
        assert_eq!(rows.len(), lines.len() - 1, "{table}");
        for (row, line) in rows.iter().zip(&lines[1..]) {
            for (name, cell) in header.iter().zip(line.split('\t')) {
                // Moving counters; TimeTicks are numbers in JSON.
                if ["Octets", "Pkts", "Used", "Discards", "LastChange"]
                    .iter()
                    .any(|m| name.contains(m))
                {
                    continue;
                }
                // The index is an object of typed components in JSON (checked above).
                if *name == "index" {
                    continue;
                }
                let v = &row[*name];
                let text = match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => "?".to_string(),
                    other => other.to_string(),
                };
                // snmptable adds UNITS after the number; JSON keeps the number alone.
                assert!(
                    cell == text || cell.starts_with(&format!("{text} ")),
                    "{table} {name}: {cell:?} vs {v}"
                );
            }
        }
    }
}

#[test]
fn errors_are_worded_as_snmptable_words_them() {
    let d = Snmpd::start("");
    let agent = d.v4();
    let r = ours(&agent, &[], "sysName");
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (1, "Was that a table? SNMPv2-MIB::sysName\n")
    );
    let r = ours(&agent, &["-Cz"], "ifTable");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with("Bad option after -C: z\n"),
        "{}",
        r.stderr
    );
    let r = snmpkit("table", &["-v2c", "-c", "public", &agent, "ifTable", "-Cf"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.ends_with("Bad -Cf option: no argument given\n"),
        "{}",
        r.stderr
    );
    let r = ours(&agent, &[], "noSuchTable");
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "noSuchTable: Unknown Object Identifier (Sub-id not found: (top) -> noSuchTable)\n"
    );
    let Some(m) = reference_mib_path() else {
        return;
    };
    for table in ["sysName", "noSuchTable"] {
        let a = ours(&agent, &[], table);
        let b = theirs(&m, &agent, &[], table);
        assert_eq!((a.code, &a.stderr), (b.code, &b.stderr), "{table}");
    }
}
