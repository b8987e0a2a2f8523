//! snmptable's layout: a table of text cells printed as `snmptable` prints it, with its title,
//! headers, index column, `-Cf` separator, `-Cl` justification, `-Cb` brief headers, `-Cc`
//! fixed column width and `-Cw` parts. What the cells say is the caller's business (the
//! table reader and the value rendering); here is only where they go.

/// The `-C` options that shape the printed table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableLayout {
    /// `-Cf`: field separator instead of aligned columns.
    pub separator: Option<String>,
    /// `-CH`: no title and no column headers.
    pub no_headers: bool,
    /// `-Ch`: only the column headers.
    pub headers_only: bool,
    /// `-Ci`: an index column first.
    pub index: bool,
    /// `-Cb`: drop the prefix all column names share.
    pub brief: bool,
    /// `-Cl`: left-justify.
    pub left: bool,
    /// `-Cw`: print the table in parts at most this wide (0: one part).
    pub max_width: usize,
    /// `-Cc`: every column this wide less one (0: as wide as its contents).
    pub column_width: usize,
}

/// How many leading bytes snmptable's `-Cb` drops: the shortest common prefix of neighbouring
/// names, counted as its loop counts (one less when a name is a prefix of the next).
fn brief_prefix(labels: &[String]) -> usize {
    let Some(first) = labels.first() else {
        return 0;
    };
    let mut common = first.len();
    for pair in labels.windows(2) {
        let (a, b) = (pair[0].as_bytes(), pair[1].as_bytes());
        let matched = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        let len = if matched == a.len() {
            matched.saturating_sub(1)
        } else {
            matched
        };
        common = common.min(len);
    }
    common
}

/// A printed row: the index text and one cell per column (None prints as `?`).
pub type PrintedRow = (String, Vec<Option<String>>);

/// `s` padded with spaces to `width` bytes, on the left (right-justified) or the right.
fn pad(s: &str, width: usize, left: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(s.len()));
    if left {
        format!("{s}{fill}")
    } else {
        format!("{fill}{s}")
    }
}

/// At most `n` bytes of `s`, cut at a character boundary.
fn truncate(s: &str, n: usize) -> &str {
    let mut end = n.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// Lays the table out as snmptable does: `labels` are the column headers, each row its index
/// text and one cell per column (`None` prints as `?`). `batch` is how many rows snmptable fetches before
/// printing them with GetNext (its `-Cr`; 0 for all at once): each batch is printed with
/// the column widths seen so far, and only the first has the title and headers.
pub fn render_table(
    flags: &TableLayout,
    table_name: &str,
    mut labels: Vec<String>,
    rows: &[PrintedRow],
    batch: usize,
) -> String {
    if flags.brief && labels.len() > 1 {
        let n = brief_prefix(&labels);
        for l in &mut labels {
            *l = l.get(n..).unwrap_or("").to_string();
        }
    }
    let mut layout = Layout {
        flags,
        table_name,
        widths: labels.iter().map(String::len).collect(),
        index_width: "index ".len(),
        labels,
        out: String::new(),
    };
    if rows.is_empty() {
        layout.pass(&[], true);
        return layout.out;
    }
    let size = if batch == 0 { rows.len() } else { batch };
    for (n, chunk) in rows.chunks(size).enumerate() {
        for (index, values) in chunk {
            layout.index_width = layout.index_width.max(index.len());
            for (w, v) in layout.widths.iter_mut().zip(values) {
                if let Some(v) = v {
                    *w = (*w).max(v.len());
                }
            }
        }
        layout.pass(chunk, n == 0);
    }
    layout.out
}

/// snmptable's print_table state: column widths only ever grow.
struct Layout<'a> {
    flags: &'a TableLayout,
    table_name: &'a str,
    labels: Vec<String>,
    widths: Vec<usize>,
    index_width: usize,
    out: String,
}

