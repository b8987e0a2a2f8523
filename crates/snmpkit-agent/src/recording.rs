//! Recordings an agent replays: `snmpwalk -On` text and snmpsim's `.snmprec`.
//!
//! # Formats
//!
//! **Walk text** is what `snmpwalk -On` (also `snmpbulkwalk`, `snmpget`, `snmpkit walk -On`)
//! prints, with or without MIBs loaded:
//! - every value type: `INTEGER: 5`, `INTEGER: up(1)`, `INTEGER: 5 seconds` (units),
//!   `STRING: "quoted"` (net-snmp's `\"` and `\\` escapes; the string may span lines),
//!   `STRING: unquoted` (a DISPLAY-HINT rendering: reversed through the hint of the built-in
//!   MIBs, e.g. `STRING: 2026-11-28,8:34:47.0,+0:0` for a DateAndTime; for objects they do not
//!   describe, six or eight `:`-separated groups of one or two lowercase hex digits are taken
//!   as a MAC address, `1x:`; anything else is the text itself), `""`,
//!   `Hex-STRING: 00 01 …` (wrapped over several lines after 16 octets), `OID: .1.3.6.1`,
//!   `IpAddress: 10.0.0.1`, `Network Address: 0A:00:00:01`, `Counter32:`, `Counter64:`,
//!   `Gauge32:`, `Timeticks: (123) 0:00:01.23`, `Opaque: Float: 1.5` (also `Double:`, `Int64:`,
//!   `UInt64:`, `Counter64:`), `OPAQUE: 01 02`, `BITS: 80 up(0)`, `NULL`, and a bare number
//!   (net-snmp's rendering of [APPLICATION 7] UInteger32);
//! - `Wrong Type (should be …): ` and `(Bad hint ignored: …) ` prefixes are dropped;
//! - `No Such Object…`, `No Such Instance…` and `No more variables left in this MIB View…`
//!   lines are not data and are skipped;
//! - `Variable has bad type` cannot be replayed (the type is not in the text): the line is
//!   skipped and counted in [`Recording::warnings`];
//! - OIDs are numeric (`-On`); names the built-in MIBs resolve (`SNMPv2-MIB::sysName.0`) are
//!   accepted too. Blank lines are ignored.
//!
//! Opaque Float and Double both print as `Opaque: Float: %f`, so they are replayed as a Float
//! with the printed value: net-snmp prints the replayed value exactly as recorded.
//!
//! **`.snmprec`** (snmpsim): one `OID|TAG|VALUE` per line, `#` comments. Tags are the BER tag
//! numbers in decimal: 2 INTEGER, 4 OCTET STRING, 5 NULL, 6 OBJECT IDENTIFIER, 64 IpAddress,
//! 65 Counter32, 66 Gauge32, 67 TimeTicks, 68 Opaque, 70 Counter64, and the exceptions
//! 128 noSuchObject, 129 noSuchInstance, 130 endOfMibView (kept as exception values: a Get
//! of that OID answers the exception, a GetNext passes over it). A tag ending in `x` (`4x`,
//! `64x`, `68x`) carries its value in hex. Variation modules (`2:numeric`, `4:writecache`) are
//! refused with an error naming the line: their behaviour is code, not data.
//!
//! **A directory** holds one recording per file, served under the community and the v3
//! context named after the file's stem (`public.snmprec` → `public`), as snmpsim does. Files
//! ending in `.snmprec` are `.snmprec`; files ending in `.snmpwalk`, `.walk` or `.txt` are walk
//! text; other files and subdirectories are ignored. Two files with the same stem are an error.
//!
//! # Order and duplicates
//! Varbinds are returned sorted by OID. A repeated OID with the same value is accepted once
//! (concatenated walks overlap); a repeated OID with a different value is an error naming both
//! lines, since either choice would silently serve data nobody recorded.
//!
//! # Errors and limits
//! Every problem is a [`RecordingError`] whose Display is `FILE:LINE: what is wrong`. Lines
//! longer than [`MAX_LINE`] and values longer than [`MAX_VALUE`] octets (no SNMP message can
//! carry more) are errors, so a corrupt file cannot make the parser grow without bound.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use snmpkit::mib::{BaseType, Mib};
use snmpkit::{Oid, Value, VarBind};

/// The longest line accepted, in bytes.
pub const MAX_LINE: usize = 256 * 1024;

/// The longest value accepted, in octets (a UDP datagram cannot carry more).
pub const MAX_VALUE: usize = 65_535;

/// The file extensions read from a directory, and the format each one means.
pub const EXTENSIONS: &[(&str, Format)] = &[
    ("snmprec", Format::Snmprec),
    ("snmpwalk", Format::WalkText),
    ("walk", Format::WalkText),
    ("txt", Format::WalkText),
];

/// The two recording formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The text `snmpwalk -On` prints.
    WalkText,
    /// snmpsim's `OID|TAG|VALUE` lines.
    Snmprec,
}

/// One recording: the varbinds of one device, sorted by OID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recording {
    /// The community and v3 context it is served under (the file stem, for a file found in a
    /// directory); `None` for a file given directly, which serves every community.
    pub name: Option<String>,
    /// The file it was read from.
    pub source: PathBuf,
    /// The recorded varbinds, sorted by OID, each OID once. Values may be the v2 exceptions
    /// (from `.snmprec` tags 128–130).
    pub varbinds: Vec<VarBind>,
    /// Lines that were skipped although they looked like data (`FILE:LINE: why`).
    pub warnings: Vec<String>,
}

