//! SNMP values (every SMI type and the three v2 exceptions) and variable bindings.

use crate::oid::Oid;
use crate::opaque::{decode_opaque, OpaqueValue};
use std::fmt;
use std::net::Ipv4Addr;
use std::time::Duration;

/// A value carried in a variable binding.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// INTEGER / Integer32. Stored wide so that out-of-range values from lenient agents survive.
    Integer(i64),
    /// OCTET STRING (also DisplayString, PhysAddress, ...).
    OctetString(Vec<u8>),
    /// NULL, as sent in requests.
    Null,
    /// OBJECT IDENTIFIER.
    ObjectIdentifier(Oid),
    /// IpAddress ([APPLICATION 0]).
    IpAddress([u8; 4]),
    /// Counter32 ([APPLICATION 1]).
    Counter32(u32),
    /// Gauge32 / Unsigned32 ([APPLICATION 2]).
    Gauge32(u32),
    /// TimeTicks ([APPLICATION 3]), hundredths of a second.
    TimeTicks(u32),
    /// Opaque ([APPLICATION 4]): the raw inner bytes.
    Opaque(Vec<u8>),
    /// Counter64 ([APPLICATION 6]).
    Counter64(u64),
    /// noSuchObject exception ([CONTEXT 0]).
    NoSuchObject,
    /// noSuchInstance exception ([CONTEXT 1]).
    NoSuchInstance,
    /// endOfMibView exception ([CONTEXT 2]).
    EndOfMibView,
    /// A value with a tag this library does not model (for example [APPLICATION 5] NsapAddress
    /// or [APPLICATION 7] UInteger32). Kept so one odd varbind does not lose the whole message.
    Unknown {
        /// The full BER identifier octet.
        tag: u8,
        /// The content octets.
        data: Vec<u8>,
    },
}

impl Value {
    /// True for the three v2 exception values.
    pub fn is_exception(&self) -> bool {
        matches!(
            self,
            Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView
        )
    }

    /// A short type name, as used in JSON output and in net-snmp's type prefixes.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Integer(_) => "INTEGER",
            Value::OctetString(_) => "STRING",
            Value::Null => "NULL",
            Value::ObjectIdentifier(_) => "OID",
            Value::IpAddress(_) => "IpAddress",
            Value::Counter32(_) => "Counter32",
            Value::Gauge32(_) => "Gauge32",
            Value::TimeTicks(_) => "Timeticks",
            Value::Opaque(_) => "Opaque",
            Value::Counter64(_) => "Counter64",
            Value::NoSuchObject => "noSuchObject",
            Value::NoSuchInstance => "noSuchInstance",
            Value::EndOfMibView => "endOfMibView",
            Value::Unknown { .. } => "Unknown",
        }
    }
}

