//! Forwarding notifications to an HTTP endpoint, at least once (`listen --webhook URL`;
//! cargo feature `webhook`: reqwest with rustls).
//!
//! - Each request is a POST of a batch in NDJSON (`Content-Type: application/x-ndjson`): one
//!   `listen --json` object per line, each line ending with `\n`; at most
//!   [`ForwarderOptions::batch_max`] notifications and about [`ForwarderOptions::batch_bytes`].
//!   Batches form by themselves: while a request is out, what arrives waits and goes in the
//!   next one.
//! - A 2xx answer delivers the batch: it leaves the queue (or the spool) and the informs in it
//!   are acknowledged to their senders.
//! - A connection error, a timeout, a 5xx, 408 or 429 is retried with exponential backoff
//!   ([`ForwarderOptions::backoff_min`] doubling up to
//!   [`ForwarderOptions::backoff_max`]), the same batch, for as long as it takes. Meanwhile notifications wait, bounded (memory: a count and
//!   bytes; with a spool: `--spool-max` bytes on disk); what does not fit is dropped and
//!   counted, and informs that do not fit are left unacknowledged so that senders retry.
//!   The queue is [`super::forwarder`]'s, shared with the spooled NATS publisher.
//! - Any other answer (4xx, 3xx) rejects the batch: retrying cannot help, so it is dropped,
//!   counted as rejected with the status and the start of the answer, and the informs in it
//!   are left unacknowledged (their senders retransmit, and a retransmission is delivered
//!   again, so an endpoint that is fixed meanwhile still gets them).

use super::forwarder::{Delivery, Destination, Forwarder, ForwarderOptions};
use super::spool::{SpoolError, SpoolRecovery};
use super::{Forward, InformAck, Notification};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

pub use super::forwarder::{ForwardDrop as WebhookDrop, ForwardStats as WebhookStats};

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
    /// The queue: batches (notifications per request), bounds, backoff and the spool.
    pub queue: ForwarderOptions,
}

impl WebhookOptions {
    /// Defaults: 10 s timeout, batches of 500 notifications or 1 MiB, 100,000 notifications
    /// or 64 MiB waiting, retries from 100 ms doubling to 30 s, no spool.
    pub fn new(url: impl Into<String>) -> WebhookOptions {
        WebhookOptions {
            url: url.into(),
            headers: Vec::new(),
            timeout: Duration::from_secs(10),
            queue: ForwarderOptions::default(),
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

/// A webhook forwarder: a bounded queue (in memory, or a spool) and one task posting
/// batches. Use it as the pipeline's [`Forward`].
pub struct Webhook {
    inner: Forwarder,
}

/// The HTTP side of a [`Webhook`]: one POST per batch.
struct Endpoint {
    client: reqwest::Client,
    url: reqwest::Url,
}

impl Destination for Endpoint {
    fn deliver<'a>(
        &'a self,
        records: &'a [Vec<u8>],
    ) -> Pin<Box<dyn Future<Output = Delivery> + Send + 'a>> {
        let mut body = Vec::with_capacity(records.iter().map(|r| r.len() + 1).sum());
        for r in records {
            body.extend_from_slice(r);
            body.push(b'\n');
        }
        Box::pin(post(&self.client, &self.url, body))
    }
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
        let inner = Forwarder::start(opts.queue, Arc::new(Endpoint { client, url }))?;
        Ok(Webhook { inner })
    }

    /// What opening the spool found (when there is one).
    pub fn recovery(&self) -> Option<&SpoolRecovery> {
        self.inner.recovery()
    }

    /// Queues one notification's JSON. An inform's `ack` is sent once the endpoint has taken
    /// it; when it cannot be queued the ack is dropped (the inform stays unanswered).
    pub fn submit(&self, json: &[u8], ack: Option<InformAck>) -> Result<(), WebhookDrop> {
        self.inner.submit(json, ack)
    }

    /// Makes what was queued since the last call durable (fsync of the spool); nothing to do
    /// without a spool. The pipeline calls it once per batch.
    pub fn sync(&self) {
        self.inner.sync()
    }

    /// The counters (`delivered`: notifications the endpoint took; `batches`: requests
    /// answered 2xx; `retries`: requests retried; `rejected`: notifications in batches
    /// answered with another 4xx or a 3xx).
    pub fn stats(&self) -> WebhookStats {
        self.inner.stats()
    }

    /// Stops taking notifications, lets the task deliver what waits for up to `timeout`, and
    /// returns the counters (`waiting`: what was not delivered; with a spool it stays on disk
    /// for the next start).
    pub async fn close(self, timeout: Duration) -> WebhookStats {
        self.inner.close(timeout).await
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

async fn post(client: &reqwest::Client, url: &reqwest::Url, body: Vec<u8>) -> Delivery {
    match client.post(url.clone()).body(body).send().await {
        Ok(resp) => {
            let status = resp.status();
            if status.is_success() {
                return Delivery::Delivered;
            }
            let text = resp.text().await.unwrap_or_default();
            let text: String = text.chars().take(200).collect();
            let what = format!("HTTP {status}: {}", text.trim());
            if status.is_server_error()
                || status == reqwest::StatusCode::REQUEST_TIMEOUT
                || status == reqwest::StatusCode::TOO_MANY_REQUESTS
            {
                Delivery::Retry(what)
            } else {
                Delivery::Rejected(what)
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
            Delivery::Retry(what)
        }
    }
}
