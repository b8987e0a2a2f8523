//! JSON lines in row form (`poll --json --rows`): one object per record per line, whose
//! varbinds are gathered into the table rows and scalar groups they belong to, each row with
//! its index, its columns' values and its counters' rates together.
//!
//! ```text
//! {"target":"192.0.2.1:161","time":"2026-11-28T09:00:00.123Z","duration_ms":4.2,"error":null,
//!  "rows":[
//!   {"group":"system","index":{},"columns":{"sysUpTime":8640000}},
//!   {"table":"ifTable","index":{"ifIndex":"2"},
//!    "labels":{"ifAlias":"uplink","ifDescr":"Gi0/1","ifName":"Gi0/1"},
//!    "columns":{"ifDescr":"Gi0/1","ifInOctets":123456,"ifOperStatus":1},
//!    "display":{"ifOperStatus":"up"},
//!    "rates":{"ifInOctets":1523.7}}]}
//! ```
//!
//! - `columns` holds each value as `get --json` gives its `value` (Counter64 as a string).
//! - `display` holds the MIB's rendering where it differs: enumeration labels, DISPLAY-HINT
//!   forms (MAC addresses, dates), hex of binary strings.
//! - `rates` holds per-second rates of counters from the second cycle on.
//! - `labels` holds the interface's ifDescr, ifName and ifAlias (where the record has them) on
//!   rows indexed by ifIndex, as the Prometheus and InfluxDB outputs attach them.
//! - Index values are strings (`"10.0.0.1"`, `"2"`), as in the other sinks' labels and tags.
//!   An object the MIB does not know is named `oid_1_3_…` with an `index` of its last arc.

use super::iflabels::InterfaceLabels;
use super::{describe, Sink, SinkError, SinkFuture};
use crate::format::{varbind_json, OutputOptions};
use crate::mib::Mib;
use crate::poll::{rfc3339, Record};
use serde_json::{Map, Value as J};
use std::io::Write;
use std::sync::Arc;

/// One row (or scalar group) being gathered.
struct Row {
    table: bool,
    group: String,
    index: Vec<(String, String)>,
    columns: Map<String, J>,
    display: Map<String, J>,
    rates: Map<String, J>,
}

/// An OCTET STRING that is not text (invalid UTF-8, or control characters other than
/// whitespace), whose `value` alone would lose bytes.
fn is_binary(v: &crate::Value) -> bool {
    match v {
        crate::Value::OctetString(b) => std::str::from_utf8(b).map_or(true, |t| {
            t.chars().any(|c| c.is_control() && !c.is_whitespace())
        }),
        _ => false,
    }
}

/// A record as one line of JSON in row form (the shape above, no newline).
pub fn record_rows_json(rec: &Record, mib: &Mib, opts: &OutputOptions) -> String {
    rows_json(rec, mib, opts, &[])
}

/// [`record_rows_json`], leaving out the varbinds under `hidden` (label columns fetched only
/// for the labels) from the rows.
fn rows_json(rec: &Record, mib: &Mib, opts: &OutputOptions, hidden: &[crate::Oid]) -> String {
    let labels = InterfaceLabels::from_record(rec);
    // Rows in the order their first varbind came; a map from (group, index) to position.
    let mut rows: Vec<Row> = Vec::new();
    let mut at: std::collections::HashMap<(String, Vec<(String, String)>), usize> =
        std::collections::HashMap::new();
    for s in &rec.samples {
        if hidden.iter().any(|h| s.varbind.oid.starts_with(h)) {
            continue;
        }
        let info = describe(&s.varbind.oid, mib);
        let key = (info.group.clone(), info.index.clone());
        let i = *at.entry(key).or_insert_with(|| {
            rows.push(Row {
                table: info.column,
                group: info.group.clone(),
                index: info.index.clone(),
                columns: Map::new(),
                display: Map::new(),
                rates: Map::new(),
            });
            rows.len() - 1
        });
        let row = &mut rows[i];
        let J::Object(mut vb) = varbind_json(&s.varbind, opts, mib) else {
            continue;
        };
        let value = vb.remove("value").unwrap_or(J::Null);
        // The MIB's rendering, when there is one: an enumeration's label, a DISPLAY-HINT form,
        // else the hex of a string that is not text.
        let shown = ["label", "display", "bits"]
            .into_iter()
            .find_map(|k| vb.remove(k))
            .or_else(|| vb.remove("hex").filter(|_| is_binary(&s.varbind.value)));
        if let Some(d) = shown {
            row.display.insert(info.name.clone(), d);
        }
        if let Some(r) = s.rate.and_then(serde_json::Number::from_f64) {
            row.rates.insert(info.name.clone(), J::Number(r));
        }
        row.columns.insert(info.name, value);
    }
    let mut out = Map::new();
    out.insert("target".into(), J::String(rec.target.clone()));
    out.insert("time".into(), J::String(rfc3339(rec.time)));
    let ms = (rec.duration.as_secs_f64() * 1e6).round() / 1e3;
    out.insert(
        "duration_ms".into(),
        serde_json::Number::from_f64(ms).map_or(J::Null, J::Number),
    );
    out.insert("error".into(), rec.error.clone().map_or(J::Null, J::String));
    let rows: Vec<J> = rows
        .into_iter()
        .map(|r| {
            let mut o = Map::new();
            o.insert(
                if r.table { "table" } else { "group" }.into(),
                J::String(r.group),
            );
            if let Some(extra) = labels.for_index(&r.index) {
                let l: Map<String, J> = extra
                    .iter()
                    .filter_map(|(k, v)| v.map(|v| ((*k).to_string(), J::String(v.to_string()))))
                    .collect();
                if !l.is_empty() {
                    o.insert("labels".into(), J::Object(l));
                }
            }
            o.insert(
                "index".into(),
                J::Object(
                    r.index
                        .into_iter()
                        .map(|(k, v)| (k, J::String(v)))
                        .collect(),
                ),
            );
            o.insert("columns".into(), J::Object(r.columns));
            if !r.display.is_empty() {
                o.insert("display".into(), J::Object(r.display));
            }
            if !r.rates.is_empty() {
                o.insert("rates".into(), J::Object(r.rates));
            }
            J::Object(o)
        })
        .collect();
    out.insert("rows".into(), J::Array(rows));
    // Keys in the order documented above (serde_json's map sorts them otherwise).
    let mut s = String::with_capacity(256);
    s.push('{');
    for (n, k) in ["target", "time", "duration_ms", "error", "rows"]
        .iter()
        .enumerate()
    {
        if n > 0 {
            s.push(',');
        }
        s.push_str(&J::String((*k).into()).to_string());
        s.push(':');
        s.push_str(&out[*k].to_string());
    }
    s.push('}');
    s
}

