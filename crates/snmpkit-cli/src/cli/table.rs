//! `table`: a conceptual table as snmptable shows it, one row per index, columns by name.
//!
//! The layout follows net-snmp 5.9's snmptable: a `SNMP table: NAME` title and a blank line,
//! the accessible columns of the entry in MIB order, each right-aligned to its widest cell
//! plus one space, `?` for a cell the agent did not return, rows in the order their index was
//! first seen, values printed as with `-Oq` (no type prefixes; `-Oq` given by the user turns
//! the prefixes back on, as net-snmp's toggle does). Application options: `-Cf SEP`, `-CH`,
//! `-Ch`, `-Ci`, `-Cb`, `-Cl`, `-CB`, `-Cr N`, `-Cw WIDTH`, `-Cc WIDTH`. As in net-snmp,
//! `f`, `w`, `c` and `r` take the argument that follows the `-C` option (`-Cr10` also works).
//!
//! `--json` prints one object per row (`snmpkit::format::table_row_json`): `"index"`, an
//! object of the typed INDEX components, and one key per column name that the agent returned,
//! holding the enum label, the DISPLAY-HINT text, or the plain value, as
//! `snmpkit::format::value_json` gives them. The rows
//! come from the library (`Client::table`); this file handles arguments and prints.

use super::config::{parse_oid, CommonArgs, Fatal};
use super::request::report_error;
use snmpkit::client::{TableEnd, TableError, TableOptions, TableSpec};
use snmpkit::format::{
    error_status_text, format_oid, format_value_for, table_row_json, OidFormat, OutputOptions,
};
use snmpkit::format::{render_table, PrintedRow, TableLayout};
use snmpkit::mib::NodeInfo;
use snmpkit::Error;

/// Arguments of `snmpkit table`.
#[derive(clap::Args, Debug)]
pub struct TableArgs {
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// The agent, then the table (`ifTable`, `IF-MIB::ifTable`, or its OID); plus the values
    /// of `-Cf SEP`, `-Cw WIDTH`, `-Cc WIDTH` and `-Cr N`, which follow their `-C` option.
    #[arg(value_name = "AGENT TABLE")]
    pub(crate) args: Vec<String>,
    /// The arguments after `table` (or after the program name, run as `snmptable`) as typed,
    /// set by `cli::parse_args`: where the `-C` values are found. Empty when the arguments
    /// came from elsewhere.
    #[arg(skip)]
    pub(crate) raw: Vec<String>,
}

/// snmptable's `-C` options.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TableFlags {
    /// -Cf: field separator instead of aligned columns.
    separator: Option<String>,
    /// -CH: no title and no column headers.
    no_headers: bool,
    /// -Ch: only the column headers.
    headers_only: bool,
    /// -Ci: an index column first.
    index: bool,
    /// -Cb: drop the prefix all column names share.
    brief: bool,
    /// -Cl: left-justify.
    left: bool,
    /// -CB: GetNext instead of GetBulk.
    getnext: bool,
    /// -Cr: max-repetitions (10 until given; it also sets the rows per part of a GetNext table).
    max_repetitions: u32,
    /// Whether -Cr was given: without it, GetBulk requests are sized to the agent.
    repetitions_given: bool,
    /// -Cw: print the table in parts at most this wide (0: one part).
    max_width: usize,
    /// -Cc: every column this wide less one (0: as wide as its contents).
    column_width: usize,
}

impl TableFlags {
    /// The options that shape the printed table.
    fn layout(&self) -> TableLayout {
        TableLayout {
            separator: self.separator.clone(),
            no_headers: self.no_headers,
            headers_only: self.headers_only,
            index: self.index,
            brief: self.brief,
            left: self.left,
            max_width: self.max_width,
            column_width: self.column_width,
        }
    }
}

impl Default for TableFlags {
    fn default() -> Self {
        TableFlags {
            separator: None,
            no_headers: false,
            headers_only: false,
            index: false,
            brief: false,
            left: false,
            getnext: false,
            max_repetitions: 10,
            repetitions_given: false,
            max_width: 0,
            column_width: 0,
        }
    }
}

const USAGE: &str = "USAGE: snmpkit table [OPTIONS] AGENT TABLE-OID";

/// Value-taking options of [`CommonArgs`] written as a separate argument (`-c public`).
const VALUE_OPTS: &[&str] = &[
    "-v", "-c", "-t", "-r", "-O", "-C", "-m", "-M", "-I", "-L", "-u", "-l", "-a", "-A", "-x", "-X",
    "-e", "-E", "-n", "-Z",
];

