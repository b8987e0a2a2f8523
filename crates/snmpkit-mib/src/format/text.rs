//! net-snmp's text output.

use super::hint::is_text_byte;
use super::hint::{display_integer, display_octets};
use super::{decode_opaque, OidFormat, OpaqueValue, OutputOptions, StringFormat};
use crate::mib::{BaseType, LookupCache, Mib, NodeInfo, OidStyle};
use crate::{Oid, Value, VarBind};
use std::fmt::Write;

fn style(f: OidFormat) -> OidStyle {
    match f {
        OidFormat::Module => OidStyle::Module,
        OidFormat::Suffix => OidStyle::Short,
        OidFormat::Full => OidStyle::Full,
        OidFormat::Numeric => OidStyle::Numeric,
        OidFormat::Ucd => OidStyle::Ucd,
    }
}

/// An OID as net-snmp prints it with the MIBs in `mib`: `SNMPv2-MIB::sysName.0` by default,
/// `iso.3.6.1...` when no module names it, `.1.3.6.1...` with `-On`, and so on.
pub fn format_oid(oid: &Oid, o: &OutputOptions, mib: &Mib) -> String {
    if oid.is_empty() {
        return String::new();
    }
    mib.format_oid(oid, style(o.oid_format), o.dont_breakdown)
}

/// `OID = TYPE: value`, or the `-Oq`, `-OQ` and `-Ov` forms. The value is rendered by the
/// syntax of the varbind's object (see [`format_value_for`]).
pub fn format_varbind(vb: &VarBind, o: &OutputOptions, mib: &Mib) -> String {
    let mut s = String::new();
    VarBindFormatter::new(mib, o).write(&mut s, vb);
    s
}

/// Prints many varbinds the way [`format_varbind`] prints one, appending to a buffer the
/// caller reuses: for walks. It keeps a [`LookupCache`], so the instances of one column that
/// follow each other are matched to their object without a search and get their name copied,
/// not formatted again; the output is byte for byte [`format_varbind`]'s.
///
/// ```
/// use snmpkit_mib::format::{OutputOptions, VarBindFormatter};
/// use snmpkit_mib::mib::Mib;
/// use snmpkit_proto::{Value, VarBind};
///
/// let mib = Mib::builtin();
/// let opts = OutputOptions::default();
/// let mut f = VarBindFormatter::new(&mib, &opts);
/// let mut out = String::new();
/// for i in 1..=2 {
///     let oid = format!("1.3.6.1.2.1.2.2.1.10.{i}").parse().unwrap();
///     f.write(&mut out, &VarBind::new(oid, Value::Counter32(7)));
///     out.push('\n');
/// }
/// assert_eq!(out, "IF-MIB::ifInOctets.1 = Counter32: 7\nIF-MIB::ifInOctets.2 = Counter32: 7\n");
/// ```
#[derive(Debug)]
pub struct VarBindFormatter<'a> {
    mib: &'a Mib,
    o: &'a OutputOptions,
    cache: LookupCache,
}

impl<'a> VarBindFormatter<'a> {
    /// A formatter printing with `mib`'s names and the `-O` options `o`.
    pub fn new(mib: &'a Mib, o: &'a OutputOptions) -> Self {
        VarBindFormatter {
            mib,
            o,
            cache: LookupCache::new(),
        }
    }

    /// Appends one varbind's text (no newline) to `out`.
    pub fn write(&mut self, out: &mut String, vb: &VarBind) {
        let o = self.o;
        let node = self.mib.lookup_cached(&vb.oid, &mut self.cache);
        if !o.bare_value && !vb.oid.is_empty() {
            // The OID is printed from the node just found, through the same cache.
            self.mib.write_found(
                out,
                &vb.oid,
                node.as_ref(),
                style(o.oid_format),
                o.dont_breakdown,
                &mut self.cache,
            );
        }
        if !o.bare_value {
            out.push_str(if o.quick && !o.quick_equals {
                " "
            } else {
                " = "
            });
        }
        write_value_for(out, &vb.value, node.as_ref(), o, self.mib);
    }

    /// Lookups answered from the cache so far (how well the cache served a walk).
    pub fn cache_hits(&self) -> u64 {
        self.cache.hits()
    }
}

