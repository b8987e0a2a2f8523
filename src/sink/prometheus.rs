//! Prometheus: the text exposition format, served on `/metrics`, following snmp_exporter's
//! conventions.
//!
//! - A metric per MIB object (`ifHCInOctets`, `ifOperStatus`, `sysUpTime`), with the labels
//!   `target` and the index objects by name (`ifIndex="2"`).
//! - Counter32 and Counter64 objects are `counter`s, every other number a `gauge`. A string,
//!   address or OID value is a `gauge` of 1 carrying the value in a label named after the
//!   object (`ifDescr{ifDescr="eth0",ifIndex="1",target="..."} 1`), as snmp_exporter does for
//!   DisplayString.
//! - Interface objects (indexed by ifIndex) carry `ifAlias`, `ifDescr` and `ifName` labels
//!   when the record has those columns, as snmp_exporter's `if_mib` module adds them (`""` where
//!   an interface lacks one). `# HELP` is the object's description and its OID, as
//!   snmp_exporter's generator writes it.
//! - Per target, `snmp_up` (1 when the poll succeeded) and `snmp_scrape_duration_seconds`.
//!
//! Scrapes are served from the last completed cycle: a cycle's text is built aside and swapped
//! in whole when the cycle ends, so a scrape never waits on a device and never sees half a
//! cycle. Before the first cycle completes, `/metrics` answers 503.

use super::{describe, CycleSummary, Sink, SinkFuture};
use crate::format::{decode_opaque, display_octets, OpaqueValue};
use crate::mib::{BaseType, Mib};
use crate::poll::Record;
use crate::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The exposition text of the last completed cycle, shared by the sink (writer) and the HTTP
/// server (readers). Cheap to clone.
#[derive(Clone, Default)]
pub struct Exposition {
    text: Arc<RwLock<Option<Arc<String>>>>,
}

impl Exposition {
    /// An empty exposition (no cycle completed yet).
    pub fn new() -> Exposition {
        Exposition::default()
    }

    /// The last completed cycle's text, if any.
    pub fn current(&self) -> Option<Arc<String>> {
        self.text.read().ok().and_then(|t| t.clone())
    }

    fn publish(&self, text: String) {
        if let Ok(mut t) = self.text.write() {
            *t = Some(Arc::new(text));
        }
    }
}

#[derive(Default)]
struct Family {
    kind: &'static str,
    help: String,
    samples: String,
}

/// Builds the exposition of each cycle and publishes it when the cycle ends.
pub struct PrometheusSink {
    mib: Arc<Mib>,
    families: BTreeMap<String, Family>,
    up: String,
    duration: String,
    exposition: Exposition,
    hidden: Vec<crate::Oid>,
}

/// A metric or label name made of `[a-zA-Z0-9_]`, not starting with a digit.
pub fn sanitize_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// Escapes a label value: `\`, `"` and newline.
fn label_value(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

fn labels(out: &mut String, pairs: &[(String, String)]) {
    out.push('{');
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(k);
        out.push_str("=\"");
        label_value(out, v);
        out.push('"');
    }
    out.push('}');
}

enum Sampled {
    Number(String),
    Text(String),
}

fn sample_value(v: &Value, hint: Option<&str>) -> Option<Sampled> {
    Some(match v {
        Value::Integer(i) => Sampled::Number(i.to_string()),
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => {
            Sampled::Number(n.to_string())
        }
        Value::Counter64(n) => Sampled::Number(n.to_string()),
        Value::OctetString(b) => Sampled::Text(
            hint.and_then(|h| display_octets(b, h, false))
                .or_else(|| {
                    std::str::from_utf8(b)
                        .ok()
                        .filter(|s| !s.chars().any(char::is_control))
                        .map(str::to_string)
                })
                .unwrap_or_else(|| {
                    let hex: String = b.iter().map(|x| format!("{x:02X}")).collect();
                    format!("0x{hex}")
                }),
        ),
        Value::IpAddress(a) => Sampled::Text(format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])),
        Value::ObjectIdentifier(o) => Sampled::Text(o.to_dotted_leading()),
        Value::Opaque(b) => match decode_opaque(b)? {
            OpaqueValue::Float(f) => Sampled::Number(f64::from(f).to_string()),
            OpaqueValue::Double(d) => Sampled::Number(d.to_string()),
            OpaqueValue::I64(i) => Sampled::Number(i.to_string()),
            OpaqueValue::U64(u) | OpaqueValue::Counter64(u) => Sampled::Number(u.to_string()),
        },
        _ => return None,
    })
}

