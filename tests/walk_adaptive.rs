//! `bulkwalk` without `-Cr` sizes its GetBulk requests itself (issue 13): it prints exactly
//! what `-Cr10` prints, on snmpd and on an snmpd that caps repetitions at 5, in fewer round
//! trips where the agent allows more.

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

fn same_as_cr10(extra_conf: &str) -> (usize, usize) {
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
    (requests(&adaptive.stderr), requests(&fixed.stderr))
}

#[test]
fn bulkwalk_without_cr_prints_what_cr10_prints_in_fewer_requests() {
    let (adaptive, fixed) = same_as_cr10("");
    assert!(
        adaptive * 3 < fixed,
        "{adaptive} requests without -Cr against {fixed} with -Cr10"
    );
}

#[test]
fn bulkwalk_without_cr_follows_an_agent_that_caps_repetitions() {
    let (adaptive, fixed) = same_as_cr10("maxGetbulkRepeats 5\n");
    // Capped at 5, both need about twice the requests -Cr10 would need uncapped; the
    // adaptive walk never asks for more than it gets for long.
    assert!(adaptive <= fixed, "{adaptive} against {fixed}");
}
