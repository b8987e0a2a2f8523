//! MIBs for snmpkit: the modules compiled in, loading more from disk, names and OIDs both ways,
//! and rendering values as net-snmp's tools print them.
//!
//! - [`mib`]: [`mib::Mib`] (a shared handle to a resolved model: built-in modules, `-m`/`-M`
//!   loading with net-snmp's search rules, a per-user cache of resolved models), lookups and
//!   [`mib::LookupCache`], `snmptranslate`'s outputs, table indexes ([`mib::decode_index`]).
//! - [`format`](mod@format): net-snmp's text for varbinds and values (`-O` options, display hints, enums,
//!   units), our JSON, and the way in: `OID TYPE VALUE` checked against the MIB
//!   ([`format::parse_value`]), as `snmpset` reads it.
//!
//! The protocol's data model comes from `snmpkit-proto`; this crate adds what a MIB knows.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod format;
pub mod mib;

use snmpkit_proto::codec::ErrorStatus;
use snmpkit_proto::{hex, Oid, Value, VarBind};
