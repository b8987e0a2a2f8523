//! From varbinds to samples, as snmp_exporter 0.21's collector makes them: the metric whose
//! OID is the shortest configured prefix of the varbind's OID owns it; the rest of the OID is decoded into index labels; lookups add labels read from other
//! columns; the metric's `type` decides the sample (a number, a string as a label on a gauge of
//! 1, `_info` for EnumAsInfo, one sample per state or bit for EnumAsStateSet and Bits).

use super::config::{Index, Metric, Module};
use crate::format::{decode_opaque, OpaqueValue};
use crate::{Oid, Value, VarBind};
use std::collections::{BTreeMap, HashMap};

/// 2^53: Counter64 values wrap here (snmp_exporter's `--snmp.wrap-large-counters`, on by
/// default in 0.21) so that they stay exact in a float.
const FLOAT64_MANTISSA: u64 = 9_007_199_254_740_992;

/// Prometheus metric types used in the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `counter`.
    Counter,
    /// `gauge`.
    Gauge,
}

impl Kind {
    /// The `# TYPE` word.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
        }
    }
}

/// One sample: family name, HELP, type, labels (any order) and value.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// The metric name.
    pub name: String,
    /// Its HELP text.
    pub help: String,
    /// Its type.
    pub kind: Kind,
    /// Label pairs.
    pub labels: Vec<(String, String)>,
    /// The value.
    pub value: f64,
}

/// Options of sample construction.
#[derive(Clone, Copy, Debug)]
pub struct CollectOptions {
    /// Wrap Counter64 at 2^53 (snmp_exporter 0.21's default).
    pub wrap_large_counters: bool,
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            wrap_large_counters: true,
        }
    }
}

/// The numeric value of a varbind, as snmp_exporter reads it (strings are 0).
pub fn value_as_f64(v: &Value, opts: CollectOptions) -> f64 {
    match v {
        Value::Counter64(n) => {
            if opts.wrap_large_counters {
                (n % FLOAT64_MANTISSA) as f64
            } else {
                *n as f64
            }
        }
        Value::Integer(i) => *i as f64,
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => f64::from(*n),
        Value::Opaque(b) => match decode_opaque(b) {
            Some(OpaqueValue::Float(f)) => f64::from(f),
            Some(OpaqueValue::Double(d)) => d,
            Some(OpaqueValue::I64(i)) => i as f64,
            Some(OpaqueValue::U64(u) | OpaqueValue::Counter64(u)) => u as f64,
            None => 0.0,
        },
        _ => 0.0,
    }
}

fn value_as_int(v: &Value) -> i64 {
    match v {
        Value::Integer(i) => *i,
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => i64::from(*n),
        Value::Counter64(n) => *n as i64,
        _ => 0,
    }
}

/// Pads `oid` with zeros to `count` arcs and splits it there.
fn split(oid: &[u32], count: usize) -> (Vec<u32>, &[u32]) {
    let mut head: Vec<u32> = oid.iter().take(count).copied().collect();
    head.resize(count, 0);
    (head, oid.get(count..).unwrap_or(&[]))
}

fn hex_upper(bytes: impl Iterator<Item = u8>) -> String {
    let mut s = String::new();
    for b in bytes {
        s.push_str(&format!("{b:02X}"));
    }
    s
}

/// Types preceded by an enumeration giving their actual type.
fn combined(kind: &str, selector: i64) -> Option<Option<&'static str>> {
    match kind {
        "InetAddress" | "InetAddressMissingSize" => Some(match selector {
            1 => Some("InetAddressIPv4"),
            2 => Some("InetAddressIPv6"),
            _ => None,
        }),
        "LldpPortId" => Some(match selector {
            1 | 2 | 5 | 7 => Some("DisplayString"),
            3 => Some("PhysAddress48"),
            _ => None,
        }),
        _ => None,
    }
}