/// Typed access to a value's content. Each accessor answers for the SMI types that carry
/// that kind of content and returns `None` for the others, so a program can read a cell
/// without matching on every variant:
///
/// ```
/// use snmpkit_proto::{oid, Value};
/// use std::time::Duration;
///
/// assert_eq!(Value::Counter64(1 << 40).as_u64(), Some(1 << 40));
/// assert_eq!(Value::Gauge32(100).as_i64(), Some(100));
/// assert_eq!(Value::Integer(-3).as_u64(), None);
/// assert_eq!(Value::OctetString(b"eth0".to_vec()).as_str(), Some("eth0"));
/// assert_eq!(Value::OctetString(vec![0, 0x0c, 0x29]).as_bytes(), Some(&[0, 0x0c, 0x29][..]));
/// assert_eq!(Value::TimeTicks(12_345).as_duration(), Some(Duration::from_millis(123_450)));
/// assert_eq!(Value::IpAddress([10, 0, 0, 1]).as_ip(), Some("10.0.0.1".parse().unwrap()));
/// let oid = oid!(1, 3, 6, 1);
/// assert_eq!(Value::ObjectIdentifier(oid.clone()).as_oid(), Some(&oid));
/// // Display is net-snmp's text for the value, as `snmpget` prints it without MIBs.
/// assert_eq!(Value::TimeTicks(12_345).to_string(), "Timeticks: (12345) 0:02:03.45");
/// assert_eq!(Value::OctetString(b"lab".to_vec()).to_string(), "STRING: \"lab\"");
/// ```
impl Value {
    /// The value as an unsigned number: Counter32, Gauge32, TimeTicks, Counter64, a
    /// non-negative INTEGER, and the unsigned Opaque forms (UInt64, Counter64).
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => Some(u64::from(*n)),
            Value::Counter64(n) => Some(*n),
            Value::Integer(i) => u64::try_from(*i).ok(),
            Value::Opaque(b) => match decode_opaque(b) {
                Some(OpaqueValue::U64(n) | OpaqueValue::Counter64(n)) => Some(n),
                Some(OpaqueValue::I64(i)) => u64::try_from(i).ok(),
                _ => None,
            },
            _ => None,
        }
    }

    /// The value as a signed number: INTEGER, the 32-bit unsigned types, a Counter64 that
    /// fits, and the integer Opaque forms.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Integer(i) => Some(*i),
            Value::Opaque(b) => match decode_opaque(b) {
                Some(OpaqueValue::I64(i)) => Some(i),
                Some(OpaqueValue::U64(n) | OpaqueValue::Counter64(n)) => i64::try_from(n).ok(),
                _ => None,
            },
            other => other.as_u64().and_then(|n| i64::try_from(n).ok()),
        }
    }

    /// The content octets of an OCTET STRING or an Opaque.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::OctetString(b) | Value::Opaque(b) => Some(b),
            _ => None,
        }
    }

    /// An OCTET STRING that is valid UTF-8 (DisplayString, SnmpAdminString) as text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::OctetString(b) => std::str::from_utf8(b).ok(),
            _ => None,
        }
    }

    /// The OID of an OBJECT IDENTIFIER value.
    pub fn as_oid(&self) -> Option<&Oid> {
        match self {
            Value::ObjectIdentifier(o) => Some(o),
            _ => None,
        }
    }

    /// The address of an IpAddress value.
    pub fn as_ip(&self) -> Option<Ipv4Addr> {
        match self {
            Value::IpAddress(a) => Some(Ipv4Addr::from(*a)),
            _ => None,
        }
    }

    /// TimeTicks (hundredths of a second) as a duration.
    pub fn as_duration(&self) -> Option<Duration> {
        match self {
            Value::TimeTicks(t) => Some(Duration::from_millis(u64::from(*t) * 10)),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    /// A plain rendering in net-snmp's words without MIBs, as `snmpget -m ''` prints most
    /// values after the ` = `: `INTEGER: 5`, `STRING: "lo"`, `Hex-STRING: 00 1A `,
    /// `Timeticks: (12345) 0:02:03.45`, `Counter64: 7`. Display hints, enumeration labels,
    /// `-O` options and names come from the MIB layer (`snmpkit::format`), which renders a value
    /// exactly as net-snmp's tools do.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Integer(i) => write!(f, "INTEGER: {}", *i as i32),
            Value::OctetString(b) if b.is_empty() => f.write_str("\"\""),
            Value::OctetString(b)
                if b.iter()
                    .all(|&c| (0x20..0x7f).contains(&c) || (0x09..=0x0d).contains(&c)) =>
            {
                f.write_str("STRING: \"")?;
                for &c in b.iter() {
                    if c == b'"' || c == b'\\' {
                        f.write_str("\\")?;
                    }
                    write!(f, "{}", c as char)?;
                }
                f.write_str("\"")
            }
            Value::OctetString(b) => {
                f.write_str("Hex-STRING: ")?;
                write_hex_lines(f, b)
            }
            Value::Null => f.write_str("NULL"),
            Value::ObjectIdentifier(id) => {
                f.write_str("OID: ")?;
                let arcs = id.arcs();
                match arcs.split_first() {
                    Some((1, rest)) => {
                        f.write_str("iso")?;
                        for a in rest {
                            write!(f, ".{a}")?;
                        }
                        Ok(())
                    }
                    _ => write!(f, "{id}"),
                }
            }
            Value::IpAddress(a) => write!(f, "IpAddress: {}.{}.{}.{}", a[0], a[1], a[2], a[3]),
            Value::Counter32(n) => write!(f, "Counter32: {n}"),
            Value::Gauge32(n) => write!(f, "Gauge32: {n}"),
            Value::TimeTicks(t) => {
                let (cs, secs) = (t % 100, t / 100);
                let days = secs / 86_400;
                write!(f, "Timeticks: ({t}) ")?;
                match days {
                    0 => {}
                    1 => f.write_str("1 day, ")?,
                    d => write!(f, "{d} days, ")?,
                }
                write!(
                    f,
                    "{}:{:02}:{:02}.{:02}",
                    (secs % 86_400) / 3600,
                    (secs % 3600) / 60,
                    secs % 60,
                    cs
                )
            }
            Value::Opaque(b) => match decode_opaque(b) {
                Some(OpaqueValue::Float(x)) => write!(f, "Opaque: Float: {x}"),
                Some(OpaqueValue::Double(x)) => write!(f, "Opaque: Double: {x}"),
                Some(OpaqueValue::I64(x)) => write!(f, "Opaque: Int64: {x}"),
                Some(OpaqueValue::U64(x)) => write!(f, "Opaque: UInt64: {x}"),
                Some(OpaqueValue::Counter64(x)) => write!(f, "Opaque: Counter64: {x}"),
                None => {
                    f.write_str("OPAQUE: ")?;
                    write_hex_lines(f, b)
                }
            },
            Value::Counter64(n) => write!(f, "Counter64: {n}"),
            Value::NoSuchObject => {
                f.write_str("No Such Object available on this agent at this OID")
            }
            Value::NoSuchInstance => f.write_str("No Such Instance currently exists at this OID"),
            Value::EndOfMibView => f.write_str(
                "No more variables left in this MIB View (It is past the end of the MIB tree)",
            ),
            Value::Unknown { tag, data } => {
                write!(f, "Unknown (tag 0x{tag:02x}): ")?;
                write_hex_lines(f, data)
            }
        }
    }
}

