//! Name <-> OID text, as snmptranslate and the other net-snmp tools print and parse it.

use super::index::{self, IndexPart};
use super::{BaseType, CachedName, IndexShape, LookupCache, Mib, MibError, NodeInfo, NodeKind};
use crate::Oid;

/// How an OID is printed (net-snmp's `-O` output options for OIDs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OidStyle {
    /// `IF-MIB::ifDescr.3` (the default, `-OS`).
    #[default]
    Module,
    /// `ifDescr.3` (`-Os`).
    Short,
    /// `.iso.org.dod.internet.mgmt.mib-2.interfaces.ifTable.ifEntry.ifDescr.3` (`-Of`).
    Full,
    /// `.1.3.6.1.2.1.2.2.1.2.3` (`-On`).
    Numeric,
    /// `interfaces.ifTable.ifEntry.ifDescr.3`: relative to mib-2 when below it (`-Ou`).
    Ucd,
}

const MIB2: &[u32] = &[1, 3, 6, 1, 2, 1];
const PRIVATE: &[u32] = &[1, 3, 6, 1, 4];

impl Mib {
    /// Prints an OID in the given style. `numeric_index` prints the instance as plain numbers
    /// (`-Ob`) instead of decoding it.
    pub fn format_oid(&self, oid: &Oid, style: OidStyle, numeric_index: bool) -> String {
        let mut s = String::new();
        self.write_oid(&mut s, oid, style, numeric_index, &mut LookupCache::new());
        s
    }

    /// Appends `oid` as [`format_oid`](Mib::format_oid) prints it. `cache` keeps the last
    /// node and its printed name, so the next instance of the same column costs a comparison
    /// and a copy instead of a search and a format (see [`LookupCache`]).
    pub fn write_oid(
        &self,
        out: &mut String,
        oid: &Oid,
        style: OidStyle,
        numeric_index: bool,
        cache: &mut LookupCache,
    ) {
        let info = if style == OidStyle::Numeric {
            None
        } else {
            self.lookup_cached(oid, cache)
        };
        self.write_found(out, oid, info.as_ref(), style, numeric_index, cache);
    }

    /// [`write_oid`](Mib::write_oid) for an OID just looked up with
    /// [`lookup_cached`](Mib::lookup_cached) through the same `cache` (which still describes
    /// `info`): the varbind printer needs the node for the value too, and searches once.
    pub(crate) fn write_found(
        &self,
        out: &mut String,
        oid: &Oid,
        info: Option<&NodeInfo<'_>>,
        style: OidStyle,
        numeric_index: bool,
        cache: &mut LookupCache,
    ) {
        if style == OidStyle::Numeric {
            cache.numeric.write(out, oid.arcs());
            return;
        }
        let Some(info) = info else {
            oid.push_dotted_leading(out);
            return;
        };
        // Only a node the cache holds (one without named descendants) keeps its name; the
        // -Ou form is rare and printed in full each time.
        let pos = match cache.leaf {
            Some((pos, _)) if style != OidStyle::Ucd => pos,
            _ => {
                out.push_str(&format_info(info, style, numeric_index));
                return;
            }
        };
        let name = match cache.name.take() {
            Some(n) if n.pos == pos && n.style == style => n,
            _ => CachedName {
                pos,
                style,
                text: name_text(info, style),
                index: index_shape(info),
            },
        };
        out.push_str(&name.text);
        let numeric = match name.index {
            IndexShape::Numeric => true,
            IndexShape::Integers(n) => n == info.suffix().len(),
            IndexShape::Decoded => numeric_index,
        };
        if numeric || numeric_index {
            let mut digits = itoa::Buffer::new();
            for a in info.suffix() {
                out.push('.');
                out.push_str(digits.format(*a));
            }
        } else {
            out.push_str(&info.suffix_display());
        }
        cache.name = Some(name);
    }

    /// The labelled path from the root, `.iso.org.dod.internet...` (`-Of` without instance).
    pub fn full_path(&self, oid: &Oid) -> String {
        self.format_oid(oid, OidStyle::Full, true)
    }