/// An index's text from OID arcs: the string, the arcs it used and the arcs left.
pub fn index_as_string<'a>(
    oid: &'a [u32],
    kind: &str,
    fixed_size: usize,
    implied: bool,
    enums: &BTreeMap<i64, String>,
) -> (String, Vec<u32>, &'a [u32]) {
    if combined(kind, 0).is_some() {
        let missing = kind == "InetAddressMissingSize";
        let (sub, rest) = split(oid, if missing { 1 } else { 2 });
        if let Some(Some(t)) = combined(kind, i64::from(sub[0])) {
            let (s, used, remaining) = index_as_string(rest, t, 0, false, enums);
            let mut all = sub;
            all.extend(used);
            return (s, all, remaining);
        }
        if missing {
            return index_as_string(oid, "OctetString", 0, true, enums);
        }
        return index_as_string(oid, "OctetString", sub[1] as usize + 2, false, enums);
    }
    match kind {
        "PhysAddress48" => {
            let (sub, rest) = split(oid, 6);
            let parts: Vec<String> = sub.iter().map(|o| format!("{:02X}", o & 0xff)).collect();
            (parts.join(":"), sub, rest)
        }
        "OctetString" | "DisplayString" => {
            let mut used = Vec::new();
            let mut rest = oid;
            let mut len = fixed_size;
            if implied {
                len = rest.len();
            }
            if len == 0 {
                let (l, r) = split(rest, 1);
                len = l[0] as usize;
                used.extend(l);
                rest = r;
            }
            // A length beyond what is left is padded with zeros, as snmp_exporter pads.
            let len = len.min(rest.len() + 1024);
            let (content, rest) = split(rest, len);
            used.extend(content.iter().copied());
            let bytes = content.iter().map(|&o| o as u8);
            let s = if kind == "DisplayString" {
                String::from_utf8_lossy(&bytes.collect::<Vec<u8>>()).into_owned()
            } else if content.is_empty() {
                String::new()
            } else {
                format!("0x{}", hex_upper(bytes))
            };
            (s, used, rest)
        }
        "InetAddressIPv4" => {
            let (sub, rest) = split(oid, 4);
            let parts: Vec<String> = sub.iter().map(|o| o.to_string()).collect();
            (parts.join("."), sub, rest)
        }
        "InetAddressIPv6" => {
            let (sub, rest) = split(oid, 16);
            let mut s = String::new();
            for (i, pair) in sub.chunks(2).enumerate() {
                if i > 0 {
                    s.push(':');
                }
                s.push_str(&format!("{:02X}{:02X}", pair[0] & 0xff, pair[1] & 0xff));
            }
            (s, sub, rest)
        }
        "EnumAsInfo" => {
            let (sub, rest) = split(oid, 1);
            let s = enums
                .get(&i64::from(sub[0]))
                .cloned()
                .unwrap_or_else(|| sub[0].to_string());
            (s, sub, rest)
        }
        // Integer32, Integer, gauge, counter, and anything else one arc wide.
        _ => {
            let (sub, rest) = split(oid, 1);
            (sub[0].to_string(), sub, rest)
        }
    }
}

/// A varbind's value as text, as snmp_exporter renders string values.
pub fn value_as_string(v: &Value, kind: &str) -> String {
    match v {
        Value::Integer(i) => i.to_string(),
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => n.to_string(),
        Value::Counter64(n) => n.to_string(),
        Value::IpAddress(a) => format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3]),
        Value::ObjectIdentifier(o) => o.to_string(),
        Value::Opaque(b) => match decode_opaque(b) {
            Some(OpaqueValue::Float(f)) => f.to_string(),
            Some(OpaqueValue::Double(d)) => d.to_string(),
            Some(OpaqueValue::I64(i)) => i.to_string(),
            Some(OpaqueValue::U64(u) | OpaqueValue::Counter64(u)) => u.to_string(),
            None => format!("0x{}", hex_upper(b.iter().copied())),
        },
        Value::OctetString(b) => {
            let kind = if kind.is_empty() { "OctetString" } else { kind };
            let mut arcs: Vec<u32> = Vec::with_capacity(b.len() + 1);
            if matches!(kind, "OctetString" | "DisplayString") {
                arcs.push(b.len() as u32);
            }
            arcs.extend(b.iter().map(|&x| u32::from(x)));
            let known = matches!(
                kind,
                "OctetString"
                    | "DisplayString"
                    | "PhysAddress48"
                    | "InetAddressIPv4"
                    | "InetAddressIPv6"
                    | "InetAddress"
                    | "InetAddressMissingSize"
                    | "LldpPortId"
                    | "EnumAsInfo"
            );
            if known {
                index_as_string(&arcs, kind, 0, false, &BTreeMap::new()).0
            } else {
                format!("0x{}", hex_upper(b.iter().copied()))
            }
        }
        _ => String::new(),
    }
}