/// Octets as net-snmp's Hex-STRING: upper-case pairs, each followed by a space, 16 a line.
fn write_hex_lines(f: &mut fmt::Formatter<'_>, b: &[u8]) -> fmt::Result {
    for (k, chunk) in b.chunks(16).enumerate() {
        if k > 0 {
            f.write_str("\n")?;
        }
        for x in chunk {
            write!(f, "{x:02X} ")?;
        }
    }
    Ok(())
}

/// A variable binding: an OID and its value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VarBind {
    /// The object instance.
    pub oid: Oid,
    /// Its value (`Null` in requests).
    pub value: Value,
}

impl VarBind {
    /// A binding with a value.
    pub fn new(oid: Oid, value: Value) -> Self {
        VarBind { oid, value }
    }

    /// A binding with a NULL value, as used in Get/GetNext/GetBulk requests.
    pub fn null(oid: Oid) -> Self {
        VarBind {
            oid,
            value: Value::Null,
        }
    }
}

/// Why a `set`-style typed value could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueParseError {
    /// The type letter is not one net-snmp knows.
    #[error("Bad object type: {0}")]
    BadType(String),
    /// The text is not a valid value of that type.
    #[error("{0}")]
    BadValue(String),
}

impl Value {
    /// Parses a value the way `snmpset` does from a type letter and text:
    /// `i` INTEGER, `u` Unsigned32, `t` TimeTicks, `a` IpAddress, `o` OID, `s` STRING,
    /// `x` hex STRING (`"41 42 43"` or `0x414243`), `d` decimal STRING (`65.66.67`),
    /// `b` BITS (`"0,3,5"`), `n` NULL, `c` Counter32, `C` Counter64, and the Opaque forms
    /// `U` unsigned 64-bit, `I` signed 64-bit, `F` float, `D` double.
    pub fn from_type_letter(letter: &str, text: &str) -> Result<Value, ValueParseError> {
        let bad = |what: &str| ValueParseError::BadValue(format!("{what}: {text}"));
        let t = text.trim();
        Ok(match letter {
            "i" => Value::Integer(parse_int(t).ok_or_else(|| bad("Bad value for INTEGER"))?),
            "u" => Value::Gauge32(parse_u32(t).ok_or_else(|| bad("Bad value for Unsigned32"))?),
            "c" => Value::Counter32(parse_u32(t).ok_or_else(|| bad("Bad value for Counter32"))?),
            "t" => Value::TimeTicks(parse_u32(t).ok_or_else(|| bad("Bad value for Timeticks"))?),
            "C" => Value::Counter64(t.parse().map_err(|_| bad("Bad value for Counter64"))?),
            "a" => Value::IpAddress(
                t.parse::<std::net::Ipv4Addr>()
                    .map_err(|_| bad("Bad value for IpAddress"))?
                    .octets(),
            ),
            "o" => Value::ObjectIdentifier(t.parse().map_err(|_| bad("Bad value for OID"))?),
            "s" => Value::OctetString(text.as_bytes().to_vec()),
            "x" => {
                Value::OctetString(parse_hex(text).ok_or_else(|| bad("Bad value for hex string"))?)
            }
            "d" => Value::OctetString(
                parse_decimal_bytes(text).ok_or_else(|| bad("Bad value for decimal string"))?,
            ),
            "b" => Value::OctetString(parse_bits(text).ok_or_else(|| bad("Bad value for BITS"))?),
            "n" => Value::Null,
            "U" => Value::Opaque(opaque_u64(
                t.parse()
                    .map_err(|_| bad("Bad value for unsigned 64-bit integer"))?,
            )),
            "I" => Value::Opaque(opaque_i64(
                t.parse()
                    .map_err(|_| bad("Bad value for signed 64-bit integer"))?,
            )),
            "F" => {
                let f: f32 = t.parse().map_err(|_| bad("Bad value for float"))?;
                let mut v = vec![0x9f, 0x78, 4];
                v.extend_from_slice(&f.to_be_bytes());
                Value::Opaque(v)
            }
            "D" => {
                let f: f64 = t.parse().map_err(|_| bad("Bad value for double"))?;
                let mut v = vec![0x9f, 0x79, 8];
                v.extend_from_slice(&f.to_be_bytes());
                Value::Opaque(v)
            }
            other => return Err(ValueParseError::BadType(other.to_string())),
        })
    }
}

