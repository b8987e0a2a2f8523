//! snmptrapd's own output: its default log layouts, the `%` format codes of `-F` and
//! `format1`/`format2` (snmptrapd(8), FORMAT SPECIFICATIONS), and the standard input its
//! `traphandle` programs read. Written from net-snmp's manual pages and checked line for line
//! against net-snmp 5.9's snmptrapd in `tests/trap_pipeline.rs`.

use crate::codec::Version;
use crate::format::{format_oid, format_varbind, OutputOptions};
use crate::mib::Mib;
use crate::notify::{Notification, NotificationKind, Sender};
use crate::{Oid, Value, VarBind};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// snmptrapd's default `print2` format (SNMPv2c and SNMPv3 notifications).
pub const DEFAULT_PRINT2: &str = "%.4y-%.2m-%.2l %.2h:%.2j:%.2k %B [%b]:\n%v\n";
/// The format of the text a `traphandle` program reads (`format execute`).
pub const EXECUTE_FORMAT: &str = "%B\n%b\n%V\n%v\n";
/// snmpTrapAddress.0, snmpTrapCommunity.0, snmpTrapEnterprise.0: what snmptrapd appends
/// when it turns a v1 trap into the SNMPv2 form for handlers (RFC 3584 §3.1).
const SNMP_TRAP_ADDRESS_0: [u32; 10] = [1, 3, 6, 1, 6, 3, 18, 1, 3, 0];
const SNMP_TRAP_COMMUNITY_0: [u32; 10] = [1, 3, 6, 1, 6, 3, 18, 1, 4, 0];
const SNMP_TRAP_ENTERPRISE_0: [u32; 11] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 3, 0];

/// Host names for addresses, as snmptrapd prints them (`%B`, `%A`, the default layouts).
/// net-snmp asks `gethostbyaddr`; this reads `/etc/hosts` once (the first name of an
/// address's line) and falls back to the address, and does no DNS query, so reception never
/// waits for a resolver. `numeric` (snmptrapd's `-n`) turns names off.
#[derive(Clone, Debug, Default)]
pub struct HostNames {
    numeric: bool,
    names: Arc<HashMap<IpAddr, String>>,
}

impl HostNames {
    /// Names from the system's hosts file (`/etc/hosts`); `numeric` is snmptrapd's `-n`.
    pub fn system(numeric: bool) -> HostNames {
        let text = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
        HostNames::from_hosts(&text, numeric)
    }

    /// Names from text in hosts(5) syntax.
    pub fn from_hosts(text: &str, numeric: bool) -> HostNames {
        let mut names = HashMap::new();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("");
            let mut words = line.split_whitespace();
            let (Some(addr), Some(name)) = (words.next(), words.next()) else {
                continue;
            };
            if let Ok(ip) = addr.parse::<IpAddr>() {
                names.entry(ip).or_insert_with(|| name.to_string());
            }
        }
        HostNames {
            numeric,
            names: Arc::new(names),
        }
    }

    /// True under `-n`.
    pub fn numeric(&self) -> bool {
        self.numeric
    }

    /// The name for `ip`, if names are on and it has one.
    pub fn lookup(&self, ip: IpAddr) -> Option<&str> {
        if self.numeric {
            return None;
        }
        self.names.get(&ip).map(String::as_str)
    }

    /// The name for `ip`, else the address.
    pub fn name_or_address(&self, ip: IpAddr) -> String {
        self.lookup(ip)
            .map(str::to_string)
            .unwrap_or_else(|| ip.to_string())
    }

    /// The name for `ip` even under `-n` (snmptrapd 5.9 still names v1 agent addresses
    /// then), else the address.
    pub fn agent_name(&self, ip: IpAddr) -> String {
        self.names
            .get(&ip)
            .cloned()
            .unwrap_or_else(|| ip.to_string())
    }
}

/// How snmptrapd prints notifications: `print1` for v1 traps and `print2` for the others
/// (`None`: snmptrapd's built-in layouts), with host names from `hosts`.
#[derive(Clone, Debug, Default)]
pub struct TrapdFormat {
    /// `format1` / `format print1` / `-F`.
    pub print1: Option<String>,
    /// `format2` / `format print2` / `-F`.
    pub print2: Option<String>,
    /// Host names for `%B`, `%A` and the default layouts.
    pub hosts: HostNames,
}

