//! MIB loading, name <-> OID translation, display hints, enums and table indexes.
//!
//! MIB modules are parsed and resolved by the [`mib_rs`] crate (see `mibs/EVALUATION.md`). The
//! result is converted into a compact owned model ([`Mib`]) that answers the questions the
//! formatter and the CLI ask: what is this OID called ([`Mib::lookup`]), which OID is this name
//! ([`Mib::resolve`]), how are its values and index shown ([`NodeInfo`]).
//!
//! The project's own standard modules (`mibs/*.txt`) are compiled into the binary. Their
//! resolved model is also precompiled (`builtin.json`, checked by a test against the module
//! texts), so the default set costs no parsing at startup. Asking for more modules (`-m`,
//! `MIBS`) or other directories runs the full loader with net-snmp's search path semantics
//! ([`MibConfig`]).

mod cache;
mod config;
mod index;
mod model;
mod translate;
mod tree;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

pub use config::{MibConfig, SYSTEM_DIRS};
pub use index::{decode as decode_index, DecodedIndex, IndexComponent, IndexPart, IndexValue};
pub use model::{BaseType, NodeKind, Syntax};
pub use translate::OidStyle;

use crate::Oid;
use config::ModuleSelection;
use model::{Model, NodeRec};

/// The built-in module texts (the project's `mibs/` directory), compiled into the binary.
/// They can all be named with `-m`; [`DEFAULT_MODULES`] are the ones loaded without it.
pub const BUILTIN_MODULES: &[(&str, &str)] = &[
    (
        "DISMAN-EVENT-MIB",
        include_str!("../../../../mibs/DISMAN-EVENT-MIB.txt"),
    ),
    (
        "DISMAN-SCHEDULE-MIB",
        include_str!("../../../../mibs/DISMAN-SCHEDULE-MIB.txt"),
    ),
    (
        "ENTITY-MIB",
        include_str!("../../../../mibs/ENTITY-MIB.txt"),
    ),
    (
        "EtherLike-MIB",
        include_str!("../../../../mibs/EtherLike-MIB.txt"),
    ),
    ("HCNUM-TC", include_str!("../../../../mibs/HCNUM-TC.txt")),
    (
        "HOST-RESOURCES-MIB",
        include_str!("../../../../mibs/HOST-RESOURCES-MIB.txt"),
    ),
    (
        "HOST-RESOURCES-TYPES",
        include_str!("../../../../mibs/HOST-RESOURCES-TYPES.txt"),
    ),
    (
        "IANA-ENTITY-MIB",
        include_str!("../../../../mibs/IANA-ENTITY-MIB.txt"),
    ),
    (
        "IANA-RTPROTO-MIB",
        include_str!("../../../../mibs/IANA-RTPROTO-MIB.txt"),
    ),
    (
        "IANAifType-MIB",
        include_str!("../../../../mibs/IANAifType-MIB.txt"),
    ),
    ("IF-MIB", include_str!("../../../../mibs/IF-MIB.txt")),
    (
        "INET-ADDRESS-MIB",
        include_str!("../../../../mibs/INET-ADDRESS-MIB.txt"),
    ),
    (
        "IP-FORWARD-MIB",
        include_str!("../../../../mibs/IP-FORWARD-MIB.txt"),
    ),
    ("IP-MIB", include_str!("../../../../mibs/IP-MIB.txt")),
    (
        "IPV6-ICMP-MIB",
        include_str!("../../../../mibs/IPV6-ICMP-MIB.txt"),
    ),
    ("IPV6-MIB", include_str!("../../../../mibs/IPV6-MIB.txt")),
    ("IPV6-TC", include_str!("../../../../mibs/IPV6-TC.txt")),
    (
        "IPV6-TCP-MIB",
        include_str!("../../../../mibs/IPV6-TCP-MIB.txt"),
    ),
    (
        "IPV6-UDP-MIB",
        include_str!("../../../../mibs/IPV6-UDP-MIB.txt"),
    ),
    (
        "LM-SENSORS-MIB",
        include_str!("../../../../mibs/LM-SENSORS-MIB.txt"),
    ),
    ("MTA-MIB", include_str!("../../../../mibs/MTA-MIB.txt")),
    (
        "NET-SNMP-AGENT-MIB",
        include_str!("../../../../mibs/NET-SNMP-AGENT-MIB.txt"),
    ),
    (
        "NET-SNMP-EXAMPLES-MIB",
        include_str!("../../../../mibs/NET-SNMP-EXAMPLES-MIB.txt"),
    ),
    (
        "NET-SNMP-EXTEND-MIB",
        include_str!("../../../../mibs/NET-SNMP-EXTEND-MIB.txt"),
    ),
    (
        "NET-SNMP-MIB",
        include_str!("../../../../mibs/NET-SNMP-MIB.txt"),
    ),
    (
        "NET-SNMP-PASS-MIB",
        include_str!("../../../../mibs/NET-SNMP-PASS-MIB.txt"),
    ),
    (
        "NET-SNMP-TC",
        include_str!("../../../../mibs/NET-SNMP-TC.txt"),
    ),
    (
        "NET-SNMP-VACM-MIB",
        include_str!("../../../../mibs/NET-SNMP-VACM-MIB.txt"),
    ),
    (
        "NETWORK-SERVICES-MIB",
        include_str!("../../../../mibs/NETWORK-SERVICES-MIB.txt"),
    ),
    (
        "NOTIFICATION-LOG-MIB",
        include_str!("../../../../mibs/NOTIFICATION-LOG-MIB.txt"),
    ),
    (
        "SNMP-COMMUNITY-MIB",
        include_str!("../../../../mibs/SNMP-COMMUNITY-MIB.txt"),
    ),
    (
        "SNMP-FRAMEWORK-MIB",
        include_str!("../../../../mibs/SNMP-FRAMEWORK-MIB.txt"),
    ),
    (
        "SNMP-MPD-MIB",
        include_str!("../../../../mibs/SNMP-MPD-MIB.txt"),
    ),
    (
        "SNMP-NOTIFICATION-MIB",
        include_str!("../../../../mibs/SNMP-NOTIFICATION-MIB.txt"),
    ),
    (
        "SNMP-TARGET-MIB",
        include_str!("../../../../mibs/SNMP-TARGET-MIB.txt"),
    ),
    (
        "SNMP-USER-BASED-SM-MIB",
        include_str!("../../../../mibs/SNMP-USER-BASED-SM-MIB.txt"),
    ),
    (
        "SNMP-VIEW-BASED-ACM-MIB",
        include_str!("../../../../mibs/SNMP-VIEW-BASED-ACM-MIB.txt"),
    ),
    (
        "SNMPv2-MIB",
        include_str!("../../../../mibs/SNMPv2-MIB.txt"),
    ),
    ("SNMPv2-TM", include_str!("../../../../mibs/SNMPv2-TM.txt")),
    ("TCP-MIB", include_str!("../../../../mibs/TCP-MIB.txt")),
    (
        "UCD-DEMO-MIB",
        include_str!("../../../../mibs/UCD-DEMO-MIB.txt"),
    ),
    (
        "UCD-DISKIO-MIB",
        include_str!("../../../../mibs/UCD-DISKIO-MIB.txt"),
    ),
    (
        "UCD-DLMOD-MIB",
        include_str!("../../../../mibs/UCD-DLMOD-MIB.txt"),
    ),
    (
        "UCD-SNMP-MIB",
        include_str!("../../../../mibs/UCD-SNMP-MIB.txt"),
    ),
    ("UDP-MIB", include_str!("../../../../mibs/UDP-MIB.txt")),
    (
        "UUID-TC-MIB",
        include_str!("../../../../mibs/UUID-TC-MIB.txt"),
    ),
];

