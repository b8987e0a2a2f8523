//! `snmpkit listen`: receive notifications and print them as text blocks or JSON lines,
//! optionally running a handler command for each one.

use snmpkit::engine::EngineId;
use snmpkit::format::{notification_text, write_notification_json, OutputOptions};
use snmpkit::mib::Mib;
use snmpkit::notify::conf::TrapdConfig;
use snmpkit::notify::{
    load_engine, ListenAddr, LocalEngine, Notification, Receiver, ReceiverConfig, Stats, V3User,
};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Handlers that may run at once.
const EXEC_CONCURRENCY: usize = 16;
/// Notifications that may wait for a handler slot; beyond this they are dropped and counted.
const EXEC_QUEUE: usize = 1024;
/// A handler still running after this long is killed.
const EXEC_TIMEOUT: Duration = Duration::from_secs(60);
/// Output that may wait for rendering and a slow stdout, in bytes (rendered text, or the
/// estimated size of notifications still to render); beyond this, notifications are not
/// printed and are counted. This queue is the only place where a slow reader is felt:
/// reception, inform acknowledgement and signals never wait for stdout. 64 MiB holds a burst
/// of about 100,000 small traps while rendering catches up.
const OUTPUT_QUEUE_BYTES: usize = 64 * 1024 * 1024;
/// The same queue's bound in batches (each a write of one or more notifications). When
/// reception outpaces rendering, batches are small, so this bound is generous.
const OUTPUT_QUEUE_BATCHES: usize = 65_536;
/// How long a shutdown waits for queued output to reach a stdout that is still being read.
const OUTPUT_DRAIN: Duration = Duration::from_millis(300);

/// Arguments of `snmpkit listen [OPTIONS] [ADDRESS...]`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ListenArgs {
    /// Accept only this v1/v2c community (repeatable). Without -c every community is accepted.
    #[arg(short = 'c', long = "community", value_name = "COMMUNITY")]
    pub communities: Vec<String>,
    /// Read an snmptrapd.conf-style file (createUser, authCommunity, disableAuthorization,
    /// snmpTrapdAddr). Unknown lines are warned about and ignored.
    #[arg(short = 'C', long = "config", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print one JSON object per line per notification.
    #[arg(long)]
    pub json: bool,
    /// MIB modules to load for names (`ALL`, `+MOD`, `''` for none); built-ins by default.
    #[arg(short = 'm', value_name = "MIBS")]
    pub mibs: Option<String>,
    /// MIB directories (`+DIR` adds to the default path).
    #[arg(short = 'M', value_name = "DIRS")]
    pub mib_dirs: Option<String>,
    /// Output options for varbinds, as for `get` (-On, -Oq, ...).
    #[arg(short = 'O', value_name = "OUTOPTS")]
    pub output: Vec<String>,
    /// Log each dropped datagram and its reason to stderr.
    #[arg(long)]
    pub verbose: bool,
    /// Receive buffer (SO_RCVBUF) to ask for on each socket, in bytes [default: 33554432].
    /// The kernel caps it at net.core.rmem_max unless the listener is privileged (root or
    /// CAP_NET_ADMIN: SO_RCVBUFFORCE); when this option is given, a smaller grant is warned
    /// about. Datagrams lost in the kernel are counted in the exit summary.
    #[arg(long, value_name = "BYTES")]
    pub rcvbuf: Option<usize>,
    /// Run CMD (with sh -c) for each notification, with its JSON on stdin.
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,
    /// This receiver's SNMPv3 engine ID, in hex (for v3 informs). Default: generated once and
    /// kept in the state file.
    #[arg(long, value_name = "HEX")]
    pub engine_id: Option<String>,
    /// Where to keep the engine ID and engine boots, incremented at each start (for v3
    /// informs). Default: $XDG_STATE_HOME/snmpkit/listen-engine or
    /// ~/.local/state/snmpkit/listen-engine, used only when v3 users are configured.
    #[arg(long, value_name = "FILE")]
    pub state_file: Option<PathBuf>,
    /// Publish each notification's JSON to NATS JetStream at URL (nats://HOST:PORT). Informs
    /// are acknowledged only once the broker has stored them; traps wait in memory while it
    /// is unreachable.
    #[arg(long, value_name = "URL")]
    pub nats: Option<String>,
    /// The subject for --nats (default snmp.notifications); a JetStream stream must cover it.
    #[arg(long, value_name = "SUBJECT")]
    pub nats_subject: Option<String>,
    /// Append the notifications to FILE instead of writing them to stdout (snmptrapd's
    /// `-Lf FILE`).
    #[arg(long, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// Addresses to listen on, in snmptrapd's syntax (`udp:HOST:PORT`, `udp6:[ADDR]:PORT`,
    /// `HOST:PORT`, `[ADDR]:PORT`, `PORT`). Default: `udp:0.0.0.0:162` and `udp6:[::]:162`.
    #[arg(
        value_name = "ADDRESS",
        help = "Addresses to listen on: udp:HOST:PORT, udp6:[ADDR]:PORT, HOST:PORT, [ADDR]:PORT \
                or PORT. Default: udp:0.0.0.0:162 and udp6:[::]:162"
    )]
    pub addresses: Vec<String>,
}

