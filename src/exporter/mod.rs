//! A drop-in for Prometheus snmp_exporter: its `snmp.yml` (both layouts), URL API and output,
//! with parallel walks, adaptive GetBulk and cached lookup columns.
//!
//! - [`config`]: `snmp.yml` in the layout from before 0.23 and in today's.
//! - [`scrape`]: the engine fetching a module's objects from one target.
//! - [`collect`]: varbinds to samples, as snmp_exporter 0.21 builds them.
//! - [`text`]: the text exposition format as Go's client library writes it.
//! - [`server`]: the HTTP endpoints (`/snmp`, `/metrics`, `/-/reload`, `/`).

pub mod collect;
pub mod config;
pub mod generate;
pub mod scrape;
pub mod server;
pub mod text;

pub use config::{Auth, Config, ConfigError, Layout, Module};
pub use server::{ConfigSource, Exporter, ExporterOptions};
