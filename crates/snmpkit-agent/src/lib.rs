//! The lab agent simulator: replays recorded walks as an SNMP v1/v2c/v3 command responder.
//!
//! - [`recording`]: recordings (`snmpwalk -On` text and snmpsim's `.snmprec`).
//! - [`config`]: the lab subset of net-snmp's `snmpd.conf`.
//! - [`Agent`]: the sans-I/O command responder. It takes a datagram, the address it came
//!   from and the local address it was sent to, and returns the reply (if any) and the events
//!   a Set caused. Answers follow snmpd's: v1 noSuchName, v2 exceptions, Set errors
//!   (noAccess, notWritable, noCreation, wrongType, wrongLength, wrongValue), tooBig and
//!   truncated GetBulk (RFC 3416 §4.2), and v3 as the authoritative USM engine.
//! - [`Server`]: the tokio side: binds addresses (a wildcard address answers from the address
//!   each request was sent to, so one process simulates one device per local address), runs
//!   the responder and sends linkDown/linkUp notifications to the configured sinks.
//!
//! ```no_run
//! # async fn demo() -> Result<(), snmpkit_agent::AgentError> {
//! use snmpkit_agent::{recording, Agent, AgentConfig, Options, Server};
//! let data = recording::load(std::path::Path::new("lab/router.snmpwalk")).expect("a recording");
//! let agent = Agent::new(AgentConfig::lab_default(), data, Options::default())?;
//! let server = Server::bind(agent, &["127.0.0.1:1161".parse().unwrap()]).await?;
//! server.run_until(std::future::pending::<()>()).await;
//! # Ok(()) }
//! ```

pub mod config;
mod device;
mod events;
pub mod recording;
mod responder;
mod server;
mod set;
mod store;
mod user;
mod v3;

pub use config::AgentConfig;
pub use device::VaryRate;
pub use events::LinkEvent;
pub use responder::{Agent, Outcome};
pub use server::Server;
pub use store::Store;

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};

/// Why the agent could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AgentError {
    /// A configuration problem (users, addresses, engine state).
    #[error("{0}")]
    Config(String),
    /// A listening address could not be bound.
    #[error("cannot bind {addr}: {source}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// The operating system's reason.
        source: std::io::Error,
    },
}

/// The port an agent listens on by default (RFC 3417 §3).
pub const DEFAULT_PORT: u16 = 161;

/// Resolves a listening address in snmpd's syntax: `udp:HOST:PORT`, `udp6:[ADDR]:PORT`,
/// `HOST:PORT`, `[ADDR]:PORT`, `HOST` (port 161), or a bare `PORT` / `udp:PORT` (every IPv4
/// address) / `udp6:PORT` (every IPv6 address).
pub async fn resolve_address(s: &str) -> Result<std::net::SocketAddr, AgentError> {
    let bad = |why: String| AgentError::Config(format!("bad address {s:?}: {why}"));
    let lower = s.trim().to_ascii_lowercase();
    let (rest, v6) = if let Some(r) = lower.strip_prefix("udp6:") {
        (r, true)
    } else if let Some(r) = lower.strip_prefix("udp:") {
        (r, false)
    } else {
        (lower.as_str(), false)
    };
    if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) {
        let port: u16 = rest.parse().map_err(|_| bad("bad port".into()))?;
        let ip: IpAddr = if v6 {
            std::net::Ipv6Addr::UNSPECIFIED.into()
        } else {
            std::net::Ipv4Addr::UNSPECIFIED.into()
        };
        return Ok(std::net::SocketAddr::new(ip, port));
    }
    let a =
        snmpkit::transport::AgentAddr::parse(s, DEFAULT_PORT).map_err(|e| bad(e.to_string()))?;
    a.resolve().await.map_err(|e| bad(e.to_string()))
}

