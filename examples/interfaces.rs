//! Walks the interface table with GetBulk and prints one line per interface.
//!
//! `cargo run --example interfaces -- 127.0.0.1:11161 public`

use snmpkit::client::WalkLimit;
use snmpkit::{Client, ClientOptions, Oid, Security, Value};
use std::collections::BTreeMap;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let agent = args.next().unwrap_or_else(|| "127.0.0.1:161".into());
    let community = args.next().unwrap_or_else(|| "public".into());
    let options = ClientOptions::builder().max_repetitions(25).build();
    let client = Client::connect(&agent, Security::v2c(community), options).await?;
    let if_entry = Oid::from_slice(&[1, 3, 6, 1, 2, 1, 2, 2, 1]);
    // column -> (ifIndex -> value)
    let mut rows: BTreeMap<u32, BTreeMap<u32, Value>> = BTreeMap::new();
    for vb in client
        .bulk_walk(&if_entry, WalkLimit::count(100_000))
        .await?
    {
        if let Some([col, idx]) = vb.oid.strip_prefix(&if_entry) {
            rows.entry(*idx).or_default().insert(*col, vb.value);
        }
    }
    println!(
        "{:>7}  {:<16} {:>6} {:>12} {:>8} {:>14} {:>14}",
        "ifIndex", "ifDescr", "type", "speed", "oper", "inOctets", "outOctets"
    );
    for (idx, cols) in rows {
        let s = |c: u32| match cols.get(&c) {
            Some(Value::OctetString(b)) => String::from_utf8_lossy(b).into_owned(),
            Some(Value::Integer(i)) => i.to_string(),
            Some(Value::Gauge32(g)) | Some(Value::Counter32(g)) => g.to_string(),
            _ => "-".into(),
        };
        let oper = match cols.get(&8) {
            Some(Value::Integer(1)) => "up".to_string(),
            Some(Value::Integer(2)) => "down".to_string(),
            _ => s(8),
        };
        println!(
            "{idx:>7}  {:<16} {:>6} {:>12} {:>8} {:>14} {:>14}",
            s(2),
            s(3),
            s(5),
            oper,
            s(10),
            s(16)
        );
    }
    Ok(())
}
