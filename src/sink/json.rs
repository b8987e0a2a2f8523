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
use crate::format::{
    push_json_str, push_u64, varbind_json, write_varbind_json_rate, OutputOptions,
};
use crate::mib::{BaseType, Mib, NodeKind};
use crate::poll::{rfc3339, Record};
use crate::{Oid, Value, VarBind};
use serde_json::Value as J;
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

/// A record as one line of JSON (the shape above, keys in that order, no newline).
pub fn record_json(rec: &Record, mib: &Mib, opts: &OutputOptions) -> String {
    JsonRenderer::new(opts.clone()).record(rec, mib)
}

/// What rendering a varbind needs from the MIB about its node, computed once per node.
struct NodeCache {
    /// The node's OID (a prefix of the varbinds it describes).
    oid: Oid,
    /// `MODULE::name`.
    name: String,
    /// The instance part prints as plain numbers (scalars; columns indexed by integers
    /// without enumerations), so the name is `name` plus the arcs.
    numeric_index: bool,
    base: Option<BaseType>,
    /// Whether the value may gain a label or display form (enumerations, DISPLAY-HINT).
    decorated: bool,
    units: Option<String>,
}

/// The parts of a varbind's JSON around `name` and `oid`: the keys that sort before `name`
/// (`bits`, `display`, `hex`, `label`) and those after `oid` (`tag`, `type`, `units`,
/// `value`), each with its separating comma.
struct Parts {
    pre: String,
    post: String,
}

/// Renders records as [`record_json`] does, cheaply enough for a fleet's millions of
/// varbinds a cycle, and byte for byte as [`varbind_json`] (plus `rate`):
///
/// - the name prefix and what the MIB says of each node are computed once per node;
/// - counters, timeticks and plain integers and gauges are written directly (a unit test
///   holds them equal to `varbind_json`);
/// - every other value goes through `varbind_json` itself, its output kept per (node, value)
///   without the instance-specific `name` and `oid`, since values such as interface names,
///   enumerations and OIDs repeat across rows and devices.
pub struct JsonRenderer {
    opts: OutputOptions,
    fast: bool,
    nodes: HashMap<Oid, Option<Arc<NodeCache>>>,
    last: Option<Arc<NodeCache>>,
    values: HashMap<(Oid, Value), Arc<Parts>>,
}

/// The most nodes, and the most (node, value) pairs, a renderer remembers; beyond that it
/// starts afresh, so odd input cannot grow it without bound.
const MAX_CACHED_NODES: usize = 4096;
const MAX_CACHED_VALUES: usize = 65_536;

impl JsonRenderer {
    /// A renderer with `opts` (net-snmp's `-O` flags). Use one per MIB: it caches what the
    /// MIB says about each node.
    pub fn new(opts: OutputOptions) -> JsonRenderer {
        JsonRenderer {
            fast: opts == OutputOptions::default(),
            opts,
            nodes: HashMap::new(),
            last: None,
            values: HashMap::new(),
        }
    }

