//! JSON rendering: one object per varbind, `{"oid", "type", "value"}`.

use super::hint::{display_integer, display_octets};
use super::{decode_opaque, format_oid, OpaqueValue, OutputOptions};
use crate::hex::encode as hex;
use crate::mib::{BaseType, IndexComponent, IndexValue, Mib, NodeInfo};
use crate::{Oid, Value, VarBind};
use serde_json::{json, Map, Value as J};

/// A float as the shortest decimal that reads back as the same `f32` (`0.46`, not the
/// `0.46000000834465027` of its widening to f64). Not-a-number and infinities are null.
fn shortest_f32(f: f32) -> J {
    format!("{f}")
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map(J::Number)
        .unwrap_or(J::Null)
}

/// A varbind as a JSON object: `oid` (numeric, leading dot), `type` (net-snmp's type name),
/// and `value`. The keys depend only on the value's type and the MIB, never on the bytes:
///
/// - integers, Counter32, Gauge32 and Timeticks are numbers;
/// - Counter64 and the Opaque 64-bit integers are decimal strings (`"18446744073709551615"`),
///   always, so nothing is lost in jq 1.6, JavaScript or any IEEE-double JSON reader;
/// - Opaque floats and doubles are numbers written with the shortest text that reads back
///   as the same float (`0.46`);
/// - an OCTET STRING is `"type":"STRING"` with `value` (its bytes read as UTF-8, invalid
///   sequences replaced by U+FFFD) and `hex` (the exact bytes, lowercase hex), whatever the
///   bytes are: an empty string and a MAC address have the same keys;
/// - exceptions (`noSuchObject`, `noSuchInstance`, `endOfMibView`) have a null `value`.
///
/// With a MIB that describes the object, the object also gains `name`
/// (`IF-MIB::ifOperStatus.2`), `label` for an enumerated integer (`"up"`), `display` for every
/// value of an object with a DISPLAY-HINT other than plain text (`"0:c:29:5a:1b:3c"`,
/// `"2026-11-25,1:23:45.0"`) and for an OID value the MIB names
/// (`"SNMPv2-SMI::zeroDotZero"`), `bits` for the named bits that are set, and `units`
/// (unless `-OU`).
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
        .map(|info| mib_extras(vb, info, o, mib))
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
    let extras = mib_extras(vb, &info, o, mib);
    match extras.label.or(extras.display) {
        Some(s) => J::String(s),
        None => value,
    }
}

/// The type name and plain JSON value; octet strings and unknown tags also put `hex` and
/// `tag` into `m`.
fn plain_value(v: &Value, m: &mut Map<String, J>) -> (&'static str, J) {
    match v {
        Value::Integer(i) => ("INTEGER", json!(i)),
        Value::OctetString(b) => {
            m.insert("hex".into(), J::String(hex(b)));
            ("STRING", J::String(String::from_utf8_lossy(b).into_owned()))
        }
        Value::Null => ("NULL", J::Null),
        Value::ObjectIdentifier(o) => ("OID", J::String(o.to_dotted_leading())),
        Value::IpAddress(a) => (
            "IpAddress",
            J::String(format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])),
        ),
        Value::Counter32(n) => ("Counter32", json!(n)),
        Value::Gauge32(n) => ("Gauge32", json!(n)),
        Value::TimeTicks(t) => ("Timeticks", json!(t)),
        Value::Counter64(n) => ("Counter64", J::String(n.to_string())),
        Value::Opaque(b) => match decode_opaque(b) {
            Some(OpaqueValue::Float(f)) => ("Opaque", shortest_f32(f)),
            Some(OpaqueValue::Double(d)) => ("Opaque", json!(d)),
            Some(OpaqueValue::I64(i)) => ("Opaque", J::String(i.to_string())),
            Some(OpaqueValue::U64(u)) | Some(OpaqueValue::Counter64(u)) => {
                ("Opaque", J::String(u.to_string()))
            }
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
    /// The hinted or MIB-named display form (for every value of a hinted object).
    display: Option<String>,
    /// The named bits that are set.
    bits: Option<Vec<J>>,
    /// The UNITS clause.
    units: Option<String>,
}