    /// The `snmptranslate -Td` description of the node at (or above) `oid`.
    pub fn describe(&self, oid: &Oid) -> Option<String> {
        describe(self, &self.lookup(oid)?)
    }
}

fn suffix_text(info: &NodeInfo<'_>, numeric_index: bool) -> String {
    if numeric_index {
        info.suffix().iter().map(|a| format!(".{a}")).collect()
    } else {
        info.suffix_display()
    }
}

/// Labels of every prefix of the node's OID: `iso`, `org`, ... or the number when unnamed.
fn labels(info: &NodeInfo<'_>) -> Vec<String> {
    let arcs = &info.node.oid;
    (1..=arcs.len())
        .map(|k| {
            let prefix = arcs.get(..k).unwrap_or(&[]);
            info.mib
                .position(prefix)
                .and_then(|p| info.mib.data.model.nodes.get(p))
                .map(|n| n.name.clone())
                .unwrap_or_else(|| prefix.last().map(|a| a.to_string()).unwrap_or_default())
        })
        .collect()
}

/// A node's name without its instance, as [`format_info`] begins it (not for `-Ou`, whose
/// text depends on the instance when the node is mib-2 or private itself).
fn name_text(info: &NodeInfo<'_>, style: OidStyle) -> String {
    match style {
        OidStyle::Module if !info.module().is_empty() => {
            format!("{}::{}", info.module(), info.name())
        }
        OidStyle::Full => format!(".{}", labels(info).join(".")),
        OidStyle::Numeric => info.oid().to_dotted_leading(),
        _ => info.name().to_string(),
    }
}

/// How a node's instances print after its name (see [`IndexShape`]).
fn index_shape(info: &NodeInfo<'_>) -> IndexShape {
    if info.node.kind != NodeKind::Column {
        return IndexShape::Numeric;
    }
    match info.table_index() {
        None => IndexShape::Numeric,
        Some(parts) => {
            let plain = parts.iter().all(|p| {
                p.syntax
                    .is_some_and(|s| s.base.is_integer() && s.enums.is_empty())
            });
            if plain {
                IndexShape::Integers(parts.len())
            } else {
                IndexShape::Decoded
            }
        }
    }
}

pub(super) fn format_info(info: &NodeInfo<'_>, style: OidStyle, numeric_index: bool) -> String {
    let suffix = suffix_text(info, numeric_index);
    match style {
        OidStyle::Numeric => {
            let mut o = info.oid();
            o.extend_from_slice(info.suffix());
            o.to_dotted_leading()
        }
        OidStyle::Module => {
            let module = info.module();
            if module.is_empty() {
                format!("{}{suffix}", info.name())
            } else {
                format!("{module}::{}{suffix}", info.name())
            }
        }
        OidStyle::Short => format!("{}{suffix}", info.name()),
        OidStyle::Full => format!(".{}{suffix}", labels(info).join(".")),
        OidStyle::Ucd => {
            // net-snmp drops `.iso.org.dod.internet.mgmt.mib-2.` and
            // `.iso.org.dod.internet.private.` in this style.
            let l = labels(info);
            let strip = [MIB2, PRIVATE]
                .into_iter()
                .find(|p| info.node.oid.starts_with(p))
                .map(|p| p.len());
            match strip {
                Some(n) => {
                    let text = format!("{}{suffix}", l.get(n..).unwrap_or(&[]).join("."));
                    text.strip_prefix('.').map(String::from).unwrap_or(text)
                }
                None => format!(".{}{suffix}", l.join(".")),
            }
        }
    }
}

fn unknown(input: &str, detail: Option<String>) -> MibError {
    MibError::UnknownObject {
        input: input.to_string(),
        detail,
    }
}

/// Splits an instance suffix into tokens: numbers/words, `"quoted"` and `'quoted'` strings
/// (which may contain dots).
#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted(Vec<u8>, bool),
}

