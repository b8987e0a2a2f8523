//! Reads a router's system group with one Get.
//!
//! `cargo run --example system_info -- 127.0.0.1:11161 public`

use snmpkit::{Client, ClientOptions, Oid, Security, Value};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let agent = args.next().unwrap_or_else(|| "127.0.0.1:161".into());
    let community = args.next().unwrap_or_else(|| "public".into());
    let client =
        Client::connect(&agent, Security::v2c(community), ClientOptions::default()).await?;
    let names = [
        "sysDescr",
        "sysObjectID",
        "sysUpTime",
        "sysContact",
        "sysName",
        "sysLocation",
    ];
    let oids: Vec<Oid> = (1..=6)
        .map(|i| Oid::from_slice(&[1, 3, 6, 1, 2, 1, 1, i, 0]))
        .collect();
    for (name, vb) in names.iter().zip(client.get(&oids).await?) {
        let text = match &vb.value {
            Value::OctetString(s) => String::from_utf8_lossy(s).into_owned(),
            Value::ObjectIdentifier(o) => o.to_string(),
            Value::TimeTicks(t) => format!("{}.{:02} s", t / 100, t % 100),
            other => other.to_string(),
        };
        println!("{name:12} {text}");
    }
    Ok(())
}
