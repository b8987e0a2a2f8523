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

/// Bounds and timing of a [`Publisher`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PublisherOptions {
    /// Messages that may wait (queued or in flight) at once.
    pub queue_capacity: usize,
    /// Payload bytes that may wait at once.
    pub queue_bytes: usize,
    /// Publishes awaiting JetStream's acknowledgement at once.
    pub max_in_flight: usize,
    /// How long to wait for JetStream's acknowledgement before retrying.
    pub ack_timeout: Duration,
}

impl Default for PublisherOptions {
    fn default() -> Self {
        PublisherOptions {
            queue_capacity: 100_000,
            queue_bytes: 64 * 1024 * 1024,
            max_in_flight: 4096,
            ack_timeout: Duration::from_secs(5),
        }
    }
}

/// One message for a [`Publisher`].
#[derive(Debug)]
pub struct OutMessage {
    subject: String,
    payload: Bytes,
    msg_id: String,
    ack: Option<InformAck>,
}

impl OutMessage {
    /// A message to `subject` with `payload` and the `Nats-Msg-Id` `msg_id`.
    pub fn new(subject: impl Into<String>, payload: Vec<u8>, msg_id: String) -> OutMessage {
        OutMessage {
            subject: subject.into(),
            payload: Bytes::from(payload),
            msg_id,
            ack: None,
        }
    }

    /// Sends `ack` (an inform's held acknowledgement) once JetStream has stored the
    /// message. Such a message is never queued while the broker is unreachable: it is
    /// refused and the inform stays unanswered.
    pub fn with_ack(mut self, ack: Option<InformAck>) -> OutMessage {
        self.ack = ack;
        self
    }

    /// A notification as JSON (`json`, the `listen --json` object) for `subject`, with its
    /// [`notification_msg_id`] and its held acknowledgement.
    pub fn notification(
        subject: &str,
        n: &Notification,
        json: String,
        ack: Option<InformAck>,
    ) -> OutMessage {
        OutMessage::new(subject, json.into_bytes(), notification_msg_id(n)).with_ack(ack)
    }
}

/// The `Nats-Msg-Id` of a notification. An inform's id is derived from its source address,
/// request-id, version, security and varbinds, so every retransmission (to this listener or
/// one restarted) has the id of the first copy and JetStream keeps one. A trap's id is unique
/// to this process and trap: traps are never retransmitted, and two identical traps are two
/// events.
pub fn notification_msg_id(n: &Notification) -> String {
    if n.kind == NotificationKind::Inform {
        let mut h = Fnv64::default();
        n.source.hash(&mut h);
        n.request_id.hash(&mut h);
        n.version.hash(&mut h);
        n.sender.hash(&mut h);
        n.varbinds.hash(&mut h);
        format!("snmp-inform-{:016x}", h.finish())
    } else {
        let seq = TRAP_SEQ.fetch_add(1, Ordering::Relaxed);
        format!("snmp-trap-{:016x}-{seq}", instance_id())
    }
}

static TRAP_SEQ: AtomicU64 = AtomicU64::new(0);

/// A number for this process, different across processes and restarts (time and pid).
fn instance_id() -> u64 {
    static ID: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *ID.get_or_init(|| {
        let mut h = Fnv64::default();
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos()
            .hash(&mut h);
        std::process::id().hash(&mut h);
        h.finish()
    })
}

/// FNV-1a, 64 bits: a hash whose output is the same in every process and build, unlike
/// std's `DefaultHasher`, which makes no such promise.
struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv64 {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A point-in-time copy of a publisher's counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PublisherStats {
    /// Messages handed to [`Publisher::submit`].
    pub submitted: u64,
    /// Messages JetStream acknowledged (stored, or recognised as duplicates).
    pub published: u64,
    /// Of those, how many JetStream recognised as duplicates by their `Nats-Msg-Id`.
    pub duplicates: u64,
    /// Publish attempts that failed (timeout, lost connection) and were retried.
    pub retries: u64,
    /// Inform acknowledgements sent after JetStream stored the inform.
    pub informs_confirmed: u64,
    /// Informs left unanswered because the broker was unreachable or the publish failed
    /// (their senders retransmit).
    pub informs_refused: u64,
    /// Messages waiting now (queued or in flight).
    pub waiting: u64,
    /// True while connected to the server.
    pub connected: bool,
    dropped: [u64; Overflow::ALL.len()],
}

impl PublisherStats {
    /// Messages dropped for `reason`.
    pub fn dropped(&self, reason: Overflow) -> u64 {
        self.dropped[reason.index()]
    }

    /// Messages dropped for any reason.
    pub fn dropped_total(&self) -> u64 {
        self.dropped.iter().sum()
    }

    /// The reasons with a non-zero count, with their counts.
    pub fn drops(&self) -> impl Iterator<Item = (Overflow, u64)> + '_ {
        Overflow::ALL
            .iter()
            .zip(self.dropped.iter())
            .filter(|(_, n)| **n > 0)
            .map(|(r, n)| (*r, *n))
    }
}

