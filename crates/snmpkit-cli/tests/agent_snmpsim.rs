//! Real recordings replayed: every recording of snmpsim-data (and snmpsim's own recorded
//! walks) is served by `snmpkit agent` and by snmpsim itself, and net-snmp's `snmpwalk` walks
//! both; the lines must be the same.
//!
//! snmpsim and snmpsim-data live in a venv made from Debian's Python (`.ci/run` makes it at
//! `target/snmpsim-venv`, or set `SNMPSIM_VENV`). Nothing of snmpsim-data is committed: the
//! recordings are copied from the installed package into a temporary directory at run time.
//!
//! Run time: a recording longer than `SNMPKIT_SNMPSIM_LINES` data lines (200 by default; 0
//! means whole files) is cut to its first lines (the start of its tree: system, interfaces,
//! ...), since snmpsim answers about 500 GetNext requests a second and the whole data set is
//! 22 million lines. Both agents serve the same cut file.
//!
//! sysUpTime.0 (snmpsim serves the recorded value, we let it tick) and values of snmpsim's
//! `numeric` module (they move with time) are compared up to their type. A recording snmpsim
//! itself does not serve (its walk fails, or it logs a data error for the file) is listed and
//! not compared.

#[path = "../../../tests/common/mod.rs"]
mod common;

use common::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn venv() -> PathBuf {
    std::env::var_os("SNMPSIM_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/snmpsim-venv"))
}

