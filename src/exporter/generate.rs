//! `generator.yml` to `snmp.yml`, as snmp_exporter's generator makes it, with snmpkit's MIB
//! layer instead of net-snmp: the built-in modules plus any directories given. A broken MIB
//! is reported (`MIB warning: ...` with its file and line where known) and skipped; the
//! generation goes on with what loaded.
//!
//! The rules are the generator's (0.21): every readable (or not-accessible) object under a
//! walked name becomes a metric named after it, typed from its syntax and textual convention
//! (DisplayString, PhysAddress48, InetAddress..., DateAndTime, Float, Double; counters;
//! everything integer a gauge); HELP is the description's first sentence and the OID; indexes
//! come from the table's INDEX (following AUGMENTS); `lookups` add labels and the looked-up
//! column to the walk; `overrides` ignore, retype or add `regex_extracts`; walked scalars become
//! Gets of `.0`. The output keeps the input's layout: `auths:` + `modules:` in, the same out;
//! modules at the top (with `auth` inside) otherwise.

use crate::mib::{BaseType, Mib, MibConfig, NodeInfo, NodeKind};
use crate::Oid;
use serde::Deserialize;
use serde_norway::{Mapping, Value as Y};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// The generated file and the MIB problems met.
#[derive(Debug)]
pub struct Generated {
    /// snmp.yml text.
    pub yaml: String,
    /// Problems met, one line each (`MIB warning: FILE:LINE: ...`, unknown override names).
    pub warnings: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLookup {
    source_indexes: Vec<String>,
    lookup: String,
    #[serde(default)]
    drop_source_indexes: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    #[serde(default)]
    ignore: bool,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    regex_extracts: Option<Y>,
}

#[derive(Deserialize)]
struct RawGenModule {
    #[serde(default)]
    walk: Vec<Y>,
    #[serde(default)]
    lookups: Vec<RawLookup>,
    #[serde(default)]
    overrides: BTreeMap<String, RawOverride>,
    #[serde(flatten)]
    rest: BTreeMap<String, Y>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGen {
    #[serde(default)]
    auths: Option<Y>,
    modules: BTreeMap<String, RawGenModule>,
    #[serde(default)]
    version: Option<Y>,
}

/// The generator's metric type of a node, after its textual convention and hint.
fn node_type(n: &NodeInfo<'_>) -> Option<String> {
    let syn = n.syntax()?;
    let hint = syn.hint.as_str();
    let tc = syn.tc.as_deref().unwrap_or("");
    let digits_then_at = hint.len() > 1
        && hint[..hint.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && (hint.ends_with('a') || hint.ends_with('t'));
    let mut t: Option<&str> = match syn.base {
        BaseType::Integer32 | BaseType::Unsigned32 | BaseType::Gauge32 | BaseType::TimeTicks => {
            Some("gauge")
        }
        BaseType::Counter32 | BaseType::Counter64 => Some("counter"),
        BaseType::OctetString | BaseType::ObjectIdentifier => Some("OctetString"),
        BaseType::Bits => Some("Bits"),
        BaseType::IpAddress => Some("InetAddressIPv4"),
        _ => None,
    };
    t?;
    if hint == "1x:" {
        t = Some("PhysAddress48");
    }
    if digits_then_at {
        t = Some("DisplayString");
    }
    match tc {
        "DisplayString" => t = Some("DisplayString"),
        "PhysAddress" => t = Some("PhysAddress48"),
        "Float" | "Double" | "DateAndTime" | "InetAddressIPv4" | "InetAddressIPv6"
        | "InetAddress" | "LldpPortId" => t = Some(tc),
        "InetAddressType" | "LldpPortIdSubtype" => {}
        _ => {}
    }
    t.map(str::to_string)
}

fn valid_type(t: &str) -> bool {
    matches!(
        t,
        "gauge"
            | "counter"
            | "OctetString"
            | "Bits"
            | "InetAddressIPv4"
            | "InetAddressIPv6"
            | "InetAddress"
            | "InetAddressMissingSize"
            | "LldpPortId"
            | "PhysAddress48"
            | "DisplayString"
            | "Float"
            | "Double"
            | "DateAndTime"
            | "EnumAsInfo"
            | "EnumAsStateSet"
    )
}

fn accessible(n: &NodeInfo<'_>) -> bool {
    matches!(
        n.access(),
        "read-only" | "read-write" | "read-create" | "not-accessible" | "write-only"
    )
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn help(n: &NodeInfo<'_>) -> String {
    let d = n
        .description()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let first = d.split(". ").next().unwrap_or("").to_string();
    format!("{first} - {}", n.oid())
}

/// Sorts and removes OIDs covered by an earlier one, comparing as strings (the generator's
/// `minimizeOids`). Entries ending in `.` are instances.
fn minimize(mut oids: Vec<String>) -> Vec<String> {
    oids.sort();
    let mut out: Vec<String> = Vec::new();
    let mut prev = String::new();
    for o in oids {
        if prev.is_empty() || !format!("{o}.").starts_with(&prev) {
            prev = format!("{o}.");
            out.push(o);
        }
    }
    out
}

struct Ctx<'m> {
    mib: &'m Mib,
    types: BTreeMap<String, String>,
}

impl<'m> Ctx<'m> {
    fn type_of(&self, n: &NodeInfo<'_>) -> Option<String> {
        if let Some(t) = self.types.get(n.name()) {
            return Some(t.clone());
        }
        node_type(n)
    }

    fn find(&self, name: &str) -> Option<NodeInfo<'m>> {
        if let Ok(o) = name.trim_start_matches('.').parse::<Oid>() {
            return self.mib.node_at(&o);
        }
        self.mib.node(name)
    }
}

fn ystr(s: &str) -> Y {
    Y::String(s.to_string())
}

fn enum_map(list: &[(i64, String)]) -> Y {
    let mut m = Mapping::new();
    for (k, v) in list {
        m.insert(Y::Number((*k).into()), ystr(v));
    }
    Y::Mapping(m)
}

fn module(
    ctx: &mut Ctx<'_>,
    name: &str,
    cfg: &RawGenModule,
    warnings: &mut Vec<String>,
) -> Result<Mapping, String> {
    ctx.types.clear();
    for (oname, o) in &cfg.overrides {
        if o.kind.is_empty() {
            continue;
        }
        if !valid_type(&o.kind) {
            return Err(format!(
                "module {name}: invalid metric type override '{}'",
                o.kind
            ));
        }
        if ctx.find(oname).is_none() {
            warnings.push(format!(
                "module {name}: could not find node {oname} to override type"
            ));
        }
        ctx.types.insert(oname.clone(), o.kind.clone());
    }
    let mut need: BTreeSet<String> = BTreeSet::new();
    let mut roots: Vec<Oid> = Vec::new();
    let mut walk_oids: Vec<String> = Vec::new();
    for w in &cfg.walk {
        let s = match w {
            Y::String(s) => s.clone(),
            Y::Number(n) => n.to_string(),
            other => return Err(format!("module {name}: bad walk entry {other:?}")),
        };
        match ctx.find(&s) {
            Some(n) => walk_oids.push(n.oid().to_string()),
            None => walk_oids.push(s.trim_start_matches('.').to_string()),
        }
    }
    for w in minimize(walk_oids) {
        let oid: Oid = w
            .parse()
            .map_err(|_| format!("module {name}: cannot find oid '{w}' to walk"))?;
        match ctx.mib.node_at(&oid) {
            Some(n) => {
                let scalar = ctx.type_of(&n).is_some()
                    && accessible(&n)
                    && n.kind() != NodeKind::Column
                    && n.table_index().is_none();
                if scalar {
                    need.insert(format!("{w}.0."));
                } else {
                    need.insert(w.clone());
                }
                roots.push(oid);
            }
            None => {
                // An instance of a column.
                let n = ctx
                    .mib
                    .lookup(&oid)
                    .filter(|n| n.kind() == NodeKind::Column && ctx.type_of(n).is_some())
                    .ok_or_else(|| format!("module {name}: cannot find oid '{w}' to walk"))?;
                need.insert(format!("{w}."));
                roots.push(n.oid());
            }
        }
    }
    roots.sort();
    roots.dedup();
    // Every node under the roots, in OID order.
    let mut nodes: Vec<NodeInfo<'_>> = ctx
        .mib
        .nodes()
        .filter(|n| roots.iter().any(|r| n.oid().starts_with(r)))
        .collect();
    nodes.sort_by_key(|n| n.oid());
    let required: BTreeSet<&str> = cfg
        .lookups
        .iter()
        .flat_map(|l| l.source_indexes.iter().map(String::as_str))
        .collect();
    let mut metrics: Vec<Y> = Vec::new();
    'node: for n in nodes {
        let Some(t) = ctx.type_of(&n) else { continue };
        if !valid_type(&t) || !accessible(&n) {
            continue;
        }
        let mname = sanitize(n.name());
        if cfg.overrides.get(&mname).is_some_and(|o| o.ignore) {
            continue;
        }
        let mut indexes: Vec<Mapping> = Vec::new();
        let mut index_names: Vec<String> = Vec::new();
        let mut prev_tc = String::new();
        if n.kind() == NodeKind::Column {
            let parts = n.table_index().unwrap_or_default();
            let count = parts.len();
            for (k, p) in parts.iter().enumerate() {
                let Some(inode) = ctx.mib.node(p.name) else {
                    warnings.push(format!(
                        "could not find index {} for node {}",
                        p.name,
                        n.name()
                    ));
                    continue 'node;
                };
                let Some(it) = ctx.type_of(&inode).filter(|t| valid_type(t)) else {
                    warnings.push(format!(
                        "can't handle index type on node {}: index {}",
                        n.name(),
                        p.name
                    ));
                    continue 'node;
                };
                let mut m = Mapping::new();
                m.insert(ystr("labelname"), ystr(&sanitize(p.name)));
                m.insert(ystr("type"), ystr(&it));
                let fixed = inode.syntax().and_then(|s| {
                    (s.sizes.len() == 1)
                        .then(|| s.sizes[0].parse::<u64>().ok())
                        .flatten()
                });
                if let Some(f) = fixed.filter(|_| {
                    matches!(
                        it.as_str(),
                        "OctetString" | "DisplayString" | "PhysAddress48"
                    )
                }) {
                    m.insert(ystr("fixed_size"), Y::Number(f.into()));
                }
                if p.implied && k + 1 == count {
                    m.insert(ystr("implied"), Y::Bool(true));
                }
                if !inode.enums().is_empty() {
                    m.insert(ystr("enum_values"), enum_map(inode.enums()));
                }
                if matches!(
                    it.as_str(),
                    "InetAddress" | "InetAddressMissingSize" | "LldpPortId"
                ) {
                    let sub = if it == "LldpPortId" {
                        "LldpPortIdSubtype"
                    } else {
                        "InetAddressType"
                    };
                    if prev_tc == sub {
                        indexes.pop();
                        index_names.pop();
                    } else {
                        warnings.push(format!(
                            "can't handle index type on node {}, missing preceding {sub}",
                            n.name()
                        ));
                        continue 'node;
                    }
                }
                prev_tc = inode
                    .syntax()
                    .and_then(|s| s.tc.clone())
                    .unwrap_or_default();
                index_names.push(p.name.to_string());
                indexes.push(m);
            }
        }
        let mut lookups: Vec<Y> = Vec::new();
        let mut to_delete: Vec<String> = Vec::new();
        for l in &cfg.lookups {
            if !l.source_indexes.iter().all(|s| index_names.contains(s)) {
                continue;
            }
            let inode = ctx
                .find(&l.lookup)
                .ok_or_else(|| format!("module {name}: unknown index '{}'", l.lookup))?;
            let lt = ctx
                .type_of(&inode)
                .filter(|t| valid_type(t))
                .ok_or_else(|| format!("module {name}: unknown index type for {}", l.lookup))?;
            let label = sanitize(inode.name());
            let mut m = Mapping::new();
            m.insert(
                ystr("labels"),
                Y::Sequence(
                    l.source_indexes
                        .iter()
                        .map(|s| ystr(&sanitize(s)))
                        .collect(),
                ),
            );
            m.insert(ystr("labelname"), ystr(&label));
            m.insert(ystr("oid"), ystr(&inode.oid().to_string()));
            m.insert(ystr("type"), ystr(&lt));
            lookups.push(Y::Mapping(m));
            if required.contains(label.as_str()) {
                let mut i = Mapping::new();
                i.insert(ystr("labelname"), ystr(&label));
                i.insert(ystr("type"), ystr(&lt));
                indexes.push(i);
                index_names.push(label.clone());
            }
            need.insert(inode.oid().to_string());
            if l.drop_source_indexes {
                to_delete.extend(l.source_indexes.iter().cloned());
            }
        }
        for d in to_delete {
            let mut m = Mapping::new();
            m.insert(ystr("labels"), Y::Sequence(Vec::new()));
            m.insert(ystr("labelname"), ystr(&sanitize(&d)));
            lookups.push(Y::Mapping(m));
        }
        let mut t = t;
        if t == "InetAddress" || t == "InetAddressMissingSize" {
            let mut prev = n.oid().arcs().to_vec();
            if let Some(x) = prev.last_mut() {
                *x = x.saturating_sub(1);
            }
            let prev = Oid::from_slice(&prev);
            let ok = ctx.mib.node_at(&prev).is_some_and(|p| {
                p.syntax().and_then(|s| s.tc.as_deref()) == Some("InetAddressType")
            });
            if ok {
                need.insert(prev.to_string());
            } else {
                t = "OctetString".into();
            }
        }
        let mut m = Mapping::new();
        m.insert(ystr("name"), ystr(&mname));
        m.insert(ystr("oid"), ystr(&n.oid().to_string()));
        m.insert(ystr("type"), ystr(&t));
        m.insert(ystr("help"), ystr(&help(&n)));
        if !indexes.is_empty() {
            m.insert(
                ystr("indexes"),
                Y::Sequence(indexes.into_iter().map(Y::Mapping).collect()),
            );
        }
        if !lookups.is_empty() {
            m.insert(ystr("lookups"), Y::Sequence(lookups));
        }
        let over = cfg
            .overrides
            .get(&mname)
            .or_else(|| cfg.overrides.get(&n.oid().to_string()));
        if let Some(re) = over.and_then(|o| o.regex_extracts.clone()) {
            m.insert(ystr("regex_extracts"), re);
        }
        let enums = if t == "Bits" { n.bits() } else { n.enums() };
        if !enums.is_empty() {
            m.insert(ystr("enum_values"), enum_map(enums));
        }
        metrics.push(Y::Mapping(m));
    }
    let mut walk = Vec::new();
    let mut get = Vec::new();
    for k in minimize(need.into_iter().collect()) {
        match k.strip_suffix('.') {
            Some(g) => get.push(ystr(g)),
            None => walk.push(ystr(&k)),
        }
    }
    let mut out = Mapping::new();
    if !walk.is_empty() {
        out.insert(ystr("walk"), Y::Sequence(walk));
    }
    if !get.is_empty() {
        out.insert(ystr("get"), Y::Sequence(get));
    }
    out.insert(ystr("metrics"), Y::Sequence(metrics));
    // Walk parameters (and, in the old layout, version and auth) pass through.
    for (k, v) in &cfg.rest {
        out.insert(ystr(k), v.clone());
    }
    Ok(out)
}

/// Generates snmp.yml from generator.yml's text. `file` names it in errors; `dirs` are read
/// beside the built-in modules.
pub fn generate(text: &str, file: &str, dirs: &[PathBuf]) -> Result<Generated, String> {
    let raw: RawGen = serde_norway::from_str(text).map_err(|e| match e.location() {
        Some(l) => format!("{file}:{}:{}: {e}", l.line(), l.column()),
        None => format!("{file}: {e}"),
    })?;
    let mut warnings = Vec::new();
    let mib = if dirs.is_empty() {
        Mib::builtin()
    } else {
        let config = MibConfig {
            dirs: Some(
                dirs.iter()
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join(":"),
            ),
            modules: Some("ALL".into()),
            ..MibConfig::default()
        };
        let (mib, w) = Mib::load(&config);
        warnings.extend(w.iter().map(|w| w.to_string()));
        mib
    };
    let mut ctx = Ctx {
        mib: &mib,
        types: BTreeMap::new(),
    };
    let mut modules = Mapping::new();
    for (name, m) in &raw.modules {
        let out = module(&mut ctx, name, m, &mut warnings).map_err(|e| format!("{file}: {e}"))?;
        modules.insert(ystr(name), Y::Mapping(out));
    }
    let _ = raw.version;
    let mut top = Mapping::new();
    let doc = match raw.auths {
        Some(a) => {
            top.insert(ystr("auths"), a);
            top.insert(ystr("modules"), Y::Mapping(modules));
            Y::Mapping(top)
        }
        None => Y::Mapping(modules),
    };
    let body = serde_norway::to_string(&doc).map_err(|e| e.to_string())?;
    Ok(Generated {
        yaml: format!(
            "# WARNING: This file was auto-generated using snmpkit exporter generate, manual changes will be lost.\n{body}"
        ),
        warnings,
    })
}
