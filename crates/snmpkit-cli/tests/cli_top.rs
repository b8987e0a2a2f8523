//! `snmpkit top` in a real terminal: tmux runs it (send-keys, capture-pane) against
//! `snmpkit agent --vary-rate 125000`, whose every counter moves by 125,000 a second, so each
//! interface reads 1.00 Mb/s in and out; net-snmp's snmpset shuts an interface; batch mode is
//! checked through a pipe. Every wait is on screen content, with a bound.

#[path = "../../../tests/common/mod.rs"]
mod common;

use common::*;
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server of our own (its own socket), killed on drop.
struct Tmux {
    socket: String,
}

const PANE: &str = "top";

impl Tmux {
    /// Runs `script` (a shell command line) in a detached 200x50 pane; the pane stays open after
    /// it ends, so what it printed last can be read.
    fn start(script: &str) -> Tmux {
        let socket = format!("snmpkit-top-{}-{}", std::process::id(), free_udp_port());
        let t = Tmux { socket };
        let clean = clean_env_dir().to_str().unwrap().to_string();
        let out = t
            .cmd()
            .args(["new-session", "-d", "-s", PANE, "-x", "200", "-y", "50"])
            .args(["-e", &format!("HOME={clean}")])
            .args(["-e", &format!("SNMPCONFPATH={clean}")])
            .arg(format!("{script}; echo EXIT=$?; exec sleep 600"))
            .output()
            .expect("tmux (apt-get install tmux; .ci/run installs it)");
        assert!(
            out.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        t
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket, "-f", "/dev/null"]);
        c
    }

    fn run(&self, args: &[&str]) -> String {
        let o = self.cmd().args(args).output().unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", PANE])
    }

    fn keys(&self, keys: &[&str]) {
        let mut a = vec!["send-keys", "-t", PANE];
        a.extend_from_slice(keys);
        self.run(&a);
    }

    /// A tmux format of the pane (`#{alternate_on}`, `#{pane_pid}`).
    fn format(&self, f: &str) -> String {
        self.run(&["display-message", "-p", "-t", PANE, f])
            .trim()
            .to_string()
    }

    /// Waits until `ok` holds for the screen, at most `bound`; panics with the last screen.
    fn wait(&self, what: &str, bound: Duration, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(
                start.elapsed() < bound,
                "{what}: not on screen within {bound:?}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").output();
    }
}

fn agent() -> SnmpkitAgent {
    let conf = repo().join("lab/agent.conf");
    let data = repo().join("lab/router.snmpwalk");
    SnmpkitAgent::start(&[
        "--config",
        conf.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--vary-rate",
        "125000",
    ])
}

/// The lab router's interfaces by ifName.
const NAMES: [&str; 4] = ["lo", "Gi0/1", "Gi0/2", "Gi0/3"];

/// The rates a row should show: 1.00 Mb/s in and out (the agent's --vary-rate), except on
/// Gi0/3, which the recording has down, and an interface that is down counts no traffic.
fn rates_as_expected(name: &str, rates: &[f64]) -> bool {
    rates.len() == 2
        && if name == "Gi0/3" {
            rates.iter().all(|v| *v == 0.0)
        } else {
            rates.iter().all(|v| near_1mbps(*v))
        }
}

/// The line of the interface called `name` (first word), if shown.
fn row<'a>(screen: &'a str, name: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
}

/// The rates on a line (`1.00 Mb/s`, `999 kb/s`), in bit/s.
fn rates(line: &str) -> Vec<f64> {
    let w: Vec<&str> = line.split_whitespace().collect();
    w.windows(2)
        .filter_map(|p| {
            let mult = match p[1] {
                "b/s" => 1.0,
                "kb/s" => 1e3,
                "Mb/s" => 1e6,
                "Gb/s" => 1e9,
                _ => return None,
            };
            p[0].parse::<f64>().ok().map(|v| v * mult)
        })
        .collect()
}