/// Publishes messages to JetStream from a bounded queue, retrying until they are stored (see
/// the module docs for the guarantees). Cheap to share behind an `Arc`; dropping it stops the
/// task, losing what still waits: call [`Publisher::close`] to flush first.
#[derive(Debug)]
pub struct Publisher {
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

#[derive(Debug)]
struct Shared {
    queue: Mutex<Queue>,
    wake: Notify,
    idle: Notify,
    client: async_nats::Client,
    options: PublisherOptions,
    max_payload: usize,
    submitted: AtomicU64,
    published: AtomicU64,
    duplicates: AtomicU64,
    retries: AtomicU64,
    informs_confirmed: AtomicU64,
    informs_refused: AtomicU64,
    dropped: [AtomicU64; Overflow::ALL.len()],
}

/// Waiting messages; `count` and `bytes` include the ones in flight.
#[derive(Debug, Default)]
struct Queue {
    items: VecDeque<Item>,
    count: usize,
    bytes: usize,
}

#[derive(Debug)]
struct Item {
    subject: Subject,
    payload: Bytes,
    msg_id: String,
    ack: Option<InformAck>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        // A panic while holding the lock cannot leave the queue inconsistent (every update
        // is a single push/pop with its counters), so a poisoned lock is still usable.
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn connected(&self) -> bool {
        self.client.connection_state() == State::Connected
    }

    fn count_drop(&self, reason: Overflow) {
        self.dropped[reason.index()].fetch_add(1, Ordering::Relaxed);
    }

    fn refuse(&self, ack: InformAck) {
        self.informs_refused.fetch_add(1, Ordering::Relaxed);
        drop(ack); // unanswered: the sender retransmits
    }

    /// One message left the queue for good (published or given up).
    fn release(&self, bytes: usize) {
        let mut q = self.lock();
        q.count = q.count.saturating_sub(1);
        q.bytes = q.bytes.saturating_sub(bytes);
        if q.count == 0 {
            self.idle.notify_waiters();
        }
    }
}

impl Publisher {
    fn start(broker: Broker, options: PublisherOptions) -> Publisher {
        let max_payload = broker.client.server_info().max_payload;
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            wake: Notify::new(),
            idle: Notify::new(),
            client: broker.client.clone(),
            max_payload: if max_payload == 0 {
                usize::MAX
            } else {
                max_payload
            },
            submitted: AtomicU64::new(0),
            published: AtomicU64::new(0),
            duplicates: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            informs_confirmed: AtomicU64::new(0),
            informs_refused: AtomicU64::new(0),
            dropped: Default::default(),
            options: options.clone(),
        });
        let js = broker.jetstream(options.max_in_flight.max(1), options.ack_timeout);
        let task = tokio::spawn(run(shared.clone(), js));
        Publisher { shared, task }
    }

    /// Queues a message without waiting. Returns the reason when it was dropped (counted
    /// too). An inform ([`OutMessage::with_ack`]) is refused, and its acknowledgement
    /// withheld, while the broker is unreachable or the queue is full.
    pub fn submit(&self, msg: OutMessage) -> Result<(), Overflow> {
        let s = &self.shared;
        s.submitted.fetch_add(1, Ordering::Relaxed);
        let len = msg.payload.len() + msg.subject.len() + msg.msg_id.len();
        let reason = if msg.payload.len() > s.max_payload {
            Some(Overflow::TooLarge)
        } else {
            None
        };
        let mut q = s.lock();
        let reason = reason.or(if q.count >= s.options.queue_capacity {
            Some(Overflow::QueueFull)
        } else if q.bytes + len > s.options.queue_bytes {
            Some(Overflow::QueueBytes)
        } else {
            None
        });
        if let Some(ack) = msg.ack {
            if reason.is_some() || !s.connected() {
                drop(q);
                s.refuse(ack);
                return Ok(());
            }
            q.items.push_back(Item {
                subject: Subject::from(msg.subject),
                payload: msg.payload,
                msg_id: msg.msg_id,
                ack: Some(ack),
            });
        } else {
            if let Some(r) = reason {
                drop(q);
                s.count_drop(r);
                return Err(r);
            }
            q.items.push_back(Item {
                subject: Subject::from(msg.subject),
                payload: msg.payload,
                msg_id: msg.msg_id,
                ack: None,
            });
        }
        q.count += 1;
        q.bytes += len;
        drop(q);
        s.wake.notify_one();
        Ok(())
    }

    /// The current counters.
    pub fn stats(&self) -> PublisherStats {
        let s = &self.shared;
        let mut dropped = [0u64; Overflow::ALL.len()];
        for (d, c) in dropped.iter_mut().zip(s.dropped.iter()) {
            *d = c.load(Ordering::Relaxed);
        }
        PublisherStats {
            submitted: s.submitted.load(Ordering::Relaxed),
            published: s.published.load(Ordering::Relaxed),
            duplicates: s.duplicates.load(Ordering::Relaxed),
            retries: s.retries.load(Ordering::Relaxed),
            informs_confirmed: s.informs_confirmed.load(Ordering::Relaxed),
            informs_refused: s.informs_refused.load(Ordering::Relaxed),
            waiting: s.lock().count as u64,
            connected: s.connected(),
            dropped,
        }
    }

    /// Waits until nothing is waiting any more, or `timeout` passes. Returns how many
    /// messages still wait (0 when everything was published).
    pub async fn flush(&self, timeout: Duration) -> u64 {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let idle = self.shared.idle.notified();
            tokio::pin!(idle);
            idle.as_mut().enable();
            let waiting = self.shared.lock().count as u64;
            if waiting == 0 {
                return 0;
            }
            if tokio::time::timeout_at(deadline, idle).await.is_err() {
                return self.shared.lock().count as u64;
            }
        }
    }

    /// Flushes for at most `timeout`, then stops the task. Returns the final counters;
    /// `waiting` is what could not be published in time (lost with the process).
    pub async fn close(self, timeout: Duration) -> PublisherStats {
        self.flush(timeout).await;
        self.task.abort();
        self.stats()
    }
}

