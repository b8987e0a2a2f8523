//! `snmpkit agent`: the lab agent simulator. Parses options, loads recordings, prints a
//! readiness line once listening, serves until SIGINT/SIGTERM and prints its counters.

use std::path::PathBuf;

use snmpkit_agent::{
    recording, resolve_address, Agent, AgentConfig, Options, Server, Stats, VaryRate,
};

/// Arguments of `snmpkit agent [OPTIONS] [ADDRESS...]`.
#[derive(clap::Args, Debug, Clone)]
#[command(after_help = "\
Data: each --data FILE is served under every community the agent accepts and the empty v3 \
context; each file in a --data DIRECTORY under the community and v3 context named after its \
stem (public.snmprec -> community public), as snmpsim does; such a community may Set unless the \
configuration names it. Recordings are snmpwalk -On text \
(.snmpwalk, .walk, .txt, or any other name) or snmpsim .snmprec files.

Without --config, community public reads and private writes (from anywhere).

Many devices: bound to a wildcard address (udp:0.0.0.0:PORT), the agent answers from the \
address each request was sent to, and every local address is a device with its own \
sysUpTime, counters and Set values (created when first asked).

--vary: a counter's value is its recorded value plus RATE x seconds since its device was first \
asked, Counter32 wrapping at 2^32. RATE is the --vary-rate value when given, else the average \
rate the recording implies (recorded value / recorded sysUpTime in seconds, at least 1).

The readiness line 'snmpkit agent: listening on ...' goes to stderr once every address is \
bound; SIGINT or SIGTERM stop the agent, which then prints its counters.")]
pub struct AgentArgs {
    /// Read the lab subset of snmpd.conf: agentAddress, ro/rwcommunity(6), createUser,
    /// rouser/rwuser, trapsink/trap2sink/informsink/trapcommunity, sysContact, sysName,
    /// sysLocation, sysServices, engineID. Unknown directives are warned about.
    #[arg(short = 'c', long = "config", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A recording file, or a directory of recordings (repeatable).
    #[arg(long = "data", value_name = "PATH")]
    pub data: Vec<PathBuf>,
    /// Keep the SNMPv3 engine ID and boots in FILE (boots go up by one at each start).
    #[arg(long = "state-file", value_name = "FILE")]
    pub state_file: Option<PathBuf>,
    /// Make every Counter32 and Counter64 advance at a steady rate of its own.
    #[arg(long)]
    pub vary: bool,
    /// Every counter advances by N per second, instead of its recorded rate (implies --vary).
    #[arg(long = "vary-rate", value_name = "N")]
    pub vary_rate: Option<u64>,
    /// The most devices (local addresses) kept at once.
    #[arg(long = "max-devices", value_name = "N", default_value_t = 100_000)]
    pub max_devices: usize,
    /// Addresses to listen on, in snmpd's syntax: udp:HOST:PORT, udp6:[ADDR]:PORT, HOST:PORT,
    /// PORT. Default: the configuration's agentAddress, else udp:0.0.0.0:161.
    #[arg(value_name = "ADDRESS")]
    pub addresses: Vec<String>,
}

/// Runs the agent; returns the exit code (0 after a signal, 1 when it cannot start).
pub async fn run(args: AgentArgs) -> i32 {
    match serve(args).await {
        Ok(stats) => {
            eprintln!("{}", summary(&stats));
            0
        }
        Err(msg) => {
            eprintln!("snmpkit agent: {msg}");
            1
        }
    }
}

async fn serve(args: AgentArgs) -> Result<Stats, String> {
    let mut recordings = Vec::new();
    for path in &args.data {
        let loaded = recording::load(path).map_err(|e| e.to_string())?;
        for r in &loaded {
            for w in &r.warnings {
                eprintln!("snmpkit agent: warning: {w}");
            }
        }
        recordings.extend(loaded);
    }
    let config = match &args.config {
        Some(path) => {
            let c = AgentConfig::load(path).map_err(|e| e.to_string())?;
            for w in &c.warnings {
                eprintln!("{w}");
            }
            c
        }
        None => AgentConfig::lab_default(),
    };
    let mut options = Options::default();
    options.max_devices = args.max_devices;
    options.state_file = args.state_file.clone();
    options.vary = match (args.vary, args.vary_rate) {
        (false, None) => None,
        (_, Some(r)) => Some(VaryRate::Fixed(r)),
        (true, None) => Some(VaryRate::Recorded),
    };
    let agent = Agent::new(config, recordings, options).map_err(|e| e.to_string())?;
    let sizes = agent.sizes();
    let mut addrs = Vec::new();
    let given = if !args.addresses.is_empty() {
        args.addresses.clone()
    } else if !agent.config_addresses().is_empty() {
        agent.config_addresses().to_vec()
    } else {
        vec!["udp:161".to_string()]
    };
    for a in given.iter().flat_map(|a| a.split(',')) {
        addrs.push(resolve_address(a).await.map_err(|e| e.to_string())?);
    }
    // Signal handlers first, so a signal right after the readiness line is not lost.
    let shutdown = shutdown_signal().map_err(|e| format!("cannot install signal handlers: {e}"))?;
    let server = Server::bind(agent, &addrs)
        .await
        .map_err(|e| e.to_string())?;
    let bound: Vec<String> = server
        .local_addrs()
        .iter()
        .map(|a| match a {
            std::net::SocketAddr::V4(v4) => format!("udp:{v4}"),
            std::net::SocketAddr::V6(v6) => format!("udp6:{v6}"),
        })
        .collect();
    let mut served = format!("{} objects", sizes.first().map_or(0, |s| s.1));
    for (name, n) in sizes.iter().skip(1) {
        if let Some(name) = name {
            served.push_str(&format!(", {name}: {n}"));
        }
    }
    eprintln!(
        "snmpkit agent: listening on {} ({served})",
        bound.join(", ")
    );
    Ok(server.run_until(shutdown).await)
}

/// Resolves when SIGINT or SIGTERM arrives. The handlers are installed when this is called.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut int = signal(SignalKind::interrupt())?;
        let mut term = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

fn summary(s: &Stats) -> String {
    format!(
        "snmpkit agent: {} received, {} answered, dropped: {} malformed, {} bad community, \
         {} unsupported, {} USM; notifications: {} sent, {} failed, {} dropped (too many \
         pending), {} informs unacknowledged",
        s.received,
        s.answered,
        s.malformed,
        s.bad_community,
        s.unsupported,
        s.usm_rejected,
        s.notifications_sent,
        s.notifications_failed,
        s.notifications_dropped,
        s.informs_unacknowledged
    )
}
