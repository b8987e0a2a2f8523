//! The owned, compact MIB model: one record per named OID, built from a resolved `mib_rs::Mib`
//! and serializable so that the built-in modules can be compiled into the binary.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// The SMI base type of an object's values (RFC 2578 §7.1), after following textual conventions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum BaseType {
    /// INTEGER / Integer32, including enumerations.
    Integer32,
    /// Unsigned32.
    Unsigned32,
    /// Counter32.
    Counter32,
    /// Counter64.
    Counter64,
    /// Gauge32.
    Gauge32,
    /// TimeTicks.
    TimeTicks,
    /// IpAddress.
    IpAddress,
    /// OCTET STRING.
    OctetString,
    /// OBJECT IDENTIFIER.
    ObjectIdentifier,
    /// BITS (an OCTET STRING on the wire).
    Bits,
    /// Opaque.
    Opaque,
    /// Not known (an unresolved type in a broken module).
    Unknown,
}

impl BaseType {
    /// The SMI keyword for the type, as net-snmp prints it in `SYNTAX` lines.
    pub fn keyword(self) -> &'static str {
        match self {
            BaseType::Integer32 => "INTEGER",
            BaseType::Unsigned32 => "Unsigned32",
            BaseType::Counter32 => "Counter32",
            BaseType::Counter64 => "Counter64",
            BaseType::Gauge32 => "Gauge32",
            BaseType::TimeTicks => "TimeTicks",
            BaseType::IpAddress => "IpAddress",
            BaseType::OctetString => "OCTET STRING",
            BaseType::ObjectIdentifier => "OBJECT IDENTIFIER",
            BaseType::Bits => "BITS",
            BaseType::Opaque => "Opaque",
            BaseType::Unknown => "UNKNOWN",
        }
    }

    /// Whether values of this type are a single integer sub-identifier in a table index.
    pub fn is_integer(self) -> bool {
        matches!(
            self,
            BaseType::Integer32
                | BaseType::Unsigned32
                | BaseType::Counter32
                | BaseType::Gauge32
                | BaseType::TimeTicks
        )
    }

    fn from_mib_rs(b: mib_rs::BaseType) -> BaseType {
        use mib_rs::BaseType as B;
        match b {
            B::Integer32 => BaseType::Integer32,
            B::Unsigned32 => BaseType::Unsigned32,
            B::Counter32 => BaseType::Counter32,
            B::Counter64 | B::Unsigned64 | B::Integer64 => BaseType::Counter64,
            B::Gauge32 => BaseType::Gauge32,
            B::TimeTicks => BaseType::TimeTicks,
            B::IpAddress => BaseType::IpAddress,
            B::OctetString => BaseType::OctetString,
            B::ObjectIdentifier => BaseType::ObjectIdentifier,
            B::Bits => BaseType::Bits,
            B::Opaque => BaseType::Opaque,
            _ => BaseType::Unknown,
        }
    }
}

/// What a named OID is (RFC 2578 macros).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum NodeKind {
    /// A plain `OBJECT IDENTIFIER` registration.
    Node,
    /// A scalar `OBJECT-TYPE` (instance `.0`).
    Scalar,
    /// A conceptual table (`SEQUENCE OF`).
    Table,
    /// A conceptual row (entry) of a table.
    Row,
    /// A columnar object of a table.
    Column,
    /// A `NOTIFICATION-TYPE` or SMIv1 `TRAP-TYPE`.
    Notification,
    /// An `OBJECT-GROUP`.
    Group,
    /// A `NOTIFICATION-GROUP`.
    NotificationGroup,
    /// A `MODULE-COMPLIANCE`.
    Compliance,
    /// An `AGENT-CAPABILITIES`.
    Capability,
    /// A `MODULE-IDENTITY`.
    ModuleIdentity,
    /// An `OBJECT-IDENTITY`.
    ObjectIdentity,
}

