//! Regenerates snmpkit's compact module files (`mibs/*.txt`).
//!
//! It loads a reference MIB collection with mib-rs, re-emits each module as canonical SMIv2 with
//! mib-rs' writer (names, OIDs, syntaxes, enumerations, hints, units, indexes, notifications),
//! and then replaces every piece of prose: each DESCRIPTION becomes a one-line sentence built
//! here from the definition's facts, REFERENCE clauses are dropped, and ORGANIZATION /
//! CONTACT-INFO are replaced. No text of the reference descriptions is written out.
//!
//! Usage: `gen-compact REFERENCE_DIR OUTPUT_DIR [MODULE,...]`
//! (run from this directory: `cargo run --release -- /work/shared/reference/mibs ../..`).

use std::collections::BTreeSet;

use mib_rs::{Mib, Module};

/// The standard modules snmpkit ships; their imports are added automatically.
const DEFAULT_MODULES: &[&str] = &[
    "SNMPv2-MIB",
    "IF-MIB",
    "IANAifType-MIB",
    "IP-MIB",
    "IP-FORWARD-MIB",
    "INET-ADDRESS-MIB",
    "HOST-RESOURCES-MIB",
    "HOST-RESOURCES-TYPES",
    "TCP-MIB",
    "UDP-MIB",
    "EtherLike-MIB",
    "HCNUM-TC",
    "SNMP-FRAMEWORK-MIB",
    "SNMP-MPD-MIB",
    "SNMP-USER-BASED-SM-MIB",
    "SNMP-VIEW-BASED-ACM-MIB",
    "SNMP-TARGET-MIB",
    "SNMP-NOTIFICATION-MIB",
    "SNMP-COMMUNITY-MIB",
    // The rest of net-snmp 5.9's default module list, and NET-SNMP-TC for `-m +NET-SNMP-TC`.
    "NOTIFICATION-LOG-MIB",
    "DISMAN-EVENT-MIB",
    "DISMAN-SCHEDULE-MIB",
    "MTA-MIB",
    "NETWORK-SERVICES-MIB",
    "UCD-DISKIO-MIB",
    "UCD-DLMOD-MIB",
    "LM-SENSORS-MIB",
    "UCD-SNMP-MIB",
    "UCD-DEMO-MIB",
    "NET-SNMP-AGENT-MIB",
    "IPV6-ICMP-MIB",
    "IPV6-MIB",
    "IPV6-TCP-MIB",
    "IPV6-UDP-MIB",
    "NET-SNMP-PASS-MIB",
    "NET-SNMP-EXTEND-MIB",
    "SNMPv2-TM",
    "NET-SNMP-VACM-MIB",
    "NET-SNMP-TC",
];

/// Where the authoritative text of each module is published.
fn publication(module: &str) -> &'static str {
    match module {
        "SNMPv2-MIB" => "RFC 3418",
        "IF-MIB" => "RFC 2863",
        "IP-MIB" => "RFC 4293",
        "IP-FORWARD-MIB" => "RFC 4292",
        "INET-ADDRESS-MIB" => "RFC 4001",
        "HOST-RESOURCES-MIB" | "HOST-RESOURCES-TYPES" => "RFC 2790",
        "TCP-MIB" => "RFC 4022",
        "UDP-MIB" => "RFC 4113",
        "EtherLike-MIB" => "RFC 3635",
        "HCNUM-TC" => "RFC 2856",
        "SNMP-FRAMEWORK-MIB" => "RFC 3411",
        "SNMP-MPD-MIB" => "RFC 3412",
        "SNMP-TARGET-MIB" | "SNMP-NOTIFICATION-MIB" => "RFC 3413",
        "SNMP-USER-BASED-SM-MIB" => "RFC 3414",
        "SNMP-VIEW-BASED-ACM-MIB" => "RFC 3415",
        "SNMP-COMMUNITY-MIB" => "RFC 3584",
        "NOTIFICATION-LOG-MIB" => "RFC 3014",
        "DISMAN-EVENT-MIB" => "RFC 2981",
        "DISMAN-SCHEDULE-MIB" => "RFC 3231",
        "MTA-MIB" => "RFC 2789",
        "NETWORK-SERVICES-MIB" => "RFC 2788",
        "IPV6-MIB" | "IPV6-TC" => "RFC 2465",
        "IPV6-ICMP-MIB" => "RFC 2466",
        "IPV6-TCP-MIB" => "RFC 2452",
        "IPV6-UDP-MIB" => "RFC 2454",
        "SNMPv2-TM" => "RFC 3417",
        m if is_net_snmp(m) => "the module file of the Net-SNMP distribution",
        m if m.starts_with("IANA") => "the IANA registry",
        _ => "its RFC",
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: gen-compact REFERENCE_DIR OUTPUT_DIR [MODULE,...]");
        std::process::exit(2);
    }
    let wanted: Vec<String> = match args.get(3) {
        Some(list) => list.split(',').map(String::from).collect(),
        None => DEFAULT_MODULES.iter().map(|s| s.to_string()).collect(),
    };
    let source = mib_rs::source::dir(&args[1]).expect("reference directory");
    let mib = mib_rs::Loader::new()
        .source(source)
        .modules(wanted)
        .load()
        .expect("reference modules load");
    for module in mib.user_modules() {
        let mut raw = Vec::new();
        mib_rs::writer::write(&mut raw, &mib, module.name()).expect("writer");
        let raw = String::from_utf8(raw).expect("utf-8");
        let text = rewrite(&mib, module, &raw);
        let path = format!("{}/{}.txt", args[2], module.name());
        std::fs::write(&path, text).expect("write output");
        eprintln!("wrote {path}");
    }
}

