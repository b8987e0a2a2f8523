//! Conceptual tables: the columns of a MIB table fetched into rows keyed by their index.
//!
//! A [`TableSpec`] names the columns, either from a MIB ([`TableSpec::from_mib`]: the table or
//! its entry node gives the accessible columns and the INDEX clause) or by hand
//! ([`TableSpec::new`]: an entry OID and column numbers). [`Client::table`] fetches it with
//! GetBulk (v2c and v3, `max_repetitions` per request as snmptable's `-Cr`, or by default
//! sized to the agent request by request, see [`BulkSizer`]): down the whole
//! entry for a table with all its columns, as snmptable does, or the chosen columns side by
//! side, one varbind per column, for a selection. On v1, or with [`TableOptions::get_next`]
//! (snmptable's `-CB`), it uses GetNext, one row per request,
//! and returns a [`Table`]: rows in the order their index was first seen, each keyed by its
//! decoded index ([`RowIndex`]) and holding one typed [`Value`] per column, `None` where the
//! agent returned nothing.
//!
//! The rules are net-snmp's snmptable's: exceptions are skipped, columns the MIB does not list
//! are counted ([`Table::unknown_columns`]), a GetNext row takes its index from the first
//! column still inside the table and leaves the columns that jumped past it empty, and a walk
//! that stops increasing ends the table. The number of rows is bounded
//! ([`TableOptions::max_rows`]). Scalars can be read in the same first request as the rows
//! ([`TableOptions::non_repeaters`], e.g. sysUpTime for the time of the counters).
//!
//! ```no_run
//! use snmpkit::client::{TableOptions, TableSpec};
//! use snmpkit::mib::Mib;
//! use snmpkit::{Client, ClientOptions, Security};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let mib = Mib::builtin();
//! let if_table = TableSpec::by_name(&mib, "IF-MIB::ifTable")?
//!     .select(&["ifDescr", "ifOperStatus", "ifInOctets"])?;
//! let client = Client::connect("192.0.2.1", Security::v2c("public"), ClientOptions::default())
//!     .await?;
//! let table = client
//!     .table(&if_table, &TableOptions::new().max_repetitions(25))
//!     .await?;
//! for row in table.rows() {
//!     let if_index = row.index().integer().unwrap_or(0);
//!     let descr = row.get("ifDescr").and_then(|v| v.as_str()).unwrap_or("?");
//!     let octets = row.get("ifInOctets").and_then(|v| v.as_u64()).unwrap_or(0);
//!     println!("{if_index:>4} {descr:<16} {octets}");
//! }
//! # Ok(())
//! # }
//! ```

use super::repetitions::{estimated_size, BulkSizer, Repetitions};
use super::walk::{Walk, WalkEnd, WalkOptions};
use super::Client;
use crate::codec::{Pdu, PduType, Version};
use crate::error::{Error, ErrorStatus, Result};
use crate::mib::{self, DecodedIndex, IndexValue, Mib, NodeKind};
use crate::{Oid, Value, VarBind};
use std::collections::HashMap;
use std::sync::Arc;

/// Why a [`TableSpec`] could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    /// The node is not a table or a table entry (snmptable's `Was that a table?`).
    #[error("Was that a table? {0}")]
    NotATable(Oid),
    /// The table has no accessible columns.
    #[error("Was that a table? {0}")]
    NoColumns(Oid),
    /// A name that is not known to the MIB.
    #[error("{0}: Unknown Object Identifier")]
    UnknownName(String),
    /// A column asked for by [`TableSpec::select`] is not a column of this table.
    #[error("{column} is not a column of {table}")]
    NoSuchColumn {
        /// The table.
        table: String,
        /// The column asked for.
        column: String,
    },
}

/// One column of a table: its name, OID and number within the entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    name: String,
    oid: Oid,
    arc: u32,
}

impl Column {
    /// The column's descriptor (`ifDescr`), or its number when the table was made by hand.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The column's OID (the entry's OID plus [`Column::arc`]).
    pub fn oid(&self) -> &Oid {
        &self.oid
    }

    /// The column's number under the entry (2 for ifDescr).
    pub fn arc(&self) -> u32 {
        self.arc
    }
}

/// Which table to read and which of its columns: made from a MIB or by hand.
#[derive(Debug, Clone)]
pub struct TableSpec {
    name: String,
    table: Oid,
    entry: Oid,
    columns: Arc<[Column]>,
    /// Every column number the MIB lists as accessible (the selected ones when made by hand):
    /// anything else the agent returns is counted as unknown.
    known: Vec<u32>,
    /// Whether the columns are all the entry's accessible columns (from the MIB, not
    /// narrowed by [`TableSpec::select`]): GetBulk then walks the entry, as snmptable does;
    /// otherwise it asks for the chosen columns side by side.
    whole_entry: bool,
    /// Decodes row indexes; None when made by hand.
    mib: Option<Mib>,
}

