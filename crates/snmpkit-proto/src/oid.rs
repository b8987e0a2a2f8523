//! Object identifiers: parsing, display, ordering and prefix tests.

use smallvec::SmallVec;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

/// An SNMP object identifier, such as `1.3.6.1.2.1.1.5.0`.
///
/// Up to 16 arcs are stored inline, so typical OIDs never allocate. OIDs known when the
/// program is written can be constants, built at compile time with no parsing and no
/// allocation, by [`Oid::from_static`] or the [`oid!`](crate::oid!) macro:
///
/// ```
/// use snmpkit_proto::{oid, Oid};
///
/// const SYS_NAME_0: Oid = oid!(1, 3, 6, 1, 2, 1, 1, 5, 0);
/// const IF_TABLE: Oid = Oid::from_static(&[1, 3, 6, 1, 2, 1, 2, 2]);
///
/// assert_eq!(SYS_NAME_0, "1.3.6.1.2.1.1.5.0".parse::<Oid>().unwrap());
/// assert!(IF_TABLE.child(&[1, 2, 3]).starts_with(&IF_TABLE));
/// ```
#[derive(Clone)]
pub struct Oid(Repr);

/// How many arcs an OID holds without a heap allocation.
pub(crate) const INLINE_ARCS: usize = 16;

/// Where the arcs live: a `'static` slice (constants) or an inline-first vector. Every
/// comparison and hash goes through [`Oid::arcs`], so the two forms of one OID are equal.
#[derive(Clone)]
enum Repr {
    Static(&'static [u32]),
    Owned(SmallVec<[u32; INLINE_ARCS]>),
}

impl Default for Oid {
    fn default() -> Self {
        Oid::empty()
    }
}

impl PartialEq for Oid {
    fn eq(&self, other: &Self) -> bool {
        self.arcs() == other.arcs()
    }
}

impl Eq for Oid {}

impl Hash for Oid {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.arcs().hash(state);
    }
}

impl PartialOrd for Oid {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Oid {
    fn cmp(&self, other: &Self) -> Ordering {
        self.arcs().cmp(other.arcs())
    }
}

/// Why a dotted OID string could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OidParseError {
    /// The string had no arcs at all.
    #[error("empty OID")]
    Empty,
    /// An arc was not a decimal number that fits in 32 bits.
    #[error("bad sub-identifier {0:?}")]
    BadArc(String),
    /// More arcs than SNMP allows (128).
    #[error("OID has more than 128 sub-identifiers")]
    TooLong,
}

/// The most sub-identifiers an SNMP OID may have (RFC 2578 §3.5).
pub const MAX_OID_LEN: usize = 128;

/// sysUpTime.0 (RFC 3418), the first varbind of every SNMPv2 notification (RFC 3416 §4.2.6).
pub const SYS_UPTIME_0: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];
/// snmpTrapOID.0 (RFC 3418), the second varbind of every SNMPv2 notification.
pub const SNMP_TRAP_OID_0: [u32; 11] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];

impl Oid {
    /// The empty OID (zero arcs). Not valid on the wire, but useful as a builder start.
    pub const fn empty() -> Self {
        Oid(Repr::Static(&[]))
    }

    /// Builds an OID from a slice of arcs.
    pub fn from_slice(arcs: &[u32]) -> Self {
        Oid(Repr::Owned(SmallVec::from_slice(arcs)))
    }

    /// The first `len` arcs of `buf`, kept inline without a copy (the decoder's fast path).
    /// A `len` past the buffer keeps the whole buffer.
    pub(crate) fn from_inline(buf: [u32; INLINE_ARCS], len: usize) -> Self {
        Oid(Repr::Owned(SmallVec::from_buf_and_len(
            buf,
            len.min(INLINE_ARCS),
        )))
    }

    /// An OID over arcs fixed at compile time: usable in `const` items, never parsed and
    /// never copied until the OID is changed (`push`, `pop`, `extend_from_slice`).
    pub const fn from_static(arcs: &'static [u32]) -> Self {
        Oid(Repr::Static(arcs))
    }