/// What the MIB adds: enum label, hinted or named display form, named bits, units.
fn mib_extras(vb: &VarBind, info: &NodeInfo<'_>, o: &OutputOptions, mib: &Mib) -> MibExtras {
    let mut x = MibExtras::default();
    let hint = info.display_hint().filter(|_| !o.no_display_hint);
    let base = info.base_type();
    // A plain `d` hint would only repeat the number.
    let int_hint = hint.filter(|h| *h != "d" && !h.is_empty());
    let mut typed = true;
    match (&vb.value, base) {
        (Value::Integer(i), Some(BaseType::Integer32)) => {
            if let Some(label) = info.enum_label(*i) {
                x.label = Some(label.into());
            } else if let Some(d) = int_hint.and_then(|h| display_integer(*i, h, false)) {
                x.display = Some(d);
            }
        }
        (Value::Gauge32(n), Some(BaseType::Gauge32 | BaseType::Unsigned32)) => {
            if let Some(d) = int_hint.and_then(|h| display_integer(i64::from(*n), h, true)) {
                x.display = Some(d);
            }
        }
        (Value::OctetString(b), Some(BaseType::OctetString)) => {
            // A text hint (`255a`) would only repeat `value`; any other hint always gives
            // `display`, even when this value happens to print as its own text.
            if let Some(h) = hint.filter(|h| !is_text_hint(h)) {
                let d = display_octets(b, h, o.two_digit_hex)
                    .unwrap_or_else(|| String::from_utf8_lossy(b).into_owned());
                x.display = Some(d);
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

/// Whether a hint only copies text (`255a`, `255t`).
fn is_text_hint(hint: &str) -> bool {
    let h = hint.trim_start_matches(|c: char| c.is_ascii_digit());
    h == "a" || h == "t"
}

/// An INDEX component's value as the varbind its index object would carry.
fn index_varbind(c: &IndexComponent, mib: &Mib) -> Option<VarBind> {
    let node = mib.node(&c.name)?;
    let base = node.base_type().unwrap_or(BaseType::Integer32);
    let value = match &c.value {
        IndexValue::Integer { value, .. } => match base {
            BaseType::Unsigned32 | BaseType::Gauge32 => Value::Gauge32(*value),
            BaseType::TimeTicks => Value::TimeTicks(*value),
            BaseType::Counter32 => Value::Counter32(*value),
            _ => Value::Integer(i64::from(*value)),
        },
        IndexValue::IpAddress(a) => Value::IpAddress(*a),
        IndexValue::Octets(b) => Value::OctetString(b.clone()),
        IndexValue::Oid(arcs) => Value::ObjectIdentifier(Oid::from_slice(arcs)),
    };
    Some(VarBind::new(node.oid().child(&c.arcs), value))
}

/// One conceptual row as a JSON object (`table --json`), keys in table order: `index`, an
/// object with one member per INDEX component (`{"ifIndex":1}`,
/// `{"vacmGroupName":"grp","vacmAccessContextPrefix":"","vacmAccessSecurityModel":0,
/// "vacmAccessSecurityLevel":"noAuthNoPriv"}`), then one member per column the agent
/// returned. Index components and columns follow the same rule: the enumeration label, else
/// the MIB's display form, else the value as [`varbind_json`] gives it (so a Counter64 is a
/// string in both). Sub-identifiers the INDEX clause does not account for are kept as
/// `"_rest": "1.2"`.
pub fn table_row_json(cells: &[(&str, Option<&VarBind>)], o: &OutputOptions, mib: &Mib) -> String {
    // Pairs, not a serde_json map: a map sorts its keys, a row keeps the table's order.
    let mut index: Vec<(String, J)> = Vec::new();
    let decoded = cells
        .iter()
        .find_map(|(_, vb)| *vb)
        .and_then(|vb| mib.lookup(&vb.oid)?.decode_index());
    if let Some(d) = decoded {
        for c in &d.components {
            let v = match index_varbind(c, mib) {
                Some(vb) => {
                    let j = varbind_json(&vb, o, mib);
                    match (&c.value, j.get("label").or_else(|| j.get("display"))) {
                        (_, Some(v)) => v.clone(),
                        // An address or name without a hint: net-snmp's own reading of it
                        // (`127.0.0.1` for an InetAddress after its type), without quotes.
                        (IndexValue::Octets(_), None) => {
                            J::String(c.display.trim_matches('"').to_string())
                        }
                        (_, None) => j.get("value").cloned().unwrap_or(J::Null),
                    }
                }
                None => J::String(c.display.clone()),
            };
            index.push((c.name.clone(), v));
        }
        if !d.rest.is_empty() {
            let rest: Vec<String> = d.rest.iter().map(u32::to_string).collect();
            index.push(("_rest".into(), J::String(rest.join("."))));
        }
    }
    let mut line = String::from("{\"index\":{");
    for (i, (k, v)) in index.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        line.push_str(&format!("{}:{v}", J::String(k.clone())));
    }
    line.push('}');
    for (name, vb) in cells {
        if let Some(vb) = vb {
            let key = J::String((*name).to_string());
            line.push_str(&format!(",{key}:{}", value_json(vb, o, mib)));
        }
    }
    line.push('}');
    line
}

/// Appends `s` to `out` as a JSON string, quotes included, escaped exactly as serde_json
/// escapes it (`"`, `\`, and the control characters below U+0020; nothing else).
pub fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Appends `bytes` read as UTF-8 (invalid sequences as U+FFFD) as a JSON string.
fn push_json_lossy(out: &mut String, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(s) => push_json_str(out, s),
        Err(_) => push_json_str(out, &String::from_utf8_lossy(bytes)),
    }
}

/// Appends an OID as a JSON string with a leading dot (`".1.3.6.1"`).
pub fn push_json_oid(out: &mut String, oid: &Oid) {
    out.push('"');
    for a in oid.arcs() {
        out.push('.');
        push_u64(out, u64::from(*a));
    }
    out.push('"');
}

/// Appends lowercase hex of `bytes` as a JSON string.
fn push_json_hex(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(bytes.len() * 2 + 2);
    out.push('"');
    for b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out.push('"');
}

/// Appends something's `Display` text (for the rare values without a fast path).
pub(crate) fn push_display(out: &mut String, n: impl std::fmt::Display) {
    use std::fmt::Write as _;
    let _ = write!(out, "{n}");
}

/// Appends the decimal digits of `v`, without the formatting machinery.
pub fn push_u64(out: &mut String, v: u64) {
    out.push_str(itoa::Buffer::new().format(v));
}

/// Appends the decimal digits of a signed `v`.
pub fn push_i64(out: &mut String, v: i64) {
    out.push_str(itoa::Buffer::new().format(v));
}

/// Writes the members of one JSON object, a comma before every member but the first.
pub struct ObjectWriter<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> ObjectWriter<'a> {
    /// Opens the object (`{`).
    pub fn open(out: &'a mut String) -> Self {
        out.push('{');
        ObjectWriter { out, first: true }
    }

    /// Starts a member: writes its key and colon, and returns the buffer for its value.
    pub fn key(&mut self, k: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        push_json_str(self.out, k);
        self.out.push(':');
        self.out
    }

    /// Closes the object (`}`).
    pub fn close(self) {
        self.out.push('}');
    }
}

/// Appends the plain value [`varbind_json`] gives a value (its `value` member).
fn push_plain_value(out: &mut String, v: &Value) {
    match v {
        Value::Integer(i) => push_i64(out, *i),
        Value::OctetString(b) => push_json_lossy(out, b),
        Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => {
            out.push_str("null")
        }
        Value::ObjectIdentifier(o) => push_json_oid(out, o),
        Value::IpAddress(a) => {
            use std::fmt::Write as _;
            let _ = write!(out, "\"{}.{}.{}.{}\"", a[0], a[1], a[2], a[3]);
        }
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => {
            push_u64(out, u64::from(*n))
        }
        Value::Counter64(n) => {
            out.push('"');
            push_u64(out, *n);
            out.push('"');
        }
        Value::Opaque(_) => {
            // Rare: the general path, so floats keep serde_json's number text.
            let mut scratch = Map::new();
            let (_, j) = plain_value(v, &mut scratch);
            push_display(out, j);
        }
        Value::Unknown { data, .. } => push_json_hex(out, data),
    }
}

/// [`varbind_json`] written straight into `out` as compact JSON text: the same bytes as
/// `varbind_json(vb, o, mib).to_string()` (members in serde_json's sorted key order), without
/// building the object. `listen --json` renders every varbind of every notification so.
pub fn write_varbind_json(vb: &VarBind, o: &OutputOptions, mib: &Mib, out: &mut String) {
    write_varbind_json_rate(vb, o, mib, None, out);
}

/// [`write_varbind_json`] with a `rate` member (in its sorted place, after `oid`) when `rate`
/// is given and finite: a poll record's varbind.
pub fn write_varbind_json_rate(
    vb: &VarBind,
    o: &OutputOptions,
    mib: &Mib,
    rate: Option<f64>,
    out: &mut String,
) {
    let node = mib.lookup(&vb.oid).filter(|n| !n.module().is_empty());
    let extras = node
        .as_ref()
        .map(|info| mib_extras(vb, info, o, mib))
        .unwrap_or_default();
    let mut w = ObjectWriter::open(out);
    // Sorted keys: bits, display, hex, label, name, oid, rate, tag, type, units, value.
    if let Some(b) = &extras.bits {
        push_display(w.key("bits"), J::Array(b.clone()));
    }
    if let Some(d) = &extras.display {
        push_json_str(w.key("display"), d);
    }
    if let Value::OctetString(b) = &vb.value {
        push_json_hex(w.key("hex"), b);
    }
    if let Some(l) = &extras.label {
        push_json_str(w.key("label"), l);
    }
    if let Some(info) = &node {
        push_json_str(w.key("name"), &info.display_name());
    }
    push_json_oid(w.key("oid"), &vb.oid);
    if let Some(r) = rate.and_then(serde_json::Number::from_f64) {
        push_display(w.key("rate"), r);
    }
    if let Value::Unknown { tag, .. } = &vb.value {
        push_display(w.key("tag"), tag);
    }
    push_json_str(w.key("type"), vb.value.type_name());
    if let Some(u) = &extras.units {
        push_json_str(w.key("units"), u);
    }
    push_plain_value(w.key("value"), &vb.value);
    w.close();
}