impl TableSpec {
    /// The table at `node` (the table itself or its entry) with every accessible column, in
    /// MIB order, as snmptable shows it. Rows are keyed by the decoded INDEX (following
    /// AUGMENTS).
    pub fn from_mib(mib: &Mib, node: &Oid) -> std::result::Result<TableSpec, TableError> {
        let not_table = || TableError::NotATable(node.clone());
        let found = mib
            .node_at(node)
            .filter(|n| n.suffix().is_empty())
            .ok_or_else(not_table)?;
        let (table, entry) = match found.kind() {
            NodeKind::Table => (found, found.row().ok_or_else(not_table)?),
            // snmptable refuses the entry; taking its table is friendlier and unambiguous.
            NodeKind::Row => (found.table().ok_or_else(not_table)?, found),
            _ => return Err(not_table()),
        };
        let columns: Vec<Column> = mib
            .children(&entry.oid())
            .into_iter()
            .filter(|c| c.kind() == NodeKind::Column && c.access() != "not-accessible")
            .filter_map(|c| {
                let oid = c.oid();
                let arc = *oid.arcs().last()?;
                Some(Column {
                    name: c.name().to_string(),
                    oid,
                    arc,
                })
            })
            .collect();
        if columns.is_empty() {
            return Err(TableError::NoColumns(table.oid()));
        }
        Ok(TableSpec {
            name: table.name().to_string(),
            table: table.oid(),
            entry: entry.oid(),
            known: columns.iter().map(|c| c.arc).collect(),
            columns: columns.into(),
            whole_entry: true,
            mib: Some(mib.clone()),
        })
    }

    /// Like [`TableSpec::from_mib`], with the table named as a user types it: `ifTable`,
    /// `IF-MIB::ifXTable`, `hrStorageEntry` or a numeric OID.
    pub fn by_name(mib: &Mib, name: &str) -> std::result::Result<TableSpec, TableError> {
        let oid = mib
            .resolve(name)
            .map_err(|_| TableError::UnknownName(name.to_string()))?;
        TableSpec::from_mib(mib, &oid)
    }

    /// A table without a MIB: the entry's OID and the column numbers to read. Columns are
    /// named by their number and rows keyed by their raw index arcs.
    pub fn new(entry: Oid, column_arcs: &[u32]) -> TableSpec {
        let columns: Vec<Column> = column_arcs
            .iter()
            .map(|&arc| Column {
                name: arc.to_string(),
                oid: entry.child(&[arc]),
                arc,
            })
            .collect();
        let mut table = entry.clone();
        table.pop();
        TableSpec {
            name: table.to_string(),
            table,
            entry,
            known: column_arcs.to_vec(),
            columns: columns.into(),
            whole_entry: false,
            mib: None,
        }
    }

    /// Keeps only the named columns, in the order given. Only these columns are then asked
    /// for: with GetBulk, one varbind per column in each request, each column followed to its
    /// end.
    pub fn select(mut self, names: &[&str]) -> std::result::Result<TableSpec, TableError> {
        let mut picked = Vec::with_capacity(names.len());
        for n in names {
            let c = self.columns.iter().find(|c| c.name == *n).ok_or_else(|| {
                TableError::NoSuchColumn {
                    table: self.name.clone(),
                    column: n.to_string(),
                }
            })?;
            picked.push(c.clone());
        }
        self.whole_entry = self.whole_entry
            && picked.len() == self.known.len()
            && picked.iter().zip(&self.known).all(|(c, k)| c.arc == *k);
        self.columns = picked.into();
        Ok(self)
    }

    /// Adds the named columns of `table`, a table whose rows share this one's index (one that
    /// AUGMENTS it, as ifXTable does ifTable), so that one side-by-side GetBulk pass reads
    /// columns of both: `ifTable` with `ifXTable`'s `ifName` and `ifHCInOctets`. Rows keep
    /// this table's index; [`Row::get`] finds the added columns by name ([`Row::get_arc`]
    /// only this table's, since the numbers overlap).
    pub fn augment(
        mut self,
        mib: &Mib,
        table: &str,
        names: &[&str],
    ) -> std::result::Result<TableSpec, TableError> {
        let other = TableSpec::by_name(mib, table)?.select(names)?;
        let index = |entry: &Oid| {
            mib.node_at(entry)
                .and_then(|n| n.table_index())
                .map(|parts| {
                    parts
                        .iter()
                        .map(|p| (p.name.to_string(), p.implied))
                        .collect::<Vec<_>>()
                })
        };
        let mine = index(&self.entry);
        if mine.is_none() || mine != index(&other.entry) {
            return Err(TableError::NotATable(other.table));
        }
        let mut columns = self.columns.to_vec();
        columns.extend(other.columns.iter().cloned());
        self.columns = columns.into();
        self.whole_entry = false;
        Ok(self)
    }

    /// The table's descriptor (`ifTable`), or its numeric OID when made by hand.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The table's OID.
    pub fn table_oid(&self) -> &Oid {
        &self.table
    }

    /// The entry's OID: the columns are its children.
    pub fn entry_oid(&self) -> &Oid {
        &self.entry
    }

    /// The columns that will be read, in order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The index of a row from the arcs after a column's OID.
    fn row_index(&self, arcs: &[u32]) -> RowIndex {
        let decoded = self.mib.as_ref().and_then(|mib| {
            let parts = mib.node_at(&self.entry)?.table_index()?;
            Some(mib::decode_index(&parts, arcs))
        });
        RowIndex {
            oid: Oid::from_slice(arcs),
            decoded,
        }
    }
}