/// One format command's options (`%-08.3x`).
#[derive(Clone, Copy, Default)]
struct Spec {
    width: usize,
    precision: Option<usize>,
    left: bool,
    zeroes: bool,
    alt: bool,
}

/// What the formatter prints for one notification.
struct Ctx<'a> {
    n: &'a Notification,
    o: &'a OutputOptions,
    mib: &'a Mib,
    hosts: &'a HostNames,
    /// The varbinds `%v` prints: the v1 PDU's own, or all of an SNMPv2 PDU's.
    vars: &'a [VarBind],
}

fn is_numeric_cmd(c: char) -> bool {
    matches!(
        c,
        't' | 'y' | 'm' | 'l' | 'h' | 'j' | 'k' | 'T' | 'Y' | 'M' | 'L' | 'H' | 'J' | 'K' | 'w'
    )
}

fn is_cmd(c: char) -> bool {
    is_numeric_cmd(c)
        || matches!(
            c,
            'a' | 'A' | 's' | 'S' | 'u' | 'E' | 'b' | 'B' | 'N' | 'P' | 'W' | 'q' | 'v'
        )
}

/// The v1 generic-trap descriptions snmptrapd prints (`%W`).
fn trap_description(generic: i32) -> &'static str {
    match generic {
        0 => "Cold Start",
        1 => "Warm Start",
        2 => "Link Down",
        3 => "Link Up",
        4 => "Authentication Failure",
        5 => "EGP Neighbor Loss",
        6 => "Enterprise Specific",
        _ => "Unknown Type",
    }
}

/// net-snmp's uptime text (`0:06:42.79`, `1 day, ...`, `2 days, ...`).
fn uptime_string(ticks: u32) -> String {
    let centis = ticks % 100;
    let mut t = ticks / 100;
    let days = t / 86_400;
    t %= 86_400;
    let (h, m, s) = (t / 3600, (t % 3600) / 60, t % 60);
    match days {
        0 => format!("{h}:{m:02}:{s:02}.{centis:02}"),
        1 => format!("1 day, {h}:{m:02}:{s:02}.{centis:02}"),
        d => format!("{d} days, {h}:{m:02}:{s:02}.{centis:02}"),
    }
}

/// net-snmp's transport address text: `UDP: [src]:port->[dst]:port`, and for IPv6
/// `UDP/IPv6: [src]:port` (net-snmp 5.9 leaves the local end out there).
pub fn transport_address(source: SocketAddr, local: SocketAddr) -> String {
    if source.is_ipv6() {
        return format!("UDP/IPv6: [{}]:{}", source.ip(), source.port());
    }
    format!(
        "UDP: [{}]:{}->[{}]:{}",
        source.ip(),
        source.port(),
        local.ip(),
        local.port()
    )
}

/// `%B`: the source's host name; under `-n` the transport address (net-snmp formats the
/// address without its host-name flag then); for an IPv6 source net-snmp 5.9 prints
/// `<UNKNOWN>`, and so does this.
fn source_name(hosts: &HostNames, source: SocketAddr, local: SocketAddr) -> String {
    if hosts.numeric() {
        transport_address(source, local)
    } else if source.is_ipv6() {
        "<UNKNOWN>".to_string()
    } else {
        hosts.name_or_address(source.ip())
    }
}

/// Printable bytes as they are, others as `.` (how snmptrapd prints communities and names).
fn printable(b: &[u8]) -> String {
    b.iter()
        .map(|&c| {
            if (0x20..0x7f).contains(&c) {
                c as char
            } else {
                '.'
            }
        })
        .collect()
}