impl NodeKind {
    /// The SMI macro name, as printed by `snmptranslate -Td`.
    pub fn macro_name(self) -> &'static str {
        match self {
            NodeKind::Scalar | NodeKind::Table | NodeKind::Row | NodeKind::Column => "OBJECT-TYPE",
            NodeKind::Node => "OBJECT-TYPE",
            NodeKind::Notification => "NOTIFICATION-TYPE",
            NodeKind::Group => "OBJECT-GROUP",
            NodeKind::NotificationGroup => "NOTIFICATION-GROUP",
            NodeKind::Compliance => "MODULE-COMPLIANCE",
            NodeKind::Capability => "AGENT-CAPABILITIES",
            NodeKind::ModuleIdentity => "MODULE-IDENTITY",
            NodeKind::ObjectIdentity => "OBJECT-IDENTITY",
        }
    }
}

/// The value syntax of an object: base type plus what the MIB says about presentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Syntax {
    /// The base type after following textual conventions.
    #[serde(rename = "b")]
    pub base: BaseType,
    /// The type as written in the object's SYNTAX clause (`DisplayString`, `INTEGER`, ...).
    #[serde(rename = "t")]
    pub type_name: String,
    /// The SMI type the definition chain starts from (`Integer32`, `INTEGER`, `OCTET STRING`).
    #[serde(rename = "p", default, skip_serializing_if = "String::is_empty")]
    pub primitive: String,
    /// The nearest textual convention, if any (`DisplayString`, `InetAddress`, ...).
    #[serde(rename = "c", default, skip_serializing_if = "Option::is_none")]
    pub tc: Option<String>,
    /// The effective DISPLAY-HINT (RFC 2579 §3.1), or empty.
    #[serde(rename = "h", default, skip_serializing_if = "String::is_empty")]
    pub hint: String,
    /// Enumerated values `(number, label)` of an INTEGER, in definition order.
    #[serde(rename = "e", default, skip_serializing_if = "Vec::is_empty")]
    pub enums: Vec<(i64, String)>,
    /// Named bits `(bit, label)` of a BITS type.
    #[serde(rename = "x", default, skip_serializing_if = "Vec::is_empty")]
    pub bits: Vec<(i64, String)>,
    /// SIZE constraint ranges as written (`"0..255"`, `"8"`).
    #[serde(rename = "s", default, skip_serializing_if = "Vec::is_empty")]
    pub sizes: Vec<String>,
    /// Value range constraints as written (`"1..2147483647"`).
    #[serde(rename = "r", default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<String>,
}

impl Syntax {
    /// The label of an enumerated value.
    pub fn enum_label(&self, value: i64) -> Option<&str> {
        self.enums
            .iter()
            .find(|(v, _)| *v == value)
            .map(|(_, l)| l.as_str())
    }

    /// The value of an enumeration label.
    pub fn enum_value(&self, label: &str) -> Option<i64> {
        self.enums.iter().find(|(_, l)| l == label).map(|(v, _)| *v)
    }

    /// The fixed length of a string type with a single-value SIZE (`SIZE (6)`), if any.
    pub fn fixed_size(&self) -> Option<usize> {
        match self.sizes.as_slice() {
            [one] if !one.contains("..") => one.trim().parse().ok(),
            _ => None,
        }
    }
}

/// One component of a row's INDEX clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct IndexRec {
    #[serde(rename = "n")]
    pub name: String,
    #[serde(rename = "i", default, skip_serializing_if = "is_false")]
    pub implied: bool,
    /// OID of the index object, to find its syntax.
    #[serde(rename = "o", default, skip_serializing_if = "Vec::is_empty")]
    pub oid: Vec<u32>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One named OID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct NodeRec {
    #[serde(rename = "o")]
    pub oid: Vec<u32>,
    #[serde(rename = "n")]
    pub name: String,
    /// Index into `Model::modules`.
    #[serde(rename = "m")]
    pub module: u32,
    #[serde(rename = "k")]
    pub kind: NodeKind,
    #[serde(rename = "a", default, skip_serializing_if = "String::is_empty")]
    pub access: String,
    #[serde(rename = "st", default, skip_serializing_if = "String::is_empty")]
    pub status: String,
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub syntax: Option<Syntax>,
    #[serde(rename = "u", default, skip_serializing_if = "String::is_empty")]
    pub units: String,
    #[serde(rename = "d", default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(rename = "dv", default, skip_serializing_if = "String::is_empty")]
    pub defval: String,
    /// INDEX of a row.
    #[serde(rename = "x", default, skip_serializing_if = "Vec::is_empty")]
    pub index: Vec<IndexRec>,
    /// The row this row AUGMENTS (its OID).
    #[serde(rename = "g", default, skip_serializing_if = "Vec::is_empty")]
    pub augments: Vec<u32>,
    /// OBJECTS of a notification, or members of a group.
    #[serde(rename = "j", default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<String>,
}