/// Runs `snmpkit listen` until SIGINT or SIGTERM, then prints the counters to stderr.
/// Returns the process exit code: 0 after a signal, 1 when it cannot start.
pub async fn run(args: ListenArgs) -> i32 {
    let render = match Render::from_args(&args) {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("{}: {msg}", super::prog());
            return 1;
        }
    };
    // Handlers before readiness: once "listening on" is printed, SIGINT and SIGTERM stop the
    // listener cleanly with its summary instead of killing it.
    let shutdown = match Shutdown::install() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}: cannot install signal handlers: {e}", super::prog());
            return 1;
        }
    };
    let broker = match super::nats::ListenSink::start(
        super::prog(),
        args.nats.as_deref(),
        args.nats_subject.as_deref(),
    )
    .await
    {
        Ok(s) => s,
        Err(msg) => {
            eprintln!("{}: {msg}", super::prog());
            return 1;
        }
    };
    match setup(&args, broker.active()).await {
        Ok(rx) => serve(rx, &args, render, shutdown, broker).await,
        Err(msg) => {
            eprintln!("{}: {msg}", super::prog());
            1
        }
    }
}

async fn setup(args: &ListenArgs, defer_inform_acks: bool) -> Result<Receiver, String> {
    let conf = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let conf = TrapdConfig::parse(&text);
            for w in &conf.warnings {
                eprintln!("{}: warning: {}: {w}", super::prog(), path.display());
            }
            conf
        }
        None => TrapdConfig::default(),
    };
    let engine_id = match &args.engine_id {
        Some(e) => match EngineId::parse_hex(e) {
            Ok(id) => Some(id),
            Err(why) => return Err(format!("bad --engine-id {e:?}: {why}")),
        },
        None => None,
    };
    let mut users = Vec::new();
    for u in &conf.users {
        let auth = u.auth.as_ref().map(|(p, s)| (*p, s.as_bytes()));
        let privacy = u.privacy.as_ref().map(|(p, s)| (*p, s.as_bytes()));
        match V3User::new(&u.name, u.engine_id.clone(), auth, privacy) {
            Ok(v) => users.push(v),
            Err(e) => eprintln!("{}: warning: user {:?} ignored: {e}", super::prog(), u.name),
        }
    }
    let engine = if users.is_empty() && engine_id.is_none() && args.state_file.is_none() {
        None
    } else {
        Some(local_engine(args, engine_id.as_ref())?)
    };
    let mut communities: Vec<Vec<u8>> = args
        .communities
        .iter()
        .chain(conf.communities.iter())
        .map(|c| c.as_bytes().to_vec())
        .collect();
    if conf.disable_authorization && args.communities.is_empty() {
        communities.clear();
    }
    let specs: Vec<String> = if !args.addresses.is_empty() {
        args.addresses.clone()
    } else {
        conf.listen.clone()
    };
    let mut listen = Vec::new();
    for s in &specs {
        let a = ListenAddr::parse(s).map_err(|e| e.to_string())?;
        listen.push(a.resolve().await.map_err(|e| e.to_string())?);
    }
    let mut rc = ReceiverConfig::default();
    rc.listen = listen;
    rc.communities = communities;
    rc.verbose = args.verbose;
    if let Some(b) = args.rcvbuf {
        rc.recv_buffer_bytes = b;
    }
    rc.users = users;
    rc.engine = engine.clone();
    rc.defer_inform_acks = defer_inform_acks;
    let rx = Receiver::bind(rc).await.map_err(|e| e.to_string())?;
    let addrs: Vec<String> = rx.local_addrs().iter().map(|a| udp_name(*a)).collect();
    if let (Some(want), Some(got)) = (args.rcvbuf, rx.recv_buffer_sizes().iter().min()) {
        // Linux reports twice the size it set, so this only catches real caps.
        if *got < want {
            eprintln!(
                "{}: warning: receive buffer is {got} bytes, not the {want} asked \
                 for (capped by net.core.rmem_max); bursts beyond it are lost in the kernel \
                 and counted in the summary",
                super::prog()
            );
        }
    }
    if let Some(e) = &engine {
        eprintln!(
            "{}: SNMPv3 engine ID 0x{}, engine boots {}",
            super::prog(),
            snmpkit::hex::encode(&e.engine_id),
            e.boots
        );
    }
    eprintln!("{}: listening on {}", super::prog(), addrs.join(", "));
    Ok(rx)
}

