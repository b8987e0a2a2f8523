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

/// Where `listen --nats` sends: the publisher's memory queue, or (with `--spool`) the
/// pipeline's forwarder over a spool on disk.
#[cfg(feature = "nats")]
enum Via {
    Publisher(std::sync::Arc<snmpkit::sink::nats::Publisher>),
    Spool(std::sync::Arc<snmpkit::notify::pipeline::forwarder::Forwarder>),
}

#[cfg(feature = "nats")]
struct Inner {
    via: Via,
    subject: String,
    watcher: tokio::task::JoinHandle<()>,
}

impl ListenSink {
    /// Connects to `url` and checks that a stream covers `subject` (default
    /// `snmp.notifications`); nothing when `url` is `None`. With `spool` (a directory and its
    /// bound in bytes) what waits for the broker is kept on disk.
    pub async fn start(
        prog: &'static str,
        url: Option<&str>,
        subject: Option<&str>,
        spool: Option<(std::path::PathBuf, u64)>,
    ) -> Result<ListenSink, String> {
        #[cfg(feature = "nats")]
        {
            use snmpkit::notify::pipeline::forwarder::ForwarderOptions;
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
            let (via, watcher) = match spool {
                Some((dir, max)) => {
                    let mut o = ForwarderOptions::default();
                    o.spool = Some((dir.clone(), max));
                    let f = broker
                        .forwarder(&subject, o)
                        .await
                        .map_err(|e| e.to_string())?;
                    super::webhook::report_recovery(prog, &f, &dir);
                    let f = std::sync::Arc::new(f);
                    let watcher = tokio::spawn(watch_spooled(prog, f.clone()));
                    (Via::Spool(f), watcher)
                }
                None => {
                    let publisher = std::sync::Arc::new(
                        broker
                            .publisher(&subject, PublisherOptions::default())
                            .await
                            .map_err(|e| e.to_string())?,
                    );
                    let watcher = tokio::spawn(watch(prog, publisher.clone()));
                    (Via::Publisher(publisher), watcher)
                }
            };
            eprintln!("{prog}: publishing to NATS {url}, subject {subject} (stream {stream})");
            Ok(ListenSink {
                inner: Some(Inner {
                    via,
                    subject,
                    watcher,
                }),
            })
        }
        #[cfg(not(feature = "nats"))]
        {
            let _ = (prog, subject, spool);
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
            use snmpkit::sink::nats::{notification_msg_id, spool_record, OutMessage};
            // Drops are counted by the publisher (or the forwarder) and reported by the
            // watcher and at exit.
            match &i.via {
                Via::Publisher(p) => {
                    let _ = p.submit(OutMessage::notification(&i.subject, n, json, ack));
                }
                Via::Spool(f) => {
                    let record = spool_record(&notification_msg_id(n), json.as_bytes());
                    let _ = f.submit(&record, ack);
                }
            }
            return;
        }
        #[cfg(not(feature = "nats"))]
        let _ = (n, json);
        if let Some(a) = ack {
            a.acknowledge();
        }
    }

    /// Makes the notifications forwarded since the last call durable (the spool's fsync).
    pub fn sync(&self) {
        #[cfg(feature = "nats")]
        if let Some(Inner {
            via: Via::Spool(f), ..
        }) = &self.inner
        {
            f.sync();
        }
    }

    /// Flushes what waits (for a few seconds at most) and returns the counters for the exit
    /// summary, or `None` without a broker.
    pub async fn finish(self) -> Option<String> {
        #[cfg(feature = "nats")]
        {
            let i = self.inner?;
            i.watcher.abort();
            let _ = i.watcher.await;
            match i.via {
                Via::Publisher(p) => {
                    let s = match std::sync::Arc::try_unwrap(p) {
                        Ok(p) => p.close(FLUSH_AT_EXIT).await,
                        Err(p) => {
                            p.flush(FLUSH_AT_EXIT).await;
                            p.stats()
                        }
                    };
                    Some(summary(&s))
                }
                Via::Spool(f) => {
                    let f = std::sync::Arc::try_unwrap(f).ok()?;
                    let s = f.close(FLUSH_AT_EXIT).await;
                    Some(super::webhook::forward_summary(
                        "nats",
                        "published",
                        &s,
                        true,
                    ))
                }
            }
        }
        #[cfg(not(feature = "nats"))]
        {
            None
        }
    }
}

