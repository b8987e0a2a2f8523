//! Reading typed values the way `snmpset` and `snmptrap` do (`OID TYPE VALUE`), checked
//! against the MIB before anything is sent: the type letter must suit the object's syntax,
//! integers must be inside its ranges, strings inside its sizes, and a `s` value is read
//! through the object's DISPLAY-HINT (`1x:` takes `0:1b:21:3c:4d:5e`). The errors carry
//! net-snmp's wording (`Bad variable type (Type of attribute is OCTET STRING, not INTEGER)`,
//! `Value out of range (abc)`, `Bad value notation (zz)`).

use super::hint::parse_spec;
use crate::mib::{BaseType, Mib, Syntax};
use crate::{Oid, Value};

/// Why a typed value was refused before sending. The text is net-snmp's; tools print it after
/// the object as typed (`sysName.0: Bad variable type (...)`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The type letter is not one the tool takes.
    #[error("Bad object type: {0}")]
    BadObjectType(char),
    /// The type letter does not suit the object's syntax in the MIB.
    #[error("Bad variable type (Type of attribute is {attribute}, not {given})")]
    WrongType {
        /// The object's type as net-snmp names it (`OCTET STRING`, `Integer32`, ...).
        attribute: &'static str,
        /// The type the letter asked for (`INTEGER`, `Unsigned32`, ...).
        given: &'static str,
    },
    /// `=` was given for an object whose type the MIB does not say.
    #[error("Bad variable type (\"=\")")]
    NoMibType,
    /// The value is outside the object's range or size, or not a number (for `i`).
    #[error("Value out of range ({0})")]
    OutOfRange(String),
    /// The text is not a valid value of the type.
    #[error("Bad value notation ({0})")]
    BadNotation(String),
    /// An OID value that names nothing known.
    #[error("{0}")]
    UnknownOid(String),
}

/// The letters `parse_value` knows: net-snmp's `snmp_add_var` types.
pub const TYPE_LETTERS: &str = "=iuctaosxdbnCUIFD";

/// How net-snmp names an object's type in "Type of attribute is ...".
fn attribute_type(s: &Syntax) -> &'static str {
    match s.base {
        BaseType::Integer32 if s.primitive == "Integer32" => "Integer32",
        BaseType::Integer32 => "INTEGER",
        BaseType::Unsigned32 => "Unsigned32",
        BaseType::Gauge32 => "Gauge32",
        BaseType::Counter32 => "Counter32",
        BaseType::Counter64 => "Counter64",
        BaseType::TimeTicks => "Timeticks",
        BaseType::IpAddress => "IpAddress",
        BaseType::OctetString => "OCTET STRING",
        BaseType::ObjectIdentifier => "OBJECT IDENTIFIER",
        BaseType::Bits => "BITS",
        BaseType::Opaque => "Opaque",
        BaseType::Unknown => "Unknown",
    }
}

/// The letter `=` stands for with this syntax.
fn letter_for(s: &Syntax) -> Option<char> {
    Some(match s.base {
        BaseType::Integer32 => 'i',
        BaseType::Unsigned32 | BaseType::Gauge32 => 'u',
        BaseType::Counter32 => 'c',
        BaseType::Counter64 => 'C',
        BaseType::TimeTicks => 't',
        BaseType::IpAddress => 'a',
        BaseType::ObjectIdentifier => 'o',
        BaseType::Bits => 'b',
        BaseType::OctetString => 's',
        BaseType::Opaque | BaseType::Unknown => return None,
    })
}

/// Whether `letter` suits `base`, as net-snmp checks it; None when it is not checked.
fn suits(letter: char, s: &Syntax) -> Option<(bool, &'static str)> {
    let b = s.base;
    Some(match letter {
        'i' => (b == BaseType::Integer32, "INTEGER"),
        'u' => (
            matches!(b, BaseType::Gauge32 | BaseType::Unsigned32),
            "Unsigned32",
        ),
        'c' => (b == BaseType::Counter32, "Counter32"),
        'C' => (b == BaseType::Counter64, "Counter64"),
        't' => (b == BaseType::TimeTicks, "Timeticks"),
        'a' => (b == BaseType::IpAddress, "IpAddress"),
        'o' => (b == BaseType::ObjectIdentifier, "OBJECT IDENTIFIER"),
        's' | 'x' | 'd' => (
            matches!(b, BaseType::OctetString | BaseType::Bits),
            "OCTET STRING",
        ),
        'b' => (b == BaseType::Bits && !s.bits.is_empty(), "BITS"),
        _ => return None,
    })
}