/// The engine for v3 informs: from `--state-file`, else from the default state file; with
/// `--engine-id` overriding the stored ID. Without a usable default location the engine is
/// not persisted (boots stay 1), which is said on stderr.
fn local_engine(args: &ListenArgs, engine_id: Option<&EngineId>) -> Result<LocalEngine, String> {
    if let Some(p) = &args.state_file {
        return load_engine(p, engine_id).map_err(|e| e.to_string());
    }
    let fallback = |why: String| {
        eprintln!(
            "{}: warning: {why}; the engine ID and boots are not persisted",
            super::prog()
        );
        match engine_id {
            Some(id) => LocalEngine {
                engine_id: id.clone(),
                boots: 1,
            },
            None => LocalEngine::generate(),
        }
    };
    match default_state_path() {
        Some(p) => Ok(load_engine(&p, engine_id).unwrap_or_else(|e| fallback(e.to_string()))),
        None => Ok(fallback(
            "no HOME or XDG_STATE_HOME for the engine state".into(),
        )),
    }
}

/// `$XDG_STATE_HOME/snmpkit/listen-engine`, else `$HOME/.local/state/snmpkit/listen-engine`.
fn default_state_path() -> Option<PathBuf> {
    let base = match std::env::var_os("XDG_STATE_HOME").filter(|v| !v.is_empty()) {
        Some(x) => PathBuf::from(x),
        None => {
            PathBuf::from(std::env::var_os("HOME").filter(|v| !v.is_empty())?).join(".local/state")
        }
    };
    Some(base.join("snmpkit").join("listen-engine"))
}

fn udp_name(a: std::net::SocketAddr) -> String {
    if a.is_ipv6() {
        format!("udp6:{a}")
    } else {
        format!("udp:{a}")
    }
}

async fn serve(
    mut rx: Receiver,
    args: &ListenArgs,
    r: Render,
    mut shutdown: Shutdown,
    broker: super::nats::ListenSink,
) -> i32 {
    let exec = args.exec.clone().map(|cmd| Exec::new(cmd, args.verbose));
    let sink = match &args.log_file {
        Some(path) => match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            Ok(f) => Sink::File(f),
            Err(e) => {
                eprintln!("{}: cannot open {}: {e}", super::prog(), path.display());
                return 1;
            }
        },
        None => Sink::Stdout,
    };
    // Without --exec or --nats the notifications themselves go to the output thread, which
    // renders and writes them: reception, decoding and authentication stay on this thread and
    // rendering runs beside them on another core. With a handler or a broker, the JSON is
    // needed here, so it is rendered here once and shared.
    let render_here = exec.is_some() || broker.active();
    let r = Arc::new(r);
    let mut out = Output::start(sink, Arc::clone(&r), args.json);
    let mut text = String::with_capacity(64 * 1024);
    let mut jsons = Vec::new();
    let mut notes = Vec::new();
    loop {
        let first = tokio::select! {
            _ = shutdown.recv() => break,
            _ = out.stopped.notified() => break,
            n = rx.recv_with_ack() => match n {
                Some(n) => n,
                None => break,
            },
        };
        // Take what is already queued too and hand it to the output thread as one batch:
        // no notification waits in a buffer, and a burst costs one write instead of one each.
        let mut next = Some(first);
        let mut batch = 0;
        if !render_here {
            let mut bytes = 0;
            while let Some((n, ack)) = next.take() {
                // Informs were acknowledged when decoded (no broker holds them here).
                if let Some(a) = ack {
                    a.acknowledge();
                }
                bytes += estimated_size(&n);
                notes.push(n);
                batch += 1;
                if batch < 512 && bytes < 256 * 1024 {
                    next = rx.try_recv_with_ack();
                }
            }
            out.submit_notes(std::mem::take(&mut notes), bytes);
            continue;
        }
        text.clear();
        while let Some((n, ack)) = next.take() {
            let json = if args.json || exec.is_some() || broker.active() {
                Some(r.json(&n))
            } else {
                None
            };
            match (&json, args.json) {
                (Some(j), true) => {
                    text.push_str(j);
                    text.push('\n');
                }
                _ => r.text(&n, &mut text),
            }
            if let Some(j) = json.as_ref().filter(|_| exec.is_some()) {
                jsons.push(j.clone());
            }
            broker.forward(&n, json, ack);
            batch += 1;
            if batch < 512 && text.len() < 256 * 1024 {
                next = rx.try_recv_with_ack();
            }
        }
        out.submit(&text, batch);
        if let Some(ex) = &exec {
            for j in jsons.drain(..) {
                ex.submit(j);
            }
        }
    }
    let not_printed = out.finish().await;
    let mut line = summary(&rx.stats(), not_printed, exec.as_ref());
    if let Some(n) = broker.finish().await {
        line.push_str("; ");
        line.push_str(&n);
    }
    eprintln!("{line}");
    0
}

