//! `table`: a conceptual table as snmptable shows it, one row per index, columns by name;
//! `-Cf SEP`, `-CH`, `-Ci`, `-Cb`, `-Cl`, and `--json` (one object per row).

use super::config::{parse_oid, CommonArgs, Fatal};
use super::request::report_error;
use crate::client::{Walk, WalkEnd, WalkOptions};
use crate::format::{format_oid, format_value_for, varbind_json, OutputOptions};
use crate::mib::NodeKind;
use crate::{Oid, VarBind};
use std::collections::BTreeMap;

/// Arguments of `snmpkit table`.
#[derive(clap::Args, Debug)]
pub struct TableArgs {
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// The agent, then the table (`ifTable`, `IF-MIB::ifTable`, or its OID). A `-Cf`
    /// separator given as its own argument comes first.
    #[arg(value_name = "AGENT TABLE", num_args = 2..=3)]
    pub(crate) args: Vec<String>,
}

struct TableFlags {
    separator: Option<String>,
    no_headers: bool,
    index: bool,
    brief: bool,
    left: bool,
    max_repetitions: u32,
}

fn table_flags(args: &mut Vec<String>, c: &[String]) -> Result<TableFlags, Fatal> {
    let mut f = TableFlags {
        separator: None,
        no_headers: false,
        index: false,
        brief: false,
        left: false,
        max_repetitions: 10,
    };
    for a in c {
        let mut chars = a.char_indices();
        while let Some((i, ch)) = chars.next() {
            match ch {
                'H' => f.no_headers = true,
                'i' => f.index = true,
                'b' => f.brief = true,
                'l' => f.left = true,
                // snmptable takes the separator (and -Cw's width) from the rest of this
                // argument, or from the next one.
                'f' | 'w' => {
                    let rest = &a[i + ch.len_utf8()..];
                    let value = if rest.is_empty() {
                        if args.len() < 3 {
                            return Err(Fatal(format!("snmptable: -C{ch} needs an argument"), 1));
                        }
                        args.remove(0)
                    } else {
                        rest.to_string()
                    };
                    if ch == 'f' {
                        f.separator = Some(value);
                    }
                    break;
                }
                'r' => {
                    let digits: String = a[i + 1..]
                        .chars()
                        .take_while(|d| d.is_ascii_digit())
                        .collect();
                    f.max_repetitions = digits
                        .parse()
                        .map_err(|_| Fatal("snmptable: -Cr needs a number".into(), 1))?;
                    for _ in 0..digits.len() {
                        chars.next();
                    }
                }
                'c' | 'B' => {}
                other => {
                    return Err(Fatal(
                        format!("snmptable: Unknown flag passed to -C: {other}"),
                        1,
                    ))
                }
            }
        }
    }
    Ok(f)
}

