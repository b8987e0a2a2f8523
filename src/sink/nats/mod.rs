//! NATS JetStream: notifications and poll records to a broker, and poll jobs shared by workers.
//!
//! [`Broker::connect`] opens one client connection (reconnecting on its own forever).
//! [`Broker::publisher`] starts a [`Publisher`]: a bounded queue and one task that publishes
//! to JetStream with many acknowledgements in flight. What it guarantees:
//!
//! - A message counts as published only once JetStream has acknowledged it (it is stored).
//! - An inform's held acknowledgement ([`InformAck`]) is sent to the SNMP sender only after
//!   that; while the broker is unreachable, informs are refused (the handle is dropped, the
//!   inform stays unanswered, the sender retransmits as SNMP intends).
//! - Everything else (traps, poll records) waits in the queue, bounded by count and by
//!   bytes, and is retried until JetStream stores it. What does not fit is dropped and
//!   counted by [`Overflow`] reason, never silently.
//! - Every message carries a `Nats-Msg-Id`; a retried message keeps its id, and a
//!   retransmitted inform gets the same id as its first copy ([`notification_msg_id`]), so
//!   JetStream's duplicate window stores each one once.
//!
//! ```no_run
//! # async fn demo() -> Result<(), snmpkit::sink::nats::NatsError> {
//! use snmpkit::sink::nats::{Broker, OutMessage, PublisherOptions};
//! let broker = Broker::connect("nats://127.0.0.1:4222").await?;
//! let publisher = broker.publisher("snmp.notifications", PublisherOptions::default()).await?;
//! publisher.submit(OutMessage::new("snmp.notifications", b"{}".to_vec(), "id-1".into()));
//! publisher.close(std::time::Duration::from_secs(5)).await;
//! # Ok(()) }
//! ```

use crate::notify::pipeline::forwarder::{Forwarder, ForwarderOptions};
use crate::notify::{InformAck, Notification, NotificationKind};
use async_nats::connection::State;
use async_nats::jetstream::{self, context::PublishErrorKind, message::PublishMessage};
use async_nats::Subject;
use bytes::Bytes;
use futures_util::stream::{FuturesUnordered, StreamExt};
use std::collections::VecDeque;
use std::fmt;
use std::future::IntoFuture;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// The subject `listen --nats` publishes to unless told otherwise.
pub const DEFAULT_NOTIFICATION_SUBJECT: &str = "snmp.notifications";

/// What can go wrong talking to the broker.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NatsError {
    /// The server could not be reached (or refused the connection).
    #[error("cannot connect to NATS server {url}: {reason}")]
    Connect {
        /// The URL asked for.
        url: String,
        /// The client's explanation.
        reason: String,
    },
    /// No JetStream stream's subjects cover the subject to publish to.
    #[error("no JetStream stream covers subject {0:?}: create one first (for example `nats stream add --subjects {0:?}`)")]
    NoStream(String),
    /// A subject that NATS would not accept.
    #[error("invalid NATS subject {0:?}")]
    InvalidSubject(String),
    /// A JetStream API request failed (JetStream disabled, permissions, timeouts, ...).
    #[error("JetStream: {0}")]
    JetStream(String),
    /// The spool of a [`Broker::forwarder`] could not be opened.
    #[error(transparent)]
    Spool(#[from] crate::notify::pipeline::spool::SpoolError),
}

/// Why a message was dropped instead of published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Overflow {
    /// The queue already held its maximum number of messages.
    QueueFull,
    /// The queue already held its maximum number of bytes.
    QueueBytes,
    /// The message is larger than the server's max_payload, so it can never be published.
    TooLarge,
}

impl Overflow {
    /// Every reason, in the order counters are reported.
    pub const ALL: [Overflow; 3] = [
        Overflow::QueueFull,
        Overflow::QueueBytes,
        Overflow::TooLarge,
    ];

    /// A short lowercase name for logs and summaries.
    pub fn as_str(self) -> &'static str {
        match self {
            Overflow::QueueFull => "queue full",
            Overflow::QueueBytes => "queue bytes full",
            Overflow::TooLarge => "larger than the server's max_payload",
        }
    }

    fn index(self) -> usize {
        match self {
            Overflow::QueueFull => 0,
            Overflow::QueueBytes => 1,
            Overflow::TooLarge => 2,
        }
    }
}

impl fmt::Display for Overflow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A connection to a NATS server with JetStream.
#[derive(Clone, Debug)]
pub struct Broker {
    client: async_nats::Client,
    url: String,
}