/// The modules loaded when no `-m`/`MIBS` is given: net-snmp 5.9's compiled-in default list
/// (its `NETSNMP_DEFAULT_MIBS`), in its order. Their imports come along, as in net-snmp.
pub const DEFAULT_MODULES: &[&str] = &[
    "SNMPv2-MIB",
    "IF-MIB",
    "IP-MIB",
    "TCP-MIB",
    "UDP-MIB",
    "HOST-RESOURCES-MIB",
    "NOTIFICATION-LOG-MIB",
    "DISMAN-EVENT-MIB",
    "DISMAN-SCHEDULE-MIB",
    "HOST-RESOURCES-TYPES",
    "MTA-MIB",
    "NETWORK-SERVICES-MIB",
    "UCD-DISKIO-MIB",
    "UCD-DLMOD-MIB",
    "LM-SENSORS-MIB",
    "UCD-SNMP-MIB",
    "UCD-DEMO-MIB",
    "SNMP-TARGET-MIB",
    "NET-SNMP-AGENT-MIB",
    "SNMP-FRAMEWORK-MIB",
    "SNMP-MPD-MIB",
    "SNMP-USER-BASED-SM-MIB",
    "SNMP-VIEW-BASED-ACM-MIB",
    "SNMP-COMMUNITY-MIB",
    "IPV6-ICMP-MIB",
    "IPV6-MIB",
    "IPV6-TCP-MIB",
    "IPV6-UDP-MIB",
    "IP-FORWARD-MIB",
    "NET-SNMP-PASS-MIB",
    "NET-SNMP-EXTEND-MIB",
    "SNMP-NOTIFICATION-MIB",
    "SNMPv2-TM",
    "NET-SNMP-VACM-MIB",
];

/// The precompiled model of [`DEFAULT_MODULES`] (regenerate with
/// `SNMPKIT_BLESS=1 cargo test --lib mib::tests::builtin_snapshot_is_current`).
const BUILTIN_SNAPSHOT: &str = include_str!("builtin.json");

/// A problem met while loading MIB modules. The module is skipped or partly used; everything
/// else keeps working. The CLI prints these to stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The module concerned, if known.
    pub module: Option<String>,
    /// What went wrong, with the file position when known.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.module {
            Some(m) => write!(f, "MIB warning: {m}: {}", self.message),
            None => write!(f, "MIB warning: {}", self.message),
        }
    }
}

/// Why a name could not be turned into an OID. `Display` matches net-snmp's wording.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MibError {
    /// The name, module or index is not known (`sysNam.0: Unknown Object Identifier ...`).
    #[error("{input}: Unknown Object Identifier{}", detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
    UnknownObject {
        /// The text that was given.
        input: String,
        /// net-snmp's parenthesised detail, e.g. `Sub-id not found: (top) -> sysNam`.
        detail: Option<String>,
    },
}

/// A loaded set of MIB modules: names, OIDs, syntaxes and table indexes.
///
/// A `Mib` is a shared handle: cloning it (or calling [`Mib::builtin`] again) costs one
/// reference count, never a copy of the model.
#[derive(Debug, Clone)]
pub struct Mib {
    data: Arc<MibData>,
}

/// What [`Mib::lookup_cached`] and [`Mib::write_oid`] remember between calls: the last node
/// found (when no named node lies below it) and that node's printed name. A walk prints
/// thousands of instances of one column in a row, so nearly every varbind is answered from
/// here instead of a search, and its name is copied instead of formatted again. Small and
/// fixed in size: one node, one name.
#[derive(Debug, Clone, Default)]
pub struct LookupCache {
    /// Which [`Mib`] filled it (the address of its shared data), 0 for none.
    mib: usize,
    /// Position and OID length of the last node found, when it has no named descendants.
    leaf: Option<(usize, usize)>,
    /// Lookups answered from the cache.
    hits: u64,
    /// The printed name of a node: its position, the style, and how its instance prints.
    name: Option<CachedName>,
    /// The last OID printed numerically (`-On`), its text, and where each arc's text ends:
    /// the next OID reuses the text of the arcs they share (in a walk, all but the last).
    numeric: NumericText,
}

#[derive(Debug, Clone, Default)]
struct NumericText {
    arcs: Vec<u32>,
    text: String,
    ends: Vec<usize>,
}

impl NumericText {
    /// `oid` as `.1.3.6...`, appended to `out`, reusing the text of the previous OID's
    /// leading arcs.
    fn write(&mut self, out: &mut String, oid: &[u32]) {
        let common = oid
            .iter()
            .zip(&self.arcs)
            .take_while(|(a, b)| a == b)
            .count();
        self.arcs.truncate(common);
        self.ends.truncate(common);
        self.text
            .truncate(common.checked_sub(1).map_or(0, |k| self.ends[k]));
        let mut digits = itoa::Buffer::new();
        for a in &oid[common..] {
            self.text.push('.');
            self.text.push_str(digits.format(*a));
            self.ends.push(self.text.len());
        }
        self.arcs.extend_from_slice(&oid[common..]);
        out.push_str(&self.text);
    }
}

