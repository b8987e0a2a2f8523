//! Storm control, sans-I/O (every call takes `now`): [`Dedup`] drops a notification identical
//! to one forwarded within a window, [`RateLimit`] forwards at most N a second per source and
//! reports each storm once it ends. Both keep bounded tables.

use crate::notify::{Notification, SNMP_TRAP_OID_0, SYS_UPTIME_0};
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::net::IpAddr;
use std::time::{Duration, Instant, SystemTime};

/// Entries [`Dedup`] remembers at most; the oldest go first.
pub const DEDUP_CAPACITY: usize = 65_536;
/// Sources [`RateLimit`] tracks at most. Beyond it a new source is not limited (and counted
/// as untracked) until idle ones are forgotten: memory stays bounded under a spoofed flood.
pub const RATE_LIMIT_SOURCES: usize = 16_384;

/// What makes two notifications "identical" for [`Dedup`]: the source IP address (not the
/// port: senders use a new port per message), the trap OID, the v1 enterprise, agent-addr,
/// generic and specific trap, and every varbind except sysUpTime.0 and snmpTrapOID.0 (whose
/// value is the trap OID). The request-id, the v1 time-stamp and the community are left out.
pub fn identity(n: &Notification) -> u64 {
    let mut h = DefaultHasher::new();
    n.source.ip().hash(&mut h);
    n.trap_oid.hash(&mut h);
    if let Some(v1) = &n.v1 {
        (
            &v1.enterprise,
            v1.agent_addr,
            v1.generic_trap,
            v1.specific_trap,
        )
            .hash(&mut h);
    }
    for vb in &n.varbinds {
        if vb.oid.arcs() == SYS_UPTIME_0 || vb.oid.arcs() == SNMP_TRAP_OID_0 {
            continue;
        }
        vb.hash(&mut h);
    }
    h.finish()
}

/// Drops repeats: the first copy of a notification opens a window of `window`; identical
/// ones within it are duplicates. The next copy after the window is forwarded and opens a new
/// window, so a steady repeat is forwarded once per window.
#[derive(Debug)]
pub struct Dedup {
    window: Duration,
    capacity: usize,
    seen: HashMap<u64, Instant>,
    order: VecDeque<(u64, Instant)>,
}

impl Dedup {
    /// A filter with the given window, remembering at most [`DEDUP_CAPACITY`] notifications.
    pub fn new(window: Duration) -> Dedup {
        Dedup::with_capacity(window, DEDUP_CAPACITY)
    }