/// Writes each record as one JSON line in row form to a writer.
pub struct RowsSink<W: Write + Send> {
    out: W,
    mib: Arc<Mib>,
    opts: OutputOptions,
    hidden: Vec<crate::Oid>,
}

impl<W: Write + Send> RowsSink<W> {
    /// A sink writing to `out`, naming and rendering values with `mib` and `opts`.
    pub fn new(out: W, mib: Arc<Mib>, opts: OutputOptions) -> Self {
        RowsSink {
            out,
            mib,
            opts,
            hidden: Vec::new(),
        }
    }

    /// Leaves the varbinds under `columns` out of the rows: columns polled only for the
    /// interface labels (ifDescr, ifName, ifAlias), which then appear in `labels` alone.
    pub fn hide_columns(mut self, columns: Vec<crate::Oid>) -> Self {
        self.hidden = columns;
        self
    }
}

impl<W: Write + Send> Sink for RowsSink<W> {
    fn record<'a>(&'a mut self, record: &'a Record) -> SinkFuture<'a> {
        let mut line = rows_json(record, &self.mib, &self.opts, &self.hidden);
        line.push('\n');
        let r = self.out.write_all(line.as_bytes()).map_err(SinkError::from);
        Box::pin(async move { r })
    }

    fn end_cycle<'a>(&'a mut self, _cycle: &'a super::CycleSummary) -> SinkFuture<'a> {
        let r = self.out.flush().map_err(SinkError::from);
        Box::pin(async move { r })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poll::Sample;
    use crate::{Oid, Value, VarBind};
    use std::time::{Duration, Instant, SystemTime};

    fn sample(oid: &str, v: Value, rate: Option<f64>) -> Sample {
        Sample {
            varbind: VarBind::new(oid.parse::<Oid>().unwrap(), v),
            received: Instant::now(),
            rate,
        }
    }

    #[test]
    fn columns_index_rates_and_labels_of_a_row_are_together() {
        let mib = Mib::builtin();
        let rec = Record {
            target: "r1:161".into(),
            time: SystemTime::UNIX_EPOCH,
            duration: Duration::from_millis(2),
            error: None,
            samples: vec![
                sample("1.3.6.1.2.1.1.3.0", Value::TimeTicks(500), None),
                sample(
                    "1.3.6.1.2.1.2.2.1.2.2",
                    Value::OctetString(b"Gi0/1".to_vec()),
                    None,
                ),
                sample(
                    "1.3.6.1.2.1.2.2.1.2.3",
                    Value::OctetString(b"Gi0/2".to_vec()),
                    None,
                ),
                sample("1.3.6.1.2.1.2.2.1.8.2", Value::Integer(1), None),
                sample("1.3.6.1.2.1.2.2.1.8.3", Value::Integer(2), None),
                sample("1.3.6.1.2.1.2.2.1.10.2", Value::Counter32(1000), Some(12.5)),
                sample("1.3.6.1.2.1.2.2.1.10.3", Value::Counter32(7), None),
                sample(
                    "1.3.6.1.2.1.31.1.1.1.6.2",
                    Value::Counter64(u64::MAX),
                    Some(1e9),
                ),
                sample(
                    "1.3.6.1.2.1.31.1.1.1.1.2",
                    Value::OctetString(b"gi1".to_vec()),
                    None,
                ),
                sample("1.3.6.1.4.1.99999.7.4", Value::Integer(9), None),
                sample(
                    "1.3.6.1.4.1.99999.8.4",
                    Value::OctetString(vec![0, 0xff]),
                    None,
                ),
            ],
            cycle: 2,
        };
        let line = record_rows_json(&rec, &mib, &OutputOptions::default());
        assert!(line.starts_with(
            r#"{"target":"r1:161","time":"1970-01-01T00:00:00.000Z","duration_ms":2.0,"error":null,"rows":["#
        ), "{line}");
        let j: J = serde_json::from_str(&line).unwrap();
        let rows = j["rows"].as_array().unwrap();
        // system, ifTable.2, ifTable.3, ifXTable.2, the unknown object.
        assert_eq!(rows.len(), 5, "{line}");
        assert_eq!(rows[0]["group"], "system");
        assert_eq!(rows[0]["columns"]["sysUpTime"], 500);
        let if2 = &rows[1];
        assert_eq!(if2["table"], "ifTable");
        assert_eq!(if2["index"]["ifIndex"], "2");
        assert_eq!(if2["columns"]["ifDescr"], "Gi0/1");
        assert_eq!(if2["columns"]["ifOperStatus"], 1);
        assert_eq!(if2["display"]["ifOperStatus"], "up");
        assert_eq!(if2["columns"]["ifInOctets"], 1000);
        assert_eq!(if2["rates"]["ifInOctets"], 12.5);
        assert_eq!(if2["labels"]["ifDescr"], "Gi0/1");
        assert_eq!(if2["labels"]["ifName"], "gi1");
        let if3 = &rows[2];
        assert_eq!(if3["index"]["ifIndex"], "3");
        assert_eq!(if3["display"]["ifOperStatus"], "down");
        assert!(if3.get("rates").is_none(), "{if3}");
        assert!(if3["labels"].get("ifName").is_none(), "{if3}");
        let x2 = &rows[3];
        assert_eq!(x2["table"], "ifXTable");
        assert_eq!(x2["columns"]["ifHCInOctets"], u64::MAX.to_string());
        assert_eq!(x2["rates"]["ifHCInOctets"], 1e9);
        assert_eq!(rows[4]["group"], "snmp");
        assert_eq!(rows[4]["index"]["index"], "4");
        assert_eq!(rows[4]["columns"]["oid_1_3_6_1_4_1_99999_7"], 9);
        // A binary string keeps its bytes in `display` (hex); text has no `display`.
        assert_eq!(rows[4]["display"]["oid_1_3_6_1_4_1_99999_8"], "00ff");
        assert!(if2["display"].get("ifDescr").is_none(), "{if2}");
    }

    #[test]
    fn hidden_label_columns_give_labels_but_no_rows() {
        let mib = Mib::builtin();
        let rec = Record {
            target: "r1:161".into(),
            time: SystemTime::UNIX_EPOCH,
            duration: Duration::from_millis(2),
            error: None,
            samples: vec![
                sample("1.3.6.1.2.1.2.2.1.10.2", Value::Counter32(1000), None),
                sample(
                    "1.3.6.1.2.1.31.1.1.1.1.2",
                    Value::OctetString(b"gi1".to_vec()),
                    None,
                ),
            ],
            cycle: 1,
        };
        let hidden = vec![crate::sink::iflabels::IF_NAME];
        let j: J = serde_json::from_str(&rows_json(&rec, &mib, &OutputOptions::default(), &hidden))
            .unwrap();
        let rows = j["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 1, "{j}");
        assert_eq!(rows[0]["labels"]["ifName"], "gi1");
        assert!(rows[0]["columns"].get("ifName").is_none());
    }

    #[test]
    fn a_dead_target_has_its_error_and_no_rows() {
        let rec = Record {
            target: "r2:161".into(),
            time: SystemTime::UNIX_EPOCH,
            duration: Duration::from_secs(3),
            error: Some("Timeout: No Response from r2:161".into()),
            samples: Vec::new(),
            cycle: 1,
        };
        let line = record_rows_json(&rec, &Mib::builtin(), &OutputOptions::default());
        let j: J = serde_json::from_str(&line).unwrap();
        assert_eq!(j["error"], "Timeout: No Response from r2:161");
        assert_eq!(j["rows"], J::Array(Vec::new()));
    }
}