impl Drop for Publisher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The outcome of one publish: the item back (to retry or acknowledge) and whether
/// JetStream stored it (`Some(duplicate)`).
type Done = (Item, Option<bool>);

/// The publishing task: takes items from the front of the queue while connected, keeps up
/// to `max_in_flight` acknowledgements outstanding, and puts failed ones back at the front.
async fn run(s: Arc<Shared>, js: jetstream::Context) {
    let mut inflight = FuturesUnordered::new();
    let max = s.options.max_in_flight.max(1);
    let mut backoff = false;
    loop {
        // Send what we may.
        while inflight.len() < max && !backoff {
            if !s.connected() {
                break;
            }
            let Some(item) = s.lock().items.pop_front() else {
                break;
            };
            let publish = PublishMessage::build()
                .payload(item.payload.clone())
                .message_id(&item.msg_id);
            match js.send_publish(item.subject.clone(), publish).await {
                Ok(fut) => inflight.push(async move {
                    let r = fut.await;
                    let stored = match r {
                        Ok(ack) => Some(ack.duplicate),
                        Err(_) => None,
                    };
                    (item, stored)
                }),
                Err(e) => {
                    let kind = e.kind();
                    finish(&s, (item, None));
                    if matches!(kind, PublishErrorKind::TimedOut | PublishErrorKind::Other) {
                        backoff = true;
                    }
                }
            }
        }
        if backoff {
            // Something failed: give the connection a moment before trying again, while
            // still collecting the acknowledgements in flight.
            let pause = tokio::time::sleep(Duration::from_millis(200));
            tokio::pin!(pause);
            loop {
                tokio::select! {
                    _ = &mut pause => break,
                    Some(done) = inflight.next(), if !inflight.is_empty() => {
                        finish(&s, done);
                    }
                }
            }
            backoff = false;
            continue;
        }
        let connected = s.connected();
        tokio::select! {
            Some(done) = inflight.next(), if !inflight.is_empty() => {
                if done.1.is_none() {
                    backoff = true;
                }
                finish(&s, done);
            }
            _ = s.wake.notified(), if connected => {}
            // While disconnected, look again soon (the client reconnects on its own).
            _ = tokio::time::sleep(Duration::from_millis(50)), if !connected => {}
        }
    }
}

/// Settles one publish: acknowledges or counts it, or puts it back for another try.
fn finish(s: &Shared, (item, stored): Done) {
    let len = item.payload.len() + item.subject.len() + item.msg_id.len();
    match stored {
        Some(duplicate) => {
            s.published.fetch_add(1, Ordering::Relaxed);
            if duplicate {
                s.duplicates.fetch_add(1, Ordering::Relaxed);
            }
            if let Some(ack) = item.ack {
                ack.acknowledge();
                s.informs_confirmed.fetch_add(1, Ordering::Relaxed);
            }
            s.release(len);
        }
        None => {
            s.retries.fetch_add(1, Ordering::Relaxed);
            match item.ack {
                // An inform is not retried here: its sender retransmits, and the
                // retransmission comes back through the receiver with the same id.
                Some(ack) => {
                    s.refuse(ack);
                    s.release(len);
                }
                None => {
                    s.lock().items.push_front(item);
                    s.wake.notify_one();
                }
            }
        }
    }
}

/// The work-queue stream of poll jobs unless `--nats-stream` says otherwise.
pub const DEFAULT_JOB_STREAM: &str = "SNMP_JOBS";
/// The subjects of the job stream: one subject per target under `snmp.jobs.`.
pub const JOB_SUBJECTS: &str = "snmp.jobs.>";
/// The durable consumer that all workers of a job stream share.
pub const WORKERS_CONSUMER: &str = "snmpkit-workers";