/// Warns when the broker stops or starts taking the spooled notifications, and on drops.
#[cfg(feature = "nats")]
async fn watch_spooled(
    prog: &'static str,
    f: std::sync::Arc<snmpkit::notify::pipeline::forwarder::Forwarder>,
) {
    let mut last = f.stats();
    let mut tick = tokio::time::interval(WATCH_EVERY);
    loop {
        tick.tick().await;
        let s = f.stats();
        super::webhook::warn_changes(prog, "NATS", &last, &s);
        last = s;
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

/// A watch that turns true on SIGINT or SIGTERM (installed before it returns).
#[cfg(feature = "nats")]
fn stop_on_signal() -> tokio::sync::watch::Receiver<bool> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let int = signal(SignalKind::interrupt());
        let term = signal(SignalKind::terminate());
        tokio::spawn(async move {
            match (int, term) {
                (Ok(mut i), Ok(mut t)) => {
                    tokio::select! {
                        _ = i.recv() => {}
                        _ = t.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
            let _ = tx.send(true);
        });
    }
    #[cfg(not(unix))]
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        let _ = tx.send(true);
    });
    rx
}

/// `poll --schedule --nats URL`: publishes one job per target into the work-queue stream
/// every interval. Returns the exit code (1 when the broker or stream cannot be reached).
#[cfg(feature = "nats")]
pub async fn schedule(
    prog: &'static str,
    url: &str,
    stream: &str,
    targets: Vec<String>,
    interval: Duration,
    count: Option<u64>,
) -> i32 {
    use snmpkit::sink::nats::{run_scheduler, Broker};
    let stop = stop_on_signal();
    let queue = match async {
        Broker::connect(url)
            .await?
            .job_queue(stream, interval)
            .await
    }
    .await
    {
        Ok(q) => q,
        Err(e) => {
            eprintln!("{prog}: {e}");
            return 1;
        }
    };
    eprintln!(
        "{prog}: scheduling {} targets every {} s into stream {stream} on {url}",
        targets.len(),
        interval.as_secs_f64()
    );
    let s = run_scheduler(&queue, &targets, interval, count, stop, |e| {
        eprintln!("{prog}: warning: cycle not scheduled: {e}");
    })
    .await;
    eprintln!(
        "{prog}: scheduler stopped: {} cycles, {} jobs, {} cycles failed",
        s.cycles, s.jobs, s.failed_cycles
    );
    0
}

/// `poll --work --nats URL`: pulls jobs from the shared consumer and runs `handler` on each.
/// Returns the exit code.
#[cfg(feature = "nats")]
pub async fn work<F, Fut>(
    prog: &'static str,
    url: &str,
    stream: &str,
    interval: Duration,
    concurrency: usize,
    handler: F,
) -> i32
where
    F: Fn(snmpkit::sink::nats::Job) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = snmpkit::sink::nats::JobResult> + Send + 'static,
{
    use snmpkit::sink::nats::{run_worker, Broker};
    let stop = stop_on_signal();
    let broker = match Broker::connect(url).await {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{prog}: {e}");
            return 1;
        }
    };
    let consumer = match async {
        broker
            .job_queue(stream, interval)
            .await?
            .consumer(interval)
            .await
    }
    .await
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{prog}: {e}");
            return 1;
        }
    };
    eprintln!(
        "{prog}: working on jobs from stream {stream} on {url} ({concurrency} at once, ack wait {} s)",
        consumer.ack_wait().as_secs_f64()
    );
    let s = run_worker(&broker, &consumer, concurrency, stop, handler).await;
    eprintln!(
        "{prog}: worker stopped: {} jobs done, {} stale jobs skipped, {} for unknown targets, \
         {} malformed, {} records not stored (jobs handed back)",
        s.done, s.stale, s.unknown_target, s.malformed, s.publish_failures
    );
    0
}

