//! Keys: password-to-key (RFC 3414 §A.2, RFC 7860 §9.3), localization (RFC 3414 §2.6), privacy
//! key extension for AES-192/256, and the process-wide key caches.

use std::fmt;
use std::sync::{Arc, Mutex};

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::auth::AuthProtocol;
use super::privacy::{KeyExtension, PrivProtocol};
use super::UsmError;

/// The shortest passphrase USM accepts (RFC 3414 §11.2; net-snmp refuses shorter ones too).
pub const MIN_PASSPHRASE_LEN: usize = 8;

/// The number of octets the passphrase is stretched to before hashing (RFC 3414 §A.2.1).
const EXPANSION: usize = 1_048_576;

/// A user's master key Ku: the passphrase hashed over 1 MiB (RFC 3414 §2.6). Wiped on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct MasterKey {
    #[zeroize(skip)]
    proto: AuthProtocol,
    bytes: Vec<u8>,
}

impl MasterKey {
    /// Wraps raw master key octets (as net-snmp's `-3m` takes them) for `proto`.
    pub fn from_bytes(proto: AuthProtocol, bytes: &[u8]) -> Self {
        MasterKey {
            proto,
            bytes: bytes.to_vec(),
        }
    }

    /// The hash the key was made with.
    pub fn protocol(&self) -> AuthProtocol {
        self.proto
    }

    /// The key octets.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MasterKey({}, <redacted>)", self.proto)
    }
}

/// A key localized to one authoritative engine, Kul = H(Ku || engineID || Ku) (RFC 3414 §2.6).
/// Used as the authentication key and, after any extension, as the privacy key. Wiped on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct LocalizedKey {
    #[zeroize(skip)]
    proto: AuthProtocol,
    bytes: Vec<u8>,
}

impl LocalizedKey {
    /// Wraps raw localized key octets (as net-snmp's `-3k` takes them) for `proto`.
    pub fn from_bytes(proto: AuthProtocol, bytes: &[u8]) -> Self {
        LocalizedKey {
            proto,
            bytes: bytes.to_vec(),
        }
    }

    /// The hash the key was made with.
    pub fn protocol(&self) -> AuthProtocol {
        self.proto
    }

    /// The key octets.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for LocalizedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LocalizedKey({}, <redacted>)", self.proto)
    }
}

/// Turns a passphrase into a master key: the passphrase repeated to fill 1 MiB, hashed with
/// `proto`'s hash (RFC 3414 §A.2.1 for MD5, §A.2.2 for SHA-1, and the same for SHA-2 per
/// RFC 7860 §9.3). Costs about a millisecond or more; [`password_to_key_cached`] avoids repeats.
///
/// Fails with [`UsmError::PassphraseTooShort`] for passphrases under 8 octets.
pub fn password_to_key(proto: AuthProtocol, passphrase: &[u8]) -> Result<MasterKey, UsmError> {
    if passphrase.len() < MIN_PASSPHRASE_LEN {
        return Err(UsmError::PassphraseTooShort);
    }
    Ok(MasterKey {
        proto,
        bytes: expand_and_hash(proto, passphrase),
    })
}

/// The 1 MiB expansion itself, without the length rule (the Reeder extension feeds it keys).
fn expand_and_hash(proto: AuthProtocol, passphrase: &[u8]) -> Vec<u8> {
    // Build one period-aligned run of the repeated passphrase long enough that feeding it in
    // slices is cheap, then hash EXPANSION octets of the infinite repetition.
    if passphrase.is_empty() {
        return proto.hash(&[]);
    }
    let n = passphrase.len();
    let mut run = Zeroizing::new(Vec::with_capacity(4096 + n));
    while run.len() < 4096 {
        run.extend_from_slice(passphrase);
    }
    // `run` starts at phase 0; take whole multiples of n so every chunk starts at phase 0.
    let chunk = (run.len() / n) * n;
    let mut hasher = Hasher::new(proto);
    let mut left = EXPANSION;
    while left > 0 {
        let take = left.min(chunk);
        if let Some(part) = run.get(..take) {
            hasher.update(part);
        }
        left -= take;
    }
    hasher.finish()
}

