//! The interfaces of one agent, watched live: what `snmpkit top` shows, usable from a script.
//!
//! - [`InterfacePoller`] reads everything in **one GetBulk pass** per call: the chosen columns
//!   of ifTable and ifXTable side by side ([`TableSpec::augment`]), with sysUpTime, sysName and
//!   sysDescr riding in the first request as non-repeaters. The first pass asks for both the
//!   ifXTable HC octet counters and ifTable's 32-bit ones; later passes ask only for the HC
//!   ones when the agent has them, else only the 32-bit ones. GetBulk sizes itself to the
//!   agent ([`crate::client::BulkSizer`]) unless the client fixes max-repetitions. Each pass
//!   becomes a [`Record`], the poller's record model.
//! - [`InterfaceTable`] is the sans-I/O model fed with those records ([`InterfaceTable::
//!   update`]): rates come from the poller's [`RateTracker`] (so Counter32 wrap and a restart
//!   are handled there, once), history for sparklines, utilisation, status changes. Time is
//!   taken from the records (`Sample::received`) and passed in (`now`), so it is unit-tested
//!   with synthetic data and time.
//!
//! What it survives: a restart (sysUpTime going back) or a counter going backwards gives no
//! rate for that pass, a gap in the history, never a spike; an agent that stops answering keeps
//! the last values, with the error in net-snmp's words ([`InterfaceTable::error`]), and the
//! next pass simply tries again; interfaces appear and disappear with the agent's table.

use super::rates::RateTracker;
use super::record::{Record, Sample};
use crate::client::{TableError, TableOptions, TableSpec, SYS_UPTIME_0};
use crate::mib::Mib;
use crate::{oid, Client, Value, VarBind};
use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant, SystemTime};

/// IF-MIB::ifEntry.
const IF_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 2, 2, 1];
/// IF-MIB::ifXEntry.
const IFX_ENTRY: [u32; 10] = [1, 3, 6, 1, 2, 1, 31, 1, 1, 1];
/// SNMPv2-MIB::sysDescr.0 and sysName.0.
const SYS_DESCR_0: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 1, 0];
const SYS_NAME_0: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 5, 0];

/// The ifTable columns read every pass (besides the 32-bit octet counters).
const IF_COLUMNS: [&str; 9] = [
    "ifDescr",
    "ifSpeed",
    "ifAdminStatus",
    "ifOperStatus",
    "ifLastChange",
    "ifInDiscards",
    "ifInErrors",
    "ifOutDiscards",
    "ifOutErrors",
];
/// The ifXTable columns read every pass (besides the HC octet counters).
const IFX_COLUMNS: [&str; 3] = ["ifName", "ifHighSpeed", "ifAlias"];

/// The counters an interface row keeps, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CounterKind {
    /// ifHCInOctets, else ifInOctets.
    InOctets,
    /// ifHCOutOctets, else ifOutOctets.
    OutOctets,
    /// ifInErrors.
    InErrors,
    /// ifOutErrors.
    OutErrors,
    /// ifInDiscards.
    InDiscards,
    /// ifOutDiscards.
    OutDiscards,
}

impl CounterKind {
    /// Every counter, in display order.
    pub const ALL: [CounterKind; 6] = [
        CounterKind::InOctets,
        CounterKind::OutOctets,
        CounterKind::InErrors,
        CounterKind::OutErrors,
        CounterKind::InDiscards,
        CounterKind::OutDiscards,
    ];

    /// The IF-MIB name of the counter (the 32-bit name for the octets: `ifInOctets`).
    pub fn name(self) -> &'static str {
        match self {
            CounterKind::InOctets => "ifInOctets",
            CounterKind::OutOctets => "ifOutOctets",
            CounterKind::InErrors => "ifInErrors",
            CounterKind::OutErrors => "ifOutErrors",
            CounterKind::InDiscards => "ifInDiscards",
            CounterKind::OutDiscards => "ifOutDiscards",
        }
    }
}