/// How a table is fetched. Start from [`TableOptions::new`] (snmptable's defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TableOptions {
    /// GetBulk max-repetitions (snmptable's `-Cr`), used exactly. `None` (the default) takes
    /// the client's [`ClientOptions::max_repetitions`](crate::ClientOptions::max_repetitions):
    /// unless set there, each request is sized to the agent ([`BulkSizer`]).
    pub max_repetitions: Option<u32>,
    /// GetNext instead of GetBulk (snmptable's `-CB`). SNMPv1 always uses GetNext.
    pub get_next: bool,
    /// Stop after this many rows (default 100,000), so a misbehaving agent cannot exhaust
    /// memory; the table then ends with [`TableEnd::RowLimit`]. `None`: no limit.
    pub max_rows: Option<usize>,
    /// OIDs fetched once beside the table, in its first request: GetBulk's non-repeaters
    /// (bulkget's `-Cn`), or extra varbinds of the first GetNext. Each gives the next instance
    /// after it, as GetNext does: `sysUpTime` brings `sysUpTime.0`, read at the same moment as
    /// the first rows. See [`Table::scalars`].
    pub non_repeaters: Vec<Oid>,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            max_repetitions: None,
            get_next: false,
            max_rows: Some(100_000),
            non_repeaters: Vec::new(),
        }
    }
}

impl TableOptions {
    /// snmptable's defaults, except that GetBulk takes the client's max-repetitions (sized to
    /// the agent unless set) rather than 10; at most 100,000 rows.
    pub fn new() -> TableOptions {
        TableOptions::default()
    }

    /// Sets the GetBulk max-repetitions (`-Cr`); 0 is taken as 1.
    pub fn max_repetitions(mut self, n: u32) -> TableOptions {
        self.max_repetitions = Some(n.max(1));
        self
    }

    /// Uses GetNext, one row per request, instead of GetBulk (`-CB`).
    pub fn get_next(mut self, yes: bool) -> TableOptions {
        self.get_next = yes;
        self
    }

    /// Bounds the number of rows (`None`: unbounded).
    pub fn max_rows(mut self, n: Option<usize>) -> TableOptions {
        self.max_rows = n;
        self
    }

    /// Fetches `oids` once beside the table (see [`TableOptions::non_repeaters`]).
    pub fn non_repeaters(mut self, oids: &[Oid]) -> TableOptions {
        self.non_repeaters = oids.to_vec();
        self
    }

    /// Whether a fetch with these options on an agent of `version` uses GetBulk.
    pub fn uses_bulk(&self, version: Version) -> bool {
        !self.get_next && version != Version::V1
    }
}

/// The index of a row: its sub-identifiers and, with a MIB, their decoded values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowIndex {
    oid: Oid,
    decoded: Option<DecodedIndex>,
}

impl RowIndex {
    /// The index sub-identifiers (what follows a column's OID in an instance).
    pub fn arcs(&self) -> &[u32] {
        self.oid.arcs()
    }

    /// The index sub-identifiers as an OID.
    pub fn oid(&self) -> &Oid {
        &self.oid
    }

    /// The index decoded against the table's INDEX clause (RFC 2578 §7.7); None when the
    /// table was made without a MIB.
    pub fn decoded(&self) -> Option<&DecodedIndex> {
        self.decoded.as_ref()
    }

    /// The value of a single-integer index (ifIndex, hrStorageIndex); None for other
    /// indexes.
    pub fn integer(&self) -> Option<u32> {
        match self.decoded.as_ref().map(|d| d.components.as_slice()) {
            Some(
                [mib::IndexComponent {
                    value: IndexValue::Integer { value, .. },
                    ..
                }],
            ) if self.decoded.as_ref().is_some_and(|d| d.rest.is_empty()) => Some(*value),
            Some(_) => None,
            None => match self.arcs() {
                [one] => Some(*one),
                _ => None,
            },
        }
    }

    /// The index as net-snmp shows it after a column name, without the leading dot:
    /// `2`, `3."shaaes"`, `ipv4."127.0.0.1"`. Numeric when there is no MIB or
    /// `numeric` is set (`-On`, `-Ob`).
    pub fn display(&self, numeric: bool) -> String {
        match &self.decoded {
            Some(d) if !numeric => {
                let s = d.display();
                s.strip_prefix('.').map(String::from).unwrap_or(s)
            }
            _ => self.oid.to_string(),
        }
    }
}

/// One row: its index and one cell per column of the [`TableSpec`].
#[derive(Debug, Clone)]
pub struct Row {
    index: RowIndex,
    cells: Vec<Option<Value>>,
    columns: Arc<[Column]>,
}

impl Row {
    /// The row's index.
    pub fn index(&self) -> &RowIndex {
        &self.index
    }

    /// The cells, in the order of [`TableSpec::columns`]; None where the agent returned
    /// nothing for that column.
    pub fn cells(&self) -> &[Option<Value>] {
        &self.cells
    }

    /// The value of the column named `column` (`ifDescr`, or its number for a table made
    /// by hand).
    pub fn get(&self, column: &str) -> Option<&Value> {
        let i = self.columns.iter().position(|c| c.name == column)?;
        self.cells.get(i)?.as_ref()
    }

    /// The value of the column with this number under the entry (2 for ifDescr).
    pub fn get_arc(&self, arc: u32) -> Option<&Value> {
        let i = self.columns.iter().position(|c| c.arc == arc)?;
        self.cells.get(i)?.as_ref()
    }

    /// The cell of `column` as a varbind, with its full instance OID (column OID + index),
    /// for the formatters.
    pub fn varbind(&self, column: usize) -> Option<VarBind> {
        let c = self.columns.get(column)?;
        let v = self.cells.get(column)?.as_ref()?;
        Some(VarBind::new(c.oid.child(self.index.arcs()), v.clone()))
    }
}