#[derive(Debug, Clone)]
struct CachedName {
    pos: usize,
    style: OidStyle,
    text: String,
    index: IndexShape,
}

/// How the instance part after a cached name prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IndexShape {
    /// As plain numbers (not a table column, or no INDEX known).
    Numeric,
    /// Through the table's INDEX, which is this many integers without enumerations: when
    /// the instance has exactly that many arcs, it prints as plain numbers too.
    Integers(usize),
    /// Through the table's INDEX, decoded each time.
    Decoded,
}

impl LookupCache {
    /// An empty cache.
    pub fn new() -> Self {
        LookupCache::default()
    }

    /// How many lookups were answered without a search (for tests and benchmarks).
    pub fn hits(&self) -> u64 {
        self.hits
    }
}

/// The loaded model and its name indexes, shared by every clone of a [`Mib`].
#[derive(Debug)]
struct MibData {
    model: Model,
    /// Plain name -> node position (the first owner in module order).
    by_name: HashMap<String, usize>,
    /// (module, name) -> node position, including names other modules give to an OID.
    by_qualified: HashMap<(String, String), usize>,
}

impl Mib {
    fn from_model(mut model: Model) -> Mib {
        // The three roots exist without any module (net-snmp prints `iso.3.6...`).
        for (arc, name) in [(0u32, "ccitt"), (1, "iso"), (2, "joint-iso-ccitt")] {
            if !model.nodes.iter().any(|n| n.oid == [arc]) {
                let module = model.modules.len() as u32;
                model.modules.push(String::new());
                model.nodes.push(NodeRec {
                    oid: vec![arc],
                    name: name.to_string(),
                    module,
                    kind: NodeKind::Node,
                    access: String::new(),
                    status: String::new(),
                    syntax: None,
                    units: String::new(),
                    description: String::new(),
                    defval: String::new(),
                    index: Vec::new(),
                    augments: Vec::new(),
                    objects: Vec::new(),
                });
            }
        }
        model.nodes.sort_by(|a, b| a.oid.cmp(&b.oid));
        let mut by_name = HashMap::new();
        let mut by_qualified = HashMap::new();
        for (i, n) in model.nodes.iter().enumerate() {
            by_name.entry(n.name.clone()).or_insert(i);
            let module = model
                .modules
                .get(n.module as usize)
                .cloned()
                .unwrap_or_default();
            by_qualified.entry((module, n.name.clone())).or_insert(i);
        }
        for a in &model.aliases {
            if let Ok(i) = model
                .nodes
                .binary_search_by(|n| n.oid.as_slice().cmp(&a.oid))
            {
                let module = model
                    .modules
                    .get(a.module as usize)
                    .cloned()
                    .unwrap_or_default();
                by_qualified.entry((module, a.name.clone())).or_insert(i);
                by_name.entry(a.name.clone()).or_insert(i);
            }
        }
        Mib {
            data: Arc::new(MibData {
                model,
                by_name,
                by_qualified,
            }),
        }
    }

    /// No modules at all: only the roots `ccitt`, `iso` and `joint-iso-ccitt` have names.
    /// Built once per process and shared, like [`Mib::builtin`].
    pub fn none() -> Mib {
        static NONE: OnceLock<Mib> = OnceLock::new();
        NONE.get_or_init(|| Mib::from_model(Model::default()))
            .clone()
    }

    /// The built-in standard modules (the project's `mibs/`), from the precompiled model.
    /// The model is built once per process; every call hands out the same shared model.
    pub fn builtin() -> Mib {
        static BUILTIN: OnceLock<Mib> = OnceLock::new();
        BUILTIN
            .get_or_init(|| match serde_json::from_str::<Model>(BUILTIN_SNAPSHOT) {
                Ok(model) => Mib::from_model(model),
                // Only reachable if the snapshot were corrupt; the module texts still work.
                Err(_) => Mib::from_model(builtin_model_from_texts()),
            })
            .clone()
    }

    /// Loads the modules `config` asks for. With no `-m`/`MIBS` and no `-M`/`MIBDIRS` this is
    /// [`Mib::builtin`]; otherwise the search path and the built-in texts are parsed, and a
    /// module file found on the search path replaces the built-in text of the same module (as
    /// net-snmp reads the files it is given). Broken or missing modules are reported as
    /// warnings and skipped.
    pub fn load(config: &MibConfig) -> (Mib, Vec<Warning>) {
        let selection = config.selection();
        let dirs_given = config.dirs.is_some() || config.env_dirs.is_some();
        match &selection {
            ModuleSelection::Default { extra } if extra.is_empty() && !dirs_given => {
                return (Mib::builtin(), Vec::new())
            }
            ModuleSelection::Only(list) if list.is_empty() => return (Mib::none(), Vec::new()),
            _ => {}
        }
        // Parsing a large collection costs far more than reading its resolved model back.
        let key = format!("{selection:?}");
        let cached = cache::path(&key, &config.search_path());
        if let Some((model, warnings)) = cached.as_deref().and_then(cache::read) {
            return (Mib::from_model(model), warnings);
        }
        let mut warnings = Vec::new();
        // mib-rs takes a module from the first source that has it, and net-snmp takes a
        // module found in several directories from the last one it read ("IF-MIB is now in
        // ..."): the search path goes in backwards, and our compact texts after it all, so
        // `-M DIR` with real module files replaces them.
        let mut sources: Vec<Box<dyn mib_rs::Source>> = Vec::new();
        for dir in config.search_path().into_iter().rev() {
            let files = config::files_in(&dir);
            if files.is_empty() {
                continue;
            }
            match mib_rs::source::files(&files) {
                Ok(s) => sources.push(s),
                Err(e) => warnings.push(Warning {
                    module: None,
                    message: format!("cannot read {}: {e}", dir.display()),
                }),
            }
        }
        sources.push(builtin_source());
        // The order net-snmp would read the modules in, which decides the names of nodes
        // that several modules define.
        let mut order: Vec<String> = Vec::new();
        let mut available: Vec<String> = Vec::new();
        for s in &sources {
            if let Ok(names) = s.list_modules() {
                available.extend(names);
            }
        }
        let wanted: Option<Vec<String>> = match selection {
            ModuleSelection::All => {
                order = config::all_modules_order(&config.search_path());
                None
            }
            ModuleSelection::Default { extra } => Some(
                DEFAULT_MODULES
                    .iter()
                    .map(|n| n.to_string())
                    .chain(extra)
                    .collect(),
            ),
            ModuleSelection::Only(list) => Some(list),
        };
        let mut loader = mib_rs::Loader::new()
            .sources(sources)
            .diagnostic_config(mib_rs::DiagnosticConfig::quiet());
        if let Some(wanted) = wanted {
            let mut found = Vec::new();
            for m in wanted {
                if available.contains(&m) || is_base_module(&m) {
                    if !found.contains(&m) {
                        found.push(m);
                    }
                } else {
                    warnings.push(Warning {
                        module: Some(m.clone()),
                        message: format!("Cannot find module ({m})"),
                    });
                }
            }
            if found.is_empty() {
                return (Mib::none(), warnings);
            }
            order.clone_from(&found);
            loader = loader.modules(found);
        }
        match loader.load() {
            Ok(mib) => {
                warnings.extend(diagnostics_to_warnings(&mib));
                let model = Model::from_mib_rs(&mib, &order);
                drop(mib);
                if let Some(p) = &cached {
                    cache::write(p, &model, &warnings);
                }
                (Mib::from_model(model), warnings)
            }
            Err(e) => {
                warnings.push(Warning {
                    module: None,
                    message: format!("MIB loading failed ({e}); using the built-in modules"),
                });
                (Mib::builtin(), warnings)
            }
        }
    }