/// One counter of an interface: its last value and its per-second rate over the last pass.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Counter {
    /// The last value read.
    pub value: u64,
    /// Whether the value came from a Counter64 (the ifXTable HC counters).
    pub wide: bool,
    /// Per second, between the last two passes that both read it; None after a restart, a
    /// counter going backwards, or before the second pass.
    pub rate: Option<f64>,
}

/// One change of an interface's status seen during the session.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusChange {
    /// When the pass that saw it was received.
    pub at: Instant,
    /// The same moment on the wall clock.
    pub time: SystemTime,
    /// ifAdminStatus / ifOperStatus before.
    pub from: (Option<i64>, Option<i64>),
    /// ifAdminStatus / ifOperStatus after.
    pub to: (Option<i64>, Option<i64>),
}

/// One point of an interface's history: in and out bit/s, or None for a gap (no answer, a
/// restart, a counter that went backwards).
pub type RatePoint = Option<(f32, f32)>;

/// One interface as last seen.
#[derive(Clone, Debug)]
pub struct Interface {
    /// ifIndex.
    pub index: u32,
    /// ifName, else ifDescr, else the index.
    pub name: String,
    /// ifDescr.
    pub descr: String,
    /// ifAlias (empty when the agent has none).
    pub alias: String,
    /// ifAdminStatus (1 up, 2 down, 3 testing).
    pub admin: Option<i64>,
    /// ifOperStatus (1 up, 2 down, 3 testing, 4 unknown, 5 dormant, 6 notPresent,
    /// 7 lowerLayerDown).
    pub oper: Option<i64>,
    /// ifSpeed in bit/s (4,294,967,295 means "more": see `high_speed`).
    pub speed: Option<u64>,
    /// ifHighSpeed in Mb/s.
    pub high_speed: Option<u64>,
    /// ifLastChange: sysUpTime at the last status change, in hundredths of a second.
    pub last_change: Option<u32>,
    /// The counters, in [`CounterKind::ALL`] order.
    pub counters: [Option<Counter>; 6],
    /// The recent in/out rates, oldest first, at most the table's history length.
    pub history: VecDeque<RatePoint>,
    /// Status changes seen during the session, oldest first (the last 8).
    pub changes: VecDeque<StatusChange>,
}

/// Status changes kept per interface.
const CHANGES_KEPT: usize = 8;

impl Interface {
    fn new(index: u32) -> Interface {
        Interface {
            index,
            name: String::new(),
            descr: String::new(),
            alias: String::new(),
            admin: None,
            oper: None,
            speed: None,
            high_speed: None,
            last_change: None,
            counters: [None; 6],
            history: VecDeque::new(),
            changes: VecDeque::new(),
        }
    }

    /// A counter, if the agent has it for this interface.
    pub fn counter(&self, kind: CounterKind) -> Option<&Counter> {
        let i = CounterKind::ALL.iter().position(|k| *k == kind)?;
        self.counters[i].as_ref()
    }

    fn rate(&self, kind: CounterKind) -> Option<f64> {
        self.counter(kind).and_then(|c| c.rate)
    }

    /// Received bit/s.
    pub fn in_bps(&self) -> Option<f64> {
        self.rate(CounterKind::InOctets).map(|r| r * 8.0)
    }

    /// Sent bit/s.
    pub fn out_bps(&self) -> Option<f64> {
        self.rate(CounterKind::OutOctets).map(|r| r * 8.0)
    }

    /// In and out errors per second.
    pub fn errors_per_sec(&self) -> Option<f64> {
        sum(
            self.rate(CounterKind::InErrors),
            self.rate(CounterKind::OutErrors),
        )
    }

    /// In and out discards per second.
    pub fn discards_per_sec(&self) -> Option<f64> {
        sum(
            self.rate(CounterKind::InDiscards),
            self.rate(CounterKind::OutDiscards),
        )
    }

