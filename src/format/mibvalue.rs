//! Value rendering driven by the MIB node of the varbind: enumerations (`up(1)`), DISPLAY-HINTs
//! (`STRING: d6:f5:4c:e3:46:6b`, DateAndTime), UNITS, BITS, and net-snmp's "Wrong Type" text
//! when the agent sends another type than the MIB declares.

use super::text::{format_value, hex_lines};
use super::OutputOptions;
use crate::mib::{BaseType, Mib, NodeInfo, Syntax};
use crate::Value;
use std::fmt::Write;

/// Renders `v` as the object `node` declares it, the way net-snmp's per-type printers do.
pub fn format_value_for(
    v: &Value,
    node: Option<&NodeInfo<'_>>,
    o: &OutputOptions,
    mib: &Mib,
) -> String {
    let Some(syn) = node.and_then(|n| n.syntax()) else {
        return format_value(v, o, mib);
    };
    if v.is_exception() || matches!(v, Value::Null) {
        return format_value(v, o, mib);
    }
    let units = if o.no_units {
        None
    } else {
        node.and_then(|n| n.units()).filter(|u| !u.is_empty())
    };
    let with_units = |mut s: String| {
        if let Some(u) = units {
            s.push(' ');
            s.push_str(u);
        }
        s
    };
    let prefix = |p: &str| {
        if o.quick {
            String::new()
        } else {
            format!("{p}: ")
        }
    };
    let wrong = |should: &str| {
        format!(
            "Wrong Type (should be {should}): {}",
            format_value(v, o, mib)
        )
    };
    match syn.base {
        BaseType::Integer32 => match v {
            Value::Integer(i) => with_units(integer(*i, syn, o)),
            _ => wrong("INTEGER"),
        },
        BaseType::OctetString => match v {
            Value::OctetString(b) => {
                if syn.hint.is_empty() {
                    with_units(format_value(v, o, mib))
                } else {
                    match apply_octet_hint(&syn.hint, b) {
                        Some(text) => with_units(format!("{}{text}", prefix("STRING"))),
                        None => format!(
                            "(Bad hint ignored: {}) {}",
                            syn.hint,
                            format_value(v, o, mib)
                        ),
                    }
                }
            }
            _ => wrong("OCTET STRING"),
        },
        BaseType::Bits => match v {
            Value::OctetString(b) => bits(b, syn, o),
            _ => wrong("BITS"),
        },
        BaseType::Unsigned32 | BaseType::Gauge32 => match v {
            Value::Gauge32(n) => with_units(format!(
                "{}{}",
                prefix("Gauge32"),
                hinted(*n as i64, &syn.hint)
            )),
            _ => wrong("Gauge32 or Unsigned32"),
        },
        BaseType::Counter32 => match v {
            Value::Counter32(n) => with_units(format!(
                "{}{}",
                prefix("Counter32"),
                hinted(*n as i64, &syn.hint)
            )),
            _ => wrong("Counter32"),
        },
        BaseType::Counter64 => match v {
            Value::Counter64(_) => with_units(format_value(v, o, mib)),
            _ => wrong("Counter64"),
        },
        BaseType::TimeTicks => match v {
            Value::TimeTicks(_) => format_value(v, o, mib),
            _ => wrong("Timeticks"),
        },
        BaseType::IpAddress => match v {
            Value::IpAddress(_) => format_value(v, o, mib),
            _ => wrong("IpAddress"),
        },
        BaseType::ObjectIdentifier => match v {
            Value::ObjectIdentifier(_) => format_value(v, o, mib),
            _ => wrong("OBJECT IDENTIFIER"),
        },
        BaseType::Opaque => match v {
            Value::Opaque(_) => format_value(v, o, mib),
            _ => wrong("Opaque"),
        },
        _ => format_value(v, o, mib),
    }
}

fn integer(i: i64, syn: &Syntax, o: &OutputOptions) -> String {
    let label = syn
        .enums
        .iter()
        .find(|(n, _)| *n == i)
        .map(|(_, l)| l.as_str());
    match label {
        Some(l) if !o.numeric_enums => {
            if o.quick {
                l.to_string()
            } else {
                format!("INTEGER: {l}({i})")
            }
        }
        _ => {
            let body = hinted(i, &syn.hint);
            if o.quick {
                body
            } else {
                format!("INTEGER: {body}")
            }
        }
    }
}

/// An integer DISPLAY-HINT (RFC 2579 §3.1): `d`, `d-N` (a decimal point N digits from the
/// right), `x`, `o`, `b`. No hint prints the plain number.
pub(crate) fn hinted(v: i64, hint: &str) -> String {
    let mut chars = hint.chars();
    match chars.next() {
        Some('d') => {
            let shift: usize = hint
                .strip_prefix("d-")
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            if shift == 0 {
                return v.to_string();
            }
            let digits = v.unsigned_abs().to_string();
            let digits = if digits.len() <= shift {
                format!("{}{digits}", "0".repeat(shift + 1 - digits.len()))
            } else {
                digits
            };
            let (int, frac) = digits.split_at(digits.len() - shift);
            format!("{}{int}.{frac}", if v < 0 { "-" } else { "" })
        }
        Some('x') => format!("{v:x}"),
        Some('o') => format!("{v:o}"),
        Some('b') => format!("{v:b}"),
        _ => v.to_string(),
    }
}

