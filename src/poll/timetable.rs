//! The poller's sans-I/O scheduling core: when cycles start, which cycle is the last, and
//! which ran over their interval. It reads no clock and sleeps on nothing: the driver
//! ([`run`](super::run)) asks it what is due at `now`, does the polling, and tells it when a
//! cycle finished. Tests drive it on synthetic time.

use std::time::{Duration, Instant};

/// When cycles run.
#[derive(Clone, Debug)]
pub struct Schedule {
    /// Time from one cycle's start to the next. A cycle that takes longer starts the next
    /// one at once, and is counted as an overrun.
    pub interval: Duration,
    /// Stop after this many cycles; `None` runs until stopped.
    pub count: Option<u64>,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            interval: Duration::from_secs(60),
            count: None,
        }
    }
}

/// What is due at a given instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    /// Start cycle number `cycle` now (1 for the first); `last` when the schedule's count ends
    /// with it (a last cycle's rates are not kept for a next one).
    Cycle {
        /// The cycle's number.
        cycle: u64,
        /// Whether no cycle follows.
        last: bool,
    },
    /// Nothing until this instant.
    Wait(Instant),
    /// The schedule is done: every cycle it asked for has run.
    Done,
}

/// Cycles on a fixed interval from a start instant. A cycle that runs past the next start
/// makes the next one start as soon as it ends, counted as an overrun; starts do not pile up.
#[derive(Clone, Debug)]
pub struct Timetable {
    interval: Duration,
    count: Option<u64>,
    next: Instant,
    started: u64,
    running: bool,
    overruns: u64,
}

impl Timetable {
    /// A timetable whose first cycle is due at `now`.
    pub fn new(schedule: &Schedule, now: Instant) -> Timetable {
        Timetable {
            interval: schedule.interval,
            count: schedule.count,
            next: now,
            started: 0,
            running: false,
            overruns: 0,
        }
    }

    /// What is due at `now`. While a cycle runs, the answer is to wait for it (its next start).
    pub fn poll(&mut self, now: Instant) -> Due {
        if self.count.is_some_and(|c| self.started >= c) && !self.running {
            return Due::Done;
        }
        if self.running || now < self.next {
            return Due::Wait(self.next);
        }
        self.started += 1;
        self.running = true;
        Due::Cycle {
            cycle: self.started,
            last: self.count.is_some_and(|c| self.started >= c),
        }
    }

    /// The running cycle finished at `now`: the next one is due one interval after this one
    /// was, or at once (an overrun) when that is already past.
    pub fn finished(&mut self, now: Instant) {
        if !self.running {
            return;
        }
        self.running = false;
        self.next += self.interval;
        if self.next < now {
            self.overruns += 1;
            self.next = now;
        }
    }

    /// Cycles that ran past their interval so far.
    pub fn overruns(&self) -> u64 {
        self.overruns
    }

    /// Cycles started so far.
    pub fn cycles(&self) -> u64 {
        self.started
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(secs: u64, count: Option<u64>) -> Schedule {
        Schedule {
            interval: Duration::from_secs(secs),
            count,
        }
    }

    #[test]
    fn cycles_start_on_the_interval() {
        let t0 = Instant::now();
        let s = |n| t0 + Duration::from_secs(n);
        let mut t = Timetable::new(&schedule(10, Some(3)), t0);
        assert_eq!(
            t.poll(t0),
            Due::Cycle {
                cycle: 1,
                last: false
            }
        );
        // While it runs, nothing else is due.
        assert_eq!(t.poll(s(1)), Due::Wait(t0));
        t.finished(s(2));
        assert_eq!(t.poll(s(2)), Due::Wait(s(10)));
        assert_eq!(
            t.poll(s(10)),
            Due::Cycle {
                cycle: 2,
                last: false
            }
        );
        t.finished(s(11));
        assert_eq!(
            t.poll(s(20)),
            Due::Cycle {
                cycle: 3,
                last: true
            }
        );
        t.finished(s(21));
        assert_eq!(t.poll(s(30)), Due::Done);
        assert_eq!(t.overruns(), 0);
        assert_eq!(t.cycles(), 3);
    }

    #[test]
    fn an_overrun_starts_the_next_cycle_at_once_without_a_pile_up() {
        let t0 = Instant::now();
        let s = |n| t0 + Duration::from_secs(n);
        let mut t = Timetable::new(&schedule(10, None), t0);
        assert!(matches!(t.poll(t0), Due::Cycle { cycle: 1, .. }));
        // The first cycle takes 35 s: three starts were missed, one cycle follows at once.
        t.finished(s(35));
        assert_eq!(
            t.poll(s(35)),
            Due::Cycle {
                cycle: 2,
                last: false
            }
        );
        assert_eq!(t.overruns(), 1);
        t.finished(s(36));
        // The interval counts from the late start.
        assert_eq!(t.poll(s(36)), Due::Wait(s(45)));
    }

    #[test]
    fn a_count_of_one_is_one_last_cycle() {
        let t0 = Instant::now();
        let mut t = Timetable::new(&schedule(60, Some(1)), t0);
        assert_eq!(
            t.poll(t0),
            Due::Cycle {
                cycle: 1,
                last: true
            }
        );
        t.finished(t0);
        assert_eq!(t.poll(t0 + Duration::from_secs(600)), Due::Done);
    }
}