/// The metrics of a module by OID, for finding the one that owns a varbind.
pub struct MetricTree<'m> {
    by_oid: HashMap<&'m [u32], &'m Metric>,
    lengths: Vec<usize>,
}

impl<'m> MetricTree<'m> {
    /// Indexes `module`'s metrics.
    pub fn new(module: &'m Module) -> MetricTree<'m> {
        let mut by_oid = HashMap::new();
        let mut lengths = Vec::new();
        for m in &module.metrics {
            // A later metric with the same OID replaces an earlier one, as in snmp_exporter.
            by_oid.insert(m.oid.arcs(), m);
            lengths.push(m.oid.len());
        }
        lengths.sort_unstable();
        lengths.dedup();
        MetricTree { by_oid, lengths }
    }

    /// The metric owning `oid` (the shortest configured prefix), with the index arcs.
    pub fn find<'o>(&self, oid: &'o [u32]) -> Option<(&'m Metric, &'o [u32])> {
        for &n in &self.lengths {
            if n > oid.len() {
                break;
            }
            if let Some(m) = self.by_oid.get(&oid[..n]) {
                return Some((m, &oid[n..]));
            }
        }
        None
    }
}

fn index_labels(
    index_oids: &[u32],
    metric: &Metric,
    pdus: &HashMap<&[u32], &Value>,
) -> Vec<(String, String)> {
    let mut labels: Vec<(String, String)> = Vec::new();
    let mut label_oids: HashMap<String, Vec<u32>> = HashMap::new();
    let mut rest = index_oids;
    for Index {
        labelname,
        kind,
        fixed_size,
        implied,
        enum_values,
    } in &metric.indexes
    {
        let (s, used, r) = index_as_string(rest, kind, *fixed_size, *implied, enum_values);
        set(&mut labels, labelname, s);
        label_oids.insert(labelname.clone(), used);
        rest = r;
    }
    for l in &metric.lookups {
        if l.labels.is_empty() {
            labels.retain(|(k, _)| *k != l.labelname);
            continue;
        }
        let mut oid: Vec<u32> = match l.oid.trim_start_matches('.').parse::<Oid>() {
            Ok(o) => o.arcs().to_vec(),
            Err(_) => Vec::new(),
        };
        for name in &l.labels {
            if let Some(o) = label_oids.get(name) {
                oid.extend_from_slice(o);
            }
        }
        match pdus.get(oid.as_slice()) {
            Some(v) => {
                set(&mut labels, &l.labelname, value_as_string(v, &l.kind));
                label_oids.insert(l.labelname.clone(), vec![value_as_int(v) as u32]);
            }
            None => set(&mut labels, &l.labelname, String::new()),
        }
    }
    labels
}

fn set(labels: &mut Vec<(String, String)>, name: &str, value: String) {
    match labels.iter_mut().find(|(k, _)| k == name) {
        Some(slot) => slot.1 = value,
        None => labels.push((name.to_string(), value)),
    }
}

