//! JSON rendering: one object per varbind, `{"oid", "type", "value"}`.

use super::hint::{display_integer, display_octets};
use super::{decode_opaque, format_oid, OpaqueValue, OutputOptions};
use crate::hex::encode as hex;
use crate::mib::{BaseType, Mib, NodeInfo};
use crate::{Value, VarBind};
use serde_json::{json, Map, Value as J};

/// A varbind as a JSON object: `oid` (numeric, leading dot), `type` (net-snmp's type name),
/// and `value` (a number, a string, or null for exceptions). Strings that are not UTF-8 text
/// carry their bytes as `hex` and the value as hex too.
///
/// With a MIB that describes the object, the object also gains `name`
/// (`IF-MIB::ifOperStatus.2`), `label` for an enumerated integer (`"up"`), `display` for a
/// value with a DISPLAY-HINT (`"0:c:29:5a:1b:3c"`, `"2026-11-25,1:23:45.0"`) or an OID value
/// the MIB names (`"SNMPv2-SMI::zeroDotZero"`), `bits` for the named bits that are set, and
/// `units` (unless `-OU`).
pub fn varbind_json(vb: &VarBind, o: &OutputOptions, mib: &Mib) -> J {
    let mut m = Map::new();
    m.insert("oid".into(), J::String(vb.oid.to_dotted_leading()));
    let node = mib.lookup(&vb.oid).filter(|n| !n.module().is_empty());
    if let Some(info) = &node {
        m.insert("name".into(), J::String(info.display_name()));
    }
    let (ty, value) = plain_value(&vb.value, &mut m);
    m.insert("type".into(), J::String(ty.into()));
    let extras = node
        .as_ref()
        .map(|info| mib_extras(&value, vb, info, o, mib))
        .unwrap_or_default();
    m.insert("value".into(), value);
    if let Some(l) = extras.label {
        m.insert("label".into(), J::String(l));
    }
    if let Some(d) = extras.display {
        m.insert("display".into(), J::String(d));
    }
    if let Some(b) = extras.bits {
        m.insert("bits".into(), J::Array(b));
    }
    if let Some(u) = extras.units {
        m.insert("units".into(), J::String(u));
    }
    J::Object(m)
}

/// A varbind's value as one JSON value, the most readable form [`varbind_json`] has for it:
/// the enumeration label (`"up"`), else the DISPLAY-HINT or MIB-named form, else the plain
/// value (a number, a string, or null for exceptions). `table --json` prints its cells so.
pub fn value_json(vb: &VarBind, o: &OutputOptions, mib: &Mib) -> J {
    let mut scratch = Map::new();
    let (_, value) = plain_value(&vb.value, &mut scratch);
    let Some(info) = mib.lookup(&vb.oid).filter(|n| !n.module().is_empty()) else {
        return value;
    };
    let extras = mib_extras(&value, vb, &info, o, mib);
    match extras.label.or(extras.display) {
        Some(s) => J::String(s),
        None => value,
    }
}

/// The type name and plain JSON value; strings that are not text and unknown tags also put
/// `hex` and `tag` into `m`.
fn plain_value(v: &Value, m: &mut Map<String, J>) -> (&'static str, J) {
    match v {
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
    }
}

/// What the MIB adds to a value.
#[derive(Default)]
struct MibExtras {
    /// The enumeration label.
    label: Option<String>,
    /// The hinted or MIB-named display form, when it differs from the plain value.
    display: Option<String>,
    /// The named bits that are set.
    bits: Option<Vec<J>>,
    /// The UNITS clause.
    units: Option<String>,
}

/// What the MIB adds: enum label, hinted or named display form, named bits, units.
fn mib_extras(
    plain: &J,
    vb: &VarBind,
    info: &NodeInfo<'_>,
    o: &OutputOptions,
    mib: &Mib,
) -> MibExtras {
    let mut x = MibExtras::default();
    let hint = info.display_hint().filter(|_| !o.no_display_hint);
    let base = info.base_type();
    let mut typed = true;
    match (&vb.value, base) {
        (Value::Integer(i), Some(BaseType::Integer32)) => {
            if let Some(label) = info.enum_label(*i) {
                x.label = Some(label.into());
            } else if let Some(d) = hint.and_then(|h| display_integer(*i, h, false)) {
                if d != i.to_string() {
                    x.display = Some(d);
                }
            }
        }
        (Value::Gauge32(n), Some(BaseType::Gauge32 | BaseType::Unsigned32)) => {
            if let Some(d) = hint.and_then(|h| display_integer(i64::from(*n), h, true)) {
                if d != n.to_string() {
                    x.display = Some(d);
                }
            }
        }
        (Value::OctetString(b), Some(BaseType::OctetString)) => {
            if let Some(d) = hint.and_then(|h| display_octets(b, h, o.two_digit_hex)) {
                if plain.as_str() != Some(d.as_str()) {
                    x.display = Some(d);
                }
            }
        }
        (Value::OctetString(b), Some(BaseType::Bits)) => {
            let names = info.bits();
            let set: Vec<J> = b
                .iter()
                .enumerate()
                .flat_map(|(i, byte)| {
                    (0..8u32)
                        .filter(move |bit| byte & (0x80 >> bit) != 0)
                        .map(move |bit| (i as i64) * 8 + i64::from(bit))
                })
                .map(|n| match names.iter().find(|(v, _)| *v == n) {
                    Some((_, l)) => J::String(l.clone()),
                    None => json!(n),
                })
                .collect();
            x.bits = Some(set);
        }
        (Value::ObjectIdentifier(id), _) => {
            let named = format_oid(id, &OutputOptions::default(), mib);
            if mib.lookup(id).is_some_and(|n| !n.module().is_empty()) {
                x.display = Some(named);
            }
            typed = base == Some(BaseType::ObjectIdentifier);
        }
        (Value::Counter32(_), Some(BaseType::Counter32))
        | (Value::Counter64(_), Some(BaseType::Counter64))
        | (Value::TimeTicks(_), Some(BaseType::TimeTicks)) => {}
        _ => typed = false,
    }
    if typed && !o.no_units {
        x.units = info.units().map(String::from);
    }
    x
}