/// Hex octets, `XX ` each, a newline after every 16 when more follow; with `-OT` each line is
/// followed by its text in brackets.
pub(crate) fn hex_lines(b: &[u8], with_text: bool) -> String {
    let mut s = String::with_capacity(b.len() * 3 + 8);
    write_hex_lines(&mut s, b, with_text);
    s
}

/// [`hex_lines`], appended to `s`.
fn write_hex_lines(s: &mut String, b: &[u8], with_text: bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    if b.is_empty() && with_text {
        s.push_str("  []");
        return;
    }
    s.reserve(b.len() * 3 + 8);
    let mut chunks = b.chunks(16).peekable();
    while let Some(chunk) = chunks.next() {
        for &x in chunk {
            s.push(HEX[usize::from(x >> 4)] as char);
            s.push(HEX[usize::from(x & 15)] as char);
            s.push(' ');
        }
        if with_text {
            s.push_str("  [");
            for &x in chunk {
                s.push(if is_text_byte(x) { x as char } else { '.' });
            }
            s.push(']');
        }
        if chunks.peek().is_some() {
            s.push('\n');
        }
    }
}

/// `"text"` with `"` and `\\` escaped; bytes that are not text print as `.` (only `-Oa` lets
/// them through), appended to `s`.
fn write_quoted_text(s: &mut String, b: &[u8]) {
    s.reserve(b.len() + 2);
    s.push('"');
    for &x in b {
        if is_text_byte(x) {
            if x == b'"' || x == b'\\' {
                s.push('\\');
            }
            s.push(x as char);
        } else {
            s.push('.');
        }
    }
    s.push('"');
}

fn write_octet_string(s: &mut String, b: &[u8], x: &Extras<'_>, o: &OutputOptions) {
    if let Some(hint) = x.hint {
        match display_octets(b, hint, o.two_digit_hex) {
            Some(text) => {
                if !o.quick {
                    s.push_str("STRING: ");
                }
                s.push_str(&text);
                push_units(s, x.units);
            }
            // net-snmp drops what it printed, says so, and prints the plain string without units.
            None => {
                s.push_str("(Bad hint ignored: ");
                s.push_str(hint);
                s.push_str(") ");
                write_octet_string(s, b, &Extras::NONE, o);
            }
        }
        return;
    }
    if b.is_empty() {
        s.push_str("\"\"");
        return;
    }
    let hex = match o.string_format {
        StringFormat::Hex => true,
        StringFormat::Ascii => false,
        StringFormat::Guess => !b.iter().all(|&x| is_text_byte(x)),
    };
    if hex {
        if o.quick {
            s.push('"');
            write_hex_lines(s, b, o.hex_text);
            s.push('"');
        } else {
            s.push_str("Hex-STRING: ");
            write_hex_lines(s, b, o.hex_text);
        }
    } else {
        if !o.quick {
            s.push_str("STRING: ");
        }
        write_quoted_text(s, b);
    }
    push_units(s, x.units);
}

/// Two digits, zero-padded (the value is below 100).
fn push_2(s: &mut String, v: u32) {
    s.push((b'0' + (v / 10 % 10) as u8) as char);
    s.push((b'0' + (v % 10) as u8) as char);
}

/// `d days, h:mm:ss.cc` as net-snmp's uptime_string prints it, appended to `s`.
fn write_uptime(s: &mut String, t: u32, quick: bool) {
    let cs = t % 100;
    let secs = t / 100;
    let days = secs / 86_400;
    let h = (secs % 86_400) / 3600;
    let m = (secs % 3600) / 60;
    let sec = secs % 60;
    let mut digits = itoa::Buffer::new();
    if quick {
        s.push_str(digits.format(days));
        s.push(':');
    } else {
        match days {
            0 => {}
            1 => s.push_str("1 day, "),
            d => {
                s.push_str(digits.format(d));
                s.push_str(" days, ");
            }
        }
    }
    s.push_str(digits.format(h));
    s.push(':');
    push_2(s, m);
    s.push(':');
    push_2(s, sec);
    s.push('.');
    push_2(s, cs);
}