/// The subject a target's jobs go to: `snmp.jobs.<target>` ([`subject_token`]).
pub fn job_subject(target: &str) -> String {
    format!("snmp.jobs.{}", subject_token(target))
}

/// The subject a target's poll records go to: `snmp.poll.<target>` ([`subject_token`]).
pub fn poll_subject(target: &str) -> String {
    format!("snmp.poll.{}", subject_token(target))
}

/// One poll job: which target to poll for which cycle. It names the target only; the
/// credentials stay in each worker's own targets file and options.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Job {
    /// The target's label (`HOST:PORT`), as the targets file names it.
    pub target: String,
    /// The cycle: the number of whole intervals since the Unix epoch, so that schedulers
    /// that run side by side give the same cycle the same number (and the same message id).
    pub cycle: u64,
    /// When the cycle began, in milliseconds since the Unix epoch.
    pub due_ms: u64,
    /// The interval, in milliseconds.
    pub interval_ms: u64,
}

impl Job {
    /// How long ago the job was due (zero if it is not due yet).
    pub fn age(&self, now: SystemTime) -> Duration {
        let now_ms = now
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        Duration::from_millis(now_ms.saturating_sub(u128::from(self.due_ms)) as u64)
    }

    /// True when the job is older than one interval: its cycle is over, and polling now
    /// would only add to a backlog, so it is skipped.
    pub fn is_stale(&self, now: SystemTime) -> bool {
        self.age(now) > Duration::from_millis(self.interval_ms)
    }

    /// The `Nats-Msg-Id` of this job: the same for every scheduler that publishes it.
    pub fn msg_id(&self) -> String {
        format!("snmp-job-{}-{}", self.cycle, subject_token(&self.target))
    }
}

/// The cycle that `now` falls in for `interval`, and when it began (aligned to the epoch,
/// so every scheduler agrees).
pub fn cycle_at(now: SystemTime, interval: Duration) -> (u64, SystemTime) {
    let ms = interval.as_millis().max(1);
    let now_ms = now
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    let cycle = now_ms / ms;
    let start = UNIX_EPOCH + Duration::from_millis((cycle * ms) as u64);
    (cycle as u64, start)
}

/// How the job stream's retention and the workers' consumer are set up for `interval`.
fn job_stream_config(name: &str, interval: Duration) -> jetstream::stream::Config {
    // Jobs are worthless after their cycle: bound the backlog at a few intervals.
    let max_age = (interval * 3).max(Duration::from_secs(10));
    jetstream::stream::Config {
        name: name.to_string(),
        subjects: vec![JOB_SUBJECTS.to_string()],
        retention: jetstream::stream::RetentionPolicy::WorkQueue,
        storage: jetstream::stream::StorageType::File,
        max_age,
        duplicate_window: interval.min(max_age).max(Duration::from_millis(100)),
        num_replicas: 1,
        ..Default::default()
    }
}

/// The ack wait of the workers' consumer: how long a job may go without word from its
/// worker before JetStream gives it to another. A quarter of the interval (between 1 s and
/// 30 s), so that a dead worker's jobs are done again within the same cycle; workers extend
/// it while a poll runs.
pub fn ack_wait_for(interval: Duration) -> Duration {
    (interval / 4).clamp(Duration::from_secs(1), Duration::from_secs(30))
}

impl Broker {
    /// Publishes one message and waits until JetStream has stored it. Returns true if
    /// JetStream recognised it as a duplicate of an earlier one with the same `msg_id`.
    pub async fn publish_confirmed(
        &self,
        subject: String,
        payload: Vec<u8>,
        msg_id: &str,
    ) -> Result<bool, NatsError> {
        let js = self.jetstream(64, Duration::from_secs(5));
        let publish = PublishMessage::build()
            .payload(Bytes::from(payload))
            .message_id(msg_id);
        let ack = js
            .send_publish(subject, publish)
            .await
            .map_err(|e| NatsError::JetStream(e.to_string()))?
            .await
            .map_err(|e| NatsError::JetStream(e.to_string()))?;
        Ok(ack.duplicate)
    }

    /// The work-queue stream of poll jobs, created if missing (subjects [`JOB_SUBJECTS`],
    /// file storage, jobs kept at most three intervals).
    pub async fn job_queue(&self, stream: &str, interval: Duration) -> Result<JobQueue, NatsError> {
        let js = self.jetstream(4096, Duration::from_secs(5));
        js.get_or_create_stream(job_stream_config(stream, interval))
            .await
            .map_err(|e| NatsError::JetStream(format!("stream {stream}: {e}")))?;
        Ok(JobQueue {
            js,
            stream: stream.to_string(),
        })
    }
}

/// A work-queue stream of poll jobs: schedulers publish into it, workers pull from it.
#[derive(Clone, Debug)]
pub struct JobQueue {
    js: jetstream::Context,
    stream: String,
}

impl JobQueue {
    /// The stream's name.
    pub fn stream(&self) -> &str {
        &self.stream
    }