/// For each `-C` option on the raw command line (after the subcommand), the arguments that
/// follow it: where snmptable takes the values of `f`, `w`, `c` and `r` from. None when the
/// command line does not show exactly `count` of them (say, when run from a library caller).
fn c_followers(raw: &[String], count: usize) -> Option<Vec<Vec<String>>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(t) = raw.get(i) {
        if t == "--" {
            break;
        }
        if t == "-C" {
            out.push(raw.get(i + 2..).unwrap_or(&[]).to_vec());
            i += 2;
        } else if t.starts_with("-C") {
            out.push(raw.get(i + 1..).unwrap_or(&[]).to_vec());
            i += 1;
        } else if VALUE_OPTS.contains(&t.as_str()) {
            i += 2;
        } else {
            i += 1;
        }
    }
    (out.len() == count).then_some(out)
}

/// Parses the `-C` arguments. `followers[k]` are the arguments after the k-th `-C` option;
/// values taken from them are returned so they can be removed from the positionals. Without
/// followers, values come from the front of `positionals`.
fn parse_flags(
    app: &[String],
    followers: Option<&[Vec<String>]>,
    positionals: &mut Vec<String>,
) -> Result<TableFlags, Fatal> {
    let mut f = TableFlags::default();
    let mut consumed: Vec<String> = Vec::new();
    for (k, a) in app.iter().enumerate() {
        let mut next = 0;
        let mut take = |letter: char, consumed: &mut Vec<String>| -> Result<String, Fatal> {
            let v = match followers {
                Some(fl) => fl.get(k).and_then(|v| v.get(next)).cloned(),
                None => {
                    // The separator came before the agent and table on the command line.
                    (positionals.len() > 2).then(|| positionals.remove(0))
                }
            };
            next += 1;
            match v {
                Some(v) => {
                    if followers.is_some() {
                        consumed.push(v.clone());
                    }
                    Ok(v)
                }
                None => Err(Fatal(
                    format!("{USAGE}\nBad -C{letter} option: no argument given"),
                    1,
                )),
            }
        };
        let mut chars = a.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                'b' => f.brief = true,
                'B' => f.getnext = true,
                'h' => f.headers_only = true,
                'H' => f.no_headers = true,
                'i' => f.index = true,
                'l' => f.left = true,
                'f' => f.separator = Some(take('f', &mut consumed)?),
                'w' | 'c' | 'r' => {
                    // `-Cr10`, as the other commands spell it, besides snmptable's `-Cr 10`.
                    let attached: String = a
                        .get(i + 1..)
                        .unwrap_or("")
                        .chars()
                        .take_while(|d| d.is_ascii_digit())
                        .collect();
                    let text = if c == 'r' && !attached.is_empty() {
                        for _ in 0..attached.len() {
                            chars.next();
                        }
                        attached
                    } else {
                        take(c, &mut consumed)?
                    };
                    let n = leading_number(&text);
                    let bad = || Fatal(format!("{USAGE}\nBad -C{c} option: {text}"), 1);
                    match c {
                        'w' if n > 0 => f.max_width = n,
                        // snmptable keeps one of the characters for the space between columns.
                        'c' if n > 2 => f.column_width = n - 1,
                        'r' if n > 0 => {
                            f.max_repetitions = n.min(i32::MAX as usize) as u32;
                            f.repetitions_given = true;
                        }
                        _ => return Err(bad()),
                    }
                }
                other => return Err(Fatal(format!("Bad option after -C: {other}\n{USAGE}"), 1)),
            }
        }
    }
    for v in consumed {
        if let Some(p) = positionals.iter().position(|x| *x == v) {
            positionals.remove(p);
        }
    }
    Ok(f)
}

/// C's atoi on a count: the leading digits, 0 when there are none.
fn leading_number(s: &str) -> usize {
    let d: String = s
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    d.parse()
        .unwrap_or(if d.is_empty() { 0 } else { usize::MAX })
}

/// The arguments after each `-C` option of the command line `a` was parsed from (see
/// [`c_followers`]); None without that command line.
pub(crate) fn c_values(a: &TableArgs) -> Option<Vec<Vec<String>>> {
    if a.raw.is_empty() {
        None
    } else {
        c_followers(&a.raw, a.common.app.len())
    }
}