    /// The interface's speed in bit/s: ifSpeed, or ifHighSpeed × 10^6 when ifSpeed is
    /// saturated (4,294,967,295) or absent; None when unknown or 0.
    pub fn speed_bps(&self) -> Option<f64> {
        let high = self.high_speed.filter(|h| *h > 0).map(|h| h as f64 * 1e6);
        match self.speed {
            Some(s) if s > 0 && s < u64::from(u32::MAX) => Some(s as f64),
            _ => high,
        }
    }

    /// Utilisation in per cent of the speed: the busier direction (full duplex).
    pub fn utilisation(&self) -> Option<f64> {
        let speed = self.speed_bps()?;
        let busiest = match (self.in_bps(), self.out_bps()) {
            (Some(i), Some(o)) => i.max(o),
            (Some(x), None) | (None, Some(x)) => x,
            (None, None) => return None,
        };
        Some(busiest / speed * 100.0)
    }

    /// Whether the interface is down: admin down, or oper anything but up.
    pub fn is_down(&self) -> bool {
        self.admin == Some(2) || self.oper.is_some_and(|o| o != 1)
    }

    /// How long ago the status last changed: the last change seen in this session, else from
    /// ifLastChange against `uptime` (sysUpTime, hundredths of a second). None when unknown
    /// (ifLastChange 0 means before the agent started: unknown).
    pub fn since_change(&self, now: Instant, uptime: Option<u32>) -> Option<Duration> {
        if let Some(c) = self.changes.back() {
            return Some(now.saturating_duration_since(c.at));
        }
        let (up, last) = (uptime?, self.last_change?);
        (last > 0 && last <= up).then(|| Duration::from_millis(u64::from(up - last) * 10))
    }
}

fn sum(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a + b),
        (x, None) | (None, x) => x,
    }
}

/// Which octet counters the agent is read for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CounterWidth {
    /// Not known yet: ask for both.
    #[default]
    Unknown,
    /// The agent has the ifXTable HC counters (Counter64).
    High,
    /// Only ifTable's Counter32 octets.
    Low,
}

/// The interfaces of one agent and what it last said about itself; fed with [`Record`]s.
#[derive(Debug)]
pub struct InterfaceTable {
    label: String,
    interfaces: BTreeMap<u32, Interface>,
    rates: RateTracker,
    history_len: usize,
    width: CounterWidth,
    sys_name: Option<String>,
    sys_descr: Option<String>,
    uptime: Option<u32>,
    /// When the last record was received (uptime is as of then).
    received: Option<Instant>,
    last_duration: Option<Duration>,
    error: Option<String>,
    passes: u64,
    answered: u64,
    appeared: u64,
    disappeared: u64,
}

/// The default number of history points kept per interface (10 minutes at 1 s).
pub const DEFAULT_HISTORY: usize = 600;

impl InterfaceTable {
    /// An empty table for the agent labelled `label`, keeping `history_len` points of history
    /// per interface (at least 1).
    pub fn new(label: impl Into<String>, history_len: usize) -> InterfaceTable {
        InterfaceTable {
            label: label.into(),
            interfaces: BTreeMap::new(),
            rates: RateTracker::new(),
            history_len: history_len.max(1),
            width: CounterWidth::Unknown,
            sys_name: None,
            sys_descr: None,
            uptime: None,
            received: None,
            last_duration: None,
            error: None,
            passes: 0,
            answered: 0,
            appeared: 0,
            disappeared: 0,
        }
    }

    /// The agent's label (`HOST:PORT`).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The interfaces, by ifIndex.
    pub fn interfaces(&self) -> impl ExactSizeIterator<Item = &Interface> + Clone {
        self.interfaces.values()
    }

    /// One interface by ifIndex.
    pub fn interface(&self, index: u32) -> Option<&Interface> {
        self.interfaces.get(&index)
    }

    /// sysName.0, as last read.
    pub fn sys_name(&self) -> Option<&str> {
        self.sys_name.as_deref()
    }

    /// sysDescr.0, as last read.
    pub fn sys_descr(&self) -> Option<&str> {
        self.sys_descr.as_deref()
    }