/// HELP as snmp_exporter's generator writes it: the object's description, ` - `, and the
/// object's OID (the column, not an instance). Without a description, the qualified name.
fn help_for(oid: &crate::Oid, mib: &Mib, qualified: &str) -> String {
    match crate::poll::object_of(oid, mib) {
        Some((n, _)) => {
            let desc = n
                .description()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let what = if desc.is_empty() {
                qualified.to_string()
            } else {
                desc
            };
            format!("{what} - {}", n.oid())
        }
        None => format!("{qualified} - {}", oid),
    }
}

fn seconds(d: Duration) -> String {
    format!("{:.6}", d.as_secs_f64())
}

impl PrometheusSink {
    /// A sink that publishes each completed cycle to `exposition`, naming objects with `mib`.
    pub fn new(mib: Arc<Mib>, exposition: Exposition) -> PrometheusSink {
        PrometheusSink {
            mib,
            families: BTreeMap::new(),
            up: String::new(),
            duration: String::new(),
            exposition,
            hidden: Vec::new(),
        }
    }

    /// Columns fetched only for their labels (the poller adds ifDescr, ifName and ifAlias when
    /// interface objects are polled without them): not exported as metrics of their own.
    pub fn hide_columns(mut self, columns: Vec<crate::Oid>) -> PrometheusSink {
        self.hidden = columns;
        self
    }

    fn add(&mut self, rec: &Record) {
        let target = ("target".to_string(), rec.target.clone());
        let iflabels = super::iflabels::InterfaceLabels::from_record(rec);
        for s in &rec.samples {
            if self.hidden.iter().any(|h| s.varbind.oid.starts_with(h)) {
                continue;
            }
            let info = describe(&s.varbind.oid, &self.mib);
            let hint = self
                .mib
                .lookup(&s.varbind.oid)
                .and_then(|n| n.display_hint().map(str::to_string));
            let Some(value) = sample_value(&s.varbind.value, hint.as_deref()) else {
                continue;
            };
            let counter = match info.base {
                Some(b) => matches!(b, BaseType::Counter32 | BaseType::Counter64),
                None => matches!(s.varbind.value, Value::Counter32(_) | Value::Counter64(_)),
            };
            let name = sanitize_name(&info.name);
            let fam = self.families.entry(name.clone()).or_insert_with(|| Family {
                kind: if counter { "counter" } else { "gauge" },
                help: help_for(&s.varbind.oid, &self.mib, &info.qualified),
                samples: String::new(),
            });
            let mut pairs: Vec<(String, String)> = Vec::with_capacity(info.index.len() + 2);
            let number = match value {
                Sampled::Number(n) => n,
                Sampled::Text(t) if fam.kind == "gauge" => {
                    pairs.push((name.clone(), t));
                    "1".to_string()
                }
                Sampled::Text(_) => continue,
            };
            for (k, v) in &info.index {
                let mut k = sanitize_name(k);
                if k == "target" || k == name {
                    k.insert_str(0, "index_");
                }
                pairs.push((k, v.clone()));
            }
            if let Some(extra) = iflabels.for_index(&info.index) {
                for (k, v) in extra {
                    if k != name {
                        pairs.push((k.to_string(), v.unwrap_or("").to_string()));
                    }
                }
            }
            pairs.push(target.clone());
            pairs.sort();
            fam.samples.push_str(&name);
            labels(&mut fam.samples, &pairs);
            let _ = writeln!(fam.samples, " {number}");
        }
        let tl = [target];
        self.up.push_str("snmp_up");
        labels(&mut self.up, &tl);
        let _ = writeln!(self.up, " {}", u8::from(rec.is_up()));
        self.duration.push_str("snmp_scrape_duration_seconds");
        labels(&mut self.duration, &tl);
        let _ = writeln!(self.duration, " {}", seconds(rec.duration));
    }

