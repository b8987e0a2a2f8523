//! JSON rendering: one object per varbind, `{"oid", "type", "value"}`.

use super::{decode_opaque, OpaqueValue, OutputOptions};
use crate::mib::Mib;
use crate::{Value, VarBind};
use serde_json::{json, Map, Value as J};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A varbind as a JSON object: `oid` (numeric, leading dot), `type` (net-snmp's type name),
/// and `value` (a number, a string, or null for exceptions). Strings that are not UTF-8 text
/// carry their bytes as `hex` and the value as hex too.
pub fn varbind_json(vb: &VarBind, o: &OutputOptions, mib: &Mib) -> J {
    let mut m = Map::new();
    m.insert("oid".into(), J::String(vb.oid.to_dotted_leading()));
    if let Some(info) = mib.lookup(&vb.oid) {
        if !info.module().is_empty() {
            m.insert("name".into(), J::String(info.display_name()));
        }
    }
    let _ = o;
    let (ty, value): (&str, J) = match &vb.value {
        Value::Integer(i) => ("INTEGER", json!(i)),
        Value::OctetString(b) => match std::str::from_utf8(b) {
            Ok(s)
                if !s
                    .chars()
                    .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) =>
            {
                ("STRING", J::String(s.to_string()))
            }
            _ => {
                m.insert("hex".into(), J::String(hex(b)));
                ("Hex-STRING", J::String(hex(b)))
            }
        },
        Value::Null => ("NULL", J::Null),
        Value::ObjectIdentifier(o) => ("OID", J::String(o.to_dotted_leading())),
        Value::IpAddress(a) => (
            "IpAddress",
            J::String(format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])),
        ),
        Value::Counter32(n) => ("Counter32", json!(n)),
        Value::Gauge32(n) => ("Gauge32", json!(n)),
        Value::TimeTicks(t) => ("Timeticks", json!(t)),
        Value::Counter64(n) => ("Counter64", json!(n)),
        Value::Opaque(b) => match decode_opaque(b) {
            Some(OpaqueValue::Float(f)) => ("Opaque", json!(f)),
            Some(OpaqueValue::Double(d)) => ("Opaque", json!(d)),
            Some(OpaqueValue::I64(i)) => ("Opaque", json!(i)),
            Some(OpaqueValue::U64(u)) | Some(OpaqueValue::Counter64(u)) => ("Opaque", json!(u)),
            None => ("Opaque", J::String(hex(b))),
        },
        Value::NoSuchObject => ("noSuchObject", J::Null),
        Value::NoSuchInstance => ("noSuchInstance", J::Null),
        Value::EndOfMibView => ("endOfMibView", J::Null),
        Value::Unknown { tag, data } => {
            m.insert("tag".into(), json!(tag));
            ("Unknown", J::String(hex(data)))
        }
    };
    m.insert("type".into(), J::String(ty.into()));
    m.insert("value".into(), value);
    // What the MIB adds: an enumeration label, the DISPLAY-HINT rendering, the UNITS.
    if let Some(node) = mib.lookup(&vb.oid) {
        if let Some(syn) = node.syntax() {
            match &vb.value {
                Value::Integer(i) => {
                    if let Some((_, l)) = syn.enums.iter().find(|(n, _)| n == i) {
                        m.insert("label".into(), J::String(l.clone()));
                    }
                }
                Value::OctetString(b) if !syn.hint.is_empty() => {
                    // Only when the hint says more than the plain value (MACs, dates).
                    if let Some(d) = super::apply_octet_hint(&syn.hint, b) {
                        if m.get("value").and_then(J::as_str) != Some(d.as_str()) {
                            m.insert("display".into(), J::String(d));
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(u) = node.units().filter(|u| !u.is_empty()) {
            m.insert("units".into(), J::String(u.to_string()));
        }
    }
    J::Object(m)
}
