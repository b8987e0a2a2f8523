//! Reads the interface table through the library's table API and prints one line per
//! interface: columns named by the MIB, rows keyed by ifIndex, typed values.
//!
//! `cargo run --example interfaces -- 127.0.0.1:11161 public`

use snmpkit::client::{TableOptions, TableSpec};
use snmpkit::mib::Mib;
use snmpkit::{Client, ClientOptions, Security};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let agent = args.next().unwrap_or_else(|| "127.0.0.1:161".into());
    let community = args.next().unwrap_or_else(|| "public".into());
    let client =
        Client::connect(&agent, Security::v2c(community), ClientOptions::default()).await?;
    let mib = Mib::builtin();
    let spec = TableSpec::by_name(&mib, "IF-MIB::ifTable")?.select(&[
        "ifDescr",
        "ifType",
        "ifSpeed",
        "ifOperStatus",
        "ifInOctets",
        "ifOutOctets",
    ])?;
    let table = client
        .table(&spec, &TableOptions::new().max_repetitions(25))
        .await?;
    // Each cell is rendered through the MIB as snmptable prints it: ifType and ifOperStatus
    // by their enumeration labels (`ethernetCsmacd`, `up`), the rest by their syntax.
    let columns = [
        "ifDescr",
        "ifType",
        "ifSpeed",
        "ifOperStatus",
        "ifInOctets",
        "ifOutOctets",
    ];
    let mut lines: Vec<Vec<String>> = vec![std::iter::once("ifIndex")
        .chain(columns)
        .map(String::from)
        .collect()];
    for row in table.rows() {
        let mut line = vec![row.index().display(false)];
        for c in columns {
            line.push(row.display(c, &mib).unwrap_or_else(|| "-".into()));
        }
        lines.push(line);
    }
    // Columns as wide as their widest cell; text to the left, numbers to the right.
    let width: Vec<usize> = (0..=columns.len())
        .map(|i| {
            lines
                .iter()
                .map(|l| l[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for line in &lines {
        let cells: Vec<String> = line
            .iter()
            .zip(&width)
            .enumerate()
            .map(|(i, (cell, w))| match i {
                1 | 2 | 4 => format!("{cell:<w$}"),
                _ => format!("{cell:>w$}"),
            })
            .collect();
        println!("{}", cells.join("  ").trim_end());
    }
    Ok(())
}