/// SIGINT and SIGTERM, registered when created (not when first awaited), so a signal that
/// arrives while the listener starts is not fatal.
struct Shutdown {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Shutdown {
    fn install() -> std::io::Result<Shutdown> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Shutdown {
                int: signal(SignalKind::interrupt())?,
                term: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Shutdown {})
        }
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.int.recv() => {}
                _ = self.term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Where notifications are written: stdout, or the `--log-file`.
enum Sink {
    Stdout,
    File(std::fs::File),
}

/// What the output thread is handed: text rendered already (with the number of notifications
/// in it), or notifications for it to render.
enum Chunk {
    Text(String, u64),
    Notes(Vec<Notification>),
}

/// A rough bound on what a notification occupies in memory (and, about, as text), for the
/// output queue's byte bound.
fn estimated_size(n: &Notification) -> usize {
    256 + n
        .varbinds
        .iter()
        .map(|vb| {
            64 + vb.oid.len() * 4
                + match &vb.value {
                    snmpkit::Value::OctetString(b) | snmpkit::Value::Opaque(b) => b.len() * 3,
                    snmpkit::Value::ObjectIdentifier(o) => o.len() * 4,
                    _ => 8,
                }
        })
        .sum::<usize>()
}

/// Renders (when handed notifications) and writes to stdout (or the log file) from its own
/// thread, fed by a queue bounded in batches and bytes. Submitting never waits: when the queue
/// is full the batch is not printed and its notifications are counted. A stdout that fails (a
/// closed pipe) stops the listener.
struct Output {
    tx: Option<std::sync::mpsc::SyncSender<(Chunk, usize)>>,
    /// Bytes and notifications waiting for stdout.
    queued: Arc<AtomicUsize>,
    queued_n: Arc<AtomicU64>,
    not_printed: u64,
    /// Notified when stdout failed.
    stopped: Arc<tokio::sync::Notify>,
    done: Option<tokio::sync::oneshot::Receiver<()>>,
}

impl Output {
    /// Starts the thread; notifications handed over whole are rendered with `r`, as JSON
    /// lines when `json`, else as text blocks.
    fn start(sink: Sink, r: Arc<Render>, json: bool) -> Output {
        let (tx, rx) = std::sync::mpsc::sync_channel::<(Chunk, usize)>(OUTPUT_QUEUE_BATCHES);
        let queued = Arc::new(AtomicUsize::new(0));
        let queued_n = Arc::new(AtomicU64::new(0));
        let stopped = Arc::new(tokio::sync::Notify::new());
        let (done_tx, done) = tokio::sync::oneshot::channel();
        let (q, qn, st) = (queued.clone(), queued_n.clone(), stopped.clone());
        let spawned = std::thread::Builder::new()
            .name("listen-output".into())
            .spawn(move || {
                // stdout is locked for the thread's life: the exit path cannot then flush
                // (and block on) a stdout that nobody reads.
                let mut w: Box<dyn Write> = match sink {
                    Sink::Stdout => Box::new(std::io::stdout().lock()),
                    Sink::File(f) => Box::new(f),
                };
                let mut text = String::with_capacity(256 * 1024);
                while let Ok((chunk, cost)) = rx.recv() {
                    let (r, n) = match chunk {
                        Chunk::Text(t, n) => (w.write_all(t.as_bytes()), n),
                        Chunk::Notes(notes) => {
                            text.clear();
                            for note in &notes {
                                if json {
                                    r.json_into(note, &mut text);
                                    text.push('\n');
                                } else {
                                    r.text(note, &mut text);
                                }
                            }
                            (w.write_all(text.as_bytes()), notes.len() as u64)
                        }
                    };
                    let r = r.and_then(|_| w.flush());
                    q.fetch_sub(cost, Ordering::Relaxed);
                    qn.fetch_sub(n, Ordering::Relaxed);
                    if let Err(e) = r {
                        if e.kind() != std::io::ErrorKind::BrokenPipe {
                            eprintln!("{}: cannot write output: {e}", super::prog());
                        }
                        st.notify_one();
                        return;
                    }
                }
                let _ = done_tx.send(());
            });
        if let Err(e) = spawned {
            eprintln!("{}: cannot start the output thread: {e}", super::prog());
            stopped.notify_one();
        }
        Output {
            tx: Some(tx),
            queued,
            queued_n,
            not_printed: 0,
            stopped,
            done: Some(done),
        }
    }

