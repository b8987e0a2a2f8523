//! `--nats` glue shared by the commands: start a publisher from the options, forward to it,
//! warn about outages and overflow on stderr, and summarise at exit. The broker logic itself
//! is in the library (`snmpkit::sink::nats`); without the `nats` feature, `--nats` is refused.

use snmpkit::notify::{InformAck, Notification};
#[cfg(feature = "nats")]
use std::time::Duration;

/// How long the publisher may keep trying to flush at exit.
#[cfg(feature = "nats")]
const FLUSH_AT_EXIT: Duration = Duration::from_secs(5);
/// How often outages and overflow are checked for warnings.
#[cfg(feature = "nats")]
const WATCH_EVERY: Duration = Duration::from_secs(1);

/// The `--nats` publisher of `listen`, or nothing when `--nats` was not given.
pub struct ListenSink {
    #[cfg(feature = "nats")]
    inner: Option<Inner>,
}

#[cfg(feature = "nats")]
struct Inner {
    publisher: std::sync::Arc<snmpkit::sink::nats::Publisher>,
    subject: String,
    watcher: tokio::task::JoinHandle<()>,
}

impl ListenSink {
    /// Connects to `url` and checks that a stream covers `subject` (default
    /// `snmp.notifications`); nothing when `url` is `None`.
    pub async fn start(
        prog: &'static str,
        url: Option<&str>,
        subject: Option<&str>,
    ) -> Result<ListenSink, String> {
        #[cfg(feature = "nats")]
        {
            use snmpkit::sink::nats::{Broker, PublisherOptions, DEFAULT_NOTIFICATION_SUBJECT};
            let Some(url) = url else {
                if subject.is_some() {
                    return Err("--nats-subject needs --nats URL".into());
                }
                return Ok(ListenSink { inner: None });
            };
            let subject = subject.unwrap_or(DEFAULT_NOTIFICATION_SUBJECT).to_string();
            let broker = Broker::connect(url).await.map_err(|e| e.to_string())?;
            let stream = broker
                .stream_for(&subject)
                .await
                .map_err(|e| e.to_string())?;
            let publisher = std::sync::Arc::new(
                broker
                    .publisher(&subject, PublisherOptions::default())
                    .await
                    .map_err(|e| e.to_string())?,
            );
            eprintln!("{prog}: publishing to NATS {url}, subject {subject} (stream {stream})");
            let watcher = tokio::spawn(watch(prog, publisher.clone()));
            Ok(ListenSink {
                inner: Some(Inner {
                    publisher,
                    subject,
                    watcher,
                }),
            })
        }
        #[cfg(not(feature = "nats"))]
        {
            let _ = (prog, subject);
            match url {
                Some(_) => Err(
                    "this snmpkit was built without NATS support (cargo feature \"nats\")".into(),
                ),
                None => Ok(ListenSink {}),
            }
        }
    }

    /// True when notifications go to a broker (so informs' acknowledgements are held until
    /// it has stored them).
    pub fn active(&self) -> bool {
        #[cfg(feature = "nats")]
        {
            self.inner.is_some()
        }
        #[cfg(not(feature = "nats"))]
        {
            false
        }
    }

    /// Hands one notification (as its `--json` object) to the broker. An inform's `ack` is
    /// sent once the broker has stored it; without a broker it is sent now.
    pub fn forward(&self, n: &Notification, json: Option<String>, ack: Option<InformAck>) {
        #[cfg(feature = "nats")]
        if let (Some(i), Some(json)) = (&self.inner, json) {
            use snmpkit::sink::nats::OutMessage;
            // Drops are counted by the publisher and reported by the watcher and at exit.
            let _ = i
                .publisher
                .submit(OutMessage::notification(&i.subject, n, json, ack));
            return;
        }
        #[cfg(not(feature = "nats"))]
        let _ = (n, json);
        if let Some(a) = ack {
            a.acknowledge();
        }
    }

    /// Flushes what waits (for a few seconds at most) and returns the counters for the exit
    /// summary, or `None` without a broker.
    pub async fn finish(self) -> Option<String> {
        #[cfg(feature = "nats")]
        {
            let i = self.inner?;
            i.watcher.abort();
            let s = match std::sync::Arc::try_unwrap(i.publisher) {
                Ok(p) => p.close(FLUSH_AT_EXIT).await,
                Err(p) => {
                    p.flush(FLUSH_AT_EXIT).await;
                    p.stats()
                }
            };
            Some(summary(&s))
        }
        #[cfg(not(feature = "nats"))]
        {
            None
        }
    }
}

/// The publisher's counters in one phrase for the exit line.
#[cfg(feature = "nats")]
pub fn summary(s: &snmpkit::sink::nats::PublisherStats) -> String {
    let mut line = format!(
        "nats: {} published ({} duplicates), {} dropped",
        s.published,
        s.duplicates,
        s.dropped_total()
    );
    let reasons: Vec<String> = s.drops().map(|(r, n)| format!("{r}: {n}")).collect();
    if !reasons.is_empty() {
        line.push_str(&format!(" ({})", reasons.join(", ")));
    }
    line.push_str(&format!(
        ", {} unpublished at exit, {} retries, {} informs confirmed, {} informs left unacknowledged",
        s.waiting, s.retries, s.informs_confirmed, s.informs_refused
    ));
    line
}

/// Warns on stderr when the broker goes away or comes back, and when messages overflow.
#[cfg(feature = "nats")]
async fn watch(prog: &'static str, p: std::sync::Arc<snmpkit::sink::nats::Publisher>) {
    let mut last = p.stats();
    let mut tick = tokio::time::interval(WATCH_EVERY);
    loop {
        tick.tick().await;
        let s = p.stats();
        if s.connected != last.connected {
            if s.connected {
                eprintln!(
                    "{prog}: NATS connection restored; publishing {} waiting messages",
                    s.waiting
                );
            } else {
                eprintln!(
                    "{prog}: warning: NATS server unreachable; holding traps in memory \
                     ({} waiting), informs are not acknowledged until it returns",
                    s.waiting
                );
            }
        }
        if s.dropped_total() > last.dropped_total() {
            let new: Vec<String> = s
                .drops()
                .map(|(r, n)| format!("{r}: {}", n - last.dropped(r)))
                .filter(|t| !t.ends_with(": 0"))
                .collect();
            eprintln!(
                "{prog}: warning: NATS: {} messages dropped in the last {} s ({})",
                s.dropped_total() - last.dropped_total(),
                WATCH_EVERY.as_secs(),
                new.join(", ")
            );
        }
        last = s;
    }
}
