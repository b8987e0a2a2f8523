//! `listen --webhook` glue: start the library's webhook forwarder from the options, warn about
//! outages and drops on stderr, and summarise at exit (the warnings and the summary serve the
//! spooled `--nats` forwarder too). The delivery logic is in
//! `snmpkit::notify::pipeline::webhook`; without the `webhook` feature the option is refused.

use super::listen::ListenArgs;
use snmpkit::notify::pipeline::Forward;
use snmpkit::notify::{InformAck, Notification};
#[cfg(feature = "webhook")]
use std::time::Duration;

/// How long the forwarder may keep trying to deliver at exit.
#[cfg(feature = "webhook")]
const FLUSH_AT_EXIT: Duration = Duration::from_secs(5);
/// The default bound of `--spool` (1 GiB).
pub const DEFAULT_SPOOL_MAX: u64 = 1 << 30;

/// The `--webhook` forwarder of `listen`, or nothing.
pub struct ListenWebhook {
    #[cfg(feature = "webhook")]
    inner: Option<(
        std::sync::Arc<std::sync::Mutex<snmpkit::notify::pipeline::webhook::Webhook>>,
        tokio::task::JoinHandle<()>,
        bool,
    )>,
}

impl ListenWebhook {
    /// Starts the forwarder when `--webhook` is given.
    pub fn start(prog: &'static str, args: &ListenArgs) -> Result<ListenWebhook, String> {
        let Some(url) = &args.webhook else {
            if !args.webhook_headers.is_empty() || args.webhook_timeout.is_some() {
                return Err("--webhook-header and --webhook-timeout need --webhook URL".into());
            }
            #[cfg(feature = "webhook")]
            return Ok(ListenWebhook { inner: None });
            #[cfg(not(feature = "webhook"))]
            return Ok(ListenWebhook {});
        };
        #[cfg(feature = "webhook")]
        {
            use snmpkit::notify::pipeline::webhook::{Webhook, WebhookOptions};
            let mut o = WebhookOptions::new(url.clone());
            for h in &args.webhook_headers {
                let Some((k, v)) = h.split_once(':') else {
                    return Err(format!("bad --webhook-header {h:?}: expected NAME: VALUE"));
                };
                o.headers.push((k.trim().to_string(), v.trim().to_string()));
            }
            if let Some(t) = args.webhook_timeout {
                if !(t.is_finite() && t > 0.0) {
                    return Err(format!("bad --webhook-timeout {t}"));
                }
                o.timeout = Duration::from_secs_f64(t);
            }
            if let Some(dir) = &args.spool {
                o.queue.spool = Some((dir.clone(), args.spool_max.unwrap_or(DEFAULT_SPOOL_MAX)));
            }
            let w = Webhook::start(o).map_err(|e| e.to_string())?;
            let spooled = args.spool.is_some();
            if let (Some(r), Some(dir)) = (w.recovery(), &args.spool) {
                print_recovery(prog, r, dir);
            }
            eprintln!("{prog}: forwarding to webhook {url} (NDJSON batches)");
            let w = std::sync::Arc::new(std::sync::Mutex::new(w));
            let watcher = tokio::spawn(watch(prog, w.clone()));
            Ok(ListenWebhook {
                inner: Some((w, watcher, spooled)),
            })
        }
        #[cfg(not(feature = "webhook"))]
        {
            let _ = (prog, url);
            Err("this snmpkit was built without webhook support (cargo feature \"webhook\")".into())
        }
    }

    /// True when notifications go to a webhook.
    pub fn active(&self) -> bool {
        #[cfg(feature = "webhook")]
        {
            self.inner.is_some()
        }
        #[cfg(not(feature = "webhook"))]
        {
            false
        }
    }

    /// Delivers what waits (for a few seconds at most) and returns the exit summary's part.
    pub async fn finish(self) -> Option<String> {
        #[cfg(feature = "webhook")]
        {
            let (w, watcher, spooled) = self.inner?;
            watcher.abort();
            let _ = watcher.await;
            let w = std::sync::Arc::try_unwrap(w).ok()?.into_inner().ok()?;
            let s = w.close(FLUSH_AT_EXIT).await;
            Some(forward_summary("webhook", "delivered", &s, spooled))
        }
        #[cfg(not(feature = "webhook"))]
        {
            None
        }
    }
}

impl Forward for ListenWebhook {
    fn forward(&mut self, n: &Notification, json: &str, ack: Option<InformAck>) {
        #[cfg(feature = "webhook")]
        if let Some((w, _, _)) = &self.inner {
            if let Ok(mut w) = w.lock() {
                w.forward(n, json, ack);
                return;
            }
        }
        let _ = (n, json);
        if let Some(a) = ack {
            a.acknowledge();
        }
    }