/// What the MIB adds to a value's rendering: enumeration labels (or named bits), the
/// DISPLAY-HINT and the UNITS, each already filtered by the `-O` options.
#[derive(Clone, Copy)]
struct Extras<'a> {
    enums: &'a [(i64, String)],
    hint: Option<&'a str>,
    units: Option<&'a str>,
}

impl Extras<'_> {
    const NONE: Extras<'static> = Extras {
        enums: &[],
        hint: None,
        units: None,
    };
}

fn push_units(s: &mut String, units: Option<&str>) {
    if let Some(u) = units {
        s.push(' ');
        s.push_str(u);
    }
}

/// The value part of a varbind line (`STRING: "x"`, `INTEGER: 5`, ...), by the value's own
/// type only, as net-snmp prints values of objects no loaded MIB describes.
pub fn format_value(v: &Value, o: &OutputOptions, mib: &Mib) -> String {
    let mut s = String::new();
    write_by_type(&mut s, v, &Extras::NONE, o, mib);
    s
}

/// The value part of a varbind line, rendered by the syntax of `node` (the object the
/// varbind's OID names, from [`Mib::lookup`]) as net-snmp's `sprint_realloc_variable` does:
/// enumerations as `up(1)`, DISPLAY-HINTs (`STRING: lab-router`, `STRING: 0:c:29:5a:1b:3c`),
/// UNITS (`INTEGER: 885 seconds`), BITS with their names, and `Wrong Type (should be ...): `
/// before a value whose type is not the object's. Without a node (or for nodes without a
/// syntax) this is [`format_value`].
pub fn format_value_for(
    v: &Value,
    node: Option<&NodeInfo<'_>>,
    o: &OutputOptions,
    mib: &Mib,
) -> String {
    let mut s = String::new();
    write_value_for(&mut s, v, node, o, mib);
    s
}

/// [`format_value_for`], appended to `s`.
fn write_value_for(
    s: &mut String,
    v: &Value,
    node: Option<&NodeInfo<'_>>,
    o: &OutputOptions,
    mib: &Mib,
) {
    if matches!(
        v,
        Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView
    ) {
        return write_by_type(s, v, &Extras::NONE, o, mib);
    }
    let Some(node) = node else {
        return write_by_type(s, v, &Extras::NONE, o, mib);
    };
    let base = node.base_type();
    let x = Extras {
        enums: if base == Some(BaseType::Bits) {
            node.bits()
        } else {
            node.enums()
        },
        hint: node.display_hint().filter(|_| !o.no_display_hint),
        units: node.units().filter(|_| !o.no_units),
    };
    let Some(base) = base else {
        return write_by_type(s, v, &x, o, mib);
    };
    // SMIv1's NetworkAddress (RFC1155-SMI) has a printer of its own in net-snmp.
    if let (Some("NetworkAddress"), Value::IpAddress(b)) =
        (node.syntax().map(|s| s.primitive.as_str()), v)
    {
        let hex: Vec<String> = b.iter().map(|x| format!("{x:02X}")).collect();
        if !o.quick {
            s.push_str("Network Address: ");
        }
        s.push_str(&hex.join(":"));
        return;
    }
    // Each SMI type has its printer; a value of another type is flagged and printed by its own
    // type, without the MIB's extras (net-snmp's sprint_realloc_* "Wrong Type" path).
    let expected = match (base, v) {
        (BaseType::Integer32, Value::Integer(_))
        | (BaseType::Unsigned32 | BaseType::Gauge32, Value::Gauge32(_))
        | (BaseType::Counter32, Value::Counter32(_))
        | (BaseType::TimeTicks, Value::TimeTicks(_))
        | (BaseType::IpAddress, Value::IpAddress(_))
        | (BaseType::OctetString | BaseType::Bits, Value::OctetString(_))
        | (BaseType::ObjectIdentifier, Value::ObjectIdentifier(_))
        | (BaseType::Counter64, Value::Counter64(_)) => None,
        (BaseType::Counter64, Value::Opaque(b))
            if matches!(
                decode_opaque(b),
                Some(OpaqueValue::I64(_) | OpaqueValue::U64(_) | OpaqueValue::Counter64(_))
            ) =>
        {
            None
        }
        // An Opaque object takes plain and wrapped (float, double, 64-bit) values alike.
        (BaseType::Opaque, Value::Opaque(_)) => None,
        (BaseType::Unknown, _) => return write_by_type(s, v, &x, o, mib),
        (BaseType::Integer32, _) => Some("INTEGER"),
        (BaseType::Unsigned32 | BaseType::Gauge32, _) => Some("Gauge32 or Unsigned32"),
        (BaseType::Counter32, _) => Some("Counter32"),
        (BaseType::TimeTicks, _) => Some("Timeticks"),
        (BaseType::IpAddress, _) => Some("IpAddress"),
        (BaseType::OctetString, _) => Some("OCTET STRING"),
        (BaseType::Bits, _) => Some("BITS"),
        (BaseType::ObjectIdentifier, _) => Some("OBJECT IDENTIFIER"),
        (BaseType::Counter64, _) => Some("Counter64"),
        (BaseType::Opaque, _) => Some("Opaque"),
        // A base type added later: print by the value's type.
        #[allow(unreachable_patterns)]
        _ => return write_by_type(s, v, &x, o, mib),
    };
    if let Some(should) = expected {
        if !o.quick_equals {
            s.push_str("Wrong Type (should be ");
            s.push_str(should);
            s.push_str("): ");
        }
        return write_by_type(s, v, &Extras::NONE, o, mib);
    }
    match (base, v) {
        (BaseType::Bits, Value::OctetString(b)) => s.push_str(&bits(b, x.enums, o)),
        _ => write_by_type(s, v, &x, o, mib),
    }
}