/// snmpsim's command responder, killed on drop.
struct Snmpsim {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for Snmpsim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

impl Snmpsim {
    /// Starts snmpsim on 127.0.0.1 over `data`, and waits until it answers for `community`.
    fn start(dir: &Path, data: &Path, community: &str) -> Snmpsim {
        let bin = venv().join("bin/snmpsim-command-responder");
        let cache = dir.join("cache");
        std::fs::create_dir_all(&cache).unwrap();
        // snmpsim refuses to run as root: it drops to nobody, who must read the data and
        // write the index cache.
        chmod(&cache, 0o777);
        let log = dir.join("snmpsim.log");
        let port = free_udp_port();
        let mut cmd = Command::new(&bin);
        cmd.arg(format!("--data-dir={}", data.display()))
            .arg(format!("--cache-dir={}", cache.display()))
            .arg(format!("--agent-udpv4-endpoint=127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(std::fs::File::create(dir.join("snmpsim.err")).unwrap());
        if is_root() {
            cmd.args(["--process-user", "nobody", "--process-group", "nogroup"]);
        }
        let child = cmd.spawn().unwrap_or_else(|e| {
            panic!(
                "cannot run {}: {e}; .ci/run installs it (/usr/bin/python3 -m venv \
                 target/snmpsim-venv && target/snmpsim-venv/bin/pip install snmpsim pysmi \
                 snmpsim-data)",
                bin.display()
            )
        });
        let s = Snmpsim { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(120);
        let at = format!("127.0.0.1:{port}");
        while Instant::now() < deadline {
            let r = netsnmp(
                "snmpgetnext",
                &["-v2c", "-c", community, "-t", "0.5", "-r", "0", &at, ".1"],
            );
            if r.code == 0 {
                return s;
            }
        }
        let err = std::fs::read_to_string(dir.join("snmpsim.err")).unwrap_or_default();
        panic!("snmpsim did not answer within 120 s:\n{err}");
    }
}

/// OIDs served by snmpsim's `numeric` module in a recording, and whether an OID is recorded
/// twice (snmpsim's walk ends at the second: its index points at the last line of an OID).
fn scan(file: &Path) -> (BTreeSet<String>, bool) {
    let text = std::fs::read(file).unwrap();
    let mut numeric = BTreeSet::new();
    let mut all = BTreeSet::new();
    let mut twice = false;
    for l in text.split(|&b| b == b'\n') {
        let l = String::from_utf8_lossy(l);
        let mut p = l.splitn(3, '|');
        let (Some(oid), Some(tag)) = (p.next(), p.next()) else {
            continue;
        };
        let oid = oid.trim().trim_start_matches('.').to_string();
        if tag.ends_with(":numeric") {
            numeric.insert(oid.clone());
        }
        twice |= !all.insert(oid);
    }
    (numeric, twice)
}

/// The type word of a `snmpwalk -On` line (`Counter32`), or the whole value part.
fn line_type(l: &str) -> &str {
    let v = l.split_once(" = ").map_or(l, |(_, v)| v);
    v.split(':').next().unwrap_or(v)
}

#[test]
fn snmpsim_data_recordings_walk_as_snmpsim_serves_them() {
    let started = Instant::now();
    let py = venv().join("bin/python");
    assert!(
        py.exists(),
        "{} is missing: .ci/run makes it (/usr/bin/python3 -m venv target/snmpsim-venv && \
         target/snmpsim-venv/bin/pip install snmpsim pysmi snmpsim-data), or set SNMPSIM_VENV",
        py.display()
    );
    let limit: usize = std::env::var("SNMPKIT_SNMPSIM_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir().unwrap();
    chmod(dir.path(), 0o755);
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    chmod(&data, 0o755);
    let out = Command::new(&py)
        .arg(repo().join("tests/fixtures/snmpsim_recordings.py"))
        .arg(&data)
        .arg(limit.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "copying snmpsim-data failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manifest: Vec<(String, String, bool)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Some((
                f.first()?.to_string(),
                f.get(1)?.to_string(),
                *f.get(3)? == "1",
            ))
        })
        .collect();
    assert!(
        manifest.len() >= 100,
        "snmpsim-data should hold well over 100 recordings, found {}",
        manifest.len()
    );
    let sim = Snmpsim::start(dir.path(), &data, &manifest[0].0);
    let ours = SnmpkitAgent::start(&["--data", data.to_str().unwrap()]);
    let sim_at = format!("127.0.0.1:{}", sim.port);
    let our_at = ours.v4();

    let mut identical = 0usize;
    let mut varbinds = 0usize;
    let mut not_served = Vec::new();
    let mut differ = Vec::new();
    for (name, source, _) in &manifest {
        let walk = |at: &str| {
            netsnmp(
                "snmpwalk",
                &["-v2c", "-c", name, "-On", "-t", "10", "-r", "1", at, ".1"],
            )
        };
        let (theirs, mine) = std::thread::scope(|s| {
            let a = s.spawn(|| walk(&sim_at));
            let b = s.spawn(|| walk(&our_at));
            (a.join().unwrap(), b.join().unwrap())
        });
        if theirs.code != 0 || !theirs.stderr.trim().is_empty() {
            not_served.push(format!(
                "{name}: snmpsim's walk failed: {}",
                theirs.stderr.lines().next().unwrap_or("")
            ));
            continue;
        }
        let (mut volatile, twice) = scan(&data.join(format!("{name}.snmprec")));
        volatile.insert("1.3.6.1.2.1.1.3.0".into());
        let a: Vec<&str> = mine.stdout.lines().collect();
        let b: Vec<&str> = theirs.stdout.lines().collect();
        let mut first_diff = None;
        for i in 0..a.len().max(b.len()) {
            let (x, y) = (
                a.get(i).copied().unwrap_or("<none>"),
                b.get(i).copied().unwrap_or("<none>"),
            );
            if x == y {
                continue;
            }
            let oid = normalize_oid(line_oid(y));
            let same_oid = line_oid(x) == line_oid(y);
            if same_oid && volatile.contains(&oid) && line_type(x) == line_type(y) {
                continue;
            }
            first_diff = Some(format!(
                "line {}:\n    snmpkit: {x}\n    snmpsim: {y}",
                i + 1
            ));
            break;
        }
        match first_diff {
            None => {
                identical += 1;
                varbinds += b.len();
            }
            Some(_) if twice => not_served.push(format!(
                "{name}: an OID recorded twice ends snmpsim's walk there"
            )),
            Some(d) => differ.push(format!(
                "{name} ({source}), {d}; stderr: {}",
                mine.stderr.trim()
            )),
        }
    }
    // A data error makes snmpsim end a walk early without a word on the wire: files it
    // logged one for are not served by snmpsim, whatever the walk showed.
    let log = std::fs::read_to_string(&sim.log).unwrap_or_default()
        + &std::fs::read_to_string(sim.log.with_extension("err")).unwrap_or_default();
    differ.retain(|d| {
        let name = d.split(' ').next().unwrap_or("");
        let logged = log
            .lines()
            .any(|l| l.contains("data error") && l.contains(&format!("/{name}.snmprec")));
        if logged {
            not_served.push(format!("{name}: snmpsim logged a data error"));
        }
        !logged
    });
    let truncated = manifest.iter().filter(|m| m.2).count();
    eprintln!(
        "snmpsim-data replay: {} recordings ({truncated} cut to their first {limit} lines), \
         {identical} walked identically ({varbinds} lines), {} not served by snmpsim, {} \
         differ; {:.0} s\n{}",
        manifest.len(),
        not_served.len(),
        differ.len(),
        started.elapsed().as_secs_f64(),
        not_served.join("\n")
    );
    assert!(
        differ.is_empty(),
        "{} recordings walk differently through snmpkit agent and snmpsim:\n{}",
        differ.len(),
        differ.join("\n")
    );
    assert!(
        identical * 10 >= manifest.len() * 9,
        "only {identical} of {} recordings were compared: {}",
        manifest.len(),
        not_served.join("\n")
    );
}
