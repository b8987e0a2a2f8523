//! Simulated devices: one per local address a request was sent to. Each has its own clock
//! (sysUpTime and varying counters start from the recording when the device is first asked)
//! and its own Set values; the recorded data is shared.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::Instant;

use snmpkit::{Oid, Value};

/// How `--vary` moves Counter32 and Counter64 values. A counter's value is its recorded value
/// plus `rate × seconds since the device was first asked`, wrapping at 2^32 (Counter32) or
/// 2^64 (Counter64), so a poller can compute the exact rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VaryRate {
    /// Each counter keeps the average rate its recording implies: recorded value divided by
    /// the recorded sysUpTime in seconds (at least 1 per second; a recording without
    /// sysUpTime counts as one second old).
    Recorded,
    /// Every counter advances by this many per second (`--vary-rate N`).
    Fixed(u64),
}

impl VaryRate {
    /// The per-second rate of a counter recorded as `recorded` in a recording whose
    /// sysUpTime was `uptime` hundredths of a second.
    pub fn rate(self, recorded: u64, uptime: Option<u32>) -> u64 {
        match self {
            VaryRate::Fixed(r) => r,
            VaryRate::Recorded => {
                let secs = u64::from(uptime.unwrap_or(100) / 100).max(1);
                (recorded / secs).max(1)
            }
        }
    }
}

/// One simulated device's state.
#[derive(Debug)]
pub(crate) struct Device {
    /// When the device was first asked: its sysUpTime and counters move from here.
    pub started: Instant,
    /// Values set on this device, per store: they replace the recorded ones.
    pub overlay: HashMap<(usize, Oid), Value>,
}

impl Device {
    fn new(now: Instant) -> Device {
        Device {
            started: now,
            overlay: HashMap::new(),
        }
    }

    /// Milliseconds since the device started.
    pub fn elapsed_ms(&self, now: Instant) -> u64 {
        u64::try_from(now.saturating_duration_since(self.started).as_millis()).unwrap_or(u64::MAX)
    }
}

/// Every device seen so far, bounded: beyond `max` the oldest is forgotten (its clock and
/// Set values start afresh when it is asked again).
#[derive(Debug)]
pub(crate) struct Devices {
    map: HashMap<IpAddr, Device>,
    order: VecDeque<IpAddr>,
    max: usize,
}

impl Devices {
    pub fn new(max: usize) -> Devices {
        Devices {
            map: HashMap::new(),
            order: VecDeque::new(),
            max: max.max(1),
        }
    }

    /// The device answering at `ip`, created on first use.
    pub fn get(&mut self, ip: IpAddr, now: Instant) -> &mut Device {
        if !self.map.contains_key(&ip) {
            while self.map.len() >= self.max {
                match self.order.pop_front() {
                    Some(old) => {
                        self.map.remove(&old);
                    }
                    None => break,
                }
            }
            self.order.push_back(ip);
        }
        self.map.entry(ip).or_insert_with(|| Device::new(now))
    }

    /// How many devices exist.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.map.len()
    }
}

/// A counter moved on by `rate` per second for `ms` milliseconds.
pub(crate) fn advance(v: &Value, rate: u64, ms: u64) -> Value {
    let delta = (u128::from(rate) * u128::from(ms) / 1000) as u64;
    match v {
        Value::Counter32(c) => Value::Counter32(c.wrapping_add(delta as u32)),
        Value::Counter64(c) => Value::Counter64(c.wrapping_add(delta)),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn rates_and_wrap() {
        assert_eq!(VaryRate::Fixed(7).rate(123, Some(100)), 7);
        assert_eq!(VaryRate::Recorded.rate(10_000, Some(1000)), 1000);
        assert_eq!(VaryRate::Recorded.rate(0, Some(1000)), 1);
        assert_eq!(VaryRate::Recorded.rate(500, None), 500);
        assert_eq!(
            advance(&Value::Counter32(u32::MAX - 1), 1000, 2000),
            Value::Counter32(1998)
        );
        assert_eq!(advance(&Value::Counter64(5), 3, 1500), Value::Counter64(9));
    }

    #[test]
    fn devices_are_bounded() {
        let now = Instant::now();
        let mut d = Devices::new(3);
        for i in 1..=5u8 {
            d.get(IpAddr::from([127, 0, 0, i]), now);
        }
        assert_eq!(d.len(), 3);
        let later = now + Duration::from_secs(1);
        // 127.0.0.1 was forgotten: it starts afresh.
        assert_eq!(d.get(IpAddr::from([127, 0, 0, 1]), later).started, later);
        assert_eq!(d.get(IpAddr::from([127, 0, 0, 5]), later).started, now);
    }
}
