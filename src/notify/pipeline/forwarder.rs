//! At-least-once forwarding to any destination: a bounded queue (in memory, or a [`Spool`]
//! on disk) and one task that hands batches to a [`Destination`] until it takes them.
//!
//! The webhook ([`super::webhook`]) and the spooled NATS publisher
//! (`snmpkit::sink::nats::Broker::forwarder`) are this queue with their own destination.
//!
//! - [`Forwarder::submit`] queues one record (the bytes the destination understands). Without
//!   a spool the queue is bounded by a count and by bytes; with one, by `--spool-max` bytes on
//!   disk. What does not fit is dropped and counted ([`ForwardDrop`]), and an inform that does
//!   not fit keeps its acknowledgement unsent so that its sender retransmits.
//! - The task takes up to [`ForwarderOptions::batch_max`] records (about
//!   [`ForwarderOptions::batch_bytes`]) and calls [`Destination::deliver`]. Batches form by
//!   themselves: while one is out, what arrives waits for the next.
//! - [`Delivery::Delivered`] removes the batch (from memory, or commits it in the spool) and
//!   acknowledges the informs in it. [`Delivery::Retry`] tries the same batch again after an
//!   exponential backoff ([`ForwarderOptions::backoff_min`] doubling up to
//!   [`ForwarderOptions::backoff_max`]), for as long as it takes. [`Delivery::Rejected`]
//!   drops the batch, counted, its informs unacknowledged (a retransmission is forwarded
//!   again, so a destination that is fixed meanwhile still gets it).
//! - With a spool, records that were handed to the destination but whose commit was not yet
//!   written when the process died are sent again at the next start: at least once, never at
//!   most once. Destinations that can drop repeats (JetStream's `Nats-Msg-Id`) do so.

use super::spool::{Spool, SpoolError, SpoolRecovery};
use super::InformAck;
use std::collections::VecDeque;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a destination made of one batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Taken: the batch leaves the queue and its informs are acknowledged.
    Delivered,
    /// Refused for good (retrying cannot help): the batch is dropped and counted.
    Rejected(String),
    /// Not taken now (connection error, timeout, overload): the same batch again later.
    Retry(String),
}

/// Where a [`Forwarder`] sends its batches.
pub trait Destination: Send + Sync + 'static {
    /// Delivers `records` (in order, as submitted) and says how it went.
    fn deliver<'a>(
        &'a self,
        records: &'a [Vec<u8>],
    ) -> Pin<Box<dyn Future<Output = Delivery> + Send + 'a>>;
}

/// Bounds and timing of a [`Forwarder`]. Start from [`ForwarderOptions::default`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ForwarderOptions {
    /// Records per batch at most.
    pub batch_max: usize,
    /// Bytes per batch, about (a batch stops growing once it has this many).
    pub batch_bytes: usize,
    /// Records waiting in memory at most (without a spool).
    pub queue_max: usize,
    /// Bytes waiting in memory at most (without a spool).
    pub queue_bytes: usize,
    /// The first retry's delay.
    pub backoff_min: Duration,
    /// The longest delay between retries.
    pub backoff_max: Duration,
    /// Keep what waits on disk in this directory, bounded to this many bytes.
    pub spool: Option<(PathBuf, u64)>,
}

impl Default for ForwarderOptions {
    /// Batches of 500 records or 1 MiB, 100,000 records or 64 MiB waiting, retries from
    /// 100 ms doubling to 30 s, no spool.
    fn default() -> Self {
        ForwarderOptions {
            batch_max: 500,
            batch_bytes: 1024 * 1024,
            queue_max: 100_000,
            queue_bytes: 64 * 1024 * 1024,
            backoff_min: Duration::from_millis(100),
            backoff_max: Duration::from_secs(30),
            spool: None,
        }
    }
}

/// Why a record was not queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ForwardDrop {
    /// The memory queue holds `queue_max` records.
    QueueFull,
    /// The memory queue holds `queue_bytes` bytes.
    QueueBytesFull,
    /// The spool holds `--spool-max` bytes.
    SpoolFull,
    /// The spool could not be written.
    SpoolError,
}