/// A running hash for any auth protocol (so the expansion streams instead of allocating 1 MiB).
enum Hasher {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl Hasher {
    fn new(p: AuthProtocol) -> Self {
        use sha2::Digest;
        match p {
            AuthProtocol::Md5 => Hasher::Md5(md5::Md5::new()),
            AuthProtocol::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            AuthProtocol::Sha224 => Hasher::Sha224(sha2::Sha224::new()),
            AuthProtocol::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            AuthProtocol::Sha384 => Hasher::Sha384(sha2::Sha384::new()),
            AuthProtocol::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }

    fn update(&mut self, data: &[u8]) {
        use sha2::Digest;
        match self {
            Hasher::Md5(h) => h.update(data),
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha224(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha384(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }

    fn finish(self) -> Vec<u8> {
        use sha2::Digest;
        match self {
            Hasher::Md5(h) => h.finalize().to_vec(),
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha224(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha384(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

/// Localizes a master key to an authoritative engine: H(Ku || engineID || Ku) with `proto`'s
/// hash (RFC 3414 §2.6, §A.2).
pub fn localize(proto: AuthProtocol, master: &MasterKey, engine_id: &[u8]) -> LocalizedKey {
    LocalizedKey {
        proto,
        bytes: proto.hash(&[&master.bytes, engine_id, &master.bytes]),
    }
}

/// Derives the privacy key of `priv_proto` from a localized key: truncated when the localized
/// key is long enough, otherwise extended as the protocol says (draft-blumenthal-aes-usm-04
/// §3.1.2.1 or draft-reeder-snmpv3-usm-3desede-00 §2.1).
pub(crate) fn privacy_key(
    priv_proto: PrivProtocol,
    localized: &LocalizedKey,
    engine_id: &[u8],
) -> Zeroizing<Vec<u8>> {
    let proto = localized.proto;
    let need = priv_proto.key_len();
    let mut key = Zeroizing::new(localized.bytes.clone());
    while key.len() < need {
        let more = match priv_proto.extension() {
            KeyExtension::Blumenthal => proto.hash(&[&key]),
            KeyExtension::Reeder => {
                let ku = MasterKey {
                    proto,
                    bytes: expand_and_hash(proto, &key),
                };
                localize(proto, &ku, engine_id).bytes.clone()
            }
        };
        if more.is_empty() {
            break;
        }
        key.extend_from_slice(&more);
    }
    key.truncate(need);
    key
}

// ---- Process-wide caches -------------------------------------------------------------------

/// How many entries each cache keeps before evicting the least recently used.
const CACHE_CAPACITY: usize = 128;

/// A small bounded LRU map. Lookups are linear; it holds at most a few hundred entries.
struct Lru<K, V> {
    entries: Vec<(K, V)>,
}

impl<K: PartialEq, V: Clone> Lru<K, V> {
    const fn new() -> Self {
        Lru {
            entries: Vec::new(),
        }
    }

    fn get(&mut self, k: &K) -> Option<V> {
        let i = self.entries.iter().position(|(ek, _)| ek == k)?;
        let e = self.entries.remove(i);
        let v = e.1.clone();
        self.entries.push(e);
        Some(v)
    }

    fn put(&mut self, k: K, v: V) {
        if let Some(i) = self.entries.iter().position(|(ek, _)| *ek == k) {
            self.entries.remove(i);
        }
        if self.entries.len() >= CACHE_CAPACITY {
            self.entries.remove(0);
        }
        self.entries.push((k, v));
    }
}

/// Cache key for master keys: protocol and passphrase (wiped when evicted).
type MasterCacheKey = (AuthProtocol, Zeroizing<Vec<u8>>);
/// Cache key for derived keys: engine, auth protocol, privacy protocol (None for the auth key),
/// master key octets.
type DerivedCacheKey = (
    Vec<u8>,
    AuthProtocol,
    Option<PrivProtocol>,
    Zeroizing<Vec<u8>>,
);

static MASTER_CACHE: Mutex<Lru<MasterCacheKey, Arc<MasterKey>>> = Mutex::new(Lru::new());
static DERIVED_CACHE: Mutex<Lru<DerivedCacheKey, Arc<Zeroizing<Vec<u8>>>>> = Mutex::new(Lru::new());

/// [`password_to_key`] through a process-wide cache keyed by (passphrase, protocol), since the
/// 1 MiB expansion is the costly step of every v3 exchange.
pub fn password_to_key_cached(
    proto: AuthProtocol,
    passphrase: &[u8],
) -> Result<Arc<MasterKey>, UsmError> {
    if passphrase.len() < MIN_PASSPHRASE_LEN {
        return Err(UsmError::PassphraseTooShort);
    }
    let k: MasterCacheKey = (proto, Zeroizing::new(passphrase.to_vec()));
    if let Some(v) = lock(&MASTER_CACHE).get(&k) {
        return Ok(v);
    }
    // Computed outside the lock so other threads are not held up for the expansion.
    let v = Arc::new(password_to_key(proto, passphrase)?);
    lock(&MASTER_CACHE).put(k, Arc::clone(&v));
    Ok(v)
}

/// The localized authentication key (`priv_proto` None) or the finished privacy key for one
/// engine, through a process-wide cache.
pub(crate) fn derived_cached(
    master: &MasterKey,
    engine_id: &[u8],
    priv_proto: Option<PrivProtocol>,
) -> Arc<Zeroizing<Vec<u8>>> {
    let k: DerivedCacheKey = (
        engine_id.to_vec(),
        master.proto,
        priv_proto,
        Zeroizing::new(master.bytes.clone()),
    );
    if let Some(v) = lock(&DERIVED_CACHE).get(&k) {
        return v;
    }
    let local = localize(master.proto, master, engine_id);
    let v = Arc::new(match priv_proto {
        None => Zeroizing::new(local.bytes.clone()),
        Some(p) => privacy_key(p, &local, engine_id),
    });
    lock(&DERIVED_CACHE).put(k, Arc::clone(&v));
    v
}

/// Locks a cache, recovering from poisoning (the caches hold no invariants a panic can break).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