    /// A filter remembering at most `capacity` notifications.
    pub fn with_capacity(window: Duration, capacity: usize) -> Dedup {
        Dedup {
            window,
            capacity: capacity.max(1),
            seen: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// True when `n` repeats one forwarded within the window (drop it); false when it is to
    /// be forwarded (it is remembered).
    pub fn is_duplicate(&mut self, n: &Notification, now: Instant) -> bool {
        self.check(identity(n), now)
    }

    /// [`Dedup::is_duplicate`] on a precomputed [`identity`].
    pub fn check(&mut self, key: u64, now: Instant) -> bool {
        while let Some(&(k, t)) = self.order.front() {
            let expired = now.saturating_duration_since(t) >= self.window;
            if !expired && self.order.len() < self.capacity {
                break;
            }
            self.order.pop_front();
            if self.seen.get(&k) == Some(&t) {
                self.seen.remove(&k);
            }
        }
        if let Some(t) = self.seen.get(&key) {
            if now.saturating_duration_since(*t) < self.window {
                return true;
            }
        }
        self.seen.insert(key, now);
        self.order.push_back((key, now));
        false
    }

    /// Notifications remembered now.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// True when nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

/// The end of a storm: how many notifications one source had suppressed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StormReport {
    /// The source address.
    pub source: IpAddr,
    /// Notifications suppressed during the storm.
    pub suppressed: u64,
    /// Notifications forwarded during the storm (at most the limit per second).
    pub forwarded: u64,
    /// The first suppressed notification's arrival (wall clock).
    pub started: SystemTime,
    /// The last suppressed notification's arrival.
    pub ended: SystemTime,
}

#[derive(Debug)]
struct Source {
    /// The start of the current one-second window.
    window: Instant,
    in_window: u32,
    /// The current storm: suppressed and forwarded since it began, first and last
    /// suppression.
    suppressed: u64,
    forwarded: u64,
    started: SystemTime,
    last_suppressed: (Instant, SystemTime),
    last_seen: Instant,
}

/// At most `limit` notifications per second from one source IP address are forwarded; the
/// rest are suppressed and counted. Windows are whole seconds from a source's first
/// notification, so a burst that straddles two windows can pass up to twice the limit.
/// A storm ends when a source has had a whole second without suppression; [`RateLimit::tick`]
/// then returns its [`StormReport`].
#[derive(Debug)]
pub struct RateLimit {
    limit: u32,
    capacity: usize,
    sources: HashMap<IpAddr, Source>,
    untracked: u64,
    suppressed_total: u64,
}

impl RateLimit {
    /// A limiter forwarding at most `limit` notifications per second per source.
    pub fn new(limit: u32) -> RateLimit {
        RateLimit::with_capacity(limit, RATE_LIMIT_SOURCES)
    }

    /// A limiter tracking at most `capacity` sources.
    pub fn with_capacity(limit: u32, capacity: usize) -> RateLimit {
        RateLimit {
            limit,
            capacity: capacity.max(1),
            sources: HashMap::new(),
            untracked: 0,
            suppressed_total: 0,
        }
    }

    /// True when the notification from `source` is to be suppressed.
    pub fn suppress(&mut self, source: IpAddr, now: Instant, wall: SystemTime) -> bool {
        if !self.sources.contains_key(&source) && self.sources.len() >= self.capacity {
            self.forget_idle(now);
            if self.sources.len() >= self.capacity {
                self.untracked += 1;
                return false;
            }
        }
        let s = self.sources.entry(source).or_insert(Source {
            window: now,
            in_window: 0,
            suppressed: 0,
            forwarded: 0,
            started: wall,
            last_suppressed: (now, wall),
            last_seen: now,
        });
        s.last_seen = now;
        if now.saturating_duration_since(s.window) >= Duration::from_secs(1) {
            // Whole seconds since the window began, so windows stay aligned.
            let secs = now.saturating_duration_since(s.window).as_secs();
            s.window += Duration::from_secs(secs);
            s.in_window = 0;
        }
        if s.in_window < self.limit {
            s.in_window += 1;
            if s.suppressed > 0 {
                s.forwarded += 1;
            }
            return false;
        }
        if s.suppressed == 0 {
            s.started = wall;
            s.forwarded = u64::from(s.in_window);
        }
        s.suppressed += 1;
        s.last_suppressed = (now, wall);
        self.suppressed_total += 1;
        true
    }

    /// Ends the storms of sources that had a whole second without suppression and returns
    /// their reports; forgets sources idle for two seconds. Call it about once a second.
    pub fn tick(&mut self, now: Instant) -> Vec<StormReport> {
        let mut ended = Vec::new();
        for (ip, s) in self.sources.iter_mut() {
            if s.suppressed > 0
                && now.saturating_duration_since(s.last_suppressed.0) >= Duration::from_secs(1)
            {
                ended.push(StormReport {
                    source: *ip,
                    suppressed: s.suppressed,
                    forwarded: s.forwarded,
                    started: s.started,
                    ended: s.last_suppressed.1,
                });
                s.suppressed = 0;
                s.forwarded = 0;
            }
        }
        self.forget_idle(now);
        ended.sort_by_key(|r| r.source);
        ended
    }

    /// Ends every storm now (at shutdown).
    pub fn finish(&mut self) -> Vec<StormReport> {
        let mut ended: Vec<StormReport> = self
            .sources
            .iter_mut()
            .filter(|(_, s)| s.suppressed > 0)
            .map(|(ip, s)| {
                let r = StormReport {
                    source: *ip,
                    suppressed: s.suppressed,
                    forwarded: s.forwarded,
                    started: s.started,
                    ended: s.last_suppressed.1,
                };
                s.suppressed = 0;
                r
            })
            .collect();
        ended.sort_by_key(|r| r.source);
        ended
    }

    fn forget_idle(&mut self, now: Instant) {
        self.sources.retain(|_, s| {
            s.suppressed > 0 || now.saturating_duration_since(s.last_seen) < Duration::from_secs(2)
        });
    }

    /// Suppressed notifications since the start, all sources.
    pub fn suppressed_total(&self) -> u64 {
        self.suppressed_total
    }

    /// Notifications not limited because the source table was full.
    pub fn untracked(&self) -> u64 {
        self.untracked
    }

    /// Sources tracked now.
    pub fn sources(&self) -> usize {
        self.sources.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Version;
    use crate::notify::{NotificationKind, Sender};
    use crate::{Oid, Value, VarBind};

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    fn note(src: &str, uptime: u32, request_id: i32, value: i32) -> Notification {
        Notification {
            received_at: SystemTime::now(),
            source: src.parse().unwrap(),
            local: "127.0.0.1:162".parse().unwrap(),
            version: Version::V2c,
            kind: NotificationKind::TrapV2,
            sender: Sender::Community(b"public".to_vec()),
            request_id,
            trap_oid: Some(oid("1.3.6.1.6.3.1.1.5.3")),
            uptime: Some(uptime),
            v1: None,
            varbinds: vec![
                VarBind::new(oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(uptime)),
                VarBind::new(
                    oid("1.3.6.1.6.3.1.1.4.1.0"),
                    Value::ObjectIdentifier(oid("1.3.6.1.6.3.1.1.5.3")),
                ),
                VarBind::new(oid("1.3.6.1.2.1.2.2.1.1.2"), Value::Integer(value.into())),
            ],
        }
    }

    #[test]
    fn identity_ignores_uptime_request_id_and_port_only() {
        let a = note("10.0.0.1:1000", 5, 1, 2);
        assert_eq!(identity(&a), identity(&note("10.0.0.1:2000", 99, 7, 2)));
        assert_ne!(identity(&a), identity(&note("10.0.0.2:1000", 5, 1, 2)));
        assert_ne!(identity(&a), identity(&note("10.0.0.1:1000", 5, 1, 3)));
        let mut other = a.clone();
        other.trap_oid = Some(oid("1.3.6.1.6.3.1.1.5.4"));
        assert_ne!(identity(&a), identity(&other));
    }

    #[test]
    fn dedup_forwards_once_per_window() {
        let mut d = Dedup::new(Duration::from_secs(10));
        let t0 = Instant::now();
        let dups = (0..50)
            .filter(|i| d.is_duplicate(&note("10.0.0.1:1", *i, *i as i32, 2), t0))
            .count();
        assert_eq!(dups, 49);
        // Another value is another notification.
        assert!(!d.is_duplicate(&note("10.0.0.1:1", 0, 0, 3), t0));
        // Still inside the window, then past it: forwarded again, which opens a new window.
        assert!(d.is_duplicate(&note("10.0.0.1:1", 0, 0, 2), t0 + Duration::from_secs(9)));
        assert!(!d.is_duplicate(&note("10.0.0.1:1", 0, 0, 2), t0 + Duration::from_secs(10)));
        assert!(d.is_duplicate(&note("10.0.0.1:1", 0, 0, 2), t0 + Duration::from_secs(11)));
    }

    #[test]
    fn dedup_memory_is_bounded() {
        let mut d = Dedup::with_capacity(Duration::from_secs(3600), 100);
        let t0 = Instant::now();
        for i in 0..10_000 {
            assert!(!d.check(i, t0));
            assert!(d.len() <= 100 && d.order.len() <= 100);
        }
        // The oldest were forgotten, the newest are still known.
        assert!(!d.check(0, t0));
        assert!(d.check(9_999, t0));
    }

    #[test]
    fn rate_limit_per_source_and_storm_report() {
        let mut r = RateLimit::new(100);
        let t0 = Instant::now();
        let wall = SystemTime::now();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let mut passed = 0;
        for i in 0..3000u32 {
            let at = t0 + Duration::from_micros(u64::from(i) * 300); // 0.9 s in all
            if !r.suppress(a, at, wall) {
                passed += 1;
            }
            if i == 1500 {
                assert!(!r.suppress(b, at, wall), "another source is not limited");
            }
        }
        assert_eq!(passed, 100);
        assert_eq!(r.suppressed_total(), 2900);
        // The storm is not over while suppression goes on ...
        assert!(r.tick(t0 + Duration::from_millis(950)).is_empty());
        // ... and is reported once a whole second passed without any.
        let ended = r.tick(t0 + Duration::from_millis(2000));
        assert_eq!(ended.len(), 1);
        assert_eq!(ended[0].source, a);
        assert_eq!(ended[0].suppressed, 2900);
        assert_eq!(ended[0].forwarded, 100);
        assert!(r.tick(t0 + Duration::from_millis(3000)).is_empty());
        // The next second has a fresh allowance.
        assert!(!r.suppress(a, t0 + Duration::from_millis(3100), wall));
    }

    #[test]
    fn rate_limit_table_is_bounded() {
        let mut r = RateLimit::with_capacity(1, 10);
        let t0 = Instant::now();
        let wall = SystemTime::now();
        for i in 0..1000u32 {
            let ip = IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            r.suppress(ip, t0, wall);
            assert!(r.sources() <= 10);
        }
        assert_eq!(r.untracked(), 990);
        // Idle sources are forgotten, and new ones tracked again.
        r.tick(t0 + Duration::from_secs(3));
        assert_eq!(r.sources(), 0);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(!r.suppress(ip, t0 + Duration::from_secs(3), wall));
        assert!(r.suppress(ip, t0 + Duration::from_secs(3), wall));
    }
}
