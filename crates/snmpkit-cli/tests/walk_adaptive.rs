//! Without `-Cr`, `bulkwalk`, `table`, `poll` and the library's bulk walks and tables size
//! their GetBulk requests themselves (issue 13): they print exactly what `-Cr10` prints (or,
//! in the library, return what a fixed 10 returns), on snmpd and on an snmpd that caps
//! repetitions at 5, in fewer round trips where the agent allows more.

#[path = "../../../tests/common/mod.rs"]
mod common;

use common::*;

/// The OIDs of a whole-tree walk, without the rows that churn while other tests run.
fn oids(out: &str) -> Vec<String> {
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
    out.lines()
        .filter(|l| l.starts_with('.'))
        .map(|l| line_oid(l).to_string())
        .filter(|o| !CHURN.iter().any(|c| o.starts_with(c)))
        .collect()
}

/// Requests sent, counted from the `-d` dump.
fn requests(stderr: &str) -> usize {
    stderr.lines().filter(|l| l.starts_with("Sending")).count()
}

/// Runs snmpkit `sub` with `args` twice, without `-Cr` and with `-Cr10` (and `-d` both times
/// when `count` is set), and returns both runs.
fn both(sub: &str, args: &[&str], count: bool) -> (Run, Run) {
    let mut a: Vec<&str> = Vec::new();
    if count {
        a.push("-d");
    }
    let mut b = a.clone();
    b.push("-Cr10");
    a.extend_from_slice(args);
    b.extend_from_slice(args);
    let (adaptive, fixed) = (snmpkit(sub, &a), snmpkit(sub, &b));
    assert_eq!(adaptive.code, 0, "{sub}: {}", adaptive.stderr);
    assert_eq!(fixed.code, 0, "{sub} -Cr10: {}", fixed.stderr);
    (adaptive, fixed)
}

/// The varbinds of `poll --json` records, without the time fields.
fn polled(out: &str) -> Vec<serde_json::Value> {
    out.lines()
        .map(|l| {
            let r: serde_json::Value = serde_json::from_str(l).expect("a JSON record");
            assert!(r["error"].is_null(), "{r}");
            r["varbinds"].clone()
        })
        .collect()
}

/// Request counts of (bulkwalk, table, poll) without -Cr and with -Cr10, after checking that
/// each prints the same without -Cr as with -Cr10.
struct Counts {
    walk: (usize, usize),
    table: (usize, usize),
    poll: (usize, usize),
}

fn same_as_cr10(extra_conf: &str) -> Counts {
    let d = Snmpd::start(extra_conf);
    let agent = d.v4();
    let base = ["-v2c", "-c", "public", "-m", "", "-On"];
    // Subtrees whose values hold still: the lines must be identical.
    for subtree in [
        ".1.3.6.1.6.3.16",
        ".1.3.6.1.2.1.1.9",
        ".1.3.6.1.6.3.15.1.2.2",
    ] {
        let mut a: Vec<&str> = base.to_vec();
        a.push(&agent);
        a.push(subtree);
        let adaptive = snmpkit("bulkwalk", &a);
        let mut b: Vec<&str> = base.to_vec();
        b.extend(["-Cr10", &agent, subtree]);
        let fixed = snmpkit("bulkwalk", &b);
        assert_eq!(adaptive.code, 0, "{}", adaptive.stderr);
        assert!(
            fixed.stdout.lines().count() > 3,
            "{subtree}: {}",
            fixed.stdout
        );
        assert_eq!(adaptive.stdout, fixed.stdout, "{subtree}");
    }
    // The whole tree: the same OIDs, in the same order.
    let mut a: Vec<&str> = base.to_vec();
    a.extend([&agent, ".1"]);
    let adaptive = snmpkit("bulkwalk", &a);
    let mut b: Vec<&str> = base.to_vec();
    b.extend(["-Cr10", &agent, ".1"]);
    let fixed = snmpkit("bulkwalk", &b);
    assert_eq!(adaptive.code, 0, "{}", adaptive.stderr);
    let (x, y) = (oids(&adaptive.stdout), oids(&fixed.stdout));
    assert!(y.len() > 500, "only {} OIDs", y.len());
    assert_eq!(x, y);
    // Round trips, counted from the -d dump of the installed-software table (stable while
    // the tests run, and without process arguments, which could hold any text).
    let mut a: Vec<&str> = base.to_vec();
    a.extend(["-d", &agent, ".1.3.6.1.2.1.25.6.3"]);
    let adaptive = snmpkit("bulkwalk", &a);
    let mut b: Vec<&str> = base.to_vec();
    b.extend(["-d", "-Cr10", &agent, ".1.3.6.1.2.1.25.6.3"]);
    let fixed = snmpkit("bulkwalk", &b);
    assert_eq!(adaptive.code, 0, "{}", adaptive.stderr);
    assert!(fixed.stdout.lines().count() > 20, "{}", fixed.stdout);
    assert_eq!(adaptive.stdout, fixed.stdout);
    let walk = (requests(&adaptive.stderr), requests(&fixed.stderr));

    // table: the same table (with the MIB's names and index decoding) either way.
    let (adaptive, fixed) = both(
        "table",
        &[
            "-v2c",
            "-c",
            "public",
            &agent,
            "HOST-RESOURCES-MIB::hrSWInstalledTable",
        ],
        true,
    );
    assert!(fixed.stdout.lines().count() > 20, "{}", fixed.stdout);
    assert_eq!(adaptive.stdout, fixed.stdout);
    let table = (requests(&adaptive.stderr), requests(&fixed.stderr));

    // poll: the same varbinds, for a walked table and a scalar beside it.
    let (adaptive, fixed) = both(
        "poll",
        &[
            "-v2c",
            "-c",
            "public",
            "--count",
            "1",
            "--json",
            &agent,
            "sysContact.0",
            "hrSWInstalledTable",
        ],
        true,
    );
    let (x, y) = (polled(&adaptive.stdout), polled(&fixed.stdout));
    assert!(
        y[0].as_array().is_some_and(|v| v.len() > 20),
        "{}",
        fixed.stdout
    );
    assert_eq!(x, y);
    let poll = (requests(&adaptive.stderr), requests(&fixed.stderr));

    library_same_as_fixed(&agent);
    Counts { walk, table, poll }
}