/// `%P`: `TRAP, SNMP v1, community public`, `INFORM, SNMP v2c, ...`, `TRAP2, SNMP v3, user
/// U, context C`.
fn wrapper(n: &Notification) -> String {
    let pdu = match n.kind {
        NotificationKind::TrapV1 => "TRAP",
        NotificationKind::TrapV2 => "TRAP2",
        NotificationKind::Inform => "INFORM",
    };
    let version = match n.version {
        Version::V1 => "v1",
        Version::V2c => "v2c",
        _ => "v3",
    };
    match &n.sender {
        Sender::Community(c) => format!("{pdu}, SNMP {version}, community {}", printable(c)),
        Sender::Usm {
            user, context_name, ..
        } => format!(
            "{pdu}, SNMP {version}, user {}, context {}",
            printable(user),
            printable(context_name)
        ),
    }
}

impl Ctx<'_> {
    /// The time fields come from the notification's arrival, in local time (`#`: UTC).
    fn time_field(&self, c: char, alt: bool) -> String {
        use chrono::{Datelike, Timelike};
        let up = self.uptime();
        let secs = if c.is_ascii_uppercase() {
            i64::from(up / 100)
        } else {
            self.n
                .received_at
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        };
        match c {
            't' => return secs.to_string(),
            'T' if !alt => return up.to_string(),
            'T' => return uptime_string(up),
            _ => {}
        }
        let utc = chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default();
        let (y, mo, d, h, mi, s) = if alt {
            (
                utc.year(),
                utc.month(),
                utc.day(),
                utc.hour(),
                utc.minute(),
                utc.second(),
            )
        } else {
            let l = utc.with_timezone(&chrono::Local);
            (
                l.year(),
                l.month(),
                l.day(),
                l.hour(),
                l.minute(),
                l.second(),
            )
        };
        match c.to_ascii_lowercase() {
            'y' => y.to_string(),
            'm' => mo.to_string(),
            'l' => d.to_string(),
            'h' => h.to_string(),
            'j' => mi.to_string(),
            _ => s.to_string(),
        }
    }

    fn uptime(&self) -> u32 {
        match &self.n.v1 {
            Some(v1) => v1.time_stamp,
            None => 0,
        }
    }

    fn generic(&self) -> i32 {
        self.n.v1.as_ref().map(|v| v.generic_trap).unwrap_or(0)
    }

    fn agent_ip(&self) -> IpAddr {
        IpAddr::V4(
            self.n
                .v1
                .as_ref()
                .map(|v| v.agent_addr)
                .unwrap_or(std::net::Ipv4Addr::UNSPECIFIED),
        )
    }

    fn enterprise(&self) -> String {
        match &self.n.v1 {
            Some(v1) => format_oid(&v1.enterprise, self.o, self.mib),
            // An SNMPv2 PDU has no enterprise: net-snmp prints the empty OID as ".".
            None => ".".to_string(),
        }
    }

    /// `%q`: the specific trap; for enterpriseSpecific the last arc of `enterprise.0.N` as
    /// printed, from its dot.
    fn subtype(&self) -> String {
        match &self.n.v1 {
            Some(v1) if v1.generic_trap == 6 => {
                let mut o = v1.enterprise.clone();
                if o.arcs().last() != Some(&0) {
                    o.push(0);
                }
                o.push(v1.specific_trap as u32);
                let text = format_oid(&o, self.o, self.mib);
                match text.rfind('.') {
                    Some(i) => text[i..].to_string(),
                    None => text,
                }
            }
            Some(v1) => v1.specific_trap.to_string(),
            None => "0".to_string(),
        }
    }

    fn vars(&self, sep: &str, alt: bool) -> String {
        let sep = if sep.is_empty() {
            if alt {
                ", "
            } else {
                "\t"
            }
        } else {
            sep
        };
        let mut s = String::new();
        for (i, vb) in self.vars.iter().enumerate() {
            if alt || i > 0 {
                s.push_str(sep);
            }
            s.push_str(&format_varbind(vb, self.o, self.mib));
        }
        s
    }

    fn field(&self, c: char, spec: Spec, sep: &str) -> String {
        match c {
            't' | 'y' | 'm' | 'l' | 'h' | 'j' | 'k' | 'T' | 'Y' | 'M' | 'L' | 'H' | 'J' | 'K' => {
                self.time_field(c, spec.alt)
            }
            'a' => self.agent_ip().to_string(),
            'A' => self.hosts.agent_name(self.agent_ip()),
            'b' => transport_address(self.n.source, self.n.local),
            'B' => source_name(self.hosts, self.n.source, self.n.local),
            'N' => self.enterprise(),
            'E' => match &self.n.sender {
                Sender::Usm {
                    context_engine_id, ..
                } => {
                    let o = Oid::from_slice(
                        &context_engine_id
                            .iter()
                            .map(|b| u32::from(*b))
                            .collect::<Vec<_>>(),
                    );
                    format_oid(&o, self.o, self.mib)
                }
                Sender::Community(_) => String::new(),
            },
            's' => match self.n.version {
                Version::V1 => "0",
                Version::V2c => "1",
                _ => "3",
            }
            .to_string(),
            'S' => match self.n.version {
                Version::V1 => "1",
                Version::V2c => "2",
                _ => "3",
            }
            .to_string(),
            'u' => match &self.n.sender {
                Sender::Community(c) => printable(c),
                Sender::Usm { user, .. } => String::from_utf8_lossy(user).into_owned(),
            },
            'w' => self.generic().to_string(),
            'W' => trap_description(self.generic()).to_string(),
            'q' => self.subtype(),
            'v' => self.vars(sep, spec.alt),
            other => other.to_string(),
        }
    }
}