/// ADMIN and OPER: the first two status words after the name.
fn status(line: &str) -> Vec<&str> {
    line.split_whitespace()
        .skip(1)
        .filter(|w| ["up", "down", "testing", "unknown", "dormant"].contains(w))
        .take(2)
        .collect()
}

fn near_1mbps(v: f64) -> bool {
    (v - 1e6).abs() <= 0.05e6
}

fn sparkline(line: &str) -> bool {
    line.chars().any(|c| ('▁'..='█').contains(&c))
}

#[test]
fn live_view_rates_graph_status_set_down_and_quit() {
    let a = agent();
    let host = a.v4();
    let bin = snmpkit_bin();
    let t = Tmux::start(&format!(
        "S0=$(stty -g); {bin} top -v2c -c public {host}; c=$?; \
         [ \"$(stty -g)\" = \"$S0\" ] && echo TTY=restored || echo TTY=changed; (exit $c)"
    ));
    // Every interface by name, both rates at 1.00 Mb/s within 5% (0 on the one that is
    // down), a graph, and status.
    let screen = t.wait(
        "all interfaces with rates and graphs",
        Duration::from_secs(20),
        |s| {
            NAMES
                .iter()
                .all(|n| row(s, n).is_some_and(|l| rates_as_expected(n, &rates(l)) && sparkline(l)))
        },
    );
    for n in ["lo", "Gi0/1", "Gi0/2"] {
        assert_eq!(status(row(&screen, n).unwrap()), ["up", "up"], "{screen}");
    }
    // Gi0/3 is recorded admin down.
    assert_eq!(status(row(&screen, "Gi0/3").unwrap()), ["down", "down"]);
    assert!(
        screen.contains("lab-router"),
        "sysName in the header:\n{screen}"
    );
    assert!(screen.contains("snmpkit lab router"), "sysDescr:\n{screen}");
    assert_eq!(t.format("#{alternate_on}"), "1");

    // The detail pane of the selected interface: counters and the larger graphs.
    t.keys(&["Enter"]);
    t.wait("the detail pane", Duration::from_secs(10), |s| {
        s.contains("ifHCInOctets") && s.contains(" in ") && s.contains(" out ")
    });
    t.keys(&["Escape"]);
    t.wait("the detail pane closed", Duration::from_secs(10), |s| {
        !s.contains("ifHCInOctets")
    });

    // net-snmp's snmpset shuts Gi0/1 (ifAdminStatus.2; numeric, as Debian's net-snmp ships
    // without MIB files): the row says down within 3 s.
    let set = netsnmp(
        "snmpset",
        &[
            "-v2c",
            "-c",
            "private",
            &host,
            ".1.3.6.1.2.1.2.2.1.7.2",
            "i",
            "2",
        ],
    );
    assert_eq!(set.code, 0, "snmpset: {}", set.stderr);
    let screen = t.wait("Gi0/1 down", Duration::from_secs(3), |s| {
        row(s, "Gi0/1").is_some_and(|l| status(l).first() == Some(&"down"))
    });
    assert_eq!(status(row(&screen, "Gi0/2").unwrap()), ["up", "up"]);

    // u hides the interfaces that are down; / filters by name.
    t.keys(&["u"]);
    let s = t.wait("down interfaces hidden", Duration::from_secs(5), |s| {
        row(s, "Gi0/1").is_none() && row(s, "Gi0/3").is_none()
    });
    assert!(row(&s, "lo").is_some() && row(&s, "Gi0/2").is_some(), "{s}");
    t.keys(&["u", "/", "G", "i", "0", "/", "2", "Enter"]);
    // Typed one key at a time: wait for the whole filter, entered (no cursor after it).
    let s = t.wait("filtered to Gi0/2", Duration::from_secs(5), |s| {
        s.contains("1 of 4 interfaces") && s.contains("filter: /Gi0/2 ")
    });
    assert!(row(&s, "Gi0/2").is_some(), "{s}");
    for other in ["lo", "Gi0/1", "Gi0/3"] {
        assert!(row(&s, other).is_none(), "{s}");
    }

    // q: exit 0, the terminal restored (main screen, tty settings as before).
    t.keys(&["q"]);
    let s = t.wait("exit", Duration::from_secs(10), |s| s.contains("EXIT="));
    assert!(s.contains("EXIT=0"), "{s}");
    assert!(s.contains("TTY=restored"), "{s}");
    assert_eq!(t.format("#{alternate_on}"), "0");
    assert!(!s.contains("Gi0/2"), "left the alternate screen:\n{s}");
}