/// A forwarder's counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ForwardStats {
    /// Records the destination took.
    pub delivered: u64,
    /// Batches the destination took.
    pub batches: u64,
    /// Batches tried again (connection error, timeout, overload).
    pub retries: u64,
    /// Records in batches the destination refused for good.
    pub rejected: u64,
    /// Records written to the spool.
    pub spooled: u64,
    /// Records found in the spool at start (sent first).
    pub recovered: u64,
    /// Dropped: memory queue full (count).
    pub dropped_queue_full: u64,
    /// Dropped: memory queue full (bytes).
    pub dropped_queue_bytes: u64,
    /// Dropped: spool full.
    pub dropped_spool_full: u64,
    /// Dropped: spool write error.
    pub dropped_spool_error: u64,
    /// Records skipped in the spool because they could not be read back.
    pub spool_skipped: u64,
    /// Informs acknowledged after their delivery.
    pub informs_confirmed: u64,
    /// Records waiting (in memory or in the spool).
    pub waiting: u64,
    /// True while the destination is failing (since the last failed batch).
    pub failing: bool,
    /// The last failure, for logs.
    pub last_error: Option<String>,
}

impl ForwardStats {
    /// Every drop.
    pub fn dropped_total(&self) -> u64 {
        self.dropped_queue_full
            + self.dropped_queue_bytes
            + self.dropped_spool_full
            + self.dropped_spool_error
    }

    /// The drops with their reasons, the non-zero ones (`("spool full", 3)`).
    pub fn drops(&self) -> Vec<(&'static str, u64)> {
        [
            ("queue full", self.dropped_queue_full),
            ("queue bytes full", self.dropped_queue_bytes),
            ("spool full", self.dropped_spool_full),
            ("spool write error", self.dropped_spool_error),
        ]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect()
    }
}

#[derive(Default)]
struct Counters {
    delivered: AtomicU64,
    batches: AtomicU64,
    retries: AtomicU64,
    rejected: AtomicU64,
    spooled: AtomicU64,
    recovered: AtomicU64,
    dropped_queue_full: AtomicU64,
    dropped_queue_bytes: AtomicU64,
    dropped_spool_full: AtomicU64,
    dropped_spool_error: AtomicU64,
    spool_skipped: AtomicU64,
    informs_confirmed: AtomicU64,
    failing: AtomicBool,
}

struct State {
    mem: VecDeque<(u64, Vec<u8>)>,
    mem_bytes: usize,
    next_seq: u64,
    spool: Option<Spool>,
    acks: VecDeque<(u64, InformAck)>,
    last_error: Option<String>,
}

struct Shared {
    state: Mutex<State>,
    wake: tokio::sync::Notify,
    closing: AtomicBool,
    c: Counters,
    opts: ForwarderOptions,
}

/// A bounded queue (in memory, or a [`Spool`]) and one task delivering its batches to a
/// [`Destination`].
pub struct Forwarder {
    shared: Arc<Shared>,
    task: Option<tokio::task::JoinHandle<()>>,
    recovery: Option<SpoolRecovery>,
}