    /// Publishes one job per target for `cycle` (begun at `due`) and waits until JetStream
    /// has stored them all. Returns how many were stored (duplicates of jobs another
    /// scheduler already published count too).
    pub async fn schedule(
        &self,
        targets: &[String],
        cycle: u64,
        due: SystemTime,
        interval: Duration,
    ) -> Result<usize, NatsError> {
        let due_ms = due
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as u64;
        let mut acks = FuturesUnordered::new();
        let mut stored = 0;
        let mut first_error = None;
        for t in targets {
            let job = Job {
                target: t.clone(),
                cycle,
                due_ms,
                interval_ms: interval.as_millis() as u64,
            };
            let payload = serde_json::to_vec(&job).unwrap_or_default();
            let publish = PublishMessage::build()
                .payload(Bytes::from(payload))
                .message_id(job.msg_id());
            match self.js.send_publish(job_subject(t), publish).await {
                Ok(f) => acks.push(f.into_future()),
                Err(e) => {
                    first_error.get_or_insert(e.to_string());
                }
            }
            // Collect what has come back, so the acknowledgements in flight stay bounded.
            while acks.len() >= 1024 {
                match acks.next().await {
                    Some(Ok(_)) => stored += 1,
                    Some(Err(e)) => {
                        first_error.get_or_insert(e.to_string());
                    }
                    None => break,
                }
            }
        }
        while let Some(r) = acks.next().await {
            match r {
                Ok(_) => stored += 1,
                Err(e) => {
                    first_error.get_or_insert(e.to_string());
                }
            }
        }
        match first_error {
            Some(e) if stored < targets.len() => Err(NatsError::JetStream(format!(
                "{} of {} jobs for cycle {cycle} not stored: {e}",
                targets.len() - stored,
                targets.len()
            ))),
            _ => Ok(stored),
        }
    }

    /// The workers' shared durable consumer ([`WORKERS_CONSUMER`]), created if missing,
    /// with [`ack_wait_for`] `interval`.
    pub async fn consumer(&self, interval: Duration) -> Result<JobConsumer, NatsError> {
        let ack_wait = ack_wait_for(interval);
        let err = |e: String| NatsError::JetStream(format!("consumer on {}: {e}", self.stream));
        let stream = self
            .js
            .get_stream(&self.stream)
            .await
            .map_err(|e| err(e.to_string()))?;
        let consumer = stream
            .get_or_create_consumer(
                WORKERS_CONSUMER,
                jetstream::consumer::pull::Config {
                    durable_name: Some(WORKERS_CONSUMER.to_string()),
                    filter_subject: JOB_SUBJECTS.to_string(),
                    ack_policy: jetstream::consumer::AckPolicy::Explicit,
                    ack_wait,
                    max_deliver: -1,
                    max_ack_pending: 100_000,
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| err(e.to_string()))?;
        Ok(JobConsumer { consumer, ack_wait })
    }
}

/// A worker's handle on the shared consumer of a [`JobQueue`].
#[derive(Debug)]
pub struct JobConsumer {
    consumer: jetstream::consumer::PullConsumer,
    ack_wait: Duration,
}

/// One job handed to this worker. Call [`JobDelivery::ack`] once its record is stored; a
/// delivery dropped unacknowledged goes to another worker after the ack wait.
#[derive(Debug)]
pub struct JobDelivery {
    msg: jetstream::Message,
    job: Option<Job>,
}

impl JobDelivery {
    /// The job, or `None` when the message was not a job (it is then best terminated).
    pub fn job(&self) -> Option<&Job> {
        self.job.as_ref()
    }

    /// Done: JetStream removes the job from the work queue.
    pub async fn ack(&self) -> Result<(), NatsError> {
        self.msg
            .ack()
            .await
            .map_err(|e| NatsError::JetStream(e.to_string()))
    }

    /// Still working: restarts the ack wait.
    pub async fn in_progress(&self) -> Result<(), NatsError> {
        self.msg
            .ack_with(jetstream::AckKind::Progress)
            .await
            .map_err(|e| NatsError::JetStream(e.to_string()))
    }

    /// Not done, and not to be done by anyone (a stale or malformed job).
    pub async fn term(&self) -> Result<(), NatsError> {
        self.msg
            .ack_with(jetstream::AckKind::Term)
            .await
            .map_err(|e| NatsError::JetStream(e.to_string()))
    }

    /// Not done here: give it to a worker again at once.
    pub async fn nak(&self) -> Result<(), NatsError> {
        self.msg
            .ack_with(jetstream::AckKind::Nak(None))
            .await
            .map_err(|e| NatsError::JetStream(e.to_string()))
    }
}

impl JobConsumer {
    /// The consumer's ack wait.
    pub fn ack_wait(&self) -> Duration {
        self.ack_wait
    }

