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
    // The enumeration labels of ifOperStatus come from the MIB too.
    let oper_status = mib.node("IF-MIB::ifOperStatus");
    println!(
        "{:>7}  {:<16} {:>6} {:>12} {:>8} {:>14} {:>14}",
        "ifIndex", "ifDescr", "type", "speed", "oper", "inOctets", "outOctets"
    );
    for row in table.rows() {
        let number = |column: &str| match row.get(column).and_then(|v| v.as_u64()) {
            Some(n) => n.to_string(),
            None => "-".into(),
        };
        let oper = row
            .get("ifOperStatus")
            .and_then(|v| v.as_i64())
            .map(|n| {
                oper_status
                    .and_then(|node| node.enum_label(n))
                    .map(String::from)
                    .unwrap_or_else(|| n.to_string())
            })
            .unwrap_or_else(|| "-".into());
        println!(
            "{:>7}  {:<16} {:>6} {:>12} {:>8} {:>14} {:>14}",
            row.index().display(false),
            row.get("ifDescr").and_then(|v| v.as_str()).unwrap_or("-"),
            number("ifType"),
            number("ifSpeed"),
            oper,
            number("ifInOctets"),
            number("ifOutOctets"),
        );
    }
    Ok(())
}
