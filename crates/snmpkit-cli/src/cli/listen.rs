//! `snmpkit listen`: receive notifications and print them as text blocks or JSON lines (or,
//! as `snmptrapd`, snmptrapd's log lines), optionally forwarding them and running handlers.
//! The pipeline itself is the library's (`snmpkit::notify::pipeline`); this file reads the
//! options, starts it, and prints what it reports.

use snmpkit::engine::EngineId;
use snmpkit::format::OutputOptions;
use snmpkit::notify::conf::TrapdConfig;
use snmpkit::notify::pipeline::{
    Forward, HandlerMatch, HostNames, OutputSink, Pipeline, PipelineConfig, PipelineEvent,
    PipelineStats, Render, Style, TrapHandlers, TrapdFormat,
};
use snmpkit::notify::{load_engine, ListenAddr, LocalEngine, Receiver, ReceiverConfig, V3User};
use std::path::PathBuf;
use std::time::Duration;

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
    /// POST the notifications (NDJSON batches of their --json objects) to URL, at least once:
    /// retried with backoff while the endpoint fails, informs acknowledged only after a 2xx.
    #[arg(long, value_name = "URL")]
    pub webhook: Option<String>,
    /// A header for --webhook requests, `NAME: VALUE` (repeatable).
    #[arg(long = "webhook-header", value_name = "HEADER")]
    pub webhook_headers: Vec<String>,
    /// Timeout of one --webhook request, in seconds [default: 10].
    #[arg(long = "webhook-timeout", value_name = "SECONDS")]
    pub webhook_timeout: Option<f64>,
    /// Keep notifications waiting for --webhook or --nats on disk in DIR (fsync per batch);
    /// after a restart they are sent first.
    #[arg(long, value_name = "DIR")]
    pub spool: Option<PathBuf>,
    /// Bound on the spool, in bytes [default: 1073741824]; beyond it notifications are
    /// dropped and counted.
    #[arg(long = "spool-max", value_name = "BYTES")]
    pub spool_max: Option<u64>,
    /// Do not pass on a notification identical to one passed on within SECONDS (same source
    /// address, trap OID and varbinds; sysUpTime and request-id aside). Informs are still
    /// acknowledged.
    #[arg(long, value_name = "SECONDS")]
    pub dedup: Option<f64>,
    /// Pass on at most N notifications per second per source address; the rest are counted
    /// as suppressed, and a line says how many when the storm ends.
    #[arg(long = "rate-limit", value_name = "N")]
    pub rate_limit: Option<u32>,
    /// Run as snmptrapd (set by the `snmptrapd` name): its output, formats and authorization.
    #[arg(skip)]
    pub trapd: bool,
    /// snmptrapd's -F FORMAT.
    #[arg(skip)]
    pub format: Option<String>,
    /// snmptrapd's -n: no host names.
    #[arg(skip)]
    pub numeric_hosts: bool,
    /// snmptrapd's -Ls FACILITY: notifications go to syslog with this facility (0..=23).
    #[arg(skip)]
    pub syslog: Option<u8>,
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
    let prog = super::prog();
    let conf = match read_conf(&args) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("{prog}: {msg}");
            return 1;
        }
    };
    let render = match render_for(&args, &conf) {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("{prog}: {msg}");
            return 1;
        }
    };
    // Handlers before readiness: once "listening on" is printed, SIGINT and SIGTERM stop the
    // listener cleanly with its summary instead of killing it.
    let shutdown = match Shutdown::install() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{prog}: cannot install signal handlers: {e}");
            return 1;
        }
    };
    if args.spool.is_some() && args.webhook.is_none() && args.nats.is_none() {
        eprintln!("{prog}: --spool needs --webhook or --nats");
        return 1;
    }
    if args.nats.is_some() && args.webhook.is_some() {
        eprintln!("{prog}: give --nats or --webhook, not both");
        return 1;
    }
    let nats_spool = match (&args.nats, &args.spool) {
        (Some(_), Some(dir)) => Some((
            dir.clone(),
            args.spool_max.unwrap_or(super::webhook::DEFAULT_SPOOL_MAX),
        )),
        _ => None,
    };
    let broker = match super::nats::ListenSink::start(
        prog,
        args.nats.as_deref(),
        args.nats_subject.as_deref(),
        nats_spool,
    )
    .await
    {
        Ok(s) => s,
        Err(msg) => {
            eprintln!("{prog}: {msg}");
            return 1;
        }
    };
    let webhook = match super::webhook::ListenWebhook::start(prog, &args) {
        Ok(w) => w,
        Err(msg) => {
            eprintln!("{prog}: {msg}");
            return 1;
        }
    };
    if broker.active() && webhook.active() {
        eprintln!("{prog}: give --nats or --webhook, not both");
        return 1;
    }
    let defer = broker.active() || webhook.active();
    match setup(&args, &conf, defer).await {
        Ok(rx) => serve(rx, &args, &conf, render, shutdown, broker, webhook).await,
        Err(msg) => {
            eprintln!("{prog}: {msg}");
            1
        }
    }
}

