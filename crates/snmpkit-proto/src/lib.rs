//! SNMP's protocol without I/O: bytes in, typed messages out, and back.
//!
//! Nothing in this crate opens a socket, reads a file or a clock, or needs a runtime. Every
//! function that needs the time takes `now`, as quinn-proto's `handle(now, ...)` does, so tests
//! drive it with byte vectors and synthetic time.
//!
//! - [`Oid`], [`Value`], [`VarBind`]: the data model ([`oid!`] builds constant OIDs).
//! - [`codec`]: BER encoding and decoding of v1, v2c and v3 messages, PDUs, the error-status
//!   ([`codec::ErrorStatus`]) and Opaque's inner types.
//! - [`usm`]: the User-based Security Model (RFC 3414): keys, digests, privacy, reports. The only
//!   module that names a cryptographic crate.
//! - [`engine`]: [`engine::EngineId`] (the 5..=32 octet rule, once), our own authoritative
//!   [`engine::LocalEngine`] and its state text, and the time window.
//! - [`hex`]: hex text and bytes.
//! - `rasn_compat` (feature `rasn`): lossless conversions to and from rasn-snmp's types.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod codec;
pub mod engine;
pub mod hex;
mod oid;
mod opaque;
#[cfg(feature = "rasn")]
pub mod rasn_compat;
pub mod usm;
mod value;

pub use oid::{Oid, OidParseError, MAX_OID_LEN, SNMP_TRAP_OID_0, SYS_UPTIME_0};
pub use value::{Value, ValueParseError, VarBind};