/// net-snmp's padding rules: precision truncates (a year from the left); width pads on the
/// left with spaces, or zeroes with `0` or for a numeric field (which always zero-pads); a
/// left-justified field is padded on the right with zeroes, as snmptrapd does.
fn pad(out: &mut String, c: char, spec: Spec, text: &str) {
    let chars: Vec<char> = text.chars().collect();
    let mut body: &[char] = &chars;
    if let Some(p) = spec.precision {
        if body.len() > p {
            body = if c == 'y' || c == 'Y' {
                &body[body.len() - p..]
            } else {
                &body[..p]
            };
        }
    }
    let fill = spec.width.saturating_sub(body.len());
    if !spec.left && fill > 0 {
        let zero = spec.zeroes || is_numeric_cmd(c);
        out.extend(std::iter::repeat_n(if zero { '0' } else { ' ' }, fill));
    }
    out.extend(body.iter());
    if spec.left && fill > 0 {
        out.extend(std::iter::repeat_n('0', fill));
    }
}

fn backslash(c: char) -> Option<char> {
    Some(match c {
        'a' => '\x07',
        'b' => '\x08',
        'f' => '\x0c',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\x0b',
        '\\' => '\\',
        '?' => '?',
        '%' => '%',
        '\'' => '\'',
        '"' => '"',
        _ => return None,
    })
}

/// Expands a snmptrapd format string (`%` codes, field widths, backslash escapes).
fn expand(fmt: &str, cx: &Ctx<'_>, out: &mut String) {
    let mut it = fmt.chars().peekable();
    let mut sep = String::new();
    while let Some(c) = it.next() {
        match c {
            '\\' => {
                if let Some(e) = it.next() {
                    match backslash(e) {
                        Some(ch) => out.push(ch),
                        None => {
                            out.push('\\');
                            out.push(e);
                        }
                    }
                }
            }
            '%' => {
                let mut spec = Spec::default();
                // Flags, then width, then precision, then the command; `%V` takes the
                // characters up to the next `%` as the varbind separator, and that `%`
                // starts the next command.
                loop {
                    let Some(d) = it.next() else { return };
                    match d {
                        '-' => spec.left = true,
                        '0' if spec.width == 0 && spec.precision.is_none() => spec.zeroes = true,
                        '#' => spec.alt = true,
                        '.' => spec.precision = Some(0),
                        'V' => {
                            sep.clear();
                            while let Some(&x) = it.peek() {
                                if x == '%' {
                                    break;
                                }
                                it.next();
                                if x == '\\' {
                                    if let Some(e) = it.next() {
                                        match backslash(e) {
                                            Some(ch) => sep.push(ch),
                                            None => {
                                                sep.push('\\');
                                                sep.push(e);
                                            }
                                        }
                                    }
                                } else {
                                    sep.push(x);
                                }
                            }
                            // The `%` that ends the separator opens the next command.
                            it.next();
                            spec = Spec::default();
                        }
                        d if d.is_ascii_digit() => {
                            let v = d as usize - '0' as usize;
                            match &mut spec.precision {
                                Some(p) => *p = *p * 10 + v,
                                None => spec.width = spec.width * 10 + v,
                            }
                        }
                        'P' => {
                            out.push_str(&wrapper(cx.n));
                            break;
                        }
                        d if is_cmd(d) => {
                            if let Some(p) = spec.precision {
                                spec.width = spec.width.max(p);
                            }
                            let text = cx.field(d, spec, &sep);
                            pad(out, d, spec, &text);
                            break;
                        }
                        other => {
                            out.push(other);
                            break;
                        }
                    }
                }
            }
            c => out.push(c),
        }
    }
}