    /// The agent's uptime at `now`: the last sysUpTime read plus the time since.
    pub fn uptime(&self, now: Instant) -> Option<Duration> {
        let ticks = self.uptime?;
        let since = self
            .received
            .map(|r| now.saturating_duration_since(r))
            .unwrap_or_default();
        Some(Duration::from_millis(u64::from(ticks) * 10) + since)
    }

    /// sysUpTime as last read (hundredths of a second).
    pub fn uptime_ticks(&self) -> Option<u32> {
        self.uptime
    }

    /// How long the last pass took.
    pub fn last_duration(&self) -> Option<Duration> {
        self.last_duration
    }

    /// Why the last pass failed (`Timeout: No Response from HOST:PORT`), None when it
    /// answered.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Passes fed in, and how many of them answered.
    pub fn passes(&self) -> (u64, u64) {
        (self.passes, self.answered)
    }

    /// Restarts seen (sysUpTime going back).
    pub fn restarts(&self) -> u64 {
        self.rates.restarts()
    }

    /// Interfaces that appeared after the first answer, and that disappeared.
    pub fn churn(&self) -> (u64, u64) {
        (self.appeared, self.disappeared)
    }

    /// Which octet counters the next pass should read.
    pub fn width(&self) -> CounterWidth {
        self.width
    }

    /// Folds one pass in. A record with an error keeps every interface and value as it was
    /// and adds a gap to each history; otherwise the interfaces become those of the record
    /// (new ones added, missing ones removed), with rates against the previous pass.
    pub fn update(&mut self, mut record: Record) {
        self.passes += 1;
        self.last_duration = Some(record.duration);
        let restarts = self.rates.restarts();
        self.rates.apply(&mut record, true);
        let restarted = self.rates.restarts() > restarts;
        let received = record
            .samples
            .iter()
            .map(|s| s.received)
            .max()
            .unwrap_or_else(Instant::now);
        if let Some(e) = record.error.take() {
            self.error = Some(e);
            for i in self.interfaces.values_mut() {
                push_point(&mut i.history, None, self.history_len);
            }
            return;
        }
        self.error = None;
        self.answered += 1;
        let first = self.answered == 1;
        let mut seen: BTreeMap<u32, Interface> = BTreeMap::new();
        let mut high = false;
        for s in record.samples {
            self.take(s, &mut seen, &mut high);
        }
        if self.width == CounterWidth::Unknown {
            self.width = if high {
                CounterWidth::High
            } else {
                CounterWidth::Low
            };
        }
        let mut next = BTreeMap::new();
        for (index, mut i) in seen {
            if i.name.is_empty() {
                i.name = if i.descr.is_empty() {
                    index.to_string()
                } else {
                    i.descr.clone()
                };
            }
            match self.interfaces.remove(&index) {
                Some(old) => {
                    i.history = old.history;
                    i.changes = old.changes;
                    let before = (old.admin, old.oper);
                    let after = (i.admin, i.oper);
                    if before != after && before != (None, None) {
                        if i.changes.len() == CHANGES_KEPT {
                            i.changes.pop_front();
                        }
                        i.changes.push_back(StatusChange {
                            at: received,
                            time: record.time,
                            from: before,
                            to: after,
                        });
                    }
                }
                None if !first => self.appeared += 1,
                None => {}
            }
            let point = match (i.in_bps(), i.out_bps()) {
                (Some(a), Some(b)) if !restarted => Some((a as f32, b as f32)),
                _ => None,
            };
            push_point(&mut i.history, point, self.history_len);
            next.insert(index, i);
        }
        // What is left was not in this answer: gone.
        self.disappeared += self.interfaces.len() as u64;
        self.interfaces = next;
        self.received = Some(received);
    }

