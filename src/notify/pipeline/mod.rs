//! The end of the receive pipeline, as `snmpkit listen` runs it, for any program: take
//! notifications from a [`Receiver`] in batches, drop repeats and storms ([`filter`]), print
//! them from an output thread behind a bounded queue ([`output`]), run handler programs with
//! bounded concurrency ([`exec`]), forward them to a destination ([`Forward`]: NATS, a
//! webhook) and shut down with counters that add up ([`PipelineStats`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), snmpkit::notify::NotifyError> {
//! use snmpkit::notify::pipeline::{OutputSink, Pipeline, PipelineConfig, Render, Style};
//! use snmpkit::notify::{Receiver, ReceiverConfig};
//! let mut config = ReceiverConfig::default();
//! config.listen = vec!["127.0.0.1:1162".parse().unwrap()];
//! let mut rx = Receiver::bind(config).await?;
//! let render = Render::new(Default::default(), snmpkit::mib::Mib::builtin(), Style::Json);
//! let mut pc = PipelineConfig::new(render);
//! pc.output = Some(OutputSink::Stdout);
//! pc.dedup = Some(std::time::Duration::from_secs(10));
//! let report = Pipeline::new(pc)
//!     .run(&mut rx, None, tokio::time::sleep(std::time::Duration::from_secs(60)))
//!     .await;
//! let stats = report.stats(&rx.stats());
//! assert!(stats.adds_up());
//! # Ok(()) }
//! ```

pub mod exec;
pub mod filter;
pub mod forwarder;
pub mod output;
pub mod spool;
pub mod trapd;
#[cfg(feature = "webhook")]
pub mod webhook;

pub use exec::{ExecPool, ExecStats};
pub use filter::{Dedup, RateLimit, StormReport};
#[cfg(unix)]
pub use output::SyslogWriter;
pub use output::{Output, OutputReport, OutputSink, SYSLOG_FORMAT1, SYSLOG_FORMAT2};
pub use trapd::{HandlerMatch, HostNames, TrapHandlers, TrapdFormat};

use super::{InformAck, Notification, Receiver, Stats};
use crate::format::{notification_text, write_notification_json, OutputOptions};
use crate::mib::Mib;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How notifications are printed.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Style {
    /// snmpkit's text block (`listen`'s default).
    Blocks,
    /// One JSON object per line (`listen --json`).
    Json,
    /// snmptrapd's log lines and formats.
    Trapd(TrapdFormat),
}

/// Renders notifications: `-O` options, the MIBs that name OIDs and values, and a [`Style`].
#[derive(Clone, Debug)]
pub struct Render {
    /// The `-O` output options.
    pub opts: OutputOptions,
    /// The MIBs.
    pub mib: Arc<Mib>,
    /// The output style.
    pub style: Style,
}

impl Render {
    /// A renderer.
    pub fn new(opts: OutputOptions, mib: impl Into<Arc<Mib>>, style: Style) -> Render {
        Render {
            opts,
            mib: mib.into(),
            style,
        }
    }

    /// One notification as a single-line JSON object (the `listen --json` object).
    pub fn json(&self, n: &Notification) -> String {
        let mut s = String::with_capacity(1024);
        self.json_into(n, &mut s);
        s
    }

    /// [`Render::json`], appended to `out` (no newline).
    pub fn json_into(&self, n: &Notification, out: &mut String) {
        write_notification_json(n, &self.opts, &self.mib, out);
    }

    /// The notification as the output prints it, appended to `out` (ending with a newline).
    pub fn output_into(&self, n: &Notification, out: &mut String) {
        match &self.style {
            Style::Json => {
                self.json_into(n, out);
                out.push('\n');
            }
            Style::Blocks => notification_text(n, &self.opts, &self.mib, out),
            Style::Trapd(f) => f.write(n, &self.opts, &self.mib, out),
        }
    }

    /// The standard input of a `traphandle` program for `n`.
    pub fn handler_input(&self, n: &Notification) -> String {
        match &self.style {
            Style::Trapd(f) => f.handler_input(n, &self.opts, &self.mib),
            _ => TrapdFormat::default().handler_input(n, &self.opts, &self.mib),
        }
    }
}

