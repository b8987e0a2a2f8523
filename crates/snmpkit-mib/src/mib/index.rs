//! Table index codec: instance sub-identifiers <-> values (RFC 2578 §7.7), displayed the way
//! net-snmp prints them (`.3."shaaes"`, `.ipv4."127.0.0.1"`, `'implied'`, `.10.0.0.1`).

use super::model::{BaseType, Syntax};

/// The description of one INDEX component, enough to decode it.
#[derive(Debug, Clone, Copy)]
pub struct IndexPart<'a> {
    /// The index object's name.
    pub name: &'a str,
    /// The index object's syntax (None if the index object is unknown).
    pub syntax: Option<&'a Syntax>,
    /// Whether the component is IMPLIED (no length prefix; RFC 2578 §7.7).
    pub implied: bool,
}

impl IndexPart<'_> {
    /// The base type of the component.
    pub fn base(&self) -> BaseType {
        self.syntax.map(|s| s.base).unwrap_or(BaseType::Unknown)
    }

    fn tc(&self) -> Option<&str> {
        self.syntax.and_then(|s| s.tc.as_deref())
    }
}

/// A decoded value of one index component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexValue {
    /// An integer component (with its enumeration label when the type has one).
    Integer {
        /// The sub-identifier.
        value: u32,
        /// The enumeration label, if any.
        label: Option<String>,
    },
    /// An IpAddress component.
    IpAddress([u8; 4]),
    /// An octet string component (InetAddress, SnmpAdminString, ...).
    Octets(Vec<u8>),
    /// An OBJECT IDENTIFIER component.
    Oid(Vec<u32>),
}

/// One decoded index component: the value, its sub-identifiers and its net-snmp display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexComponent {
    /// The index object's name.
    pub name: String,
    /// The decoded value.
    pub value: IndexValue,
    /// The sub-identifiers it occupied.
    pub arcs: Vec<u32>,
    /// How net-snmp shows it in an instance name (without the leading dot).
    pub display: String,
}

/// The result of decoding an instance suffix against an INDEX clause.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DecodedIndex {
    /// The components that decoded, in INDEX order.
    pub components: Vec<IndexComponent>,
    /// Sub-identifiers left over (a component that did not decode, or trailing arcs).
    pub rest: Vec<u32>,
}

impl DecodedIndex {
    /// Whether every component decoded and no sub-identifier is left over.
    pub fn is_complete(&self, parts: usize) -> bool {
        self.components.len() == parts && self.rest.is_empty()
    }

    /// The net-snmp display of the whole suffix: `.3."shaaes"`, with leftovers numeric.
    pub fn display(&self) -> String {
        let mut s = String::new();
        for c in &self.components {
            s.push('.');
            s.push_str(&c.display);
        }
        for a in &self.rest {
            s.push('.');
            s.push_str(&a.to_string());
        }
        s
    }
}

/// Printable ASCII as-is, anything else as `.`, the way net-snmp shows string indexes.
fn printable(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '.'
            }
        })
        .collect()
}

fn bytes_of(arcs: &[u32]) -> Option<Vec<u8>> {
    arcs.iter().map(|&a| u8::try_from(a).ok()).collect()
}

/// InetAddress per InetAddressType (RFC 4001 §3), as net-snmp prints it in indexes.
fn inet_display(addr_type: u32, b: &[u8]) -> Option<String> {
    let hex = |b: &[u8]| {
        b.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    let zone = |z: &[u8]| -> Option<u32> { Some(u32::from_be_bytes(z.try_into().ok()?)) };
    match (addr_type, b.len()) {
        (1, 4) => Some(format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])),
        (2, 16) => Some(hex(b)),
        (3, 8) => Some(format!(
            "{}.{}.{}.{}%{}",
            b[0],
            b[1],
            b[2],
            b[3],
            zone(b.get(4..8)?)?
        )),
        (4, 20) => Some(format!("{}%{}", hex(b.get(..16)?), zone(b.get(16..20)?)?)),
        _ => None,
    }
}