    /// Up to `max` jobs, waiting at most `wait` for the first ones. An empty batch means
    /// none were ready.
    pub async fn next_batch(
        &self,
        max: usize,
        wait: Duration,
    ) -> Result<Vec<JobDelivery>, NatsError> {
        let mut batch = self
            .consumer
            .batch()
            .max_messages(max.max(1))
            .expires(wait.max(Duration::from_millis(100)))
            .messages()
            .await
            .map_err(|e| NatsError::JetStream(e.to_string()))?;
        let mut out = Vec::new();
        while let Some(m) = batch.next().await {
            let msg = m.map_err(|e| NatsError::JetStream(e.to_string()))?;
            let job = serde_json::from_slice(&msg.payload).ok();
            out.push(JobDelivery { msg, job });
        }
        Ok(out)
    }
}

/// What a scheduler did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchedulerSummary {
    /// Cycles whose jobs were all stored.
    pub cycles: u64,
    /// Jobs stored.
    pub jobs: u64,
    /// Cycles that could not be (fully) scheduled, with the last reason.
    pub failed_cycles: u64,
    /// Why the last failed cycle failed.
    pub last_error: Option<String>,
}

/// Publishes one job per target into `queue` at the start of every interval (cycles aligned
/// to the epoch, see [`cycle_at`]) until `count` cycles are done or `stop` turns true. A
/// cycle that cannot be stored (broker unreachable) is counted, reported through `on_error`
/// and not retried: its jobs would be stale by the time they ran.
pub async fn run_scheduler(
    queue: &JobQueue,
    targets: &[String],
    interval: Duration,
    count: Option<u64>,
    mut stop: tokio::sync::watch::Receiver<bool>,
    mut on_error: impl FnMut(&NatsError),
) -> SchedulerSummary {
    let mut summary = SchedulerSummary::default();
    let mut done = 0u64;
    loop {
        if *stop.borrow() || count.is_some_and(|c| done >= c) {
            break;
        }
        let now = SystemTime::now();
        let (cycle, start) = cycle_at(now, interval);
        // The first cycle may start part-way through its interval: its jobs are due now.
        match queue.schedule(targets, cycle, now, interval).await {
            Ok(n) => {
                summary.cycles += 1;
                summary.jobs += n as u64;
            }
            Err(e) => {
                summary.failed_cycles += 1;
                on_error(&e);
                summary.last_error = Some(e.to_string());
            }
        }
        done += 1;
        if count.is_some_and(|c| done >= c) {
            break;
        }
        let next = start + interval;
        let wait = next.duration_since(SystemTime::now()).unwrap_or_default();
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stop.wait_for(|s| *s) => break,
        }
    }
    summary
}

/// What a worker's handler made of a job.
#[derive(Debug)]
pub enum JobResult {
    /// Publish this payload to this subject with this `Nats-Msg-Id`, then ack the job.
    Publish {
        /// The subject (usually [`poll_subject`]).
        subject: String,
        /// The record.
        payload: Vec<u8>,
        /// Its id: the same for a redelivered job, so JetStream stores the record once.
        msg_id: String,
    },
    /// This worker does not know the target (it is not in its targets): the job is
    /// terminated and counted, not passed around forever.
    UnknownTarget,
}

/// What a worker did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkerSummary {
    /// Jobs done: record stored, job acknowledged.
    pub done: u64,
    /// Jobs older than one interval when they arrived, skipped.
    pub stale: u64,
    /// Jobs for targets this worker does not know.
    pub unknown_target: u64,
    /// Messages in the job stream that were not jobs.
    pub malformed: u64,
    /// Records that could not be stored; their jobs were handed back for another try.
    pub publish_failures: u64,
}

#[derive(Default)]
struct WorkerCounters {
    done: AtomicU64,
    stale: AtomicU64,
    unknown_target: AtomicU64,
    malformed: AtomicU64,
    publish_failures: AtomicU64,
}

impl WorkerCounters {
    fn snapshot(&self) -> WorkerSummary {
        WorkerSummary {
            done: self.done.load(Ordering::Relaxed),
            stale: self.stale.load(Ordering::Relaxed),
            unknown_target: self.unknown_target.load(Ordering::Relaxed),
            malformed: self.malformed.load(Ordering::Relaxed),
            publish_failures: self.publish_failures.load(Ordering::Relaxed),
        }
    }
}

