//! Polls sysUpTime and interface counters on many agents at once over one shared socket.
//!
//! `cargo run --example poll_many -- public 127.0.0.1:11161 [::1]:11161 ...`

use snmpkit::client::{TableOptions, TableSpec};
use snmpkit::{oid, Client, ClientOptions, Oid, Security, Transport};
use std::time::Duration;

/// Constants, built at compile time: no string is parsed at run time.
const SYS_UPTIME_0: Oid = Oid::from_static(&snmpkit::SYS_UPTIME_0);
const IF_ENTRY: Oid = oid!(1, 3, 6, 1, 2, 1, 2, 2, 1);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let community = args.next().unwrap_or_else(|| "public".into());
    let agents: Vec<String> = args.collect();
    let transport = Transport::new();
    let options = ClientOptions::builder()
        .timeout(Duration::from_millis(500))
        .retries(2)
        .max_repetitions(50)
        .build();
    let mut tasks = Vec::new();
    for agent in agents {
        let (transport, options, community) =
            (transport.clone(), options.clone(), community.clone());
        tasks.push(tokio::spawn(async move {
            let client =
                Client::connect_with(transport, &agent, Security::v2c(community), options).await?;
            let up = client.get(&[SYS_UPTIME_0]).await?;
            // ifInOctets and ifOutOctets side by side, one row per interface.
            let counters = TableSpec::new(IF_ENTRY, &[10, 16]);
            let table = client
                .table(&counters, &TableOptions::new().max_repetitions(25))
                .await?;
            Ok::<_, snmpkit::Error>((agent, up, table.rows().len()))
        }));
    }
    for t in tasks {
        match t.await? {
            Ok((agent, up, n)) => println!("{agent}: {}, {n} ifInOctets counters", up[0].value),
            Err(e) => println!("error: {e}"),
        }
    }
    Ok(())
}
