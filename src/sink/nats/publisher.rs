//! The publisher: a bounded queue and one task that publishes to JetStream with many
//! acknowledgements in flight, retrying until each message is stored.

use super::*;

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
pub(super) struct Fnv64(u64);

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
    pub(super) fn start(broker: Broker, options: PublisherOptions) -> Publisher {
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