impl Forwarder {
    /// Opens the spool (what an earlier run left is sent first) and starts the delivering
    /// task. Must be called inside a tokio runtime.
    pub fn start(
        opts: ForwarderOptions,
        destination: Arc<dyn Destination>,
    ) -> Result<Forwarder, SpoolError> {
        let (spool, recovery) = match &opts.spool {
            Some((dir, max)) => {
                let (s, r) = Spool::open(dir, *max)?;
                (Some(s), Some(r))
            }
            None => (None, None),
        };
        let c = Counters::default();
        if let Some(r) = &recovery {
            c.recovered.store(r.pending, Ordering::Relaxed);
            for (path, off, why) in &r.corrupt {
                tracing::warn!(
                    "spool {}: bad record at byte {off} ({why}); the rest of that segment is skipped",
                    path.display()
                );
            }
        }
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                mem: VecDeque::new(),
                mem_bytes: 0,
                next_seq: 0,
                spool,
                acks: VecDeque::new(),
                last_error: None,
            }),
            wake: tokio::sync::Notify::new(),
            closing: AtomicBool::new(false),
            c,
            opts,
        });
        let task = tokio::spawn(deliver_loop(shared.clone(), destination));
        Ok(Forwarder {
            shared,
            task: Some(task),
            recovery,
        })
    }

    /// What opening the spool found (when there is one).
    pub fn recovery(&self) -> Option<&SpoolRecovery> {
        self.recovery.as_ref()
    }

    /// Queues one record. An inform's `ack` is sent once the destination has taken it; when
    /// the record cannot be queued the ack is dropped (the inform stays unanswered).
    pub fn submit(&self, record: &[u8], ack: Option<InformAck>) -> Result<(), ForwardDrop> {
        let s = &self.shared;
        let Ok(mut st) = s.state.lock() else {
            return Err(ForwardDrop::SpoolError);
        };
        let seq = if let Some(sp) = st.spool.as_mut() {
            match sp.append(record) {
                Ok(seq) => {
                    s.c.spooled.fetch_add(1, Ordering::Relaxed);
                    seq
                }
                Err(SpoolError::Full(_)) | Err(SpoolError::TooLarge(_)) => {
                    s.c.dropped_spool_full.fetch_add(1, Ordering::Relaxed);
                    return Err(ForwardDrop::SpoolFull);
                }
                Err(e) => {
                    s.c.dropped_spool_error.fetch_add(1, Ordering::Relaxed);
                    st.last_error = Some(e.to_string());
                    return Err(ForwardDrop::SpoolError);
                }
            }
        } else {
            if st.mem.len() >= s.opts.queue_max {
                s.c.dropped_queue_full.fetch_add(1, Ordering::Relaxed);
                return Err(ForwardDrop::QueueFull);
            }
            if st.mem_bytes + record.len() > s.opts.queue_bytes {
                s.c.dropped_queue_bytes.fetch_add(1, Ordering::Relaxed);
                return Err(ForwardDrop::QueueBytesFull);
            }
            let seq = st.next_seq;
            st.next_seq += 1;
            st.mem_bytes += record.len();
            st.mem.push_back((seq, record.to_vec()));
            seq
        };
        if let Some(a) = ack {
            st.acks.push_back((seq, a));
        }
        drop(st);
        s.wake.notify_one();
        Ok(())
    }

    /// Makes what was queued since the last call durable (fsync of the spool); nothing to do
    /// without a spool. The pipeline calls it once per batch.
    pub fn sync(&self) {
        if let Ok(mut st) = self.shared.state.lock() {
            if let Some(Err(e)) = st.spool.as_mut().map(|s| s.sync()) {
                tracing::warn!("{e}");
                st.last_error = Some(e.to_string());
            }
        }
    }

    /// The counters.
    pub fn stats(&self) -> ForwardStats {
        let s = &self.shared;
        let (waiting, last_error) = match s.state.lock() {
            Ok(st) => (
                match &st.spool {
                    Some(sp) => sp.pending(),
                    None => st.mem.len() as u64,
                },
                st.last_error.clone(),
            ),
            Err(_) => (0, None),
        };
        let l = |a: &AtomicU64| a.load(Ordering::Relaxed);
        ForwardStats {
            delivered: l(&s.c.delivered),
            batches: l(&s.c.batches),
            retries: l(&s.c.retries),
            rejected: l(&s.c.rejected),
            spooled: l(&s.c.spooled),
            recovered: l(&s.c.recovered),
            dropped_queue_full: l(&s.c.dropped_queue_full),
            dropped_queue_bytes: l(&s.c.dropped_queue_bytes),
            dropped_spool_full: l(&s.c.dropped_spool_full),
            dropped_spool_error: l(&s.c.dropped_spool_error),
            spool_skipped: l(&s.c.spool_skipped),
            informs_confirmed: l(&s.c.informs_confirmed),
            waiting,
            failing: s.c.failing.load(Ordering::Relaxed),
            last_error,
        }
    }

    /// Stops taking records, lets the task deliver what waits for up to `timeout`, and
    /// returns the counters (`waiting`: what was not delivered; with a spool it stays on disk
    /// for the next start).
    pub async fn close(mut self, timeout: Duration) -> ForwardStats {
        self.shared.closing.store(true, Ordering::Relaxed);
        self.shared.wake.notify_one();
        if let Some(t) = self.task.take() {
            let abort = t.abort_handle();
            if tokio::time::timeout(timeout, t).await.is_err() {
                abort.abort();
            }
        }
        self.sync();
        self.stats()
    }
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        if let Some(t) = &self.task {
            t.abort();
        }
    }
}

