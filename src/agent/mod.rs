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
//! # async fn demo() -> Result<(), snmpkit::agent::AgentError> {
//! use snmpkit::agent::{recording, Agent, AgentConfig, Server};
//! let data = recording::load(std::path::Path::new("lab/router.snmpwalk")).expect("a recording");
//! let agent = Agent::new(AgentConfig::default(), data)?;
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
mod v3;

pub use device::VaryRate;
pub use events::{LinkEvent, Sink, SinkKind};
pub use responder::{Agent, Outcome};
pub use server::Server;
pub use store::Store;

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::usm::{Credentials, SecurityLevel};
use crate::{Oid, Value};

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
    let a = crate::transport::AgentAddr::parse(s, DEFAULT_PORT).map_err(|e| bad(e.to_string()))?;
    a.resolve().await.map_err(|e| bad(e.to_string()))
}

/// What a community or user may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Get, GetNext, GetBulk.
    ReadOnly,
    /// Reads and Set.
    ReadWrite,
}

/// Where requests for a community may come from: `rocommunity public 10.0.0.0/8`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Source {
    /// The network address.
    pub addr: IpAddr,
    /// The prefix length (32 or 128 for one host).
    pub prefix: u8,
}

impl Source {
    /// True when `ip` is inside this network (an IPv4-mapped IPv6 source counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let p = u32::from(self.prefix.min(32));
                let mask = if p == 0 { 0 } else { u32::MAX << (32 - p) };
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let p = u32::from(self.prefix.min(128));
                let mask = if p == 0 { 0 } else { u128::MAX << (128 - p) };
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// A v1/v2c community (`rocommunity`, `rwcommunity` and their `6` forms).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommunityRule {
    /// The community string.
    pub community: Vec<u8>,
    /// What it may do.
    pub access: Access,
    /// Where it is accepted from; `None` for anywhere.
    pub source: Option<Source>,
}

/// An SNMPv3 user (`createUser`) and its access (`rouser`/`rwuser` with their minimum level).
#[derive(Clone, Debug)]
pub struct UserRule {
    /// Name, protocols and passphrases.
    pub credentials: Credentials,
    /// What it may do; `None` when no `rouser`/`rwuser` line names it (requests are refused
    /// with authorizationError, as snmpd's VACM does).
    pub access: Option<Access>,
    /// The lowest security level its requests may use (`rouser NAME priv`).
    pub min_level: SecurityLevel,
}

/// Everything about the agent except its data: who may talk to it, where notifications go,
/// and how values move. Start from `AgentConfig::default()`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct AgentConfig {
    /// Communities. Empty means snmpd's lab defaults: `public` reads, `private` writes.
    pub communities: Vec<CommunityRule>,
    /// SNMPv3 users. Empty means v3 requests get unknownUserName Reports.
    pub users: Vec<UserRule>,
    /// Where linkDown/linkUp go.
    pub sinks: Vec<Sink>,
    /// Values that replace (or add to) every recording's: sysContact, sysName, sysLocation,
    /// sysServices from the configuration.
    pub overrides: Vec<(Oid, Value)>,
    /// snmpEngineID and boots; `None` generates an ID with boots 1.
    pub engine: Option<crate::notify::LocalEngine>,
    /// Make counters advance (`--vary`).
    pub vary: Option<VaryRate>,
    /// The most simulated devices (local addresses) kept at once; the least recently created
    /// is forgotten beyond it.
    pub max_devices: usize,
}

impl Default for AgentConfig {
    fn default() -> Self {
        AgentConfig {
            communities: Vec::new(),
            users: Vec::new(),
            sinks: Vec::new(),
            overrides: Vec::new(),
            engine: None,
            vary: None,
            max_devices: 100_000,
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
    /// Notifications that could not be delivered (unacknowledged informs, send errors, or
    /// dropped because too many were pending).
    pub notifications_failed: u64,
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

    #[test]
    fn source_networks() {
        let s = Source {
            addr: "10.1.0.0".parse().unwrap(),
            prefix: 16,
        };
        assert!(s.contains("10.1.2.3".parse().unwrap()));
        assert!(!s.contains("10.2.0.1".parse().unwrap()));
        assert!(s.contains("::ffff:10.1.9.9".parse().unwrap()));
        let h = Source {
            addr: "::1".parse().unwrap(),
            prefix: 128,
        };
        assert!(h.contains("::1".parse().unwrap()));
        assert!(!h.contains("127.0.0.1".parse().unwrap()));
        let any = Source {
            addr: "0.0.0.0".parse().unwrap(),
            prefix: 0,
        };
        assert!(any.contains("192.0.2.1".parse().unwrap()));
    }
}