/// A destination that takes every notification passed on (a NATS publisher, a webhook).
pub trait Forward: Send {
    /// Takes one notification and its `--json` object. An inform's held acknowledgement
    /// comes along: send it once the destination has the notification (or drop it to leave
    /// the inform unanswered, so that the sender retransmits).
    fn forward(&mut self, n: &Notification, json: &str, ack: Option<InformAck>);
    /// Called after each batch (a durable destination makes the batch durable here).
    fn end_batch(&mut self) {}
}

/// Something the pipeline reports while it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PipelineEvent {
    /// A rate-limited storm ended.
    StormEnded(StormReport),
    /// A notification was dropped because nothing authorises it (snmptrapd without
    /// `authCommunity`/`authUser`/`disableAuthorization`).
    Unauthorized,
    /// A handler program failed (`--exec`, `traphandle`).
    HandlerFailed(String),
}

/// A callback told about [`PipelineEvent`]s.
pub type EventHandler = Box<dyn FnMut(&PipelineEvent) + Send>;

/// What the pipeline does with notifications. Start from [`PipelineConfig::new`].
#[non_exhaustive]
pub struct PipelineConfig {
    /// How notifications are printed and rendered.
    pub render: Render,
    /// Where they are printed; `None` prints nothing.
    pub output: Option<OutputSink>,
    /// `--exec CMD`: run `sh -c CMD` per notification with its JSON on stdin.
    pub exec: Option<String>,
    /// snmptrapd's `traphandle` lines.
    pub handlers: TrapHandlers,
    /// Drop a notification identical to one passed on within this window.
    pub dedup: Option<Duration>,
    /// Pass on at most this many notifications per second per source address.
    pub rate_limit: Option<u32>,
    /// Accept nothing (snmptrapd with no access configuration): every notification is
    /// dropped and counted as unauthorized, and `unauthorized_line` is printed for it.
    pub deny_all: bool,
    /// The line printed for each notification dropped by `deny_all`.
    pub unauthorized_line: String,
    /// The handler pool.
    pub exec_pool: ExecPool,
    /// Told about storms, unauthorized drops and handler failures.
    pub on_event: Option<EventHandler>,
}

impl PipelineConfig {
    /// A pipeline that renders with `render` and does nothing else until fields are set.
    pub fn new(render: Render) -> PipelineConfig {
        PipelineConfig {
            render,
            output: None,
            exec: None,
            handlers: TrapHandlers::default(),
            dedup: None,
            rate_limit: None,
            deny_all: false,
            unauthorized_line: "No access configuration - dropping trap.\n".into(),
            exec_pool: ExecPool::default(),
            on_event: None,
        }
    }
}

/// The pipeline's own counters, at the end of [`Pipeline::run`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PipelineReport {
    /// Notifications taken from the receiver.
    pub taken: u64,
    /// Passed on (printed, handed to handlers and the destination).
    pub passed: u64,
    /// Dropped by `--dedup`.
    pub deduplicated: u64,
    /// Dropped by `--rate-limit`.
    pub suppressed: u64,
    /// Dropped because nothing authorises them (`deny_all`).
    pub unauthorized: u64,
    /// The output stage's report.
    pub output: OutputReport,
    /// The handler pool's counters.
    pub exec: ExecStats,
    /// Notifications the rate limiter could not track (its table was full).
    pub rate_untracked: u64,
}

impl PipelineReport {
    /// The whole account, with the receiver's counters.
    pub fn stats(&self, receiver: &Stats) -> PipelineStats {
        PipelineStats {
            receiver: receiver.clone(),
            pipeline: self.clone(),
        }
    }
}

/// Every counter of a listener, so that they add up:
/// `received = decoded + dropped + deduplicated + suppressed`, where `decoded` counts the
/// notifications passed on, `dropped` every datagram the receiver dropped (by reason), the
/// v3 discovery probes answered and the unauthorized drops, and `deduplicated` both the
/// retransmitted informs and `--dedup`'s drops.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PipelineStats {
    /// The receiver's counters.
    pub receiver: Stats,
    /// The pipeline's counters.
    pub pipeline: PipelineReport,
}