    /// Builds a [`Mib`] from modules already resolved by mib-rs.
    pub fn from_mib_rs(mib: &mib_rs::Mib) -> Mib {
        let order: Vec<String> = mib.user_modules().map(|m| m.name().to_string()).collect();
        Mib::from_model(Model::from_mib_rs(mib, &order))
    }

    /// The names of the loaded modules.
    pub fn modules(&self) -> impl Iterator<Item = &str> {
        self.data
            .model
            .modules
            .iter()
            .map(String::as_str)
            .filter(|m| !m.is_empty())
    }

    /// Whether a module of that name is loaded.
    pub fn has_module(&self, name: &str) -> bool {
        self.data.model.modules.iter().any(|m| m == name)
    }

    /// The number of named OIDs.
    pub fn len(&self) -> usize {
        self.data.model.nodes.len()
    }

    /// Every named node, in OID order.
    pub fn nodes(&self) -> impl Iterator<Item = NodeInfo<'_>> {
        self.data.model.nodes.iter().map(move |node| NodeInfo {
            mib: self,
            node,
            suffix: &[],
        })
    }

    /// Whether no OID has a name (never true: the three roots always do).
    pub fn is_empty(&self) -> bool {
        self.data.model.nodes.is_empty()
    }

    fn position(&self, arcs: &[u32]) -> Option<usize> {
        self.data
            .model
            .nodes
            .binary_search_by(|n| n.oid.as_slice().cmp(arcs))
            .ok()
    }

    fn info<'a>(&'a self, pos: usize, suffix: &'a [u32]) -> Option<NodeInfo<'a>> {
        Some(NodeInfo {
            mib: self,
            node: self.data.model.nodes.get(pos)?,
            suffix,
        })
    }

    /// The deepest named node that is a prefix of `oid`, with the remaining arcs (the instance
    /// or index part) in [`NodeInfo::suffix`]. None when not even the root arc is known.
    pub fn lookup<'a>(&'a self, oid: &'a Oid) -> Option<NodeInfo<'a>> {
        let arcs = oid.arcs();
        (1..=arcs.len()).rev().find_map(|k| {
            let pos = self.position(arcs.get(..k)?)?;
            self.info(pos, arcs.get(k..)?)
        })
    }

    /// [`lookup`](Mib::lookup) for OIDs that come in order, as in a walk: `cache` remembers
    /// the last node found when no named node lies below it, and an OID under that node is
    /// answered from the cache without a search. The answer is always the same as
    /// `lookup`'s. A cache filled by another [`Mib`] is noticed and refilled.
    pub fn lookup_cached<'a>(
        &'a self,
        oid: &'a Oid,
        cache: &mut LookupCache,
    ) -> Option<NodeInfo<'a>> {
        let arcs = oid.arcs();
        let me = Arc::as_ptr(&self.data) as usize;
        if cache.mib == me {
            if let Some((pos, len)) = cache.leaf {
                if let Some(node) = self.data.model.nodes.get(pos) {
                    if arcs.len() >= len && arcs.get(..len) == Some(node.oid.as_slice()) {
                        cache.hits += 1;
                        return self.info(pos, arcs.get(len..)?);
                    }
                }
            }
        }
        if cache.mib != me {
            cache.name = None;
        }
        cache.mib = me;
        cache.leaf = None;
        let (pos, len) = (1..=arcs.len())
            .rev()
            .find_map(|k| Some((self.position(arcs.get(..k)?)?, k)))?;
        // Only a node without named descendants can answer for every OID below it.
        let nodes = &self.data.model.nodes;
        let leaf = nodes
            .get(pos + 1)
            .is_none_or(|next| !next.oid.starts_with(&nodes[pos].oid));
        if leaf {
            cache.leaf = Some((pos, len));
        }
        self.info(pos, arcs.get(len..)?)
    }

    /// The node with exactly this name (`ifDescr` or `IF-MIB::ifDescr`), without instance.
    pub fn node(&self, name: &str) -> Option<NodeInfo<'_>> {
        let pos = match name.split_once("::") {
            Some((m, n)) => *self
                .data
                .by_qualified
                .get(&(m.to_string(), n.to_string()))?,
            None => *self.data.by_name.get(name)?,
        };
        self.info(pos, &[])
    }

    /// The node at exactly this OID.
    pub fn node_at(&self, oid: &Oid) -> Option<NodeInfo<'_>> {
        self.info(self.position(oid.arcs())?, &[])
    }

    /// The named children of a node, in OID order.
    pub fn children(&self, oid: &Oid) -> Vec<NodeInfo<'_>> {
        let arcs = oid.arcs();
        let start = self
            .data
            .model
            .nodes
            .partition_point(|n| n.oid.as_slice() <= arcs);
        self.data.model.nodes[start..]
            .iter()
            .take_while(|n| n.oid.starts_with(arcs))
            .enumerate()
            .filter(|(_, n)| n.oid.len() == arcs.len() + 1)
            .filter_map(|(i, _)| self.info(start + i, &[]))
            .collect()
    }

    /// Turns what a user typed into an OID, as net-snmp's tools do with random access lookup:
    /// `sysName.0`, `SNMPv2-MIB::sysName.0`, `ifDescr.2`, `IF-MIB::ifTable`, `system`,
    /// `.1.3.6.1.2.1.1.5.0`, `1.3.6.1`, `.iso.org.dod`, and index values in quotes or as
    /// enumeration labels: `vacmGroupName.3."shaaes"`, `ipAddressIfIndex.ipv4."abcd"`.
    pub fn resolve(&self, input: &str) -> Result<Oid, MibError> {
        translate::resolve(self, input)
    }
}

