//! DISPLAY-HINT rendering (RFC 2579 §3.1), with net-snmp 5.9's reading of the rules where it
//! differs from the letter of the RFC: a one-octet hex item followed by a separator prints
//! without a leading zero (`1x:` gives `0:c:29:...`, as `snmpget` does), the last
//! specification repeats until the value is used up, and `d-N` on integers puts the point
//! before the digits without a leading zero (`.05`).

/// One parsed item of an octet-string hint: `[*]WIDTH CODE [SEPARATOR [TERMINATOR]]`.
pub(crate) struct Spec {
    pub(crate) star: bool,
    pub(crate) width: usize,
    pub(crate) code: u8,
    pub(crate) separ: Option<u8>,
    pub(crate) term: Option<u8>,
}

/// Whether `ch` can be a separator or terminator after a specification with `width`
/// (net-snmp's test: not a digit, not `*`, and after a width-less item not a format letter).
fn is_delim(ch: u8, width: usize) -> bool {
    ch != b'*' && !ch.is_ascii_digit() && (width != 0 || !matches!(ch, b'x' | b'd' | b'o'))
}

/// Parses the specification at the front of `hint`, returning it and the rest.
pub(crate) fn parse_spec(hint: &[u8]) -> (Spec, &[u8]) {
    let mut h = hint;
    let star = h.first() == Some(&b'*');
    if star {
        h = &h[1..];
    }
    let mut width = 0usize;
    while let Some(d) = h.first().filter(|c| c.is_ascii_digit()) {
        width = width
            .saturating_mul(10)
            .saturating_add(usize::from(d - b'0'));
        h = &h[1..];
    }
    let code = h.first().copied().unwrap_or(0);
    h = h.get(1..).unwrap_or(&[]);
    let take = |h: &mut &[u8]| match h.first() {
        Some(&c) if is_delim(c, width) => {
            *h = &h[1..];
            Some(c)
        }
        _ => None,
    };
    let separ = take(&mut h);
    let term = take(&mut h);
    (
        Spec {
            star,
            width: width.max(1),
            code,
            separ,
            term,
        },
        h,
    )
}

/// Renders an octet string with an octet-string DISPLAY-HINT (`255a`, `1x:`,
/// `2d-1d-1d,1d:1d:1d.1d,1a1d:1d`, ...) the way net-snmp prints it after `STRING: `.
/// `two_digit_hex` is net-snmp's `-O0`. None when the hint has a code net-snmp refuses (it
/// then prints `(Bad hint ignored: HINT) ` and the plain string).
pub fn display_octets(bytes: &[u8], hint: &str, two_digit_hex: bool) -> Option<String> {
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len() * 3);
    let mut rest = hint.as_bytes();
    let mut spec = Spec {
        star: false,
        width: 1,
        code: b'd',
        separ: None,
        term: None,
    };
    let mut cp = 0usize;
    while cp < bytes.len() {
        let mut repeat = 1usize;
        if !rest.is_empty() {
            let (s, r) = parse_spec(rest);
            rest = r;
            spec = s;
            if spec.star {
                repeat = usize::from(bytes[cp]);
                cp += 1;
            }
        }
        while repeat > 0 && cp < bytes.len() {
            match spec.code {
                b'a' | b't' => {
                    let end = cp.saturating_add(spec.width).min(bytes.len());
                    let chunk = bytes.get(cp..end).unwrap_or(&[]);
                    if chunk.contains(&0) {
                        // net-snmp's sprint_realloc_asciistring: escapes, dots for the rest.
                        for &b in chunk {
                            if is_text_byte(b) {
                                if b == b'"' || b == b'\\' {
                                    out.push(b'\\');
                                }
                                out.push(b);
                            } else {
                                out.push(b'.');
                            }
                        }
                    } else {
                        out.extend_from_slice(chunk);
                    }
                    cp = end;
                }
                b'x' | b'd' | b'o' => {
                    let mut value: i64 = 0;
                    for _ in 0..spec.width {
                        let Some(&b) = bytes.get(cp) else { break };
                        value = value.wrapping_mul(256).wrapping_add(i64::from(b));
                        cp += 1;
                    }
                    match spec.code {
                        b'x' => {
                            let pad = value < 16
                                && spec.width == 1
                                && (two_digit_hex || (spec.separ.is_none() && rest.is_empty()));
                            if pad {
                                out.push(b'0');
                            }
                            push_hex(&mut out, value as u64);
                        }
                        b'd' => out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes()),
                        _ => out.extend_from_slice(format!("{:o}", value as u64).as_bytes()),
                    }
                }
                _ => return None,
            }
            if cp < bytes.len() {
                if let Some(s) = spec.separ {
                    out.push(s);
                }
            }
            repeat -= 1;
        }
        if cp < bytes.len() {
            if let Some(t) = spec.term {
                out.push(t);
            }
        }
    }
    // Valid UTF-8 (the usual case) becomes the String without a copy.
    Some(match String::from_utf8(out) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// `v` in lowercase hex without leading zeros (`{:x}`), appended to `out`.
fn push_hex(out: &mut Vec<u8>, v: u64) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digits = (64 - v.leading_zeros() as usize).div_ceil(4).max(1);
    for k in (0..digits).rev() {
        out.push(HEX[((v >> (4 * k)) & 15) as usize]);
    }
}