    /// Queues `text` (rendering `n` notifications) for stdout, or counts them as not printed.
    fn submit(&mut self, text: &str, n: u64) {
        self.send(Chunk::Text(text.to_owned(), n), text.len(), n);
    }

    /// Queues notifications for the output thread to render and write (`bytes`: their
    /// estimated size), or counts them as not printed.
    fn submit_notes(&mut self, notes: Vec<Notification>, bytes: usize) {
        let n = notes.len() as u64;
        self.send(Chunk::Notes(notes), bytes, n);
    }

    fn send(&mut self, chunk: Chunk, cost: usize, n: u64) {
        let full = self.queued.load(Ordering::Relaxed) + cost > OUTPUT_QUEUE_BYTES;
        let sent = !full
            && self.tx.as_ref().is_some_and(|tx| {
                self.queued.fetch_add(cost, Ordering::Relaxed);
                self.queued_n.fetch_add(n, Ordering::Relaxed);
                match tx.try_send((chunk, cost)) {
                    Ok(()) => true,
                    Err(_) => {
                        self.queued.fetch_sub(cost, Ordering::Relaxed);
                        self.queued_n.fetch_sub(n, Ordering::Relaxed);
                        false
                    }
                }
            });
        if !sent {
            self.not_printed += n;
        }
    }

    /// Lets queued output reach stdout for a moment if it is being read, then gives up on it.
    /// Returns how many notifications were not printed because the queue was full, and how
    /// many were still waiting for stdout.
    async fn finish(mut self) -> (u64, u64) {
        self.tx = None;
        if let Some(done) = self.done.take() {
            let _ = tokio::time::timeout(OUTPUT_DRAIN, done).await;
        }
        (self.not_printed, self.queued_n.load(Ordering::Relaxed))
    }
}

fn summary(s: &Stats, not_printed: (u64, u64), exec: Option<&Exec>) -> String {
    let mut line = format!(
        "{}: {} received, {} decoded, {} dropped",
        super::prog(),
        s.received,
        s.delivered,
        s.dropped_total()
    );
    let reasons: Vec<String> = s.drops().map(|(r, n)| format!("{r}: {n}")).collect();
    if !reasons.is_empty() {
        line.push_str(&format!(" ({})", reasons.join(", ")));
    }
    if s.informs_acknowledged > 0 || s.duplicate_informs > 0 {
        line.push_str(&format!(
            "; {} informs acknowledged, {} retransmissions not reported again",
            s.informs_acknowledged, s.duplicate_informs
        ));
    }
    let (full, waiting) = not_printed;
    if full > 0 {
        line.push_str(&format!("; {full} not printed (output queue full)"));
    }
    if waiting > 0 {
        line.push_str(&format!("; {waiting} not printed (stdout not read)"));
    }
    if let Some(n) = s.kernel_drops.filter(|n| *n > 0) {
        line.push_str(&format!("; {n} lost in the kernel (receive buffer full)"));
    }
    if let Some(e) = exec {
        line.push_str(&format!(
            "; exec: {} run, {} failed, {} dropped (handler queue full)",
            e.started.load(Ordering::Relaxed),
            e.failed.load(Ordering::Relaxed),
            e.dropped.load(Ordering::Relaxed)
        ));
    }
    line
}

/// Runs the `--exec` handler with bounded concurrency. Submitting never waits: beyond
/// [`EXEC_CONCURRENCY`] running and [`EXEC_QUEUE`] waiting, notifications are dropped and
/// counted.
struct Exec {
    cmd: Arc<str>,
    slots: Arc<Semaphore>,
    pending: Arc<AtomicUsize>,
    started: Arc<AtomicU64>,
    failed: Arc<AtomicU64>,
    dropped: AtomicU64,
    verbose: bool,
}

impl Exec {
    fn new(cmd: String, verbose: bool) -> Self {
        Exec {
            cmd: cmd.into(),
            slots: Arc::new(Semaphore::new(EXEC_CONCURRENCY)),
            pending: Arc::new(AtomicUsize::new(0)),
            started: Arc::new(AtomicU64::new(0)),
            failed: Arc::new(AtomicU64::new(0)),
            dropped: AtomicU64::new(0),
            verbose,
        }
    }