/// Pulls jobs from the shared consumer and runs `handler` on up to `concurrency` at once:
/// a stale job (older than one interval) is skipped, otherwise the handler's record is
/// published, and only once JetStream has stored it is the job acknowledged. While the
/// handler runs, the job's ack wait is extended, so only a worker that died (or lost the
/// broker) has its jobs given to another. Runs until `stop` turns true, then lets the jobs
/// in hand finish (for at most one ack wait).
pub async fn run_worker<F, Fut>(
    broker: &Broker,
    consumer: &JobConsumer,
    concurrency: usize,
    mut stop: tokio::sync::watch::Receiver<bool>,
    handler: F,
) -> WorkerSummary
where
    F: Fn(Job) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = JobResult> + Send + 'static,
{
    let slots = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let counters = Arc::new(WorkerCounters::default());
    let handler = Arc::new(handler);
    let heartbeat = consumer.ack_wait() / 2;
    let mut tasks = tokio::task::JoinSet::new();
    while !*stop.borrow() {
        // Pull only as many jobs as there are free slots, so none waits here while its ack
        // wait runs out.
        let first = tokio::select! {
            p = slots.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            _ = stop.wait_for(|s| *s) => break,
        };
        let free = slots.available_permits() + 1;
        let batch = tokio::select! {
            b = consumer.next_batch(free, Duration::from_secs(1)) => b,
            _ = stop.wait_for(|s| *s) => break,
        };
        while tasks.try_join_next().is_some() {}
        let batch = match batch {
            Ok(b) => b,
            Err(_) => {
                // The broker is away; the client reconnects on its own.
                drop(first);
                tokio::time::sleep(Duration::from_millis(250)).await;
                continue;
            }
        };
        let mut first = Some(first);
        for d in batch {
            let permit = match first.take() {
                Some(p) => p,
                None => match slots.clone().acquire_owned().await {
                    Ok(p) => p,
                    Err(_) => break,
                },
            };
            let Some(job) = d.job().cloned() else {
                counters.malformed.fetch_add(1, Ordering::Relaxed);
                let _ = d.term().await;
                continue;
            };
            if job.is_stale(SystemTime::now()) {
                counters.stale.fetch_add(1, Ordering::Relaxed);
                let _ = d.term().await;
                continue;
            }
            let (handler, counters, broker) = (handler.clone(), counters.clone(), broker.clone());
            tasks.spawn(async move {
                let _permit = permit;
                let work = handler(job);
                tokio::pin!(work);
                let result = loop {
                    tokio::select! {
                        r = &mut work => break r,
                        _ = tokio::time::sleep(heartbeat) => {
                            let _ = d.in_progress().await;
                        }
                    }
                };
                match result {
                    JobResult::UnknownTarget => {
                        counters.unknown_target.fetch_add(1, Ordering::Relaxed);
                        let _ = d.term().await;
                    }
                    JobResult::Publish {
                        subject,
                        payload,
                        msg_id,
                    } => match broker.publish_confirmed(subject, payload, &msg_id).await {
                        Ok(_) => {
                            counters.done.fetch_add(1, Ordering::Relaxed);
                            let _ = d.ack().await;
                        }
                        Err(_) => {
                            counters.publish_failures.fetch_add(1, Ordering::Relaxed);
                            let _ = d.nak().await;
                        }
                    },
                }
            });
        }
    }
    // Let the jobs in hand finish; what does not is redelivered to another worker.
    let _ = tokio::time::timeout(consumer.ack_wait(), async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    counters.snapshot()
}

/// A [`crate::sink::Sink`] that publishes each poll record (its `--json` object,
/// [`crate::sink::json::record_json`]) to [`poll_subject`] through a [`Publisher`], so records
/// wait in its bounded queue while the broker is away.
pub struct PollSink {
    publisher: Arc<Publisher>,
    renderer: crate::sink::json::JsonRenderer,
    mib: Arc<crate::mib::Mib>,
}

impl PollSink {
    /// Records rendered with `mib` and `opts`, published by `publisher`.
    pub fn new(
        publisher: Arc<Publisher>,
        mib: Arc<crate::mib::Mib>,
        opts: crate::format::OutputOptions,
    ) -> PollSink {
        PollSink {
            publisher,
            renderer: crate::sink::json::JsonRenderer::new(opts),
            mib,
        }
    }
}

impl crate::sink::Sink for PollSink {
    fn record<'a>(&'a mut self, rec: &'a crate::poll::Record) -> crate::sink::SinkFuture<'a> {
        let json = self.renderer.record(rec, &self.mib);
        let ms = rec
            .time
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        let id = format!("snmp-poll-{}-{ms}", subject_token(&rec.target));
        // A drop is counted by the publisher and reported at exit.
        let _ = self.publisher.submit(OutMessage::new(
            poll_subject(&rec.target),
            json.into_bytes(),
            id,
        ));
        Box::pin(async { Ok(()) })
    }
}

/// The future a [`poll_handler`] returns.
pub type JobFuture = std::pin::Pin<Box<dyn std::future::Future<Output = JobResult> + Send>>;

/// The worker's handler for [`run_worker`]: polls the job's target (found by its label among
/// `targets`, with this worker's own credentials) for the job's cycle, and gives back its
/// record for [`poll_subject`] with the id `snmp-poll-<target>-c<cycle>`, so a redelivered job
/// stores its record once. Rates are not computed: a worker does not see every cycle of a
/// target.
pub fn poll_handler(
    poller: crate::poll::Poller,
    targets: Vec<crate::poll::PollTarget>,
    mib: Arc<crate::mib::Mib>,
    opts: crate::format::OutputOptions,
) -> impl Fn(Job) -> JobFuture + Send + Sync + 'static {
    let targets: Arc<std::collections::HashMap<String, crate::poll::PollTarget>> =
        Arc::new(targets.into_iter().map(|t| (t.label.clone(), t)).collect());
    let opts = Arc::new(opts);
    move |job: Job| {
        let (poller, targets, mib, opts) =
            (poller.clone(), targets.clone(), mib.clone(), opts.clone());
        Box::pin(async move {
            let Some(t) = targets.get(&job.target) else {
                return JobResult::UnknownTarget;
            };
            let rec = poller.poll(t, job.cycle).await;
            let json = crate::sink::json::record_json(&rec, &mib, &opts);
            JobResult::Publish {
                subject: poll_subject(&job.target),
                payload: json.into_bytes(),
                msg_id: format!("snmp-poll-{}-c{}", subject_token(&job.target), job.cycle),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_tokens_are_valid() {
        assert_eq!(subject_token("10.0.0.1:1161"), "10_0_0_1_1161");
        assert_eq!(subject_token("udp6:[::1]:161"), "udp6____1__161");
        assert_eq!(subject_token("core-rtr_1"), "core-rtr_1");
        assert_eq!(subject_token(""), "_");
        assert_eq!(subject_token("a b*>"), "a_b__");
        for raw in ["10.0.0.1:1161", "udp6:[::1]:161", "", "é.*>"] {
            let s = format!("snmp.poll.{}", subject_token(raw));
            assert!(valid_subject(&s), "{s}");
        }
        for bad in ["", "a..b", "a.*", "a.>", "a b", ".a", "a."] {
            assert!(!valid_subject(bad), "{bad:?}");
        }
    }

    fn notification(kind: NotificationKind, request_id: i32) -> Notification {
        use crate::{Value, VarBind};
        Notification {
            received_at: SystemTime::now(),
            source: "127.0.0.1:40000".parse().unwrap(),
            local: "127.0.0.1:162".parse().unwrap(),
            version: crate::codec::Version::V2c,
            kind,
            sender: crate::notify::Sender::Community(b"public".to_vec()),
            request_id,
            trap_oid: None,
            uptime: Some(5),
            v1: None,
            varbinds: vec![VarBind::new(
                "1.3.6.1.2.1.1.3.0".parse().unwrap(),
                Value::TimeTicks(5),
            )],
        }
    }

    #[test]
    fn inform_ids_are_stable_and_trap_ids_unique() {
        let a = notification(NotificationKind::Inform, 7);
        let mut again = a.clone();
        again.received_at += Duration::from_secs(3); // a retransmission, read later
        assert_eq!(notification_msg_id(&a), notification_msg_id(&again));
        assert!(notification_msg_id(&a).starts_with("snmp-inform-"));
        assert_ne!(
            notification_msg_id(&a),
            notification_msg_id(&notification(NotificationKind::Inform, 8))
        );
        let t = notification(NotificationKind::TrapV2, 7);
        assert_ne!(notification_msg_id(&t), notification_msg_id(&t));
    }

    #[test]
    fn cycles_are_aligned_and_jobs_go_stale_after_one_interval() {
        let interval = Duration::from_secs(10);
        let t = UNIX_EPOCH + Duration::from_millis(1_000_000_123_456);
        let (cycle, start) = cycle_at(t, interval);
        assert_eq!(cycle, 100_000_012);
        assert_eq!(start, UNIX_EPOCH + Duration::from_secs(1_000_000_120));
        let job = Job {
            target: "10.0.0.1:161".into(),
            cycle,
            due_ms: 1_000_000_120_000,
            interval_ms: 10_000,
        };
        assert_eq!(job.age(t), Duration::from_millis(3_456));
        assert!(!job.is_stale(t));
        assert!(!job.is_stale(start + interval));
        assert!(job.is_stale(start + interval + Duration::from_millis(1)));
        assert!(
            !job.is_stale(UNIX_EPOCH),
            "a job from the future is not stale"
        );
        assert_eq!(job.msg_id(), "snmp-job-100000012-10_0_0_1_161");
        let back: Job = serde_json::from_slice(&serde_json::to_vec(&job).unwrap()).unwrap();
        assert_eq!(back, job);
        assert_eq!(job_subject(&job.target), "snmp.jobs.10_0_0_1_161");
        assert_eq!(poll_subject("[::1]:1161"), "snmp.poll.___1__1161");
        assert_eq!(
            ack_wait_for(Duration::from_secs(60)),
            Duration::from_secs(15)
        );
        assert_eq!(ack_wait_for(Duration::from_secs(1)), Duration::from_secs(1));
        assert_eq!(
            ack_wait_for(Duration::from_secs(3600)),
            Duration::from_secs(30)
        );
    }

    #[test]
    fn fnv_known_answers() {
        // FNV-1a 64 reference values.
        let h = |b: &[u8]| {
            let mut f = Fnv64::default();
            f.write(b);
            f.finish()
        };
        assert_eq!(h(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(h(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(h(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