/// Why a table fetch ended without an error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TableEnd {
    /// The agent returned an OID past the table (or an exception).
    Complete,
    /// The agent said noSuchName: the end of its MIB (net-snmp prints `End of MIB`).
    EndOfMib,
    /// The agent returned an OID or index that did not increase; what came before is kept.
    NotIncreasing,
    /// [`TableOptions::max_rows`] rows were read; the rest was not fetched.
    RowLimit,
}

/// A fetched table: the rows in the order their index was first seen.
#[derive(Debug, Clone)]
pub struct Table {
    columns: Arc<[Column]>,
    rows: Vec<Row>,
    end: TableEnd,
    unknown_columns: bool,
    scalars: Vec<VarBind>,
}

impl Table {
    /// The columns, in the order of each row's cells.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The rows, in the order their index was first seen.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Takes the rows.
    pub fn into_rows(self) -> Vec<Row> {
        self.rows
    }

    /// The row with this index, if any.
    pub fn row(&self, index: &[u32]) -> Option<&Row> {
        self.rows.iter().find(|r| r.index.arcs() == index)
    }

    /// How the fetch ended.
    pub fn end(&self) -> &TableEnd {
        &self.end
    }

    /// What the agent returned for [`TableOptions::non_repeaters`], in order (exceptions
    /// included, so a position always matches its OID).
    pub fn scalars(&self) -> &[VarBind] {
        &self.scalars
    }

    /// Whether the agent returned columns the MIB does not list as accessible (snmptable's
    /// `WARNING: More columns on agent than in MIB`).
    pub fn unknown_columns(&self) -> bool {
        self.unknown_columns
    }
}

/// Row assembly without I/O: varbinds in, rows out.
struct Assembler<'a> {
    spec: &'a TableSpec,
    rows: Vec<Row>,
    by_index: HashMap<Oid, usize>,
    unknown_columns: bool,
    max_rows: Option<usize>,
    full: bool,
    /// A side-by-side column went backwards.
    not_increasing: bool,
    /// The answers to the non-repeaters.
    scalars: Vec<VarBind>,
}

impl<'a> Assembler<'a> {
    fn new(spec: &'a TableSpec, max_rows: Option<usize>) -> Self {
        Assembler {
            spec,
            rows: Vec::new(),
            by_index: HashMap::new(),
            unknown_columns: false,
            max_rows,
            full: false,
            not_increasing: false,
            scalars: Vec::new(),
        }
    }

    /// The row for `index`, made when first seen; None once the row limit is reached.
    fn row_mut(&mut self, index: &[u32]) -> Option<&mut Row> {
        let key = Oid::from_slice(index);
        let pos = match self.by_index.get(&key) {
            Some(p) => *p,
            None => {
                if self.max_rows.is_some_and(|m| self.rows.len() >= m) {
                    self.full = true;
                    return None;
                }
                self.rows.push(Row {
                    index: self.spec.row_index(index),
                    cells: vec![None; self.spec.columns.len()],
                    columns: self.spec.columns.clone(),
                });
                self.by_index.insert(key, self.rows.len() - 1);
                self.rows.len() - 1
            }
        };
        self.rows.get_mut(pos)
    }

    /// Files the varbinds of a walk down the entry (GetBulk).
    fn add_walked(&mut self, varbinds: Vec<VarBind>) {
        for vb in varbinds {
            if vb.value.is_exception() {
                continue;
            }
            let Some([col, index @ ..]) = vb.oid.strip_prefix(&self.spec.entry) else {
                continue;
            };
            if !self.spec.known.contains(col) {
                self.unknown_columns = true;
                continue;
            }
            let Some(c) = self.spec.columns.iter().position(|x| x.arc == *col) else {
                continue;
            };
            if let Some(row) = self.row_mut(index) {
                if let Some(cell) = row.cells.get_mut(c) {
                    *cell = Some(vb.value);
                }
            }
        }
    }

    /// Files one GetNext response (one varbind per column, in column order). Returns the
    /// row's index, or None when no column is still inside the table.
    fn add_row(&mut self, varbinds: Vec<VarBind>) -> Option<Vec<u32>> {
        let mut index: Option<Vec<u32>> = None;
        let mut cells: Vec<(usize, Value)> = Vec::new();
        for (c, vb) in varbinds.into_iter().enumerate() {
            let Some(column) = self.spec.columns.get(c) else {
                break;
            };
            if vb.value.is_exception() {
                continue;
            }
            // By the column's own OID: a column added by `TableSpec::augment` lives under
            // another entry.
            let Some(rest) = vb.oid.strip_prefix(&column.oid) else {
                continue;
            };
            match &index {
                None => index = Some(rest.to_vec()),
                Some(i) if i.as_slice() != rest => continue,
                Some(_) => {}
            }
            cells.push((c, vb.value));
        }
        let index = index?;
        if let Some(row) = self.row_mut(&index) {
            for (c, v) in cells {
                if let Some(cell) = row.cells.get_mut(c) {
                    *cell = Some(v);
                }
            }
        }
        Some(index)
    }

    fn finish(self, end: TableEnd) -> Table {
        Table {
            columns: self.spec.columns.clone(),
            rows: self.rows,
            end: if self.full { TableEnd::RowLimit } else { end },
            unknown_columns: self.unknown_columns,
            scalars: self.scalars,
        }
    }
}