impl Broker {
    /// Connects to `url` (`nats://HOST:PORT`, `HOST:PORT`, or several separated by commas).
    /// Fails if the server cannot be reached now; once connected, the client reconnects on
    /// its own, forever, after any outage.
    pub async fn connect(url: &str) -> Result<Broker, NatsError> {
        let client = async_nats::ConnectOptions::new()
            .name("snmpkit")
            .connection_timeout(Duration::from_secs(5))
            .max_reconnects(None)
            // Come back quickly after an outage: the queue is waiting.
            .reconnect_delay_callback(|attempts| {
                Duration::from_millis(100 * attempts.min(10) as u64)
            })
            .client_capacity(16_384)
            .connect(url)
            .await
            .map_err(|e| NatsError::Connect {
                url: url.to_string(),
                reason: e.to_string(),
            })?;
        Ok(Broker {
            client,
            url: url.to_string(),
        })
    }

    /// The URL this broker was connected with.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// True while the client holds a live connection to the server.
    pub fn is_connected(&self) -> bool {
        self.client.connection_state() == State::Connected
    }

    fn jetstream(&self, max_in_flight: usize, timeout: Duration) -> jetstream::Context {
        jetstream::context::ContextBuilder::new()
            .timeout(timeout)
            // Above our own in-flight bound, so the library's semaphore never blocks us.
            .max_ack_inflight(max_in_flight + 64)
            .build(self.client.clone())
    }

    /// The name of the JetStream stream whose subjects cover `subject`, or
    /// [`NatsError::NoStream`].
    pub async fn stream_for(&self, subject: &str) -> Result<String, NatsError> {
        if !valid_subject(subject) {
            return Err(NatsError::InvalidSubject(subject.to_string()));
        }
        let js = self.jetstream(16, Duration::from_secs(5));
        match js.stream_by_subject(subject).await {
            Ok(name) => Ok(name),
            Err(e)
                if e.kind()
                    == async_nats::jetstream::context::GetStreamByNameErrorKind::NotFound =>
            {
                Err(NatsError::NoStream(subject.to_string()))
            }
            Err(e) => Err(NatsError::JetStream(e.to_string())),
        }
    }

    /// Starts a publisher. `check_subject` must be covered by a stream (checked now, so a
    /// missing stream is reported at start rather than as endless retries).
    pub async fn publisher(
        &self,
        check_subject: &str,
        options: PublisherOptions,
    ) -> Result<Publisher, NatsError> {
        self.stream_for(check_subject).await?;
        Ok(Publisher::start(self.clone(), options))
    }

    /// Starts a [`Forwarder`] whose destination is JetStream's `subject` (checked now, as
    /// for [`Broker::publisher`]): at-least-once through the forwarder's queue, which may be
    /// a spool on disk (`listen --nats --spool`). Records are [`spool_record`]s. A batch
    /// counts as delivered once JetStream has acknowledged every message in it; a batch sent
    /// again keeps its messages' `Nats-Msg-Id`s, so JetStream stores each message once.
    pub async fn forwarder(
        &self,
        subject: &str,
        options: ForwarderOptions,
    ) -> Result<Forwarder, NatsError> {
        self.stream_for(subject).await?;
        let js = self.jetstream(options.batch_max.max(1), Duration::from_secs(5));
        let destination = JetStreamDestination {
            client: self.client.clone(),
            js,
            subject: subject.to_string(),
        };
        Ok(Forwarder::start(options, Arc::new(destination))?)
    }

    /// The underlying async-nats client (for what this module does not cover).
    pub fn client(&self) -> &async_nats::Client {
        &self.client
    }
}

/// True if NATS accepts `s` as a subject to publish to: non-empty tokens separated by
/// dots, no spaces or wildcards.
pub fn valid_subject(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|t| {
            !t.is_empty() && t != "*" && t != ">" && !t.bytes().any(|b| b.is_ascii_whitespace())
        })
}

/// Makes `raw` usable as one subject token: dots, colons, wildcards, whitespace and
/// anything outside printable ASCII become `_` (so `10.0.0.1:1161` is `10_0_0_1_1161`).
pub fn subject_token(raw: &str) -> String {
    let t: String = raw
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' => c,
            _ => '_',
        })
        .collect();
    if t.is_empty() {
        "_".into()
    } else {
        t
    }
}

mod poll_sink;
mod publisher;
mod queue;
mod scheduler;
mod spooled;
#[cfg(test)]
mod tests;
mod worker;

pub use poll_sink::*;
pub use publisher::*;
pub use queue::*;
pub use scheduler::*;
pub use spooled::*;
pub use worker::*;