impl TrapdFormat {
    /// Appends the log text of `n`: `print1`/`print2` when set, else snmptrapd's layouts.
    pub fn write(&self, n: &Notification, o: &OutputOptions, mib: &Mib, out: &mut String) {
        let cx = Ctx {
            n,
            o,
            mib,
            hosts: &self.hosts,
            vars: &n.varbinds,
        };
        let custom = if n.v1.is_some() {
            self.print1.as_deref()
        } else {
            self.print2.as_deref()
        };
        match (custom, &n.v1) {
            (Some(f), _) => expand(f, &cx, out),
            (None, None) => expand(DEFAULT_PRINT2, &cx, out),
            (None, Some(_)) => self.plain_v1(&cx, out),
        }
    }

    /// snmptrapd's built-in v1 layout.
    fn plain_v1(&self, cx: &Ctx<'_>, out: &mut String) {
        let Some(v1) = &cx.n.v1 else { return };
        let _ = write!(
            out,
            "{}-{}-{} {}:{}:{} ",
            cx.time_field('y', false),
            two(&cx.time_field('m', false)),
            two(&cx.time_field('l', false)),
            two(&cx.time_field('h', false)),
            two(&cx.time_field('j', false)),
            two(&cx.time_field('k', false)),
        );
        let agent = IpAddr::V4(v1.agent_addr);
        let _ = write!(out, "{} [{agent}] ", self.hosts.agent_name(agent));
        let _ = write!(
            out,
            "(via {}) {}\n\t{} {} Trap (",
            transport_address(cx.n.source, cx.n.local),
            wrapper(cx.n),
            format_oid(&v1.enterprise, cx.o, cx.mib),
            trap_description(v1.generic_trap)
        );
        let q = cx.subtype();
        out.push_str(q.strip_prefix('.').unwrap_or(&q));
        let _ = writeln!(out, ") Uptime: {}", uptime_string(v1.time_stamp));
        for vb in &cx.n.varbinds {
            out.push('\t');
            out.push_str(&format_varbind(vb, cx.o, cx.mib));
        }
        out.push('\n');
    }

    /// The standard input of a `traphandle` program: host name, transport address, then one
    /// `OID value` line per varbind (values as `-Oq` prints them), v1 traps in their SNMPv2
    /// form (RFC 3584: sysUpTime.0, snmpTrapOID.0, the varbinds, snmpTrapAddress.0,
    /// snmpTrapCommunity.0, snmpTrapEnterprise.0).
    pub fn handler_input(&self, n: &Notification, o: &OutputOptions, mib: &Mib) -> String {
        let mut quick = o.clone();
        quick.quick = true;
        quick.quick_equals = false;
        let v2;
        let vars: &[VarBind] = match &n.v1 {
            None => &n.varbinds,
            Some(v1) => {
                let mut vbs = vec![VarBind::new(
                    Oid::from_slice(&crate::notify::SYS_UPTIME_0),
                    Value::TimeTicks(v1.time_stamp),
                )];
                if let Some(t) = &n.trap_oid {
                    vbs.push(VarBind::new(
                        Oid::from_slice(&crate::notify::SNMP_TRAP_OID_0),
                        Value::ObjectIdentifier(t.clone()),
                    ));
                }
                vbs.extend(n.varbinds.iter().cloned());
                vbs.push(VarBind::new(
                    Oid::from_slice(&SNMP_TRAP_ADDRESS_0),
                    Value::IpAddress(v1.agent_addr.octets()),
                ));
                if let Some(c) = n.community() {
                    vbs.push(VarBind::new(
                        Oid::from_slice(&SNMP_TRAP_COMMUNITY_0),
                        Value::OctetString(c.to_vec()),
                    ));
                }
                vbs.push(VarBind::new(
                    Oid::from_slice(&SNMP_TRAP_ENTERPRISE_0),
                    Value::ObjectIdentifier(v1.enterprise.clone()),
                ));
                v2 = vbs;
                &v2
            }
        };
        let cx = Ctx {
            n,
            o: &quick,
            mib,
            hosts: &self.hosts,
            vars,
        };
        let mut out = String::new();
        expand(EXECUTE_FORMAT, &cx, &mut out);
        out
    }
}