/// Decodes `arcs` (the sub-identifiers after a column's OID) against an INDEX clause.
/// Decoding stops at the first component that does not fit; the rest is returned numerically,
/// as net-snmp does.
pub fn decode(parts: &[IndexPart<'_>], arcs: &[u32]) -> DecodedIndex {
    let mut out = DecodedIndex::default();
    if arcs.is_empty() {
        return out;
    }
    let mut pos = 0usize;
    let mut inet_type: Option<u32> = None;
    for (i, part) in parts.iter().enumerate() {
        let rest = arcs.get(pos..).unwrap_or(&[]);
        let last = i + 1 == parts.len();
        let Some((used, value, display)) = decode_one(part, rest, last, inet_type) else {
            break;
        };
        if part.tc() == Some("InetAddressType") {
            if let IndexValue::Integer { value, .. } = value {
                inet_type = Some(value);
            }
        }
        out.components.push(IndexComponent {
            name: part.name.to_string(),
            value,
            arcs: rest.get(..used).unwrap_or(&[]).to_vec(),
            display,
        });
        pos += used;
    }
    out.rest = arcs.get(pos..).unwrap_or(&[]).to_vec();
    out
}

fn decode_one(
    part: &IndexPart<'_>,
    arcs: &[u32],
    last: bool,
    inet_type: Option<u32>,
) -> Option<(usize, IndexValue, String)> {
    let base = part.base();
    if base.is_integer() {
        let v = *arcs.first()?;
        let label = part
            .syntax
            .and_then(|s| s.enum_label(i64::from(v)))
            .map(String::from);
        let display = label.clone().unwrap_or_else(|| v.to_string());
        return Some((1, IndexValue::Integer { value: v, label }, display));
    }
    match base {
        BaseType::IpAddress => {
            let b = bytes_of(arcs.get(..4)?)?;
            let ip = [b[0], b[1], b[2], b[3]];
            let display = format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3]);
            Some((4, IndexValue::IpAddress(ip), display))
        }
        BaseType::OctetString | BaseType::Opaque | BaseType::Bits => {
            let (start, len): (usize, usize) = if part.implied && last {
                (0, arcs.len())
            } else if let Some(n) = part.syntax.and_then(Syntax::fixed_size) {
                (0, n)
            } else {
                (1, usize::try_from(*arcs.first()?).ok()?)
            };
            let end = start.checked_add(len)?;
            let b = bytes_of(arcs.get(start..end)?)?;
            let inet = if part.tc() == Some("InetAddress") {
                inet_type.and_then(|t| inet_display(t, &b))
            } else {
                None
            };
            let display = match inet {
                Some(s) => format!("\"{s}\""),
                None if part.implied && last => format!("'{}'", printable(&b)),
                None => format!("\"{}\"", printable(&b)),
            };
            Some((end, IndexValue::Octets(b), display))
        }
        BaseType::ObjectIdentifier => {
            let (start, len): (usize, usize) = if part.implied && last {
                (0, arcs.len())
            } else {
                (1, usize::try_from(*arcs.first()?).ok()?)
            };
            let end = start.checked_add(len)?;
            let sub = arcs.get(start..end)?.to_vec();
            let display = arcs
                .get(..end)?
                .iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join(".");
            Some((end, IndexValue::Oid(sub), display))
        }
        _ => None,
    }
}