/// Why a recording could not be loaded. Display is `FILE:LINE: what is wrong` (or
/// `FILE: what is wrong` for problems with the file as a whole).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordingError {
    /// The file or directory could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A line could not be parsed.
    #[error("{}:{line}: {message}", file.display())]
    Syntax {
        /// The file.
        file: PathBuf,
        /// The 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Something is wrong with the file or directory as a whole.
    #[error("{}: {message}", path.display())]
    Invalid {
        /// The file or directory.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

impl RecordingError {
    fn syntax(file: &Path, line: usize, message: impl Into<String>) -> Self {
        RecordingError::Syntax {
            file: file.to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

/// Loads a recording file, or every recording in a directory (see the module docs).
pub fn load(path: &Path) -> Result<Vec<Recording>, RecordingError> {
    let meta = std::fs::metadata(path).map_err(|source| RecordingError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        let format = match format_of(path) {
            Some(f) => f,
            None => sniff(path)?,
        };
        return Ok(vec![load_file(path, format, None)?]);
    }
    let io = |source| RecordingError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).map_err(io)? {
        let p = entry.map_err(io)?.path();
        if p.is_file() {
            if let Some(format) = format_of(&p) {
                files.push((p, format));
            }
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    if files.is_empty() {
        return Err(RecordingError::Invalid {
            path: path.to_path_buf(),
            message: "no recordings here (files ending in .snmprec, .snmpwalk, .walk or .txt)"
                .into(),
        });
    }
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut out = Vec::with_capacity(files.len());
    for (p, format) in files {
        let stem = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(first) = seen.insert(stem.clone(), p.clone()) {
            return Err(RecordingError::Invalid {
                path: p,
                message: format!("community {stem:?} is also recorded in {}", first.display()),
            });
        }
        out.push(load_file(&p, format, Some(stem))?);
    }
    Ok(out)
}

/// The format a file's extension names, if it is one of [`EXTENSIONS`].
pub fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    EXTENSIONS.iter().find(|(e, _)| *e == ext).map(|(_, f)| *f)
}

/// Guesses the format of a file with another extension from its first data line: `OID|TAG|`
/// is `.snmprec`, anything else walk text.
fn sniff(path: &Path) -> Result<Format, RecordingError> {
    let f = std::fs::File::open(path).map_err(|source| RecordingError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut lines = CappedLines::new(BufReader::new(f), path);
    while let Some((_, line)) = lines.next_line()? {
        let t = trim_ascii(line);
        if t.is_empty() || t.starts_with(b"#") {
            continue;
        }
        let looks_snmprec = !contains(t, b" = ")
            && t.iter().filter(|&&b| b == b'|').count() >= 2
            && t.first().is_some_and(|b| b.is_ascii_digit() || *b == b'.');
        return Ok(if looks_snmprec {
            Format::Snmprec
        } else {
            Format::WalkText
        });
    }
    Ok(Format::WalkText)
}

/// Reads one file in `format`, served under `name`.
pub fn load_file(
    path: &Path,
    format: Format,
    name: Option<String>,
) -> Result<Recording, RecordingError> {
    let f = std::fs::File::open(path).map_err(|source| RecordingError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut lines = CappedLines::new(BufReader::new(f), path);
    let mut rec = match format {
        Format::WalkText => {
            let mut p = WalkParser::new(path);
            while let Some((n, line)) = lines.next_line()? {
                p.push(n, line)?;
            }
            p.finish()?
        }
        Format::Snmprec => {
            let mut p = SnmprecParser::new(path);
            while let Some((n, line)) = lines.next_line()? {
                p.push(n, line)?;
            }
            p.finish()?
        }
    };
    rec.name = name;
    Ok(rec)
}

/// Parses walk text held in memory; `file` names it in errors.
pub fn parse_walk_text(text: &[u8], file: &Path) -> Result<Recording, RecordingError> {
    let mut p = WalkParser::new(file);
    let mut lines = CappedLines::new(text, file);
    while let Some((n, line)) = lines.next_line()? {
        p.push(n, line)?;
    }
    p.finish()
}

/// Parses `.snmprec` text held in memory; `file` names it in errors.
pub fn parse_snmprec(text: &[u8], file: &Path) -> Result<Recording, RecordingError> {
    let mut p = SnmprecParser::new(file);
    let mut lines = CappedLines::new(text, file);
    while let Some((n, line)) = lines.next_line()? {
        p.push(n, line)?;
    }
    p.finish()
}

// ---------------------------------------------------------------------------------------------
// Lines, with a length cap.

/// Reads `\n`-terminated lines (the `\n` removed) without ever buffering more than
/// [`MAX_LINE`] bytes.
struct CappedLines<'a, R> {
    reader: R,
    file: &'a Path,
    buf: Vec<u8>,
    line: usize,
}

impl<'a, R: BufRead> CappedLines<'a, R> {
    fn new(reader: R, file: &'a Path) -> Self {
        CappedLines {
            reader,
            file,
            buf: Vec::new(),
            line: 0,
        }
    }

    fn next_line(&mut self) -> Result<Option<(usize, &[u8])>, RecordingError> {
        self.buf.clear();
        self.line += 1;
        let limit = (MAX_LINE + 1) as u64;
        let n = (&mut self.reader)
            .take(limit)
            .read_until(b'\n', &mut self.buf)
            .map_err(|source| RecordingError::Io {
                path: self.file.to_path_buf(),
                source,
            })?;
        if n == 0 {
            return Ok(None);
        }
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
        } else if self.buf.len() > MAX_LINE {
            return Err(RecordingError::syntax(
                self.file,
                self.line,
                format!("line longer than {MAX_LINE} bytes"),
            ));
        }
        Ok(Some((self.line, &self.buf)))
    }
}

// ---------------------------------------------------------------------------------------------
// Collecting varbinds: order and duplicates.

struct Collected<'a> {
    file: &'a Path,
    items: Vec<(VarBind, usize)>,
    warnings: Vec<String>,
}

impl<'a> Collected<'a> {
    fn new(file: &'a Path) -> Self {
        Collected {
            file,
            items: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn finish(mut self) -> Result<Recording, RecordingError> {
        // Stable: equal OIDs keep file order, so errors name the later line.
        self.items.sort_by(|a, b| a.0.oid.cmp(&b.0.oid));
        let mut out: Vec<VarBind> = Vec::with_capacity(self.items.len());
        let mut prev_line = 0;
        for (vb, line) in self.items {
            if let Some(last) = out.last() {
                if last.oid == vb.oid {
                    if last.value != vb.value {
                        return Err(RecordingError::syntax(
                            self.file,
                            line,
                            format!(
                                "{} is recorded twice with different values (also line {prev_line})",
                                vb.oid
                            ),
                        ));
                    }
                    continue;
                }
            }
            prev_line = line;
            out.push(vb);
        }
        Ok(Recording {
            name: None,
            source: self.file.to_path_buf(),
            varbinds: out,
            warnings: self.warnings,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// .snmprec

struct SnmprecParser<'a> {
    c: Collected<'a>,
}

impl<'a> SnmprecParser<'a> {
    fn new(file: &'a Path) -> Self {
        SnmprecParser {
            c: Collected::new(file),
        }
    }

    fn push(&mut self, n: usize, raw: &[u8]) -> Result<(), RecordingError> {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        let t = trim_ascii(line);
        if t.is_empty() || t.starts_with(b"#") {
            return Ok(());
        }
        let err = |m: String| RecordingError::syntax(self.c.file, n, m);
        let mut parts = line.splitn(3, |&b| b == b'|');
        let (Some(oid), Some(tag), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(err("expected OID|TAG|VALUE".into()));
        };
        let oid = parse_numeric_oid(trim_ascii(oid)).map_err(&err)?;
        let tag = std::str::from_utf8(trim_ascii(tag)).map_err(|_| err("bad tag".into()))?;
        let value = snmprec_value(tag, value).map_err(err)?;
        self.c.items.push((VarBind::new(oid, value), n));
        Ok(())
    }

    fn finish(self) -> Result<Recording, RecordingError> {
        self.c.finish()
    }
}

fn snmprec_value(tag: &str, value: &[u8]) -> Result<Value, String> {
    if let Some((t, module)) = tag.split_once(':') {
        return Err(format!(
            "tag {t} uses snmpsim's variation module {module:?}, which is not supported: \
             record the value it should return instead"
        ));
    }
    let (num, hex) = match tag.strip_suffix(['x', 'X']) {
        Some(n) => (n, true),
        None => (tag, false),
    };
    let num: u32 = num
        .parse()
        .map_err(|_| format!("bad tag {tag:?}: expected a number such as 2, 4 or 4x"))?;
    let bytes = || -> Result<Vec<u8>, String> {
        if hex {
            decode_hex_plain(trim_ascii(value))
                .ok_or_else(|| format!("bad hex value {:?}", String::from_utf8_lossy(value)))
        } else {
            Ok(value.to_vec())
        }
    };
    let text = || -> Result<&str, String> {
        if hex {
            return Err(format!("tag {tag}: hex values are for tags 4, 64 and 68"));
        }
        std::str::from_utf8(trim_ascii(value))
            .map_err(|_| format!("tag {num}: the value is not text"))
    };
    let number = |what: &str| -> Result<u64, String> {
        let t = text()?;
        t.parse::<u64>()
            .map_err(|_| format!("bad {what} value {t:?}"))
    };
    let checked = |v: Value| -> Result<Value, String> {
        match &v {
            Value::OctetString(b) | Value::Opaque(b) if b.len() > MAX_VALUE => {
                Err(format!("value longer than {MAX_VALUE} octets"))
            }
            _ => Ok(v),
        }
    };
    let v = match num {
        2 => {
            let t = text()?;
            let i: i64 = t.parse().map_err(|_| format!("bad INTEGER value {t:?}"))?;
            if !(i64::from(i32::MIN)..=i64::from(u32::MAX)).contains(&i) {
                return Err(format!("INTEGER value {t} out of range"));
            }
            Value::Integer(i)
        }
        4 => Value::OctetString(bytes()?),
        5 => Value::Null,
        6 => {
            let t = text()?;
            Value::ObjectIdentifier(parse_numeric_oid(t.as_bytes())?)
        }
        64 => {
            let b = if hex {
                bytes()?
            } else {
                let t = text()?;
                t.parse::<std::net::Ipv4Addr>()
                    .map_err(|_| format!("bad IpAddress value {t:?}"))?
                    .octets()
                    .to_vec()
            };
            Value::IpAddress(
                b.as_slice()
                    .try_into()
                    .map_err(|_| format!("IpAddress needs 4 octets, got {}", b.len()))?,
            )
        }
        65 => Value::Counter32(to_u32(number("Counter32")?, "Counter32")?),
        66 => Value::Gauge32(to_u32(number("Gauge32")?, "Gauge32")?),
        67 => Value::TimeTicks(to_u32(number("TimeTicks")?, "TimeTicks")?),
        68 => Value::Opaque(bytes()?),
        70 => Value::Counter64(number("Counter64")?),
        128 => Value::NoSuchObject,
        129 => Value::NoSuchInstance,
        130 => Value::EndOfMibView,
        other => return Err(format!("unknown tag {other}")),
    };
    checked(v)
}

fn to_u32(v: u64, what: &str) -> Result<u32, String> {
    u32::try_from(v).map_err(|_| format!("{what} value {v} out of range"))
}

// ---------------------------------------------------------------------------------------------
// Walk text

/// A value being read, possibly over several lines.
struct Pending {
    oid: Oid,
    line: usize,
    kind: Pending2,
}

enum Pending2 {
    /// Inside `STRING: "...`: the bytes so far (unescaped).
    Quoted(Vec<u8>),
    /// Hex octets (`Hex-STRING:`, `OPAQUE:`, `BITS:`), possibly wrapped; the text so far.
    Wrapped(&'static str, Vec<u8>),
    /// An unquoted (display-hinted) string, possibly spanning lines.
    Unquoted(Vec<u8>),
}

struct WalkParser<'a> {
    c: Collected<'a>,
    pending: Option<Pending>,
    mib: Option<Mib>,
}

impl<'a> WalkParser<'a> {
    fn new(file: &'a Path) -> Self {
        WalkParser {
            c: Collected::new(file),
            pending: None,
            mib: None,
        }
    }

    fn err(&self, line: usize, m: impl Into<String>) -> RecordingError {
        RecordingError::syntax(self.c.file, line, m)
    }

    fn mib(&mut self) -> &Mib {
        self.mib.get_or_insert_with(Mib::builtin)
    }

    fn push(&mut self, n: usize, line: &[u8]) -> Result<(), RecordingError> {
        // Continuation of a multi-line value?
        if let Some(p) = self.pending.as_mut() {
            match &mut p.kind {
                Pending2::Quoted(buf) => {
                    buf.push(b'\n');
                    match scan_quoted(line, buf) {
                        Some(_rest) => {
                            let p = self.pending.take();
                            if let Some(p) = p {
                                self.complete(p)?;
                            }
                        }
                        None => {
                            if buf.len() > MAX_VALUE {
                                return Err(
                                    self.err(n, format!("value longer than {MAX_VALUE} octets"))
                                );
                            }
                        }
                    }
                    return Ok(());
                }
                Pending2::Wrapped(kind, buf) => {
                    // BITS ends with the names of the set bits, after the wrapped octets.
                    let more = if *kind == "BITS" {
                        !trim_ascii(line).is_empty()
                    } else {
                        is_hex_line(line)
                    };
                    if !is_varbind_start(line) && more {
                        buf.push(b' ');
                        buf.extend_from_slice(line);
                        if buf.len() > 4 * MAX_VALUE {
                            return Err(
                                self.err(n, format!("value longer than {MAX_VALUE} octets"))
                            );
                        }
                        return Ok(());
                    }
                }
                Pending2::Unquoted(buf) => {
                    if !is_varbind_start(line) && !is_skip_line(line) {
                        buf.push(b'\n');
                        buf.extend_from_slice(line);
                        if buf.len() > 4 * MAX_VALUE {
                            return Err(
                                self.err(n, format!("value longer than {MAX_VALUE} octets"))
                            );
                        }
                        return Ok(());
                    }
                }
            }
            if let Some(p) = self.pending.take() {
                self.complete(p)?;
            }
        }
        let t = trim_ascii(line);
        if t.is_empty() {
            return Ok(());
        }
        let Some(eq) = find(line, b" = ") else {
            if t.starts_with(b"#") {
                return Ok(());
            }
            return Err(self.err(
                n,
                format!(
                    "not a varbind line (expected `OID = TYPE: VALUE` as snmpwalk -On prints): {}",
                    preview(t)
                ),
            ));
        };
        let oid_text = trim_ascii(&line[..eq]);
        let oid = self.oid(oid_text).map_err(|m| self.err(n, m))?;
        let rest = &line[eq + 3..];
        self.value(n, oid, rest)
    }

    fn oid(&mut self, text: &[u8]) -> Result<Oid, String> {
        if text
            .first()
            .is_some_and(|b| *b == b'.' || b.is_ascii_digit())
        {
            return parse_numeric_oid(text);
        }
        let s = std::str::from_utf8(text).map_err(|_| "bad OID".to_string())?;
        self.mib().resolve(s).map_err(|_| {
            format!("unknown object {s:?}: record with snmpwalk -On so OIDs are numeric")
        })
    }

    /// Parses the value part of a varbind line (after ` = `).
    fn value(&mut self, n: usize, oid: Oid, rest: &[u8]) -> Result<(), RecordingError> {
        let mut rest = rest;
        // Prefixes net-snmp puts before a value printed by its own type.
        loop {
            if let Some(r) = rest.strip_prefix(b"Wrong Type (should be ") {
                match find(r, b"): ") {
                    Some(i) => rest = &r[i + 3..],
                    None => return Err(self.err(n, "unterminated `Wrong Type (...)`")),
                }
            } else if let Some(r) = rest.strip_prefix(b"(Bad hint ignored: ") {
                match find(r, b") ") {
                    Some(i) => rest = &r[i + 2..],
                    None => return Err(self.err(n, "unterminated `(Bad hint ignored: ...)`")),
                }
            } else {
                break;
            }
        }
        let body = trim_ascii(rest);
        if is_exception_text(body) {
            return Ok(());
        }
        if body == b"Variable has bad type" {
            self.c.warnings.push(format!(
                "{}:{n}: {oid}: skipped, net-snmp printed \"Variable has bad type\" (the type is unknown)",
                self.c.file.display()
            ));
            return Ok(());
        }
        if body == b"\"\"" {
            return self.add(n, oid, Value::OctetString(Vec::new()));
        }
        if body == b"NULL" {
            return self.add(n, oid, Value::Null);
        }
        if !body.is_empty() && body.iter().all(u8::is_ascii_digit) {
            // [APPLICATION 7] UInteger32 prints as a bare number.
            let v: u64 = parse_ascii(body).ok_or_else(|| self.err(n, "bad number"))?;
            let v = to_u32(v, "UInteger32").map_err(|m| self.err(n, m))?;
            let be = v.to_be_bytes();
            let skip = be.iter().take(3).take_while(|&&b| b == 0).count();
            let mut data = be[skip..].to_vec();
            if data[0] & 0x80 != 0 {
                data.insert(0, 0);
            }
            return self.add(n, oid, Value::Unknown { tag: 0x47, data });
        }
        let Some(colon) = find(rest, b": ").or_else(|| {
            // `STRING:` with an empty hinted value ends the line right after the colon.
            rest.ends_with(b":").then(|| rest.len() - 1)
        }) else {
            return Err(self.err(n, format!("no value type in {}", preview(body))));
        };
        let ty = &rest[..colon];
        let val = rest.get(colon + 2..).unwrap_or(&[]);
        let bad = |s: &Self, what: &str| {
            s.err(n, format!("bad {what} value: {}", preview(trim_ascii(val))))
        };
        let v = match ty {
            b"STRING" => {
                if let Some(q) = val.strip_prefix(b"\"") {
                    let mut buf = Vec::new();
                    if scan_quoted(q, &mut buf).is_some() {
                        Value::OctetString(buf)
                    } else {
                        self.pending = Some(Pending {
                            oid,
                            line: n,
                            kind: Pending2::Quoted(buf),
                        });
                        return Ok(());
                    }
                } else {
                    self.pending = Some(Pending {
                        oid,
                        line: n,
                        kind: Pending2::Unquoted(val.to_vec()),
                    });
                    return Ok(());
                }
            }
            b"Hex-STRING" | b"OPAQUE" | b"BITS" => {
                let kind: &'static str = match ty {
                    b"Hex-STRING" => "Hex-STRING",
                    b"OPAQUE" => "OPAQUE",
                    _ => "BITS",
                };
                self.pending = Some(Pending {
                    oid,
                    line: n,
                    kind: Pending2::Wrapped(kind, val.to_vec()),
                });
                return Ok(());
            }
            b"INTEGER" => {
                let node_hint = self.integer_hint(&oid);
                Value::Integer(
                    parse_integer(val, node_hint.as_deref()).ok_or_else(|| bad(self, "INTEGER"))?,
                )
            }
            b"Counter32" => {
                Value::Counter32(first_number(val).ok_or_else(|| bad(self, "Counter32"))?)
            }
            b"Gauge32" | b"Unsigned32" => {
                let node_hint = self.integer_hint(&oid);
                let v = parse_integer(val, node_hint.as_deref())
                    .and_then(|v| u32::try_from(v).ok())
                    .ok_or_else(|| bad(self, "Gauge32"))?;
                Value::Gauge32(v)
            }
            b"Counter64" => Value::Counter64(
                first_token(val)
                    .and_then(parse_ascii::<u64>)
                    .ok_or_else(|| bad(self, "Counter64"))?,
            ),
            b"Timeticks" => {
                let t = trim_ascii(val);
                let inner = t
                    .strip_prefix(b"(")
                    .and_then(|r| find(r, b")").map(|i| &r[..i]))
                    .unwrap_or(t);
                Value::TimeTicks(parse_ascii(inner).ok_or_else(|| bad(self, "Timeticks"))?)
            }
            b"IpAddress" => {
                let t = first_token(val).unwrap_or(&[]);
                let a: std::net::Ipv4Addr = std::str::from_utf8(t)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| bad(self, "IpAddress"))?;
                Value::IpAddress(a.octets())
            }
            b"Network Address" => {
                let t = first_token(val).unwrap_or(&[]);
                let b = std::str::from_utf8(t)
                    .ok()
                    .and_then(snmpkit::hex::decode_groups)
                    .filter(|b| b.len() == 4)
                    .ok_or_else(|| bad(self, "Network Address"))?;
                Value::IpAddress([b[0], b[1], b[2], b[3]])
            }
            b"OID" => {
                let t = first_token(val).unwrap_or(&[]);
                let o = self.oid(t).map_err(|m| self.err(n, m))?;
                Value::ObjectIdentifier(o)
            }
            b"Opaque" => {
                let (kind, num) = match find(val, b": ") {
                    Some(i) => (&val[..i], &val[i + 2..]),
                    None => return Err(bad(self, "Opaque")),
                };
                let num = first_token(num).unwrap_or(&[]);
                let s = std::str::from_utf8(num).unwrap_or("");
                match kind {
                    b"Float" | b"Double" => {
                        Value::from_type_letter("F", s).map_err(|_| bad(self, "Opaque Float"))?
                    }
                    b"Int64" => Value::from_type_letter("I", s).map_err(|_| bad(self, "Int64"))?,
                    b"UInt64" => {
                        Value::from_type_letter("U", s).map_err(|_| bad(self, "UInt64"))?
                    }
                    b"Counter64" => {
                        let u: u64 = s.parse().map_err(|_| bad(self, "Opaque Counter64"))?;
                        Value::Opaque(snmpkit::codec::opaque_unsigned(0x76, u))
                    }
                    _ => return Err(bad(self, "Opaque")),
                }
            }
            other => {
                return Err(self.err(
                    n,
                    format!("unknown value type {:?}", String::from_utf8_lossy(other)),
                ))
            }
        };
        self.add(n, oid, v)
    }

    fn add(&mut self, n: usize, oid: Oid, v: Value) -> Result<(), RecordingError> {
        if let Value::OctetString(b) | Value::Opaque(b) = &v {
            if b.len() > MAX_VALUE {
                return Err(self.err(n, format!("value longer than {MAX_VALUE} octets")));
            }
        }
        self.c.items.push((VarBind::new(oid, v), n));
        Ok(())
    }

    /// The integer DISPLAY-HINT of the object `oid` names, in the built-in MIBs.
    fn integer_hint(&mut self, oid: &Oid) -> Option<String> {
        let mib = self.mib();
        let node = mib.lookup(oid)?;
        node.display_hint().map(str::to_string)
    }

    fn complete(&mut self, p: Pending) -> Result<(), RecordingError> {
        let n = p.line;
        let v = match p.kind {
            Pending2::Quoted(bytes) => Value::OctetString(bytes),
            Pending2::Wrapped(kind, text) => {
                let tokens: Vec<&[u8]> = text
                    .split(|b| b.is_ascii_whitespace())
                    .filter(|t| !t.is_empty())
                    .collect();
                let hex_count = tokens.iter().take_while(|t| is_hex_pair(t)).count();
                let count = if kind == "BITS" {
                    // The octets are followed by the set bits' numbers (or `name(n)`); a bit
                    // number can look like an octet (`12`), so split where the counts agree.
                    (0..=hex_count)
                        .find(|&k| {
                            let ones: usize = tokens[..k]
                                .iter()
                                .filter_map(|t| hex_byte(t))
                                .map(|b| b.count_ones() as usize)
                                .sum();
                            ones == tokens.len() - k
                        })
                        .ok_or_else(|| {
                            self.err(n, "BITS: the octets and the bits listed disagree")
                        })?
                } else {
                    if hex_count != tokens.len() {
                        return Err(
                            self.err(n, format!("{kind}: expected hex octets such as `0A 1B`"))
                        );
                    }
                    hex_count
                };
                let bytes: Vec<u8> = tokens[..count].iter().filter_map(|t| hex_byte(t)).collect();
                if kind == "OPAQUE" {
                    Value::Opaque(bytes)
                } else {
                    Value::OctetString(bytes)
                }
            }
            Pending2::Unquoted(text) => Value::OctetString(self.unhint(&p.oid, text)),
        };
        self.add(n, p.oid, v)
    }

    /// Bytes of an unquoted `STRING:` value: net-snmp rendered them with the object's
    /// DISPLAY-HINT. With the hint from the built-in MIBs the rendering is reversed (and checked
    /// by rendering again); otherwise the text itself is the value, as for `255a`.
    fn unhint(&mut self, oid: &Oid, text: Vec<u8>) -> Vec<u8> {
        let mib = self.mib();
        let Some(node) = mib.lookup(oid) else {
            return unhint_unknown(text);
        };
        let mut text = text;
        if let Some(units) = node.units() {
            let suffix = format!(" {units}");
            if text.ends_with(suffix.as_bytes()) {
                text.truncate(text.len() - suffix.len());
            }
        }
        match node.base_type() {
            Some(BaseType::OctetString) => {}
            // A node above the object: the built-in MIBs do not describe it.
            None => return unhint_unknown(text),
            Some(_) => return text,
        }
        let Some(hint) = node.display_hint() else {
            return text;
        };
        match reverse_octet_hint(&text, hint) {
            Some(bytes)
                if snmpkit::format::display_octets(&bytes, hint, false).as_deref()
                    == std::str::from_utf8(&text).ok() =>
            {
                bytes
            }
            _ => text,
        }
    }

    fn finish(mut self) -> Result<Recording, RecordingError> {
        if let Some(p) = self.pending.take() {
            if let Pending2::Quoted(_) = p.kind {
                return Err(self.err(p.line, "unterminated quoted STRING"));
            }
            self.complete(p)?;
        }
        self.c.finish()
    }
}

/// An unquoted string of an object the built-in MIBs do not describe. Six or eight groups of
/// one or two lowercase hex digits separated by `:` (`2:fc:0:0:0:1`) are net-snmp's rendering
/// of a MAC address (`1x:`, PhysAddress and MacAddress in every MIB); anything else is text.
fn unhint_unknown(text: Vec<u8>) -> Vec<u8> {
    let groups: Vec<&[u8]> = text.split(|&b| b == b':').collect();
    let mac = matches!(groups.len(), 6 | 8)
        && groups.iter().all(|g| {
            (1..=2).contains(&g.len())
                && g.iter()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
        });
    if mac {
        if let Some(bytes) = reverse_octet_hint(&text, "1x:") {
            if snmpkit::format::display_octets(&bytes, "1x:", false).as_deref()
                == std::str::from_utf8(&text).ok()
            {
                return bytes;
            }
        }
    }
    text
}

/// Reads quoted-string content up to the closing unescaped `"`, unescaping `\"` and `\\`.
/// Returns what follows the quote, or None when the line ends first.
fn scan_quoted<'l>(line: &'l [u8], out: &mut Vec<u8>) -> Option<&'l [u8]> {
    let mut i = 0;
    while i < line.len() {
        match line[i] {
            b'\\' if matches!(line.get(i + 1), Some(b'"') | Some(b'\\')) => {
                out.push(line[i + 1]);
                i += 2;
            }
            b'"' => return Some(&line[i + 1..]),
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    None
}

/// Whether a line starts a new varbind: `OID = ...` with a numeric or `MODULE::` OID.
fn is_varbind_start(line: &[u8]) -> bool {
    let Some(eq) = find(line, b" = ") else {
        return false;
    };
    let oid = &line[..eq];
    !oid.is_empty()
        && !oid.iter().any(u8::is_ascii_whitespace)
        && (oid[0] == b'.' || oid[0].is_ascii_digit() || find(oid, b"::").is_some())
}

/// Lines that end a multi-line value without being one.
fn is_skip_line(line: &[u8]) -> bool {
    line.is_empty()
}

fn is_exception_text(body: &[u8]) -> bool {
    body.starts_with(b"No Such Object available")
        || body.starts_with(b"No Such Instance currently exists")
        || body.starts_with(b"No more variables left in this MIB View")
}

fn is_hex_pair(t: &[u8]) -> bool {
    t.len() == 2 && t.iter().all(u8::is_ascii_hexdigit)
}

fn hex_byte(t: &[u8]) -> Option<u8> {
    std::str::from_utf8(t)
        .ok()
        .and_then(|s| u8::from_str_radix(s, 16).ok())
}

fn is_hex_line(line: &[u8]) -> bool {
    let mut any = false;
    for t in line.split(|b| b.is_ascii_whitespace()) {
        if t.is_empty() {
            continue;
        }
        if !is_hex_pair(t) {
            return false;
        }
        any = true;
    }
    any
}

fn first_token(val: &[u8]) -> Option<&[u8]> {
    val.split(|b| b.is_ascii_whitespace())
        .find(|t| !t.is_empty())
}

fn first_number(val: &[u8]) -> Option<u32> {
    first_token(val).and_then(parse_ascii)
}

fn parse_ascii<T: std::str::FromStr>(t: &[u8]) -> Option<T> {
    std::str::from_utf8(t).ok()?.parse().ok()
}

/// `5`, `-3`, `up(1)`, `5 seconds`, or a number rendered with an integer DISPLAY-HINT.
fn parse_integer(val: &[u8], hint: Option<&str>) -> Option<i64> {
    let t = first_token(val)?;
    if let Some(open) = t.iter().rposition(|&b| b == b'(') {
        if t.ends_with(b")") && open > 0 {
            return parse_ascii(&t[open + 1..t.len() - 1]);
        }
    }
    if let Some(v) = parse_ascii::<i64>(t) {
        // A `d-N` hint prints a point; a plain number with a hint is ambiguous only for
        // `x`/`o`/`b`, which always print digits.
        if !matches!(
            hint.and_then(|h| h.bytes().next()),
            Some(b'x' | b'o' | b'b')
        ) {
            return Some(v);
        }
    }
    let hint = hint?;
    let s = std::str::from_utf8(t).ok()?;
    let v = match hint.as_bytes().first()? {
        b'd' => {
            let (neg, digits) = match s.strip_prefix('-') {
                Some(r) => (true, r),
                None => (false, s),
            };
            let joined: String = digits.chars().filter(|&c| c != '.').collect();
            let v: i64 = joined.parse().ok()?;
            if neg {
                -v
            } else {
                v
            }
        }
        b'x' => i64::from_str_radix(s, 16).ok()?,
        b'o' => i64::from_str_radix(s, 8).ok()?,
        b'b' => i64::from_str_radix(s, 2).ok()?,
        _ => return None,
    };
    // Only what renders back to the same text is the recorded value.
    (snmpkit::format::display_integer(v, hint, false).as_deref() == Some(s)
        || snmpkit::format::display_integer(v, hint, true).as_deref() == Some(s))
    .then_some(v)
}

/// Reverses an octet-string DISPLAY-HINT rendering (RFC 2579 §3.1, as net-snmp prints it).
/// Hints with `*` repeat counts are not reversed.
fn reverse_octet_hint(text: &[u8], hint: &str) -> Option<Vec<u8>> {
    struct Spec {
        width: usize,
        code: u8,
        separ: Option<u8>,
        term: Option<u8>,
    }
    let h = hint.as_bytes();
    if h.contains(&b'*') {
        return None;
    }
    let mut specs = Vec::new();
    let mut i = 0;
    while i < h.len() {
        let mut width = 0usize;
        while let Some(d) = h.get(i).filter(|c| c.is_ascii_digit()) {
            width = width.checked_mul(10)?.checked_add(usize::from(d - b'0'))?;
            i += 1;
        }
        let code = *h.get(i)?;
        i += 1;
        let delim =
            |c: u8| c != b'*' && !c.is_ascii_digit() && (width != 0 || !b"xdo".contains(&c));
        let separ = h.get(i).copied().filter(|&c| delim(c));
        if separ.is_some() {
            i += 1;
        }
        let term = h.get(i).copied().filter(|&c| delim(c));
        if term.is_some() {
            i += 1;
        }
        specs.push(Spec {
            width: width.max(1),
            code,
            separ,
            term,
        });
    }
    let mut out = Vec::new();
    let mut pos = 0usize;
    let mut k = 0usize;
    while pos < text.len() {
        let spec = specs.get(k.min(specs.len().checked_sub(1)?))?;
        k += 1;
        match spec.code {
            b'a' | b't' => {
                let end = pos.saturating_add(spec.width).min(text.len());
                // Stop at this item's separator, if it has one.
                let end = match spec.separ {
                    Some(s) => text[pos..end]
                        .iter()
                        .position(|&b| b == s)
                        .map_or(end, |i| pos + i),
                    None => end,
                };
                out.extend_from_slice(&text[pos..end]);
                pos = end;
            }
            b'x' | b'd' | b'o' => {
                let radix = match spec.code {
                    b'x' => 16,
                    b'd' => 10,
                    _ => 8,
                };
                let start = pos;
                while pos < text.len() && (text[pos] as char).is_digit(radix) {
                    pos += 1;
                }
                if pos == start {
                    return None;
                }
                let digits = std::str::from_utf8(&text[start..pos]).ok()?;
                let v = u64::from_str_radix(digits, radix).ok()?;
                if spec.width < 8 && v >> (8 * spec.width) != 0 {
                    return None;
                }
                let be = v.to_be_bytes();
                let w = spec.width.min(8);
                out.resize(out.len() + (spec.width - w), 0);
                out.extend_from_slice(&be[8 - w..]);
            }
            _ => return None,
        }
        if pos < text.len() {
            if let Some(s) = spec.separ {
                if text[pos] != s {
                    return None;
                }
                pos += 1;
            }
        }
        if pos < text.len() {
            if let Some(t) = spec.term {
                if text.get(pos) == Some(&t) {
                    pos += 1;
                }
            }
        }
        if out.len() > MAX_VALUE {
            return None;
        }
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

fn parse_numeric_oid(t: &[u8]) -> Result<Oid, String> {
    let s = std::str::from_utf8(t).map_err(|_| "bad OID".to_string())?;
    s.parse::<Oid>()
        .map_err(|e| format!("bad OID {}: {e}", preview(t)))
}

fn decode_hex_plain(t: &[u8]) -> Option<Vec<u8>> {
    if t.len() % 2 != 0 || t.len() > 2 * MAX_VALUE {
        return None;
    }
    t.chunks(2).map(hex_byte).collect()
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &b[start..end]
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle).is_some()
}

/// The start of a line for an error message (at most 60 characters).
fn preview(t: &[u8]) -> String {
    let s = String::from_utf8_lossy(t);
    let mut p: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        p.push('…');
    }
    format!("{p:?}")
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::WalkText => "walk text",
            Format::Snmprec => ".snmprec",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    fn walk(text: &str) -> Recording {
        parse_walk_text(text.as_bytes(), Path::new("r.walk")).unwrap()
    }

    fn walk_err(text: &str) -> String {
        parse_walk_text(text.as_bytes(), Path::new("r.walk"))
            .unwrap_err()
            .to_string()
    }

    fn value_of(r: &Recording, o: &str) -> Value {
        let o = oid(o);
        r.varbinds
            .iter()
            .find(|vb| vb.oid == o)
            .unwrap_or_else(|| panic!("{o} missing"))
            .value
            .clone()
    }

    #[test]
    fn every_value_type_as_snmpwalk_prints_it() {
        let text = "\
.1.3.6.1.9.1.0 = STRING: \"lab-router\"
.1.3.6.1.9.2.0 = \"\"
.1.3.6.1.9.3.0 = STRING: \"a\\\"b\\\\c
\"
.1.3.6.1.9.4.0 = Hex-STRING: 61 62 63 00 
.1.3.6.1.9.5.0 = Hex-STRING: 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 
10 11 
.1.3.6.1.9.6.0 = INTEGER: -1
.1.3.6.1.9.7.0 = INTEGER: up(1)
.1.3.6.1.9.8.0 = INTEGER: 64 seconds
.1.3.6.1.9.9.0 = NULL
.1.3.6.1.9.10.0 = OID: .1.3.6.1
.1.3.6.1.9.11.0 = IpAddress: 10.0.0.1
.1.3.6.1.9.12.0 = Network Address: C0:00:02:01
.1.3.6.1.9.13.0 = Counter32: 4294967295
.1.3.6.1.9.14.0 = Gauge32: 60000 milli-seconds
.1.3.6.1.9.15.0 = Timeticks: (8640000) 1 day, 0:00:00.00
.1.3.6.1.9.16.0 = Counter64: 18446744073709551615
.1.3.6.1.9.17.0 = Opaque: Float: 1.500000
.1.3.6.1.9.18.0 = Opaque: Int64: -1
.1.3.6.1.9.19.0 = Opaque: UInt64: 1
.1.3.6.1.9.20.0 = Opaque: Counter64: 7
.1.3.6.1.9.21.0 = OPAQUE: 01 02 03 
.1.3.6.1.9.22.0 = BITS: 00 08 12 
.1.3.6.1.9.23.0 = BITS: C0 getAndGetNext(0) set(1) 
.1.3.6.1.9.24.0 = No Such Object available on this agent at this OID
.1.3.6.1.9.25.0 = No Such Instance currently exists at this OID
.1.3.6.1.9.26.0 = 5
.1.3.6.1.9.27.0 = Wrong Type (should be INTEGER): STRING: \"x\"
.1.3.6.1.9.28.0 = STRING: plain text, hinted
.1.3.6.1.9.29.0 = STRING: 2:fc:0:0:0:1
.1.3.6.1.9.30.0 = Variable has bad type
.1.3.6.1.9.31.0 = OPAQUE: 
.1.3.6.1.9.31.0 = No more variables left in this MIB View (It is past the end of the MIB tree)
";
        let r = walk(text);
        let s = |b: &[u8]| Value::OctetString(b.to_vec());
        assert_eq!(value_of(&r, "1.3.6.1.9.1.0"), s(b"lab-router"));
        assert_eq!(value_of(&r, "1.3.6.1.9.2.0"), s(b""));
        assert_eq!(value_of(&r, "1.3.6.1.9.3.0"), s(b"a\"b\\c\n"));
        assert_eq!(value_of(&r, "1.3.6.1.9.4.0"), s(b"abc\0"));
        assert_eq!(
            value_of(&r, "1.3.6.1.9.5.0"),
            Value::OctetString((0..=0x11).collect())
        );
        assert_eq!(value_of(&r, "1.3.6.1.9.6.0"), Value::Integer(-1));
        assert_eq!(value_of(&r, "1.3.6.1.9.7.0"), Value::Integer(1));
        assert_eq!(value_of(&r, "1.3.6.1.9.8.0"), Value::Integer(64));
        assert_eq!(value_of(&r, "1.3.6.1.9.9.0"), Value::Null);
        assert_eq!(
            value_of(&r, "1.3.6.1.9.10.0"),
            Value::ObjectIdentifier(oid("1.3.6.1"))
        );
        assert_eq!(
            value_of(&r, "1.3.6.1.9.11.0"),
            Value::IpAddress([10, 0, 0, 1])
        );
        assert_eq!(
            value_of(&r, "1.3.6.1.9.12.0"),
            Value::IpAddress([192, 0, 2, 1])
        );
        assert_eq!(value_of(&r, "1.3.6.1.9.13.0"), Value::Counter32(u32::MAX));
        assert_eq!(value_of(&r, "1.3.6.1.9.14.0"), Value::Gauge32(60000));
        assert_eq!(value_of(&r, "1.3.6.1.9.15.0"), Value::TimeTicks(8_640_000));
        assert_eq!(value_of(&r, "1.3.6.1.9.16.0"), Value::Counter64(u64::MAX));
        assert_eq!(
            value_of(&r, "1.3.6.1.9.17.0"),
            Value::Opaque(vec![0x9f, 0x78, 4, 0x3f, 0xc0, 0, 0])
        );
        assert_eq!(
            value_of(&r, "1.3.6.1.9.18.0"),
            Value::Opaque(vec![0x9f, 0x7a, 1, 0xff])
        );
        assert_eq!(
            value_of(&r, "1.3.6.1.9.19.0"),
            Value::Opaque(vec![0x9f, 0x7b, 1, 1])
        );
        assert_eq!(
            value_of(&r, "1.3.6.1.9.20.0"),
            Value::Opaque(vec![0x9f, 0x76, 1, 7])
        );
        assert_eq!(value_of(&r, "1.3.6.1.9.21.0"), Value::Opaque(vec![1, 2, 3]));
        // Bit 12 is set in 00 08; "12" is its number, not a third octet.
        assert_eq!(
            value_of(&r, "1.3.6.1.9.22.0"),
            Value::OctetString(vec![0, 0x08])
        );
        assert_eq!(
            value_of(&r, "1.3.6.1.9.23.0"),
            Value::OctetString(vec![0xc0])
        );
        assert_eq!(
            value_of(&r, "1.3.6.1.9.26.0"),
            Value::Unknown {
                tag: 0x47,
                data: vec![5]
            }
        );
        assert_eq!(value_of(&r, "1.3.6.1.9.27.0"), s(b"x"));
        assert_eq!(value_of(&r, "1.3.6.1.9.28.0"), s(b"plain text, hinted"));
        assert_eq!(value_of(&r, "1.3.6.1.9.29.0"), s(&[2, 0xfc, 0, 0, 0, 1]));
        assert_eq!(value_of(&r, "1.3.6.1.9.31.0"), Value::Opaque(vec![]));
        // The exception lines are not data; bad type is skipped with a warning.
        assert_eq!(r.varbinds.len(), 28, "{:?}", r.varbinds);
        assert_eq!(r.warnings.len(), 1);
        assert!(r.warnings[0].starts_with("r.walk:32: "), "{:?}", r.warnings);
    }

    #[test]
    fn display_hints_of_the_builtin_mibs_are_reversed() {
        let r = walk(
            ".1.3.6.1.2.1.25.1.2.0 = STRING: 2026-11-28,8:34:47.0,+0:0
.1.3.6.1.2.1.2.2.1.6.2 = STRING: 16:3f:9d:6f:22:d7
.1.3.6.1.2.1.2.2.1.6.1 = STRING: 
.1.3.6.1.2.1.1.1.0 = STRING: Linux vm 6.18
second line of sysDescr
.1.3.6.1.2.1.2.2.1.7.2 = INTEGER: down(2)
SNMPv2-MIB::sysName.0 = STRING: named
",
        );
        assert_eq!(
            value_of(&r, "1.3.6.1.2.1.25.1.2.0"),
            Value::OctetString(vec![0x07, 0xea, 11, 28, 8, 34, 47, 0, b'+', 0, 0])
        );
        assert_eq!(
            value_of(&r, "1.3.6.1.2.1.2.2.1.6.2"),
            Value::OctetString(vec![0x16, 0x3f, 0x9d, 0x6f, 0x22, 0xd7])
        );
        assert_eq!(
            value_of(&r, "1.3.6.1.2.1.2.2.1.6.1"),
            Value::OctetString(vec![])
        );
        assert_eq!(
            value_of(&r, "1.3.6.1.2.1.1.1.0"),
            Value::OctetString(b"Linux vm 6.18\nsecond line of sysDescr".to_vec())
        );
        assert_eq!(value_of(&r, "1.3.6.1.2.1.2.2.1.7.2"), Value::Integer(2));
        assert_eq!(
            value_of(&r, "1.3.6.1.2.1.1.5.0"),
            Value::OctetString(b"named".to_vec())
        );
    }

    #[test]
    fn sorted_and_duplicates() {
        let r = walk(".1.3.6.1.2 = INTEGER: 2\n.1.3.6.1.1 = INTEGER: 1\n.1.3.6.1.2 = INTEGER: 2\n");
        assert_eq!(
            r.varbinds,
            vec![
                VarBind::new(oid("1.3.6.1.1"), Value::Integer(1)),
                VarBind::new(oid("1.3.6.1.2"), Value::Integer(2)),
            ]
        );
        assert_eq!(
            walk_err(".1.3.6.1.2 = INTEGER: 2\n\n.1.3.6.1.2 = INTEGER: 3\n"),
            "r.walk:3: 1.3.6.1.2 is recorded twice with different values (also line 1)"
        );
    }

    #[test]
    fn walk_errors_name_file_and_line() {
        for (text, want) in [
            (
                ".1.3.6.1 = INTEGER: 1\nTimeout: No Response from x\n",
                "r.walk:2: not a varbind line",
            ),
            (".1.3.6.1 = INTEGER: x\n", "r.walk:1: bad INTEGER value"),
            (
                ".1.3.6.1 = Counter32: -1\n",
                "r.walk:1: bad Counter32 value",
            ),
            (
                ".1.3.6.1 = Gauge32: 4294967296\n",
                "r.walk:1: bad Gauge32 value",
            ),
            (
                ".1.3.6.1 = IpAddress: 1.2.3\n",
                "r.walk:1: bad IpAddress value",
            ),
            (
                ".1.3.6.1 = Hex-STRING: 0G\n",
                "r.walk:1: Hex-STRING: expected hex octets",
            ),
            (
                ".1.3.6.1 = BITS: 80 1 2\n",
                "r.walk:1: BITS: the octets and the bits",
            ),
            (
                ".1.3.6.1 = Frobs: 1\n",
                "r.walk:1: unknown value type \"Frobs\"",
            ),
            (
                "\n.1.3.6.1 = STRING: \"abc\n",
                "r.walk:2: unterminated quoted STRING",
            ),
            ("1.3.x = INTEGER: 1\n", "r.walk:1: bad OID"),
            (
                "noSuchName.0 = INTEGER: 1\n",
                "r.walk:1: unknown object \"noSuchName.0\"",
            ),
            (
                ".1.3.6.1 = Opaque: Float: x\n",
                "r.walk:1: bad Opaque Float value",
            ),
        ] {
            let e = walk_err(text);
            assert!(e.starts_with(want), "{text:?}: {e}");
        }
    }

    #[test]
    fn long_lines_and_values_are_refused() {
        let long = format!(".1.3.6.1 = STRING: \"{}\"\n", "a".repeat(MAX_LINE));
        assert_eq!(
            walk_err(&long),
            format!("r.walk:1: line longer than {MAX_LINE} bytes")
        );
        // A quoted string over many lines is bounded too.
        let mut many = String::from(".1.3.6.1 = STRING: \"");
        for _ in 0..(MAX_VALUE / 1000 + 2) {
            many.push_str(&"b".repeat(1000));
            many.push('\n');
        }
        assert!(walk_err(&many).contains("value longer than 65535 octets"));
        let hex = format!(".1.3.6.1 = Hex-STRING: {}\n", "00 ".repeat(MAX_VALUE + 1));
        assert!(walk_err(&hex).contains("value longer than 65535 octets"));
    }

    fn rec(text: &str) -> Result<Recording, String> {
        parse_snmprec(text.as_bytes(), Path::new("public.snmprec")).map_err(|e| e.to_string())
    }

    #[test]
    fn snmprec_tags() {
        let r = rec("\
# a comment
1.3.6.1.2.1.1.1.0|4|Cisco IOS | pipes kept
1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.9.1.1
1.3.6.1.2.1.1.3.0|67|123456
1.3.6.1.2.1.2.2.1.6.1|4x|0011223344ff
1.3.6.1.2.1.2.2.1.7.1|2|-5
1.3.6.1.2.1.4.20.1.1.10.0.0.1|64|10.0.0.1
1.3.6.1.2.1.4.20.1.1.10.0.0.2|64x|0a000002
1.3.6.1.2.1.2.2.1.10.1|65|4294967295
1.3.6.1.2.1.2.2.1.5.1|66|1000000000
1.3.6.1.2.1.31.1.1.1.6.1|70|18446744073709551615
1.3.6.1.4.1.1.1|68x|9f780400000000
1.3.6.1.4.1.1.2|5|
1.3.6.1.4.1.1.3|128|
1.3.6.1.4.1.1.4|129|
1.3.6.1.4.1.1.5|130|\r
")
        .unwrap();
        assert_eq!(r.varbinds.len(), 15);
        assert_eq!(
            value_of(&r, "1.3.6.1.2.1.1.1.0"),
            Value::OctetString(b"Cisco IOS | pipes kept".to_vec())
        );
        assert_eq!(
            value_of(&r, "1.3.6.1.2.1.2.2.1.6.1"),
            Value::OctetString(vec![0, 0x11, 0x22, 0x33, 0x44, 0xff])
        );
        assert_eq!(value_of(&r, "1.3.6.1.2.1.2.2.1.7.1"), Value::Integer(-5));
        assert_eq!(
            value_of(&r, "1.3.6.1.2.1.4.20.1.1.10.0.0.2"),
            Value::IpAddress([10, 0, 0, 2])
        );
        assert_eq!(value_of(&r, "1.3.6.1.2.1.1.3.0"), Value::TimeTicks(123456));
        assert_eq!(value_of(&r, "1.3.6.1.4.1.1.2"), Value::Null);
        assert_eq!(value_of(&r, "1.3.6.1.4.1.1.3"), Value::NoSuchObject);
        assert_eq!(value_of(&r, "1.3.6.1.4.1.1.5"), Value::EndOfMibView);
        assert!(r.varbinds.windows(2).all(|w| w[0].oid < w[1].oid));
    }

    #[test]
    fn snmprec_errors() {
        for (text, want) in [
            (
                "1.3.6.1|2:numeric|1\n",
                "public.snmprec:1: tag 2 uses snmpsim's variation module \"numeric\"",
            ),
            ("1.3.6.1|2\n", "public.snmprec:1: expected OID|TAG|VALUE"),
            ("\n1.3.6.1|99|1\n", "public.snmprec:2: unknown tag 99"),
            ("1.3.6.1|4x|0g\n", "public.snmprec:1: bad hex value"),
            (
                "1.3.6.1|2x|00\n",
                "public.snmprec:1: tag 2x: hex values are for tags 4, 64 and 68",
            ),
            (
                "1.3.6.1|65|4294967296\n",
                "public.snmprec:1: Counter32 value 4294967296 out of range",
            ),
            (
                "1.3.6.1|64|10.0.0\n",
                "public.snmprec:1: bad IpAddress value",
            ),
            (
                "1.3.6.1|64x|0a00\n",
                "public.snmprec:1: IpAddress needs 4 octets, got 2",
            ),
            ("a.b|2|1\n", "public.snmprec:1: bad OID"),
            ("1.3.6.1|x|1\n", "public.snmprec:1: bad tag"),
        ] {
            let e = rec(text).unwrap_err();
            assert!(e.starts_with(want), "{text:?}: {e}");
        }
    }

    #[test]
    fn a_directory_serves_each_file_under_its_stem() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("public.snmprec"),
            "1.3.6.1.2.1.1.5.0|4|one\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("router2.walk"),
            ".1.3.6.1.2.1.1.5.0 = STRING: \"two\"\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("README.md"), "not a recording").unwrap();
        let recs = load(dir.path()).unwrap();
        let names: Vec<_> = recs.iter().map(|r| r.name.clone().unwrap()).collect();
        assert_eq!(names, ["public", "router2"]);
        assert_eq!(
            recs[1].varbinds[0].value,
            Value::OctetString(b"two".to_vec())
        );
        // A file given directly serves every community; its format is sniffed.
        let f = dir.path().join("device.data");
        std::fs::write(&f, "1.3.6.1.2.1.1.5.0|4|three\n").unwrap();
        let one = load(&f).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].name, None);
        assert_eq!(
            one[0].varbinds[0].value,
            Value::OctetString(b"three".to_vec())
        );
        // Same stem twice.
        std::fs::write(dir.path().join("public.txt"), "").unwrap();
        let e = load(dir.path()).unwrap_err().to_string();
        assert!(
            e.contains("community \"public\" is also recorded in"),
            "{e}"
        );
        // Errors inside a file of a directory name the file.
        std::fs::remove_file(dir.path().join("public.txt")).unwrap();
        std::fs::write(dir.path().join("bad.snmprec"), "1.3.6.1|2|x\n").unwrap();
        let e = load(dir.path()).unwrap_err().to_string();
        assert!(e.ends_with("bad.snmprec:1: bad INTEGER value \"x\""), "{e}");
        let empty = tempfile::tempdir().unwrap();
        assert!(load(empty.path())
            .unwrap_err()
            .to_string()
            .contains("no recordings here"));
        assert!(load(&dir.path().join("missing")).is_err());
    }
}
