//! `get`, `getnext`, `bulkget` and `set`: one request, its varbinds printed as net-snmp does.

use super::config::{parse_oid, CommonArgs, Fatal, Session};
use snmpkit::codec::{Pdu, PduType};
use snmpkit::format::{error_status_text, format_oid, write_varbind_json, VarBindFormatter};
use snmpkit::{Error, Oid, Value, VarBind};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Arguments of a manager command: options, the agent, then OIDs (or OID TYPE VALUE triples).
#[derive(clap::Args, Debug)]
pub struct RequestArgs {
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// The agent: host, host:port, udp:host:port, udp6:[::1]:port.
    #[arg(value_name = "AGENT")]
    pub(crate) agent: String,
    /// OIDs (for set: OID TYPE VALUE triples).
    #[arg(value_name = "OID", allow_negative_numbers = true)]
    pub(crate) args: Vec<String>,
}

/// Which single-request command.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// snmpget.
    Get,
    /// snmpgetnext.
    GetNext,
    /// snmpbulkget.
    Bulk,
}

/// Prints varbinds as text or JSON lines to stdout.
pub(crate) fn print_varbinds(s: &Session, vbs: &[VarBind]) {
    Printer::new(s).print(vbs);
}

/// Prints the pages of a walk: one formatter, whose name cache carries from page to page, and
/// one buffer. On a terminal each page is written as it comes; otherwise pages gather into
/// blocks (as net-snmp's stdio buffers a pipe or file), written once 64 KiB are gathered or
/// when a page comes 100 ms or more after the last write, so a long walk into a file makes a
/// few hundred `write`s instead of one per response.
/// [`Printer::flush`] writes what is gathered; so does dropping the printer.
pub(crate) struct Printer<'a> {
    s: &'a Session,
    f: VarBindFormatter<'a>,
    buf: String,
    interactive: bool,
    flushed: Instant,
}

/// Bytes a walk gathers before writing them when stdout is not a terminal.
const BLOCK: usize = 64 * 1024;
/// A page that comes this long after the last write is written at once.
const BLOCK_WAIT: Duration = Duration::from_millis(100);

impl<'a> Printer<'a> {
    pub(crate) fn new(s: &'a Session) -> Self {
        Printer {
            s,
            f: VarBindFormatter::new(&s.mib, &s.output),
            buf: String::new(),
            interactive: std::io::stdout().is_terminal(),
            flushed: Instant::now(),
        }
    }

    /// Prints varbinds as text or JSON lines, and flushes.
    pub(crate) fn print(&mut self, vbs: &[VarBind]) {
        self.add(vbs);
        self.flush();
    }

    /// Prints one page of a walk: written now on a terminal, else gathered into blocks.
    pub(crate) fn print_page(&mut self, vbs: &[VarBind]) {
        self.add(vbs);
        if self.interactive || self.buf.len() >= BLOCK || self.flushed.elapsed() >= BLOCK_WAIT {
            self.flush();
        }
    }

    fn add(&mut self, vbs: &[VarBind]) {
        for vb in vbs {
            if self.s.json {
                write_varbind_json(vb, &self.s.output, &self.s.mib, &mut self.buf);
            } else {
                self.f.write(&mut self.buf, vb);
            }
            self.buf.push('\n');
        }
    }

    /// Writes what is gathered.
    pub(crate) fn flush(&mut self) {
        if !self.buf.is_empty() {
            super::out::text(&self.buf);
            self.buf.clear();
        }
        self.flushed = Instant::now();
    }
}

impl Drop for Printer<'_> {
    fn drop(&mut self) {
        self.flush();
    }
}

/// Prints net-snmp's error-status report to stderr. `dot` is whether this tool's header
/// ends with a period (snmpget's does not; the others' do).
pub(crate) fn print_status_error(s: &Session, status: i32, index: i32, vbs: &[VarBind], dot: bool) {
    let mut msg = format!(
        "Error in packet{}\nReason: {}\n",
        if dot { "." } else { "" },
        error_status_text(status)
    );
    // net-snmp prints the line for any non-zero index, and the object only when the index
    // names one: a negative or too large index leaves `Failed object: ` empty.
    if index != 0 {
        msg.push_str("Failed object: ");
        let named = usize::try_from(index)
            .ok()
            .and_then(|i| vbs.get(i.checked_sub(1)?));
        if let Some(vb) = named {
            msg.push_str(&format_oid(&vb.oid, &s.output, &s.mib));
            // net-snmp's fprint_objid ends the line itself, then the caller adds another.
            msg.push('\n');
        }
        msg.push('\n');
    }
    eprint!("{msg}");
}

/// Prints an error that ended a request and returns net-snmp's exit code for it.
pub(crate) fn report_error(s: &Session, e: &Error, timeout_dot: bool) -> i32 {
    match e {
        Error::Timeout(peer) => {
            eprintln!(
                "Timeout: No Response from {peer}{}",
                if timeout_dot { "." } else { "" }
            );
            1
        }
        Error::Status {
            status,
            index,
            varbinds,
        } => {
            print_status_error(s, status.code(), *index, varbinds, true);
            2
        }
        Error::BulkOnV1 => {
            eprintln!("{}: Cannot send V2 PDU on V1 session", s.prog);
            1
        }
        other => {
            eprintln!("{}: {}", s.prog, super::chain(other));
            1
        }
    }
}

