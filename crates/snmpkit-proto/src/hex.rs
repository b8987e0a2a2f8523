//! Hex text and bytes, written once for the crate: engine IDs in configuration and output,
//! undecodable strings in JSON, `x` values for `set`.

/// The bytes as lowercase hex digits without separators: `80001f8880`.
pub fn encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// Strict hex, as engine IDs are written (`0x80001f8880`, `80001F8880`): an optional `0x`,
/// then pairs of hex digits and nothing else. None for anything else, including signs, spaces
/// and an odd number of digits.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text)
        .as_bytes();
    if digits.len() % 2 != 0 {
        return None;
    }
    digits
        .chunks_exact(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

/// Lenient hex, as net-snmp reads a `x` value: an optional `0x`, then groups of hex digits
/// separated by spaces or colons (`"41 42 43"`, `0:c:29`); an odd-length group is read with a
/// leading zero, as net-snmp reads `"1 2 3"`.
pub fn decode_groups(text: &str) -> Option<Vec<u8>> {
    let t = text.trim();
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    let mut out = Vec::new();
    for group in t.split(|c: char| c.is_whitespace() || c == ':') {
        let g = group.as_bytes();
        let (head, pairs) = g.split_at(g.len() % 2);
        if let [single] = head {
            out.push(digit(*single)?);
        }
        for pair in pairs.chunks_exact(2) {
            out.push(digit(pair[0])? << 4 | digit(pair[1])?);
        }
    }
    Some(out)
}

/// The value of one hex digit.
fn digit(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_and_decode_round_trip() {
        assert_eq!(encode(&[0x80, 0x00, 0x1f, 0xab]), "80001fab");
        assert_eq!(encode(&[]), "");
        assert_eq!(decode("0x80001FaB"), Some(vec![0x80, 0x00, 0x1f, 0xab]));
        assert_eq!(decode("0A0b"), Some(vec![10, 11]));
        assert_eq!(decode(""), Some(vec![]));
        for bad in [
            "+a+b", "0x+a+b", "-a0b", "abc", "0x1", "zz", "0a 0b", "0xx0",
        ] {
            assert_eq!(decode(bad), None, "{bad}");
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(&encode(&all)), Some(all));
    }

    #[test]
    fn groups_as_net_snmp_reads_them() {
        assert_eq!(decode_groups("41 42 43"), Some(b"ABC".to_vec()));
        assert_eq!(decode_groups("0x414243"), Some(b"ABC".to_vec()));
        assert_eq!(decode_groups("0:c:29"), Some(vec![0, 0x0c, 0x29]));
        assert_eq!(decode_groups("1 2 3"), Some(vec![1, 2, 3]));
        assert_eq!(decode_groups("123"), Some(vec![0x01, 0x23]));
        assert_eq!(decode_groups("  "), Some(vec![]));
        assert_eq!(decode_groups("4G"), None);
        assert_eq!(decode_groups("41 +2"), None);
    }
}