/// Encodes a string index component (RFC 2578 §7.7): length-prefixed unless IMPLIED or of
/// fixed size.
pub fn encode_octets(part: &IndexPart<'_>, bytes: &[u8], last: bool) -> Vec<u32> {
    let mut v = Vec::with_capacity(bytes.len() + 1);
    let fixed = part.syntax.and_then(Syntax::fixed_size).is_some();
    if !(fixed || part.implied && last) {
        v.push(u32::try_from(bytes.len()).unwrap_or(u32::MAX));
    }
    v.extend(bytes.iter().map(|&b| u32::from(b)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syn(base: BaseType, tc: Option<&str>, enums: &[(i64, &str)], sizes: &[&str]) -> Syntax {
        Syntax {
            base,
            type_name: String::new(),
            primitive: String::new(),
            tc: tc.map(String::from),
            hint: String::new(),
            enums: enums.iter().map(|(v, l)| (*v, l.to_string())).collect(),
            bits: Vec::new(),
            sizes: sizes.iter().map(|s| s.to_string()).collect(),
            ranges: Vec::new(),
        }
    }

    #[test]
    fn table_of_suffixes() {
        let int = syn(BaseType::Integer32, None, &[], &[]);
        let s = syn(BaseType::OctetString, Some("SnmpAdminString"), &[], &[]);
        let ip = syn(BaseType::IpAddress, None, &[], &[]);
        let at = syn(
            BaseType::Integer32,
            Some("InetAddressType"),
            &[
                (0, "unknown"),
                (1, "ipv4"),
                (2, "ipv6"),
                (3, "ipv4z"),
                (4, "ipv6z"),
                (16, "dns"),
            ],
            &[],
        );
        let addr = syn(BaseType::OctetString, Some("InetAddress"), &[], &[]);
        let level = syn(BaseType::Integer32, None, &[(1, "noAuthNoPriv")], &[]);
        let oid = syn(BaseType::ObjectIdentifier, None, &[], &[]);
        let p = |name, syntax, implied| IndexPart {
            name,
            syntax: Some(syntax),
            implied,
        };
        let vacm = [p("model", &int, false), p("name", &s, false)];
        let inet = [p("type", &at, false), p("addr", &addr, false)];
        let one_ip = [p("a", &ip, false)];
        let implied = [p("n", &s, true)];
        let access = [
            p("g", &s, false),
            p("c", &s, false),
            p("m", &int, false),
            p("l", &level, false),
        ];
        let view = [p("v", &s, false), p("o", &oid, false)];
        let one_int = [p("i", &int, false)];
        let cases: Vec<(&[IndexPart<'_>], Vec<u32>, &str)> = vec![
            (
                &vacm,
                vec![3, 6, 115, 104, 97, 97, 101, 115],
                ".3.\"shaaes\"",
            ),
            (&vacm, vec![3, 3, 1, 2, 200], ".3.\"...\""),
            (&vacm, vec![3, 5, 104, 105], ".3.5.104.105"),
            (&inet, vec![1, 4, 127, 0, 0, 1], ".ipv4.\"127.0.0.1\""),
            (&inet, vec![1, 4, 127, 0, 0], ".ipv4.4.127.0.0"),
            (
                &inet,
                vec![2, 16, 254, 128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
                ".ipv6.\"fe:80:00:00:00:00:00:00:00:00:00:00:00:00:00:01\"",
            ),
            (
                &inet,
                vec![3, 8, 254, 128, 0, 0, 0, 0, 0, 1],
                ".ipv4z.\"254.128.0.0%1\"",
            ),
            (&inet, vec![16, 3, 1, 2, 3], ".dns.\"...\""),
            (&inet, vec![0, 0], ".unknown.\"\""),
            (&one_ip, vec![10, 0, 0, 1], ".10.0.0.1"),
            (&implied, vec![97, 98], ".'ab'"),
            (
                &access,
                vec![3, 103, 114, 112, 0, 3, 1],
                ".\"grp\".\"\".3.noAuthNoPriv",
            ),
            (&view, vec![3, 97, 108, 108, 3, 1, 3, 6], ".\"all\".3.1.3.6"),
            (&one_int, vec![3, 4], ".3.4"),
            (&one_int, vec![], ""),
        ];
        for (parts, arcs, want) in cases {
            assert_eq!(decode(parts, &arcs).display(), want, "arcs {arcs:?}");
        }
    }

    #[test]
    fn encode_follows_implied_and_fixed_size() {
        let s = syn(BaseType::OctetString, None, &[], &[]);
        let mac = syn(BaseType::OctetString, None, &[], &["6"]);
        let p = IndexPart {
            name: "n",
            syntax: Some(&s),
            implied: false,
        };
        assert_eq!(encode_octets(&p, b"ab", true), vec![2, 97, 98]);
        let p = IndexPart { implied: true, ..p };
        assert_eq!(encode_octets(&p, b"ab", true), vec![97, 98]);
        let p = IndexPart {
            name: "m",
            syntax: Some(&mac),
            implied: false,
        };
        assert_eq!(encode_octets(&p, &[1, 2, 3, 4, 5, 6], false).len(), 6);
    }
}