    fn render(&mut self) -> String {
        let mut out = String::new();
        let families = std::mem::take(&mut self.families);
        for (name, f) in families {
            let _ = writeln!(out, "# HELP {name} {}", f.help.replace('\\', "\\\\"));
            let _ = writeln!(out, "# TYPE {name} {}", f.kind);
            out.push_str(&f.samples);
        }
        out.push_str("# HELP snmp_up Whether the last poll of the target succeeded.\n");
        out.push_str("# TYPE snmp_up gauge\n");
        out.push_str(&std::mem::take(&mut self.up));
        out.push_str(
            "# HELP snmp_scrape_duration_seconds How long the last poll of the target took.\n",
        );
        out.push_str("# TYPE snmp_scrape_duration_seconds gauge\n");
        out.push_str(&std::mem::take(&mut self.duration));
        out
    }
}

impl Sink for PrometheusSink {
    fn record<'a>(&'a mut self, record: &'a Record) -> SinkFuture<'a> {
        self.add(record);
        Box::pin(async { Ok(()) })
    }

    fn end_cycle<'a>(&'a mut self, _cycle: &'a CycleSummary) -> SinkFuture<'a> {
        let text = self.render();
        self.exposition.publish(text);
        Box::pin(async { Ok(()) })
    }
}

/// The most a request head may take before the connection is dropped.
const MAX_REQUEST: usize = 8 * 1024;
/// How long a client may take to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `GET /metrics` on `listener` until the returned future is dropped. Each connection
/// gets one response and is closed; other paths get 404, other methods 405.
pub async fn serve(listener: TcpListener, exposition: Exposition) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors and the like: back off a little rather than spin.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let expo = exposition.clone();
        tokio::spawn(async move {
            let _ = tokio::time::timeout(REQUEST_TIMEOUT, answer(stream, expo)).await;
        });
    }
}

async fn answer(mut stream: TcpStream, expo: Exposition) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && !buf.windows(2).any(|w| w == b"\n\n") {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > MAX_REQUEST {
            return respond(&mut stream, "431 Request Header Fields Too Large", "", b"").await;
        }
    }
    let head = String::from_utf8_lossy(&buf);
    let mut parts = head.lines().next().unwrap_or("").split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = path.split('?').next().unwrap_or("");
    const TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";
    match (method, path) {
        ("GET" | "HEAD", "/metrics") => match expo.current() {
            Some(text) => {
                let body = if method == "HEAD" {
                    b"" as &[u8]
                } else {
                    text.as_bytes()
                };
                respond_len(&mut stream, "200 OK", TEXT, body, text.len()).await
            }
            None => {
                respond(
                    &mut stream,
                    "503 Service Unavailable",
                    "text/plain",
                    b"no poll cycle has completed yet\n",
                )
                .await
            }
        },
        ("GET" | "HEAD", _) => {
            respond(
                &mut stream,
                "404 Not Found",
                "text/plain",
                b"not found; try /metrics\n",
            )
            .await
        }
        _ => respond(&mut stream, "405 Method Not Allowed", "text/plain", b"").await,
    }
}

async fn respond(s: &mut TcpStream, status: &str, ty: &str, body: &[u8]) -> std::io::Result<()> {
    respond_len(s, status, ty, body, body.len()).await
}

async fn respond_len(
    s: &mut TcpStream,
    status: &str,
    ty: &str,
    body: &[u8],
    len: usize,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status}\r\nContent-Length: {len}\r\nConnection: close\r\n");
    if !ty.is_empty() {
        let _ = write!(head, "Content-Type: {ty}\r\n");
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).await?;
    s.write_all(body).await?;
    s.shutdown().await
}