    /// The arcs of this OID.
    pub fn arcs(&self) -> &[u32] {
        match &self.0 {
            Repr::Static(a) => a,
            Repr::Owned(v) => v,
        }
    }

    /// Changes the arcs, copying a static OID's arcs into a vector on its first change.
    fn change(&mut self, f: impl FnOnce(&mut SmallVec<[u32; INLINE_ARCS]>)) {
        if let Repr::Static(a) = self.0 {
            self.0 = Repr::Owned(SmallVec::from_slice(a));
        }
        if let Repr::Owned(v) = &mut self.0 {
            f(v);
        }
    }

    /// The number of arcs.
    pub fn len(&self) -> usize {
        self.arcs().len()
    }

    /// True if there are no arcs.
    pub fn is_empty(&self) -> bool {
        self.arcs().is_empty()
    }

    /// True if `self` starts with all of `prefix`'s arcs (an OID is a prefix of itself).
    pub fn starts_with(&self, prefix: &Oid) -> bool {
        self.arcs().starts_with(prefix.arcs())
    }

    /// Appends one arc.
    pub fn push(&mut self, arc: u32) {
        self.change(|v| v.push(arc));
    }

    /// Appends several arcs.
    pub fn extend_from_slice(&mut self, arcs: &[u32]) {
        self.change(|v| v.extend_from_slice(arcs));
    }

    /// Returns a new OID made of `self` followed by `arcs`.
    pub fn child(&self, arcs: &[u32]) -> Oid {
        let mut v = SmallVec::with_capacity(self.len() + arcs.len());
        v.extend_from_slice(self.arcs());
        v.extend_from_slice(arcs);
        Oid(Repr::Owned(v))
    }

    /// The arcs after `prefix`, if `prefix` is a prefix of `self`.
    pub fn strip_prefix(&self, prefix: &Oid) -> Option<&[u32]> {
        self.arcs().strip_prefix(prefix.arcs())
    }

    /// Drops the last arc, returning it.
    pub fn pop(&mut self) -> Option<u32> {
        match self.0 {
            // No copy needed: a shorter static slice is still static.
            Repr::Static(a) => {
                let (last, rest) = a.split_last()?;
                self.0 = Repr::Static(rest);
                Some(*last)
            }
            Repr::Owned(ref mut v) => v.pop(),
        }
    }

    /// Writes the numeric form with a leading dot (`.1.3.6.1`).
    pub fn to_dotted_leading(&self) -> String {
        let mut s = String::with_capacity(self.len() * 4);
        self.push_dotted_leading(&mut s);
        s
    }

    /// Appends [`to_dotted_leading`](Oid::to_dotted_leading)'s text to `s` without
    /// allocating (beyond growing `s`).
    pub fn push_dotted_leading(&self, s: &mut String) {
        let mut digits = itoa::Buffer::new();
        for a in self.arcs() {
            s.push('.');
            s.push_str(digits.format(*a));
        }
    }
}

impl fmt::Display for Oid {
    /// Dotted decimal without a leading dot: `1.3.6.1.2.1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut digits = itoa::Buffer::new();
        let mut first = true;
        for a in self.arcs() {
            if !first {
                f.write_str(".")?;
            }
            first = false;
            f.write_str(digits.format(*a))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Oid({self})")
    }
}

impl FromStr for Oid {
    type Err = OidParseError;

    /// Parses `1.3.6.1` or `.1.3.6.1`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let t = t.strip_prefix('.').unwrap_or(t);
        if t.is_empty() {
            return Err(OidParseError::Empty);
        }
        let mut v = SmallVec::new();
        for part in t.split('.') {
            let n: u32 = if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse()
                    .map_err(|_| OidParseError::BadArc(part.to_string()))?
            } else {
                return Err(OidParseError::BadArc(part.to_string()));
            };
            v.push(n);
            if v.len() > MAX_OID_LEN {
                return Err(OidParseError::TooLong);
            }
        }
        Ok(Oid(Repr::Owned(v)))
    }
}