/// `poll --nats URL` without `--schedule`/`--work`: a sink publishing every record, and what
/// to say at exit.
pub struct PollPublisher {
    #[cfg(feature = "nats")]
    publisher: std::sync::Arc<snmpkit::sink::nats::Publisher>,
}

impl PollPublisher {
    /// Connects to `url`; a stream must cover `snmp.poll.>` (checked now).
    pub async fn start(
        url: &str,
        mib: std::sync::Arc<snmpkit::mib::Mib>,
        opts: snmpkit::format::OutputOptions,
    ) -> Result<(PollPublisher, Box<dyn snmpkit::sink::Sink>), String> {
        #[cfg(feature = "nats")]
        {
            use snmpkit::sink::nats::{Broker, PollSink, PublisherOptions};
            let broker = Broker::connect(url).await.map_err(|e| e.to_string())?;
            let publisher = std::sync::Arc::new(
                broker
                    .publisher("snmp.poll.x", PublisherOptions::default())
                    .await
                    .map_err(|e| e.to_string().replace("\"snmp.poll.x\"", "\"snmp.poll.>\""))?,
            );
            let sink = Box::new(PollSink::new(publisher.clone(), mib, opts));
            Ok((PollPublisher { publisher }, sink))
        }
        #[cfg(not(feature = "nats"))]
        {
            let _ = (url, mib, opts);
            Err(NO_NATS.into())
        }
    }

    /// Flushes for a few seconds and returns the counters for the exit line.
    pub async fn finish(self) -> String {
        #[cfg(feature = "nats")]
        {
            self.publisher.flush(FLUSH_AT_EXIT).await;
            summary(&self.publisher.stats())
        }
        #[cfg(not(feature = "nats"))]
        {
            String::new()
        }
    }
}

#[cfg(not(feature = "nats"))]
const NO_NATS: &str = "this snmpkit was built without NATS support (cargo feature \"nats\")";

/// `poll --schedule` or `poll --work` with `--nats URL`: shared polling through the job
/// stream. Returns the exit code.
#[allow(clippy::too_many_arguments)]
pub async fn shared_poll(
    prog: &'static str,
    url: &str,
    stream: &str,
    scheduler: bool,
    poller: snmpkit::poll::Poller,
    targets: Vec<snmpkit::poll::PollTarget>,
    mib: std::sync::Arc<snmpkit::mib::Mib>,
    opts: snmpkit::format::OutputOptions,
    interval: std::time::Duration,
    count: Option<u64>,
    concurrency: usize,
) -> i32 {
    #[cfg(feature = "nats")]
    {
        if scheduler {
            let labels = targets.iter().map(|t| t.label.clone()).collect();
            schedule(prog, url, stream, labels, interval, count).await
        } else {
            let handler = snmpkit::sink::nats::poll_handler(poller, targets, mib, opts);
            work(prog, url, stream, interval, concurrency, handler).await
        }
    }
    #[cfg(not(feature = "nats"))]
    {
        let _ = (
            url,
            stream,
            scheduler,
            poller,
            targets,
            mib,
            opts,
            interval,
            count,
            concurrency,
        );
        eprintln!("{prog}: {NO_NATS}");
        1
    }
}

impl snmpkit::notify::pipeline::Forward for ListenSink {
    fn forward(&mut self, n: &Notification, json: &str, ack: Option<InformAck>) {
        ListenSink::forward(self, n, Some(json.to_string()), ack);
    }

    fn end_batch(&mut self) {
        self.sync();
    }
}
