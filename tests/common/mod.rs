//! Shared helpers for the integration tests: a real net-snmp snmpd on loopback, and runners
//! for net-snmp's tools and for our binary.
#![allow(dead_code)]

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Path of the snmpkit binary under test. Cargo names it to the tests of the CLI crate
/// (`crates/snmpkit-cli/tests`), the only ones that run it.
pub fn snmpkit_bin() -> &'static str {
    match option_env!("CARGO_BIN_EXE_snmpkit") {
        Some(path) => path,
        None => panic!("the snmpkit binary is run only by the CLI crate's tests"),
    }
}

/// The repository (workspace) root: the nearest directory above the crate with a Cargo.lock.
pub fn repo() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .find(|d| d.join("Cargo.lock").exists() && d.join("lab").exists())
        .unwrap_or(here)
        .to_path_buf()
}

/// Finds a net-snmp program; panics with an install hint if it is missing (CI installs them).
pub fn tool(name: &str) -> PathBuf {
    for dir in ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"] {
        let p = Path::new(dir).join(name);
        if p.exists() {
            return p;
        }
    }
    panic!("{name} not found: install net-snmp (apt-get install snmpd snmp snmptrapd); .ci/run does this");
}

/// A UDP port that was free a moment ago on both 127.0.0.1 and ::1.
pub fn free_udp_port() -> u16 {
    for _ in 0..100 {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = s.local_addr().unwrap().port();
        if UdpSocket::bind(("::1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free UDP port");
}

/// A running snmpd, killed on drop.
pub struct Snmpd {
    child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl Snmpd {
    /// Starts snmpd on 127.0.0.1:PORT and [::1]:PORT with lab/snmpd.conf plus `extra` lines.
    pub fn start(extra: &str) -> Snmpd {
        Self::start_with_persistent(extra, "")
    }

    /// Like `start`, also writing `persistent` into the persistent snmpd.conf (where
    /// `createUser` lines belong).
    pub fn start_with_persistent(extra: &str, persistent: &str) -> Snmpd {
        let mut last_err = String::new();
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let port = free_udp_port();
            let base = std::fs::read_to_string(repo().join("lab/snmpd.conf")).unwrap();
            let conf = dir.path().join("snmpd.conf");
            // `{PORT}` in the extra lines is the agent's own port (for proxy lines).
            let extra = extra.replace("{PORT}", &port.to_string());
            std::fs::write(&conf, format!("{base}\n{extra}\n")).unwrap();
            let pdir = dir.path().join("persist");
            std::fs::create_dir_all(&pdir).unwrap();
            if !persistent.is_empty() {
                std::fs::write(pdir.join("snmpd.conf"), persistent).unwrap();
            }
            let log = dir.path().join("snmpd.log");
            let child = Command::new(tool("snmpd"))
                .args(["-f", "-C", "-c"])
                .arg(&conf)
                .arg("-Lf")
                .arg(&log)
                .args(["-p"])
                .arg(dir.path().join("snmpd.pid"))
                .arg(format!("udp:127.0.0.1:{port},udp6:[::1]:{port}"))
                .env("SNMP_PERSISTENT_DIR", &pdir)
                .env("SNMPCONFPATH", dir.path())
                .env("MIBS", "")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start snmpd");
            let mut d = Snmpd { child, port, dir };
            if d.wait_ready(Duration::from_secs(10)) {
                return d;
            }
            last_err = std::fs::read_to_string(&log).unwrap_or_default();
            let _ = d.child.kill();
        }
        panic!("snmpd did not start: {last_err}");
    }

    fn wait_ready(&mut self, limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            let out = Command::new(tool("snmpget"))
                .args([
                    "-v2c", "-c", "public", "-m", "", "-t", "0.2", "-r", "0", "-On",
                ])
                .arg(self.v4())
                .arg("1.3.6.1.2.1.1.3.0")
                .env("SNMPCONFPATH", self.dir.path())
                .env("MIBS", "")
                .output()
                .unwrap();
            if out.status.success() {
                return true;
            }
        }
        false
    }

    /// `127.0.0.1:PORT`.
    pub fn v4(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// `udp6:[::1]:PORT`.
    pub fn v6(&self) -> String {
        format!("udp6:[::1]:{}", self.port)
    }
}

impl Drop for Snmpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a command printed and how it exited.
#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

fn finish(o: Output) -> Run {
    Run {
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        code: o.status.code().unwrap_or(-1),
    }
}

/// An empty directory used as HOME / SNMPCONFPATH so no user config leaks into a test.
pub fn clean_env_dir() -> &'static Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

/// Runs a net-snmp tool (e.g. "snmpwalk") with `args`.
pub fn netsnmp(prog: &str, args: &[&str]) -> Run {
    finish(
        Command::new(tool(prog))
            .args(args)
            .env("SNMPCONFPATH", clean_env_dir())
            .env("HOME", clean_env_dir())
            .env("MIBS", "")
            .stdin(Stdio::null())
            .output()
            .unwrap(),
    )
}

/// Runs `snmpkit SUBCOMMAND args`.
pub fn snmpkit(sub: &str, args: &[&str]) -> Run {
    let r = finish(
        Command::new(snmpkit_bin())
            .arg(sub)
            .args(args)
            .env("SNMPCONFPATH", clean_env_dir())
            .env("HOME", clean_env_dir())
            .env_remove("MIBS")
            .env_remove("MIBDIRS")
            .stdin(Stdio::null())
            .output()
            .unwrap(),
    );
    assert!(
        !r.stderr.contains("panicked"),
        "snmpkit panicked: {}",
        r.stderr
    );
    r
}

/// The OID part of a net-snmp output line (`OID = ...`).
pub fn line_oid(line: &str) -> &str {
    line.split(" = ").next().unwrap_or(line)
}

/// `iso.3.6.1...` or `.1.3.6.1...` as `1.3.6.1...`.
pub fn normalize_oid(s: &str) -> String {
    let s = s.trim_start_matches('.');
    match s.strip_prefix("iso") {
        Some(r) => format!("1{r}"),
        None => s.to_string(),
    }
}

/// Compares two outputs line by line. Lines whose OID starts with one of `volatile` (values
/// that change between two reads, such as sysUpTime) must match up to the value's type.
pub fn assert_same_lines(ours: &str, theirs: &str, volatile: &[&str], what: &str) {
    let a: Vec<&str> = ours.lines().collect();
    let b: Vec<&str> = theirs.lines().collect();
    assert_eq!(
        a.len(),
        b.len(),
        "{what}: line counts differ\n--- ours\n{ours}\n--- net-snmp\n{theirs}"
    );
    for (x, y) in a.iter().zip(b.iter()) {
        let oid = normalize_oid(line_oid(y));
        // Entries are numeric prefixes (`1.3.6.1.2.1.1.3`) or object names (`sysUpTime`).
        let named =
            |v: &&str| !v.starts_with(|c: char| c.is_ascii_digit()) && line_oid(y).contains(*v);
        if volatile.iter().any(|v| oid.starts_with(v) || named(v)) {
            let tx = x.split(':').next().unwrap_or("");
            let ty = y.split(':').next().unwrap_or("");
            assert_eq!(tx, ty, "{what}: volatile line differs beyond its value");
        } else {
            assert_eq!(x, y, "{what}: line differs");
        }
    }
}

/// A running snmptrapd logging received notifications (numeric OIDs) to a file.
pub struct Snmptrapd {
    child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl Snmptrapd {
    /// Starts snmptrapd on 127.0.0.1:PORT and [::1]:PORT with `conf` as its configuration.
    /// A port taken by another test between choosing and binding it means another try on a
    /// new port.
    pub fn start(conf: &str) -> Snmptrapd {
        for _ in 0..5 {
            if let Some(t) = Self::try_start(conf) {
                return t;
            }
        }
        panic!("snmptrapd did not start");
    }

    fn try_start(conf: &str) -> Option<Snmptrapd> {
        Self::try_start_on(conf, free_udp_port())
    }

    /// Starts snmptrapd like [`Snmptrapd::start`] on a port the caller chose (one it held
    /// until now); `None` if it cannot bind it.
    pub fn try_start_on(conf: &str, port: u16) -> Option<Snmptrapd> {
        let dir = tempfile::tempdir().unwrap();
        let cfile = dir.path().join("snmptrapd.conf");
        std::fs::write(&cfile, conf).unwrap();
        let pdir = dir.path().join("persist");
        std::fs::create_dir_all(&pdir).unwrap();
        let child = Command::new(tool("snmptrapd"))
            .args(["-f", "-C", "-c"])
            .arg(&cfile)
            .args(["-m", "", "-On", "-Lf"])
            .arg(dir.path().join("trapd.log"))
            .arg(format!("udp:127.0.0.1:{port},udp6:[::1]:{port}"))
            .env("SNMP_PERSISTENT_DIR", &pdir)
            .env("SNMPCONFPATH", dir.path())
            .env("MIBS", "")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start snmptrapd");
        let mut t = Snmptrapd { child, port, dir };
        // It writes its version banner to the log once it is listening, and exits when it
        // cannot bind.
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if t.log().contains("NET-SNMP version") {
                return Some(t);
            }
            if let Ok(Some(_)) = t.child.try_wait() {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Everything logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("trapd.log")).unwrap_or_default()
    }

    /// Waits (up to 10 s) until the log contains `needle`, and returns the log.
    pub fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let log = self.log();
            if log.contains(needle) || start.elapsed() > Duration::from_secs(10) {
                return log;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Snmptrapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The modules snmpkit loads without `-m` (net-snmp 5.9's default list), for net-snmp's `-m`
/// when comparing output with names.
pub const BUILTIN_MODULES: &str = "SNMPv2-MIB:IF-MIB:IP-MIB:TCP-MIB:UDP-MIB:HOST-RESOURCES-MIB:\
NOTIFICATION-LOG-MIB:DISMAN-EVENT-MIB:DISMAN-SCHEDULE-MIB:HOST-RESOURCES-TYPES:MTA-MIB:\
NETWORK-SERVICES-MIB:UCD-DISKIO-MIB:UCD-DLMOD-MIB:LM-SENSORS-MIB:UCD-SNMP-MIB:UCD-DEMO-MIB:\
SNMP-TARGET-MIB:NET-SNMP-AGENT-MIB:SNMP-FRAMEWORK-MIB:SNMP-MPD-MIB:SNMP-USER-BASED-SM-MIB:\
SNMP-VIEW-BASED-ACM-MIB:SNMP-COMMUNITY-MIB:IPV6-ICMP-MIB:IPV6-MIB:IPV6-TCP-MIB:IPV6-UDP-MIB:\
IP-FORWARD-MIB:NET-SNMP-PASS-MIB:NET-SNMP-EXTEND-MIB:SNMP-NOTIFICATION-MIB:SNMPv2-TM:\
NET-SNMP-VACM-MIB";

/// `-M` for net-snmp: the reference collection in ../shared, then our own files for the
/// modules it lacks (ENTITY-MIB and its imports). None, with a message, when ../shared is absent.
pub fn reference_mib_path() -> Option<String> {
    // A worktree beside the repository can point at the reference MIBs with this variable.
    let reference = std::env::var_os("SNMPKIT_REFERENCE_MIBS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/reference/mibs"));
    if !reference.is_dir() {
        eprintln!(
            "SKIPPED: {} is absent; the comparison with net-snmp's reference MIBs needs it",
            reference.display()
        );
        return None;
    }
    Some(format!(
        "{}:{}",
        reference.display(),
        repo().join("mibs").display()
    ))
}

/// A copy of the snmpkit binary in `dir`, safe to execute at once: written under a temporary
/// name, closed, then renamed into place. (Another test's fork can still hold the writing
/// descriptor for a moment; [`run_copied`] retries that case.)
pub fn copy_snmpkit_to(dir: &Path) -> PathBuf {
    let tmp = dir.join(".snmpkit.partial");
    let bin = dir.join("snmpkit");
    {
        let mut from = std::fs::File::open(snmpkit_bin()).unwrap();
        let mut to = std::fs::File::create(&tmp).unwrap();
        std::io::copy(&mut from, &mut to).unwrap();
        to.sync_all().unwrap();
    }
    let perms = std::fs::metadata(snmpkit_bin()).unwrap().permissions();
    std::fs::set_permissions(&tmp, perms).unwrap();
    std::fs::rename(&tmp, &bin).unwrap();
    bin
}

/// Runs a command whose program was just copied, retrying while the kernel says "Text file
/// busy" (ETXTBSY): a process forked by another test thread may still hold the descriptor the
/// copy was written through, until it executes its own program. Bounded: 10 s.
pub fn run_copied(cmd: &mut Command) -> Output {
    let start = Instant::now();
    loop {
        match cmd.output() {
            // ETXTBSY is 26 on Linux.
            Err(e) if e.raw_os_error() == Some(26) && start.elapsed() < Duration::from_secs(10) => {
                std::thread::sleep(Duration::from_millis(10));
            }
            r => return r.expect("run the copied binary"),
        }
    }
}

/// tests/fixtures/responder.py serving `OID HEX-TLV` lines (a responder written apart from
/// snmpkit's codec), killed on drop.
pub struct ValueResponder {
    child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl ValueResponder {
    /// Starts the responder with these `OID HEX-TLV` lines and waits for its port.
    pub fn start(values: &str) -> ValueResponder {
        let dir = tempfile::tempdir().unwrap();
        let portfile = dir.path().join("port");
        let vfile = dir.path().join("values.txt");
        std::fs::write(&vfile, values).unwrap();
        let child = Command::new("python3")
            .arg(repo().join("tests/fixtures/responder.py"))
            .arg(&portfile)
            .arg(&vfile)
            .stdin(Stdio::null())
            .spawn()
            .expect("python3 runs the test responder");
        let mut r = ValueResponder {
            child,
            port: 0,
            _dir: dir,
        };
        let start = Instant::now();
        loop {
            if let Ok(p) = std::fs::read_to_string(&portfile) {
                if let Ok(port) = p.trim().parse() {
                    r.port = port;
                    return r;
                }
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "responder did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for ValueResponder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A temporary directory holding net-snmp's command names as symbolic links to the binary
/// under test, made by `snmpkit install-links` (links, not copies: nothing is written to an
/// executable that another test may be forking, so no ETXTBSY).
pub struct Links {
    pub dir: tempfile::TempDir,
}

impl Links {
    /// Runs `snmpkit install-links` into a fresh directory.
    pub fn install() -> Links {
        let dir = tempfile::tempdir().unwrap();
        let r = snmpkit("install-links", &[dir.path().to_str().unwrap()]);
        assert_eq!(r.code, 0, "install-links: {}", r.stderr);
        Links { dir }
    }

    /// Runs the link `name` with `args`, in the same clean environment as [`netsnmp`].
    pub fn run(&self, name: &str, args: &[&str]) -> Run {
        let r = finish(
            Command::new(self.dir.path().join(name))
                .args(args)
                .env("SNMPCONFPATH", clean_env_dir())
                .env("HOME", clean_env_dir())
                .env_remove("MIBS")
                .env_remove("MIBDIRS")
                .stdin(Stdio::null())
                .output()
                .unwrap(),
        );
        assert!(
            !r.stderr.contains("panicked"),
            "{name} panicked: {}",
            r.stderr
        );
        r
    }
}

/// A running `snmpkit agent` on 127.0.0.1:PORT and [::1]:PORT, killed on drop.
pub struct SnmpkitAgent {
    child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl SnmpkitAgent {
    /// The lab agent: lab/router.snmpwalk served with lab/agent.conf.
    pub fn lab() -> SnmpkitAgent {
        let conf = repo().join("lab/agent.conf");
        let data = repo().join("lab/router.snmpwalk");
        Self::start(&[
            "--config",
            conf.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ])
    }

    /// Starts `snmpkit agent ARGS udp:127.0.0.1:PORT udp6:[::1]:PORT` on a free port and waits
    /// for its readiness line (retrying on another port if the first was taken meanwhile).
    pub fn start(args: &[&str]) -> SnmpkitAgent {
        let mut last = String::new();
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let port = free_udp_port();
            let mut child = Command::new(snmpkit_bin())
                .arg("agent")
                .args(args)
                .arg(format!("udp:127.0.0.1:{port}"))
                .arg(format!("udp6:[::1]:{port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start snmpkit agent");
            let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
            let (tx, rx) = std::sync::mpsc::channel();
            let pipe = child.stderr.take().unwrap();
            let sink = stderr.clone();
            std::thread::spawn(move || {
                use std::io::BufRead;
                for l in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
                    let ready = l.contains("listening on");
                    sink.lock().unwrap().push_str(&format!("{l}\n"));
                    if ready {
                        let _ = tx.send(());
                    }
                }
            });
            let a = SnmpkitAgent {
                child,
                port,
                dir,
                stderr,
            };
            if rx.recv_timeout(Duration::from_secs(20)).is_ok() {
                return a;
            }
            last = a.stderr();
        }
        panic!("snmpkit agent did not start: {last}");
    }

    /// What the agent printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// `127.0.0.1:PORT`.
    pub fn v4(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// `udp6:[::1]:PORT`.
    pub fn v6(&self) -> String {
        format!("udp6:[::1]:{}", self.port)
    }
}

impl Drop for SnmpkitAgent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_tcp_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A real `nats-server -js` on 127.0.0.1, with its JetStream store in a temporary directory;
/// killed on drop. `stop` and `restart` keep the port and the store (a broker outage).
pub struct NatsServer {
    child: Option<Child>,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl NatsServer {
    /// Starts nats-server on a free port and waits until it accepts connections.
    pub fn start() -> NatsServer {
        let mut dir = tempfile::tempdir().unwrap();
        for _ in 0..5 {
            let mut s = NatsServer {
                child: None,
                port: free_tcp_port(),
                dir,
            };
            if s.spawn() {
                return s;
            }
            dir = s.take_dir();
        }
        panic!("nats-server did not start (apt-get install nats-server; .ci/run does this)");
    }

    fn take_dir(mut self) -> tempfile::TempDir {
        self.stop();
        std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap())
    }

    /// The URL to give clients.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Kills the server (as an outage would) and waits for it to be gone.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts it again on the same port with the same store.
    pub fn restart(&mut self) {
        self.stop();
        assert!(
            self.spawn(),
            "nats-server did not come back on port {}",
            self.port
        );
    }

    /// Spawns the server and waits (bounded) for its port to accept; false if it died.
    fn spawn(&mut self) -> bool {
        let store = self.dir.path().join("js");
        let log_path = self.dir.path().join("server.log");
        let log = std::fs::File::create(&log_path).unwrap();
        let bin = [
            "/usr/sbin/nats-server",
            "/usr/bin/nats-server",
            "/usr/local/bin/nats-server",
        ]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .unwrap_or("nats-server");
        let mut child = Command::new(bin)
            .args(["-js", "-sd"])
            .arg(&store)
            .args(["-a", "127.0.0.1", "-p", &self.port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("nats-server not installed (apt-get install nats-server; .ci/run does this)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return false;
            }
            // Its own log must say it is ready: a port that accepts may belong to another
            // test's server that took the same free port first (this server then exits), and
            // that one may be stopped under us (a "connection reset" in nats_listen).
            let ready =
                std::fs::read_to_string(&log_path).is_ok_and(|l| l.contains("Server is ready"));
            if ready && std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                self.child = Some(child);
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
        false
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.stop();
    }
}