impl Client {
    /// Reads a table: GetBulk down the entry, or GetNext one row per request on SNMPv1 and
    /// with [`TableOptions::get_next`]. An error-status from the agent is
    /// [`Error::Status`] (except noSuchName to a GetNext, the end of the agent's MIB:
    /// [`TableEnd::EndOfMib`]); timeouts and other failures are errors too, and the rows
    /// read so far are dropped.
    pub async fn table(&self, spec: &TableSpec, opts: &TableOptions) -> Result<Table> {
        let mut asm = Assembler::new(spec, opts.max_rows);
        let end = if opts.uses_bulk(self.version())
            && spec.whole_entry
            && opts.non_repeaters.is_empty()
        {
            self.table_bulk(spec, opts, &mut asm).await?
        } else if opts.uses_bulk(self.version()) {
            self.table_bulk_columns(spec, opts, &mut asm).await?
        } else {
            self.table_getnext(spec, opts, &mut asm).await?
        };
        Ok(asm.finish(end))
    }

    /// The GetBulk max-repetitions of a table fetch: the options', else the client's.
    fn table_repetitions(&self, opts: &TableOptions) -> Repetitions {
        match opts.max_repetitions {
            Some(n) => Repetitions::fixed(n),
            None => self.inner.options.max_repetitions,
        }
    }

    async fn table_bulk(
        &self,
        spec: &TableSpec,
        opts: &TableOptions,
        asm: &mut Assembler<'_>,
    ) -> Result<TableEnd> {
        let walk_opts = WalkOptions {
            bulk: Some((0, self.table_repetitions(opts))),
            ..WalkOptions::default()
        };
        let mut walk = Walk::new(self.clone(), spec.entry.clone(), walk_opts);
        loop {
            let page = walk.next_page().await?;
            asm.add_walked(page.varbinds);
            if asm.full {
                return Ok(TableEnd::RowLimit);
            }
            match page.end {
                None => continue,
                Some(WalkEnd::Status {
                    status,
                    index,
                    varbinds,
                }) => {
                    return Err(Error::Status {
                        status,
                        index,
                        varbinds,
                    })
                }
                Some(WalkEnd::EndOfMib) => return Ok(TableEnd::EndOfMib),
                Some(WalkEnd::NotIncreasing { .. }) => return Ok(TableEnd::NotIncreasing),
                Some(_) => return Ok(TableEnd::Complete),
            }
        }
    }

    /// GetBulk over the chosen columns side by side: each request carries one varbind per
    /// column still open, and a column closes when the agent answers past it.
    async fn table_bulk_columns(
        &self,
        spec: &TableSpec,
        opts: &TableOptions,
        asm: &mut Assembler<'_>,
    ) -> Result<TableEnd> {
        let mut cursors: Vec<Cursor> = spec
            .columns
            .iter()
            .enumerate()
            .map(|(column, c)| Cursor {
                column,
                last: c.oid.clone(),
            })
            .collect();
        let mut sizer = BulkSizer::for_agent(self.table_repetitions(opts), self.target(), None);
        let mut scalars = opts.non_repeaters.as_slice();
        while !cursors.is_empty() {
            let mut oids = scalars.to_vec();
            oids.extend(cursors.iter().map(|c| c.last.clone()));
            let non_repeaters = i32::try_from(scalars.len()).unwrap_or(i32::MAX);
            if let Some(max) = self.agent_max_size() {
                sizer.limit_message_size(max);
            }
            // Each repetition carries one varbind per open column: divide the size by them.
            let asked = sizer.max_repetitions();
            let per_request = i32::try_from(asked).unwrap_or(i32::MAX);
            let mut resp = self
                .request(Pdu::get_bulk(0, non_repeaters, per_request, &oids))
                .await?;
            if resp.error_status == ErrorStatus::TooBig.code() && sizer.on_too_big() {
                continue;
            }
            if resp.error_status != 0 {
                return Err(Error::Status {
                    status: resp.error_status.into(),
                    index: resp.error_index,
                    varbinds: resp.varbinds,
                });
            }
            if !scalars.is_empty() {
                let rest = resp
                    .varbinds
                    .split_off(scalars.len().min(resp.varbinds.len()));
                asm.scalars = std::mem::replace(&mut resp.varbinds, rest);
                scalars = &[];
            }
            let open = cursors.len().max(1);
            let bytes: usize = resp.varbinds.iter().map(estimated_size).sum();
            sizer.on_response(asked, resp.varbinds.len() / open, bytes);
            let step = asm.add_columns(&mut cursors, resp.varbinds);
            if asm.full {
                return Ok(TableEnd::RowLimit);
            }
            if step == Step::Stalled {
                return Ok(TableEnd::NotIncreasing);
            }
        }
        Ok(if asm.not_increasing {
            TableEnd::NotIncreasing
        } else {
            TableEnd::Complete
        })
    }

