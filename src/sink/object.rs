//! What a varbind is, for the sinks that group and label: the object's name, its table or
//! group, and the decoded index.

use crate::mib::{decode_index, BaseType, IndexValue, Mib, NodeKind};
use crate::Oid;

/// A varbind's object as the MIB describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectInfo {
    /// The object's descriptor (`ifInOctets`), or `oid_1_3_6_...` for an OID the MIB does not
    /// know.
    pub name: String,
    /// `MODULE::name`, or the numeric OID when unknown.
    pub qualified: String,
    /// The table (`ifTable`) of a column, or the group (`system`) of a scalar: the InfluxDB
    /// measurement.
    pub group: String,
    /// Whether the object is a table column.
    pub column: bool,
    /// The decoded index objects by name (`[("ifIndex", "2")]`); for an instance the MIB
    /// cannot decode, one `("index", "1.2.3")`.
    pub index: Vec<(String, String)>,
    /// The object's syntax, when known.
    pub base: Option<BaseType>,
}

fn dotted(arcs: &[u32]) -> String {
    let mut s = String::new();
    for (i, a) in arcs.iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        s.push_str(&a.to_string());
    }
    s
}

fn index_value(v: &IndexValue) -> String {
    match v {
        IndexValue::Integer { value, .. } => value.to_string(),
        IndexValue::IpAddress(a) => format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3]),
        IndexValue::Octets(b) => match std::str::from_utf8(b) {
            Ok(s) if !s.chars().any(char::is_control) => s.to_string(),
            _ => b
                .iter()
                .map(|x| format!("{x:02x}"))
                .collect::<Vec<_>>()
                .join(":"),
        },
        IndexValue::Oid(arcs) => dotted(arcs),
    }
}

/// Describes `oid` (a varbind's name) with the MIB.
pub fn describe(oid: &Oid, mib: &Mib) -> ObjectInfo {
    let Some((n, suffix)) = crate::poll::object_of(oid, mib) else {
        // Unknown: the whole OID but its last arc names the metric, the last arc is the index.
        let arcs = oid.arcs();
        let (head, last) = arcs.split_at(arcs.len().saturating_sub(1));
        return ObjectInfo {
            name: format!("oid_{}", dotted(head).replace('.', "_")),
            qualified: oid.to_dotted_leading(),
            group: "snmp".into(),
            column: false,
            index: vec![("index".into(), dotted(last))],
            base: None,
        };
    };
    let column = n.kind() == NodeKind::Column;
    let group = if column {
        n.table().map(|t| t.name().to_string())
    } else {
        n.parent().map(|p| p.name().to_string())
    }
    .unwrap_or_else(|| "snmp".into());
    let decoded = column
        .then(|| n.table_index())
        .flatten()
        .map(|parts| decode_index(&parts, suffix));
    let index = match decoded {
        Some(d) if d.rest.is_empty() && !d.components.is_empty() => d
            .components
            .iter()
            .map(|c| (c.name.clone(), index_value(&c.value)))
            .collect(),
        _ if suffix == [0] && !column => Vec::new(),
        _ => vec![("index".into(), dotted(suffix))],
    };
    ObjectInfo {
        name: n.name().to_string(),
        qualified: format!("{}::{}", n.module(), n.name()),
        group,
        column,
        index,
        base: n.base_type(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_scalars_and_unknowns() {
        let mib = Mib::builtin();
        let o = |s: &str| -> Oid { s.parse().unwrap() };
        let c = describe(&o("1.3.6.1.2.1.2.2.1.10.2"), &mib);
        assert_eq!(
            (c.name.as_str(), c.group.as_str(), c.column),
            ("ifInOctets", "ifTable", true)
        );
        assert_eq!(c.index, [("ifIndex".to_string(), "2".to_string())]);
        let s = describe(&o("1.3.6.1.2.1.1.3.0"), &mib);
        assert_eq!((s.name.as_str(), s.group.as_str()), ("sysUpTime", "system"));
        assert!(s.index.is_empty());
        let u = describe(&o("1.3.6.1.4.1.99999.7.1"), &mib);
        assert_eq!(u.name, "oid_1_3_6_1_4_1_99999_7");
        assert_eq!(u.index, [("index".to_string(), "1".to_string())]);
    }
}