fn tokenize(s: &str) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            '.' => {
                chars.next();
            }
            '"' | '\'' => {
                chars.next();
                let mut text = String::new();
                let mut closed = false;
                for ch in chars.by_ref() {
                    if ch == c {
                        closed = true;
                        break;
                    }
                    text.push(ch);
                }
                if !closed {
                    return None;
                }
                out.push(Token::Quoted(text.into_bytes(), c == '\''));
            }
            _ => {
                let mut w = String::new();
                while let Some(&ch) = chars.peek() {
                    if ch == '.' {
                        break;
                    }
                    w.push(ch);
                    chars.next();
                }
                out.push(Token::Word(w));
            }
        }
    }
    Some(out)
}

pub(super) fn resolve(mib: &Mib, input: &str) -> Result<Oid, MibError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(unknown(input, None));
    }
    // Numeric, or a dotted path from the root (`.iso.org.dod...`).
    let starts_numeric = text.starts_with(|c: char| c.is_ascii_digit());
    if starts_numeric || text.starts_with('.') {
        if let Ok(oid) = text.parse::<Oid>() {
            return Ok(oid);
        }
        return resolve_path(mib, input, text.trim_start_matches('.'));
    }
    let (module, rest) = match text.split_once("::") {
        Some((m, r)) => (Some(m), r),
        None => (None, text),
    };
    let (name, suffix) = match rest.find('.') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let node = match module {
        Some(m) => mib
            .node(&format!("{m}::{name}"))
            .ok_or_else(|| unknown(input, None))?,
        None => mib
            .node(name)
            .ok_or_else(|| unknown(input, Some(format!("Sub-id not found: (top) -> {name}"))))?,
    };
    let tokens = tokenize(suffix).ok_or_else(|| unknown(input, None))?;
    let mut oid = node.oid();
    append_instance(mib, input, node, &tokens, &mut oid)?;
    Ok(oid)
}

fn resolve_path(mib: &Mib, input: &str, path: &str) -> Result<Oid, MibError> {
    let tokens = tokenize(path).ok_or_else(|| unknown(input, None))?;
    let mut oid = Oid::empty();
    let mut parent = "(top)".to_string();
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Token::Word(w) if w.bytes().all(|b| b.is_ascii_digit()) => {
                let n: u32 = w.parse().map_err(|_| unknown(input, None))?;
                oid.push(n);
            }
            Token::Word(w) => {
                let child = if oid.is_empty() {
                    mib.data
                        .model
                        .nodes
                        .iter()
                        .position(|n| n.oid.len() == 1 && n.name == *w)
                        .and_then(|p| mib.info(p, &[]))
                } else {
                    mib.children(&oid).into_iter().find(|c| c.name() == w)
                };
                match child {
                    Some(c) => {
                        oid = c.oid();
                        parent = c.name().to_string();
                    }
                    None => {
                        // An index after a named column: let the index parser have the rest.
                        if let Some(node) = mib.node_at(&oid) {
                            if node.kind() == NodeKind::Column {
                                append_instance(mib, input, node, &tokens[i..], &mut oid)?;
                                return Ok(oid);
                            }
                        }
                        return Err(unknown(
                            input,
                            Some(format!("Sub-id not found: {parent} -> {w}")),
                        ));
                    }
                }
            }
            Token::Quoted(..) => {
                let Some(node) = mib.node_at(&oid) else {
                    return Err(unknown(input, None));
                };
                append_instance(mib, input, node, &tokens[i..], &mut oid)?;
                return Ok(oid);
            }
        }
    }
    Ok(oid)
}

