//! Poll records to JetStream: the poll sink and the job handler that polls one target.

use super::*;

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