    /// A record as one line of JSON, without the newline, naming objects with `mib`.
    pub fn record(&mut self, rec: &Record, mib: &Mib) -> String {
        let mut out = String::with_capacity(128 + rec.samples.len() * 112);
        out.push_str("{\"target\":");
        push_json_str(&mut out, &rec.target);
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
            Some(e) => push_json_str(&mut out, e),
            None => out.push_str("null"),
        }
        out.push_str(",\"varbinds\":[");
        for (i, s) in rec.samples.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            self.varbind(&mut out, &s.varbind, s.rate, mib);
        }
        out.push_str("]}");
        out
    }

    fn node(&mut self, oid: &Oid, mib: &Mib) -> Option<Arc<NodeCache>> {
        if let Some(n) = &self.last {
            if oid.starts_with(&n.oid) && oid.len() > n.oid.len() {
                return Some(n.clone());
            }
        }
        let info = mib.lookup(oid)?;
        let key = info.oid();
        if self.nodes.len() >= MAX_CACHED_NODES {
            self.nodes.clear();
        }
        let cached = self
            .nodes
            .entry(key.clone())
            .or_insert_with(|| {
                if info.module().is_empty()
                    || !matches!(info.kind(), NodeKind::Scalar | NodeKind::Column)
                {
                    return None;
                }
                let numeric_index = match info.kind() {
                    NodeKind::Column => info.table_index().is_none_or(|parts| {
                        parts.iter().all(|p| {
                            p.base().is_integer() && p.syntax.is_none_or(|s| s.enums.is_empty())
                        })
                    }),
                    _ => true,
                };
                Some(Arc::new(NodeCache {
                    oid: key,
                    name: format!("{}::{}", info.module(), info.name()),
                    numeric_index,
                    base: info.base_type(),
                    decorated: !info.enums().is_empty() || info.display_hint().is_some(),
                    units: info.units().map(str::to_string),
                }))
            })
            .clone();
        if let Some(n) = &cached {
            self.last = Some(n.clone());
        }
        cached
    }

    /// `varbind_json`'s keys other than `name` and `oid`, for this node and value.
    fn parts(&mut self, n: &NodeCache, vb: &VarBind, mib: &Mib) -> Option<Arc<Parts>> {
        let key = (n.oid.clone(), vb.value.clone());
        if let Some(p) = self.values.get(&key) {
            return Some(p.clone());
        }
        let J::Object(m) = varbind_json(vb, &self.opts, mib) else {
            return None;
        };
        let mut parts = Parts {
            pre: String::new(),
            post: String::new(),
        };
        for (k, v) in &m {
            match k.as_str() {
                "name" | "oid" => {}
                k if k < "name" => {
                    push_json_str(&mut parts.pre, k);
                    parts.pre.push(':');
                    parts.pre.push_str(&v.to_string());
                    parts.pre.push(',');
                }
                k => {
                    parts.post.push(',');
                    push_json_str(&mut parts.post, k);
                    parts.post.push(':');
                    parts.post.push_str(&v.to_string());
                }
            }
        }
        if !m.contains_key("name") {
            return None;
        }
        if self.values.len() >= MAX_CACHED_VALUES {
            self.values.clear();
        }
        let parts = Arc::new(parts);
        self.values.insert(key, parts.clone());
        Some(parts)
    }

    fn varbind(&mut self, out: &mut String, vb: &VarBind, rate: Option<f64>, mib: &Mib) {
        if self.fast {
            if let Some(n) = self.node(&vb.oid, mib) {
                if fast_varbind(out, vb, rate, &n) {
                    return;
                }
                if let (true, Some(p)) = (n.numeric_index, self.parts(&n, vb, mib)) {
                    out.push('{');
                    out.push_str(&p.pre);
                    push_name_oid(out, vb, &n);
                    push_rate(out, rate);
                    out.push_str(&p.post);
                    out.push('}');
                    return;
                }
            }
        }
        write_varbind_json_rate(vb, &self.opts, mib, rate, out);
    }
}

/// `"name":"MODULE::name.1.2","oid":".1.3...1.2"` for a node with a numeric index.
fn push_name_oid(out: &mut String, vb: &VarBind, n: &NodeCache) {
    out.push_str("\"name\":\"");
    out.push_str(&n.name);
    for a in vb.oid.arcs().get(n.oid.len()..).unwrap_or(&[]) {
        out.push('.');
        push_u64(out, u64::from(*a));
    }
    out.push_str("\",\"oid\":\"");
    for a in vb.oid.arcs() {
        out.push('.');
        push_u64(out, u64::from(*a));
    }
    out.push('"');
}

fn push_rate(out: &mut String, rate: Option<f64>) {
    if let Some(r) = rate.and_then(serde_json::Number::from_f64) {
        out.push_str(",\"rate\":");
        out.push_str(&r.to_string());
    }
}

/// Counters, timeticks, and integers and gauges the MIB does not decorate, written directly
/// in [`varbind_json`]'s (sorted) key order: `name`, `oid`, `rate`, `type`, `units`,
/// `value`. False when the value needs another path (nothing is written then).
fn fast_varbind(out: &mut String, vb: &VarBind, rate: Option<f64>, n: &NodeCache) -> bool {
    if !n.numeric_index {
        return false;
    }
    let base = n.base;
    let (ty, typed) = match &vb.value {
        Value::Counter32(_) => ("Counter32", base == Some(BaseType::Counter32)),
        Value::Counter64(_) => ("Counter64", base == Some(BaseType::Counter64)),
        Value::TimeTicks(_) => ("Timeticks", base == Some(BaseType::TimeTicks)),
        Value::Integer(_) if !n.decorated => ("INTEGER", base == Some(BaseType::Integer32)),
        Value::Gauge32(_) if !n.decorated => (
            "Gauge32",
            matches!(base, Some(BaseType::Gauge32 | BaseType::Unsigned32)),
        ),
        _ => return false,
    };
    out.push('{');
    push_name_oid(out, vb, n);
    push_rate(out, rate);
    out.push_str(",\"type\":\"");
    out.push_str(ty);
    out.push('"');
    if let (true, Some(u)) = (typed, &n.units) {
        out.push_str(",\"units\":");
        push_json_str(out, u);
    }
    out.push_str(",\"value\":");
    match &vb.value {
        Value::Integer(i) => {
            if *i < 0 {
                out.push('-');
            }
            push_u64(out, i.unsigned_abs());
        }
        Value::Counter32(v) | Value::Gauge32(v) | Value::TimeTicks(v) => {
            push_u64(out, u64::from(*v));
        }
        // 64-bit counters are strings, so no JSON reader rounds them.
        Value::Counter64(v) => {
            out.push('"');
            push_u64(out, *v);
            out.push('"');
        }
        _ => out.push_str("null"),
    }
    out.push('}');
    true
}

