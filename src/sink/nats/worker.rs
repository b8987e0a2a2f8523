//! The worker: pulls as many jobs as it has free slots, runs each, publishes its record and
//! acknowledges the job only after JetStream stored the record.

use super::*;

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