/// Runs table.
pub async fn run(a: TableArgs) -> i32 {
    let fail = |f: Fatal| {
        eprintln!("{}", f.0);
        f.1
    };
    let mut args = a.args.clone();
    // -C letters that belong to snmptable, not to the walk flags.
    let flags = match table_flags(&mut args, &a.common.app) {
        Ok(f) => f,
        Err(f) => return fail(f),
    };
    if args.len() != 2 {
        return fail(Fatal(
            "USAGE: snmpkit table [OPTIONS] AGENT TABLE".into(),
            1,
        ));
    }
    let mib = a.common.load_mib();
    let table_oid = match parse_oid(&args[1], &mib) {
        Ok(o) => o,
        Err(f) => return fail(f),
    };
    let Some(node) = mib.lookup(&table_oid).filter(|n| n.suffix().is_empty()) else {
        return fail(Fatal(format!("Was that a table? {}", args[1]), 1));
    };
    let (table, row) = match node.kind() {
        NodeKind::Table => match mib
            .children(&node.oid())
            .into_iter()
            .find(|c| c.kind() == NodeKind::Row)
        {
            Some(r) => (node, r),
            None => return fail(Fatal(format!("Was that a table? {}", args[1]), 1)),
        },
        NodeKind::Row => match node.table() {
            Some(t) => (t, node),
            None => return fail(Fatal(format!("Was that a table? {}", args[1]), 1)),
        },
        _ => {
            let opts = OutputOptions::default();
            return fail(Fatal(
                format!("Was that a table? {}", format_oid(&table_oid, &opts, &mib)),
                1,
            ));
        }
    };
    let columns: Vec<_> = mib
        .children(&row.oid())
        .into_iter()
        .filter(|c| c.kind() == NodeKind::Column && c.access() != "not-accessible")
        .collect();
    let mut common = a.common.clone();
    common.app.clear();
    let mut s = match common.session(&args[0], "snmptable", mib.clone()).await {
        Ok(s) => s,
        Err(f) => return fail(f),
    };
    s.output.quick = true;
    let bulk = s.client.version() != crate::codec::Version::V1;
    let opts = WalkOptions {
        bulk: bulk.then_some((0, flags.max_repetitions.max(1))),
        ..WalkOptions::default()
    };
    let row_oid = row.oid();
    let mut walk = Walk::new(s.client.clone(), row_oid.clone(), opts);
    // index arcs -> column number -> varbind
    let mut rows: BTreeMap<Oid, BTreeMap<u32, VarBind>> = BTreeMap::new();
    loop {
        let page = match walk.next_page().await {
            Ok(p) => p,
            Err(e) => return report_error(&s, &e, false),
        };
        for vb in page.varbinds {
            if vb.value.is_exception() {
                continue;
            }
            if let Some([col, index @ ..]) = vb.oid.strip_prefix(&row_oid) {
                rows.entry(Oid::from_slice(index))
                    .or_default()
                    .insert(*col, vb);
            }
        }
        match page.end {
            None => continue,
            Some(WalkEnd::Status {
                status,
                index,
                varbinds,
            }) => {
                super::request::print_status_error(&s, status, index, &varbinds, true);
                return 2;
            }
            Some(_) => break,
        }
    }
    let col_arcs: Vec<u32> = columns
        .iter()
        .map(|c| c.oid().arcs().last().copied().unwrap_or(0))
        .collect();
    if s.json {
        for (index, cells) in &rows {
            let mut obj = serde_json::Map::new();
            obj.insert(
                "index".into(),
                serde_json::Value::String(index_text(&mib, &row_oid, &col_arcs, index)),
            );
            for (c, arc) in columns.iter().zip(&col_arcs) {
                if let Some(vb) = cells.get(arc) {
                    let j = varbind_json(vb, &s.output, &mib);
                    let v = j
                        .get("label")
                        .or_else(|| j.get("display"))
                        .or_else(|| j.get("value"));
                    obj.insert(
                        c.name().to_string(),
                        v.cloned().unwrap_or(serde_json::Value::Null),
                    );
                }
            }
            super::out::line(&serde_json::Value::Object(obj).to_string());
        }
        return 0;
    }
    if rows.is_empty() {
        super::out::line(&format!(
            "{}: No entries",
            format_oid(&table.oid(), &OutputOptions::default(), &mib)
        ));
        return 0;
    }
    let mut headers: Vec<String> = columns.iter().map(|c| c.name().to_string()).collect();
    if flags.brief {
        let prefix = common_prefix(&headers);
        for h in &mut headers {
            h.drain(..prefix);
        }
    }
    let mut grid: Vec<Vec<String>> = Vec::with_capacity(rows.len());
    for (index, cells) in &rows {
        let mut line = Vec::with_capacity(columns.len() + 1);
        if flags.index {
            line.push(index_text(&mib, &row_oid, &col_arcs, index));
        }
        for (c, arc) in columns.iter().zip(&col_arcs) {
            line.push(match cells.get(arc) {
                Some(vb) => format_value_for(&vb.value, Some(c), &s.output, &mib),
                None => "?".to_string(),
            });
        }
        grid.push(line);
    }
    if flags.index {
        headers.insert(0, "index".to_string());
    }
    let mut out = String::new();
    if !flags.no_headers {
        out.push_str(&format!(
            "SNMP table: {}\n\n",
            format_oid(&table.oid(), &OutputOptions::default(), &mib)
        ));
    }
    match &flags.separator {
        Some(sep) => {
            if !flags.no_headers {
                out.push_str(&headers.join(sep));
                out.push('\n');
            }
            for line in &grid {
                out.push_str(&line.join(sep));
                out.push('\n');
            }
        }
        None => {
            let widths: Vec<usize> = (0..headers.len())
                .map(|i| {
                    // snmptable starts the index column one wider than its header.
                    let header = headers[i].chars().count() + usize::from(flags.index && i == 0);
                    grid.iter()
                        .map(|l| l[i].chars().count())
                        .chain(std::iter::once(header))
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            let render = |cells: &[String]| {
                let mut line = String::new();
                for (i, cell) in cells.iter().enumerate() {
                    let w = widths[i];
                    if flags.index && i == 0 {
                        // snmptable's index column has no separator before it.
                        line.push_str(&format!("{cell:>w$}"));
                    } else if flags.left {
                        line.push_str(&format!(" {cell:<w$}"));
                    } else {
                        line.push_str(&format!(" {cell:>w$}"));
                    }
                }
                line
            };
            if !flags.no_headers {
                out.push_str(&render(&headers));
                out.push('\n');
            }
            for line in &grid {
                out.push_str(&render(line));
                out.push('\n');
            }
        }
    }
    super::out::text(&out);
    0
}

/// The index as snmptable shows it: the decoded instance of a column, without its leading dot.
fn index_text(mib: &crate::mib::Mib, row: &Oid, cols: &[u32], index: &Oid) -> String {
    let first = cols.first().copied().unwrap_or(1);
    let oid = row.child(&[first]).child(index.arcs());
    match mib.lookup(&oid) {
        Some(n) => n.suffix_display().trim_start_matches('.').to_string(),
        None => index.to_string(),
    }
}

fn common_prefix(names: &[String]) -> usize {
    let Some(first) = names.first() else { return 0 };
    let mut n = first.len();
    for s in &names[1..] {
        n = n.min(
            first
                .bytes()
                .zip(s.bytes())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    // Never strip a whole name.
    if names.iter().any(|s| s.len() == n) {
        0
    } else {
        n
    }
}