/// Whether mib-rs provides the module itself (SNMPv2-SMI and the other base modules).
fn is_base_module(name: &str) -> bool {
    matches!(
        name,
        "SNMPv2-SMI"
            | "SNMPv2-TC"
            | "SNMPv2-CONF"
            | "RFC1155-SMI"
            | "RFC1065-SMI"
            | "RFC-1212"
            | "RFC-1215"
    )
}

fn builtin_source() -> Box<dyn mib_rs::Source> {
    mib_rs::source::memory_modules(
        BUILTIN_MODULES
            .iter()
            .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec())),
    )
}

/// Parses the built-in module texts with mib-rs (what the snapshot is made from).
fn builtin_model_from_texts() -> Model {
    let loaded = mib_rs::Loader::new()
        .source(builtin_source())
        .modules(DEFAULT_MODULES.iter().map(|n| n.to_string()))
        .load();
    match loaded {
        Ok(mib) => {
            let order: Vec<String> = DEFAULT_MODULES.iter().map(|n| n.to_string()).collect();
            Model::from_mib_rs(&mib, &order)
        }
        Err(_) => Model::default(),
    }
}

/// Diagnostics that mean a module is broken (unparsable text, unresolvable imports or types),
/// as opposed to style findings that the standard modules themselves trigger.
fn diagnostics_to_warnings(mib: &mib_rs::Mib) -> Vec<Warning> {
    use mib_rs::{DiagCode, Severity};
    let report = mib.diagnostic_report();
    let mut out = Vec::new();
    for entry in report.iter() {
        let d = entry.diagnostic();
        let broken = matches!(d.code.phase(), "lexer" | "parser")
            && d.severity.at_least(Severity::Error)
            || d.severity.at_least(Severity::Severe)
            || matches!(
                d.code,
                DiagCode::ImportNotFound
                    | DiagCode::ImportModuleNotFound
                    | DiagCode::TypeUnknown
                    | DiagCode::OidOrphan
                    | DiagCode::IndexUnresolved
                    | DiagCode::ObjectsUnresolved
            );
        if !broken {
            continue;
        }
        // `render` gives "[error] FILE:POS MODULE: text"; keep "FILE:POS: text".
        let message = match entry.render() {
            Ok(s) => {
                let s = s.split_once("] ").map(|(_, r)| r).unwrap_or(&s);
                match s.split_once(' ') {
                    Some((pos, _)) => format!("{pos}: {}", d.message),
                    None => d.message.clone(),
                }
            }
            Err(_) => d.message.clone(),
        };
        out.push(Warning {
            module: d.module.clone(),
            message,
        });
    }
    out
}

/// What the MIB says about one OID: the matched node plus the instance arcs after it.
#[derive(Debug, Clone, Copy)]
pub struct NodeInfo<'a> {
    mib: &'a Mib,
    node: &'a NodeRec,
    suffix: &'a [u32],
}

