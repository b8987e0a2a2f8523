//! InfluxDB line protocol: one line per table row and one per scalar group of each record.
//!
//! ```text
//! ifTable,target=192.0.2.1:161,ifIndex=2 ifDescr="eth1",ifInOctets=123456i,ifInOctets_rate=1523.7 1795830821000000000
//! system,target=192.0.2.1:161 sysUpTime=4242i 1795830821000000000
//! ```
//! - The measurement is the table's (`ifTable`) or the scalars' group's (`system`) name.
//! - Tags: `target` and the decoded index objects (`ifIndex=2`); on interface rows also
//!   `ifAlias`, `ifDescr` and `ifName` when the record has them (Telegraf's `is_tag`), which
//!   are then not fields.
//! - Fields: the columns. Integer types end in `i` (a Counter64 beyond 2^63 is written as an
//!   unsigned `u`), strings are quoted, Opaque floats are floats; counters with a rate get a
//!   `NAME_rate` float field.
//! - The timestamp is the record's time in nanoseconds.
//!
//! Escaping follows the line protocol: commas and spaces in measurements; commas, `=` and
//! spaces in tag keys, tag values and field keys; `"` and `\` in string fields. A backslash
//! in a name or tag is doubled, so a scanner that takes `\` plus the next character as a pair
//! never misreads a separator. Newlines, which the protocol cannot carry, become spaces. An
//! empty tag value is left out.

use super::{describe, Sink, SinkError, SinkFuture};
use crate::format::{decode_opaque, display_octets, OpaqueValue};
use crate::mib::Mib;
use crate::poll::Record;
use crate::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::sync::Arc;

fn escape(out: &mut String, s: &str, specials: &[char]) {
    for c in s.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            c if specials.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

fn measurement(out: &mut String, s: &str) {
    escape(out, s, &[',', ' ', '\\']);
}

fn key(out: &mut String, s: &str) {
    escape(out, s, &[',', '=', ' ', '\\']);
}

fn tag_value(out: &mut String, s: &str) {
    escape(out, s, &[',', '=', ' ', '\\']);
}

fn string_field(out: &mut String, s: &str) {
    out.push('"');
    escape(out, s, &['"', '\\']);
    out.push('"');
}

/// A value as a field value, or None for values that have none (exceptions, NULL).
fn field_value(out: &mut String, v: &Value, hint: Option<&str>) -> bool {
    match v {
        Value::Integer(i) => {
            let _ = write!(out, "{i}i");
        }
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => {
            let _ = write!(out, "{n}i");
        }
        Value::Counter64(n) => match i64::try_from(*n) {
            Ok(i) => {
                let _ = write!(out, "{i}i");
            }
            Err(_) => {
                let _ = write!(out, "{n}u");
            }
        },
        Value::OctetString(b) => {
            let text = hint
                .and_then(|h| display_octets(b, h, false))
                .or_else(|| {
                    std::str::from_utf8(b)
                        .ok()
                        .filter(|s| !s.chars().any(|c| c.is_control() && c != '\n'))
                        .map(str::to_string)
                })
                .unwrap_or_else(|| b.iter().map(|x| format!("{x:02x}")).collect());
            string_field(out, &text);
        }
        Value::IpAddress(a) => string_field(out, &format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])),
        Value::ObjectIdentifier(o) => string_field(out, &o.to_dotted_leading()),
        Value::Opaque(b) => match decode_opaque(b) {
            Some(OpaqueValue::Float(f)) if f.is_finite() => {
                let _ = write!(out, "{}", f64::from(f));
            }
            Some(OpaqueValue::Double(d)) if d.is_finite() => {
                let _ = write!(out, "{d}");
            }
            Some(OpaqueValue::I64(i)) => {
                let _ = write!(out, "{i}i");
            }
            Some(OpaqueValue::U64(u)) | Some(OpaqueValue::Counter64(u)) => {
                let _ = write!(out, "{u}u");
            }
            _ => return false,
        },
        _ => return false,
    }
    true
}

type LineKey = (String, Vec<(String, String)>);

/// Renders a record as line-protocol lines (each ending in `\n`). A record without values
/// (a dead target) gives no lines.
pub fn record_lines(rec: &Record, mib: &Mib) -> String {
    // (measurement, index tags) -> fields, in first-seen order of fields.
    let mut lines: BTreeMap<LineKey, String> = BTreeMap::new();
    let iflabels = super::iflabels::InterfaceLabels::from_record(rec);
    for s in &rec.samples {
        let info = describe(&s.varbind.oid, mib);
        if !iflabels.is_empty()
            && super::iflabels::is_label_column(&s.varbind.oid)
            && iflabels.for_index(&info.index).is_some()
        {
            // A tag of its row (and of the ifXTable row), not a field.
            let key = (info.group.clone(), info.index.clone());
            lines.entry(key).or_default();
            continue;
        }
        let hint = mib
            .lookup(&s.varbind.oid)
            .and_then(|n| n.display_hint().map(str::to_string));
        let mut value = String::new();
        if !field_value(&mut value, &s.varbind.value, hint.as_deref()) {
            continue;
        }
        let fields = lines.entry((info.group, info.index)).or_default();
        if !fields.is_empty() {
            fields.push(',');
        }
        key(fields, &info.name);
        fields.push('=');
        fields.push_str(&value);
        if let Some(r) = s.rate.filter(|r| r.is_finite()) {
            fields.push(',');
            key(fields, &format!("{}_rate", info.name));
            let _ = write!(fields, "={r}");
        }
    }
    let ts = rec.time_ns();
    let mut out = String::new();
    for ((m, tags), fields) in lines {
        measurement(&mut out, &m);
        out.push_str(",target=");
        tag_value(&mut out, &rec.target);
        let mut all: Vec<(&str, &str)> =
            tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        if let Some(extra) = iflabels.for_index(&tags) {
            for (k, v) in extra {
                all.push((k, v.unwrap_or("")));
            }
        }
        for (k, v) in all.into_iter().filter(|(_, v)| !v.is_empty()) {
            out.push(',');
            key(&mut out, k);
            out.push('=');
            tag_value(&mut out, v);
        }
        if fields.is_empty() {
            // A row whose only values became tags has no line.
            out.truncate(out.rfind('\n').map_or(0, |i| i + 1));
            continue;
        }
        out.push(' ');
        out.push_str(&fields);
        let _ = writeln!(out, " {ts}");
    }
    out
}

/// Writes each record's lines to a writer.
pub struct InfluxSink<W: Write + Send> {
    out: W,
    mib: Arc<Mib>,
}

impl<W: Write + Send> InfluxSink<W> {
    /// A sink writing to `out`, naming objects with `mib`.
    pub fn new(out: W, mib: Arc<Mib>) -> Self {
        InfluxSink { out, mib }
    }
}

impl<W: Write + Send> Sink for InfluxSink<W> {
    fn record<'a>(&'a mut self, record: &'a Record) -> SinkFuture<'a> {
        let text = record_lines(record, &self.mib);
        let r = self.out.write_all(text.as_bytes()).map_err(SinkError::from);
        Box::pin(async move { r })
    }

    fn end_cycle<'a>(&'a mut self, _cycle: &'a super::CycleSummary) -> SinkFuture<'a> {
        let r = self.out.flush().map_err(SinkError::from);
        Box::pin(async move { r })
    }
}