/// Every module that defines a name, for `MODULE::name` input (a name may be defined by several
/// modules for the same OID, e.g. RFC1213-MIB and IF-MIB).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Alias {
    #[serde(rename = "m")]
    pub module: u32,
    #[serde(rename = "n")]
    pub name: String,
    #[serde(rename = "o")]
    pub oid: Vec<u32>,
}

/// The serializable part of a loaded MIB.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Model {
    pub modules: Vec<String>,
    /// Sorted by OID.
    pub nodes: Vec<NodeRec>,
    pub aliases: Vec<Alias>,
}

impl Model {
    /// Converts a resolved mib-rs MIB. `requested` is the order in which the modules were
    /// asked for; it decides, as in net-snmp, which module names a node that several modules
    /// define (see [`load_rank`]).
    pub fn from_mib_rs(mib: &mib_rs::Mib, requested: &[String]) -> Model {
        let mut modules: Vec<String> = Vec::new();
        let mut module_ids: HashMap<String, u32> = HashMap::new();
        let mut module_id = |name: &str, modules: &mut Vec<String>| -> u32 {
            if let Some(id) = module_ids.get(name) {
                return *id;
            }
            let id = u32::try_from(modules.len()).unwrap_or(u32::MAX);
            modules.push(name.to_string());
            module_ids.insert(name.to_string(), id);
            id
        };
        // The module that names each node: the first to define it in net-snmp's reading order.
        let rank = load_rank(mib, requested);
        let mut by_rank: Vec<mib_rs::Module<'_>> = mib.modules().collect();
        by_rank.sort_by_key(|m| rank.get(m.name()).copied().unwrap_or(usize::MAX));
        let mut owner: HashMap<mib_rs::raw::NodeId, String> = HashMap::new();
        for m in &by_rank {
            for node in m.nodes() {
                if !node.name().is_empty() {
                    owner
                        .entry(node.id())
                        .or_insert_with(|| m.name().to_string());
                }
            }
        }
        let mut nodes = Vec::new();
        for node in mib.nodes() {
            let name = node.name();
            if name.is_empty() {
                continue;
            }
            let own = node.module().map(|m| m.name()).unwrap_or("");
            let module_name = owner.get(&node.id()).map(String::as_str).unwrap_or(own);
            let module = module_id(module_name, &mut modules);
            // The winning module's own definition gives the syntax, hints, enums and units.
            let object = if module_name == own {
                node.object()
            } else {
                mib.module(module_name)
                    .and_then(|m| m.object(name))
                    .or_else(|| node.object())
            };
            let kind = match node.kind() {
                mib_rs::Kind::Scalar => NodeKind::Scalar,
                mib_rs::Kind::Table => NodeKind::Table,
                mib_rs::Kind::Row => NodeKind::Row,
                mib_rs::Kind::Column => NodeKind::Column,
                mib_rs::Kind::Notification => NodeKind::Notification,
                mib_rs::Kind::Group if node.group().is_some_and(|g| g.is_notification_group()) => {
                    NodeKind::NotificationGroup
                }
                mib_rs::Kind::Group => NodeKind::Group,
                mib_rs::Kind::Compliance => NodeKind::Compliance,
                mib_rs::Kind::Capability => NodeKind::Capability,
                mib_rs::Kind::ModuleIdentity => NodeKind::ModuleIdentity,
                mib_rs::Kind::ObjectIdentity => NodeKind::ObjectIdentity,
                _ => NodeKind::Node,
            };
            let mut rec = NodeRec {
                oid: node.oid().to_vec(),
                name: name.to_string(),
                module,
                kind,
                access: String::new(),
                status: node.status().map(|s| s.to_string()).unwrap_or_default(),
                syntax: None,
                units: String::new(),
                description: description(node),
                defval: String::new(),
                index: Vec::new(),
                augments: Vec::new(),
                objects: Vec::new(),
            };
            if let Some(obj) = object {
                rec.access = obj.access().to_string();
                rec.status = obj.status().to_string();
                rec.units = obj.units().to_string();
                rec.defval = obj
                    .default_value()
                    .map(|d| d.raw().to_string())
                    .unwrap_or_default();
                if let Some(ty) = obj.ty() {
                    if !obj.is_table() && !obj.is_row() {
                        rec.syntax = Some(syntax_of(obj, ty));
                    }
                }
                if obj.is_row() {
                    if let Some(base) = obj.augments() {
                        rec.augments = base.node().map(|n| n.oid().to_vec()).unwrap_or_default();
                    } else {
                        rec.index = obj
                            .index()
                            .map(|i| IndexRec {
                                name: i.name().to_string(),
                                implied: i.implied(),
                                oid: i
                                    .object()
                                    .and_then(|o| o.node())
                                    .map(|n| n.oid().to_vec())
                                    .unwrap_or_default(),
                            })
                            .collect();
                    }
                }
            }
            if let Some(n) = node.notification() {
                rec.objects = n.objects().map(|o| o.name().to_string()).collect();
            }
            if let Some(g) = node.group() {
                rec.objects = g.members().map(|m| m.name().to_string()).collect();
            }
            nodes.push(rec);
        }
        nodes.sort_by(|a, b| a.oid.cmp(&b.oid));
        nodes.dedup_by(|a, b| a.oid == b.oid);

        // Names other modules give to the same OIDs (module-qualified input).
        let mut aliases = Vec::new();
        for m in &by_rank {
            for node in m.nodes() {
                let own = node.module().map(|o| o.name()).unwrap_or("");
                let named_by = owner.get(&node.id()).map(String::as_str).unwrap_or(own);
                if named_by != m.name() && !node.name().is_empty() {
                    let module = module_id(m.name(), &mut modules);
                    aliases.push(Alias {
                        module,
                        name: node.name().to_string(),
                        oid: node.oid().to_vec(),
                    });
                }
            }
        }
        // Modules that own no node (pure TC modules) still count as loaded.
        for m in mib.modules() {
            module_id(m.name(), &mut modules);
        }
        Model {
            modules,
            nodes,
            aliases,
        }
    }
}

