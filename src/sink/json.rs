//! JSON lines: one object per record.
//!
//! ```text
//! {"target":"192.0.2.1:161","time":"2026-11-28T09:00:00.123Z","duration_ms":4.2,"error":null,
//!  "varbinds":[{"oid":".1.3.6.1.2.1.2.2.1.10.2","name":"IF-MIB::ifInOctets.2",
//!               "type":"Counter32","value":123456,"rate":1523.7}, ...]}
//! ```
//! The varbinds are what `snmpkit get --json` prints, plus `rate` for counters from the second
//! cycle on.

use super::{Sink, SinkError, SinkFuture};
use crate::format::{varbind_json, OutputOptions};
use crate::mib::Mib;
use crate::poll::{rfc3339, Record};
use serde_json::Value as J;
use std::io::Write;
use std::sync::Arc;

/// A record as one line of JSON (the shape above, keys in that order, no newline).
pub fn record_json(rec: &Record, mib: &Mib, opts: &OutputOptions) -> String {
    let mut out = String::with_capacity(128 + rec.samples.len() * 112);
    out.push_str("{\"target\":");
    out.push_str(&J::String(rec.target.clone()).to_string());
    out.push_str(",\"time\":\"");
    out.push_str(&rfc3339(rec.time));
    out.push_str("\",\"duration_ms\":");
    let ms = (rec.duration.as_secs_f64() * 1e6).round() / 1e3;
    out.push_str(
        &serde_json::Number::from_f64(ms)
            .map_or(J::Null, J::Number)
            .to_string(),
    );
    out.push_str(",\"error\":");
    match &rec.error {
        Some(e) => out.push_str(&J::String(e.clone()).to_string()),
        None => out.push_str("null"),
    }
    out.push_str(",\"varbinds\":[");
    for (i, s) in rec.samples.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut v = varbind_json(&s.varbind, opts, mib);
        if let (Some(r), J::Object(o)) = (s.rate, &mut v) {
            if let Some(n) = serde_json::Number::from_f64(r) {
                o.insert("rate".into(), J::Number(n));
            }
        }
        out.push_str(&v.to_string());
    }
    out.push_str("]}");
    out
}

/// Writes each record as one JSON line to a writer (stdout, a file).
pub struct JsonSink<W: Write + Send> {
    out: W,
    mib: Arc<Mib>,
    opts: OutputOptions,
}

impl<W: Write + Send> JsonSink<W> {
    /// A sink writing to `out`, naming and rendering values with `mib` and `opts`.
    pub fn new(out: W, mib: Arc<Mib>, opts: OutputOptions) -> Self {
        JsonSink { out, mib, opts }
    }
}

impl<W: Write + Send> Sink for JsonSink<W> {
    fn record<'a>(&'a mut self, record: &'a Record) -> SinkFuture<'a> {
        let mut line = record_json(record, &self.mib, &self.opts);
        line.push('\n');
        let r = self.out.write_all(line.as_bytes()).map_err(SinkError::from);
        Box::pin(async move { r })
    }

    fn end_cycle<'a>(&'a mut self, _cycle: &'a super::CycleSummary) -> SinkFuture<'a> {
        let r = self.out.flush().map_err(SinkError::from);
        Box::pin(async move { r })
    }
}