/// How the agent runs, beyond what `snmpd.conf` says. Start from `Options::default()`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Options {
    /// Keep the engine ID and boots in this file (boots go up by one at each start). Without
    /// it the engine ID comes from the configuration or is generated, with boots 1.
    pub state_file: Option<std::path::PathBuf>,
    /// Make counters advance (`--vary`).
    pub vary: Option<VaryRate>,
    /// The most simulated devices (local addresses) kept at once; the least recently created
    /// is forgotten beyond it.
    pub max_devices: usize,
    /// How long an inform waits for its acknowledgement before it is sent again (1 second,
    /// net-snmp's default). Informs are resent until acknowledged, however long that takes.
    pub inform_timeout: std::time::Duration,
    /// The most informs waiting for their acknowledgement at once; a notification that would
    /// need one more is dropped and counted in [`Stats::notifications_dropped`].
    pub max_pending_informs: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            state_file: None,
            vary: None,
            max_devices: 100_000,
            inform_timeout: std::time::Duration::from_secs(1),
            max_pending_informs: 1000,
        }
    }
}

/// What the agent counted: requests, answers and every reason a datagram was dropped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Datagrams received.
    pub received: u64,
    /// Responses and Reports sent.
    pub answered: u64,
    /// Datagrams that did not decode as SNMP (dropped, never answered).
    pub malformed: u64,
    /// v1/v2c requests with a community not accepted from that source (dropped).
    pub bad_community: u64,
    /// Messages that were not requests (Responses, traps, GetBulk in v1...), dropped.
    pub unsupported: u64,
    /// v3 messages rejected by USM (each also counted in usmStats).
    pub usm_rejected: u64,
    /// Notifications sent to sinks (informs counted once acknowledged).
    pub notifications_sent: u64,
    /// Notifications that could not be delivered: traps that could not be sent, informs
    /// answered with an error-status.
    pub notifications_failed: u64,
    /// Notifications not sent at all because too many were pending (traps being sent, or
    /// [`Options::max_pending_informs`] informs waiting for their acknowledgement).
    pub notifications_dropped: u64,
    /// Informs sent and not acknowledged yet: they are being resent. Those still here when
    /// the agent stops are abandoned.
    pub informs_unacknowledged: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub received: AtomicU64,
    pub answered: AtomicU64,
    pub malformed: AtomicU64,
    pub bad_community: AtomicU64,
    pub unsupported: AtomicU64,
    pub usm_rejected: AtomicU64,
    pub notifications_sent: AtomicU64,
    pub notifications_failed: AtomicU64,
    pub notifications_dropped: AtomicU64,
    pub informs_unacknowledged: AtomicU64,
}

impl Counters {
    pub fn bump(c: &AtomicU64) {
        c.fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> Stats {
        let g = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Stats {
            received: g(&self.received),
            answered: g(&self.answered),
            malformed: g(&self.malformed),
            bad_community: g(&self.bad_community),
            unsupported: g(&self.unsupported),
            usm_rejected: g(&self.usm_rejected),
            notifications_sent: g(&self.notifications_sent),
            notifications_failed: g(&self.notifications_failed),
            notifications_dropped: g(&self.notifications_dropped),
            informs_unacknowledged: g(&self.informs_unacknowledged),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn addresses() {
        for (s, want) in [
            ("udp:127.0.0.1:1161", "127.0.0.1:1161"),
            ("udp6:[::1]:1161", "[::1]:1161"),
            ("127.0.0.2", "127.0.0.2:161"),
            ("1161", "0.0.0.0:1161"),
            ("udp:0.0.0.0:1161", "0.0.0.0:1161"),
            ("udp6:1161", "[::]:1161"),
        ] {
            assert_eq!(
                resolve_address(s).await.unwrap(),
                want.parse().unwrap(),
                "{s}"
            );
        }
        for s in ["", "udp:", "tcp:127.0.0.1:161", "host:99999"] {
            assert!(resolve_address(s).await.is_err(), "{s}");
        }
    }
}
