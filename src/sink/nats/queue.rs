//! The shared work queue of poll jobs: a work-queue stream, one subject per target, and
//! the durable pull consumer the workers share.

use super::*;

/// The work-queue stream of poll jobs unless `--nats-stream` says otherwise.
pub const DEFAULT_JOB_STREAM: &str = "SNMP_JOBS";
/// The subjects of the job stream: one subject per target under `snmp.jobs.`.
pub const JOB_SUBJECTS: &str = "snmp.jobs.>";
/// The durable consumer that all workers of a job stream share.
pub const WORKERS_CONSUMER: &str = "snmpkit-workers";

/// The subject a target's jobs go to: `snmp.jobs.<target>` ([`subject_token`]).
pub fn job_subject(target: &str) -> String {
    format!("snmp.jobs.{}", subject_token(target))
}

/// The subject a target's poll records go to: `snmp.poll.<target>` ([`subject_token`]).
pub fn poll_subject(target: &str) -> String {
    format!("snmp.poll.{}", subject_token(target))
}

/// One poll job: which target to poll for which cycle. It names the target only; the
/// credentials stay in each worker's own targets file and options.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Job {
    /// The target's label (`HOST:PORT`), as the targets file names it.
    pub target: String,
    /// The cycle: the number of whole intervals since the Unix epoch, so that schedulers
    /// that run side by side give the same cycle the same number (and the same message id).
    pub cycle: u64,
    /// When the cycle began, in milliseconds since the Unix epoch.
    pub due_ms: u64,
    /// The interval, in milliseconds.
    pub interval_ms: u64,
}

impl Job {
    /// How long ago the job was due (zero if it is not due yet).
    pub fn age(&self, now: SystemTime) -> Duration {
        let now_ms = now
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        Duration::from_millis(now_ms.saturating_sub(u128::from(self.due_ms)) as u64)
    }

    /// True when the job is older than one interval: its cycle is over, and polling now
    /// would only add to a backlog, so it is skipped.
    pub fn is_stale(&self, now: SystemTime) -> bool {
        self.age(now) > Duration::from_millis(self.interval_ms)
    }

    /// The `Nats-Msg-Id` of this job: the same for every scheduler that publishes it.
    pub fn msg_id(&self) -> String {
        format!("snmp-job-{}-{}", self.cycle, subject_token(&self.target))
    }
}

/// The cycle that `now` falls in for `interval`, and when it began (aligned to the epoch,
/// so every scheduler agrees).
pub fn cycle_at(now: SystemTime, interval: Duration) -> (u64, SystemTime) {
    let ms = interval.as_millis().max(1);
    let now_ms = now
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    let cycle = now_ms / ms;
    let start = UNIX_EPOCH + Duration::from_millis((cycle * ms) as u64);
    (cycle as u64, start)
}

/// How the job stream's retention and the workers' consumer are set up for `interval`.
fn job_stream_config(name: &str, interval: Duration) -> jetstream::stream::Config {
    // Jobs are worthless after their cycle: bound the backlog at a few intervals.
    let max_age = (interval * 3).max(Duration::from_secs(10));
    jetstream::stream::Config {
        name: name.to_string(),
        subjects: vec![JOB_SUBJECTS.to_string()],
        retention: jetstream::stream::RetentionPolicy::WorkQueue,
        storage: jetstream::stream::StorageType::File,
        max_age,
        duplicate_window: interval.min(max_age).max(Duration::from_millis(100)),
        num_replicas: 1,
        ..Default::default()
    }
}

/// The ack wait of the workers' consumer: how long a job may go without word from its
/// worker before JetStream gives it to another. A quarter of the interval (between 1 s and
/// 30 s), so that a dead worker's jobs are done again within the same cycle; workers extend
/// it while a poll runs.
pub fn ack_wait_for(interval: Duration) -> Duration {
    (interval / 4).clamp(Duration::from_secs(1), Duration::from_secs(30))
}

impl Broker {
    /// Publishes one message and waits until JetStream has stored it. Returns true if
    /// JetStream recognised it as a duplicate of an earlier one with the same `msg_id`.
    pub async fn publish_confirmed(
        &self,
        subject: String,
        payload: Vec<u8>,
        msg_id: &str,
    ) -> Result<bool, NatsError> {
        let js = self.jetstream(64, Duration::from_secs(5));
        let publish = PublishMessage::build()
            .payload(Bytes::from(payload))
            .message_id(msg_id);
        let ack = js
            .send_publish(subject, publish)
            .await
            .map_err(|e| NatsError::JetStream(e.to_string()))?
            .await
            .map_err(|e| NatsError::JetStream(e.to_string()))?;
        Ok(ack.duplicate)
    }

    /// The work-queue stream of poll jobs, created if missing (subjects [`JOB_SUBJECTS`],
    /// file storage, jobs kept at most three intervals).
    pub async fn job_queue(&self, stream: &str, interval: Duration) -> Result<JobQueue, NatsError> {
        let js = self.jetstream(4096, Duration::from_secs(5));
        js.get_or_create_stream(job_stream_config(stream, interval))
            .await
            .map_err(|e| NatsError::JetStream(format!("stream {stream}: {e}")))?;
        Ok(JobQueue {
            js,
            stream: stream.to_string(),
        })
    }
}

/// A work-queue stream of poll jobs: schedulers publish into it, workers pull from it.
#[derive(Clone, Debug)]
pub struct JobQueue {
    js: jetstream::Context,
    stream: String,
}

impl JobQueue {
    /// The stream's name.
    pub fn stream(&self) -> &str {
        &self.stream
    }