fn two(s: &str) -> String {
    format!("{s:0>2}")
}

/// Which notifications a `traphandle` line takes: one OID, a subtree (`OID*`: the OID and
/// below; `OID.*`: strictly below), or `default` (notifications no other line takes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HandlerMatch {
    /// Exactly this trap OID.
    Exact(Oid),
    /// This OID and everything below it (`OID*`).
    Subtree(Oid),
    /// Strictly below this OID (`OID.*`).
    Below(Oid),
    /// `default`.
    Default,
}

impl HandlerMatch {
    fn matches(&self, trap: &Oid) -> bool {
        match self {
            HandlerMatch::Exact(o) => trap == o,
            HandlerMatch::Subtree(o) => trap.arcs().starts_with(o.arcs()),
            HandlerMatch::Below(o) => {
                trap.arcs().len() > o.arcs().len() && trap.arcs().starts_with(o.arcs())
            }
            HandlerMatch::Default => false,
        }
    }
}

/// snmptrapd's `traphandle` lines: for each notification, the commands of every line whose
/// OID matches its trap OID (v1 traps by their RFC 3584 translation), else the `default`
/// lines' commands.
#[derive(Clone, Debug, Default)]
pub struct TrapHandlers {
    lines: Vec<(HandlerMatch, Arc<str>)>,
}

impl TrapHandlers {
    /// Handlers from `(match, command)` pairs, in the configuration's order.
    pub fn new(lines: Vec<(HandlerMatch, String)>) -> TrapHandlers {
        TrapHandlers {
            lines: lines.into_iter().map(|(m, c)| (m, c.into())).collect(),
        }
    }