/// A range as written in the MIB (`0..127`, `40`, `-5..-1`) as numbers.
fn parse_range(r: &str) -> Option<(i64, i64)> {
    match r.split_once("..") {
        Some((lo, hi)) => Some((lo.trim().parse().ok()?, hi.trim().parse().ok()?)),
        None => {
            let v = r.trim().parse().ok()?;
            Some((v, v))
        }
    }
}

/// Checks `v` against `ranges`; the error detail is net-snmp's `WHAT :: {(0..127), (200)}`.
fn check_range(ranges: &[String], v: i64, what: &str) -> Result<(), InputError> {
    let parsed: Option<Vec<(i64, i64)>> = ranges.iter().map(|r| parse_range(r)).collect();
    let Some(parsed) = parsed.filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    if parsed.iter().any(|(lo, hi)| *lo <= v && v <= *hi) {
        return Ok(());
    }
    let list: Vec<String> = parsed
        .iter()
        .map(|(lo, hi)| {
            if lo == hi {
                format!("({lo})")
            } else {
                format!("({lo}..{hi})")
            }
        })
        .collect();
    Err(InputError::OutOfRange(format!(
        "{what} :: {{{}}}",
        list.join(", ")
    )))
}

/// Reads `text` through an octet-string DISPLAY-HINT, the inverse of rendering it: numbers
/// in the hint's base go into its width in octets, text fields are copied, separators must
/// match. None when the text does not follow the hint (it is then taken literally).
pub fn parse_octets_with_hint(text: &str, hint: &str) -> Option<Vec<u8>> {
    let mut input = text.as_bytes();
    let mut out = Vec::new();
    let mut rest = hint.as_bytes();
    let (mut spec, next) = parse_spec(rest);
    rest = next;
    while !input.is_empty() {
        if spec.star || spec.width > 8 && !matches!(spec.code, b'a' | b't') {
            return None;
        }
        match spec.code {
            b'a' | b't' => {
                let mut n = 0;
                while n < input.len() && n < spec.width && Some(input[n]) != spec.separ {
                    n += 1;
                }
                out.extend_from_slice(&input[..n]);
                input = &input[n..];
            }
            b'd' | b'x' | b'o' => {
                let radix = match spec.code {
                    b'd' => 10,
                    b'x' => 16,
                    _ => 8,
                };
                let n = input
                    .iter()
                    .take_while(|c| char::from(**c).is_digit(radix))
                    .count();
                if n == 0 {
                    return None;
                }
                let digits = std::str::from_utf8(&input[..n]).ok()?;
                let v = u64::from_str_radix(digits, radix).ok()?;
                out.extend_from_slice(&v.to_be_bytes()[8 - spec.width..]);
                input = &input[n..];
            }
            _ => return None,
        }
        if let (Some(sep), Some(&c)) = (spec.separ, input.first()) {
            if c != sep {
                return None;
            }
            input = &input[1..];
        }
        if !rest.is_empty() {
            let (s, next) = parse_spec(rest);
            spec = s;
            rest = next;
        }
    }
    Some(out)
}

/// Whether a hint only copies text (`255a`, `255t`): the value is then the text itself.
fn is_text_hint(hint: &str) -> bool {
    let h = hint.trim_start_matches(|c: char| c.is_ascii_digit());
    h == "a" || h == "t"
}

/// Parses `TYPE VALUE` for the object `oid` as `snmpset` does, with the MIB's checks:
/// `=` takes the type from the MIB; `i` takes enumeration labels (`down`, or `down(2)` as
/// snmpkit prints it); `o` takes names; `s` reads the text through the object's DISPLAY-HINT.
/// Objects the MIB does not type are not checked, as in net-snmp.
pub fn parse_value(mib: &Mib, oid: &Oid, letter: &str, text: &str) -> Result<Value, InputError> {
    parse(mib, oid, letter, text, true)
}