/// The order in which net-snmp reads modules: each requested module after its imports, depth
/// first, in the order asked; modules nobody asked for come last. When several modules define
/// the same node, the first one read names it (`RFC1213-MIB::ipForwarding` under `-m ALL`,
/// `TCP-MIB::tcp` rather than `IPV6-TCP-MIB::tcp` with the default list).
fn load_rank(mib: &mib_rs::Mib, requested: &[String]) -> HashMap<String, usize> {
    fn visit(
        mib: &mib_rs::Mib,
        name: &str,
        rank: &mut HashMap<String, usize>,
        next: &mut usize,
        depth: usize,
    ) {
        if rank.contains_key(name) || depth > 64 {
            return;
        }
        let Some(m) = mib.module(name) else { return };
        // Marked before the imports, so that import cycles end.
        rank.insert(name.to_string(), usize::MAX);
        for imp in m.imports() {
            visit(mib, &imp.module, rank, next, depth + 1);
        }
        rank.insert(name.to_string(), *next);
        *next += 1;
    }
    let mut rank = HashMap::new();
    let mut next = 0;
    for name in requested {
        visit(mib, name, &mut rank, &mut next, 0);
    }
    for m in mib.modules() {
        visit(mib, m.name(), &mut rank, &mut next, 0);
    }
    rank
}

fn description(node: mib_rs::Node<'_>) -> String {
    if let Some(o) = node.object() {
        return o.description().to_string();
    }
    if let Some(n) = node.notification() {
        return n.description().to_string();
    }
    if let Some(g) = node.group() {
        return g.description().to_string();
    }
    if let Some(c) = node.compliance() {
        return c.description().to_string();
    }
    if node.kind() == mib_rs::Kind::ModuleIdentity {
        if let Some(m) = node.module() {
            return m.description().to_string();
        }
    }
    node.description().to_string()
}

