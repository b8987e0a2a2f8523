//! Object identifiers: parsing, display, ordering and prefix tests.

use smallvec::SmallVec;
use std::fmt;
use std::str::FromStr;

/// An SNMP object identifier, such as `1.3.6.1.2.1.1.5.0`.
///
/// Up to 16 arcs are stored inline, so typical OIDs never allocate.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Oid(SmallVec<[u32; 16]>);

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

impl Oid {
    /// The empty OID (zero arcs). Not valid on the wire, but useful as a builder start.
    pub fn empty() -> Self {
        Oid(SmallVec::new())
    }

    /// Builds an OID from a slice of arcs.
    pub fn from_slice(arcs: &[u32]) -> Self {
        Oid(SmallVec::from_slice(arcs))
    }

    /// The arcs of this OID.
    pub fn arcs(&self) -> &[u32] {
        &self.0
    }

    /// The number of arcs.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True if there are no arcs.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True if `self` starts with all of `prefix`'s arcs (an OID is a prefix of itself).
    pub fn starts_with(&self, prefix: &Oid) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// Appends one arc.
    pub fn push(&mut self, arc: u32) {
        self.0.push(arc);
    }

    /// Appends several arcs.
    pub fn extend_from_slice(&mut self, arcs: &[u32]) {
        self.0.extend_from_slice(arcs);
    }

    /// Returns a new OID made of `self` followed by `arcs`.
    pub fn child(&self, arcs: &[u32]) -> Oid {
        let mut o = self.clone();
        o.extend_from_slice(arcs);
        o
    }

    /// The arcs after `prefix`, if `prefix` is a prefix of `self`.
    pub fn strip_prefix(&self, prefix: &Oid) -> Option<&[u32]> {
        self.0.strip_prefix(&prefix.0[..])
    }

    /// Drops the last arc, returning it.
    pub fn pop(&mut self) -> Option<u32> {
        self.0.pop()
    }

    /// Writes the numeric form with a leading dot (`.1.3.6.1`).
    pub fn to_dotted_leading(&self) -> String {
        let mut s = String::with_capacity(self.0.len() * 3);
        for a in self.0.iter() {
            s.push('.');
            push_u32(&mut s, *a);
        }
        s
    }
}

pub(crate) fn push_u32(s: &mut String, v: u32) {
    use std::fmt::Write;
    let _ = write!(s, "{v}");
}

impl fmt::Display for Oid {
    /// Dotted decimal without a leading dot: `1.3.6.1.2.1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for a in self.0.iter() {
            if !first {
                f.write_str(".")?;
            }
            first = false;
            write!(f, "{a}")?;
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
        Ok(Oid(v))
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

/// Builds an [`Oid`] from a literal list of arcs: `oid!(1, 3, 6, 1)`.
#[macro_export]
macro_rules! oid {
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
