//! `exporter`: snmp_exporter's command line over `snmpkit::exporter`. This file only reads the
//! flags, sets up logging and signals, and runs the library.

use snmpkit::exporter::scrape::ScrapeOptions;
use snmpkit::exporter::{ConfigSource, Exporter, ExporterOptions};

const PROG: &str = "snmpkit exporter";

/// Arguments of `exporter` (snmp_exporter's flags, plus snmpkit's own).
#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ExporterArgs {
    /// Path to configuration file; repeatable, globs allowed (files are merged).
    #[arg(long = "config.file", value_name = "FILE", default_value = "snmp.yml")]
    config_file: Vec<String>,
    /// Addresses on which to expose metrics and web interface; repeatable. `:9116` (all
    /// addresses) is snmp_exporter's default and kept for drop-in use; give
    /// `127.0.0.1:9116` to stay on loopback.
    #[arg(
        long = "web.listen-address",
        value_name = "ADDR",
        default_value = ":9116"
    )]
    listen: Vec<String>,
    /// Modules of one request scraped at once.
    #[arg(
        long = "snmp.module-concurrency",
        value_name = "N",
        default_value_t = 1
    )]
    module_concurrency: usize,
    /// Walks in flight at once per target (snmpkit).
    #[arg(long = "snmp.walk-concurrency", value_name = "N", default_value_t = 8)]
    walk_concurrency: usize,
    /// How long lookup columns (ifDescr, ifName, ifAlias) are reused before being walked
    /// again; `0s` walks them every scrape (snmpkit). A restarted agent (sysUpTime going
    /// backwards) or a new index refreshes them at once.
    #[arg(long = "lookup-ttl", value_name = "DURATION", default_value = "5m")]
    lookup_ttl: String,
    /// Wrap 64-bit counters to avoid floating point rounding (snmp_exporter 0.21's default).
    #[arg(long = "snmp.wrap-large-counters", value_name = "BOOL", default_value = "true", num_args = 0..=1, default_missing_value = "true")]
    wrap_large_counters: bool,
    /// Only verify configuration is valid and exit.
    #[arg(long = "dry-run")]
    dry_run: bool,
    /// Only log messages with the given severity or above: debug, info, warn, error.
    #[arg(long = "log.level", value_name = "LEVEL", default_value = "info")]
    log_level: String,
    /// `generate`: make snmp.yml from generator.yml.
    #[command(subcommand)]
    sub: Option<ExporterSub>,
}

/// Subcommands of `exporter`.
#[derive(clap::Subcommand, Debug)]
pub enum ExporterSub {
    /// Turn a generator.yml into an snmp.yml on stdout, with snmpkit's MIBs (no net-snmp).
    Generate(super::exporter_generate::GenerateArgs),
}

fn init_logging(level: &str) -> Result<(), String> {
    let level = match level {
        "debug" => tracing::Level::DEBUG,
        "info" => tracing::Level::INFO,
        "warn" => tracing::Level::WARN,
        "error" => tracing::Level::ERROR,
        other => {
            return Err(format!(
                "{PROG}: --log.level: {other}: must be one of debug, info, warn, error"
            ))
        }
    };
    super::log::set_level(level);
    Ok(())
}

/// Runs `exporter`; returns the exit code.
pub async fn run(a: ExporterArgs) -> i32 {
    if let Some(ExporterSub::Generate(g)) = a.sub {
        return super::exporter_generate::run(g);
    }
    if let Err(e) = init_logging(&a.log_level) {
        eprintln!("{e}");
        return 1;
    }
    let Some(ttl) = snmpkit::exporter::config::parse_go_duration(&a.lookup_ttl) else {
        eprintln!("{PROG}: --lookup-ttl: bad duration {:?}", a.lookup_ttl);
        return 1;
    };
    let source = ConfigSource {
        patterns: a.config_file.clone(),
    };
    let mut options = ExporterOptions {
        scrape: ScrapeOptions {
            walk_concurrency: a.walk_concurrency.max(1),
            lookup_ttl: ttl,
        },
        module_concurrency: a.module_concurrency.max(1),
        ..ExporterOptions::default()
    };
    options.collect.wrap_large_counters = a.wrap_large_counters;
    let exporter = match Exporter::new(source, snmpkit::Transport::new(), options) {
        Ok(e) => e,
        Err(e) => {
            tracing::error!(err = %e, "Error parsing config file");
            eprintln!("{PROG}: {e}");
            return 1;
        }
    };
    if a.dry_run {
        tracing::info!("Configuration parsed successfully");
        return 0;
    }
    let mut servers = Vec::new();
    for addr in &a.listen {
        let bind = match addr.strip_prefix(':') {
            Some(port) => format!("0.0.0.0:{port}"),
            None => addr.clone(),
        };
        let listener = match tokio::net::TcpListener::bind(&bind).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("{PROG}: cannot listen on {bind}: {e}");
                return 1;
            }
        };
        let local = listener.local_addr().map(|a| a.to_string()).unwrap_or(bind);
        tracing::info!(address = %local, "Listening on");
        eprintln!("{PROG}: listening on http://{local}/");
        servers.push(tokio::spawn(exporter.clone().serve(listener)));
    }
    // SIGHUP reloads; SIGINT and SIGTERM stop.
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut hup), Ok(mut term)) = (
            signal(SignalKind::hangup()),
            signal(SignalKind::terminate()),
        ) else {
            eprintln!("{PROG}: cannot install signal handlers");
            return 1;
        };
        loop {
            tokio::select! {
                _ = hup.recv() => { let _ = exporter.reload(); }
                _ = term.recv() => break,
                _ = tokio::signal::ctrl_c() => break,
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    for s in servers {
        s.abort();
    }
    0
}
