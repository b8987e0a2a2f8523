//! Counter rates: each Counter32 and Counter64 against its value in the target's previous
//! record.
//!
//! - The interval is the time between the two responses that carried the values, not the
//!   nominal poll interval.
//! - A Counter32 that went down is taken as one wrap at 2^32 when the wrapped difference is
//!   less than half the counter's range; otherwise it went backwards and has no rate.
//! - A Counter64 that went down has no rate.
//! - When sysUpTime.0 is polled and went back, the agent restarted: no rates that cycle; the
//!   new values become the baseline.
//!
//! Previous values are kept per target as (OID hash, value, response time), 32 bytes each, so
//! a fleet's state stays small.

use super::record::Record;
use crate::client::SYS_UPTIME_0;
use crate::Value;
use std::collections::HashMap;
use std::time::Instant;

#[derive(Clone, Copy, Debug)]
struct Prev {
    key: u64,
    value: u64,
    wide: bool,
    at: Instant,
}

#[derive(Default, Debug)]
struct TargetState {
    uptime: Option<u32>,
    counters: Vec<Prev>,
}

/// Remembers each target's counters between cycles and fills in [`Sample::rate`].
///
/// [`Sample::rate`]: super::Sample::rate
#[derive(Default, Debug)]
pub struct RateTracker {
    targets: HashMap<String, TargetState>,
    restarts: u64,
}

/// FNV-1a over the arcs: a stable 64-bit key for an OID (collisions within one target's few
/// hundred counters are vanishingly unlikely).
fn oid_key(arcs: &[u32]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for a in arcs {
        for b in a.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The increase from `prev` to `cur`, or None when the counter went backwards.
pub fn counter_delta(prev: u64, cur: u64, wide: bool) -> Option<u64> {
    if cur >= prev {
        return Some(cur - prev);
    }
    if wide {
        return None;
    }
    let wrapped = (1u64 << 32) - prev + cur;
    (wrapped <= 1u64 << 31).then_some(wrapped)
}

impl RateTracker {
    /// An empty tracker.
    pub fn new() -> RateTracker {
        RateTracker::default()
    }

    /// How many agent restarts (sysUpTime going back) have been seen.
    pub fn restarts(&self) -> u64 {
        self.restarts
    }

    /// Fills in the rates of `record`'s counters against the target's previous record, then
    /// remembers this record's counters when `remember` is set (the last cycle need not).
    pub fn apply(&mut self, record: &mut Record, remember: bool) {
        let uptime = record.samples.iter().find_map(|s| match s.varbind.value {
            Value::TimeTicks(t) if s.varbind.oid.arcs() == SYS_UPTIME_0 => Some(t),
            _ => None,
        });
        let state = self.targets.get(&record.target);
        let restarted =
            matches!((state.and_then(|s| s.uptime), uptime), (Some(p), Some(n)) if n < p);
        if restarted {
            self.restarts += 1;
        }
        let mut fresh = Vec::new();
        for s in &mut record.samples {
            let (value, wide) = match s.varbind.value {
                Value::Counter32(v) => (u64::from(v), false),
                Value::Counter64(v) => (v, true),
                _ => continue,
            };
            let key = oid_key(s.varbind.oid.arcs());
            if let (Some(st), false) = (state, restarted) {
                if let Ok(i) = st.counters.binary_search_by_key(&key, |p| p.key) {
                    let p = st.counters[i];
                    let secs = s.received.saturating_duration_since(p.at).as_secs_f64();
                    if p.wide == wide && secs > 0.0 {
                        s.rate = counter_delta(p.value, value, wide).map(|d| d as f64 / secs);
                    }
                }
            }
            if remember {
                fresh.push(Prev {
                    key,
                    value,
                    wide,
                    at: s.received,
                });
            }
        }
        if !remember {
            self.targets.remove(&record.target);
            return;
        }
        fresh.sort_by_key(|p| p.key);
        fresh.dedup_by_key(|p| p.key);
        let entry = self.targets.entry(record.target.clone()).or_default();
        if record.error.is_some() && !restarted {
            // A partial record: keep the previous values of what this one lacks.
            for p in &entry.counters {
                if fresh.binary_search_by_key(&p.key, |f| f.key).is_err() {
                    fresh.push(*p);
                }
            }
            fresh.sort_by_key(|p| p.key);
        }
        entry.counters = fresh;
        if uptime.is_some() {
            entry.uptime = uptime;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poll::{Record, Sample};
    use crate::{Oid, VarBind};
    use std::time::{Duration, SystemTime};

    fn record(at: Instant, uptime: u32, c32: u32, c64: u64) -> Record {
        let s = |oid: &[u32], value| Sample {
            varbind: VarBind::new(Oid::from_slice(oid), value),
            received: at,
            rate: None,
        };
        Record {
            target: "t:161".into(),
            time: SystemTime::now(),
            duration: Duration::ZERO,
            error: None,
            cycle: 1,
            samples: vec![
                s(&SYS_UPTIME_0, Value::TimeTicks(uptime)),
                s(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 10, 1], Value::Counter32(c32)),
                s(
                    &[1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 1],
                    Value::Counter64(c64),
                ),
            ],
        }
    }

    #[test]
    fn rates_wrap_and_restart() {
        let t0 = Instant::now();
        let mut rt = RateTracker::new();
        let mut r = record(t0, 100, u32::MAX - 999, 5_000);
        rt.apply(&mut r, true);
        assert!(r.samples.iter().all(|s| s.rate.is_none()));
        // 2 s later: the Counter32 wrapped after +2000, the Counter64 gained 4000.
        let mut r = record(t0 + Duration::from_secs(2), 300, 1_000, 9_000);
        rt.apply(&mut r, true);
        assert_eq!(r.samples[1].rate, Some(1000.0));
        assert_eq!(r.samples[2].rate, Some(2000.0));
        assert_eq!(r.samples[0].rate, None);
        // sysUpTime went back: a restart, no rates, new baseline.
        let mut r = record(t0 + Duration::from_secs(4), 50, 10, 10);
        rt.apply(&mut r, true);
        assert!(r.samples.iter().all(|s| s.rate.is_none()));
        assert_eq!(rt.restarts(), 1);
        let mut r = record(t0 + Duration::from_secs(5), 150, 110, 60);
        rt.apply(&mut r, true);
        assert_eq!(r.samples[1].rate, Some(100.0));
        assert_eq!(r.samples[2].rate, Some(50.0));
        // Going backwards without a restart: no rate.
        let mut r = record(t0 + Duration::from_secs(6), 250, 100, 59);
        rt.apply(&mut r, false);
        assert_eq!(r.samples[1].rate, None);
        assert_eq!(r.samples[2].rate, None);
    }

    #[test]
    fn deltas() {
        assert_eq!(counter_delta(5, 7, false), Some(2));
        assert_eq!(counter_delta(u32::MAX.into(), 0, false), Some(1));
        assert_eq!(counter_delta(10, 5, false), None);
        assert_eq!(counter_delta(10, 5, true), None);
    }
}
