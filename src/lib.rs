//! snmpkit: an SNMP manager and notification receiver.
//!
//! - [`codec`]: sans-I/O BER encoding and decoding of v1, v2c and v3 messages.
//! - [`Oid`], [`Value`], [`VarBind`]: the data model (OIDs as constants with [`oid!`], typed
//!   value accessors such as [`Value::as_u64`]).
//! - [`usm`]: the User-based Security Model (keys, authentication, privacy).
//! - [`client`]: an async (tokio) manager: get, get-next, get-bulk, set, walks, tables
//!   ([`client::TableSpec`], [`Client::table`]), v3.
//! - [`notify`]: an async notification receiver.
//! - [`mib`]: MIB loading and name/OID translation.
//! - [`format`](mod@format): net-snmp-compatible text and JSON rendering, of varbinds and of
//!   whole notifications.
//! - [`hex`]: hex text and bytes.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod agent;
pub mod client;
pub mod codec;
pub mod conf;
mod error;
#[cfg(feature = "exporter")]
pub mod exporter;
pub mod format;
pub mod hex;
pub mod mib;
pub mod notify;
mod oid;
pub mod poll;
#[cfg(feature = "rasn")]
pub mod rasn_compat;
pub mod sink;
pub mod transport;
pub mod usm;
mod value;

pub use client::{Client, ClientOptions, ClientOptionsBuilder, Security};
pub use error::{Error, ErrorStatus, LimitReached, Result};
pub use oid::{Oid, OidParseError, SNMP_TRAP_OID_0, SYS_UPTIME_0};
pub use transport::Transport;
pub use value::{Value, ValueParseError, VarBind};

/// The README's examples, compiled as doctests so they stay true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