fn parse_int(t: &str) -> Option<i64> {
    let v: i64 = t.parse().ok()?;
    (i32::MIN as i64..=i32::MAX as i64)
        .contains(&v)
        .then_some(v)
}

fn parse_u32(t: &str) -> Option<u32> {
    t.parse().ok()
}

/// Hex octets as net-snmp reads a `x` value (see [`crate::hex::decode_groups`]).
pub(crate) fn parse_hex(text: &str) -> Option<Vec<u8>> {
    crate::hex::decode_groups(text)
}

fn parse_decimal_bytes(text: &str) -> Option<Vec<u8>> {
    text.trim()
        .split(|c: char| c == '.' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<u8>().ok())
        .collect()
}

fn parse_bits(text: &str) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::new();
    for s in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
    {
        let bit: usize = s.parse().ok()?;
        if bit > 65535 {
            return None;
        }
        let byte = bit / 8;
        if out.len() <= byte {
            out.resize(byte + 1, 0);
        }
        out[byte] |= 0x80 >> (bit % 8);
    }
    Some(out)
}

fn opaque_u64(v: u64) -> Vec<u8> {
    opaque_unsigned(0x7b, v)
}

/// net-snmp's Opaque wrapping of an unsigned 64-bit value: `9f TAG LEN` and the minimal
/// unsigned encoding (0x7b UInt64, 0x76 Counter64).
pub fn opaque_unsigned(tag: u8, v: u64) -> Vec<u8> {
    let be = v.to_be_bytes();
    let skip = be.iter().take(7).take_while(|&&b| b == 0).count();
    let mut body = be[skip..].to_vec();
    if body[0] & 0x80 != 0 {
        body.insert(0, 0);
    }
    let mut out = vec![0x9f, tag, body.len() as u8];
    out.extend_from_slice(&body);
    out
}