/// An octet-string DISPLAY-HINT (RFC 2579 §3.1), interpreted as net-snmp does: each spec is
/// an optional `*` repeat, a width, a format (`x d o a t`), an optional separator and an
/// optional terminator; the last spec repeats until the octets run out. `None` for a hint
/// net-snmp would reject.
pub fn apply_octet_hint(hint: &str, b: &[u8]) -> Option<String> {
    let h = hint.as_bytes();
    let mut hi = 0;
    let mut out = String::with_capacity(b.len() * 3);
    let mut cp = 0;
    let (mut width, mut code, mut separ, mut term) = (1usize, b'd', None::<u8>, None::<u8>);
    while cp < b.len() {
        let mut repeat = 1usize;
        if hi < h.len() {
            if h[hi] == b'*' {
                repeat = b[cp] as usize;
                cp += 1;
                hi += 1;
            }
            width = 0;
            while hi < h.len() && h[hi].is_ascii_digit() {
                width = width * 10 + (h[hi] - b'0') as usize;
                hi += 1;
            }
            code = *h.get(hi)?;
            hi += 1;
            let takes = |c: Option<&u8>, width: usize| match c {
                Some(&ch) => {
                    ch != b'*'
                        && !ch.is_ascii_digit()
                        && (width != 0 || !matches!(ch, b'x' | b'd' | b'o'))
                }
                None => false,
            };
            separ = if takes(h.get(hi), width) {
                hi += 1;
                Some(h[hi - 1])
            } else {
                None
            };
            term = if takes(h.get(hi), width) {
                hi += 1;
                Some(h[hi - 1])
            } else {
                None
            };
            if width == 0 {
                width = 1;
            }
        }
        while repeat > 0 && cp < b.len() {
            match code {
                b'a' | b't' => {
                    let n = width.min(b.len() - cp);
                    out.push_str(&String::from_utf8_lossy(&b[cp..cp + n]));
                    cp += n;
                }
                b'x' | b'd' | b'o' => {
                    let mut value: u64 = 0;
                    for _ in 0..width {
                        // net-snmp reads past a short tail as zero-free: stop at the end.
                        if cp < b.len() {
                            value = (value << 8) | b[cp] as u64;
                        }
                        cp += 1;
                    }
                    let _ = match code {
                        b'x' => write!(out, "{value:x}"),
                        b'd' => write!(out, "{value}"),
                        _ => write!(out, "{value:o}"),
                    };
                }
                _ => return None,
            }
            if cp < b.len() {
                if let Some(s) = separ {
                    out.push(s as char);
                }
            }
            repeat -= 1;
        }
        if cp < b.len() {
            if let Some(t) = term {
                out.push(t as char);
            }
        }
    }
    Some(out)
}

/// net-snmp's BITS text: the octets in hex, then `label(bit) ` for each set bit. Its label
/// search does not restart for each bit, and that is kept.
fn bits(b: &[u8], syn: &Syntax, o: &OutputOptions) -> String {
    let mut s = if o.quick {
        String::new()
    } else {
        "BITS: ".to_string()
    };
    s.push_str(&hex_lines(b, false));
    let mut cursor = 0;
    for (i, byte) in b.iter().enumerate() {
        for bit in 0..8 {
            if byte & (0x80 >> bit) == 0 {
                continue;
            }
            let n = (i * 8 + bit) as i64;
            let found = syn.bits[cursor..].iter().position(|(v, _)| *v == n);
            match found {
                Some(p) if !o.numeric_enums => {
                    cursor += p;
                    let _ = write!(s, "{}({n}) ", syn.bits[cursor].1);
                }
                Some(p) => {
                    cursor += p;
                    let _ = write!(s, "{n} ");
                }
                None => {
                    cursor = syn.bits.len();
                    let _ = write!(s, "{n} ");
                }
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn octet_hints() {
        let cases: &[(&str, &[u8], &str)] = &[
            (
                "1x:",
                &[0xd6, 0xf5, 0x4c, 0x00, 0x46, 0x6b],
                "d6:f5:4c:0:46:6b",
            ),
            ("255a", b"lab-router", "lab-router"),
            ("255a", b"", ""),
            (
                "2d-1d-1d,1d:1d:1d.1d,1a1d:1d",
                &[0x07, 0xea, 11, 25, 2, 29, 32, 0, b'+', 0, 0],
                "2026-11-25,2:29:32.0,+0:0",
            ),
            (
                "2d-1d-1d,1d:1d:1d.1d,1a1d:1d",
                &[0x07, 0xe9, 5, 20, 0, 0, 0, 0],
                "2025-5-20,0:0:0.0",
            ),
            ("1d.1d.1d.1d", &[10, 0, 0, 1], "10.0.0.1"),
            ("*1x:", &[2, 0xab, 0xcd], "ab:cd"),
        ];
        for (hint, bytes, want) in cases {
            assert_eq!(
                apply_octet_hint(hint, bytes).as_deref(),
                Some(*want),
                "{hint}"
            );
        }
    }

    #[test]
    fn integer_hints() {
        assert_eq!(hinted(1234, "d-2"), "12.34");
        assert_eq!(hinted(5, "d-2"), "0.05");
        assert_eq!(hinted(-5, "d-1"), "-0.5");
        assert_eq!(hinted(255, "x"), "ff");
        assert_eq!(hinted(8, "o"), "10");
        assert_eq!(hinted(5, "b"), "101");
        assert_eq!(hinted(42, ""), "42");
    }
}