/// Takes the next batch: the last sequence number in it and its records.
fn next_batch(shared: &Shared) -> Option<(u64, Vec<Vec<u8>>)> {
    let mut st = shared.state.lock().ok()?;
    let (max, max_bytes) = (shared.opts.batch_max.max(1), shared.opts.batch_bytes);
    let mut batch = Vec::new();
    let mut bytes = 0;
    let mut last = 0;
    if let Some(sp) = st.spool.as_mut() {
        let (recs, skipped) = sp.read(max, max_bytes);
        if skipped > 0 {
            shared.c.spool_skipped.fetch_add(skipped, Ordering::Relaxed);
        }
        for r in recs {
            last = r.seq;
            batch.push(r.payload);
        }
    } else {
        for (seq, p) in st.mem.iter().take(max) {
            if !batch.is_empty() && bytes + p.len() > max_bytes {
                break;
            }
            bytes += p.len();
            last = *seq;
            batch.push(p.clone());
        }
    }
    (!batch.is_empty()).then_some((last, batch))
}

/// Removes a batch that was delivered (or rejected) and settles its informs.
fn settle(shared: &Shared, last: u64, n: usize, delivered: bool) {
    let Ok(mut st) = shared.state.lock() else {
        return;
    };
    if let Some(sp) = st.spool.as_mut() {
        if let Err(e) = sp.commit() {
            tracing::warn!("{e}");
        }
        sp.note_committed(n as u64);
    } else {
        for _ in 0..n {
            if let Some((_, p)) = st.mem.pop_front() {
                st.mem_bytes -= p.len();
            }
        }
    }
    while st.acks.front().is_some_and(|(seq, _)| *seq <= last) {
        if let Some((_, a)) = st.acks.pop_front() {
            if delivered {
                a.acknowledge();
                shared.c.informs_confirmed.fetch_add(1, Ordering::Relaxed);
            }
            // A rejected inform's ack is dropped: unanswered, its sender retransmits.
        }
    }
}

