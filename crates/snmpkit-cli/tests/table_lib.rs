//! The library's table API against net-snmp's snmpd, with net-snmp's snmpwalk as the witness:
//! every way of fetching (whole entry by GetBulk, chosen columns side by side by GetBulk,
//! GetNext, v1, with non-repeaters beside) must give the rows and cells snmpwalk shows for the
//! same columns.

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;
use snmpkit::client::{TableEnd, TableOptions, TableSpec};
use snmpkit::mib::Mib;
use snmpkit::{oid, Client, ClientOptions, Oid, Security, Value};
use std::collections::BTreeMap;

/// (index, column) -> the value as `snmpwalk -On -Oq -Oe -Ox -Ot` prints it, for the
/// `columns` of `entry`, read back into index and column number.
fn walked(agent: &str, entry: &Oid, columns: &[u32]) -> BTreeMap<(Oid, u32), String> {
    let mut out: BTreeMap<(Oid, u32), String> = BTreeMap::new();
    for c in columns {
        let col = entry.child(&[*c]);
        let r = netsnmp(
            "snmpwalk",
            &[
                "-v2c",
                "-c",
                "public",
                "-On",
                "-Oq",
                "-Oe",
                "-Ox",
                "-Ot",
                "-m",
                "",
                agent,
                &col.to_dotted_leading(),
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let mut last: Option<(Oid, u32)> = None;
        for line in r.stdout.lines() {
            // Hex strings longer than 16 octets go on over the next lines.
            if !line.starts_with('.') {
                if let Some(v) = last.as_ref().and_then(|k| out.get_mut(k)) {
                    v.push(' ');
                    v.push_str(line.trim());
                }
                continue;
            }
            let (oid, value) = line.split_once(' ').unwrap_or((line, ""));
            let oid: Oid = oid.parse().expect("numeric OID");
            let index = Oid::from_slice(oid.strip_prefix(&col).expect("inside the column"));
            out.insert((index.clone(), *c), value.to_string());
            last = Some((index, *c));
        }
    }
    // `-Oq` quotes hex strings: keep only the octets.
    for v in out.values_mut() {
        *v = v
            .split_whitespace()
            .map(|w| w.trim_matches('"'))
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
    }
    out
}

/// A cell as snmpwalk prints it with `-On -Oq -Oe -Ox -Ot`: strings in hex (`41 42`), OIDs
/// numeric, numbers bare.
fn printed(v: &Value) -> String {
    match v {
        Value::OctetString(b) => b
            .iter()
            .map(|x| format!("{x:02X}"))
            .collect::<Vec<_>>()
            .join(" "),
        Value::ObjectIdentifier(o) => o.to_dotted_leading(),
        Value::TimeTicks(t) => t.to_string(),
        other => other
            .as_i64()
            .map(|n| n.to_string())
            .unwrap_or_else(|| format!("{other:?}")),
    }
    .trim()
    .to_string()
}

fn cells(table: &snmpkit::client::Table) -> BTreeMap<(Oid, u32), String> {
    let mut out = BTreeMap::new();
    for row in table.rows() {
        for (c, cell) in table.columns().iter().zip(row.cells()) {
            if let Some(v) = cell {
                out.insert((row.index().oid().clone(), c.arc()), printed(v));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_read_through_the_library_match_snmpwalk() {
    let d = Snmpd::start("");
    let agent = d.v4();
    let mib = Mib::builtin();
    let v2 = Client::connect(&agent, Security::v2c("public"), ClientOptions::default())
        .await
        .unwrap();
    let v1 = Client::connect(&agent, Security::v1("public"), ClientOptions::default())
        .await
        .unwrap();

    // sysORTable and vacmAccessTable do not move between reads: compared exactly.
    for name in ["sysORTable", "vacmAccessTable"] {
        let spec = TableSpec::by_name(&mib, name).unwrap();
        let arcs: Vec<u32> = spec.columns().iter().map(|c| c.arc()).collect();
        let want = walked(&agent, spec.entry_oid(), &arcs);
        assert!(!want.is_empty(), "{name}: snmpwalk found nothing");
        for (client, opts, how) in [
            (&v2, TableOptions::new().max_repetitions(3), "GetBulk entry"),
            (&v2, TableOptions::new().get_next(true), "GetNext"),
            (&v1, TableOptions::new(), "v1"),
        ] {
            let t = client.table(&spec, &opts).await.unwrap();
            assert_eq!(cells(&t), want, "{name} by {how}");
            assert_eq!(t.end(), &TableEnd::Complete, "{name} by {how}");
            assert!(!t.unknown_columns(), "{name} by {how}");
        }
        // Two columns side by side, in the other order, with small GetBulk pages.
        let last = spec.columns().last().unwrap().name().to_string();
        let first = spec.columns()[0].name().to_string();
        let pick = spec.clone().select(&[&last, &first]).unwrap();
        let t = v2
            .table(&pick, &TableOptions::new().max_repetitions(2))
            .await
            .unwrap();
        let arcs = [pick.columns()[0].arc(), pick.columns()[1].arc()];
        assert_eq!(cells(&t), walked(&agent, spec.entry_oid(), &arcs), "{name}");
    }

    // sysUpTime.0 read beside the table, in its first request (GetBulk's non-repeaters, or
    // an extra varbind of the first GetNext); the rows stay the same.
    const SYS_UPTIME: Oid = oid!(1, 3, 6, 1, 2, 1, 1, 3);
    let spec = TableSpec::by_name(&mib, "sysORTable").unwrap();
    let arcs: Vec<u32> = spec.columns().iter().map(|c| c.arc()).collect();
    let want = walked(&agent, spec.entry_oid(), &arcs);
    for (client, opts) in [
        (&v2, TableOptions::new().max_repetitions(4)),
        (&v2, TableOptions::new().get_next(true)),
        (&v1, TableOptions::new()),
    ] {
        let t = client
            .table(&spec, &opts.non_repeaters(&[SYS_UPTIME]))
            .await
            .unwrap();
        assert_eq!(cells(&t), want);
        let [up] = t.scalars() else {
            panic!("one scalar: {:?}", t.scalars())
        };
        assert_eq!(up.oid, SYS_UPTIME.child(&[0]));
        assert!(up.value.as_duration().is_some(), "{:?}", up.value);
    }

    // ifTable by hand (no MIB), static columns only: ifIndex, ifDescr, ifType, ifMtu.
    const IF_ENTRY: Oid = oid!(1, 3, 6, 1, 2, 1, 2, 2, 1);
    let spec = TableSpec::new(IF_ENTRY, &[1, 2, 3, 4]);
    let t = v2.table(&spec, &TableOptions::new()).await.unwrap();
    assert_eq!(cells(&t), walked(&agent, &IF_ENTRY, &[1, 2, 3, 4]));
    let lo = t
        .rows()
        .iter()
        .find(|r| r.get("2").and_then(Value::as_str) == Some("lo"))
        .expect("the loopback interface");
    assert_eq!(lo.get("3").and_then(Value::as_i64), Some(24)); // softwareLoopback
    assert_eq!(
        lo.get("1").and_then(Value::as_u64),
        lo.index().integer().map(u64::from)
    );

    // The row limit stops the fetch and says so.
    let spec = TableSpec::by_name(&mib, "vacmAccessTable").unwrap();
    let t = v2
        .table(&spec, &TableOptions::new().max_rows(Some(1)))
        .await
        .unwrap();
    assert_eq!((t.rows().len(), t.end()), (1, &TableEnd::RowLimit));
}

/// `snmptable -On` refuses every table ("Was that a table?", exit 1): it finds the column
/// names in the printed OIDs, and numeric OIDs have none. `snmpkit table -On` printed the
/// table instead.
#[test]
fn table_with_numeric_oids_is_refused_as_snmptable_refuses_it() {
    let d = Snmpd::start("");
    let agent = d.v4();
    for (table, oid) in [
        ("sysORTable", ".1.3.6.1.2.1.1.9"),
        ("vacmSecurityToGroupTable", ".1.3.6.1.6.3.16.1.2"),
    ] {
        let ours = snmpkit("table", &["-v2c", "-c", "public", "-On", &agent, table]);
        assert_eq!(ours.code, 1, "{table}: {}", ours.stdout);
        assert_eq!(ours.stdout, "", "{table}");
        assert_eq!(ours.stderr, format!("Was that a table? {oid}\n"), "{table}");
        // The same words and code as snmptable's, given the same modules.
        if let Some(m) = reference_mib_path() {
            let theirs = netsnmp(
                "snmptable",
                &[
                    "-M",
                    &m,
                    "-m",
                    BUILTIN_MODULES,
                    "-v2c",
                    "-c",
                    "public",
                    "-On",
                    &agent,
                    table,
                ],
            );
            assert_eq!(
                (ours.code, &ours.stdout, &ours.stderr),
                (theirs.code, &theirs.stdout, &theirs.stderr),
                "{table}"
            );
        }
    }
}
