//! Sets sysName.0 and reads it back.
//!
//! `cargo run --example set_sysname -- 127.0.0.1:11161 private new-name`

use snmpkit::{Client, ClientOptions, Oid, Security, Value, VarBind};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let agent = args.next().unwrap_or_else(|| "127.0.0.1:161".into());
    let community = args.next().unwrap_or_else(|| "private".into());
    let name = args.next().unwrap_or_else(|| "lab-router".into());
    let client =
        Client::connect(&agent, Security::v2c(community), ClientOptions::default()).await?;
    let sys_name = Oid::from_slice(&[1, 3, 6, 1, 2, 1, 1, 5, 0]);
    client
        .set(&[VarBind::new(
            sys_name.clone(),
            Value::OctetString(name.into_bytes()),
        )])
        .await?;
    let now = client.get(&[sys_name]).await?;
    if let Some(Value::OctetString(s)) = now.first().map(|v| &v.value) {
        println!("sysName.0 is now {:?}", String::from_utf8_lossy(s));
    }
    Ok(())
}
