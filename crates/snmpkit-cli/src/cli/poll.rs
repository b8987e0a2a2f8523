//! `poll`: poll a fleet every interval and print records as JSON lines, InfluxDB lines or a
//! Prometheus `/metrics` endpoint. The polling itself is `snmpkit::poll`; this file reads the
//! options and the targets file and picks the sink.

use super::config::{parse_oid, AppFlags, CommonArgs, Fatal};
use clap::Parser;
use snmpkit::client::Client;
use snmpkit::format::{format_varbind, OutputOptions};
use snmpkit::mib::Mib;
use snmpkit::poll::{self, Plan, PollTarget, Poller, Schedule, TargetLine};
use snmpkit::sink::json::JsonSink;
use snmpkit::sink::prometheus::{self, Exposition, PrometheusSink};
use snmpkit::sink::rows::RowsSink;
use snmpkit::sink::{influx::InfluxSink, Sink, SinkError, SinkFuture};
use snmpkit::transport::AgentAddr;
use snmpkit::Transport;
use std::io::{IsTerminal, Write};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

const PROG: &str = "snmpkit poll";

/// Arguments of `poll`.
#[derive(clap::Args, Debug)]
pub struct PollArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Read targets from FILE: one `HOST[:PORT] [options]` a line, `#` comments.
    #[arg(long = "targets", value_name = "FILE")]
    targets: Option<PathBuf>,
    /// Seconds between cycles (fractions allowed).
    #[arg(long = "interval", value_name = "SECS", default_value = "60")]
    interval: String,
    /// Stop after N cycles (`--count 1` is a one-shot fleet query).
    #[arg(long = "count", value_name = "N")]
    count: Option<u64>,
    /// Print InfluxDB line protocol instead of JSON.
    #[arg(long = "influx", conflicts_with_all = ["json", "prometheus"])]
    influx: bool,
    /// JSON in row form: each record's varbinds gathered into table rows and scalar groups,
    /// every row with its index, columns, rates and interface labels together (implies --json).
    #[arg(long = "rows", conflicts_with_all = ["influx", "prometheus"])]
    rows: bool,
    /// Serve Prometheus metrics of the last completed cycle on ADDR (`:9116`, `127.0.0.1:9116`).
    #[arg(long = "prometheus", value_name = "ADDR", conflicts_with = "json")]
    prometheus: Option<String>,
    /// Most targets with a request in flight at once.
    #[arg(long = "window", value_name = "N", default_value_t = poll::DEFAULT_WINDOW)]
    window: usize,
    /// Publish each record to NATS JetStream at URL, subject snmp.poll.<target> (a stream
    /// must cover snmp.poll.>); with --schedule or --work, the broker that shares the polling.
    #[arg(long = "nats", value_name = "URL")]
    nats: Option<String>,
    /// The work-queue stream of jobs for --schedule and --work (created if missing).
    #[arg(long = "nats-stream", value_name = "NAME", default_value = "SNMP_JOBS")]
    nats_stream: String,
    /// Publish one job per target every interval into the job stream instead of polling.
    #[arg(long, requires = "nats", conflicts_with = "work")]
    schedule: bool,
    /// Poll the targets named by jobs pulled from the job stream, shared with other workers.
    #[arg(long, requires = "nats")]
    work: bool,
    /// Agents (without --targets), then the objects to poll: instances (`sysUpTime.0`) are
    /// fetched with Get, subtrees and tables (`ifTable`) are walked with GetBulk.
    #[arg(value_name = "[HOST ...] OBJECT", allow_negative_numbers = true)]
    args: Vec<String>,
}

/// The options a targets-file line may carry after its host.
#[derive(Parser, Debug)]
#[command(
    no_binary_name = true,
    disable_help_flag = true,
    disable_version_flag = true
)]
struct LineArgs {
    #[command(flatten)]
    common: CommonArgs,
}

fn fatal(f: Fatal) -> i32 {
    eprintln!("{}", f.0);
    f.1
}