    /// Files one sample of a successful pass.
    fn take(&mut self, s: Sample, seen: &mut BTreeMap<u32, Interface>, high: &mut bool) {
        let arcs = s.varbind.oid.arcs();
        match arcs {
            a if a == SYS_UPTIME_0 => {
                if let Value::TimeTicks(t) = s.varbind.value {
                    self.uptime = Some(t);
                }
                return;
            }
            a if a == SYS_NAME_0 => {
                self.sys_name = s.varbind.value.as_str().map(str::to_string);
                return;
            }
            a if a == SYS_DESCR_0 => {
                self.sys_descr = s.varbind.value.as_str().map(str::to_string);
                return;
            }
            _ => {}
        }
        let (x, rest) = if let Some(rest) = arcs.strip_prefix(&IF_ENTRY[..]) {
            (false, rest)
        } else if let Some(rest) = arcs.strip_prefix(&IFX_ENTRY[..]) {
            (true, rest)
        } else {
            return;
        };
        let &[column, index] = rest else {
            return;
        };
        let i = seen.entry(index).or_insert_with(|| Interface::new(index));
        let VarBind { value, .. } = s.varbind;
        let counter = |wide| Counter {
            value: value.as_u64().unwrap_or(0),
            wide,
            rate: s.rate,
        };
        let slot = |k: CounterKind| CounterKind::ALL.iter().position(|c| *c == k).unwrap_or(0);
        match (x, column) {
            (false, 2) => i.descr = text(&value),
            (false, 5) => i.speed = value.as_u64(),
            (false, 7) => i.admin = value.as_i64(),
            (false, 8) => i.oper = value.as_i64(),
            (false, 9) => i.last_change = value.as_u64().map(|v| v as u32),
            (false, 10) if i.counters[0].is_none_or(|c| !c.wide) => {
                i.counters[slot(CounterKind::InOctets)] = Some(counter(false))
            }
            (false, 13) => i.counters[slot(CounterKind::InDiscards)] = Some(counter(false)),
            (false, 14) => i.counters[slot(CounterKind::InErrors)] = Some(counter(false)),
            (false, 16) if i.counters[1].is_none_or(|c| !c.wide) => {
                i.counters[slot(CounterKind::OutOctets)] = Some(counter(false))
            }
            (false, 19) => i.counters[slot(CounterKind::OutDiscards)] = Some(counter(false)),
            (false, 20) => i.counters[slot(CounterKind::OutErrors)] = Some(counter(false)),
            (true, 1) => i.name = text(&value),
            (true, 6) => {
                *high = true;
                i.counters[slot(CounterKind::InOctets)] = Some(counter(true))
            }
            (true, 10) => {
                *high = true;
                i.counters[slot(CounterKind::OutOctets)] = Some(counter(true))
            }
            (true, 15) => i.high_speed = value.as_u64(),
            (true, 18) => i.alias = text(&value),
            _ => {}
        }
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::OctetString(b) => String::from_utf8_lossy(b).into_owned(),
        _ => String::new(),
    }
}

fn push_point(h: &mut VecDeque<RatePoint>, p: RatePoint, len: usize) {
    while h.len() >= len {
        h.pop_front();
    }
    h.push_back(p);
}

/// Reads one agent's interfaces in one GetBulk pass per call (see the module documentation).
#[derive(Clone)]
pub struct InterfacePoller {
    client: Client,
    label: String,
    both: TableSpec,
    high: TableSpec,
    low: TableSpec,
    opts: TableOptions,
}

impl InterfacePoller {
    /// A poller for the agent behind `client`, labelled `label` in records, with the IF-MIB
    /// from `mib` (the built-in one has it).
    pub fn new(client: Client, label: impl Into<String>, mib: &Mib) -> Result<Self, TableError> {
        let spec = |octets32: bool, hc: bool| -> Result<TableSpec, TableError> {
            let mut cols: Vec<&str> = IF_COLUMNS.to_vec();
            if octets32 {
                cols.extend(["ifInOctets", "ifOutOctets"]);
            }
            let mut xcols: Vec<&str> = IFX_COLUMNS.to_vec();
            if hc {
                xcols.extend(["ifHCInOctets", "ifHCOutOctets"]);
            }
            TableSpec::by_name(mib, "IF-MIB::ifTable")?
                .select(&cols)?
                .augment(mib, "IF-MIB::ifXTable", &xcols)
        };
        // The non-repeaters are the objects whose first instance is wanted.
        let scalars = [
            oid!(1, 3, 6, 1, 2, 1, 1, 3),
            oid!(1, 3, 6, 1, 2, 1, 1, 5),
            oid!(1, 3, 6, 1, 2, 1, 1, 1),
        ];
        Ok(InterfacePoller {
            client,
            label: label.into(),
            both: spec(true, true)?,
            high: spec(false, true)?,
            low: spec(true, false)?,
            opts: TableOptions::new().non_repeaters(&scalars),
        })
    }