/// net-snmp's sprint_realloc_bitstring: the octets in hex, then each set bit by name.
fn bits(b: &[u8], names: &[(i64, String)], o: &OutputOptions) -> String {
    let h = hex_lines(b, o.hex_text);
    if o.quick {
        return format!("\"{h}\"");
    }
    let mut s = format!("BITS: {h}");
    // net-snmp searches the names from where the last match was found, never from the start
    // again, so names out of order (or a bit without a name) end the labelling.
    let mut cursor = 0usize;
    for (i, byte) in b.iter().enumerate() {
        for bit in 0..8u32 {
            if byte & (0x80 >> bit) == 0 {
                continue;
            }
            let n = (i as i64) * 8 + i64::from(bit);
            let found = names
                .get(cursor..)
                .unwrap_or(&[])
                .iter()
                .position(|(v, _)| *v == n);
            match found {
                Some(k) => cursor += k,
                None => cursor = names.len(),
            }
            match found.and_then(|_| names.get(cursor)) {
                Some((_, label)) if !o.numeric_enums => {
                    let _ = write!(s, "{label}({n}) ");
                }
                _ => {
                    let _ = write!(s, "{n} ");
                }
            }
        }
    }
    s
}

/// An INTEGER as net-snmp reads it off the wire (`asn_parse_int`'s 32-bit overflow check):
/// above 2^31-1 it keeps the low 32 bits (so 2^32 prints as 0 and 2^31 as 2147483648), below
/// -2^31 it becomes minus its low 32 bits (-2^31-1 prints as -2147483647). net-snmp prints no
/// warning for either, so neither do we; the decoded [`Value`] keeps the value as sent.
fn netsnmp_int32(i: i64) -> i64 {
    if i > i64::from(i32::MAX) {
        i & 0xffff_ffff
    } else if i < i64::from(i32::MIN) {
        -(i & 0xffff_ffff)
    } else {
        i
    }
}