/// Runs table: argument handling here, the fetch in [`snmpkit::client::Client::table`], and
/// snmptable's layout below.
pub async fn run(a: TableArgs) -> i32 {
    let fail = |f: Fatal| {
        eprintln!("{}", f.0);
        f.1
    };
    if let Err(f) = a.common.precheck() {
        return fail(f);
    }
    let followers = c_values(&a);
    let mut args = a.args.clone();
    let flags = match parse_flags(&a.common.app, followers.as_deref(), &mut args) {
        Ok(f) => f,
        Err(f) => return fail(f),
    };
    match args.len() {
        0 => return fail(Fatal(format!("No hostname specified.\n{USAGE}"), 1)),
        2 => {}
        _ => {
            return fail(Fatal(
                format!("Must have exactly one table name\n{USAGE}"),
                1,
            ))
        }
    }
    // snmptable turns quick printing on before reading -O, so -Oq toggles it off again.
    let mut o = OutputOptions {
        quick: true,
        ..OutputOptions::default()
    };
    for f in &a.common.output {
        if let Err(e) = o.parse_flags(f) {
            return fail(Fatal(e.to_string(), 1));
        }
    }
    let mib = a.common.load_mib();
    let table_oid = match parse_oid(&args[1], &mib) {
        Ok(o) => o,
        Err(f) => return fail(f),
    };
    let spec = match TableSpec::from_mib(&mib, &table_oid) {
        // snmptable finds its column names in the printed OIDs; numeric ones (`-On`) have
        // none, so it refuses the table.
        Ok(spec) if o.oid_format == OidFormat::Numeric => {
            return fail(Fatal(
                format!(
                    "Was that a table? {}",
                    format_oid(spec.table_oid(), &o, &mib)
                ),
                1,
            ))
        }
        Ok(spec) => spec,
        Err(TableError::NotATable(oid) | TableError::NoColumns(oid)) => {
            return fail(Fatal(
                format!("Was that a table? {}", format_oid(&oid, &o, &mib)),
                1,
            ))
        }
        Err(e) => return fail(Fatal(e.to_string(), 1)),
    };
    let table_name = format_oid(spec.table_oid(), &o, &mib);
    let mut common = a.common.clone();
    common.app.clear();
    let s = match common.session(&args[0], super::prog(), mib.clone()).await {
        Ok(s) => s,
        Err(f) => return fail(f),
    };
    // Without -Cr, GetBulk requests are sized to the agent (issue 13); -Cr is used exactly.
    let mut opts = TableOptions::new().get_next(flags.getnext);
    if flags.repetitions_given {
        opts = opts.max_repetitions(flags.max_repetitions);
    }
    let bulk = opts.uses_bulk(s.client.version());
    let table = if flags.headers_only {
        None
    } else {
        match s.client.table(&spec, &opts).await {
            Ok(t) => Some(t),
            // snmptable names no failed object after a GetBulk.
            Err(Error::Status { status, .. }) if bulk => {
                eprintln!(
                    "Error in packet.\nReason: {}",
                    error_status_text(status.code())
                );
                return 2;
            }
            Err(e) => return report_error(&s, &e, false),
        }
    };
    let rows = table.as_ref().map(|t| t.rows()).unwrap_or(&[]);
    match table.as_ref().map(|t| t.end()) {
        // With --json, stdout carries only JSON lines.
        Some(TableEnd::EndOfMib) if !s.json => super::out::line("End of MIB"),
        Some(TableEnd::RowLimit) => {
            eprintln!("{table_name}: WARNING: stopped after {} rows", rows.len())
        }
        _ => {}
    }
    if s.json {
        for r in rows {
            let cells: Vec<(&str, Option<snmpkit::VarBind>)> = spec
                .columns()
                .iter()
                .enumerate()
                .map(|(i, c)| (c.name(), r.varbind(i)))
                .collect();
            let cells: Vec<(&str, Option<&snmpkit::VarBind>)> =
                cells.iter().map(|(n, vb)| (*n, vb.as_ref())).collect();
            let line = table_row_json(&cells, &s.output, &mib);
            super::out::line(&line);
        }
        return 0;
    }
    let nodes: Vec<Option<NodeInfo<'_>>> = spec
        .columns()
        .iter()
        .map(|c| mib.node_at(c.oid()))
        .collect();
    let cells: Vec<PrintedRow> = rows
        .iter()
        .map(|r| {
            let values = r
                .cells()
                .iter()
                .zip(&nodes)
                .map(|(cell, node)| {
                    cell.as_ref()
                        .map(|v| format_value_for(v, node.as_ref(), &o, &mib).replace('\n', " "))
                })
                .collect();
            (r.index().display(numeric_index(&o)), values)
        })
        .collect();
    let labels: Vec<String> = spec
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    let mut out = String::new();
    if !cells.is_empty() || flags.headers_only {
        // snmptable prints GetNext results every -Cr rows, unless -Cw asks for parts.
        let batch = if !bulk && (flags.max_width == 0 || flags.column_width != 0) {
            flags.max_repetitions as usize
        } else {
            0
        };
        out = render_table(&flags.layout(), &table_name, labels, &cells, batch);
    }
    if cells.is_empty() {
        out.push_str(&format!("{table_name}: No entries\n"));
    }
    if table.as_ref().is_some_and(|t| t.unknown_columns()) {
        out.push_str(&format!(
            "{table_name}: WARNING: More columns on agent than in MIB\n"
        ));
    }
    super::out::text(&out);
    0
}