impl PipelineStats {
    /// Datagrams received.
    pub fn received(&self) -> u64 {
        self.receiver.received
    }

    /// Notifications decoded and passed on. Notifications still queued in the receiver when
    /// the pipeline stopped are not counted anywhere else, so they are counted here.
    pub fn decoded(&self) -> u64 {
        self.pipeline.passed + self.receiver.delivered.saturating_sub(self.pipeline.taken)
    }

    /// Datagrams dropped: the receiver's reasons, discovery probes, unauthorized.
    pub fn dropped(&self) -> u64 {
        self.receiver.dropped_total() + self.receiver.discovery_probes + self.pipeline.unauthorized
    }

    /// Retransmitted informs and `--dedup` repeats.
    pub fn deduplicated(&self) -> u64 {
        self.receiver.duplicate_informs + self.pipeline.deduplicated
    }

    /// `--rate-limit` drops.
    pub fn suppressed(&self) -> u64 {
        self.pipeline.suppressed
    }

    /// True when `received = decoded + dropped + deduplicated + suppressed`.
    pub fn adds_up(&self) -> bool {
        self.received() == self.decoded() + self.dropped() + self.deduplicated() + self.suppressed()
    }
}

/// The pipeline; [`Pipeline::run`] drives it.
pub struct Pipeline {
    config: PipelineConfig,
}

/// Batches handed on at once: at most this many notifications ...
const BATCH_NOTES: usize = 512;
/// ... or this many bytes of text.
const BATCH_BYTES: usize = 256 * 1024;

impl Pipeline {
    /// A pipeline with this configuration.
    pub fn new(config: PipelineConfig) -> Pipeline {
        Pipeline { config }
    }