impl From<&[u32]> for Oid {
    fn from(a: &[u32]) -> Self {
        Oid::from_slice(a)
    }
}

impl<const N: usize> From<[u32; N]> for Oid {
    fn from(a: [u32; N]) -> Self {
        Oid::from_slice(&a)
    }
}

/// Builds an [`Oid`] from a list of arcs: `oid!(1, 3, 6, 1)`.
///
/// With literal arcs the OID is a compile-time constant (it can initialise a `const`); with
/// other expressions (`oid!(1, 3, 6, 1, 2, 1, 2, 2, 1, 2, if_index)`) it is built at run time.
/// Neither form parses a string.
#[macro_export]
macro_rules! oid {
    ($($arc:literal),* $(,)?) => { $crate::Oid::from_static(&[$($arc),*]) };
    ($($arc:expr),* $(,)?) => { $crate::Oid::from_slice(&[$($arc),*]) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display() {
        let o: Oid = "1.3.6.1.2.1.1.5.0".parse().unwrap();
        assert_eq!(o.arcs(), &[1, 3, 6, 1, 2, 1, 1, 5, 0]);
        assert_eq!(o.to_string(), "1.3.6.1.2.1.1.5.0");
        let o2: Oid = ".1.3.6.1.2.1.1.5.0".parse().unwrap();
        assert_eq!(o, o2);
        assert_eq!(o2.to_dotted_leading(), ".1.3.6.1.2.1.1.5.0");
    }

    #[test]
    fn parse_errors() {
        assert_eq!("".parse::<Oid>(), Err(OidParseError::Empty));
        assert_eq!(".".parse::<Oid>(), Err(OidParseError::Empty));
        assert!(matches!(
            "1..3".parse::<Oid>(),
            Err(OidParseError::BadArc(_))
        ));
        assert!(matches!(
            "1.x.3".parse::<Oid>(),
            Err(OidParseError::BadArc(_))
        ));
        assert!(matches!(
            "1.4294967296".parse::<Oid>(),
            Err(OidParseError::BadArc(_))
        ));
        assert!(matches!(
            "1.-3".parse::<Oid>(),
            Err(OidParseError::BadArc(_))
        ));
        let long = vec!["1"; 129].join(".");
        assert_eq!(long.parse::<Oid>(), Err(OidParseError::TooLong));
    }

    #[test]
    fn static_and_owned_oids_are_the_same_oid() {
        use std::collections::hash_map::DefaultHasher;
        const SYS: Oid = crate::oid!(1, 3, 6, 1, 2, 1, 1);
        let parsed: Oid = "1.3.6.1.2.1.1".parse().unwrap();
        let hash = |o: &Oid| {
            let mut h = DefaultHasher::new();
            o.hash(&mut h);
            h.finish()
        };
        assert_eq!(SYS, parsed);
        assert_eq!(hash(&SYS), hash(&parsed));
        assert_eq!(SYS.cmp(&parsed), Ordering::Equal);
        assert_eq!(Oid::default(), Oid::empty());
        // Changing a constant's copy copies its arcs; the constant stays as it was.
        let mut o = SYS;
        o.push(5);
        assert_eq!(o.to_string(), "1.3.6.1.2.1.1.5");
        assert_eq!(o.pop(), Some(5));
        let mut s = SYS;
        assert_eq!(s.pop(), Some(1));
        assert_eq!(s.to_string(), "1.3.6.1.2.1");
        assert_eq!(SYS.len(), 7);
        let run_time = 7u32;
        assert_eq!(crate::oid!(1, 3, run_time).arcs(), &[1, 3, 7]);
    }

    #[test]
    fn ordering_is_lexicographic_by_arc() {
        let a: Oid = "1.3.6.1.2".parse().unwrap();
        let b: Oid = "1.3.6.1.2.1".parse().unwrap();
        let c: Oid = "1.3.6.1.10".parse().unwrap();
        assert!(a < b);
        assert!(b < c);
        assert!(b.starts_with(&a));
        assert!(!c.starts_with(&a));
        assert_eq!(b.strip_prefix(&a), Some(&[1u32][..]));
    }
}