    fn submit(&self, json: String) {
        if self.pending.load(Ordering::Relaxed) >= EXEC_CONCURRENCY + EXEC_QUEUE {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            if self.verbose {
                eprintln!(
                    "{}: handler queue full, notification not handed to --exec",
                    super::prog()
                );
            }
            return;
        }
        self.pending.fetch_add(1, Ordering::Relaxed);
        let (cmd, slots, pending) = (self.cmd.clone(), self.slots.clone(), self.pending.clone());
        let (started, failed, verbose) = (self.started.clone(), self.failed.clone(), self.verbose);
        tokio::spawn(async move {
            if let Ok(_permit) = slots.acquire_owned().await {
                started.fetch_add(1, Ordering::Relaxed);
                if let Err(e) = run_handler(&cmd, json).await {
                    failed.fetch_add(1, Ordering::Relaxed);
                    if verbose {
                        eprintln!("{}: --exec handler: {e}", super::prog());
                    }
                }
            }
            pending.fetch_sub(1, Ordering::Relaxed);
        });
    }
}

async fn run_handler(cmd: &str, json: String) -> Result<(), String> {
    use std::process::Stdio;
    use tokio::io::AsyncWriteExt;
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::piped())
        // The handler's stdout would interleave with ours; its stderr is passed through.
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A handler that does not read its input is not an error.
        let _ = stdin.write_all(json.as_bytes()).await;
        let _ = stdin.write_all(b"\n").await;
    }
    match tokio::time::timeout(EXEC_TIMEOUT, child.wait()).await {
        Ok(Ok(st)) if st.success() => Ok(()),
        Ok(Ok(st)) => Err(format!("exited with {st}")),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => {
            let _ = child.kill().await;
            Err(format!("killed after {} s", EXEC_TIMEOUT.as_secs()))
        }
    }
}

/// How notifications are printed: `-O` options and the MIBs that name OIDs and values.
pub(crate) struct Render {
    opts: OutputOptions,
    mib: Arc<Mib>,
}

impl Render {
    fn from_args(args: &ListenArgs) -> Result<Render, String> {
        let mut opts = OutputOptions::default();
        for o in &args.output {
            opts.parse_flags(o).map_err(|e| e.to_string())?;
        }
        Ok(Render {
            opts,
            mib: super::config::load_mib(args.mibs.as_deref(), args.mib_dirs.as_deref()),
        })
    }

    /// One notification as a single-line JSON object.
    pub(crate) fn json(&self, n: &Notification) -> String {
        let mut s = String::with_capacity(1024);
        self.json_into(n, &mut s);
        s
    }

    /// One notification as a single-line JSON object, appended to `out` (no newline).
    pub(crate) fn json_into(&self, n: &Notification, out: &mut String) {
        write_notification_json(n, &self.opts, &self.mib, out);
    }

    /// One notification as a text block, ending with a blank line.
    pub(crate) fn text(&self, n: &Notification, out: &mut String) {
        notification_text(n, &self.opts, &self.mib, out);
    }
}