    /// The agent's label.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// One pass: every interface and the system scalars, as a [`Record`] (`cycle` as given)
    /// to feed [`InterfaceTable::update`]. Never fails: a failure is the record's `error`.
    pub async fn fetch(&self, width: CounterWidth, cycle: u64) -> Record {
        let spec = match width {
            CounterWidth::Unknown => &self.both,
            CounterWidth::High => &self.high,
            CounterWidth::Low => &self.low,
        };
        let time = SystemTime::now();
        let start = Instant::now();
        let result = self.client.table(spec, &self.opts).await;
        let received = Instant::now();
        let mut rec = Record {
            target: self.label.clone(),
            time,
            duration: received - start,
            error: None,
            samples: Vec::new(),
            cycle,
        };
        let sample = |varbind| Sample {
            varbind,
            received,
            rate: None,
        };
        match result {
            Ok(table) => {
                rec.samples.extend(
                    table
                        .scalars()
                        .iter()
                        .filter(|v| !v.value.is_exception())
                        .cloned()
                        .map(sample),
                );
                let n = table.columns().len();
                for row in table.rows() {
                    rec.samples
                        .extend((0..n).filter_map(|c| row.varbind(c)).map(sample));
                }
            }
            Err(e) => rec.error = Some(super::error_text(&e)),
        }
        rec
    }
}

/// A rate in bit/s with an SI prefix and three significant digits: `950 b/s`, `1.00 Mb/s`,
/// `12.3 Gb/s`.
pub fn format_bits(bps: f64) -> String {
    format!("{}b/s", si(bps))
}

/// A number with an SI prefix and three significant digits, a space before the prefix:
/// `950 `, `1.00 k`, `250 k`, `12.3 M`.
pub fn si(v: f64) -> String {
    const PREFIXES: [&str; 7] = ["", "k", "M", "G", "T", "P", "E"];
    if !v.is_finite() || v < 0.0 {
        return "- ".into();
    }
    let mut v = v;
    let mut p = 0;
    // Round first, so 999.7 becomes "1.00 k", not "1000 ".
    while p + 1 < PREFIXES.len() && round3(v) >= 1000.0 {
        v /= 1000.0;
        p += 1;
    }
    let r = round3(v);
    let digits = if p == 0 && r == r.trunc() {
        0
    } else if r < 10.0 {
        2
    } else if r < 100.0 {
        1
    } else {
        0
    };
    format!("{r:.digits$} {}", PREFIXES[p])
}

/// Rounds to three significant digits.
fn round3(v: f64) -> f64 {
    if v == 0.0 {
        return 0.0;
    }
    let mag = 10f64.powi(2 - v.abs().log10().floor() as i32);
    (v * mag).round() / mag
}

/// A duration as top shows it: `3d 04:05:06`, `04:05:06`, `05:06`.
pub fn format_duration(d: Duration) -> String {
    let s = d.as_secs();
    let (days, h, m, s) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    if days > 0 {
        format!("{days}d {h:02}:{m:02}:{s:02}")
    } else if h > 0 {
        format!("{h:02}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// The IF-MIB name of an ifAdminStatus / ifOperStatus value.
pub fn status_name(v: Option<i64>) -> &'static str {
    match v {
        Some(1) => "up",
        Some(2) => "down",
        Some(3) => "testing",
        Some(4) => "unknown",
        Some(5) => "dormant",
        Some(6) => "notPresent",
        Some(7) => "lowerLayerDown",
        Some(_) => "?",
        None => "-",
    }
}

#[cfg(test)]
mod tests;
