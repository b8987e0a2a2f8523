//! Forwarding notifications to an HTTP endpoint, at least once (`listen --webhook URL`;
//! cargo feature `webhook`: reqwest with rustls).
//!
//! - Each request is a POST of a batch in NDJSON (`Content-Type: application/x-ndjson`): one
//!   `listen --json` object per line, each line ending with `\n`; at most
//!   [`WebhookOptions::batch_max`] notifications and about [`WebhookOptions::batch_bytes`].
//!   Batches form by themselves: while a request is out, what arrives waits and goes in the
//!   next one.
//! - A 2xx answer delivers the batch: it leaves the queue (or the spool) and the informs in it
//!   are acknowledged to their senders.
//! - A connection error, a timeout, a 5xx, 408 or 429 is retried with exponential backoff
//!   ([`WebhookOptions::backoff_min`] doubling up to [`WebhookOptions::backoff_max`]), the same
//!   batch, for as long as it takes. Meanwhile notifications wait, bounded (memory: a count and
//!   bytes; with a spool: `--spool-max` bytes on disk); what does not fit is dropped and
//!   counted, and informs that do not fit are left unacknowledged so that senders retry.
//! - Any other answer (4xx, 3xx) rejects the batch: retrying cannot help, so it is dropped,
//!   counted as rejected with the status and the start of the answer, and the informs in it
//!   are left unacknowledged (their senders retransmit, and a retransmission is delivered
//!   again, so an endpoint that is fixed meanwhile still gets them).

