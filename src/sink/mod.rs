//! Where poll records and notifications go: JSON lines, InfluxDB line protocol, Prometheus,
//! NATS JetStream.
#[cfg(feature = "nats")]
pub mod nats;