fn bound(b: &mib_rs::mib::RangeBound) -> String {
    match b {
        mib_rs::mib::RangeBound::Signed(v) => v.to_string(),
        mib_rs::mib::RangeBound::Unsigned(v) => v.to_string(),
        mib_rs::mib::RangeBound::Min => "MIN".to_string(),
        mib_rs::mib::RangeBound::Max => "MAX".to_string(),
        mib_rs::mib::RangeBound::Raw(s) => s.clone(),
        #[allow(unreachable_patterns)]
        _ => "?".to_string(),
    }
}

fn ranges(rs: &[mib_rs::mib::Range]) -> Vec<String> {
    rs.iter()
        .map(|r| {
            let (lo, hi) = (bound(&r.min), bound(&r.max));
            if lo == hi {
                lo
            } else {
                format!("{lo}..{hi}")
            }
        })
        .collect()
}

fn syntax_of(obj: mib_rs::Object<'_>, ty: mib_rs::Type<'_>) -> Syntax {
    Syntax {
        base: BaseType::from_mib_rs(ty.effective_base()),
        type_name: ty.name().to_string(),
        primitive: primitive(ty),
        tc: ty.effective_tc().map(|t| t.name().to_string()),
        hint: hint_of(obj, ty),
        enums: obj
            .effective_enums()
            .iter()
            .map(|e| (e.value, e.label.clone()))
            .collect(),
        bits: obj
            .effective_bits()
            .iter()
            .map(|e| (e.value, e.label.clone()))
            .collect(),
        sizes: ranges(declared(obj, ty, true)),
        ranges: ranges(declared(obj, ty, false)),
    }
}

/// The object's DISPLAY-HINT as net-snmp finds it: only textual conventions carry one. A plain
/// type assignment in a module (RFC1213-MIB's `PhysAddress ::= OCTET STRING`) has none, even
/// where mib-rs links it to the SMIv2 textual convention of the same name.
fn hint_of(obj: mib_rs::Object<'_>, ty: mib_rs::Type<'_>) -> String {
    let module = ty.module().map(|m| m.name()).unwrap_or("");
    let smi = matches!(
        module,
        "SNMPv2-SMI" | "SNMPv2-TC" | "RFC1155-SMI" | "RFC1065-SMI" | ""
    );
    if !ty.is_textual_convention() && !smi && ty.display_hint().is_empty() {
        return String::new();
    }
    obj.effective_display_hint().to_string()
}

/// The first type of the chain that comes from the SMI itself.
fn primitive(ty: mib_rs::Type<'_>) -> String {
    let mut t = ty;
    for _ in 0..16 {
        let module = t.module().map(|m| m.name()).unwrap_or("");
        if matches!(module, "SNMPv2-SMI" | "RFC1155-SMI" | "RFC1065-SMI") {
            break;
        }
        match t.parent() {
            Some(p) => t = p,
            None => break,
        }
    }
    t.name().to_string()
}

/// The constraint closest to the object: its own, else the nearest textual convention's. The
/// implicit ranges of the SMI base types (Integer32's full range) are not constraints anyone
/// wrote, and net-snmp does not show them.
fn declared<'a>(
    obj: mib_rs::Object<'a>,
    ty: mib_rs::Type<'a>,
    sizes: bool,
) -> &'a [mib_rs::mib::Range] {
    let own = if sizes {
        obj.declared_sizes()
    } else {
        obj.declared_ranges()
    };
    if !own.is_empty() {
        return own;
    }
    let mut t = Some(ty);
    let mut depth = 0;
    while let Some(cur) = t {
        let module = cur.module().map(|m| m.name()).unwrap_or("");
        if matches!(module, "SNMPv2-SMI" | "RFC1155-SMI" | "RFC1065-SMI") || depth > 16 {
            break;
        }
        let r = if sizes { cur.sizes() } else { cur.ranges() };
        if !r.is_empty() {
            return r;
        }
        t = cur.parent();
        depth += 1;
    }
    &[]
}