async fn deliver_loop(shared: Arc<Shared>, destination: Arc<dyn Destination>) {
    let mut backoff = shared.opts.backoff_min;
    loop {
        let notified = shared.wake.notified();
        let Some((last, batch)) = next_batch(&shared) else {
            if shared.closing.load(Ordering::Relaxed) {
                return;
            }
            notified.await;
            continue;
        };
        let n = batch.len();
        loop {
            match destination.deliver(&batch).await {
                Delivery::Delivered => {
                    settle(&shared, last, n, true);
                    shared.c.delivered.fetch_add(n as u64, Ordering::Relaxed);
                    shared.c.batches.fetch_add(1, Ordering::Relaxed);
                    shared.c.failing.store(false, Ordering::Relaxed);
                    backoff = shared.opts.backoff_min;
                    break;
                }
                Delivery::Rejected(why) => {
                    tracing::warn!("the destination rejected a batch of {n}: {why}");
                    settle(&shared, last, n, false);
                    shared.c.rejected.fetch_add(n as u64, Ordering::Relaxed);
                    if let Ok(mut st) = shared.state.lock() {
                        st.last_error = Some(why);
                    }
                    break;
                }
                Delivery::Retry(why) => {
                    shared.c.retries.fetch_add(1, Ordering::Relaxed);
                    shared.c.failing.store(true, Ordering::Relaxed);
                    if let Ok(mut st) = shared.state.lock() {
                        st.last_error = Some(why);
                    }
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(shared.opts.backoff_max);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A destination that answers from a script and records what it was given.
    struct Scripted {
        answers: Mutex<VecDeque<Delivery>>,
        seen: Mutex<Vec<Vec<Vec<u8>>>>,
    }

    impl Destination for Scripted {
        fn deliver<'a>(
            &'a self,
            records: &'a [Vec<u8>],
        ) -> Pin<Box<dyn Future<Output = Delivery> + Send + 'a>> {
            self.seen.lock().unwrap().push(records.to_vec());
            let a = self
                .answers
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or(Delivery::Delivered);
            Box::pin(async move { a })
        }
    }

    fn scripted(answers: Vec<Delivery>) -> Arc<Scripted> {
        Arc::new(Scripted {
            answers: Mutex::new(answers.into()),
            seen: Mutex::new(Vec::new()),
        })
    }

    fn fast() -> ForwarderOptions {
        ForwarderOptions {
            backoff_min: Duration::from_millis(1),
            backoff_max: Duration::from_millis(4),
            ..ForwarderOptions::default()
        }
    }

    #[tokio::test]
    async fn a_retried_batch_is_delivered_once_in_order() {
        let d = scripted(vec![
            Delivery::Retry("503".into()),
            Delivery::Retry("503".into()),
        ]);
        let f = Forwarder::start(fast(), d.clone()).unwrap();
        for i in 0..5u8 {
            f.submit(&[i], None).unwrap();
        }
        let s = f.close(Duration::from_secs(5)).await;
        assert_eq!(s.delivered, 5);
        assert_eq!(s.waiting, 0);
        assert!(s.retries >= 2, "{s:?}");
        let seen = d.seen.lock().unwrap();
        let delivered: Vec<u8> = seen.last().unwrap().iter().map(|r| r[0]).collect();
        // Whatever was retried was retried whole; the delivered batches cover 0..5 in order.
        let all: Vec<u8> = seen
            .iter()
            .skip(2)
            .flat_map(|b| b.iter().map(|r| r[0]))
            .collect();
        assert_eq!(all, vec![0, 1, 2, 3, 4], "{seen:?}");
        assert_eq!(*delivered.last().unwrap(), 4);
    }

    #[tokio::test]
    async fn a_rejected_batch_is_counted_and_the_queue_goes_on() {
        let d = scripted(vec![Delivery::Rejected("400".into())]);
        let f = Forwarder::start(fast(), d.clone()).unwrap();
        f.submit(b"a", None).unwrap();
        let f = {
            // Wait for the first batch to be rejected before the next record.
            for _ in 0..500 {
                if f.stats().rejected == 1 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            f
        };
        f.submit(b"b", None).unwrap();
        let s = f.close(Duration::from_secs(5)).await;
        assert_eq!((s.rejected, s.delivered, s.waiting), (1, 1, 0), "{s:?}");
        assert_eq!(s.last_error.as_deref(), Some("400"));
    }

    #[tokio::test]
    async fn a_full_memory_queue_drops_and_counts() {
        let d = scripted(vec![Delivery::Retry("down".into()); 1000]);
        let opts = ForwarderOptions {
            queue_max: 3,
            backoff_min: Duration::from_secs(60),
            ..ForwarderOptions::default()
        };
        let f = Forwarder::start(opts, d).unwrap();
        for i in 0..5u8 {
            let r = f.submit(&[i], None);
            assert_eq!(r.is_err(), i >= 3, "record {i}: {r:?}");
        }
        let s = f.stats();
        assert_eq!(s.dropped_queue_full, 2);
        assert_eq!(s.drops(), vec![("queue full", 2)]);
        assert_eq!(s.waiting, 3);
    }

    #[tokio::test]
    async fn spooled_records_outlive_the_forwarder() {
        let dir = tempfile::tempdir().unwrap();
        let opts = ForwarderOptions {
            spool: Some((dir.path().to_path_buf(), 1 << 20)),
            backoff_min: Duration::from_secs(60),
            ..ForwarderOptions::default()
        };
        let down = scripted(vec![Delivery::Retry("down".into()); 1000]);
        let f = Forwarder::start(opts.clone(), down).unwrap();
        for i in 0..3u8 {
            f.submit(&[b'x', i], None).unwrap();
        }
        f.sync();
        let s = f.close(Duration::from_millis(50)).await;
        assert_eq!((s.spooled, s.waiting), (3, 3), "{s:?}");
        let up = scripted(vec![]);
        let f = Forwarder::start(opts, up.clone()).unwrap();
        assert_eq!(f.recovery().unwrap().pending, 3);
        let s = f.close(Duration::from_secs(5)).await;
        assert_eq!((s.delivered, s.waiting), (3, 0), "{s:?}");
        let seen: Vec<Vec<u8>> = up.seen.lock().unwrap().concat();
        assert_eq!(seen, vec![vec![b'x', 0], vec![b'x', 1], vec![b'x', 2]]);
    }
}