use super::spool::{Spool, SpoolError, SpoolRecovery};
use super::{Forward, InformAck, Notification};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Options of a [`Webhook`]. Start from [`WebhookOptions::new`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct WebhookOptions {
    /// The endpoint (`http://` or `https://`).
    pub url: String,
    /// Extra request headers (`Authorization: Bearer ...`).
    pub headers: Vec<(String, String)>,
    /// Timeout of one request, connection included.
    pub timeout: Duration,
    /// Notifications per request at most.
    pub batch_max: usize,
    /// Bytes per request, about (a batch stops growing once it has this many).
    pub batch_bytes: usize,
    /// Notifications waiting in memory at most (without a spool).
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

impl WebhookOptions {
    /// Defaults: 10 s timeout, batches of 500 notifications or 1 MiB, 100,000 notifications
    /// or 64 MiB waiting, retries from 100 ms doubling to 30 s, no spool.
    pub fn new(url: impl Into<String>) -> WebhookOptions {
        WebhookOptions {
            url: url.into(),
            headers: Vec::new(),
            timeout: Duration::from_secs(10),
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

/// Why a webhook could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The URL or a header is not usable.
    #[error("{0}")]
    Config(String),
    /// The spool directory could not be opened.
    #[error(transparent)]
    Spool(#[from] SpoolError),
}

/// Why a notification was not queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookDrop {
    /// The memory queue holds `queue_max` notifications.
    QueueFull,
    /// The memory queue holds `queue_bytes` bytes.
    QueueBytesFull,
    /// The spool holds `--spool-max` bytes.
    SpoolFull,
    /// The spool could not be written.
    SpoolError,
}

/// A webhook's counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WebhookStats {
    /// Notifications the endpoint took (2xx).
    pub delivered: u64,
    /// Requests answered 2xx.
    pub batches: u64,
    /// Requests retried (connection error, timeout, 5xx, 408, 429).
    pub retries: u64,
    /// Notifications in batches the endpoint rejected (other 4xx, 3xx).
    pub rejected: u64,
    /// Notifications written to the spool.
    pub spooled: u64,
    /// Notifications found in the spool at start (sent first).
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
    /// Notifications waiting (in memory or in the spool).
    pub waiting: u64,
    /// True while the endpoint is failing (since the last failed request).
    pub failing: bool,
    /// The last failure, for logs.
    pub last_error: Option<String>,
}

impl WebhookStats {
    /// Every drop.
    pub fn dropped_total(&self) -> u64 {
        self.dropped_queue_full
            + self.dropped_queue_bytes
            + self.dropped_spool_full
            + self.dropped_spool_error
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
    opts: WebhookOptions,
}

/// A webhook forwarder: a bounded queue (in memory, or a [`Spool`]) and one task posting
/// batches. Use it as the pipeline's [`Forward`].
pub struct Webhook {
    shared: Arc<Shared>,
    task: Option<tokio::task::JoinHandle<()>>,
    recovery: Option<SpoolRecovery>,
}

impl Webhook {
    /// Checks the options, opens the spool (what an earlier run left is sent first) and
    /// starts the sending task. Must be called inside a tokio runtime.
    pub fn start(opts: WebhookOptions) -> Result<Webhook, WebhookError> {
        let url = reqwest::Url::parse(&opts.url)
            .map_err(|e| WebhookError::Config(format!("bad webhook URL {:?}: {e}", opts.url)))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(WebhookError::Config(format!(
                "bad webhook URL {:?}: only http:// and https:// are supported",
                opts.url
            )));
        }
        let mut headers = reqwest::header::HeaderMap::new();
        for (k, v) in &opts.headers {
            let name = reqwest::header::HeaderName::from_bytes(k.trim().as_bytes())
                .map_err(|_| WebhookError::Config(format!("bad header name {k:?}")))?;
            let value = reqwest::header::HeaderValue::from_str(v.trim())
                .map_err(|_| WebhookError::Config(format!("bad value for header {k:?}")))?;
            headers.append(name, value);
        }
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            reqwest::header::HeaderValue::from_static("application/x-ndjson"),
        );
        let client = reqwest::Client::builder()
            .timeout(opts.timeout)
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| WebhookError::Config(format!("cannot make the HTTP client: {e}")))?;
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
        let task = tokio::spawn(send_loop(shared.clone(), client, url));
        Ok(Webhook {
            shared,
            task: Some(task),
            recovery,
        })
    }

    /// What opening the spool found (when there is one).
    pub fn recovery(&self) -> Option<&SpoolRecovery> {
        self.recovery.as_ref()
    }

    /// Queues one notification's JSON. An inform's `ack` is sent once the endpoint has taken
    /// it; when it cannot be queued the ack is dropped (the inform stays unanswered).
    pub fn submit(&self, json: &[u8], ack: Option<InformAck>) -> Result<(), WebhookDrop> {
        let s = &self.shared;
        let Ok(mut st) = s.state.lock() else {
            return Err(WebhookDrop::SpoolError);
        };
        let seq = if let Some(sp) = st.spool.as_mut() {
            match sp.append(json) {
                Ok(seq) => {
                    s.c.spooled.fetch_add(1, Ordering::Relaxed);
                    seq
                }
                Err(SpoolError::Full(_)) | Err(SpoolError::TooLarge(_)) => {
                    s.c.dropped_spool_full.fetch_add(1, Ordering::Relaxed);
                    return Err(WebhookDrop::SpoolFull);
                }
                Err(e) => {
                    s.c.dropped_spool_error.fetch_add(1, Ordering::Relaxed);
                    st.last_error = Some(e.to_string());
                    return Err(WebhookDrop::SpoolError);
                }
            }
        } else {
            if st.mem.len() >= s.opts.queue_max {
                s.c.dropped_queue_full.fetch_add(1, Ordering::Relaxed);
                return Err(WebhookDrop::QueueFull);
            }
            if st.mem_bytes + json.len() > s.opts.queue_bytes {
                s.c.dropped_queue_bytes.fetch_add(1, Ordering::Relaxed);
                return Err(WebhookDrop::QueueBytesFull);
            }
            let seq = st.next_seq;
            st.next_seq += 1;
            st.mem_bytes += json.len();
            st.mem.push_back((seq, json.to_vec()));
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
    pub fn stats(&self) -> WebhookStats {
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
        WebhookStats {
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

    /// Stops taking notifications, lets the task deliver what waits for up to `timeout`, and
    /// returns the counters (`waiting`: what was not delivered; with a spool it stays on disk
    /// for the next start).
    pub async fn close(mut self, timeout: Duration) -> WebhookStats {
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

impl Drop for Webhook {
    fn drop(&mut self) {
        if let Some(t) = &self.task {
            t.abort();
        }
    }
}

impl Forward for Webhook {
    fn forward(&mut self, _n: &Notification, json: &str, ack: Option<InformAck>) {
        // Drops are counted in the stats and reported by the caller.
        let _ = self.submit(json.as_bytes(), ack);
    }

    fn end_batch(&mut self) {
        self.sync();
    }
}

/// What one request's answer means.
enum Outcome {
    Delivered,
    Rejected(String),
    Retry(String),
}

async fn post(client: &reqwest::Client, url: &reqwest::Url, body: Vec<u8>) -> Outcome {
    match client.post(url.clone()).body(body).send().await {
        Ok(resp) => {
            let status = resp.status();
            if status.is_success() {
                return Outcome::Delivered;
            }
            let text = resp.text().await.unwrap_or_default();
            let text: String = text.chars().take(200).collect();
            let what = format!("HTTP {status}: {}", text.trim());
            if status.is_server_error()
                || status == reqwest::StatusCode::REQUEST_TIMEOUT
                || status == reqwest::StatusCode::TOO_MANY_REQUESTS
            {
                Outcome::Retry(what)
            } else {
                Outcome::Rejected(what)
            }
        }
        Err(e) => {
            let mut what = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                what.push_str(": ");
                what.push_str(&s.to_string());
                src = s.source();
            }
            Outcome::Retry(what)
        }
    }
}

/// Takes the next batch: its sequence numbers and NDJSON body.
fn next_batch(shared: &Shared) -> Option<(u64, usize, Vec<u8>)> {
    let mut st = shared.state.lock().ok()?;
    let (max, max_bytes) = (shared.opts.batch_max.max(1), shared.opts.batch_bytes);
    let mut body = Vec::new();
    let mut last = 0;
    let mut n = 0;
    if let Some(sp) = st.spool.as_mut() {
        let (recs, skipped) = sp.read(max, max_bytes);
        if skipped > 0 {
            shared.c.spool_skipped.fetch_add(skipped, Ordering::Relaxed);
        }
        for r in recs {
            body.extend_from_slice(&r.payload);
            body.push(b'\n');
            last = r.seq;
            n += 1;
        }
    } else {
        for (seq, p) in st.mem.iter().take(max) {
            if n > 0 && body.len() + p.len() > max_bytes {
                break;
            }
            body.extend_from_slice(p);
            body.push(b'\n');
            last = *seq;
            n += 1;
        }
    }
    (n > 0).then_some((last, n, body))
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

async fn send_loop(shared: Arc<Shared>, client: reqwest::Client, url: reqwest::Url) {
    let mut backoff = shared.opts.backoff_min;
    loop {
        let notified = shared.wake.notified();
        let Some((last, n, body)) = next_batch(&shared) else {
            if shared.closing.load(Ordering::Relaxed) {
                return;
            }
            notified.await;
            continue;
        };
        loop {
            match post(&client, &url, body.clone()).await {
                Outcome::Delivered => {
                    settle(&shared, last, n, true);
                    shared.c.delivered.fetch_add(n as u64, Ordering::Relaxed);
                    shared.c.batches.fetch_add(1, Ordering::Relaxed);
                    shared.c.failing.store(false, Ordering::Relaxed);
                    backoff = shared.opts.backoff_min;
                    break;
                }
                Outcome::Rejected(why) => {
                    tracing::warn!("webhook rejected a batch of {n} notifications: {why}");
                    settle(&shared, last, n, false);
                    shared.c.rejected.fetch_add(n as u64, Ordering::Relaxed);
                    if let Ok(mut st) = shared.state.lock() {
                        st.last_error = Some(why);
                    }
                    break;
                }
                Outcome::Retry(why) => {
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