#[test]
fn sigterm_restores_the_terminal() {
    let a = agent();
    let bin = snmpkit_bin();
    let t = Tmux::start(&format!(
        "S0=$(stty -g); {bin} top -v2c -c public {}; c=$?; \
         [ \"$(stty -g)\" = \"$S0\" ] && echo TTY=restored || echo TTY=changed; (exit $c)",
        a.v4()
    ));
    t.wait("the table", Duration::from_secs(20), |s| {
        row(s, "Gi0/1").is_some()
    });
    let shell = t.format("#{pane_pid}");
    let child = Command::new("pgrep")
        .args(["-P", &shell, "snmpkit"])
        .output()
        .unwrap();
    let pid = String::from_utf8_lossy(&child.stdout).trim().to_string();
    assert!(!pid.is_empty(), "no snmpkit under the pane's shell");
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let s = t.wait("exit", Duration::from_secs(10), |s| s.contains("EXIT="));
    assert!(s.contains("EXIT=0") && s.contains("TTY=restored"), "{s}");
    assert_eq!(t.format("#{alternate_on}"), "0");
}

#[test]
fn batch_prints_plain_tables_with_rates() {
    let a = agent();
    let r = snmpkit("top", &["-v2c", "-c", "public", "--count", "3", &a.v4()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains('\x1b'), "escape codes in batch output");
    let tables: Vec<&str> = r
        .stdout
        .split("snmpkit top - ")
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(tables.len(), 3, "{}", r.stdout);
    for t in tables {
        assert!(t.contains("lab-router"), "{t}");
        for n in NAMES {
            let line = t
                .lines()
                .find(|l| l.split_whitespace().nth(1) == Some(n))
                .unwrap_or_else(|| panic!("{n} missing:\n{t}"));
            assert!(rates_as_expected(n, &rates(line)), "{line}");
        }
    }
}

#[test]
fn unreachable_agent_times_out_in_batch_and_live() {
    // Nothing listens on this port.
    let port = free_udp_port();
    let host = format!("127.0.0.1:{port}");
    let r = snmpkit(
        "top",
        &[
            "-v2c", "-c", "public", "-t", "0.3", "-r", "0", "--count", "1", &host,
        ],
    );
    assert_ne!(r.code, 0);
    assert_eq!(
        r.stderr.trim_end(),
        format!("Timeout: No Response from {host}.")
    );
    assert!(!r.stdout.contains('\x1b'));

    // Live: the screen says so, keeps trying, and q still quits cleanly.
    let bin = snmpkit_bin();
    let t = Tmux::start(&format!(
        "{bin} top -v2c -c public -t 0.3 -r 0 --interval 0.5 {host}"
    ));
    let want = format!("Timeout: No Response from {host}.");
    t.wait("the timeout", Duration::from_secs(20), |s| {
        s.contains(&want)
    });
    t.wait("a second unanswered pass", Duration::from_secs(20), |s| {
        s.lines()
            .any(|l| l.contains(&want) && !l.contains("(1 passes unanswered"))
    });
    t.keys(&["q"]);
    let s = t.wait("exit", Duration::from_secs(10), |s| s.contains("EXIT="));
    assert!(s.contains("EXIT=0"), "{s}");
}
