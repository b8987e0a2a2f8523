//! The recorded data an agent serves: an ordered map of OID to value per recording, and what
//! it takes to answer Get (noSuchObject versus noSuchInstance) and GetNext (a range scan).

use std::collections::{btree_map, BTreeMap, HashSet};
use std::ops::Bound;

use snmpkit::mib::{Mib, NodeKind};
use snmpkit::{Oid, Value};

pub(crate) use snmpkit::SYS_UPTIME_0;

/// One recording, ready to serve. Shared (read-only) by every simulated device; what a device
/// changes lives in its own overlay.
#[derive(Debug, Default)]
pub struct Store {
    map: BTreeMap<Oid, Value>,
    /// The object (scalar or column) of every stored instance: a Get below one of these that
    /// finds nothing is noSuchInstance, anything else noSuchObject (as snmpd answers).
    objects: HashSet<Oid>,
    /// The recorded sysUpTime.0, in hundredths of a second.
    recorded_uptime: Option<u32>,
}

impl Store {
    /// Builds a store from recorded bindings; a later duplicate OID replaces an earlier one.
    /// `mib` tells where an instance's object ends (for noSuchInstance); OIDs it does not know
    /// are taken as object plus one index arc.
    pub fn new(bindings: impl IntoIterator<Item = (Oid, Value)>, mib: &Mib) -> Store {
        let mut s = Store::default();
        for (oid, value) in bindings {
            s.insert(oid, value, mib);
        }
        s
    }

    /// Adds or replaces one binding.
    pub fn insert(&mut self, oid: Oid, value: Value, mib: &Mib) {
        if oid.arcs() == SYS_UPTIME_0 {
            if let Value::TimeTicks(t) = value {
                self.recorded_uptime = Some(t);
            }
        }
        self.objects.insert(object_of(&oid, mib));
        self.map.insert(oid, value);
    }

    /// How many bindings the store holds.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when the store holds nothing.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The recorded value at exactly `oid`.
    pub fn get(&self, oid: &Oid) -> Option<&Value> {
        self.map.get(oid)
    }

    /// The first binding strictly after `oid` in OID order.
    pub fn next_after(&self, oid: &Oid) -> Option<(&Oid, &Value)> {
        self.map
            .range::<Oid, _>((Bound::Excluded(oid), Bound::Unbounded))
            .next()
    }

    /// The bindings after `oid`, in order.
    pub fn iter_after(&self, oid: &Oid) -> btree_map::Range<'_, Oid, Value> {
        self.map
            .range::<Oid, _>((Bound::Excluded(oid), Bound::Unbounded))
    }

    /// The bindings from `oid` on (included), in order.
    pub fn iter_from(&self, oid: &Oid) -> btree_map::Range<'_, Oid, Value> {
        self.map
            .range::<Oid, _>((Bound::Included(oid), Bound::Unbounded))
    }

    /// Every binding, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&Oid, &Value)> {
        self.map.iter()
    }

    /// The recorded sysUpTime.0 in hundredths of a second, if the recording has one.
    pub fn recorded_uptime(&self) -> Option<u32> {
        self.recorded_uptime
    }

    /// True when `oid` is at or below an object that has instances here: a Get of it that
    /// matches nothing is noSuchInstance rather than noSuchObject.
    pub fn has_object_above(&self, oid: &Oid) -> bool {
        let arcs = oid.arcs();
        (1..=arcs.len()).any(|k| {
            arcs.get(..k)
                .is_some_and(|p| self.objects.contains(&Oid::from_slice(p)))
        })
    }
}

/// The object an instance belongs to: the MIB's scalar or column above it, else (for OIDs the
/// MIB does not know) the OID without its last arc.
pub(crate) fn object_of(oid: &Oid, mib: &Mib) -> Oid {
    if let Some(n) = mib.lookup(oid) {
        if matches!(n.kind(), NodeKind::Scalar | NodeKind::Column) && !n.suffix().is_empty() {
            return n.oid();
        }
    }
    let mut o = oid.clone();
    o.pop();
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    #[test]
    fn objects_and_ranges() {
        let mib = Mib::builtin();
        let s = Store::new(
            [
                (oid("1.3.6.1.2.1.1.1.0"), Value::OctetString(b"d".to_vec())),
                (oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(500)),
                (
                    oid("1.3.6.1.2.1.2.2.1.2.1"),
                    Value::OctetString(b"lo".to_vec()),
                ),
                (oid("1.3.6.1.4.1.9999.5.7"), Value::Integer(1)),
            ],
            &mib,
        );
        assert_eq!(s.len(), 4);
        assert_eq!(s.recorded_uptime(), Some(500));
        assert!(s.has_object_above(&oid("1.3.6.1.2.1.1.1")));
        assert!(s.has_object_above(&oid("1.3.6.1.2.1.1.1.1")));
        assert!(s.has_object_above(&oid("1.3.6.1.2.1.2.2.1.2.99")));
        assert!(s.has_object_above(&oid("1.3.6.1.4.1.9999.5.8")));
        assert!(!s.has_object_above(&oid("1.3.6.1.2.1.1")));
        assert!(!s.has_object_above(&oid("1.3.6.1.2.1.1.99.0")));
        assert_eq!(
            s.next_after(&oid("1.3.6.1.2.1.1.1.0")).unwrap().0,
            &oid("1.3.6.1.2.1.1.3.0")
        );
        assert!(s.next_after(&oid("1.3.6.1.4.1.9999.5.7")).is_none());
    }
}