    /// Runs until `stop` completes, the receiver closes or the output fails; then lets the
    /// output drain briefly and returns the counters. Informs' held acknowledgements go to
    /// `forward` when there is one; otherwise they are sent at once.
    pub async fn run(
        self,
        rx: &mut Receiver,
        mut forward: Option<&mut dyn Forward>,
        stop: impl Future<Output = ()>,
    ) -> PipelineReport {
        let PipelineConfig {
            render,
            output,
            exec,
            handlers,
            dedup,
            rate_limit,
            deny_all,
            unauthorized_line,
            exec_pool,
            mut on_event,
        } = self.config;
        let mut event = |e: PipelineEvent| {
            if let Some(f) = on_event.as_mut() {
                f(&e);
            }
        };
        let render = Arc::new(render);
        let json_out = matches!(render.style, Style::Json);
        let exec: Option<Arc<str>> = exec.map(Into::into);
        let mut failures = exec_pool.failure_messages();
        // Without handlers or a destination the notifications themselves go to the output
        // thread, which renders and writes them: reception stays on this thread and rendering
        // runs beside it. With a handler or a destination the JSON is needed here, so it is
        // rendered here once and shared.
        let render_here = exec.is_some() || !handlers.is_empty() || forward.is_some();
        let mut out = output.map(|s| Output::start(s, render.clone()));
        let out_stopped = out.as_ref().map(|o| o.stopped());
        let mut dedup = dedup.map(Dedup::new);
        let mut limit = rate_limit.map(RateLimit::new);
        let mut report = PipelineReport::default();
        let mut text = String::with_capacity(64 * 1024);
        let mut notes = Vec::new();
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(stop);
        let stopped_writer = async {
            match &out_stopped {
                Some(s) => s.notified().await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(stopped_writer);
        let storms = |ended: Vec<StormReport>,
                      out: &mut Option<Output>,
                      event: &mut dyn FnMut(PipelineEvent)| {
            for r in ended {
                if json_out {
                    if let Some(o) = out.as_mut() {
                        o.submit(&storm_json(&r), 0);
                    }
                }
                event(PipelineEvent::StormEnded(r));
            }
        };
        loop {
            let first = tokio::select! {
                _ = &mut stop => break,
                _ = &mut stopped_writer => break,
                _ = tick.tick() => {
                    if let Some(l) = limit.as_mut() {
                        let ended = l.tick(Instant::now());
                        storms(ended, &mut out, &mut event);
                    }
                    if let Some(f) = failures.as_mut() {
                        while let Ok(m) = f.try_recv() {
                            event(PipelineEvent::HandlerFailed(m));
                        }
                    }
                    continue;
                }
                n = rx.recv_with_ack() => match n {
                    Some(n) => n,
                    None => break,
                },
            };
            // Take what is already queued too and hand it on as one batch: nothing waits in
            // a buffer, and a burst costs one write instead of one each.
            let mut next = Some(first);
            let mut batch = 0;
            let mut passed_in_batch = 0u64;
            let mut bytes = 0;
            text.clear();
            let now = Instant::now();
            while let Some((n, ack)) = next.take() {
                batch += 1;
                report.taken += 1;
                let keep = if deny_all {
                    report.unauthorized += 1;
                    text.push_str(&unauthorized_line);
                    event(PipelineEvent::Unauthorized);
                    false
                } else if dedup.as_mut().is_some_and(|d| d.is_duplicate(&n, now)) {
                    report.deduplicated += 1;
                    false
                } else if limit
                    .as_mut()
                    .is_some_and(|l| l.suppress(n.source.ip(), now, n.received_at))
                {
                    report.suppressed += 1;
                    false
                } else {
                    true
                };
                if !keep {
                    // Informs are acknowledged all the same: the sender must not repeat them.
                    if let Some(a) = ack {
                        a.acknowledge();
                    }
                } else {
                    report.passed += 1;
                    passed_in_batch += 1;
                    if !render_here {
                        if let Some(a) = ack {
                            a.acknowledge();
                        }
                        if out.is_some() {
                            bytes += output::estimated_size(&n);
                            notes.push(n);
                        }
                    } else {
                        let json = (json_out || exec.is_some() || forward.is_some())
                            .then(|| render.json(&n));
                        if out.is_some() {
                            match (&json, json_out) {
                                (Some(j), true) => {
                                    text.push_str(j);
                                    text.push('\n');
                                }
                                _ => render.output_into(&n, &mut text),
                            }
                        }
                        if let (Some(cmd), Some(j)) = (&exec, &json) {
                            let mut input = j.clone().into_bytes();
                            input.push(b'\n');
                            exec_pool.submit(cmd.clone(), input);
                        }
                        if !handlers.is_empty() {
                            let cmds = handlers.commands_for(&n);
                            if !cmds.is_empty() {
                                let input = render.handler_input(&n).into_bytes();
                                for c in cmds {
                                    exec_pool.submit(c, input.clone());
                                }
                            }
                        }
                        match forward.as_deref_mut() {
                            Some(f) => f.forward(&n, json.as_deref().unwrap_or(""), ack),
                            None => {
                                if let Some(a) = ack {
                                    a.acknowledge();
                                }
                            }
                        }
                    }
                }
                if batch < BATCH_NOTES && text.len() < BATCH_BYTES && bytes < BATCH_BYTES {
                    next = rx.try_recv_with_ack();
                }
            }
            if let Some(f) = forward.as_deref_mut() {
                f.end_batch();
            }
            if let Some(o) = out.as_mut() {
                if !notes.is_empty() {
                    o.submit_notes(std::mem::take(&mut notes), bytes);
                }
                if !text.is_empty() {
                    // Only passed notifications count as printed or not printed.
                    let n = if render_here { passed_in_batch } else { 0 };
                    o.submit(&text, n);
                }
            }
        }
        if let Some(l) = limit.as_mut() {
            let ended = l.finish();
            report.rate_untracked = l.untracked();
            storms(ended, &mut out, &mut event);
        }
        if let Some(o) = out {
            report.output = o.finish(output::OUTPUT_DRAIN).await;
        }
        report.exec = exec_pool.stats();
        report
    }
}

/// The JSON object printed when a storm ends (`listen --json --rate-limit N`).
pub fn storm_json(r: &StormReport) -> String {
    serde_json::json!({
        "event": "rate_limit",
        "source": r.source.to_string(),
        "suppressed": r.suppressed,
        "forwarded": r.forwarded,
        "started": crate::format::rfc3339(r.started),
        "ended": crate::format::rfc3339(r.ended),
    })
    .to_string()
        + "\n"
}

#[cfg(test)]
mod tests;
