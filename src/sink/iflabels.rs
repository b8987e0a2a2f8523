//! The interface labels dashboards group by: ifDescr, ifName and ifAlias of each ifIndex,
//! gathered from a record, for the sinks to attach to every interface object (snmp_exporter's
//! `if_mib` lookups; Telegraf's `is_tag`).

use crate::poll::Record;
use crate::{Oid, Value};
use std::collections::HashMap;

/// IF-MIB::ifDescr.
pub const IF_DESCR: Oid = Oid::from_static(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 2]);
/// IF-MIB::ifName.
pub const IF_NAME: Oid = Oid::from_static(&[1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1]);
/// IF-MIB::ifAlias.
pub const IF_ALIAS: Oid = Oid::from_static(&[1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 18]);

/// The label names, in label order (sorted), with their columns.
pub const COLUMNS: [(&str, Oid); 3] = [
    ("ifAlias", IF_ALIAS),
    ("ifDescr", IF_DESCR),
    ("ifName", IF_NAME),
];

/// Whether `oid` is one of the three label columns (or an instance of one).
pub fn is_label_column(oid: &Oid) -> bool {
    COLUMNS.iter().any(|(_, c)| oid.starts_with(c))
}

/// Whether `oid` is under `interfaces` or `ifXTable`, whose rows the labels describe.
pub fn is_interface_object(oid: &Oid) -> bool {
    const INTERFACES: Oid = Oid::from_static(&[1, 3, 6, 1, 2, 1, 2]);
    const IF_X_TABLE: Oid = Oid::from_static(&[1, 3, 6, 1, 2, 1, 31, 1, 1]);
    oid.starts_with(&INTERFACES) || oid.starts_with(&IF_X_TABLE) || INTERFACES.starts_with(oid)
}

/// The labels of each interface in one record.
#[derive(Debug, Default)]
pub struct InterfaceLabels {
    by_index: HashMap<u32, [Option<String>; 3]>,
}

impl InterfaceLabels {
    /// Gathers the three columns' values from `rec`.
    pub fn from_record(rec: &Record) -> InterfaceLabels {
        let mut by_index: HashMap<u32, [Option<String>; 3]> = HashMap::new();
        for s in &rec.samples {
            let oid = &s.varbind.oid;
            for (k, (_, col)) in COLUMNS.iter().enumerate() {
                if oid.len() == col.len() + 1 && oid.starts_with(col) {
                    if let Value::OctetString(b) = &s.varbind.value {
                        let idx = oid.arcs()[col.len()];
                        by_index.entry(idx).or_default()[k] =
                            Some(String::from_utf8_lossy(b).into_owned());
                    }
                }
            }
        }
        InterfaceLabels { by_index }
    }

    /// True when the record had none of the columns.
    pub fn is_empty(&self) -> bool {
        self.by_index.is_empty()
    }

    /// The labels for an object whose decoded index is exactly `[("ifIndex", N)]`: each of the
    /// three names with its value (`None` where the record lacks it).
    pub fn for_index(
        &self,
        index: &[(String, String)],
    ) -> Option<[(&'static str, Option<&str>); 3]> {
        if self.by_index.is_empty() {
            return None;
        }
        let [(name, value)] = index else {
            return None;
        };
        if name != "ifIndex" {
            return None;
        }
        let i: u32 = value.parse().ok()?;
        let row = self.by_index.get(&i);
        let get = |k: usize| row.and_then(|r| r[k].as_deref());
        Some([
            (COLUMNS[0].0, get(0)),
            (COLUMNS[1].0, get(1)),
            (COLUMNS[2].0, get(2)),
        ])
    }
}