/// Writes each record as one JSON line to a writer (stdout, a file).
pub struct JsonSink<W: Write + Send> {
    out: W,
    mib: Arc<Mib>,
    renderer: JsonRenderer,
}

impl<W: Write + Send> JsonSink<W> {
    /// A sink writing to `out`, naming and rendering values with `mib` and `opts`.
    pub fn new(out: W, mib: Arc<Mib>, opts: OutputOptions) -> Self {
        JsonSink {
            out,
            mib,
            renderer: JsonRenderer::new(opts),
        }
    }
}

impl<W: Write + Send> Sink for JsonSink<W> {
    fn record<'a>(&'a mut self, record: &'a Record) -> SinkFuture<'a> {
        let mut line = self.renderer.record(record, &self.mib);
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
    use std::time::{Duration, Instant, SystemTime};

    /// The fast path must print exactly what `get --json` prints.
    #[test]
    fn fast_varbinds_equal_varbind_json() {
        let mib = Mib::builtin();
        let o = |s: &str| -> Oid { s.parse().unwrap() };
        let values = [
            Value::Integer(1),
            Value::Integer(-7),
            Value::Integer(99),
            Value::Integer(123_456),
            Value::Counter32(4_000_000_000),
            Value::Counter64(u64::MAX),
            Value::Gauge32(1_000_000_000),
            Value::Gauge32(2_345),
            Value::TimeTicks(12345),
            Value::OctetString(b"eth0".to_vec()),
            Value::OctetString(b"tab\tline\n".to_vec()),
            Value::OctetString(vec![0, 0x1b, 0xff]),
            Value::OctetString(vec![0x02, 0xfc, 0, 0, 0, 1]),
            Value::OctetString(Vec::new()),
            Value::IpAddress([10, 0, 0, 1]),
            Value::ObjectIdentifier(o("0.0")),
            Value::ObjectIdentifier(o("1.3.6.1.2.1.2.2.1.10")),
            Value::ObjectIdentifier(o("1.3.6.1.4.1.99999.3")),
            Value::NoSuchInstance,
        ];
        let oids = [
            "1.3.6.1.2.1.1.3.0",
            "1.3.6.1.2.1.1.1.0",
            "1.3.6.1.2.1.1.7.0",
            "1.3.6.1.2.1.2.2.1.1.3",
            "1.3.6.1.2.1.2.2.1.2.3",
            "1.3.6.1.2.1.2.2.1.3.3",
            "1.3.6.1.2.1.2.2.1.5.3",
            "1.3.6.1.2.1.2.2.1.6.3",
            "1.3.6.1.2.1.2.2.1.8.3",
            "1.3.6.1.2.1.2.2.1.10.3",
            "1.3.6.1.2.1.2.2.1.22.3",
            "1.3.6.1.2.1.1.2.0",
            "1.3.6.1.2.1.31.1.1.1.6.3",
            "1.3.6.1.2.1.31.1.1.1.15.3",
            "1.3.6.1.2.1.25.2.3.1.4.1",
            "1.3.6.1.2.1.4.20.1.2.10.0.0.1",
            "1.3.6.1.4.1.99999.1.0",
            "1.3.6.1.2.1.2.2.1.10",
        ];
        let mut samples = Vec::new();
        for oid in oids {
            for v in &values {
                for rate in [None, Some(1523.25)] {
                    samples.push(Sample {
                        varbind: VarBind::new(o(oid), v.clone()),
                        received: Instant::now(),
                        rate,
                    });
                }
            }
        }
        let rec = Record {
            target: "t:161".into(),
            time: SystemTime::UNIX_EPOCH,
            duration: Duration::from_micros(1500),
            error: None,
            samples,
            cycle: 1,
        };
        let line = JsonRenderer::new(OutputOptions::default()).record(&rec, &mib);
        let parsed: J = serde_json::from_str(&line).unwrap();
        let got = parsed["varbinds"].as_array().unwrap();
        for (s, g) in rec.samples.iter().zip(got) {
            let mut want = varbind_json(&s.varbind, &OutputOptions::default(), &mib);
            if let (Some(r), J::Object(m)) = (s.rate, &mut want) {
                m.insert("rate".into(), J::from(r));
            }
            assert_eq!(g.to_string(), want.to_string(), "{:?}", s.varbind);
        }
        assert!(line.starts_with(
            "{\"target\":\"t:161\",\"time\":\"1970-01-01T00:00:00.000Z\",\"duration_ms\":1.5,\"error\":null,"
        ));
    }
}