/// RFC 2579 DateAndTime to Unix seconds.
fn date_and_time(v: &Value) -> Option<f64> {
    let Value::OctetString(b) = v else {
        return None;
    };
    let offset_min: i64 = match b.len() {
        8 => 0,
        11 => {
            let sign = match b[8] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            sign * (i64::from(b[9]) * 60 + i64::from(b[10]))
        }
        _ => return None,
    };
    let year = i64::from(u16::from_be_bytes([b[0], b[1]]));
    let (month, day) = (i64::from(b[2]), i64::from(b[3]));
    let (h, m, s) = (i64::from(b[4]), i64::from(b[5]), i64::from(b[6]));
    // Days from civil (Howard Hinnant's algorithm), months and days normalised as Go does
    // only for in-range values; out-of-range fields are rare and taken as they come.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + h * 3600 + m * 60 + s - offset_min * 60) as f64)
}

/// Turns one varbind into samples, given every varbind of the scrape by OID (for lookups).
pub fn samples_for(
    index_oids: &[u32],
    vb: &VarBind,
    metric: &Metric,
    pdus: &HashMap<&[u32], &Value>,
    opts: CollectOptions,
    out: &mut Vec<Sample>,
) {
    let mut labels = index_labels(index_oids, metric, pdus);
    let mut value = value_as_f64(&vb.value, opts);
    let scaled = |v: f64| {
        let v = if metric.scale != 0.0 {
            v * metric.scale
        } else {
            v
        };
        v + metric.offset
    };
    let kind = match metric.kind.as_str() {
        "counter" => Kind::Counter,
        "gauge" | "Float" | "Double" => {
            value = scaled(value);
            Kind::Gauge
        }
        "DateAndTime" => match date_and_time(&vb.value) {
            Some(v) => {
                value = v;
                Kind::Gauge
            }
            None => return,
        },
        "EnumAsInfo" => {
            let state = metric
                .enum_values
                .get(&(value as i64))
                .cloned()
                .unwrap_or_else(|| (value as i64).to_string());
            labels.push((metric.name.clone(), state));
            out.push(Sample {
                name: format!("{}_info", metric.name),
                help: format!("{} (EnumAsInfo)", metric.help),
                kind: Kind::Gauge,
                labels,
                value: 1.0,
            });
            return;
        }
        "EnumAsStateSet" => {
            let v = value as i64;
            let state = metric
                .enum_values
                .get(&v)
                .cloned()
                .unwrap_or_else(|| v.to_string());
            let help = format!("{} (EnumAsStateSet)", metric.help);
            let mut with = labels.clone();
            with.push((metric.name.clone(), state));
            out.push(Sample {
                name: metric.name.clone(),
                help: help.clone(),
                kind: Kind::Gauge,
                labels: with,
                value: 1.0,
            });
            for (k, name) in &metric.enum_values {
                if *k == v {
                    continue;
                }
                let mut with = labels.clone();
                with.push((metric.name.clone(), name.clone()));
                out.push(Sample {
                    name: metric.name.clone(),
                    help: help.clone(),
                    kind: Kind::Gauge,
                    labels: with,
                    value: 0.0,
                });
            }
            return;
        }
        "Bits" => {
            let Value::OctetString(bytes) = &vb.value else {
                return;
            };
            let help = format!("{} (Bits)", metric.help);
            for (k, name) in &metric.enum_values {
                let k = *k;
                let bit = k >= 0
                    && (k as usize) < bytes.len() * 8
                    && bytes[k as usize / 8] & (128 >> (k % 8)) != 0;
                let mut with = labels.clone();
                with.push((metric.name.clone(), name.clone()));
                out.push(Sample {
                    name: metric.name.clone(),
                    help: help.clone(),
                    kind: Kind::Gauge,
                    labels: with,
                    value: if bit { 1.0 } else { 0.0 },
                });
            }
            return;
        }
        other => {
            // Some form of string.
            let mut kind = other.to_string();
            if combined(other, 0).is_some() {
                let mut prev = metric.oid.arcs().to_vec();
                if let Some(l) = prev.last_mut() {
                    *l = l.wrapping_sub(1);
                }
                prev.extend_from_slice(index_oids);
                kind = match pdus.get(prev.as_slice()) {
                    Some(p) => match combined(other, value_as_int(p)) {
                        Some(Some(t)) => t.to_string(),
                        _ => "OctetString".into(),
                    },
                    None => "OctetString".into(),
                };
            }
            let text = value_as_string(&vb.value, &kind);
            if !metric.regex_extracts.is_empty() {
                for (suffix, list) in &metric.regex_extracts {
                    for re in list {
                        let Some(caps) = re.regex.captures(&text) else {
                            continue;
                        };
                        let mut res = String::new();
                        caps.expand(&re.value, &mut res);
                        let Ok(v) = res.trim().parse::<f64>() else {
                            continue;
                        };
                        out.push(Sample {
                            name: format!("{}{}", metric.name, suffix),
                            help: format!("{} (regex extracted)", metric.help),
                            kind: Kind::Gauge,
                            labels: labels.clone(),
                            value: v,
                        });
                        break;
                    }
                }
                return;
            }
            if !labels.iter().any(|(k, _)| *k == metric.name) {
                labels.push((metric.name.clone(), text));
            }
            value = 1.0;
            Kind::Gauge
        }
    };
    out.push(Sample {
        name: metric.name.clone(),
        help: metric.help.clone(),
        kind,
        labels,
        value,
    });
}

