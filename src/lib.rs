//! snmpkit: an async SNMP library on tokio — manager, notification receiver, fleet poller and
//! sinks — over a protocol core without I/O.
//!
//! The crates of the workspace, bottom up (ARCHITECTURE.md has the whole map):
//! - `snmpkit-proto`, re-exported here: [`Oid`], [`Value`], [`VarBind`], [`codec`] (BER messages
//!   v1/v2c/v3), [`usm`] (keys, digests, privacy), [`engine`] (engine IDs, our own engine, the
//!   time window), [`hex`].
//! - `snmpkit-mib`, re-exported here: [`mib`] (built-in modules, loading, names and OIDs) and
//!   [`format`](mod@format) (net-snmp's text and JSON; whole notifications are rendered here).
//! - this crate:
//!   - [`transport`]: the UDP sockets, request matching, retries, the v3 engine cache;
//!   - [`client`]: [`Client`] — get, get-next, get-bulk, set, walks, tables, v3;
//!   - [`notify`]: the notification receiver (traps, informs, v3) and its statistics;
//!   - [`poll`]: fleet polling with rates, and [`sink`]: where poll records and notifications
//!     go (JSON, Influx, Prometheus, NATS JetStream with the `nats` feature);
//!   - [`conf`]: pieces shared by readers of net-snmp's configuration files;
//!   - [`Error`]: the library's error type.
//! - `snmpkit-agent` (the lab agent) and `snmpkit-cli` (the `snmpkit` binary) build on this
//!   crate.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod client;
pub mod conf;
mod error;
#[cfg(feature = "exporter")]
pub mod exporter;
pub mod format;
pub mod notify;
pub mod poll;
pub mod sink;
pub mod transport;

pub use snmpkit_mib::mib;
#[cfg(feature = "rasn")]
pub use snmpkit_proto::rasn_compat;
pub use snmpkit_proto::{codec, engine, hex, oid, usm};
pub use snmpkit_proto::{Oid, OidParseError, Value, ValueParseError, VarBind};
pub use snmpkit_proto::{SNMP_TRAP_OID_0, SYS_UPTIME_0};

pub use client::{Client, ClientOptions, ClientOptionsBuilder, Security};
pub use error::{Error, ErrorStatus, Fault, LimitReached, Result};
pub use transport::Transport;

/// The README's examples, compiled as doctests so they stay true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
