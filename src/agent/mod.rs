//! The lab agent simulator: replays recorded walks as an SNMP v1/v2c/v3 command responder.
//!
//! - [`recording`]: recordings (`snmpwalk -On` text and snmpsim's `.snmprec`).
//! - [`config`]: the lab subset of net-snmp's `snmpd.conf`.

pub mod config;
pub mod recording;
