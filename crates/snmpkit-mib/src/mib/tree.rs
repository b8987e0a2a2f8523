//! `snmptranslate -Tp`: the MIB tree below a node drawn in ASCII, line for line as net-snmp
//! draws it (its `print_mib_tree`): one line per node, leaves with their access, type and
//! name, then their textual convention, enumerations and ranges; rows with their INDEX.

use super::{BaseType, Mib, NodeInfo, NodeKind};
use crate::Oid;

impl Mib {
    /// The `snmptranslate -Tp` tree of the node at `oid` (the deepest named node above it),
    /// or `None` when no node is known there. Every line ends with a newline.
    pub fn tree(&self, oid: &Oid) -> Option<String> {
        let info = self.lookup(oid)?;
        let mut t = Tree {
            out: String::new(),
            indent: vec![b' '],
            was_simple: true,
        };
        t.node(&info);
        Some(t.out)
    }
}

struct Tree {
    out: String,
    /// net-snmp's `leave_indent`: the columns of `|` drawn left of the current node.
    indent: Vec<u8>,
    /// net-snmp's `leave_was_simple`: whether the last thing drawn was a lone leaf.
    was_simple: bool,
}

/// Whether net-snmp gives the node no type (`TYPE_OTHER`): plain registrations, tables and
/// rows. These get a blank `|` line before them and one after their own line.
fn is_other(info: &NodeInfo<'_>) -> bool {
    matches!(
        info.kind(),
        NodeKind::Node | NodeKind::Table | NodeKind::Row
    ) || (info.syntax().is_none() && matches!(info.kind(), NodeKind::Scalar | NodeKind::Column))
}

/// Whether the node is drawn as a leaf with access and type.
fn is_leaf(info: &NodeInfo<'_>) -> bool {
    matches!(info.kind(), NodeKind::Scalar | NodeKind::Column) && info.syntax().is_some()
}

fn access(a: &str) -> &'static str {
    match a {
        "not-accessible" => "----",
        "read-only" => "-R--",
        "write-only" => "--W-",
        "read-write" => "-RW-",
        "read-create" => "CR--",
        "accessible-for-notify" => "---N",
        _ => "    ",
    }
}

/// net-snmp's nine-column type name, and whether its constraint is a SIZE.
fn type_text(info: &NodeInfo<'_>) -> (&'static str, bool) {
    let Some(s) = info.syntax() else {
        return ("         ", false);
    };
    let by_primitive = match s.primitive.as_str() {
        "INTEGER" if !s.enums.is_empty() => Some(("EnumVal  ", false)),
        "INTEGER" => Some(("INTEGER  ", false)),
        "Integer32" => Some(("Integer32", false)),
        "Unsigned32" => Some(("Unsigned ", false)),
        "Gauge32" | "Gauge" => Some(("Gauge    ", false)),
        "Counter32" | "Counter" => Some(("Counter  ", false)),
        "NetworkAddress" => Some(("NetAddr  ", false)),
        _ => None,
    };
    if let Some(t) = by_primitive {
        return t;
    }
    match s.base {
        BaseType::Integer32 if !s.enums.is_empty() => ("EnumVal  ", false),
        BaseType::Integer32 => ("INTEGER  ", false),
        BaseType::Unsigned32 => ("Unsigned ", false),
        BaseType::Counter32 => ("Counter  ", false),
        BaseType::Counter64 => ("Counter64", false),
        BaseType::Gauge32 => ("Gauge    ", false),
        BaseType::TimeTicks => ("TimeTicks", false),
        BaseType::IpAddress => ("IpAddr   ", false),
        BaseType::OctetString => ("String   ", true),
        BaseType::ObjectIdentifier => ("ObjID    ", false),
        BaseType::Bits => ("BitString", false),
        BaseType::Opaque => ("Opaque   ", true),
        _ => ("         ", false),
    }
}

impl Tree {
    fn indent(&self) -> &str {
        std::str::from_utf8(&self.indent).unwrap_or("")
    }

    fn node(&mut self, info: &NodeInfo<'_>) {
        // The last column of the indent shows this node's branch: `+` on its own line.
        let at = self.indent.len() - 1;
        let column = self.indent[at];
        self.indent[at] = b'+';
        let arc = info.oid().arcs().last().copied().unwrap_or(0);
        if !is_leaf(info) {
            self.out
                .push_str(&format!("{}--{}({arc})\n", self.indent(), info.name()));
            if info.kind() == NodeKind::Row && info.augments().is_none() {
                let names: Vec<&str> = info.node.index.iter().map(|i| i.name.as_str()).collect();
                if !names.is_empty() {
                    self.indent[at] = column;
                    self.out.push_str(&format!(
                        "{}  |  Index: {}\n",
                        self.indent(),
                        names.join(", ")
                    ));
                    self.indent[at] = b'+';
                }
            }
        } else {
            let (typ, size) = type_text(info);
            self.out.push_str(&format!(
                "{}-- {} {} {}({arc})\n",
                self.indent(),
                access(info.access()),
                typ,
                info.name()
            ));
            self.indent[at] = column;
            let pad = format!("{}        ", self.indent());
            if let Some(tc) = info.textual_convention() {
                self.out
                    .push_str(&format!("{pad}Textual Convention: {tc}\n"));
            }
            let values = if info.enums().is_empty() {
                info.bits()
            } else {
                info.enums()
            };
            if !values.is_empty() {
                let list: Vec<String> = values.iter().map(|(v, l)| format!("{l}({v})")).collect();
                self.out
                    .push_str(&format!("{pad}Values: {}\n", list.join(", ")));
            }
            if let Some(s) = info.syntax() {
                let (what, list) = if size && !s.sizes.is_empty() {
                    ("Size", &s.sizes)
                } else if !s.ranges.is_empty() {
                    ("Range", &s.ranges)
                } else {
                    ("Size", &s.sizes)
                };
                if !list.is_empty() {
                    let what = if size { "Size" } else { what };
                    self.out
                        .push_str(&format!("{pad}{what}: {}\n", list.join(" | ")));
                }
            }
        }
        self.indent[at] = column;
        self.indent.extend_from_slice(b"  |");
        self.was_simple = !is_other(info);
        let children = info.mib.children(&info.oid());
        let count = children.len();
        for (i, child) in children.iter().enumerate() {
            if !self.was_simple || is_other(child) {
                self.out.push_str(&format!("{}\n", self.indent()));
            }
            if i + 1 == count {
                // The last child: no `|` below it in this column.
                self.indent[at + 3] = b' ';
            }
            self.node(child);
        }
        if count > 0 {
            self.was_simple = false;
        }
        self.indent.truncate(at + 1);
    }
}