impl Layout<'_> {
    fn field(&self, f: usize, text: &str) -> String {
        let cw = self.flags.column_width;
        if cw != 0 {
            pad(truncate(text, cw), cw + 1, self.flags.left)
        } else if let Some(sep) = &self.flags.separator {
            if f == 0 && !self.flags.index {
                text.to_string()
            } else {
                format!("{sep}{text}")
            }
        } else {
            pad(
                text,
                self.widths.get(f).copied().unwrap_or(0) + 1,
                self.flags.left,
            )
        }
    }

    fn index_cell(&self, text: &str) -> String {
        if self.flags.column_width != 0 {
            format!("\nindex: {text}\n")
        } else if self.flags.separator.is_some() {
            text.to_string()
        } else {
            pad(text, self.index_width, self.flags.left)
        }
    }

    /// One print_table call.
    fn pass(&mut self, rows: &[PrintedRow], first_pass: bool) {
        let flags = self.flags;
        let cw = flags.column_width;
        let headers = !flags.no_headers && first_pass;
        let fields = self.labels.len();
        let mut out = String::new();
        if headers && !flags.headers_only {
            out.push_str(&format!("SNMP table: {}\n\n", self.table_name));
        }
        let mut last = 0;
        let mut part = 0;
        while last != fields {
            part += 1;
            if part != 1 && !flags.no_headers {
                out.push_str(&format!(
                    "\nSNMP table {}, part {part}\n\n",
                    self.table_name
                ));
            }
            let first = last;
            let mut width = 0;
            if flags.index && headers && cw == 0 {
                width = self.index_width;
                out.push_str(&self.index_cell("index"));
            }
            let mut f = first;
            while f < fields {
                if flags.max_width != 0 {
                    if cw != 0 {
                        if headers {
                            width += cw + 1;
                            if f != first && width > flags.max_width {
                                out.push('\n');
                                width = cw + 1;
                            }
                        }
                    } else {
                        width += self.widths.get(f).copied().unwrap_or(0) + 1;
                        if f != first && width > flags.max_width {
                            break;
                        }
                    }
                }
                if headers {
                    out.push_str(&self.field(f, &self.labels[f]));
                }
                f += 1;
            }
            last = f;
            if headers {
                out.push('\n');
            }
            for (index, values) in rows {
                let mut width = 0;
                if flags.index {
                    if cw == 0 {
                        width = self.index_width;
                    }
                    out.push_str(&self.index_cell(index));
                }
                for f in first..last {
                    if cw != 0 && flags.max_width != 0 {
                        width += cw + 1;
                        if f != first && width > flags.max_width {
                            out.push('\n');
                            width = cw + 1;
                        }
                    }
                    let v = values.get(f).and_then(|c| c.as_deref()).unwrap_or("?");
                    out.push_str(&self.field(f, v));
                }
                out.push('\n');
            }
        }
        self.out.push_str(&out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn brief_prefix_counts_as_snmptable_does() {
        assert_eq!(
            brief_prefix(&strings(&["hrStorageIndex", "hrStorageType"])),
            9
        );
        assert_eq!(brief_prefix(&strings(&["abc", "abcd"])), 2);
        assert_eq!(brief_prefix(&strings(&["abcd", "abc"])), 3);
        assert_eq!(brief_prefix(&strings(&["x", "y"])), 0);
        assert_eq!(brief_prefix(&[]), 0);
    }

    fn sample() -> (Vec<String>, Vec<PrintedRow>) {
        let labels = strings(&["aIndex", "aName"]);
        let rows = vec![
            ("1".to_string(), vec![Some("1".into()), Some("lo".into())]),
            ("12".to_string(), vec![Some("12".into()), None]),
        ];
        (labels, rows)
    }

    #[test]
    fn render_layouts() {
        let (labels, rows) = sample();
        let f = TableLayout::default();
        assert_eq!(
            render_table(&f, "T", labels.clone(), &rows, 0),
            "SNMP table: T\n\n aIndex aName\n      1    lo\n     12     ?\n"
        );
        let f = TableLayout {
            index: true,
            left: true,
            ..TableLayout::default()
        };
        assert_eq!(
            render_table(&f, "T", labels.clone(), &rows, 0),
            "SNMP table: T\n\nindex aIndex aName \n1     1      lo    \n12    12     ?     \n"
        );
        let f = TableLayout {
            index: true,
            separator: Some(",".into()),
            no_headers: true,
            ..TableLayout::default()
        };
        assert_eq!(
            render_table(&f, "T", labels.clone(), &rows, 0),
            "1,1,lo\n12,12,?\n"
        );
        let f = TableLayout {
            brief: true,
            max_width: 8,
            ..TableLayout::default()
        };
        assert_eq!(
            render_table(&f, "T", labels.clone(), &rows, 0),
            "SNMP table: T\n\n Index\n     1\n    12\n\nSNMP table T, part 2\n\n Name\n   lo\n    ?\n"
        );
        let f = TableLayout {
            column_width: 3,
            index: true,
            ..TableLayout::default()
        };
        assert_eq!(
            render_table(&f, "T", labels, &rows, 0),
            "SNMP table: T\n\n aIn aNa\n\nindex: 1\n   1  lo\n\nindex: 12\n  12   ?\n"
        );
    }

    #[test]
    fn getnext_batches_print_with_the_widths_seen_so_far() {
        let labels = strings(&["aName"]);
        let rows = vec![
            ("1".to_string(), vec![Some("lo".into())]),
            ("2".to_string(), vec![Some("a-longer-name".into())]),
        ];
        let f = TableLayout::default();
        assert_eq!(
            render_table(&f, "T", labels, &rows, 1),
            "SNMP table: T\n\n aName\n    lo\n a-longer-name\n"
        );
        let f = TableLayout {
            headers_only: true,
            ..TableLayout::default()
        };
        assert_eq!(
            render_table(&f, "T", strings(&["a", "b"]), &[], 10),
            " a b\n"
        );
    }

    #[test]
    fn truncation_keeps_characters_whole() {
        assert_eq!(truncate("h\u{e9}llo", 2), "h");
        assert_eq!(truncate("ab", 5), "ab");
    }
}