/// Whether a positional argument is an agent rather than an object: addresses and `udp:`
/// forms are agents, names the MIB knows and numeric OIDs with a leading dot are objects,
/// anything else is taken as a host name.
fn looks_like_host(arg: &str, mib: &Mib) -> bool {
    if arg.starts_with('.') {
        return false;
    }
    let lower = arg.to_ascii_lowercase();
    if ["udp:", "udp6:", "udpv6:", "udpipv6:", "tcp:", "["]
        .iter()
        .any(|p| lower.starts_with(p))
        || arg.parse::<IpAddr>().is_ok()
        || arg.parse::<std::net::SocketAddr>().is_ok()
    {
        return true;
    }
    if arg.parse::<snmpkit::Oid>().is_ok() || mib.resolve(arg).is_ok() {
        return false;
    }
    AgentAddr::parse(arg, 161).is_ok()
}

/// The command line's options with a target line's own options laid over them.
fn overlay(base: &CommonArgs, line: &CommonArgs) -> CommonArgs {
    let mut a = base.clone();
    let take = |slot: &mut Option<String>, v: &Option<String>| {
        if v.is_some() {
            slot.clone_from(v);
        }
    };
    take(&mut a.version, &line.version);
    take(&mut a.community, &line.community);
    take(&mut a.timeout, &line.timeout);
    take(&mut a.retries, &line.retries);
    take(&mut a.user, &line.user);
    take(&mut a.level, &line.level);
    take(&mut a.auth_protocol, &line.auth_protocol);
    take(&mut a.auth_pass, &line.auth_pass);
    take(&mut a.priv_protocol, &line.priv_protocol);
    take(&mut a.priv_pass, &line.priv_pass);
    take(&mut a.engine_id, &line.engine_id);
    take(&mut a.context_engine_id, &line.context_engine_id);
    take(&mut a.context, &line.context);
    take(&mut a.boots_time, &line.boots_time);
    a.dump |= line.dump;
    a
}

/// A line's options, parsed as the command line's are. Options that concern output or MIBs
/// belong on the command line, not on one target.
fn line_options(t: &TargetLine) -> Result<CommonArgs, String> {
    let parsed = LineArgs::try_parse_from(&t.args).map_err(|e| {
        let text = e.to_string();
        let first = text.lines().next().unwrap_or("").trim();
        first.strip_prefix("error: ").unwrap_or(first).to_string()
    })?;
    let c = parsed.common;
    let global = [
        (!c.output.is_empty(), "-O"),
        (!c.app.is_empty(), "-C"),
        (c.mibs.is_some(), "-m"),
        (c.mib_dirs.is_some(), "-M"),
        (c.json, "--json"),
    ];
    if let Some((_, flag)) = global.iter().find(|(set, _)| *set) {
        return Err(format!(
            "{flag} applies to the whole poll: give it on the command line"
        ));
    }
    Ok(c)
}

/// Builds every target's client over one transport. Any bad line stops everything, named
/// `FILE:LINE: ...`.
async fn build_targets(
    lines: &[TargetLine],
    base: &CommonArgs,
    file: Option<&str>,
    transport: &Transport,
) -> Result<Vec<PollTarget>, Fatal> {
    let conf = super::snmpconf::load();
    let mut out = Vec::with_capacity(lines.len());
    let mut seen = std::collections::HashSet::new();
    for t in lines {
        let at = |msg: String| match file {
            Some(f) => Fatal(format!("{f}:{}: {msg}", t.line), 1),
            None => Fatal(format!("{PROG}: {msg}"), 1),
        };
        let own = line_options(t).map_err(at)?;
        let args = overlay(base, &own).with_conf_defaults(&conf);
        let (security, options) = args.client_settings(PROG).map_err(|f| at(f.0))?;
        let label = t.label();
        if !seen.insert(label.clone()) {
            return Err(at(format!("{label} is listed twice")));
        }
        let client = Client::connect_with(transport.clone(), &t.host, security, options)
            .await
            .map_err(|e| at(e.to_string()))?;
        out.push(PollTarget { label, client });
    }
    Ok(out)
}

/// Human-readable output for a terminal: net-snmp's varbind lines prefixed with the target.
struct TextSink {
    mib: Arc<Mib>,
    opts: OutputOptions,
}

impl Sink for TextSink {
    fn record<'a>(&'a mut self, rec: &'a snmpkit::poll::Record) -> SinkFuture<'a> {
        let mut s = String::new();
        for smp in &rec.samples {
            s.push_str(&rec.target);
            s.push_str(": ");
            s.push_str(&format_varbind(&smp.varbind, &self.opts, &self.mib));
            if let Some(r) = smp.rate {
                s.push_str(&format!(" ({r:.2}/s)"));
            }
            s.push('\n');
        }
        if let Some(e) = &rec.error {
            s.push_str(&format!("{}: {e}\n", rec.target));
        }
        let r = write_stdout(&s);
        Box::pin(async move { r })
    }
}

