//! The cycle loop: every interval, poll each target once, fill in rates, hand each record to
//! a sink as it completes, and close the cycle.

use super::poller::{PollTarget, Poller};
use super::rates::RateTracker;
use super::record::Record;
use super::sink::{CycleSummary, Sink, SinkError};
use super::timetable::{Due, Schedule, Timetable};
use std::time::{Instant, SystemTime};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

/// What a run did.
#[derive(Clone, Debug, Default)]
pub struct RunSummary {
    /// Cycles completed.
    pub cycles: u64,
    /// Records produced.
    pub records: u64,
    /// Records with an error.
    pub failed: u64,
    /// Cycles that ran past their interval.
    pub overruns: u64,
    /// Agent restarts seen (sysUpTime going back).
    pub restarts: u64,
}

/// How many finished records may wait for the sink; with the pacing window this bounds the
/// memory a cycle holds, whatever the fleet's size.
const RECORD_QUEUE: usize = 128;

/// One cycle in progress: every target polled once, concurrently (paced by the poller's
/// window). Records come out of [`Cycle::next`] in completion order. Dropping it aborts the
/// polls still running.
pub struct Cycle {
    rx: mpsc::Receiver<Record>,
    set: JoinSet<()>,
}

impl Cycle {
    /// Starts polling `targets` for cycle number `cycle`.
    pub fn start(poller: &Poller, targets: &[PollTarget], cycle: u64) -> Cycle {
        let (tx, rx) = mpsc::channel::<Record>(RECORD_QUEUE);
        let mut set = JoinSet::new();
        for t in targets {
            let (p, t, tx) = (poller.clone(), t.clone(), tx.clone());
            set.spawn(async move {
                let rec = p.poll(&t, cycle).await;
                let _ = tx.send(rec).await;
            });
        }
        Cycle { rx, set }
    }

    /// The next finished record; `None` when every target has reported.
    pub async fn next(&mut self) -> Option<Record> {
        self.rx.recv().await
    }
}

impl Drop for Cycle {
    fn drop(&mut self) {
        self.set.abort_all();
    }
}

/// Runs cycles on `schedule` until the count is reached or `stop` turns true. A stop during a
/// cycle lets that cycle finish and its output be written; a stop between cycles ends at once.
pub async fn run<S: Sink + ?Sized>(
    poller: &Poller,
    targets: &[PollTarget],
    schedule: &Schedule,
    sink: &mut S,
    mut stop: watch::Receiver<bool>,
) -> Result<RunSummary, SinkError> {
    let mut rates = RateTracker::new();
    let mut summary = RunSummary::default();
    let mut table = Timetable::new(schedule, tokio::time::Instant::now().into_std());
    loop {
        if *stop.borrow() {
            break;
        }
        let (cycle, last) = match table.poll(tokio::time::Instant::now().into_std()) {
            Due::Done => break,
            Due::Wait(until) => {
                tokio::select! {
                    _ = tokio::time::sleep_until(until.into()) => {}
                    _ = stop.wait_for(|s| *s) => break,
                }
                continue;
            }
            Due::Cycle { cycle, last } => (cycle, last),
        };
        let mut cs = CycleSummary {
            cycle,
            started: SystemTime::now(),
            ..CycleSummary::default()
        };
        let t0 = Instant::now();
        let mut polls = Cycle::start(poller, targets, cycle);
        while let Some(mut rec) = polls.next().await {
            rates.apply(&mut rec, !last);
            cs.records += 1;
            if rec.error.is_some() {
                cs.failed += 1;
            }
            // An error here is the sink gone (a closed pipe): dropping the cycle stops it.
            sink.record(&rec).await?;
        }
        cs.duration = t0.elapsed();
        sink.end_cycle(&cs).await?;
        table.finished(tokio::time::Instant::now().into_std());
        summary.cycles += 1;
        summary.records += cs.records;
        summary.failed += cs.failed;
    }
    summary.overruns = table.overruns();
    summary.restarts = rates.restarts();
    Ok(summary)
}