/// Appends the instance tokens after `node`: child names, numbers, and index values typed by
/// the table's INDEX clause (quoted strings, enumeration labels).
fn append_instance(
    mib: &Mib,
    input: &str,
    node: NodeInfo<'_>,
    tokens: &[Token],
    oid: &mut Oid,
) -> Result<(), MibError> {
    let mut node = node;
    let mut rest = tokens;
    // Descend through named children first (`system.sysName.0`).
    while let Some(Token::Word(w)) = rest.first() {
        if w.bytes().all(|b| b.is_ascii_digit()) {
            break;
        }
        match mib
            .children(&node.oid())
            .into_iter()
            .find(|c| c.name() == w)
        {
            Some(c) => {
                node = c;
                *oid = c.oid();
                rest = &rest[1..];
            }
            None => break,
        }
    }
    let parts: Vec<IndexPart<'_>> = if node.kind() == NodeKind::Column {
        node.table_index().unwrap_or_default()
    } else {
        Vec::new()
    };
    let mut cursor = 0usize;
    for t in rest {
        let part = parts.get(cursor);
        let last = cursor + 1 == parts.len();
        let bad = |w: &str| {
            let what = part.map(|p| p.name).unwrap_or(node.name());
            unknown(input, Some(format!("Index out of range: {w} ({what})")))
        };
        match t {
            Token::Word(w) if w.bytes().all(|b| b.is_ascii_digit()) => {
                let n: u32 = w.parse().map_err(|_| bad(w))?;
                oid.push(n);
                if part.is_some_and(|p| p.base().is_integer()) {
                    cursor += 1;
                } else {
                    // A raw sub-identifier of a string or OID component: no longer aligned.
                    cursor = parts.len();
                }
            }
            Token::Word(w) => {
                let value = part
                    .and_then(|p| p.syntax)
                    .and_then(|s| s.enum_value(w))
                    .and_then(|v| u32::try_from(v).ok())
                    .ok_or_else(|| bad(w))?;
                oid.push(value);
                cursor += 1;
            }
            Token::Quoted(bytes, single) => {
                let arcs = match part {
                    Some(p) if !p.base().is_integer() => {
                        let p = IndexPart {
                            implied: p.implied || *single,
                            ..*p
                        };
                        index::encode_octets(&p, bytes, last || *single)
                    }
                    Some(p) => {
                        let shown = String::from_utf8_lossy(bytes).into_owned();
                        return Err(unknown(
                            input,
                            Some(format!("Index out of range: \"{shown}\" ({})", p.name)),
                        ));
                    }
                    None => {
                        let mut v = Vec::with_capacity(bytes.len() + 1);
                        if !*single {
                            v.push(u32::try_from(bytes.len()).unwrap_or(u32::MAX));
                        }
                        v.extend(bytes.iter().map(|&b| u32::from(b)));
                        v
                    }
                };
                oid.extend_from_slice(&arcs);
                cursor += 1;
            }
        }
        if oid.len() > snmpkit_proto::MAX_OID_LEN {
            return Err(unknown(input, None));
        }
    }
    Ok(())
}

fn syntax_line(info: &NodeInfo<'_>) -> Option<String> {
    let s = info.syntax()?;
    let mut line = String::new();
    if !s.enums.is_empty() {
        let list: Vec<String> = s.enums.iter().map(|(v, l)| format!("{l}({v})")).collect();
        line.push_str(&format!("INTEGER {{{}}} ", list.join(", ")));
        return Some(line);
    }
    if !s.bits.is_empty() {
        let list: Vec<String> = s.bits.iter().map(|(v, l)| format!("{l}({v})")).collect();
        line.push_str(&format!("BITS {{{}}} ", list.join(", ")));
        return Some(line);
    }
    let keyword = match s.primitive.as_str() {
        "Integer32" | "INTEGER" | "Unsigned32" | "Counter32" | "Counter64" | "Gauge32"
        | "TimeTicks" | "IpAddress" | "Opaque" | "NetworkAddress" => s.primitive.clone(),
        _ => s.base.keyword().to_string(),
    };
    line.push_str(&keyword);
    let cons = if !s.sizes.is_empty() {
        &s.sizes
    } else {
        &s.ranges
    };
    if !cons.is_empty() {
        if s.base == BaseType::Opaque {
            // net-snmp prints the defining module where an Opaque's size would go.
            line.push_str(&format!(" ({}) ", info.module()));
        } else {
            line.push_str(&format!(" ({}) ", cons.join(" | ")));
        }
    }
    Some(line)
}