/// Like [`parse_value`] without the type, range and size checks (net-snmp's `-Ir`): the MIB
/// still gives `=` its type, enumeration labels and the DISPLAY-HINT reading of `s`.
pub fn parse_value_unchecked(
    mib: &Mib,
    oid: &Oid,
    letter: &str,
    text: &str,
) -> Result<Value, InputError> {
    parse(mib, oid, letter, text, false)
}

fn parse(mib: &Mib, oid: &Oid, letter: &str, text: &str, check: bool) -> Result<Value, InputError> {
    let mut chars = letter.chars();
    let first = chars.next().unwrap_or(' ');
    if chars.next().is_some() || !TYPE_LETTERS.contains(first) {
        return Err(InputError::BadObjectType(first));
    }
    let node = mib.lookup(oid);
    let syntax = node
        .as_ref()
        .and_then(|n| n.syntax())
        .filter(|s| s.base != BaseType::Unknown);
    let letter = if first == '=' {
        syntax.and_then(letter_for).ok_or(InputError::NoMibType)?
    } else {
        first
    };
    let checked = syntax.filter(|_| check);
    if let Some(s) = checked {
        if let Some((false, given)) = suits(letter, s) {
            return Err(InputError::WrongType {
                attribute: attribute_type(s),
                given,
            });
        }
    }
    let notation = || InputError::BadNotation(text.to_string());
    match letter {
        'i' => {
            let t = text.trim_start();
            let v = match t.parse::<i64>() {
                Ok(v) => v,
                Err(_) => {
                    let label = t.split('(').next().unwrap_or(t);
                    syntax
                        .and_then(|s| s.enums.iter().find(|(_, l)| l == label))
                        .map(|(n, _)| *n)
                        .ok_or_else(|| InputError::OutOfRange(text.to_string()))?
                }
            };
            if let Some(s) = checked {
                check_range(&s.ranges, v, text)?;
            }
            if !(i64::from(i32::MIN)..=i64::from(i32::MAX)).contains(&v) {
                return Err(InputError::OutOfRange(text.to_string()));
            }
            Ok(Value::Integer(v))
        }
        'u' | 'c' | 't' => {
            let t = text.trim_start();
            // strtoul: a negative number wraps, as net-snmp takes it.
            let v = match t.parse::<u32>() {
                Ok(v) => v,
                Err(_) => t
                    .parse::<i32>()
                    .ok()
                    .filter(|v| *v < 0)
                    .map(|v| v as u32)
                    .ok_or_else(notation)?,
            };
            Ok(match letter {
                'u' => Value::Gauge32(v),
                'c' => Value::Counter32(v),
                _ => Value::TimeTicks(v),
            })
        }
        'o' => match text.parse::<Oid>() {
            Ok(o) => Ok(Value::ObjectIdentifier(o)),
            Err(_) => mib
                .resolve(text)
                .map(Value::ObjectIdentifier)
                .map_err(|e| InputError::UnknownOid(e.to_string())),
        },
        's' | 'x' | 'd' => {
            let hint = node.as_ref().and_then(|n| n.display_hint());
            let (bytes, what) = match hint {
                Some(h) if letter == 's' && is_text_hint(h) => (
                    text.as_bytes().to_vec(),
                    "Value does not match DISPLAY-HINT",
                ),
                Some(h) if letter == 's' => match parse_octets_with_hint(text, h) {
                    Some(b) => (b, "Value does not match DISPLAY-HINT"),
                    None => (text.as_bytes().to_vec(), "Bad string length"),
                },
                _ => match Value::from_type_letter(&letter.to_string(), text) {
                    Ok(Value::OctetString(b)) => (b, "Bad string length"),
                    _ => return Err(notation()),
                },
            };
            if let Some(s) = checked {
                check_range(&s.sizes, bytes.len() as i64, what)?;
            }
            Ok(Value::OctetString(bytes))
        }
        'b' => match Value::from_type_letter("b", text) {
            Ok(v) => Ok(v),
            Err(_) => {
                // Named bits, as the MIB gives them (`pause,15`).
                let names = syntax.map(|s| s.bits.as_slice()).unwrap_or(&[]);
                let mut numeric = Vec::new();
                for part in text
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|p| !p.is_empty())
                {
                    let label = part.split('(').next().unwrap_or(part);
                    match names.iter().find(|(_, l)| l == label) {
                        Some((n, _)) => numeric.push(n.to_string()),
                        None => return Err(InputError::OutOfRange(text.to_string())),
                    }
                }
                Value::from_type_letter("b", &numeric.join(","))
                    .map_err(|_| InputError::OutOfRange(text.to_string()))
            }
        },
        other => Value::from_type_letter(&other.to_string(), text).map_err(|_| notation()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_read_text_back_into_octets() {
        assert_eq!(
            parse_octets_with_hint("0:1b:21:3c:4d:5e", "1x:"),
            Some(vec![0, 0x1b, 0x21, 0x3c, 0x4d, 0x5e])
        );
        assert_eq!(parse_octets_with_hint("abc", "1x:"), Some(vec![0xbc]));
        assert_eq!(parse_octets_with_hint("zz", "1x:"), None);
        assert_eq!(parse_octets_with_hint("00 11", "1x:"), None);
        assert_eq!(
            parse_octets_with_hint("2026-1-2,3:4:5.6", "2d-1d-1d,1d:1d:1d.1d,1a1d:1d"),
            Some(vec![0x07, 0xea, 1, 2, 3, 4, 5, 6])
        );
        assert_eq!(parse_octets_with_hint("", "1x:"), Some(vec![]));
    }

    #[test]
    fn ranges_print_as_net_snmp_prints_them() {
        let r = vec!["1..10".to_string(), "20..30".to_string(), "40".to_string()];
        assert_eq!(
            check_range(&r, 15, "15").unwrap_err().to_string(),
            "Value out of range (15 :: {(1..10), (20..30), (40)})"
        );
        assert!(check_range(&r, 40, "40").is_ok());
        assert!(check_range(&["'00'H".to_string()], 3, "3").is_ok());
    }

    #[test]
    fn type_letters_are_checked_against_the_builtin_mib() {
        let mib = Mib::builtin();
        let sys_name: Oid = "1.3.6.1.2.1.1.5.0".parse().unwrap();
        let err =
            |oid: &Oid, l: &str, t: &str| parse_value(&mib, oid, l, t).unwrap_err().to_string();
        assert_eq!(
            err(&sys_name, "i", "5"),
            "Bad variable type (Type of attribute is OCTET STRING, not INTEGER)"
        );
        let services: Oid = "1.3.6.1.2.1.1.7.0".parse().unwrap();
        assert_eq!(err(&services, "i", "abc"), "Value out of range (abc)");
        assert_eq!(
            err(&services, "i", "300"),
            "Value out of range (300 :: {(0..127)})"
        );
        let if_index: Oid = "1.3.6.1.2.1.2.2.1.1.1".parse().unwrap();
        assert_eq!(
            err(&if_index, "u", "5"),
            "Bad variable type (Type of attribute is Integer32, not Unsigned32)"
        );
        let admin: Oid = "1.3.6.1.2.1.2.2.1.7.1".parse().unwrap();
        assert_eq!(
            parse_value(&mib, &admin, "i", "down"),
            Ok(Value::Integer(2))
        );
        assert_eq!(err(&admin, "q", "1"), "Bad object type: q");
        let unknown: Oid = "1.3.6.1.4.1.99999.1".parse().unwrap();
        assert_eq!(
            parse_value(&mib, &unknown, "i", "-1"),
            Ok(Value::Integer(-1))
        );
        assert_eq!(err(&unknown, "=", "1"), "Bad variable type (\"=\")");
        assert_eq!(err(&unknown, "x", "zz"), "Bad value notation (zz)");
        assert_eq!(
            parse_value_unchecked(&mib, &sys_name, "i", "5"),
            Ok(Value::Integer(5))
        );
        assert_eq!(
            parse_value_unchecked(&mib, &services, "i", "300"),
            Ok(Value::Integer(300))
        );
        let mac: Oid = "1.3.6.1.2.1.2.2.1.6.1".parse().unwrap();
        assert_eq!(
            parse_value(&mib, &mac, "s", "0:1:2"),
            Ok(Value::OctetString(vec![0, 1, 2]))
        );
    }
}