fn opaque_i64(v: i64) -> Vec<u8> {
    let be = v.to_be_bytes();
    let mut i = 0;
    while i < 7 {
        let next_hi = be[i + 1] & 0x80;
        if (be[i] == 0 && next_hi == 0) || (be[i] == 0xff && next_hi != 0) {
            i += 1;
        } else {
            break;
        }
    }
    let mut out = vec![0x9f, 0x7a, (8 - i) as u8];
    out.extend_from_slice(&be[i..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors_answer_only_for_their_types() {
        assert_eq!(Value::Counter64(u64::MAX).as_u64(), Some(u64::MAX));
        assert_eq!(Value::Counter64(u64::MAX).as_i64(), None);
        assert_eq!(Value::Integer(-1).as_i64(), Some(-1));
        assert_eq!(Value::Integer(-1).as_u64(), None);
        assert_eq!(Value::TimeTicks(7).as_u64(), Some(7));
        assert_eq!(Value::OctetString(b"7".to_vec()).as_u64(), None);
        // Opaque integers (net-snmp's UInt64 and Int64 forms).
        let u = Value::from_type_letter("U", "18446744073709551615").unwrap();
        assert_eq!(u.as_u64(), Some(u64::MAX));
        let i = Value::from_type_letter("I", "-5").unwrap();
        assert_eq!((i.as_i64(), i.as_u64()), (Some(-5), None));
        assert_eq!(Value::from_type_letter("F", "1.5").unwrap().as_i64(), None);
        assert_eq!(Value::OctetString(vec![0xff]).as_str(), None);
        assert_eq!(Value::Opaque(vec![1]).as_bytes(), Some(&[1u8][..]));
        assert_eq!(Value::Integer(1).as_bytes(), None);
        assert_eq!(Value::Gauge32(1).as_duration(), None);
        assert_eq!(Value::Null.as_oid(), None);
        assert_eq!(Value::Null.as_ip(), None);
        assert_eq!(Value::Integer(-3).to_string(), "INTEGER: -3");
        assert_eq!(
            Value::ObjectIdentifier("1.3.6.1".parse().unwrap()).to_string(),
            "OID: iso.3.6.1"
        );
    }

    #[test]
    fn type_letters() {
        let ok: &[(&str, &str, Value)] = &[
            ("i", "-5", Value::Integer(-5)),
            ("u", "7", Value::Gauge32(7)),
            ("c", "4294967295", Value::Counter32(u32::MAX)),
            ("t", "100", Value::TimeTicks(100)),
            ("C", "18446744073709551615", Value::Counter64(u64::MAX)),
            ("a", "10.1.2.3", Value::IpAddress([10, 1, 2, 3])),
            (
                "o",
                ".1.3.6.1",
                Value::ObjectIdentifier("1.3.6.1".parse().unwrap()),
            ),
            ("s", "lab", Value::OctetString(b"lab".to_vec())),
            ("x", "41 42 43", Value::OctetString(b"ABC".to_vec())),
            ("x", "0x414243", Value::OctetString(b"ABC".to_vec())),
            ("d", "65.66.67", Value::OctetString(b"ABC".to_vec())),
            ("b", "0,9", Value::OctetString(vec![0x80, 0x40])),
            ("n", "", Value::Null),
            ("U", "1", Value::Opaque(vec![0x9f, 0x7b, 1, 1])),
            ("I", "-1", Value::Opaque(vec![0x9f, 0x7a, 1, 0xff])),
            (
                "F",
                "1.5",
                Value::Opaque(vec![0x9f, 0x78, 4, 0x3f, 0xc0, 0, 0]),
            ),
            (
                "D",
                "1.5",
                Value::Opaque(vec![0x9f, 0x79, 8, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]),
            ),
        ];
        for (l, t, v) in ok {
            assert_eq!(&Value::from_type_letter(l, t).unwrap(), v, "{l} {t}");
        }
        for (l, t) in [
            ("i", "x"),
            ("i", "4294967296"),
            ("u", "-1"),
            ("a", "1.2.3"),
            ("x", "4G"),
            ("o", "1..2"),
            ("d", "256"),
        ] {
            assert!(
                matches!(
                    Value::from_type_letter(l, t),
                    Err(ValueParseError::BadValue(_))
                ),
                "{l} {t}"
            );
        }
        assert_eq!(
            Value::from_type_letter("z", "1"),
            Err(ValueParseError::BadType("z".into()))
        );
    }
}