fn fatal(f: Fatal) -> i32 {
    eprintln!("{}", f.0);
    f.1
}

/// Runs get / getnext / bulkget.
pub async fn get(a: RequestArgs, kind: Kind) -> i32 {
    let prog = super::prog();
    if let Err(f) = a.common.precheck() {
        return fatal(f);
    }
    if a.args.is_empty() {
        eprintln!("{prog}: Missing object name");
        return 1;
    }
    let mib = a.common.load_mib();
    let mut oids = Vec::with_capacity(a.args.len());
    for s in &a.args {
        match parse_oid(s, &mib) {
            Ok(o) => oids.push(o),
            Err(f) => return fatal(f),
        }
    }
    let s = match a.common.session(&a.agent, prog, mib).await {
        Ok(s) => s,
        Err(f) => return fatal(f),
    };
    let mut exit = 0;
    loop {
        let pdu = match kind {
            Kind::Get => Pdu::request(PduType::Get, 0, &oids),
            Kind::GetNext => Pdu::request(PduType::GetNext, 0, &oids),
            Kind::Bulk => Pdu::get_bulk(
                0,
                s.app.non_repeaters.min(i32::MAX as u32) as i32,
                s.app.max_repetitions.min(i32::MAX as u32) as i32,
                &oids,
            ),
        };
        let resp = match s.client.request(pdu).await {
            Ok(r) => r,
            Err(e) => return report_error(&s, &e, true),
        };
        if resp.error_status == 0 {
            print_varbinds(&s, &resp.varbinds);
            return exit;
        }
        print_status_error(
            &s,
            resp.error_status,
            resp.error_index,
            &resp.varbinds,
            kind != Kind::Get,
        );
        // snmpgetnext exits 0 after an error report whose error-index is 0 (net-snmp 5.9).
        if !(kind == Kind::GetNext && resp.error_index == 0) {
            exit = 2;
        }
        // As net-snmp does (unless -Cf): drop the failed object and ask again for the rest.
        let idx = resp.error_index;
        if s.app.dont_fix
            || kind == Kind::Bulk
            || idx < 1
            || idx as usize > oids.len()
            || oids.len() < 2
        {
            return exit;
        }
        oids.remove(idx as usize - 1);
    }
}

/// Parses `OID TYPE VALUE` triples as snmpset does: each object, then its type letter
/// (snmpset takes `= i u t a o s x d b n U I F D`), then its value, checked against the MIB.
fn set_varbinds(
    args: &[String],
    mib: &snmpkit::mib::Mib,
    check: bool,
) -> Result<Vec<VarBind>, Fatal> {
    if args.is_empty() {
        return Err(Fatal(format!("{}: Missing object name", super::prog()), 1));
    }
    let mut out = Vec::new();
    for t in args.chunks(3) {
        match t {
            [name] => return Err(Fatal(format!("{name}: Needs type and value"), 1)),
            [name, letter] => {
                check_set_letter(name, letter)?;
                return Err(Fatal(format!("{name}: Needs value"), 1));
            }
            _ => {}
        }
        check_set_letter(&t[0], &t[1])?;
        let oid: Oid = parse_oid(&t[0], mib)?;
        let value = typed_value(&t[0], &oid, &t[1], &t[2], mib, check)?;
        out.push(VarBind::new(oid, value));
    }
    Ok(out)
}

/// snmpset's own list of type letters (without the Counter types `c` and `C`, which
/// snmptrap takes but snmpset refuses).
fn check_set_letter(name: &str, letter: &str) -> Result<(), Fatal> {
    match letter.chars().next() {
        Some(c) if "=iutaosxdbnUIFD".contains(c) => Ok(()),
        c => Err(Fatal(
            format!("{name}: Bad object type: {}", c.unwrap_or(' ')),
            1,
        )),
    }
}

/// A `TYPE VALUE` pair as snmpset and snmptrap read it, checked against the MIB unless
/// `check` is false (`-Ir`); errors are printed after the object as typed.
pub(crate) fn typed_value(
    name: &str,
    oid: &Oid,
    letter: &str,
    text: &str,
    mib: &snmpkit::mib::Mib,
    check: bool,
) -> Result<Value, Fatal> {
    let parse = if check {
        snmpkit::format::parse_value
    } else {
        snmpkit::format::parse_value_unchecked
    };
    parse(mib, oid, letter, text).map_err(|e| Fatal(format!("{name}: {e}"), 1))
}

/// Runs set.
pub async fn set(a: RequestArgs) -> i32 {
    if let Err(f) = a.common.precheck() {
        return fatal(f);
    }
    let mib = a.common.load_mib();
    let vbs = match set_varbinds(&a.args, &mib, a.common.checks_values()) {
        Ok(v) => v,
        Err(f) => return fatal(f),
    };
    let s = match a.common.session(&a.agent, super::prog(), mib).await {
        Ok(s) => s,
        Err(f) => return fatal(f),
    };
    match s.client.set(&vbs).await {
        Ok(r) => {
            if !s.app.quiet {
                print_varbinds(&s, &r);
            }
            0
        }
        Err(e) => report_error(&s, &e, false),
    }
}