fn read_conf(args: &ListenArgs) -> Result<TrapdConfig, String> {
    let Some(path) = &args.config else {
        return Ok(TrapdConfig::default());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let conf = TrapdConfig::parse(&text);
    for w in &conf.warnings {
        eprintln!("{}: warning: {}: {w}", super::prog(), path.display());
    }
    Ok(conf)
}

/// How notifications print: snmptrapd's layouts under its name (with -F, format1/format2),
/// else JSON lines or snmpkit's blocks.
fn render_for(args: &ListenArgs, conf: &TrapdConfig) -> Result<Render, String> {
    let mut opts = OutputOptions::default();
    for o in &args.output {
        opts.parse_flags(o).map_err(|e| e.to_string())?;
    }
    let style = if args.json {
        Style::Json
    } else if args.trapd {
        let (p1, p2) = match (&args.format, args.syslog) {
            // syslog has formats of its own (snmptrapd.conf's `format syslog1/2`).
            (_, Some(_)) => (
                Some(snmpkit::notify::pipeline::SYSLOG_FORMAT1.to_string()),
                Some(snmpkit::notify::pipeline::SYSLOG_FORMAT2.to_string()),
            ),
            (Some(f), None) => (Some(f.clone()), Some(f.clone())),
            (None, None) => (conf.format1.clone(), conf.format2.clone()),
        };
        Style::Trapd(TrapdFormat {
            print1: p1,
            print2: p2,
            hosts: HostNames::system(args.numeric_hosts),
        })
    } else {
        if args.format.is_some() {
            return Err("-F needs the snmptrapd name".into());
        }
        Style::Blocks
    };
    Ok(Render::new(
        opts,
        super::config::load_mib(args.mibs.as_deref(), args.mib_dirs.as_deref()),
        style,
    ))
}

async fn setup(
    args: &ListenArgs,
    conf: &TrapdConfig,
    defer_inform_acks: bool,
) -> Result<Receiver, String> {
    let engine_id = match &args.engine_id {
        Some(e) => match EngineId::parse_hex(e) {
            Ok(id) => Some(id),
            Err(why) => return Err(format!("bad --engine-id {e:?}: {why}")),
        },
        None => None,
    };
    let mut users = Vec::new();
    for u in &conf.users {
        // snmptrapd authorises v3 notifications by authUser; a user without one is refused.
        if args.trapd && !conf.disable_authorization && !conf.auth_users.contains(&u.name) {
            eprintln!(
                "{}: warning: user {:?} has no authUser line; its notifications are not accepted",
                super::prog(),
                u.name
            );
            continue;
        }
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
    if communities.is_empty() && !args.trapd {
        eprintln!(
            "{}: accepting every community (narrow it with -c or authCommunity in -C FILE)",
            super::prog()
        );
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

#[allow(clippy::too_many_arguments)]
async fn serve(
    mut rx: Receiver,
    args: &ListenArgs,
    conf: &TrapdConfig,
    render: Render,
    mut shutdown: Shutdown,
    mut broker: super::nats::ListenSink,
    mut webhook: super::webhook::ListenWebhook,
) -> i32 {
    let prog = super::prog();
    let sink = match &args.log_file {
        Some(path) => match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            Ok(f) => OutputSink::File(f),
            Err(e) => {
                eprintln!("{prog}: cannot open {}: {e}", path.display());
                return 1;
            }
        },
        None => match args.syslog {
            Some(facility) => {
                let path = std::path::Path::new("/dev/log");
                match snmpkit::notify::pipeline::SyslogWriter::connect(path, facility, prog) {
                    Ok(w) => OutputSink::Writer(Box::new(w)),
                    Err(e) => {
                        eprintln!("{prog}: cannot open syslog at {}: {e}", path.display());
                        return 1;
                    }
                }
            }
            None => OutputSink::Stdout,
        },
    };
    let handlers = match trap_handlers(conf, &render) {
        Ok(h) => h,
        Err(msg) => {
            eprintln!("{prog}: {msg}");
            return 1;
        }
    };
    // Under snmptrapd's name, a configuration that authorises nothing accepts nothing, as in
    // net-snmp 5.3 and later; its warning goes where the traps would have gone.
    let deny_all = args.trapd && !conf.has_access_control() && args.communities.is_empty();
    let mut pc = PipelineConfig::new(render);
    if deny_all {
        let path = args
            .config
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "(none)".into());
        let warning = format!(
            "Warning: no access control information configured.\n  (Config search path: \
             {path})\nThis receiver will *NOT* accept any incoming notifications.\n"
        );
        match &args.log_file {
            Some(p) => {
                use std::io::Write;
                if let Ok(mut f) = std::fs::OpenOptions::new().append(true).open(p) {
                    let _ = f.write_all(warning.as_bytes());
                }
            }
            None => eprint!("{warning}"),
        }
    }
    pc.output = Some(sink);
    pc.exec = args.exec.clone();
    pc.handlers = handlers;
    pc.dedup = args.dedup.map(Duration::from_secs_f64);
    pc.rate_limit = args.rate_limit;
    pc.deny_all = deny_all;
    let verbose = args.verbose;
    pc.on_event = Some(Box::new(move |e: &PipelineEvent| match e {
        PipelineEvent::StormEnded(r) => eprintln!(
            "{prog}: rate limit: {} notifications from {} suppressed ({} passed) between {} and {}",
            r.suppressed,
            r.source,
            r.forwarded,
            snmpkit::format::rfc3339(r.started),
            snmpkit::format::rfc3339(r.ended)
        ),
        PipelineEvent::HandlerFailed(m) if verbose => eprintln!("{prog}: handler: {m}"),
        _ => {}
    }));
    let forward: Option<&mut dyn Forward> = if broker.active() {
        Some(&mut broker)
    } else if webhook.active() {
        Some(&mut webhook)
    } else {
        None
    };
    let report = Pipeline::new(pc)
        .run(&mut rx, forward, shutdown.recv())
        .await;
    if let Some(e) = &report.output.write_error {
        eprintln!("{prog}: cannot write output: {e}");
    }
    let stats = report.stats(&rx.stats());
    let mut line = summary(&stats, args.exec.is_some() || !conf.trap_handles.is_empty());
    if let Some(n) = broker.finish().await {
        line.push_str("; ");
        line.push_str(&n);
    }
    if let Some(n) = webhook.finish().await {
        line.push_str("; ");
        line.push_str(&n);
    }
    eprintln!("{line}");
    0
}

/// The `traphandle` lines, their OIDs read with the loaded MIBs.
fn trap_handlers(conf: &TrapdConfig, render: &Render) -> Result<TrapHandlers, String> {
    let mut lines = Vec::new();
    for (token, cmd) in &conf.trap_handles {
        let m = if token.eq_ignore_ascii_case("default") {
            HandlerMatch::Default
        } else {
            let (base, kind) = if let Some(b) = token.strip_suffix(".*") {
                (b, 2)
            } else if let Some(b) = token.strip_suffix('*') {
                (b, 1)
            } else {
                (token.as_str(), 0)
            };
            let oid = super::config::parse_oid(base, &render.mib)
                .map_err(|_| format!("traphandle: unknown OID {token:?}"))?;
            match kind {
                0 => HandlerMatch::Exact(oid),
                1 => HandlerMatch::Subtree(oid),
                _ => HandlerMatch::Below(oid),
            }
        };
        lines.push((m, cmd.clone()));
    }
    Ok(TrapHandlers::new(lines))
}

/// The exit line: `received = decoded + dropped + deduplicated + suppressed`, each part with
/// its reasons, then what else happened.
fn summary(s: &PipelineStats, handlers: bool) -> String {
    let r = &s.receiver;
    let p = &s.pipeline;
    let mut line = format!(
        "{}: {} received, {} decoded, {} dropped",
        super::prog(),
        s.received(),
        s.decoded(),
        s.dropped()
    );
    let mut reasons: Vec<String> = r.drops().map(|(r, n)| format!("{r}: {n}")).collect();
    if r.discovery_probes > 0 {
        reasons.push(format!("v3 discovery probes: {}", r.discovery_probes));
    }
    if p.unauthorized > 0 {
        reasons.push(format!("not authorized: {}", p.unauthorized));
    }
    if !reasons.is_empty() {
        line.push_str(&format!(" ({})", reasons.join(", ")));
    }
    line.push_str(&format!(
        ", {} deduplicated ({} inform retransmissions, {} repeats), {} suppressed (rate limit)",
        s.deduplicated(),
        r.duplicate_informs,
        p.deduplicated,
        s.suppressed()
    ));
    if r.informs_acknowledged > 0 || r.informs_unacknowledged > 0 {
        line.push_str(&format!(
            "; {} informs acknowledged, {} left unacknowledged",
            r.informs_acknowledged, r.informs_unacknowledged
        ));
    }
    let o = &p.output;
    if o.queue_full > 0 {
        line.push_str(&format!(
            "; {} not printed (output queue full)",
            o.queue_full
        ));
    }
    if o.waiting > 0 {
        line.push_str(&format!("; {} not printed (stdout not read)", o.waiting));
    }
    if let Some(n) = r.kernel_drops.filter(|n| *n > 0) {
        line.push_str(&format!("; {n} lost in the kernel (receive buffer full)"));
    }
    if handlers {
        line.push_str(&format!(
            "; exec: {} run, {} failed, {} dropped (handler queue full)",
            p.exec.started, p.exec.failed, p.exec.dropped
        ));
    }
    line
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