    fn end_batch(&mut self) {
        #[cfg(feature = "webhook")]
        if let Some((w, _, _)) = &self.inner {
            if let Ok(mut w) = w.lock() {
                w.end_batch();
            }
        }
    }
}

/// What opening a spool found, on stderr: corrupt tails skipped, records sent first.
#[cfg(any(feature = "webhook", feature = "nats"))]
fn print_recovery(
    prog: &str,
    r: &snmpkit::notify::pipeline::spool::SpoolRecovery,
    dir: &std::path::Path,
) {
    for (path, off, why) in &r.corrupt {
        eprintln!(
            "{prog}: warning: spool {}: bad record at byte {off} ({why}); the rest of that \
             segment ({} bytes in all) is skipped",
            path.display(),
            r.skipped_bytes
        );
    }
    if r.pending > 0 {
        eprintln!(
            "{prog}: spool {}: {} notifications from an earlier run are sent first",
            dir.display(),
            r.pending
        );
    }
}

/// [`print_recovery`] for a forwarder that has a spool.
#[cfg(feature = "nats")]
pub fn report_recovery(
    prog: &str,
    f: &snmpkit::notify::pipeline::forwarder::Forwarder,
    dir: &std::path::Path,
) {
    if let Some(r) = f.recovery() {
        print_recovery(prog, r, dir);
    }
}

/// A forwarder's counters in one phrase for the exit line (`webhook: 3 delivered in 1
/// requests, ...`).
#[cfg(any(feature = "webhook", feature = "nats"))]
pub fn forward_summary(
    what: &str,
    verb: &str,
    s: &snmpkit::notify::pipeline::forwarder::ForwardStats,
    spooled: bool,
) -> String {
    let mut line = format!(
        "{what}: {} {verb} in {} {}, {} retries, {} rejected, {} spooled, {} dropped",
        s.delivered,
        s.batches,
        if what == "webhook" {
            "requests"
        } else {
            "batches"
        },
        s.retries,
        s.rejected,
        s.spooled,
        s.dropped_total()
    );
    let reasons: Vec<String> = s.drops().iter().map(|(r, n)| format!("{r}: {n}")).collect();
    if !reasons.is_empty() {
        line.push_str(&format!(" ({})", reasons.join(", ")));
    }
    line.push_str(&format!(
        ", {} {}, {} informs confirmed",
        s.waiting,
        if spooled {
            "left in the spool for the next start"
        } else {
            "undelivered at exit"
        },
        s.informs_confirmed
    ));
    line
}

/// Warns on stderr when a forwarder's destination (`what`: "webhook", "NATS") starts or
/// stops failing, rejects records, or when records are dropped.
#[cfg(any(feature = "webhook", feature = "nats"))]
pub fn warn_changes(
    prog: &str,
    what: &str,
    last: &snmpkit::notify::pipeline::forwarder::ForwardStats,
    s: &snmpkit::notify::pipeline::forwarder::ForwardStats,
) {
    if s.failing != last.failing {
        if s.failing {
            eprintln!(
                "{prog}: warning: {what} failing ({}); holding {} notifications, informs \
                 are not acknowledged until it answers",
                s.last_error.as_deref().unwrap_or("?"),
                s.waiting
            );
        } else {
            eprintln!(
                "{prog}: {what} answering again; delivering {} waiting notifications",
                s.waiting
            );
        }
    }
    if s.rejected > last.rejected {
        eprintln!(
            "{prog}: warning: {what} rejected {} notifications ({}); not retried",
            s.rejected - last.rejected,
            s.last_error.as_deref().unwrap_or("?")
        );
    }
    if s.dropped_total() > last.dropped_total() {
        eprintln!(
            "{prog}: warning: {what}: {} notifications dropped in the last second (queue \
             or spool full)",
            s.dropped_total() - last.dropped_total()
        );
    }
}

/// Warns when the endpoint starts or stops failing, and when notifications are dropped.
#[cfg(feature = "webhook")]
async fn watch(
    prog: &'static str,
    w: std::sync::Arc<std::sync::Mutex<snmpkit::notify::pipeline::webhook::Webhook>>,
) {
    let stats = |w: &std::sync::Mutex<snmpkit::notify::pipeline::webhook::Webhook>| {
        w.lock().ok().map(|w| w.stats()).unwrap_or_default()
    };
    let mut last = stats(&w);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        let s = stats(&w);
        warn_changes(prog, "webhook", &last, &s);
        last = s;
    }
}