fn write_stdout(s: &str) -> Result<(), SinkError> {
    let mut o = std::io::stdout().lock();
    o.write_all(s.as_bytes())?;
    o.flush()?;
    Ok(())
}

/// Stdout, buffered; a closed pipe surfaces as an error that ends the poll quietly.
fn stdout() -> std::io::BufWriter<std::io::Stdout> {
    std::io::BufWriter::with_capacity(256 * 1024, std::io::stdout())
}

fn prometheus_addr(a: &str) -> String {
    match a.strip_prefix(':') {
        Some(port) => format!("0.0.0.0:{port}"),
        None => a.to_string(),
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// SO_RCVBUF for the poll's sockets: 32 MiB, as `listen` asks.
const POLL_RECV_BUFFER: usize = 32 * 1024 * 1024;

/// Runs `poll`; returns the exit code (1 for bad options or targets, 0 otherwise: failures of
/// single targets are in their records).
pub async fn run(a: PollArgs) -> i32 {
    let mib = a.common.load_mib();
    let interval = match a.interval.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s < 1e9 => Duration::from_secs_f64(s),
        _ => {
            return fatal(Fatal(
                format!("{PROG}: Invalid interval: {}", a.interval),
                1,
            ))
        }
    };
    if a.count == Some(0) {
        return fatal(Fatal(format!("{PROG}: --count must be at least 1"), 1));
    }
    let mut output = OutputOptions::default();
    for o in &a.common.output {
        if let Err(e) = output.parse_flags(o) {
            return fatal(Fatal(e.to_string(), 1));
        }
    }
    let app = match AppFlags::parse(&a.common.app, PROG) {
        Ok(f) => f,
        Err(e) => return fatal(Fatal(e, 1)),
    };
    // Split the positionals into hosts and objects.
    let mut hosts = Vec::new();
    let mut objects = Vec::new();
    for arg in &a.args {
        if a.targets.is_none() && objects.is_empty() && looks_like_host(arg, &mib) {
            hosts.push(arg.clone());
        } else {
            match parse_oid(arg, &mib) {
                Ok(o) => objects.push(o),
                Err(f) => return fatal(f),
            }
        }
    }
    if objects.is_empty() {
        return fatal(Fatal(format!("{PROG}: Missing object name"), 1));
    }
    let (lines, file) = match &a.targets {
        Some(path) => {
            let name = path.display().to_string();
            let text = match std::fs::read(path) {
                Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                Err(e) => return fatal(Fatal(format!("{name}: {e}"), 1)),
            };
            match poll::parse_targets(&text) {
                Ok(l) => (l, Some(name)),
                Err(e) => return fatal(Fatal(format!("{name}:{e}"), 1)),
            }
        }
        None => {
            let mut lines = Vec::new();
            for (i, h) in hosts.iter().enumerate() {
                match poll::targets::parse_line(h, i + 1) {
                    Ok(Some(mut t)) if t.args.is_empty() => {
                        t.host.clone_from(h);
                        lines.push(t);
                    }
                    _ => return fatal(Fatal(format!("{PROG}: Invalid agent address: {h}"), 1)),
                }
            }
            (lines, None)
        }
    };
    if lines.is_empty() {
        return fatal(Fatal(
            format!("{PROG}: No targets (give HOST arguments or --targets FILE)"),
            1,
        ));
    }
    let transport = Transport::new();
    // A fleet answers at once: room for a window's worth of responses, as listen has.
    transport.set_recv_buffer(POLL_RECV_BUFFER);
    let targets = match build_targets(&lines, &a.common, file.as_deref(), &transport).await {
        Ok(t) => t,
        Err(f) => return fatal(f),
    };
    // Interface objects in Prometheus, InfluxDB or row output are labelled with ifDescr, ifName and
    // ifAlias (snmp_exporter's if_mib lookups, Telegraf's is_tag): fetch the columns the
    // objects do not already cover, and keep them out of the metrics.
    let mut hidden = Vec::new();
    if (a.prometheus.is_some() || a.influx || a.rows)
        && objects
            .iter()
            .any(snmpkit::sink::iflabels::is_interface_object)
    {
        for (_, col) in snmpkit::sink::iflabels::COLUMNS {
            if !objects.iter().any(|o| col.starts_with(o)) {
                objects.push(col.clone());
                hidden.push(col);
            }
        }
    }
    let mut plan = Plan::new(&objects, &mib);
    if app.max_repetitions_given {
        plan.max_repetitions = snmpkit::client::Repetitions::fixed(app.max_repetitions);
    }
    let poller = Poller::new(plan).with_window(a.window);
    let schedule = Schedule {
        interval,
        count: a.count,
    };
    if let Some(url) = a.nats.as_deref().filter(|_| a.schedule || a.work) {
        return super::nats::shared_poll(
            PROG,
            url,
            &a.nats_stream,
            a.schedule,
            poller,
            targets,
            mib.clone(),
            output,
            interval,
            a.count,
            a.window,
        )
        .await;
    }
    let nats_opts = output.clone();

    let mut server = None;
    let mut sink: Box<dyn Sink> = if let Some(addr) = &a.prometheus {
        let addr = prometheus_addr(addr);
        let listener = match tokio::net::TcpListener::bind(&addr).await {
            Ok(l) => l,
            Err(e) => return fatal(Fatal(format!("{PROG}: cannot listen on {addr}: {e}"), 1)),
        };
        let local = listener.local_addr().map(|a| a.to_string()).unwrap_or(addr);
        eprintln!("{PROG}: serving Prometheus metrics on http://{local}/metrics");
        let expo = Exposition::new();
        server = Some(tokio::spawn(prometheus::serve(listener, expo.clone())));
        Box::new(PrometheusSink::new(mib.clone(), expo).hide_columns(hidden))
    } else if a.influx {
        Box::new(InfluxSink::new(stdout(), mib.clone()))
    } else if a.rows {
        Box::new(RowsSink::new(stdout(), mib.clone(), output).hide_columns(hidden))
    } else if a.common.json || !std::io::stdout().is_terminal() {
        Box::new(JsonSink::new(stdout(), mib.clone(), output))
    } else {
        Box::new(TextSink {
            mib: mib.clone(),
            opts: output,
        })
    };

    let mut nats = None;
    if let Some(url) = &a.nats {
        match super::nats::PollPublisher::start(url, mib.clone(), nats_opts).await {
            Ok((p, s)) => {
                sink = Box::new(snmpkit::sink::Tee {
                    sinks: vec![sink, s],
                });
                nats = Some(p);
            }
            Err(e) => return fatal(Fatal(format!("{PROG}: {e}"), 1)),
        }
    }
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let signals = tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop_tx.send(true);
    });
    let result = poll::run(&poller, &targets, &schedule, &mut sink, stop_rx.clone()).await;
    signals.abort();
    if let Some(s) = server {
        s.abort();
    }
    if let Some(p) = nats {
        eprintln!("{PROG}: {}", p.finish().await);
    }
    // What the kernel dropped was retried by the transport; say so, as it cost a timeout.
    if let Some(d) = transport.kernel_drops().filter(|&d| d > 0) {
        eprintln!("{PROG}: {d} responses dropped by the kernel (receive buffer full) and retried");
    }
    match result {
        Ok(summary) => {
            if *stop_rx.borrow() {
                eprintln!(
                    "{PROG}: stopped after {}: {} records, {} failed, {} overruns, {} agent restarts",
                    plural(summary.cycles, "cycle"),
                    summary.records,
                    summary.failed,
                    summary.overruns,
                    summary.restarts
                );
            }
            0
        }
        // The reader went away (a closed pipe): end quietly, as net-snmp's tools do.
        Err(SinkError::Io(_)) => 0,
        Err(e) => {
            eprintln!("{PROG}: {e}");
            1
        }
    }
}

/// `1 cycle`, `2 cycles`.
fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod plural_tests {
    /// The stop summary said "stopped after 1 cycles".
    #[test]
    fn one_cycle_is_singular() {
        assert_eq!(super::plural(1, "cycle"), "1 cycle");
        assert_eq!(super::plural(0, "cycle"), "0 cycles");
        assert_eq!(super::plural(2, "cycle"), "2 cycles");
    }
}