/// What a DESCRIPTION belongs to.
#[derive(Default, Clone)]
struct Context {
    name: String,
    macro_name: String,
    sub: Option<(String, String)>,
}

/// Replaces the prose clauses of one writer-emitted module.
fn rewrite(mib: &Mib, module: Module<'_>, raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() / 2);
    let mut ctx = Context::default();
    let bytes = raw.as_bytes();
    let mut i = 0;
    let mut line_start = true;
    while i < bytes.len() {
        if line_start {
            update_context(&raw[i..], &mut ctx);
            // The writer spells `INTEGER (range)` of an object as `Integer32 (range)`; keep the
            // module's own spelling so that tools printing the syntax show what the RFC says.
            let line = &raw[i..];
            let trimmed = line.trim_start();
            if ctx.macro_name == "OBJECT-TYPE" && trimmed.starts_with("SYNTAX Integer32") {
                let declared = module
                    .object(&ctx.name)
                    .and_then(|o| o.ty())
                    .map(|t| t.name() == "INTEGER")
                    .unwrap_or(false);
                if declared {
                    let indent = line.len() - trimmed.len();
                    out.push_str(&line[..indent]);
                    out.push_str("SYNTAX INTEGER");
                    i += indent + "SYNTAX Integer32".len();
                    line_start = false;
                    continue;
                }
            }
        }
        let rest = &raw[i..];
        if let Some((kw, after)) = prose_keyword(rest) {
            // Find the quoted string that follows the keyword.
            let ws = after.len() - after.trim_start().len();
            let body = &after[ws..];
            if let Some(len) = quoted_len(body) {
                let consumed = (rest.len() - after.len()) + ws + len;
                match kw {
                    "REFERENCE" => {
                        // Drop the clause together with its indentation.
                        while out.ends_with(' ') {
                            out.pop();
                        }
                        if out.ends_with('\n') {
                            out.pop();
                        }
                    }
                    _ => {
                        let text = match kw {
                            "ORGANIZATION" => organization(module.name()).to_string(),
                            "CONTACT-INFO" => format!(
                                "Compact edition by the snmpkit project. The authoritative \
                                 text is {}.",
                                publication(module.name())
                            ),
                            _ => describe(mib, module, &ctx),
                        };
                        out.push_str(kw);
                        out.push(' ');
                        out.push('"');
                        out.push_str(&text.replace('"', "'"));
                        out.push('"');
                    }
                }
                i += consumed;
                line_start = false;
                continue;
            }
        }
        let ch = rest.chars().next().unwrap_or(' ');
        if ch == '"' {
            // Some other quoted value (hint, units, dates, DEFVAL): copy verbatim.
            let len = quoted_len(rest).unwrap_or(1);
            out.push_str(&rest[..len]);
            i += len;
            line_start = false;
            continue;
        }
        out.push(ch);
        i += ch.len_utf8();
        line_start = ch == '\n';
    }
    out
}

/// Modules published by the Net-SNMP project rather than the IETF.
fn is_net_snmp(module: &str) -> bool {
    module.starts_with("NET-SNMP-") || module.starts_with("UCD-") || module == "LM-SENSORS-MIB"
}