/// Renders an integer with an integer DISPLAY-HINT (`d`, `d-2`, `x`, `o`, `b`) as net-snmp's
/// sprint_realloc_hinted_integer does. `unsigned` selects `%lu` for `d` (Gauge32,
/// Unsigned32). None for a hint net-snmp cannot use.
pub fn display_integer(value: i64, hint: &str, unsigned: bool) -> Option<String> {
    let h = hint.as_bytes();
    match h.first()? {
        b'd' => {
            let shift = if h.get(1) == Some(&b'-') {
                leading_int(hint.get(2..).unwrap_or("")).clamp(0, 200) as usize
            } else {
                0
            };
            let negative = value < 0 && !unsigned;
            let mut digits = if unsigned {
                (value as u64).to_string()
            } else {
                value.unsigned_abs().to_string()
            };
            if shift != 0 {
                let len = digits.len();
                digits = if shift <= len {
                    format!("{}.{}", &digits[..len - shift], &digits[len - shift..])
                } else {
                    format!(".{}{digits}", "0".repeat(shift - len))
                };
            }
            Some(if negative {
                format!("-{digits}")
            } else {
                digits
            })
        }
        b'x' => Some(format!("{:x}", value as u64)),
        b'o' => Some(format!("{:o}", value as u64)),
        b'b' => Some(format!("{:032b}", value as u32)),
        _ => None,
    }
}

/// C's atoi: optional sign and leading digits, 0 when there are none.
fn leading_int(s: &str) -> i64 {
    let s = s.trim_start();
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let n = digits
        .bytes()
        .take_while(u8::is_ascii_digit)
        .fold(0i64, |a, d| {
            a.saturating_mul(10).saturating_add(i64::from(d - b'0'))
        });
    if neg {
        -n
    } else {
        n
    }
}

/// C's isprint || isspace in the C locale: what net-snmp accepts inside `STRING: "..."`.
pub(crate) fn is_text_byte(b: u8) -> bool {
    (0x20..0x7f).contains(&b) || (0x09..=0x0d).contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_hex_is_lowercase_hex_without_leading_zeros() {
        for v in [
            0u64,
            1,
            9,
            10,
            15,
            16,
            255,
            256,
            4095,
            4096,
            0xdead_beef,
            u64::MAX,
        ] {
            let mut out = Vec::new();
            push_hex(&mut out, v);
            assert_eq!(String::from_utf8(out).unwrap(), format!("{v:x}"));
        }
    }

    /// Expected texts as snmpget (net-snmp 5.9.3) printed them for the same octets and hints.
    #[test]
    fn octet_hints_match_net_snmp() {
        let date = "2d-1d-1d,1d:1d:1d.1d,1a1d:1d";
        let cases: &[(&str, &[u8], bool, &str)] = &[
            ("255a", b"lab-router", false, "lab-router"),
            ("255a", b"", false, ""),
            ("255a", b"a\0b", false, "a.b"),
            ("255a", b"a\"b\\c", false, "a\"b\\c"),
            ("255a", b"a\0\"", false, "a.\\\""),
            ("255t", "é".as_bytes(), false, "é"),
            (
                "1x:",
                &[0x00, 0x0c, 0x29, 0x5a, 0x1b, 0x3c],
                false,
                "0:c:29:5a:1b:3c",
            ),
            (
                "1x:",
                &[0x00, 0x0c, 0x29, 0x5a, 0x1b, 0x3c],
                true,
                "00:0c:29:5a:1b:3c",
            ),
            ("1x:", &[0x0a], false, "a"),
            ("1x", &[0x0a, 0x0b], false, "0a0b"),
            ("2x:", &[0x00, 0x01, 0xab, 0xcd], false, "1:abcd"),
            ("1d.1d.1d.1d", &[127, 0, 0, 1], false, "127.0.0.1"),
            (
                date,
                &[0x07, 0xea, 0x0b, 0x19, 0x01, 0x17, 0x2d, 0x00],
                false,
                "2026-11-25,1:23:45.0",
            ),
            (
                date,
                &[0x07, 0xea, 0x0b, 0x19, 0x01, 0x17, 0x2d, 0x00, b'+', 0, 0],
                false,
                "2026-11-25,1:23:45.0,+0:0",
            ),
            (date, &[0x07, 0xea, 0x0b, 0x19, 0x01], false, "2026-11-25,1"),
            (
                date,
                &[
                    0x07, 0xea, 0x0b, 0x19, 0x01, 0x17, 0x2d, 0x00, b'-', 5, 0x30, 0xff,
                ],
                false,
                "2026-11-25,1:23:45.0,-5:48255",
            ),
            ("*1x:", &[2, 0xaa, 0xbb, 0xcc], false, "aa:bb:cc"),
            ("4x-2x-2x-1x1x-6x", &[0u8; 16], false, "0-0-0-00-0"),
        ];
        for (hint, bytes, two, want) in cases {
            assert_eq!(
                display_octets(bytes, hint, *two).as_deref(),
                Some(*want),
                "{hint} {bytes:?}"
            );
        }
        assert_eq!(display_octets(b"ab", "1q", false), None);
    }

    #[test]
    fn integer_hints_match_net_snmp() {
        let cases: &[(i64, &str, bool, &str)] = &[
            (5, "d", false, "5"),
            (-5, "d", false, "-5"),
            (1234, "d-2", false, "12.34"),
            (12, "d-2", false, ".12"),
            (5, "d-2", false, ".05"),
            (-5, "d-2", false, "-.05"),
            (255, "x", false, "ff"),
            (8, "o", false, "10"),
            (5, "b", false, "00000000000000000000000000000101"),
            (4_294_967_295, "d", true, "4294967295"),
        ];
        for (v, hint, unsigned, want) in cases {
            assert_eq!(
                display_integer(*v, hint, *unsigned).as_deref(),
                Some(*want),
                "{v} {hint}"
            );
        }
        assert_eq!(display_integer(1, "q", false), None);
    }
}