/// DEFVAL as net-snmp prints it: hex strings as a number, quotes escaped.
fn defval_text(info: &NodeInfo<'_>) -> String {
    let d = info.default_value();
    let hex = d
        .strip_prefix('\'')
        .and_then(|x| x.strip_suffix("'H").or_else(|| x.strip_suffix("'h")));
    if let Some(h) = hex {
        if h.is_empty() {
            return "0".to_string();
        }
        if let Ok(v) = u64::from_str_radix(h, 16) {
            return v.to_string();
        }
    }
    if d.starts_with('{') {
        // A BITS value: net-snmp separates the labels with " , ".
        return d.replace(", ", " , ").replace('"', "\\\"");
    }
    d.replace('"', "\\\"")
}

/// The `snmptranslate -Td` text for a node.
fn describe(mib: &Mib, info: &NodeInfo<'_>) -> Option<String> {
    let mut out = String::new();
    out.push_str(&format_info(info, OidStyle::Module, false));
    out.push('\n');
    // net-snmp 5.9 has no name for NOTIFICATION-GROUP and prints its internal type number.
    let macro_name = match info.kind() {
        NodeKind::NotificationGroup => "type_23",
        k => k.macro_name(),
    };
    out.push_str(&format!("{} {}\n", info.name(), macro_name));
    // Every module that defines the node, in the order they were read.
    out.push_str(&format!(
        "  -- FROM\t{}\n",
        info.defining_modules().join(", ")
    ));
    if let Some(tc) = info.textual_convention() {
        out.push_str(&format!("  -- TEXTUAL CONVENTION {tc}\n"));
    }
    if let Some(line) = syntax_line(info) {
        out.push_str(&format!("  SYNTAX\t{line}\n"));
    }
    if let Some(h) = info.display_hint() {
        out.push_str(&format!("  DISPLAY-HINT\t\"{h}\"\n"));
    }
    if let Some(u) = info.units() {
        out.push_str(&format!("  UNITS\t\t\"{u}\"\n"));
    }
    if !info.access().is_empty() {
        out.push_str(&format!("  MAX-ACCESS\t{}\n", info.access()));
    }
    let object_type = matches!(
        info.kind(),
        NodeKind::Scalar | NodeKind::Column | NodeKind::Row | NodeKind::Table
    );
    if !info.status().is_empty() && object_type {
        out.push_str(&format!("  STATUS\t{}\n", info.status()));
    }
    if info.kind() == NodeKind::Row {
        if let Some(base) = info.augments() {
            out.push_str(&format!("  AUGMENTS\t{{ {} }}\n", base.name()));
        } else {
            let idx: Vec<String> = info
                .node
                .index
                .iter()
                .map(|i| {
                    if i.implied {
                        format!("IMPLIED {}", i.name)
                    } else {
                        i.name.clone()
                    }
                })
                .collect();
            if !idx.is_empty() {
                out.push_str(&format!("  INDEX\t\t{{ {} }}\n", idx.join(", ")));
            }
        }
    }
    if info.kind() == NodeKind::Notification && !info.objects().is_empty() {
        out.push_str(&format!("  OBJECTS\t{{ {} }}\n", info.objects().join(", ")));
    }
    if !info.description().is_empty() {
        out.push_str(&format!("  DESCRIPTION\t\"{}\"\n", info.description()));
    }
    if !info.default_value().is_empty() {
        out.push_str(&format!("  DEFVAL\t{{ {} }}\n", defval_text(info)));
    }
    // ::= { iso(1) org(3) ... parent(n) arc }, over the OID asked about: for an instance such
    // as sysName.0 the object itself is named too (`sysName(5) 0`).
    let mut full: Vec<u32> = info.node.oid.to_vec();
    full.extend_from_slice(info.suffix());
    let arcs = &full;
    let mut path = Vec::new();
    for k in 1..arcs.len() {
        let prefix = arcs.get(..k).unwrap_or(&[]);
        let arc = prefix.last().copied().unwrap_or(0);
        match mib
            .position(prefix)
            .and_then(|p| mib.data.model.nodes.get(p))
        {
            Some(n) => path.push(format!("{}({arc})", n.name)),
            None => path.push(arc.to_string()),
        }
    }
    path.push(arcs.last().map(|a| a.to_string()).unwrap_or_default());
    out.push_str(&format!("::= {{ {} }}", path.join(" ")));
    Some(out)
}
