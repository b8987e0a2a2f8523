//! Where poll records and notifications go: JSON lines, InfluxDB line protocol, Prometheus,
//! NATS JetStream.
//!
//! A [`Sink`] takes each [`Record`](crate::poll::Record) as it completes and is told when a cycle ends. Sinks are
//! object-safe (`Box<dyn Sink>`), and [`Tee`] sends the same records to several.
//!
//! - [`json`]: one JSON object per record per line ([`json::record_json`] is the shape).
//! - [`rows`]: the same records gathered into table rows and scalar groups (`poll --rows`).
//! - [`influx`]: InfluxDB line protocol, a line per table row and per scalar group.
//! - [`prometheus`]: the exposition text of the last completed cycle, served on `/metrics`.

pub mod iflabels;
pub mod influx;
pub mod json;
#[cfg(feature = "nats")]
pub mod nats;
mod object;
pub mod prometheus;
pub mod rows;

pub use object::{describe, ObjectInfo};

// The trait lives with the poller that drives it (`poll::sink`), so the poller does not import
// its consumers; the sinks here implement it.
pub use crate::poll::sink::{CycleSummary, Sink, SinkError, SinkFuture, Tee};
