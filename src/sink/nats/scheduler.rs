//! The scheduler: one job per target into the work queue at the start of every interval.

use super::*;

/// What a scheduler did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchedulerSummary {
    /// Cycles whose jobs were all stored.
    pub cycles: u64,
    /// Jobs stored.
    pub jobs: u64,
    /// Cycles that could not be (fully) scheduled, with the last reason.
    pub failed_cycles: u64,
    /// Why the last failed cycle failed.
    pub last_error: Option<String>,
}

/// Publishes one job per target into `queue` at the start of every interval (cycles aligned
/// to the epoch, see [`cycle_at`]) until `count` cycles are done or `stop` turns true. A
/// cycle that cannot be stored (broker unreachable) is counted, reported through `on_error`
/// and not retried: its jobs would be stale by the time they ran.
pub async fn run_scheduler(
    queue: &JobQueue,
    targets: &[String],
    interval: Duration,
    count: Option<u64>,
    mut stop: tokio::sync::watch::Receiver<bool>,
    mut on_error: impl FnMut(&NatsError),
) -> SchedulerSummary {
    let mut summary = SchedulerSummary::default();
    let mut done = 0u64;
    loop {
        if *stop.borrow() || count.is_some_and(|c| done >= c) {
            break;
        }
        let now = SystemTime::now();
        let (cycle, start) = cycle_at(now, interval);
        // The first cycle may start part-way through its interval: its jobs are due now.
        match queue.schedule(targets, cycle, now, interval).await {
            Ok(n) => {
                summary.cycles += 1;
                summary.jobs += n as u64;
            }
            Err(e) => {
                summary.failed_cycles += 1;
                on_error(&e);
                summary.last_error = Some(e.to_string());
            }
        }
        done += 1;
        if count.is_some_and(|c| done >= c) {
            break;
        }
        let next = start + interval;
        let wait = next.duration_since(SystemTime::now()).unwrap_or_default();
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stop.wait_for(|s| *s) => break,
        }
    }
    summary
}