fn organization(module: &str) -> &'static str {
    if module.starts_with("IANA") {
        "IANA"
    } else if is_net_snmp(module) {
        "Net-SNMP project"
    } else {
        "IETF"
    }
}

/// Returns the keyword and the text after it when `s` starts with a prose clause keyword.
fn prose_keyword(s: &str) -> Option<(&'static str, &str)> {
    for kw in ["DESCRIPTION", "REFERENCE", "ORGANIZATION", "CONTACT-INFO"] {
        if let Some(after) = s.strip_prefix(kw) {
            if after.starts_with(|c: char| c.is_whitespace()) {
                return Some((kw, after));
            }
        }
    }
    None
}

/// Length in bytes of an ASN.1 quoted string at the start of `s` (`""` is an escaped quote).
fn quoted_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.first() != Some(&b'"') {
        return None;
    }
    let mut i = 1;
    while i < b.len() {
        if b[i] == b'"' {
            if b.get(i + 1) == Some(&b'"') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

fn update_context(line: &str, ctx: &mut Context) {
    let line = line.split('\n').next().unwrap_or("");
    let indented = line.starts_with(' ');
    let words: Vec<&str> = line.split_whitespace().collect();
    if !indented {
        if words.len() >= 2 {
            let macro_name = if words[1] == "::=" {
                words.get(2).copied().unwrap_or("")
            } else {
                words[1]
            };
            ctx.name = words[0].to_string();
            ctx.macro_name = macro_name.to_string();
            ctx.sub = None;
        }
        return;
    }
    match words.first().copied() {
        Some(k @ ("GROUP" | "OBJECT" | "REVISION")) => {
            let arg = words.get(1).copied().unwrap_or("").trim_matches('"');
            ctx.sub = Some((k.to_string(), arg.to_string()));
        }
        Some("MODULE") => ctx.sub = None,
        _ => {}
    }
}

/// Splits a camelCase descriptor into lower-case words, expanding common abbreviations.
fn words(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut parts: Vec<String> = Vec::new();
    let mut cur = String::new();
    for (k, &c) in chars.iter().enumerate() {
        let prev = if k > 0 { Some(chars[k - 1]) } else { None };
        let next = chars.get(k + 1).copied();
        let boundary = match prev {
            None => false,
            Some(p) => {
                (c.is_uppercase() && (p.is_lowercase() || p.is_ascii_digit()))
                    || (c.is_uppercase()
                        && p.is_uppercase()
                        && next.is_some_and(|n| n.is_lowercase()))
                    || c == '-'
            }
        };
        if boundary && !cur.is_empty() {
            parts.push(std::mem::take(&mut cur));
        }
        if c != '-' {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    let expanded: Vec<String> = parts
        .iter()
        .map(|p| {
            let lower = p.to_lowercase();
            let e = match lower.as_str() {
                "if" => "interface",
                "oper" => "operational",
                "admin" => "administrative",
                "phys" => "physical",
                "descr" => "description",
                "addr" | "ad" => "address",
                "hr" => "host",
                "sw" => "software",
                "fs" => "file system",
                "num" => "number",
                "pkts" => "packets",
                "errs" => "errors",
                "ucast" => "unicast",
                "mcast" => "multicast",
                "bcast" => "broadcast",
                "nucast" => "non-unicast",
                "hc" => "high-capacity",
                "sys" => "system",
                "stats" => "statistics",
                "conn" => "connection",
                "rcv" => "receive",
                "xmit" => "transmit",
                "ent" => "entry",
                "tbl" => "table",
                "ip" | "tcp" | "udp" | "icmp" | "snmp" | "vacm" | "usm" | "mtu" | "mib" | "id"
                | "oid" | "ipv4" | "ipv6" | "tc" | "dns" | "mac" | "cidr" | "rip" | "ospf"
                | "bgp" | "fcs" | "sqe" | "dot3" | "pdu" | "pdus" | "eth" => {
                    return if lower == "pdus" {
                        "PDUs".to_string()
                    } else if lower == "dot3" {
                        "dot3".to_string()
                    } else {
                        lower.to_uppercase()
                    };
                }
                _ => return lower,
            };
            e.to_string()
        })
        .collect();
    expanded.join(" ")
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn join_names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = names.collect();
    match v.len() {
        0 => String::new(),
        1 => v[0].to_string(),
        _ => format!("{} and {}", v[..v.len() - 1].join(", "), v[v.len() - 1]),
    }
}

/// One fresh sentence describing the definition in `ctx`, built from its facts only.
fn describe(mib: &Mib, module: Module<'_>, ctx: &Context) -> String {
    let name = ctx.name.as_str();
    match ctx.macro_name.as_str() {
        "MODULE-IDENTITY" => match &ctx.sub {
            Some((k, date)) if k == "REVISION" => format!("Revision dated {}.", pretty_date(date)),
            _ => format!(
                "The {} module in compact form: its definitions without the explanatory text of {}.",
                module.name(),
                publication(module.name())
            ),
        },
        "TEXTUAL-CONVENTION" => {
            let ty = module.r#type(name);
            let kind = match ty {
                Some(t) if t.is_enumeration() => "An enumerated type",
                Some(t) if t.is_bits() => "A set of named bits",
                _ => "A textual convention",
            };
            format!("{kind} for {} values.", words(name))
        }
        "OBJECT-IDENTITY" => format!("Registration point for {}.", words(name)),
        "OBJECT-TYPE" => describe_object(mib, module, name),
        "NOTIFICATION-TYPE" => {
            let objs = module
                .notification(name)
                .map(|n| join_names(n.objects().map(|o| o.name())))
                .unwrap_or_default();
            if objs.is_empty() {
                format!("Notification: {}.", words(name))
            } else {
                format!("Notification: {}; it carries {objs}.", words(name))
            }
        }
        "OBJECT-GROUP" => format!(
            "Conformance group of {} objects.",
            module.group(name).map_or(0, |g| g.members().count())
        ),
        "NOTIFICATION-GROUP" => format!(
            "Conformance group of {} notifications.",
            module.group(name).map_or(0, |g| g.members().count())
        ),
        "MODULE-COMPLIANCE" => match &ctx.sub {
            Some((k, g)) if k == "GROUP" => format!("The group {g} is required where it applies."),
            Some((k, o)) if k == "OBJECT" => format!("Reduced requirement permitted for {o}."),
            _ => "Compliance statement for implementations of this module.".to_string(),
        },
        _ => format!("{}.", capitalise(&words(name))),
    }
}

fn pretty_date(d: &str) -> String {
    // "YYYYMMDDhhmmZ" or "YYMMDDhhmmZ"
    let digits: String = d.chars().filter(|c| c.is_ascii_digit()).collect();
    match digits.len() {
        12 => format!("{}-{}-{}", &digits[0..4], &digits[4..6], &digits[6..8]),
        10 => format!("19{}-{}-{}", &digits[0..2], &digits[2..4], &digits[4..6]),
        _ => d.to_string(),
    }
}

fn describe_object(_mib: &Mib, module: Module<'_>, name: &str) -> String {
    let Some(obj) = module.object(name) else {
        return format!("{}.", capitalise(&words(name)));
    };
    if obj.is_table() {
        let row = obj.row().map(|r| r.name().to_string()).unwrap_or_default();
        return format!("Table of {row} rows.");
    }
    if obj.is_row() {
        let table = obj
            .table()
            .map(|t| t.name().to_string())
            .unwrap_or_default();
        if let Some(base) = obj.augments() {
            return format!("A row of {table}, extending {} rows.", base.name());
        }
        let idx: BTreeSet<_> = obj.index().map(|i| i.name().to_string()).collect();
        let ordered: Vec<String> = obj.index().map(|i| i.name().to_string()).collect();
        let _ = idx;
        return format!(
            "A row of {table}, indexed by {}.",
            join_names(ordered.iter().map(|s| s.as_str()))
        );
    }
    let units = obj.units();
    let unit_note = if units.is_empty() {
        String::new()
    } else {
        format!(" in {units}")
    };
    if obj.is_column() {
        let table = obj
            .table()
            .map(|t| t.name().to_string())
            .unwrap_or_default();
        format!(
            "{}{unit_note}; a column of {table}.",
            capitalise(&words(name))
        )
    } else {
        let w = words(name);
        match w.strip_suffix(" number") {
            // `ifNumber`, `ipCidrRouteNumber`: a count of rows, not an identifier.
            Some(what) => format!("Number of {what} entries."),
            None => format!("{}{unit_note}.", capitalise(&w)),
        }
    }
}