/// net-snmp's sprint_realloc_by_type: the printer for the value's own type, given the MIB's
/// extras when the object has no typed syntax; appended to `s`.
fn write_by_type(s: &mut String, v: &Value, x: &Extras<'_>, o: &OutputOptions, mib: &Mib) {
    let q = o.quick;
    let mut digits = itoa::Buffer::new();
    // `TYPE: ` unless -Oq.
    let prefix = |s: &mut String, p: &str| {
        if !q {
            s.push_str(p);
            s.push_str(": ");
        }
    };
    match v {
        Value::Integer(wide) => {
            let i = netsnmp_int32(*wide);
            prefix(s, "INTEGER");
            let label = x
                .enums
                .iter()
                .find(|(n, _)| *n == i)
                .map(|(_, l)| l.as_str());
            match label {
                Some(l) if !o.numeric_enums => {
                    s.push_str(l);
                    if !q {
                        s.push('(');
                        s.push_str(digits.format(i));
                        s.push(')');
                    }
                }
                _ => match x.hint.and_then(|h| display_integer(i, h, false)) {
                    Some(text) => s.push_str(&text),
                    None => s.push_str(digits.format(i)),
                },
            }
            push_units(s, x.units);
        }
        Value::OctetString(b) => write_octet_string(s, b, x, o),
        Value::Null => s.push_str("NULL"),
        Value::ObjectIdentifier(id) => {
            prefix(s, "OID");
            s.push_str(&format_oid(id, o, mib));
            push_units(s, x.units);
        }
        Value::IpAddress(a) => {
            prefix(s, "IpAddress");
            for (k, b) in a.iter().enumerate() {
                if k > 0 {
                    s.push('.');
                }
                s.push_str(digits.format(*b));
            }
        }
        Value::Counter32(n) => {
            prefix(s, "Counter32");
            s.push_str(digits.format(*n));
            push_units(s, x.units);
        }
        Value::Gauge32(n) => {
            prefix(s, "Gauge32");
            match x.hint.and_then(|h| display_integer(i64::from(*n), h, true)) {
                Some(text) => s.push_str(&text),
                None => s.push_str(digits.format(*n)),
            }
            push_units(s, x.units);
        }
        Value::Counter64(n) => {
            prefix(s, "Counter64");
            s.push_str(digits.format(*n));
            push_units(s, x.units);
        }
        Value::TimeTicks(t) => {
            if o.numeric_timeticks {
                s.push_str(digits.format(*t));
            } else {
                if q {
                    write_uptime(s, *t, true);
                } else {
                    s.push_str("Timeticks: (");
                    s.push_str(digits.format(*t));
                    s.push_str(") ");
                    write_uptime(s, *t, false);
                }
                push_units(s, x.units);
            }
        }
        Value::Opaque(b) => {
            match decode_opaque(b) {
                Some(OpaqueValue::Float(f)) => {
                    prefix(s, "Opaque: Float");
                    s.push_str(&format!("{:.6}", f as f64));
                }
                Some(OpaqueValue::Double(d)) => {
                    prefix(s, "Opaque: Float");
                    s.push_str(&format!("{d:.6}"));
                }
                Some(OpaqueValue::I64(i)) => {
                    prefix(s, "Opaque: Int64");
                    s.push_str(digits.format(i));
                }
                Some(OpaqueValue::U64(u)) => {
                    prefix(s, "Opaque: UInt64");
                    s.push_str(digits.format(u));
                }
                Some(OpaqueValue::Counter64(u)) => {
                    prefix(s, "Opaque: Counter64");
                    s.push_str(digits.format(u));
                }
                None => {
                    prefix(s, "OPAQUE");
                    write_hex_lines(s, b, o.hex_text);
                }
            }
            push_units(s, x.units);
        }
        Value::NoSuchObject => s.push_str("No Such Object available on this agent at this OID"),
        Value::NoSuchInstance => s.push_str("No Such Instance currently exists at this OID"),
        Value::EndOfMibView => s.push_str(
            "No more variables left in this MIB View (It is past the end of the MIB tree)",
        ),
        // [APPLICATION 7] UInteger32: net-snmp prints the bare number.
        Value::Unknown { tag: 0x47, data } if !data.is_empty() && data.len() <= 5 => {
            s.push_str(digits.format(data.iter().fold(0u64, |a, &x| (a << 8) | x as u64)))
        }
        _ => s.push_str("Variable has bad type"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(flags: &str) -> OutputOptions {
        let mut o = OutputOptions::default();
        o.parse_flags(flags).unwrap();
        o
    }

    fn vb(v: Value) -> VarBind {
        VarBind::new("1.3.6.1.4.1.99999.1.0".parse().unwrap(), v)
    }

    /// Expected strings as snmpget -m '' printed them for the same values (net-snmp 5.9.3).
    #[test]
    fn matches_snmpget_texts() {
        let cases: Vec<(&str, Value, &str)> = vec![
            ("", Value::OctetString(b"lab-router".to_vec()), "iso.3.6.1.4.1.99999.1.0 = STRING: \"lab-router\""),
            ("", Value::OctetString(vec![]), "iso.3.6.1.4.1.99999.1.0 = \"\""),
            ("", Value::OctetString(b"a\"b\\c\n".to_vec()), "iso.3.6.1.4.1.99999.1.0 = STRING: \"a\\\"b\\\\c\n\""),
            ("", Value::OctetString(b"abc\0".to_vec()), "iso.3.6.1.4.1.99999.1.0 = Hex-STRING: 61 62 63 00 "),
            ("", Value::OctetString((0..32).collect()), "iso.3.6.1.4.1.99999.1.0 = Hex-STRING: 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F \n10 11 12 13 14 15 16 17 18 19 1A 1B 1C 1D 1E 1F "),
            ("", Value::OctetString(vec![0xc3, 0xa9]), "iso.3.6.1.4.1.99999.1.0 = Hex-STRING: C3 A9 "),
            ("q", Value::OctetString(vec![0x7f, 0x41]), "iso.3.6.1.4.1.99999.1.0 \"7F 41 \""),
            ("a", Value::OctetString(vec![0x7f, 0x41]), "iso.3.6.1.4.1.99999.1.0 = STRING: \".A\""),
            ("x", Value::OctetString(b"A".to_vec()), "iso.3.6.1.4.1.99999.1.0 = Hex-STRING: 41 "),
            ("T", Value::OctetString(vec![0x61, 0, 0x62]), "iso.3.6.1.4.1.99999.1.0 = Hex-STRING: 61 00 62   [a.b]"),
            ("", Value::Integer(-1), "iso.3.6.1.4.1.99999.1.0 = INTEGER: -1"),
            ("", Value::Null, "iso.3.6.1.4.1.99999.1.0 = NULL"),
            ("", Value::ObjectIdentifier("0.0".parse().unwrap()), "iso.3.6.1.4.1.99999.1.0 = OID: ccitt.0"),
            ("n", Value::ObjectIdentifier("1.3.6.1".parse().unwrap()), ".1.3.6.1.4.1.99999.1.0 = OID: .1.3.6.1"),
            ("f", Value::ObjectIdentifier("1.3.6.1".parse().unwrap()), ".iso.3.6.1.4.1.99999.1.0 = OID: .iso.3.6.1"),
            ("", Value::IpAddress([10, 0, 0, 1]), "iso.3.6.1.4.1.99999.1.0 = IpAddress: 10.0.0.1"),
            ("", Value::Counter32(u32::MAX), "iso.3.6.1.4.1.99999.1.0 = Counter32: 4294967295"),
            ("", Value::Gauge32(5), "iso.3.6.1.4.1.99999.1.0 = Gauge32: 5"),
            ("", Value::TimeTicks(0), "iso.3.6.1.4.1.99999.1.0 = Timeticks: (0) 0:00:00.00"),
            ("", Value::TimeTicks(8_640_000), "iso.3.6.1.4.1.99999.1.0 = Timeticks: (8640000) 1 day, 0:00:00.00"),
            ("", Value::TimeTicks(u32::MAX), "iso.3.6.1.4.1.99999.1.0 = Timeticks: (4294967295) 497 days, 2:27:52.95"),
            ("q", Value::TimeTicks(2_097_152), "iso.3.6.1.4.1.99999.1.0 0:5:49:31.52"),
            ("t", Value::TimeTicks(2_097_152), "iso.3.6.1.4.1.99999.1.0 = 2097152"),
            ("", Value::Counter64(u64::MAX), "iso.3.6.1.4.1.99999.1.0 = Counter64: 18446744073709551615"),
            ("", Value::Opaque(vec![0x9f, 0x78, 4, 0x3f, 0xc0, 0, 0]), "iso.3.6.1.4.1.99999.1.0 = Opaque: Float: 1.500000"),
            ("", Value::Opaque(vec![0x9f, 0x79, 8, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18]), "iso.3.6.1.4.1.99999.1.0 = Opaque: Float: 3.141593"),
            ("", Value::Opaque(vec![0x9f, 0x7a, 1, 0xff]), "iso.3.6.1.4.1.99999.1.0 = Opaque: Int64: -1"),
            ("", Value::Opaque(vec![1, 2, 3]), "iso.3.6.1.4.1.99999.1.0 = OPAQUE: 01 02 03 "),
            ("", Value::NoSuchObject, "iso.3.6.1.4.1.99999.1.0 = No Such Object available on this agent at this OID"),
            ("", Value::Unknown { tag: 0x45, data: vec![1, 2, 3, 4] }, "iso.3.6.1.4.1.99999.1.0 = Variable has bad type"),
            ("", Value::Unknown { tag: 0x47, data: vec![5] }, "iso.3.6.1.4.1.99999.1.0 = 5"),
            ("v", Value::Integer(3), "INTEGER: 3"),
            ("Q", Value::Integer(3), "iso.3.6.1.4.1.99999.1.0 = 3"),
            ("qQ", Value::Integer(3), "iso.3.6.1.4.1.99999.1.0 = INTEGER: 3"),
        ];
        for (flags, v, want) in cases {
            assert_eq!(
                format_varbind(&vb(v.clone()), &opts(flags), &Mib::none()),
                want,
                "-O{flags} {v:?}"
            );
        }
    }

    /// One formatter over a walk's varbinds prints each line as a fresh `format_varbind` does,
    /// whatever the `-O` flags (enums, hints, units, indexes, wrong types).
    #[test]
    fn one_formatter_prints_what_fresh_calls_print() {
        let mib = Mib::builtin();
        let o = |s: &str| -> Oid { s.parse().unwrap() };
        let vbs = [
            VarBind::new(o("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(123_456_789)),
            VarBind::new(o("1.3.6.1.2.1.1.5.0"), Value::OctetString(b"r1".to_vec())),
            VarBind::new(o("1.3.6.1.2.1.2.2.1.3.1"), Value::Integer(6)),
            VarBind::new(o("1.3.6.1.2.1.2.2.1.3.2"), Value::Integer(999)),
            VarBind::new(o("1.3.6.1.2.1.2.2.1.3.3"), Value::Counter32(6)),
            VarBind::new(
                o("1.3.6.1.2.1.2.2.1.6.1"),
                Value::OctetString(vec![0, 0x1a, 0x2b, 0, 0, 1]),
            ),
            VarBind::new(o("1.3.6.1.2.1.2.2.1.6.2"), Value::OctetString(vec![])),
            VarBind::new(o("1.3.6.1.2.1.2.2.1.9.1"), Value::TimeTicks(8_640_100)),
            VarBind::new(
                o("1.3.6.1.2.1.2.2.1.22.1"),
                Value::ObjectIdentifier(o("0.0")),
            ),
            VarBind::new(o("1.3.6.1.2.1.31.1.1.1.6.1"), Value::Counter64(u64::MAX)),
            VarBind::new(o("1.3.6.1.2.1.31.1.1.1.15.1"), Value::Gauge32(1000)),
            VarBind::new(
                o("1.3.6.1.2.1.4.20.1.1.10.0.0.1"),
                Value::IpAddress([10, 0, 0, 1]),
            ),
            VarBind::new(
                o("1.3.6.1.6.3.16.1.2.1.3.3.6.115.104.97.97.101.115"),
                Value::OctetString(b"g".to_vec()),
            ),
            VarBind::new(
                o("1.3.6.1.4.1.99999.1.0"),
                Value::Opaque(vec![0x9f, 0x78, 4, 0x3f, 0xc0, 0, 0]),
            ),
            VarBind::new(o("1.3.6.1.4.1.99999.1.1"), Value::EndOfMibView),
        ];
        for flags in [
            "", "n", "s", "f", "u", "b", "q", "Q", "v", "e", "t", "x", "a", "T", "U", "sqe",
        ] {
            let opts = opts(flags);
            for m in [&mib, &Mib::none()] {
                let mut f = VarBindFormatter::new(m, &opts);
                for vb in &vbs {
                    let mut line = String::new();
                    f.write(&mut line, vb);
                    assert_eq!(line, format_varbind(vb, &opts, m), "-O{flags} {vb:?}");
                }
            }
        }
    }

    #[test]
    fn unknown_flag_is_refused() {
        let mut o = OutputOptions::default();
        assert_eq!(
            o.parse_flags("z").unwrap_err().to_string(),
            "Unknown output option passed to -O: z."
        );
    }
}