    /// True when there are no handlers.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The commands to run for `n`.
    pub fn commands_for(&self, n: &Notification) -> Vec<Arc<str>> {
        let specific: Vec<Arc<str>> = match &n.trap_oid {
            Some(t) => self
                .lines
                .iter()
                .filter(|(m, _)| m.matches(t))
                .map(|(_, c)| c.clone())
                .collect(),
            None => Vec::new(),
        };
        if !specific.is_empty() {
            return specific;
        }
        self.lines
            .iter()
            .filter(|(m, _)| *m == HandlerMatch::Default)
            .map(|(_, c)| c.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::TrapV1Fields;
    use std::time::SystemTime;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    fn numeric() -> OutputOptions {
        let mut o = OutputOptions::default();
        o.parse_flags("n").unwrap();
        o
    }

    fn v2() -> Notification {
        Notification {
            received_at: SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000),
            source: "127.0.0.1:46052".parse().unwrap(),
            local: "127.0.0.1:21162".parse().unwrap(),
            version: Version::V2c,
            kind: NotificationKind::TrapV2,
            sender: Sender::Community(b"public".to_vec()),
            request_id: 1,
            trap_oid: Some(oid("1.3.6.1.6.3.1.1.5.3")),
            uptime: Some(40277),
            v1: None,
            varbinds: vec![
                VarBind::new(oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(40277)),
                VarBind::new(
                    oid("1.3.6.1.6.3.1.1.4.1.0"),
                    Value::ObjectIdentifier(oid("1.3.6.1.6.3.1.1.5.3")),
                ),
                VarBind::new(oid("1.3.6.1.2.1.2.2.1.1.2"), Value::Integer(2)),
                VarBind::new(
                    oid("1.3.6.1.2.1.1.5.0"),
                    Value::OctetString(b"hello world".to_vec()),
                ),
            ],
        }
    }

    fn v1() -> Notification {
        let mut n = v2();
        n.version = Version::V1;
        n.kind = NotificationKind::TrapV1;
        n.request_id = 0;
        n.trap_oid = Some(oid("1.3.6.1.4.1.8072.0.17"));
        n.v1 = Some(TrapV1Fields {
            enterprise: oid("1.3.6.1.4.1.8072"),
            agent_addr: "10.1.2.3".parse().unwrap(),
            generic_trap: 6,
            specific_trap: 17,
            time_stamp: 40279,
        });
        n.varbinds = vec![VarBind::new(
            oid("1.3.6.1.2.1.1.5.0"),
            Value::OctetString(b"x".to_vec()),
        )];
        n
    }

    fn hosts() -> HostNames {
        HostNames::from_hosts("127.0.0.1\tlocalhost\n::1 localhost ip6-localhost\n", false)
    }

    fn render(f: &TrapdFormat, n: &Notification) -> String {
        let mut s = String::new();
        f.write(n, &numeric(), &Mib::none(), &mut s);
        s
    }

    /// The lines net-snmp 5.9's snmptrapd wrote for the same traps (`-On`), dates aside.
    #[test]
    fn default_layouts_match_snmptrapd() {
        let f = TrapdFormat {
            hosts: hosts(),
            ..TrapdFormat::default()
        };
        let s = render(&f, &v2());
        let (date, rest) = s.split_at(20);
        assert_eq!(date.len(), 20);
        assert_eq!(
            rest,
            "localhost [UDP: [127.0.0.1]:46052->[127.0.0.1]:21162]:\n\
             .1.3.6.1.2.1.1.3.0 = Timeticks: (40277) 0:06:42.77\t\
             .1.3.6.1.6.3.1.1.4.1.0 = OID: .1.3.6.1.6.3.1.1.5.3\t\
             .1.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2\t\
             .1.3.6.1.2.1.1.5.0 = STRING: \"hello world\"\n"
        );
        let s = render(&f, &v1());
        assert_eq!(
            &s[20..],
            "10.1.2.3 [10.1.2.3] (via UDP: [127.0.0.1]:46052->[127.0.0.1]:21162) TRAP, SNMP v1, \
             community public\n\t.1.3.6.1.4.1.8072 Enterprise Specific Trap (17) Uptime: \
             0:06:42.79\n\t.1.3.6.1.2.1.1.5.0 = STRING: \"x\"\n"
        );
    }

    #[test]
    fn format_codes_match_snmptrapd() {
        let fmt = "%V %B %N %W %q %P%v\\n".replace("\\n", "\n");
        let f = TrapdFormat {
            print1: Some(fmt.clone()),
            print2: Some(fmt),
            hosts: hosts(),
        };
        assert_eq!(
            render(&f, &v2()),
            "localhost . Cold Start 0 TRAP2, SNMP v2c, community public\
             .1.3.6.1.2.1.1.3.0 = Timeticks: (40277) 0:06:42.77 \
             .1.3.6.1.6.3.1.1.4.1.0 = OID: .1.3.6.1.6.3.1.1.5.3 \
             .1.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2 .1.3.6.1.2.1.1.5.0 = STRING: \"hello world\"\n"
        );
        assert_eq!(
            render(&f, &v1()),
            "localhost .1.3.6.1.4.1.8072 Enterprise Specific .17 TRAP, SNMP v1, community public\
             .1.3.6.1.2.1.1.5.0 = STRING: \"x\"\n"
        );
    }

    #[test]
    fn widths_precision_and_flags() {
        let f = |fmt: &str| {
            let t = TrapdFormat {
                print2: Some(fmt.to_string()),
                hosts: hosts(),
                ..TrapdFormat::default()
            };
            render(&t, &v2())
        };
        // 1_800_000_000 is 2027-01-15 08:00:00 UTC.
        assert_eq!(
            f("%#.4y-%#.2m-%#.2l %#.2h:%#.2j:%#.2k"),
            "2027-01-15 08:00:00"
        );
        assert_eq!(f("%#.2y"), "27");
        assert_eq!(
            f("%#5m|%#-5m|%-12B|%12B|%.3B"),
            "00001|10000|localhost000|   localhost|loc"
        );
        assert_eq!(f("%t %s %S %u %w %%"), "1800000000 1 2 public 0 %");
        assert_eq!(
            f("%b|%a|%A"),
            "UDP: [127.0.0.1]:46052->[127.0.0.1]:21162|0.0.0.0|0.0.0.0"
        );
        assert_eq!(f("%#v").matches(", .1.3").count(), 4);
        assert_eq!(f("\\t\\\\\\q"), "\t\\\\q");
    }

    /// `-n` and IPv6, as snmptrapd 5.9 prints them.
    #[test]
    fn numeric_and_ipv6_sources() {
        let f = TrapdFormat {
            hosts: HostNames::from_hosts("127.0.0.1 localhost\n", true),
            ..TrapdFormat::default()
        };
        let s = render(&f, &v2());
        assert!(
            s[20..].starts_with(
                "UDP: [127.0.0.1]:46052->[127.0.0.1]:21162 [UDP: [127.0.0.1]:46052->[127.0.0.1]:21162]:\n"
            ),
            "{s}"
        );
        let mut n = v2();
        n.source = "[::1]:54986".parse().unwrap();
        n.local = "[::1]:21166".parse().unwrap();
        let f = TrapdFormat {
            hosts: hosts(),
            ..TrapdFormat::default()
        };
        assert!(render(&f, &n)[20..].starts_with("<UNKNOWN> [UDP/IPv6: [::1]:54986]:\n"));
    }

    /// What snmptrapd 5.9 gave a `traphandle default` script for the same traps.
    #[test]
    fn handler_input_matches_snmptrapd() {
        let f = TrapdFormat {
            hosts: hosts(),
            ..TrapdFormat::default()
        };
        assert_eq!(
            f.handler_input(&v2(), &numeric(), &Mib::none()),
            "localhost\nUDP: [127.0.0.1]:46052->[127.0.0.1]:21162\n\
             .1.3.6.1.2.1.1.3.0 0:0:06:42.77\n\
             .1.3.6.1.6.3.1.1.4.1.0 .1.3.6.1.6.3.1.1.5.3\n\
             .1.3.6.1.2.1.2.2.1.1.2 2\n\
             .1.3.6.1.2.1.1.5.0 \"hello world\"\n"
        );
        assert_eq!(
            f.handler_input(&v1(), &numeric(), &Mib::none()),
            "localhost\nUDP: [127.0.0.1]:46052->[127.0.0.1]:21162\n\
             .1.3.6.1.2.1.1.3.0 0:0:06:42.79\n\
             .1.3.6.1.6.3.1.1.4.1.0 .1.3.6.1.4.1.8072.0.17\n\
             .1.3.6.1.2.1.1.5.0 \"x\"\n\
             .1.3.6.1.6.3.18.1.3.0 10.1.2.3\n\
             .1.3.6.1.6.3.18.1.4.0 \"public\"\n\
             .1.3.6.1.6.3.1.1.4.3.0 .1.3.6.1.4.1.8072\n"
        );
    }

    #[test]
    fn handlers_match_oids_subtrees_and_default() {
        let h = TrapHandlers::new(vec![
            (
                HandlerMatch::Exact(oid("1.3.6.1.6.3.1.1.5.3")),
                "down".into(),
            ),
            (HandlerMatch::Subtree(oid("1.3.6.1.4.1")), "ent".into()),
            (
                HandlerMatch::Below(oid("1.3.6.1.4.1.8072")),
                "netsnmp".into(),
            ),
            (HandlerMatch::Default, "other".into()),
        ]);
        let names = |n: &Notification| -> Vec<String> {
            h.commands_for(n).iter().map(|c| c.to_string()).collect()
        };
        assert_eq!(names(&v2()), ["down"]);
        assert_eq!(names(&v1()), ["ent", "netsnmp"]);
        let mut n = v2();
        n.trap_oid = Some(oid("1.3.6.1.6.3.1.1.5.4"));
        assert_eq!(names(&n), ["other"]);
        n.trap_oid = Some(oid("1.3.6.1.4.1.8072"));
        assert_eq!(names(&n), ["ent"]);
    }
}
