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
use serde_json::{Map, Value as J};
use std::io::Write;
use std::sync::Arc;

/// A record as a JSON object (the shape above).
pub fn record_json(rec: &Record, mib: &Mib, opts: &OutputOptions) -> J {
    let mut m = Map::new();
    m.insert("target".into(), J::String(rec.target.clone()));
    m.insert("time".into(), J::String(rfc3339(rec.time)));
    let ms = (rec.duration.as_secs_f64() * 1e6).round() / 1e3;
    m.insert(
        "duration_ms".into(),
        serde_json::Number::from_f64(ms).map_or(J::Null, J::Number),
    );
    m.insert(
        "error".into(),
        rec.error.clone().map_or(J::Null, J::String),
    );
    let vbs = rec
        .samples
        .iter()
        .map(|s| {
            let mut v = varbind_json(&s.varbind, opts, mib);
            if let (Some(r), J::Object(o)) = (s.rate, &mut v) {
                if let Some(n) = serde_json::Number::from_f64(r) {
                    o.insert("rate".into(), J::Number(n));
                }
            }
            v
        })
        .collect();
    m.insert("varbinds".into(), J::Array(vbs));
    J::Object(m)
}

/// Writes each record as one JSON line to a writer (stdout, a file).
pub struct JsonSink<W: Write + Send> {
    out: W,
    mib: Arc<Mib>,
    opts: OutputOptions,
    buf: Vec<u8>,
}

impl<W: Write + Send> JsonSink<W> {
    /// A sink writing to `out`, naming and rendering values with `mib` and `opts`.
    pub fn new(out: W, mib: Arc<Mib>, opts: OutputOptions) -> Self {
        JsonSink {
            out,
            mib,
            opts,
            buf: Vec::with_capacity(64 * 1024),
        }
    }
}

impl<W: Write + Send> Sink for JsonSink<W> {
    fn record<'a>(&'a mut self, record: &'a Record) -> SinkFuture<'a> {
        let r = (|| {
            self.buf.clear();
            serde_json::to_writer(&mut self.buf, &record_json(record, &self.mib, &self.opts))
                .map_err(|e| SinkError::Other(e.to_string()))?;
            self.buf.push(b'\n');
            self.out.write_all(&self.buf)?;
            Ok(())
        })();
        Box::pin(async move { r })
    }

    fn end_cycle<'a>(&'a mut self, _cycle: &'a super::CycleSummary) -> SinkFuture<'a> {
        let r = self.out.flush().map_err(SinkError::from);
        Box::pin(async move { r })
    }
}