    /// Publishes one job per target for `cycle` (begun at `due`) and waits until JetStream
    /// has stored them all. Returns how many were stored (duplicates of jobs another
    /// scheduler already published count too).
    pub async fn schedule(
        &self,
        targets: &[String],
        cycle: u64,
        due: SystemTime,
        interval: Duration,
    ) -> Result<usize, NatsError> {
        let due_ms = due
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as u64;
        let mut acks = FuturesUnordered::new();
        let mut stored = 0;
        let mut first_error = None;
        for t in targets {
            let job = Job {
                target: t.clone(),
                cycle,
                due_ms,
                interval_ms: interval.as_millis() as u64,
            };
            let payload = serde_json::to_vec(&job).unwrap_or_default();
            let publish = PublishMessage::build()
                .payload(Bytes::from(payload))
                .message_id(job.msg_id());
            match self.js.send_publish(job_subject(t), publish).await {
                Ok(f) => acks.push(f.into_future()),
                Err(e) => {
                    first_error.get_or_insert(e.to_string());
                }
            }
            // Collect what has come back, so the acknowledgements in flight stay bounded.
            while acks.len() >= 1024 {
                match acks.next().await {
                    Some(Ok(_)) => stored += 1,
                    Some(Err(e)) => {
                        first_error.get_or_insert(e.to_string());
                    }
                    None => break,
                }
            }
        }
        while let Some(r) = acks.next().await {
            match r {
                Ok(_) => stored += 1,
                Err(e) => {
                    first_error.get_or_insert(e.to_string());
                }
            }
        }
        match first_error {
            Some(e) if stored < targets.len() => Err(NatsError::JetStream(format!(
                "{} of {} jobs for cycle {cycle} not stored: {e}",
                targets.len() - stored,
                targets.len()
            ))),
            _ => Ok(stored),
        }
    }

    /// The workers' shared durable consumer ([`WORKERS_CONSUMER`]), created if missing,
    /// with [`ack_wait_for`] `interval`.
    pub async fn consumer(&self, interval: Duration) -> Result<JobConsumer, NatsError> {
        let ack_wait = ack_wait_for(interval);
        let err = |e: String| NatsError::JetStream(format!("consumer on {}: {e}", self.stream));
        let stream = self
            .js
            .get_stream(&self.stream)
            .await
            .map_err(|e| err(e.to_string()))?;
        let consumer = stream
            .get_or_create_consumer(
                WORKERS_CONSUMER,
                jetstream::consumer::pull::Config {
                    durable_name: Some(WORKERS_CONSUMER.to_string()),
                    filter_subject: JOB_SUBJECTS.to_string(),
                    ack_policy: jetstream::consumer::AckPolicy::Explicit,
                    ack_wait,
                    max_deliver: -1,
                    max_ack_pending: 100_000,
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| err(e.to_string()))?;
        Ok(JobConsumer { consumer, ack_wait })
    }
}

/// A worker's handle on the shared consumer of a [`JobQueue`].
#[derive(Debug)]
pub struct JobConsumer {
    consumer: jetstream::consumer::PullConsumer,
    ack_wait: Duration,
}

/// One job handed to this worker. Call [`JobDelivery::ack`] once its record is stored; a
/// delivery dropped unacknowledged goes to another worker after the ack wait.
#[derive(Debug)]
pub struct JobDelivery {
    msg: jetstream::Message,
    job: Option<Job>,
}

impl JobDelivery {
    /// The job, or `None` when the message was not a job (it is then best terminated).
    pub fn job(&self) -> Option<&Job> {
        self.job.as_ref()
    }

    /// Done: JetStream removes the job from the work queue.
    pub async fn ack(&self) -> Result<(), NatsError> {
        self.msg
            .ack()
            .await
            .map_err(|e| NatsError::JetStream(e.to_string()))
    }

    /// Still working: restarts the ack wait.
    pub async fn in_progress(&self) -> Result<(), NatsError> {
        self.msg
            .ack_with(jetstream::AckKind::Progress)
            .await
            .map_err(|e| NatsError::JetStream(e.to_string()))
    }

    /// Not done, and not to be done by anyone (a stale or malformed job).
    pub async fn term(&self) -> Result<(), NatsError> {
        self.msg
            .ack_with(jetstream::AckKind::Term)
            .await
            .map_err(|e| NatsError::JetStream(e.to_string()))
    }

    /// Not done here: give it to a worker again at once.
    pub async fn nak(&self) -> Result<(), NatsError> {
        self.msg
            .ack_with(jetstream::AckKind::Nak(None))
            .await
            .map_err(|e| NatsError::JetStream(e.to_string()))
    }
}

impl JobConsumer {
    /// The consumer's ack wait.
    pub fn ack_wait(&self) -> Duration {
        self.ack_wait
    }

    /// Up to `max` jobs, waiting at most `wait` for the first ones. An empty batch means
    /// none were ready.
    pub async fn next_batch(
        &self,
        max: usize,
        wait: Duration,
    ) -> Result<Vec<JobDelivery>, NatsError> {
        let mut batch = self
            .consumer
            .batch()
            .max_messages(max.max(1))
            .expires(wait.max(Duration::from_millis(100)))
            .messages()
            .await
            .map_err(|e| NatsError::JetStream(e.to_string()))?;
        let mut out = Vec::new();
        while let Some(m) = batch.next().await {
            let msg = m.map_err(|e| NatsError::JetStream(e.to_string()))?;
            let job = serde_json::from_slice(&msg.payload).ok();
            out.push(JobDelivery { msg, job });
        }
        Ok(out)
    }
}