    async fn table_getnext(
        &self,
        spec: &TableSpec,
        opts: &TableOptions,
        asm: &mut Assembler<'_>,
    ) -> Result<TableEnd> {
        let mut next: Vec<Oid> = spec.columns.iter().map(|c| c.oid.clone()).collect();
        // The non-repeaters ride along in the first request only.
        next.extend_from_slice(&opts.non_repeaters);
        let mut last_index: Option<Oid> = None;
        loop {
            let mut resp = self
                .request(Pdu::request(PduType::GetNext, 0, &next))
                .await?;
            if resp.error_status == 2 {
                // noSuchName: past the end of the agent's MIB.
                return Ok(TableEnd::EndOfMib);
            }
            if resp.error_status != 0 {
                return Err(Error::Status {
                    status: resp.error_status.into(),
                    index: resp.error_index,
                    varbinds: resp.varbinds,
                });
            }
            if last_index.is_none() && !opts.non_repeaters.is_empty() {
                let at = spec.columns.len().min(resp.varbinds.len());
                asm.scalars = resp.varbinds.split_off(at);
            }
            let Some(index) = asm.add_row_checked(resp.varbinds, last_index.as_ref()) else {
                return Ok(TableEnd::Complete);
            };
            let index = match index {
                Ok(i) => i,
                Err(()) => return Ok(TableEnd::NotIncreasing),
            };
            if asm.full {
                return Ok(TableEnd::RowLimit);
            }
            next = spec.columns.iter().map(|c| c.oid.child(&index)).collect();
            last_index = Some(Oid::from_slice(&index));
        }
    }
}

/// Where one column of a side-by-side GetBulk has got to.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cursor {
    /// The column's position in the spec.
    column: usize,
    /// The last instance received (the column's OID before the first).
    last: Oid,
}

/// What a side-by-side GetBulk response did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Some column moved forward (or every column closed).
    Continue,
    /// No column moved forward: asking again would get the same answer.
    Stalled,
}

impl Assembler<'_> {
    /// Files a side-by-side GetBulk response: varbind `k` continues cursor `k % n`
    /// (RFC 3416 §4.2.3, no non-repeaters). A cursor closes at an exception, at an OID past
    /// its column, or at one that does not increase; closed cursors are removed. A response
    /// that moves no cursor (a short one) has stalled.
    fn add_columns(&mut self, cursors: &mut Vec<Cursor>, varbinds: Vec<VarBind>) -> Step {
        let n = cursors.len();
        if n == 0 || varbinds.is_empty() {
            cursors.clear();
            return Step::Continue;
        }
        let mut closed = vec![false; n];
        let mut moved = false;
        for (k, vb) in varbinds.into_iter().enumerate() {
            let j = k % n;
            let (Some(cursor), Some(done)) = (cursors.get_mut(j), closed.get_mut(j)) else {
                continue;
            };
            if *done {
                continue;
            }
            let Some(column) = self.spec.columns.get(cursor.column) else {
                *done = true;
                continue;
            };
            let index = match vb.oid.strip_prefix(&column.oid) {
                Some(_) if vb.oid <= cursor.last => {
                    self.not_increasing = true;
                    *done = true;
                    continue;
                }
                Some(index) if !vb.value.is_exception() => index.to_vec(),
                _ => {
                    *done = true;
                    continue;
                }
            };
            let c = cursor.column;
            cursor.last = vb.oid;
            moved = true;
            match self.row_mut(&index) {
                Some(row) => {
                    if let Some(cell) = row.cells.get_mut(c) {
                        *cell = Some(vb.value);
                    }
                }
                None => return Step::Continue,
            }
        }
        let mut flags = closed.into_iter();
        cursors.retain(|_| !flags.next().unwrap_or(true));
        if moved || cursors.is_empty() {
            Step::Continue
        } else {
            Step::Stalled
        }
    }

    /// [`Assembler::add_row`], refusing (Err) an index that does not follow `last`: an agent
    /// that does not move forward would keep the walk going for ever.
    fn add_row_checked(
        &mut self,
        varbinds: Vec<VarBind>,
        last: Option<&Oid>,
    ) -> Option<std::result::Result<Vec<u32>, ()>> {
        let index = first_index(self.spec, &varbinds)?;
        if last.is_some_and(|l| l.arcs() >= index.as_slice()) {
            return Some(Err(()));
        }
        self.add_row(varbinds).map(Ok)
    }
}

