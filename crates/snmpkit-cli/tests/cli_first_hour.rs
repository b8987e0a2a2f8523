//! The first hour, round 3 (issue 26), as a new user meets it: output that matches net-snmp's
//! tools to the last line (the end of an adaptive bulkwalk, `-Td` and `-Tp` over real module
//! files, modules named in a name, `-l` typos, `-V`), what a serious CLI offers (completions
//! that a real bash registers, manual pages that `man` renders, a progress line on terminals
//! only, a hint when a wrong privacy passphrase looks like a timeout, `install-links` without
//! a directory), each compared with net-snmp's tools where the behaviour is theirs.

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The end-of-data lines of a walk's output.
fn end_lines(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|l| l.contains("No more variables left in this MIB View"))
        .collect()
}

/// tests/fixtures/bulk_agent.py serving COUNT instances and filling every GetBulk repetition
/// past them with endOfMibView, killed on drop.
struct BulkAgent {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl BulkAgent {
    fn start(count: usize) -> BulkAgent {
        let dir = tempfile::tempdir().unwrap();
        let portfile = dir.path().join("port");
        let child = Command::new("python3")
            .arg(repo().join("tests/fixtures/bulk_agent.py"))
            .arg(&portfile)
            .arg(count.to_string())
            .stdin(Stdio::null())
            .spawn()
            .expect("python3 runs the bulk agent");
        // Built first, so the fixture is killed if it never reports its port.
        let mut fixture = BulkAgent {
            child,
            port: 0,
            _dir: dir,
        };
        fixture.port = wait_port(&portfile);
        fixture
    }
}

impl Drop for BulkAgent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port a fixture writes into `portfile` once it is bound (bounded: 10 s).
fn wait_port(portfile: &std::path::Path) -> u16 {
    let start = Instant::now();
    loop {
        if let Ok(p) = std::fs::read_to_string(portfile) {
            if let Ok(port) = p.trim().parse() {
                return port;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "fixture did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Without `-Cr`, bulkwalk sizes GetBulk itself (25 repetitions and more); the README
/// promises `-Cr10`'s lines, and at the end of the agent's data that means as many
/// "No more variables" lines as snmpbulkwalk (10 repetitions) prints, not one per repetition
/// left in a larger request (issue 26: 23 lines where snmpbulkwalk printed 8). Against an
/// agent that fills every repetition past its data, and against snmpd and snmpkit's agent,
/// which send one.
#[test]
fn adaptive_bulkwalk_ends_with_snmpbulkwalks_lines() {
    let root = ".1.3.6.1.4.1.99999";
    for (count, ends) in [(102, 8), (100, 10), (7, 3), (250, 10)] {
        let agent = BulkAgent::start(count);
        let a = format!("127.0.0.1:{}", agent.port);
        let args = ["-v2c", "-c", "public", "-On", &a, root];
        let ours = snmpkit("bulkwalk", &args);
        let theirs = netsnmp("snmpbulkwalk", &args);
        let what = format!("{count} instances");
        assert_eq!((ours.code, theirs.code), (0, 0), "{what}: {}", ours.stderr);
        assert_eq!(end_lines(&theirs.stdout).len(), ends, "{what}");
        assert_eq!(ours.stdout, theirs.stdout, "{what}");
        // -Cr is used exactly as given, end lines included.
        let mut fixed = vec!["-Cr25"];
        fixed.extend_from_slice(&args);
        let (ours, theirs) = (snmpkit("bulkwalk", &fixed), netsnmp("snmpbulkwalk", &fixed));
        assert_eq!(ours.stdout, theirs.stdout, "{what} -Cr25");
        // -Cp counts the lines printed, as snmpbulkwalk does.
        let mut count_args = vec!["-Cp"];
        count_args.extend_from_slice(&args);
        let ours = snmpkit("bulkwalk", &count_args);
        let theirs = netsnmp("snmpbulkwalk", &count_args);
        assert_eq!(ours.stdout, theirs.stdout, "{what} -Cp");
    }
    let lab = SnmpkitAgent::lab();
    let d = Snmpd::start("");
    for agent in [lab.v4(), d.v4()] {
        let root = ".1.3.6.1.2.1.31.1.1.1.19";
        let args = ["-v2c", "-c", "public", "-m", "", "-On", &agent, root];
        let ours = snmpkit("bulkwalk", &args);
        let theirs = netsnmp("snmpbulkwalk", &args);
        assert_eq!((ours.code, theirs.code), (0, 0), "{agent}: {}", ours.stderr);
        assert_eq!(ours.stdout, theirs.stdout, "{agent}");
    }
}

/// `-M DIR` with real module files: their definitions replace the built-in compact texts, so
/// `-Td` prints the file's full DESCRIPTION exactly as snmptranslate does, with or without
/// `-m`.
#[test]
fn translate_td_prints_the_module_files_definitions() {
    let Some(path) = reference_mib_path() else {
        return;
    };
    let reference = path.split(':').next().unwrap().to_string();
    // These modules and what they import are all in the reference collection.
    let modules = "SNMPv2-MIB:IF-MIB:HOST-RESOURCES-MIB:SNMP-VIEW-BASED-ACM-MIB";
    let objects = [
        "IF-MIB::ifOperStatus",
        "SNMPv2-MIB::sysName.0",
        "IF-MIB::ifTable",
        "HOST-RESOURCES-MIB::hrStorageUsed",
        "SNMP-VIEW-BASED-ACM-MIB::vacmAccessEntry",
    ];
    for object in objects {
        let theirs = netsnmp(
            "snmptranslate",
            &["-M", &reference, "-m", modules, "-Td", object],
        );
        assert_eq!(theirs.code, 0, "{object}: {}", theirs.stderr);
        assert!(
            theirs.stdout.contains("DESCRIPTION\t\""),
            "{}",
            theirs.stdout
        );
        // The files alone on -M, default modules; and with the same -m as net-snmp.
        for ours in [
            snmpkit("translate", &["-M", &reference, "-Td", object]),
            snmpkit(
                "translate",
                &["-M", &reference, "-m", modules, "-Td", object],
            ),
        ] {
            assert_eq!(ours.code, 0, "{object}: {}", ours.stderr);
            assert_eq!(ours.stdout, theirs.stdout, "-Td {object}");
        }
    }
    // As in net-snmp, of two directories with the module the later one is read: here our
    // compact text, whose one-line description is our own.
    let compact = netsnmp(
        "snmptranslate",
        &["-M", &path, "-m", "IF-MIB", "-IR", "-Td", "ifOperStatus"],
    );
    assert!(
        compact.stdout.contains("a column of ifTable"),
        "{}",
        compact.stdout
    );
    let ours = snmpkit(
        "translate",
        &["-M", &path, "-m", "IF-MIB", "-Td", "ifOperStatus"],
    );
    assert_eq!(ours.stdout, compact.stdout);
    // The built-in compact text has a one-line description of its own: a different text.
    let builtin = snmpkit("translate", &["-Td", "IF-MIB::ifOperStatus"]);
    let full = snmpkit(
        "translate",
        &["-M", &reference, "-Td", "IF-MIB::ifOperStatus"],
    );
    assert_ne!(builtin.stdout, full.stdout);
}

/// `-Tp` draws the tree below a node line for line as snmptranslate does (access, type,
/// textual convention, enumerations, ranges and sizes, indexes, the `|` columns and blank
/// lines), for names given with `-IR`.
#[test]
fn translate_tp_draws_snmptranslates_tree() {
    let Some(path) = reference_mib_path() else {
        return;
    };
    let roots = [
        "system",
        "interfaces",
        "ifMIB",
        "snmpMIB",
        "vacmAccessTable",
        "hrStorageTable",
        "sysDescr",
        "ip",
        ".1.3.6.1.6",
    ];
    for root in roots {
        let mut args = vec!["-M", path.as_str(), "-m", BUILTIN_MODULES];
        if !root.starts_with('.') {
            args.push("-IR");
        }
        args.extend(["-Tp", root]);
        let ours = snmpkit("translate", &args);
        let theirs = netsnmp("snmptranslate", &args);
        assert_eq!(
            (ours.code, theirs.code),
            (0, 0),
            "{root}: {}",
            theirs.stderr
        );
        assert!(theirs.stdout.lines().count() > 1 || root == "sysDescr");
        assert_eq!(ours.stdout, theirs.stdout, "-Tp {root}");
    }
    // Without a name, the whole tree from iso(1).
    let args = ["-M", path.as_str(), "-m", "IF-MIB", "-Tp"];
    let (ours, theirs) = (snmpkit("translate", &args), netsnmp("snmptranslate", &args));
    assert!(
        theirs.stdout.starts_with("+--iso(1)\n"),
        "{}",
        theirs.stdout
    );
    assert_eq!(ours.stdout, theirs.stdout, "-Tp alone");
    assert_eq!(snmpkit("translate", &[]).code, 1);
    // The built-in modules draw the same tree as net-snmp reading their files (the path ends
    // with our mibs/, and net-snmp reads a module from the last directory that has it).
    let ours = snmpkit("translate", &["-IR", "-Tp", "ifEntry"]);
    let theirs = netsnmp(
        "snmptranslate",
        &["-M", &path, "-m", "IF-MIB", "-IR", "-Tp", "ifEntry"],
    );
    assert!(theirs.stdout.contains("ifSpecific"), "{}", theirs.stderr);
    assert_eq!(ours.stdout, theirs.stdout);
}

/// Every module in `mibs/` (the README calls them built in, ENTITY-MIB among them) resolves
/// with no `-m`, when a name says which module it is from; net-snmp, reading the same files,
/// gives the same OIDs.
#[test]
fn every_built_in_module_resolves_without_m() {
    let r = snmpkit("translate", &["-On", "ENTITY-MIB::entPhysicalDescr"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // RFC 6933: entPhysicalEntry is { entPhysicalTable 1 } under entityMIB (mib-2 47).
    assert_eq!(r.stdout, ".1.3.6.1.2.1.47.1.1.1.1.2\n");
    assert_eq!(r.stderr, "");
    // net-snmp reads our module files (the last directory of the path wins) with the
    // reference collection's SNMPv2-SMI and other base modules.
    let Some(path) = reference_mib_path() else {
        return;
    };
    let mut names = Vec::new();
    for (module, _) in snmpkit::mib::BUILTIN_MODULES {
        let cfg = snmpkit::mib::MibConfig::default().with_modules(*module);
        let (mib, _) = snmpkit::mib::Mib::load(&cfg);
        // Modules of textual conventions only (IPV6-TC) have no name to resolve.
        let name = mib
            .nodes()
            .find(|n| {
                n.module() == *module
                    && n.oid().arcs().len() > 4
                    && n.kind() != snmpkit::mib::NodeKind::Node
            })
            .map(|n| format!("{module}::{}", n.name()));
        names.extend(name);
    }
    assert!(names.len() >= 40, "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("ENTITY-MIB::")));
    for name in &names {
        let ours = snmpkit("translate", &["-On", name]);
        let theirs = netsnmp("snmptranslate", &["-M", &path, "-m", "ALL", "-On", name]);
        assert_eq!(ours.code, 0, "{name}: {}", ours.stderr);
        assert_eq!(ours.stdout, theirs.stdout, "{name}");
        assert_eq!(ours.stderr, "", "{name}");
    }
    // The module loaded for a name is loaded for printing too.
    let r = snmpkit("translate", &["ENTITY-MIB::entPhysicalDescr.1"]);
    assert_eq!(r.stdout, "ENTITY-MIB::entPhysicalDescr.1\n");
    // A module that does not exist is an unknown name, not a load warning.
    let r = snmpkit("translate", &["-On", "NO-SUCH-MIB::thing"]);
    assert_eq!(r.code, 2);
    assert!(!r.stderr.contains("Cannot find module"), "{}", r.stderr);
}

/// A misspelt `-l` (and `-a`, `-x`) is refused before anything is sent, with snmpget's
/// message and exit code, whatever the version.
#[test]
fn misspelt_security_level_is_refused_as_snmpget_refuses_it() {
    let agent = format!("127.0.0.1:{}", free_udp_port());
    let cases: &[&[&str]] = &[
        &["-v3", "-u", "ops", "-l", "authPirv"],
        &["-v2c", "-c", "public", "-l", "authPirv"],
        &[
            "-v3",
            "-u",
            "ops",
            "-l",
            "authPriv",
            "-a",
            "SHA-999",
            "-A",
            "x12345678",
        ],
        &[
            "-v3",
            "-u",
            "ops",
            "-l",
            "authPriv",
            "-x",
            "AESX",
            "-X",
            "x12345678",
        ],
    ];
    for args in cases {
        let mut a = args.to_vec();
        a.extend([agent.as_str(), "1.3.6.1.2.1.1.5.0"]);
        let ours = snmpkit("get", &a);
        let theirs = netsnmp("snmpget", &a);
        assert_eq!((ours.code, theirs.code), (1, 1), "{a:?}: {}", ours.stderr);
        let first = theirs.stderr.lines().next().unwrap();
        assert!(first.starts_with("Invalid "), "{first}");
        assert_eq!(ours.stderr.lines().next(), Some(first), "{a:?}");
    }
}

/// `snmpwalk -V` through the links prints a version (exit 0, as net-snmp's); `snmpkit` alone
/// prints the usage and fails; the top-level description names every kind of job.
#[test]
fn version_usage_and_description() {
    let links = Links::install();
    for name in ["snmpwalk", "snmpget", "snmptable", "snmptrapd"] {
        let r = links.run(name, &["-V"]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert_eq!(
            r.stdout,
            format!("{name} (snmpkit {})\n", env!("CARGO_PKG_VERSION"))
        );
        if name != "snmptrapd" {
            assert_eq!(netsnmp(name, &["-V"]).code, 0, "net-snmp's {name} -V");
        }
    }
    // -V anywhere among the options, as net-snmp reads it.
    let r = links.run("snmpwalk", &["-v2c", "-c", "public", "-V", "127.0.0.1:9"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bare = Command::new(snmpkit_bin()).output().unwrap();
    assert_ne!(bare.status.code(), Some(0));
    let text = String::from_utf8_lossy(&bare.stderr);
    assert!(text.contains("Usage: snmpkit <COMMAND>"), "{text}");
    let help = snmpkit("--help", &[]);
    let about = help.stdout.lines().next().unwrap();
    for job in ["(agent)", "(listen)", "(poll)", "exporter"] {
        assert!(about.contains(job), "{job}: {about}");
    }
}

/// `snmpkit completions bash` is a script a real bash sources and registers, and that
/// completes the commands; the other shells get their scripts too.
#[test]
fn completions_register_in_bash() {
    let script = format!(
        "source <('{}' completions bash) && complete -p snmpkit && \
         COMP_WORDS=(snmpkit bulk) COMP_CWORD=1 COMP_LINE='snmpkit bulk' COMP_POINT=12 && \
         _snmpkit snmpkit bulk snmpkit && echo \"words: ${{COMPREPLY[*]}}\"",
        snmpkit_bin()
    );
    let o = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &script])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("-F _snmpkit snmpkit"), "{out}");
    let words = out.lines().find(|l| l.starts_with("words: ")).unwrap();
    assert!(
        words.contains("bulkget") && words.contains("bulkwalk"),
        "{words}"
    );
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let r = snmpkit("completions", &[shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(r.stdout.contains("install-links"), "{shell}");
    }
    let r = snmpkit("completions", &["tcsh"]);
    assert_eq!(r.code, 1);
}

/// `snmpkit manpages DIR` writes snmpkit(1) and a page per command, and `man -l` renders
/// them.
#[test]
fn manual_pages_render_with_man() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let r = snmpkit("manpages", &[d]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let help = snmpkit("--help", &[]).stdout;
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 16, "{commands:?}");
    for page in std::iter::once("snmpkit".to_string())
        .chain(commands.iter().map(|c| format!("snmpkit-{c}")))
    {
        let file = dir.path().join(format!("{page}.1"));
        assert!(file.exists(), "{page}.1 missing: {}", r.stdout);
        let o = Command::new("man")
            .arg("-l")
            .arg(&file)
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .env("MANWIDTH", "100")
            .stdin(Stdio::null())
            .output()
            .expect("man (man-db) is installed; .ci/run installs it");
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success(),
            "{page}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(text.contains("NAME"), "{page}: {text}");
        assert!(text.contains("SYNOPSIS"), "{page}: {text}");
        assert!(text.contains(&page), "{page}: {text}");
    }
    let o = Command::new("man")
        .arg("-l")
        .arg(dir.path().join("snmpkit-get.1"))
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("-c <COMMUNITY>"), "{text}");
}

/// Runs `command` under a pseudo-terminal (util-linux `script`), bounded, and returns what
/// the terminal showed.
fn on_a_terminal(command: &str) -> String {
    let mut child = Command::new("script")
        .args(["-qec", command, "/dev/null"])
        .env("SNMPCONFPATH", clean_env_dir())
        .env("HOME", clean_env_dir())
        .env("TERM", "xterm")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script (util-linux) runs");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("{command}: still running after 30 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let o = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A walk running longer than 2 s shows its progress on a terminal (varbinds so far and the
/// rate), and never when stdout is not a terminal or with `-Cq`.
#[test]
fn walk_progress_line_only_on_a_terminal() {
    // An address nobody answers: the walk waits out 3 timeouts of 1 s.
    let agent = format!("127.0.0.1:{}", free_udp_port());
    let walk = format!(
        "'{}' walk -v2c -c public -t 1 -r 2 {agent} .1.3.6.1.2.1.1",
        snmpkit_bin()
    );
    let shown = on_a_terminal(&walk);
    assert!(shown.contains("snmpkit walk: 0 varbinds, 0/s"), "{shown:?}");
    assert!(
        shown.contains(&format!("Timeout: No Response from {agent}")),
        "{shown:?}"
    );
    // Erased before the message: the message starts a clean line.
    assert!(shown.contains("\r\x1b[KTimeout: No Response"), "{shown:?}");
    let quiet = on_a_terminal(&format!("{walk} -Cq"));
    assert!(!quiet.contains("varbinds"), "{quiet:?}");
    assert!(quiet.contains("Timeout: No Response"), "{quiet:?}");
    let file = tempfile::NamedTempFile::new().unwrap();
    let piped = on_a_terminal(&format!("{walk} > '{}'", file.path().display()));
    assert!(!piped.contains("varbinds"), "{piped:?}");
    assert!(piped.contains("Timeout: No Response"), "{piped:?}");
}

/// A relay in front of snmpd that drops its usmStatsDecryptionErrors Reports, as devices that
/// drop undecryptable requests silently do.
struct SilentPrivacy {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl SilentPrivacy {
    fn start(agent_port: u16) -> SilentPrivacy {
        let dir = tempfile::tempdir().unwrap();
        let portfile = dir.path().join("port");
        let child = Command::new("python3")
            .arg(repo().join("tests/fixtures/silent_privacy.py"))
            .arg(&portfile)
            .arg(agent_port.to_string())
            .stdin(Stdio::null())
            .spawn()
            .expect("python3 runs the relay");
        // Built first, so the fixture is killed if it never reports its port.
        let mut fixture = SilentPrivacy {
            child,
            port: 0,
            _dir: dir,
        };
        fixture.port = wait_port(&portfile);
        fixture
    }
}

impl Drop for SilentPrivacy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Discovery answered, then the authPriv request unanswered: net-snmp prints `Timeout`;
/// snmpkit prints the same line and a second one naming the privacy passphrase, and keeps
/// net-snmp's exit code.
#[test]
fn wrong_privacy_passphrase_timeout_gets_a_hint() {
    let d = Snmpd::start("");
    let relay = SilentPrivacy::start(d.port);
    let agent = format!("127.0.0.1:{}", relay.port);
    let v3 = |auth: &'static str, privacy: &'static str| {
        vec![
            "-v3", "-u", "labuser", "-l", "authPriv", "-a", "SHA-256", "-A", auth, "-x", "AES",
            "-X", privacy, "-t", "0.5", "-r", "1",
        ]
    };
    let mut wrong = v3("labauth123", "wrongpriv99");
    wrong.extend([agent.as_str(), "1.3.6.1.2.1.1.5.0"]);
    let theirs = netsnmp("snmpget", &wrong);
    let ours = snmpkit("get", &wrong);
    assert_eq!((ours.code, theirs.code), (1, 1), "{}", ours.stderr);
    let timeout = format!("Timeout: No Response from {agent}.");
    assert_eq!(theirs.stderr.trim_end(), timeout);
    let lines: Vec<&str> = ours.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", ours.stderr);
    assert_eq!(lines[0], timeout);
    assert!(lines[1].contains("privacy passphrase (-X)"), "{}", lines[1]);
    // Straight to snmpd: it drops what it cannot parse after decrypting ("error parsing
    // ScopedPDU", a Timeout for snmpget) or answers with a usmStatsDecryptionErrors Report;
    // snmpkit says what snmpget says, plus the hint after a Timeout.
    let mut direct = v3("labauth123", "wrongpriv99");
    let snmpd = d.v4();
    direct.extend([snmpd.as_str(), "1.3.6.1.2.1.1.5.0"]);
    let (ours, theirs) = (snmpkit("get", &direct), netsnmp("snmpget", &direct));
    assert_eq!((ours.code, theirs.code), (1, 1), "{}", ours.stderr);
    if theirs.stderr.starts_with("Timeout") {
        assert_eq!(ours.stderr.lines().next(), theirs.stderr.lines().next());
        assert!(
            ours.stderr.contains("privacy passphrase (-X)"),
            "{}",
            ours.stderr
        );
    } else {
        assert_eq!(theirs.stderr, "snmpget: Decryption error\n");
        assert_eq!(ours.stderr, "snmpkit get: Decryption error\n");
    }
    // The right passphrase through the relay works; a wrong authentication passphrase is a
    // Report, with no privacy hint.
    let mut right = v3("labauth123", "labpriv123");
    right.extend(["-On", agent.as_str(), "1.3.6.1.2.1.1.5.0"]);
    let r = snmpkit("get", &right);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut bad_auth = v3("wrongauth99", "labpriv123");
    bad_auth.extend([agent.as_str(), "1.3.6.1.2.1.1.5.0"]);
    let r = snmpkit("get", &bad_auth);
    assert_eq!(r.code, 1);
    assert!(!r.stderr.contains("privacy"), "{}", r.stderr);
    // A timeout with nobody there at all (no discovery) gets no hint either.
    let mut nobody = v3("labauth123", "labpriv123");
    let dead = format!("127.0.0.1:{}", free_udp_port());
    nobody.extend([dead.as_str(), "1.3.6.1.2.1.1.5.0"]);
    let r = snmpkit("get", &nobody);
    assert_eq!(r.stderr, format!("Timeout: No Response from {dead}.\n"));
}

/// `install-links` with no directory puts the links in ~/.local/bin and says whether that is
/// on PATH.
#[test]
fn install_links_defaults_to_local_bin_and_checks_path() {
    let home = tempfile::tempdir().unwrap();
    let bin = home.path().join(".local/bin");
    let run = |path: &str| {
        let o = Command::new(snmpkit_bin())
            .arg("install-links")
            .env("HOME", home.path())
            .env("PATH", path)
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    let (code, out) = run("/usr/bin:/bin");
    assert_eq!(code, Some(0), "{out}");
    assert!(
        std::fs::read_link(bin.join("snmpwalk")).is_ok(),
        "no link in ~/.local/bin: {out}"
    );
    assert!(
        out.contains(&format!("{} is not on PATH", bin.display())),
        "{out}"
    );
    let (code, out) = run(&format!("{}:/usr/bin:/bin", bin.display()));
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains(&format!("{} is on PATH", bin.display())),
        "{out}"
    );
    assert!(!out.contains("note:"), "{out}");
    // After /usr/bin, where net-snmp's tools are: they would win, and it says so.
    let (_, out) = run(&format!("/usr/bin:{}", bin.display()));
    assert!(out.contains("note: /usr/bin comes first on PATH"), "{out}");
}