impl<'a> NodeInfo<'a> {
    /// The descriptor (`ifDescr`).
    pub fn name(&self) -> &'a str {
        &self.node.name
    }

    /// Every module that defines this node under this name, the one that names it first and
    /// the others in the order they were read (`HOST-RESOURCES-MIB, HOST-RESOURCES-TYPES`).
    pub fn defining_modules(&self) -> Vec<&'a str> {
        let model = &self.mib.data.model;
        let mut out = vec![self.module()];
        for a in &model.aliases {
            if a.oid == self.node.oid && a.name == self.node.name {
                if let Some(m) = model.modules.get(a.module as usize) {
                    if !out.contains(&m.as_str()) {
                        out.push(m);
                    }
                }
            }
        }
        out
    }

    /// The module that defines it (`IF-MIB`); empty for the three roots.
    pub fn module(&self) -> &'a str {
        self.mib
            .data
            .model
            .modules
            .get(self.node.module as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The node's own OID (without the instance part).
    pub fn oid(&self) -> Oid {
        Oid::from_slice(&self.node.oid)
    }

    /// The arcs after the node's OID: `0` for a scalar instance, the index for a column.
    pub fn suffix(&self) -> &'a [u32] {
        self.suffix
    }

    /// What kind of definition the node is.
    pub fn kind(&self) -> NodeKind {
        self.node.kind
    }

    /// The value syntax of an object (scalars and columns).
    pub fn syntax(&self) -> Option<&'a Syntax> {
        self.node.syntax.as_ref()
    }

    /// The base type of the object's values.
    pub fn base_type(&self) -> Option<BaseType> {
        self.syntax().map(|s| s.base)
    }

    /// The effective DISPLAY-HINT (RFC 2579 §3.1), if any.
    pub fn display_hint(&self) -> Option<&'a str> {
        self.syntax()
            .map(|s| s.hint.as_str())
            .filter(|h| !h.is_empty())
    }

    /// The enumeration `(value, label)` pairs, empty when not enumerated.
    pub fn enums(&self) -> &'a [(i64, String)] {
        self.syntax().map(|s| s.enums.as_slice()).unwrap_or(&[])
    }

    /// The label of an enumerated value (`up` for 1 of ifOperStatus).
    pub fn enum_label(&self, value: i64) -> Option<&'a str> {
        self.syntax().and_then(|s| s.enum_label(value))
    }

    /// The named bits of a BITS object.
    pub fn bits(&self) -> &'a [(i64, String)] {
        self.syntax().map(|s| s.bits.as_slice()).unwrap_or(&[])
    }

    /// The UNITS clause, if any.
    pub fn units(&self) -> Option<&'a str> {
        Some(self.node.units.as_str()).filter(|u| !u.is_empty())
    }

    /// The nearest textual convention (`DisplayString`, `PhysAddress`, `InetAddress`...).
    pub fn textual_convention(&self) -> Option<&'a str> {
        self.syntax().and_then(|s| s.tc.as_deref())
    }

    /// MAX-ACCESS as written (`read-only`), empty for non-objects.
    pub fn access(&self) -> &'a str {
        &self.node.access
    }

    /// STATUS as written (`current`), empty when the definition has none.
    pub fn status(&self) -> &'a str {
        &self.node.status
    }

    /// The DESCRIPTION text.
    pub fn description(&self) -> &'a str {
        &self.node.description
    }

    /// The DEFVAL clause as written, empty when none.
    pub fn default_value(&self) -> &'a str {
        &self.node.defval
    }

    /// The OBJECTS of a notification or the members of a group.
    pub fn objects(&self) -> &'a [String] {
        &self.node.objects
    }

    /// The parent node, if it has a name.
    pub fn parent(&self) -> Option<NodeInfo<'a>> {
        let (_, up) = self.node.oid.split_last()?;
        self.mib.info(self.mib.position(up)?, &[])
    }

    /// The row (entry) of a column, or the row itself.
    pub fn row(&self) -> Option<NodeInfo<'a>> {
        match self.node.kind {
            NodeKind::Row => Some(NodeInfo {
                suffix: &[],
                ..*self
            }),
            NodeKind::Column => self.parent().filter(|p| p.kind() == NodeKind::Row),
            NodeKind::Table => self
                .mib
                .children(&self.oid())
                .into_iter()
                .find(|c| c.kind() == NodeKind::Row),
            _ => None,
        }
    }

    /// The table of a column or row, or the table itself.
    pub fn table(&self) -> Option<NodeInfo<'a>> {
        match self.node.kind {
            NodeKind::Table => Some(NodeInfo {
                suffix: &[],
                ..*self
            }),
            _ => self.row()?.parent().filter(|t| t.kind() == NodeKind::Table),
        }
    }

    /// The columns of a table or row, in OID order.
    pub fn columns(&self) -> Vec<NodeInfo<'a>> {
        match self.row() {
            Some(row) => self
                .mib
                .children(&row.oid())
                .into_iter()
                .filter(|c| c.kind() == NodeKind::Column)
                .collect(),
            None => Vec::new(),
        }
    }

    /// The row this row AUGMENTS, if any.
    pub fn augments(&self) -> Option<NodeInfo<'a>> {
        let row = self.row()?;
        if row.node.augments.is_empty() {
            return None;
        }
        self.mib.info(self.mib.position(&row.node.augments)?, &[])
    }

    /// The INDEX of a column's (or row's) table, following AUGMENTS: each component's name,
    /// syntax and IMPLIED flag, enough to decode instance arcs.
    pub fn table_index(&self) -> Option<Vec<IndexPart<'a>>> {
        let mut row = self.row()?;
        for _ in 0..8 {
            if row.node.augments.is_empty() {
                break;
            }
            row = self.mib.info(self.mib.position(&row.node.augments)?, &[])?;
        }
        if row.node.index.is_empty() {
            return None;
        }
        let mib = self.mib;
        Some(
            row.node
                .index
                .iter()
                .map(|i| IndexPart {
                    name: &i.name,
                    syntax: mib
                        .position(&i.oid)
                        .and_then(|p| mib.data.model.nodes.get(p))
                        .or_else(|| {
                            mib.data
                                .by_name
                                .get(&i.name)
                                .and_then(|p| mib.data.model.nodes.get(*p))
                        })
                        .and_then(|n| n.syntax.as_ref()),
                    implied: i.implied,
                })
                .collect(),
        )
    }

    /// Decodes [`suffix`](Self::suffix) against the table index (None for non-columns).
    pub fn decode_index(&self) -> Option<DecodedIndex> {
        if self.node.kind != NodeKind::Column {
            return None;
        }
        let parts = self.table_index()?;
        Some(index::decode(&parts, self.suffix))
    }

    /// The instance part as net-snmp shows it after the name: `.0`, `.3."shaaes"`,
    /// `.ipv4."127.0.0.1"`; empty when there is none.
    pub fn suffix_display(&self) -> String {
        match self.decode_index() {
            Some(d) => d.display(),
            None => self.suffix.iter().map(|a| format!(".{a}")).collect(),
        }
    }

    /// `MODULE::name` plus the decoded instance, net-snmp's default (`-OS`) form.
    pub fn display_name(&self) -> String {
        translate::format_info(self, OidStyle::Module, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(s: &str) -> Oid {
        s.parse().expect("test OID")
    }

    #[test]
    fn builtin_snapshot_is_current() {
        let fresh = builtin_model_from_texts();
        let json = serde_json::to_string(&fresh).expect("serialize");
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/mib/builtin.json");
        if std::env::var_os("SNMPKIT_BLESS").is_some() {
            std::fs::write(path, format!("{json}\n")).expect("write snapshot");
        }
        let stored: Model = serde_json::from_str(BUILTIN_SNAPSHOT).expect("snapshot parses");
        assert!(
            stored == fresh,
            "src/mib/builtin.json is stale: run SNMPKIT_BLESS=1 cargo test --lib \
             mib::tests::builtin_snapshot_is_current"
        );
    }

    /// A walk's OIDs printed through one cache come out as a fresh search prints each: across
    /// columns, a node with a named node below it (sysUpTime), decoded string indexes, an
    /// instance longer than the INDEX, unnamed subtrees, and two MIBs sharing one cache.
    #[test]
    fn cached_names_match_a_fresh_lookup() {
        let builtin = Mib::builtin();
        let none = Mib::none();
        let oids = [
            "1.3.6.1.2.1.1.3.0",
            "1.3.6.1.2.1.1.3.1",
            "1.3.6.1.2.1.1.5.0",
            "1.3.6.1.2.1.2.2.1.2.1",
            "1.3.6.1.2.1.2.2.1.2.2",
            "1.3.6.1.2.1.2.2.1.2.2.7",
            "1.3.6.1.2.1.2.2.1.2",
            "1.3.6.1.2.1.2.2.1.10.2",
            "1.3.6.1.2.1.2.2.1",
            "1.3.6.1.6.3.16.1.2.1.3.3.6.115.104.97.97.101.115",
            "1.3.6.1.6.3.16.1.2.1.3.3.6.115.104.97.97.101.116",
            "1.3.6.1.6.3.16.1.2.1.3.3.9.1",
            "1.3.6.1.2.1.4.34.1.3.1.4.127.0.0.1",
            "1.3.6.1.2.1.4.34.1.3.1.4.127.0.0.2",
            "1.3.6.1.4.1.99999.1.0",
            "1.3.6.1.4.1.99999.1.1",
            "2.5.4",
            "0.0",
            "1.3.6.1.2.1.31.1.1.1.6.3",
            "1.3.6.1.2.1.31.1.1.1.6.4",
        ];
        let styles = [
            OidStyle::Module,
            OidStyle::Short,
            OidStyle::Full,
            OidStyle::Ucd,
            OidStyle::Numeric,
        ];
        for style in styles {
            for numeric_index in [false, true] {
                let mut cache = LookupCache::new();
                for mib in [&builtin, &none, &builtin] {
                    for text in oids {
                        let o = oid(text);
                        let fresh = match mib.lookup(&o) {
                            Some(info) if style != OidStyle::Numeric => {
                                translate::format_info(&info, style, numeric_index)
                            }
                            _ => o.to_dotted_leading(),
                        };
                        let mut cached = String::new();
                        mib.write_oid(&mut cached, &o, style, numeric_index, &mut cache);
                        assert_eq!(cached, fresh, "{text} {style:?} -Ob {numeric_index}");
                        let found = mib.lookup_cached(&o, &mut cache);
                        let want = mib.lookup(&o);
                        assert_eq!(
                            found.as_ref().map(|i| (i.oid(), i.suffix().to_vec())),
                            want.as_ref().map(|i| (i.oid(), i.suffix().to_vec())),
                            "{text}"
                        );
                    }
                }
                assert!(cache.hits() > 0);
            }
        }
    }

    #[test]
    fn builtin_is_shared_not_copied() {
        let a = Mib::builtin();
        let b = Mib::builtin();
        assert!(Arc::ptr_eq(&a.data, &b.data));
        assert!(Arc::ptr_eq(&a.data, &a.clone().data));
        assert!(Arc::ptr_eq(&Mib::none().data, &Mib::none().data));
    }

    #[test]
    fn resolves_names_like_net_snmp() {
        let mib = Mib::builtin();
        let cases = [
            ("sysName.0", ".1.3.6.1.2.1.1.5.0"),
            ("SNMPv2-MIB::sysName.0", ".1.3.6.1.2.1.1.5.0"),
            ("ifDescr.2", ".1.3.6.1.2.1.2.2.1.2.2"),
            ("IF-MIB::ifTable", ".1.3.6.1.2.1.2.2"),
            ("system", ".1.3.6.1.2.1.1"),
            (".1.3.6.1.2.1.1.5.0", ".1.3.6.1.2.1.1.5.0"),
            ("1.3.6", ".1.3.6"),
            ("ifOperStatus", ".1.3.6.1.2.1.2.2.1.8"),
            ("hrSWInstalledName", ".1.3.6.1.2.1.25.6.3.1.2"),
            ("ipAddressIfIndex", ".1.3.6.1.2.1.4.34.1.3"),
            (
                "vacmGroupName.3.\"shaaes\"",
                ".1.3.6.1.6.3.16.1.2.1.3.3.6.115.104.97.97.101.115",
            ),
            (
                "ipAddressIfIndex.ipv4.\"abcd\"",
                ".1.3.6.1.2.1.4.34.1.3.1.4.97.98.99.100",
            ),
            (
                "snmpTargetAddrTDomain.'ab'",
                ".1.3.6.1.6.3.12.1.2.1.2.97.98",
            ),
            (
                "snmpTargetAddrTDomain.\"ab\"",
                ".1.3.6.1.6.3.12.1.2.1.2.97.98",
            ),
            (
                "vacmAccessStatus.\"grp\".\"\".3.noAuthNoPriv",
                ".1.3.6.1.6.3.16.1.4.1.9.3.103.114.112.0.3.1",
            ),
            (
                ".iso.org.dod.internet.mgmt.mib-2.system.sysName.0",
                ".1.3.6.1.2.1.1.5.0",
            ),
            ("system.sysName.0", ".1.3.6.1.2.1.1.5.0"),
            ("enterprises.8072", ".1.3.6.1.4.1.8072"),
            // net-snmp's default modules name the Net-SNMP and UCD trees.
            ("memTotalReal.0", ".1.3.6.1.4.1.2021.4.5.0"),
            (
                "NET-SNMP-EXTEND-MIB::nsExtendOutput1Line",
                ".1.3.6.1.4.1.8072.1.3.2.3.1.1",
            ),
        ];
        for (input, want) in cases {
            let got = mib.resolve(input).map(|o| o.to_dotted_leading());
            assert_eq!(got.as_deref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn entity_mib_is_shipped_but_not_loaded_by_default() {
        // As in net-snmp, ENTITY-MIB is not in the default list; `-m +ENTITY-MIB` finds our
        // built-in copy without any MIB directory.
        assert!(Mib::builtin().resolve("entPhysicalDescr.1").is_err());
        let cfg = MibConfig::default().with_modules("+ENTITY-MIB");
        let (mib, warnings) = Mib::load(&cfg);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            mib.resolve("entPhysicalDescr.1")
                .map(|o| o.to_dotted_leading()),
            Ok(".1.3.6.1.2.1.47.1.1.1.1.2.1".to_string())
        );
    }

    #[test]
    fn unknown_names_use_net_snmp_wording() {
        let mib = Mib::builtin();
        let cases = [
            (
                "fooBar.0",
                "fooBar.0: Unknown Object Identifier (Sub-id not found: (top) -> fooBar)",
            ),
            (
                "IF-MIB::fooBar.0",
                "IF-MIB::fooBar.0: Unknown Object Identifier",
            ),
            (
                "FOO-MIB::fooBar.0",
                "FOO-MIB::fooBar.0: Unknown Object Identifier",
            ),
            (
                "ifDescr.x",
                "ifDescr.x: Unknown Object Identifier (Index out of range: x (ifIndex))",
            ),
            ("", ": Unknown Object Identifier"),
            (
                "vacmGroupName.3.\"abc",
                "vacmGroupName.3.\"abc: Unknown Object Identifier",
            ),
        ];
        for (input, want) in cases {
            let err = mib.resolve(input).expect_err(input);
            assert_eq!(err.to_string(), want);
        }
    }

    #[test]
    fn lookup_gives_types_hints_enums_and_indexes() {
        let mib = Mib::builtin();
        let o = oid("1.3.6.1.2.1.2.2.1.8.2");
        let info = mib.lookup(&o).expect("ifOperStatus");
        assert_eq!(info.module(), "IF-MIB");
        assert_eq!(info.name(), "ifOperStatus");
        assert_eq!(info.suffix(), &[2]);
        assert_eq!(info.kind(), NodeKind::Column);
        assert_eq!(info.base_type(), Some(BaseType::Integer32));
        assert_eq!(info.enum_label(2), Some("down"));
        assert_eq!(info.display_name(), "IF-MIB::ifOperStatus.2");

        let o = oid("1.3.6.1.2.1.1.5.0");
        let info = mib.lookup(&o).expect("sysName");
        assert_eq!(info.display_hint(), Some("255a"));
        assert_eq!(info.textual_convention(), Some("DisplayString"));
        assert_eq!(info.access(), "read-write");

        let o = oid("1.3.6.1.2.1.25.2.3.1.4.1");
        let info = mib.lookup(&o).expect("hrStorageAllocationUnits");
        assert_eq!(info.units(), Some("Bytes"));

        let o = oid("1.3.6.1.2.1.2.2.1.6.1");
        assert_eq!(mib.lookup(&o).and_then(|i| i.display_hint()), Some("1x:"));

        let o = oid("1.3.6.1.2.1.4.34.1.3.1.4.127.0.0.1");
        let info = mib.lookup(&o).expect("ipAddressIfIndex");
        assert_eq!(
            info.display_name(),
            "IP-MIB::ipAddressIfIndex.ipv4.\"127.0.0.1\""
        );
        let parts = info.table_index().expect("index");
        assert_eq!(parts.len(), 2);
        assert_eq!(
            parts[1].syntax.and_then(|s| s.tc.as_deref()),
            Some("InetAddress")
        );

        // AUGMENTS: ifXTable columns use ifEntry's index.
        let o = oid("1.3.6.1.2.1.31.1.1.1.1.3");
        let info = mib.lookup(&o).expect("ifName");
        assert_eq!(info.display_name(), "IF-MIB::ifName.3");
        assert_eq!(info.table_index().map(|p| p[0].name), Some("ifIndex"));

        // IMPLIED.
        let o = oid("1.3.6.1.6.3.12.1.2.1.2.97.98");
        let info = mib.lookup(&o).expect("snmpTargetAddrTDomain");
        assert_eq!(
            info.display_name(),
            "SNMP-TARGET-MIB::snmpTargetAddrTDomain.'ab'"
        );

        // Unknown arcs below a known node; unknown roots.
        let o = oid("1.3.6.1.4.1.9999.3");
        assert_eq!(
            mib.format_oid(&o, OidStyle::Module, false),
            "SNMPv2-SMI::enterprises.9999.3"
        );
        let o = oid("5.5");
        assert_eq!(mib.format_oid(&o, OidStyle::Module, false), ".5.5");
        assert!(mib.lookup(&o).is_none());
    }

    #[test]
    fn oid_styles() {
        let mib = Mib::builtin();
        let o = oid("1.3.6.1.2.1.2.2.1.2.3");
        assert_eq!(
            mib.format_oid(&o, OidStyle::Module, false),
            "IF-MIB::ifDescr.3"
        );
        assert_eq!(mib.format_oid(&o, OidStyle::Short, false), "ifDescr.3");
        assert_eq!(
            mib.format_oid(&o, OidStyle::Numeric, false),
            ".1.3.6.1.2.1.2.2.1.2.3"
        );
        assert_eq!(
            mib.format_oid(&o, OidStyle::Full, false),
            ".iso.org.dod.internet.mgmt.mib-2.interfaces.ifTable.ifEntry.ifDescr.3"
        );
        assert_eq!(
            mib.format_oid(&o, OidStyle::Ucd, false),
            "interfaces.ifTable.ifEntry.ifDescr.3"
        );
        let o = oid("1.3.6.1.6.3.16.1.2.1.3.3.6.115.104.97.97.101.115");
        assert_eq!(
            mib.format_oid(&o, OidStyle::Module, true),
            "SNMP-VIEW-BASED-ACM-MIB::vacmGroupName.3.6.115.104.97.97.101.115"
        );
        let none = Mib::none();
        let o = oid("1.3.6.1.2.1.1.5.0");
        assert_eq!(
            none.format_oid(&o, OidStyle::Module, false),
            "iso.3.6.1.2.1.1.5.0"
        );
        assert_eq!(
            none.format_oid(&o, OidStyle::Full, false),
            ".iso.3.6.1.2.1.1.5.0"
        );
    }

    #[test]
    fn describe_like_snmptranslate_td() {
        let mib = Mib::builtin();
        let text = mib.describe(&oid("1.3.6.1.2.1.1.5")).expect("sysName");
        let want_lines = [
            "SNMPv2-MIB::sysName",
            "sysName OBJECT-TYPE",
            "  -- FROM\tSNMPv2-MIB",
            "  -- TEXTUAL CONVENTION DisplayString",
            "  SYNTAX\tOCTET STRING (0..255) ",
            "  DISPLAY-HINT\t\"255a\"",
            "  MAX-ACCESS\tread-write",
            "  STATUS\tcurrent",
        ];
        for l in want_lines {
            assert!(text.lines().any(|x| x == l), "missing {l:?} in\n{text}");
        }
        assert!(
            text.ends_with("::= { iso(1) org(3) dod(6) internet(1) mgmt(2) mib-2(1) system(1) 5 }")
        );
        let text = mib
            .describe(&oid("1.3.6.1.2.1.31.1.1.1"))
            .expect("ifXEntry");
        assert!(text.contains("  AUGMENTS\t{ ifEntry }"), "{text}");
    }
}