/// The index a GetNext response's row takes: that of the first column still in the table.
fn first_index(spec: &TableSpec, varbinds: &[VarBind]) -> Option<Vec<u32>> {
    varbinds
        .iter()
        .zip(spec.columns.iter())
        .filter(|(vb, _)| !vb.value.is_exception())
        .find_map(|(vb, column)| vb.oid.strip_prefix(&column.oid).map(<[u32]>::to_vec))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vb(oid: &[u32], v: Value) -> VarBind {
        VarBind::new(Oid::from_slice(oid), v)
    }

    const IF_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 2, 2, 1];

    fn col(c: u32, index: &[u32]) -> Vec<u32> {
        let mut v = IF_ENTRY.to_vec();
        v.push(c);
        v.extend_from_slice(index);
        v
    }

    #[test]
    fn spec_from_the_mib_takes_accessible_columns_and_the_index() {
        let mib = Mib::builtin();
        let t = TableSpec::by_name(&mib, "ifTable").unwrap();
        assert_eq!(t.name(), "ifTable");
        assert_eq!(t.entry_oid().arcs(), &IF_ENTRY);
        assert_eq!(t.columns()[0].name(), "ifIndex");
        assert_eq!(t.columns()[1].arc(), 2);
        // The entry names the same table.
        let e = TableSpec::by_name(&mib, "ifEntry").unwrap();
        assert_eq!(e.table_oid(), t.table_oid());
        // vacmSecurityToGroupTable's index columns are not-accessible.
        let v = TableSpec::by_name(&mib, "vacmSecurityToGroupTable").unwrap();
        assert!(v.columns().iter().all(|c| c.name() != "vacmSecurityModel"));
        assert_eq!(
            TableSpec::by_name(&mib, "sysName").unwrap_err(),
            TableError::NotATable("1.3.6.1.2.1.1.5".parse().unwrap())
        );
        assert!(matches!(
            TableSpec::by_name(&mib, "nonsense"),
            Err(TableError::UnknownName(_))
        ));
        assert!(matches!(
            t.clone().select(&["ifDescr", "sysName"]),
            Err(TableError::NoSuchColumn { .. })
        ));
    }

    #[test]
    fn bulk_varbinds_become_rows_keyed_by_decoded_index() {
        let mib = Mib::builtin();
        let spec = TableSpec::by_name(&mib, "ifTable")
            .unwrap()
            .select(&["ifOperStatus", "ifDescr"])
            .unwrap();
        let mut asm = Assembler::new(&spec, None);
        asm.add_walked(vec![
            vb(&col(1, &[1]), Value::Integer(1)),
            vb(&col(2, &[1]), Value::OctetString(b"lo".to_vec())),
            vb(&col(2, &[12]), Value::OctetString(b"eth0".to_vec())),
            vb(&col(8, &[12]), Value::Integer(2)),
            vb(&col(8, &[1]), Value::Integer(1)),
            vb(&col(99, &[1]), Value::Integer(1)),
            vb(&col(8, &[13]), Value::EndOfMibView),
        ]);
        let t = asm.finish(TableEnd::Complete);
        assert!(t.unknown_columns());
        assert_eq!(t.rows().len(), 2);
        let r = &t.rows()[0];
        assert_eq!(r.index().integer(), Some(1));
        assert_eq!(r.get("ifDescr"), Some(&Value::OctetString(b"lo".to_vec())));
        assert_eq!(r.get_arc(8), Some(&Value::Integer(1)));
        assert_eq!(r.cells()[0], Some(Value::Integer(1)));
        let r = t.row(&[12]).unwrap();
        assert_eq!(r.index().display(false), "12");
        assert_eq!(r.varbind(1).unwrap().oid, Oid::from_slice(&col(2, &[12])));
    }

    #[test]
    fn string_indexes_decode_as_net_snmp_shows_them() {
        let mib = Mib::builtin();
        let spec = TableSpec::by_name(&mib, "vacmSecurityToGroupTable").unwrap();
        let mut entry = spec.entry_oid().arcs().to_vec();
        entry.extend_from_slice(&[3, 3, 6, 115, 104, 97, 97, 101, 115]);
        let mut asm = Assembler::new(&spec, None);
        asm.add_walked(vec![vb(&entry, Value::OctetString(b"g".to_vec()))]);
        let t = asm.finish(TableEnd::Complete);
        let idx = t.rows()[0].index();
        assert_eq!(idx.display(false), "3.\"shaaes\"");
        assert_eq!(idx.display(true), "3.6.115.104.97.97.101.115");
        assert_eq!(idx.integer(), None);
        assert_eq!(idx.decoded().unwrap().components.len(), 2);
    }

    #[test]
    fn getnext_rows_take_the_first_column_still_in_the_table() {
        let spec = TableSpec::new(Oid::from_slice(&IF_ENTRY), &[2, 3]);
        let mut asm = Assembler::new(&spec, None);
        // Column 2 has index 5; column 3 jumped to 7: left empty in row 5.
        let got = asm.add_row_checked(
            vec![
                vb(&col(2, &[5]), Value::OctetString(b"a".to_vec())),
                vb(&col(3, &[7]), Value::Integer(6)),
            ],
            None,
        );
        assert_eq!(got, Some(Ok(vec![5])));
        // Column 2 ran out (next column); column 3 sets the index.
        let got = asm.add_row_checked(
            vec![
                vb(&col(3, &[5]), Value::Integer(6)),
                vb(&col(3, &[7]), Value::Integer(6)),
            ],
            Some(&Oid::from_slice(&[5])),
        );
        assert_eq!(got, Some(Ok(vec![7])));
        // Not increasing.
        let got = asm.add_row_checked(
            vec![vb(&col(2, &[6]), Value::Integer(1))],
            Some(&Oid::from_slice(&[7])),
        );
        assert_eq!(got, Some(Err(())));
        // Nothing left in the table.
        let got = asm.add_row_checked(vec![vb(&[1, 3, 6, 1, 2, 1, 2, 3], Value::Integer(1))], None);
        assert_eq!(got, None);
        let t = asm.finish(TableEnd::Complete);
        assert_eq!(t.rows().len(), 2);
        assert_eq!(t.rows()[0].get("3"), None);
        assert_eq!(t.rows()[1].get("3"), Some(&Value::Integer(6)));
        assert_eq!(t.rows()[1].index().display(false), "7");
        assert_eq!(t.rows()[1].index().integer(), Some(7));
    }

    #[test]
    fn side_by_side_bulk_follows_each_column_to_its_end() {
        let spec = TableSpec::new(Oid::from_slice(&IF_ENTRY), &[2, 10]);
        let mut asm = Assembler::new(&spec, None);
        let mut cursors: Vec<Cursor> = (0..2)
            .map(|column| Cursor {
                column,
                last: spec.columns()[column].oid().clone(),
            })
            .collect();
        // max-repetitions 2: (2.1, 10.1), (2.2, 10.2).
        let step = asm.add_columns(
            &mut cursors,
            vec![
                vb(&col(2, &[1]), Value::OctetString(b"lo".to_vec())),
                vb(&col(10, &[1]), Value::Counter32(5)),
                vb(&col(2, &[2]), Value::OctetString(b"eth0".to_vec())),
                vb(&col(10, &[2]), Value::Counter32(6)),
            ],
        );
        assert_eq!(step, Step::Continue);
        assert_eq!(cursors.len(), 2);
        assert_eq!(cursors[1].last, Oid::from_slice(&col(10, &[2])));
        // Column 2 runs into column 3: it closes; column 10 goes on to row 3.
        let step = asm.add_columns(
            &mut cursors,
            vec![
                vb(&col(3, &[1]), Value::Integer(24)),
                vb(&col(10, &[3]), Value::Counter32(7)),
            ],
        );
        assert_eq!(step, Step::Continue);
        assert_eq!(cursors.len(), 1);
        assert_eq!(cursors[0].column, 1);
        // A column that goes backwards closes.
        assert!(!asm.not_increasing);
        let mut again = cursors.clone();
        let step = asm.add_columns(&mut again, vec![vb(&col(10, &[3]), Value::Counter32(7))]);
        assert_eq!(step, Step::Continue);
        assert!(again.is_empty());
        assert!(asm.not_increasing);
        // A short answer that moves no column has stalled.
        let mut two = vec![
            Cursor {
                column: 0,
                last: Oid::from_slice(&col(2, &[2])),
            },
            cursors[0].clone(),
        ];
        let step = asm.add_columns(&mut two, vec![vb(&col(2, &[2]), Value::Integer(1))]);
        assert_eq!(step, Step::Stalled);
        assert_eq!(two.len(), 1);
        let t = asm.finish(TableEnd::Complete);
        assert_eq!(t.rows().len(), 3);
        assert_eq!(t.rows()[2].get("2"), None);
        assert_eq!(t.rows()[2].get("10"), Some(&Value::Counter32(7)));
        assert_eq!(t.rows()[1].get("2").and_then(Value::as_str), Some("eth0"));
    }

    #[test]
    fn augmented_columns_join_rows_by_the_shared_index() {
        let mib = Mib::builtin();
        let spec = TableSpec::by_name(&mib, "ifTable")
            .and_then(|t| t.select(&["ifDescr"]))
            .and_then(|t| t.augment(&mib, "ifXTable", &["ifName"]))
            .unwrap();
        assert!(!spec.whole_entry);
        let names: Vec<&str> = spec.columns().iter().map(|c| c.name()).collect();
        assert_eq!(names, ["ifDescr", "ifName"]);
        let if_name = |i: u32| vec![1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1, i];
        // Side by side (GetBulk).
        let mut asm = Assembler::new(&spec, None);
        let mut cursors: Vec<Cursor> = (0..2)
            .map(|column| Cursor {
                column,
                last: spec.columns()[column].oid().clone(),
            })
            .collect();
        asm.add_columns(
            &mut cursors,
            vec![
                vb(
                    &col(2, &[4]),
                    Value::OctetString(b"GigabitEthernet0/3".to_vec()),
                ),
                vb(&if_name(4), Value::OctetString(b"Gi0/3".to_vec())),
            ],
        );
        // GetNext (v1, -CB): the ifName varbind belongs to the same row.
        let got = asm.add_row_checked(
            vec![
                vb(&col(2, &[5]), Value::OctetString(b"Serial0".to_vec())),
                vb(&if_name(5), Value::OctetString(b"Se0".to_vec())),
            ],
            Some(&Oid::from_slice(&[4])),
        );
        assert_eq!(got, Some(Ok(vec![5])));
        let t = asm.finish(TableEnd::Complete);
        let rows: Vec<(String, Option<&str>)> = t
            .rows()
            .iter()
            .map(|r| {
                (
                    r.index().display(false),
                    r.get("ifName").and_then(Value::as_str),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("4".to_string(), Some("Gi0/3")),
                ("5".to_string(), Some("Se0"))
            ]
        );
        // A table with another index cannot be joined.
        let other = TableSpec::by_name(&mib, "ifTable").unwrap().augment(
            &mib,
            "sysORTable",
            &["sysORDescr"],
        );
        assert!(other.is_err());
    }

    #[test]
    fn select_keeps_the_whole_entry_walk_only_for_all_columns() {
        let mib = Mib::builtin();
        let t = TableSpec::by_name(&mib, "sysORTable").unwrap();
        assert!(t.whole_entry);
        let all: Vec<&str> = t.columns().iter().map(|c| c.name()).collect();
        assert!(t.clone().select(&all).unwrap().whole_entry);
        assert!(!t.clone().select(&["sysORDescr"]).unwrap().whole_entry);
        assert!(!TableSpec::new(t.entry_oid().clone(), &[2, 3, 4]).whole_entry);
    }

    #[test]
    fn row_limit_ends_the_table() {
        let spec = TableSpec::new(Oid::from_slice(&IF_ENTRY), &[2]);
        let mut asm = Assembler::new(&spec, Some(2));
        asm.add_walked(
            (1..=5)
                .map(|i| vb(&col(2, &[i]), Value::Integer(i64::from(i))))
                .collect(),
        );
        let t = asm.finish(TableEnd::Complete);
        assert_eq!(t.rows().len(), 2);
        assert_eq!(t.end(), &TableEnd::RowLimit);
    }
}