/// Whether the index column shows numbers rather than decoded values: `-On` prints numeric
/// OIDs and `-Ob` does not break indexes down.
fn numeric_index(o: &OutputOptions) -> bool {
    o.oid_format == OidFormat::Numeric || o.dont_breakdown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(r: Result<TableFlags, Fatal>) -> TableFlags {
        match r {
            Ok(f) => f,
            Err(e) => panic!("{}", e.0),
        }
    }

    fn err(r: Result<TableFlags, Fatal>) -> Fatal {
        match r {
            Ok(f) => panic!("accepted: {f:?}"),
            Err(e) => e,
        }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_take_their_values_from_the_following_arguments() {
        // snmpkit table -Ci -Cf , -Cw 80 host ifTable
        let raw = strings(&["-Ci", "-Cf", ",", "-Cw", "80", "host", "ifTable"]);
        let app = strings(&["i", "f", "w"]);
        let followers = c_followers(&raw, app.len()).unwrap();
        let mut pos = strings(&[",", "80", "host", "ifTable"]);
        let f = ok(parse_flags(&app, Some(&followers), &mut pos));
        assert_eq!(pos, strings(&["host", "ifTable"]));
        assert_eq!(f.separator.as_deref(), Some(","));
        assert_eq!(f.max_width, 80);
        assert!(f.index);
        // After the positionals, and combined letters: -CHf '|'.
        let raw = strings(&["-v2c", "-c", "-Cx", "host", "ifTable", "-C", "Hf", "|"]);
        let app = strings(&["Hf"]);
        let followers = c_followers(&raw, 1).unwrap();
        let mut pos = strings(&["host", "ifTable", "|"]);
        let f = ok(parse_flags(&app, Some(&followers), &mut pos));
        assert_eq!(pos, strings(&["host", "ifTable"]));
        assert_eq!(f.separator.as_deref(), Some("|"));
        assert!(f.no_headers);
        // -Cr10 and -Cr 10.
        let mut pos = strings(&["h", "t"]);
        let f = ok(parse_flags(&strings(&["r10B"]), None, &mut pos));
        assert_eq!((f.max_repetitions, f.getnext), (10, true));
        let mut pos = strings(&["5", "h", "t"]);
        let f = ok(parse_flags(&strings(&["r"]), None, &mut pos));
        assert_eq!((f.max_repetitions, pos.len()), (5, 2));
    }

    #[test]
    fn bad_flags_are_refused_as_snmptable_does() {
        let mut pos = strings(&["h", "t"]);
        let e = err(parse_flags(&strings(&["z"]), None, &mut pos));
        assert!(e.0.starts_with("Bad option after -C: z"));
        let e = err(parse_flags(&strings(&["f"]), Some(&[vec![]]), &mut pos));
        assert!(
            e.0.ends_with("Bad -Cf option: no argument given"),
            "{}",
            e.0
        );
        let e = err(parse_flags(
            &strings(&["c"]),
            Some(&[strings(&["2"])]),
            &mut pos,
        ));
        assert!(e.0.ends_with("Bad -Cc option: 2"), "{}", e.0);
        let e = err(parse_flags(
            &strings(&["r"]),
            Some(&[strings(&["x"])]),
            &mut pos,
        ));
        assert!(e.0.ends_with("Bad -Cr option: x"), "{}", e.0);
    }
}