/// The library's defaults (adaptive) give what a fixed 10 gives: `bulk_walk`, a whole-entry
/// table and chosen columns side by side.
fn library_same_as_fixed(agent: &str) {
    use snmpkit::client::{TableOptions, TableSpec};
    use snmpkit::{Client, ClientOptions, Oid, Security};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let adaptive = Client::connect(agent, Security::v2c("public"), ClientOptions::default())
            .await
            .unwrap();
        let fixed = Client::connect(
            agent,
            Security::v2c("public"),
            ClientOptions::builder().max_repetitions(10).build(),
        )
        .await
        .unwrap();
        let root: Oid = ".1.3.6.1.2.1.25.6.3".parse().unwrap();
        let limit = snmpkit::client::WalkLimit::none();
        let x = adaptive.bulk_walk(&root, limit).await.unwrap();
        let y = fixed.bulk_walk(&root, limit).await.unwrap();
        assert!(y.len() > 20);
        assert_eq!(x, y);
        // Page by page with the next request sent before each page is handled (prefetch, as
        // bulkwalk does): the same varbinds again.
        let mut walk = adaptive.bulk_walk_stream(&root).prefetch(true);
        let mut z = Vec::new();
        loop {
            let page = walk.next_page().await.unwrap();
            z.extend(
                page.varbinds
                    .into_iter()
                    .filter(|v| !v.value.is_exception()),
            );
            if page.end.is_some() {
                break;
            }
        }
        assert_eq!(z, y);
        let mib = snmpkit::mib::Mib::builtin();
        let spec = TableSpec::by_name(&mib, "hrSWInstalledTable").unwrap();
        let cols = spec
            .clone()
            .select(&["hrSWInstalledName", "hrSWInstalledType"])
            .unwrap();
        for s in [&spec, &cols] {
            let x = adaptive.table(s, &TableOptions::new()).await.unwrap();
            let y = fixed.table(s, &TableOptions::new()).await.unwrap();
            assert!(y.rows().len() > 20);
            let cells = |t: &snmpkit::client::Table| -> Vec<_> {
                t.rows()
                    .iter()
                    .map(|r| (r.index().oid().clone(), r.cells().to_vec()))
                    .collect()
            };
            assert_eq!(cells(&x), cells(&y));
        }
    });
}

#[test]
fn without_cr_bulkwalk_table_and_poll_print_what_cr10_prints_in_fewer_requests() {
    let c = same_as_cr10("");
    for (what, (adaptive, fixed)) in [("bulkwalk", c.walk), ("table", c.table), ("poll", c.poll)] {
        assert!(
            adaptive * 3 < fixed,
            "{what}: {adaptive} requests without -Cr against {fixed} with -Cr10"
        );
    }
}

#[test]
fn without_cr_bulkwalk_table_and_poll_follow_an_agent_that_caps_repetitions() {
    let c = same_as_cr10("maxGetbulkRepeats 5\n");
    // Capped at 5, both need about twice the requests -Cr10 would need uncapped; the
    // adaptive walk asks for more than it gets only until it has seen the cap.
    for (what, (adaptive, fixed)) in [("bulkwalk", c.walk), ("table", c.table), ("poll", c.poll)] {
        assert!(adaptive <= fixed + 2, "{what}: {adaptive} against {fixed}");
    }
}
