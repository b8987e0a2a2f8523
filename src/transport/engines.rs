//! What a manager has learned about SNMPv3 authoritative engines, per agent address: the
//! engine ID, a clock estimate and msgMaxSize. Bounded, least recently used entries go first,
//! and entries can expire. Sans-I/O: every method that needs the time takes `now`.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

pub use crate::engine::EngineInfo;

/// The capacity of [`EngineCache::shared`].
pub const DEFAULT_ENGINE_CAPACITY: usize = 10_000;

struct Entry {
    info: EngineInfo,
    stored: Instant,
    tick: u64,
}

struct Lru {
    map: HashMap<SocketAddr, Entry>,
    /// Recency order: tick of last use → address.
    order: BTreeMap<u64, SocketAddr>,
    tick: u64,
    capacity: usize,
    ttl: Option<Duration>,
}

impl Lru {
    fn touch(&mut self, addr: SocketAddr) {
        self.tick += 1;
        let tick = self.tick;
        if let Some(e) = self.map.get_mut(&addr) {
            self.order.remove(&e.tick);
            e.tick = tick;
            self.order.insert(tick, addr);
        }
    }

    fn remove(&mut self, addr: &SocketAddr) -> Option<Entry> {
        let e = self.map.remove(addr)?;
        self.order.remove(&e.tick);
        Some(e)
    }
}

/// A bounded cache of [`EngineInfo`] by agent address, shared by the clients of a
/// [`Transport`](super::Transport) (cheap to clone: clones share the entries).
///
/// When full, the least recently used entry makes room; with a time-to-live, an entry not
/// refreshed within it is forgotten (the next request discovers the engine again).
///
/// ```
/// use snmpkit::transport::{EngineCache, EngineInfo};
/// use snmpkit::usm::EngineTime;
/// use std::time::Instant;
/// let cache = EngineCache::new(2, None);
/// let now = Instant::now();
/// for port in [1, 2, 3] {
///     let addr = ([127, 0, 0, 1], port).into();
///     cache.insert(addr, EngineInfo::new(vec![0x80, port as u8], EngineTime::new(1, 0, now)), now);
/// }
/// assert_eq!(cache.len(), 2);
/// assert!(cache.get(&([127, 0, 0, 1], 1).into(), now).is_none());
/// ```
#[derive(Clone)]
pub struct EngineCache {
    inner: Arc<Mutex<Lru>>,
}

impl std::fmt::Debug for EngineCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineCache")
            .field("len", &self.len())
            .finish()
    }
}

impl Default for EngineCache {
    /// The process-wide [`EngineCache::shared`] cache.
    fn default() -> Self {
        EngineCache::shared()
    }
}

impl EngineCache {
    /// A private cache of at most `capacity` engines (at least 1), whose entries expire `ttl`
    /// after they were last learned (never, with `None`).
    pub fn new(capacity: usize, ttl: Option<Duration>) -> Self {
        EngineCache {
            inner: Arc::new(Mutex::new(Lru {
                map: HashMap::new(),
                order: BTreeMap::new(),
                tick: 0,
                capacity: capacity.max(1),
                ttl,
            })),
        }
    }

    /// The cache every [`Transport::new`](super::Transport::new) shares in this process:
    /// [`DEFAULT_ENGINE_CAPACITY`] engines, least recently used first out, no expiry.
    pub fn shared() -> Self {
        static SHARED: OnceLock<EngineCache> = OnceLock::new();
        SHARED
            .get_or_init(|| EngineCache::new(DEFAULT_ENGINE_CAPACITY, None))
            .clone()
    }

    /// The engine at `addr`, unless unknown or expired at `now`. Counts as a use.
    pub fn get(&self, addr: &SocketAddr, now: Instant) -> Option<EngineInfo> {
        let mut lru = self.inner.lock().ok()?;
        let ttl = lru.ttl;
        let expired = match (lru.map.get(addr), ttl) {
            (None, _) => return None,
            (Some(e), Some(ttl)) => now.saturating_duration_since(e.stored) > ttl,
            (Some(_), None) => false,
        };
        if expired {
            lru.remove(addr);
            return None;
        }
        lru.touch(*addr);
        lru.map.get(addr).map(|e| e.info.clone())
    }

    /// Stores what was learned about the engine at `addr` at `now`, evicting the least
    /// recently used entry when full.
    pub fn insert(&self, addr: SocketAddr, info: EngineInfo, now: Instant) {
        let Ok(mut lru) = self.inner.lock() else {
            return;
        };
        lru.remove(&addr);
        while lru.map.len() >= lru.capacity {
            let Some((_, oldest)) = lru.order.pop_first() else {
                break;
            };
            lru.map.remove(&oldest);
        }
        lru.tick += 1;
        let tick = lru.tick;
        lru.order.insert(tick, addr);
        lru.map.insert(
            addr,
            Entry {
                info,
                stored: now,
                tick,
            },
        );
    }

    /// Forgets the engine at `addr`.
    pub fn remove(&self, addr: &SocketAddr) {
        if let Ok(mut lru) = self.inner.lock() {
            lru.remove(addr);
        }
    }

    /// How many engines are cached.
    pub fn len(&self) -> usize {
        self.inner.lock().map(|l| l.map.len()).unwrap_or(0)
    }

    /// Whether no engine is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usm::EngineTime;

    fn addr(port: u16) -> SocketAddr {
        ([127, 0, 0, 1], port).into()
    }

    fn info(id: u8, now: Instant) -> EngineInfo {
        EngineInfo::new(vec![0x80, id], EngineTime::new(1, 100, now))
    }

    #[test]
    fn least_recently_used_goes_first() {
        let now = Instant::now();
        let c = EngineCache::new(3, None);
        for p in 1..=3 {
            c.insert(addr(p), info(p as u8, now), now);
        }
        // Use 1, so 2 is the oldest in use.
        assert!(c.get(&addr(1), now).is_some());
        c.insert(addr(4), info(4, now), now);
        assert_eq!(c.len(), 3);
        assert!(c.get(&addr(2), now).is_none());
        for p in [1, 3, 4] {
            assert_eq!(c.get(&addr(p), now).unwrap().engine_id, vec![0x80, p as u8]);
        }
        // Replacing an entry does not evict another one.
        c.insert(addr(3), info(9, now), now);
        assert_eq!(c.len(), 3);
        assert_eq!(c.get(&addr(3), now).unwrap().engine_id, vec![0x80, 9]);
    }

    #[test]
    fn entries_expire_after_their_ttl() {
        let now = Instant::now();
        let c = EngineCache::new(10, Some(Duration::from_secs(60)));
        c.insert(addr(1), info(1, now), now);
        assert!(c.get(&addr(1), now + Duration::from_secs(59)).is_some());
        assert!(c.get(&addr(1), now + Duration::from_secs(61)).is_none());
        assert!(c.is_empty());
    }

    #[test]
    fn a_full_cache_is_never_cleared_at_once() {
        let now = Instant::now();
        let c = EngineCache::new(100, None);
        for p in 0..1000u16 {
            c.insert(addr(p), info(p as u8, now), now);
            assert!(c.len() <= 100);
        }
        // The last hundred survive.
        assert_eq!(c.len(), 100);
        assert!(c.get(&addr(999), now).is_some());
        assert!(c.get(&addr(900), now).is_some());
        assert!(c.get(&addr(899), now).is_none());
    }
}
