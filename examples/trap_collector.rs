//! Collects traps and informs and prints each one on a line: source, trap name, varbinds.
//!
//! `cargo run --example trap_collector -- 127.0.0.1:1162`, then for example
//! `snmptrap -v2c -c public 127.0.0.1:1162 '' 1.3.6.1.6.3.1.1.5.3 1.3.6.1.2.1.2.2.1.1.2 i 2`.
//! An optional second argument stops after that many notifications.

use snmpkit::format::{format_oid, format_varbind, OutputOptions};
use snmpkit::mib::Mib;
use snmpkit::notify::{Receiver, ReceiverConfig};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:1162".into());
    let limit: Option<usize> = args.next().and_then(|n| n.parse().ok());
    let mut config = ReceiverConfig::default();
    config.listen = vec![addr.parse()?];
    let mut rx = Receiver::bind(config).await?;
    eprintln!("listening on {:?}", rx.local_addrs());
    let mib = Mib::builtin();
    let opts = OutputOptions::default();
    let mut seen = 0;
    while let Some(n) = rx.recv().await {
        let name = n
            .trap_oid
            .as_ref()
            .map(|t| format_oid(t, &opts, &mib))
            .unwrap_or_else(|| "?".into());
        let vbs: Vec<String> = n
            .payload()
            .iter()
            .map(|vb| format_varbind(vb, &opts, &mib))
            .collect();
        println!(
            "{} {} {} [{}]",
            n.source,
            n.kind.as_str(),
            name,
            vbs.join("; ")
        );
        seen += 1;
        if Some(seen) == limit {
            break;
        }
    }
    Ok(())
}