/// Every sample of a module's varbinds.
pub fn collect(module: &Module, pdus: &[VarBind], opts: CollectOptions) -> Vec<Sample> {
    let by_oid: HashMap<&[u32], &Value> = pdus.iter().map(|v| (v.oid.arcs(), &v.value)).collect();
    let tree = MetricTree::new(module);
    let mut out = Vec::new();
    let mut seen: std::collections::HashSet<&[u32]> = std::collections::HashSet::new();
    for vb in pdus {
        // A varbind fetched twice (a Get and a walk) counts once, as snmp_exporter's map does.
        if !seen.insert(vb.oid.arcs()) {
            continue;
        }
        if let Some((metric, index)) = tree.find(vb.oid.arcs()) {
            samples_for(index, vb, metric, &by_oid, opts, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_texts() {
        let e = BTreeMap::new();
        assert_eq!(index_as_string(&[7, 1], "gauge", 0, false, &e).0, "7");
        assert_eq!(
            index_as_string(&[0, 1, 2, 0xa, 0xb, 0xff, 9], "PhysAddress48", 0, false, &e).0,
            "00:01:02:0A:0B:FF"
        );
        assert_eq!(
            index_as_string(&[2, 65, 66], "DisplayString", 0, false, &e).0,
            "AB"
        );
        assert_eq!(
            index_as_string(&[2, 1, 255], "OctetString", 0, false, &e).0,
            "0x01FF"
        );
        let (s, used, rest) = index_as_string(&[1, 4, 10, 0, 0, 1, 5], "InetAddress", 0, false, &e);
        assert_eq!((s.as_str(), used.len(), rest), ("10.0.0.1", 6, &[5u32][..]));
        assert_eq!(
            value_as_string(&Value::OctetString(b"eth0".to_vec()), "DisplayString"),
            "eth0"
        );
        assert_eq!(
            value_as_string(&Value::OctetString(vec![0, 0x1b]), ""),
            "0x001B"
        );
        assert_eq!(
            value_as_string(&Value::ObjectIdentifier("1.3.6.1".parse().unwrap()), ""),
            "1.3.6.1"
        );
    }

    #[test]
    fn date_and_time_known_answer() {
        // 2026-11-28 01:53:41 UTC = 1795830821.
        let v = Value::OctetString(vec![0x07, 0xea, 11, 28, 1, 53, 41, 0]);
        assert_eq!(date_and_time(&v), Some(1_795_830_821.0));
        let v = Value::OctetString(vec![0x07, 0xea, 11, 28, 2, 53, 41, 0, b'+', 1, 0]);
        assert_eq!(date_and_time(&v), Some(1_795_830_821.0));
    }
}
