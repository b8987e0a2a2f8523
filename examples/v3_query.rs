//! An SNMPv3 authPriv Get: engine discovery, then an authenticated and encrypted request; a
//! walk of the system group consumed as a `Stream`; and a wrong password told apart from
//! other failures by its typed USM error.
//!
//! `cargo run --example v3_query -- 127.0.0.1:11161 labuser labauth123 labpriv123`
//! (the lab agent's user: SHA-256 and AES-128).

use futures_core::Stream;
use snmpkit::usm::{AuthProtocol, Credentials, PrivProtocol, UsmError, UsmReport};
use snmpkit::{Client, ClientOptions, Error, Oid, Security, Value, VarBind};
use std::future::poll_fn;
use std::pin::Pin;

/// Prints every varbind of any walk stream and returns how many there were.
async fn print_all(
    mut walk: impl Stream<Item = snmpkit::Result<VarBind>> + Unpin,
) -> snmpkit::Result<usize> {
    let mut n = 0;
    while let Some(vb) = poll_fn(|cx| Pin::new(&mut walk).poll_next(cx)).await {
        let vb = vb?;
        println!("  {} = {}", vb.oid, vb.value);
        n += 1;
    }
    Ok(n)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let agent = args.next().unwrap_or_else(|| "127.0.0.1:161".into());
    let user = args.next().unwrap_or_else(|| "labuser".into());
    let auth = args.next().unwrap_or_else(|| "labauth123".into());
    let privacy = args.next().unwrap_or_else(|| "labpriv123".into());
    let creds = Credentials::new(user.clone())
        .auth(AuthProtocol::Sha256, auth)
        .privacy(PrivProtocol::Aes128, privacy.clone());
    let client = Client::connect(&agent, Security::v3(creds), ClientOptions::default()).await?;
    let oids = [
        Oid::from_slice(&[1, 3, 6, 1, 2, 1, 1, 5, 0]),
        Oid::from_slice(&[1, 3, 6, 1, 6, 3, 10, 2, 1, 1, 0]),
    ];
    let vbs = client.get(&oids).await?;
    if let Value::OctetString(name) = &vbs[0].value {
        println!("sysName.0 = {}", String::from_utf8_lossy(name));
    }
    if let Some(id) = vbs[1].value.as_bytes() {
        println!("snmpEngineID.0 = {}", snmpkit::hex::encode(id));
    }

    // The system group as a stream: one response in memory at a time.
    let system = Oid::from_slice(&[1, 3, 6, 1, 2, 1, 1]);
    let n = print_all(client.bulk_walk_stream(&system)).await?;
    println!("system group: {n} varbinds");

    // The same user with a wrong authentication password: the agent's Report is a typed error.
    let wrong = Credentials::new(user)
        .auth(AuthProtocol::Sha256, "not-the-password")
        .privacy(PrivProtocol::Aes128, privacy);
    let client = Client::connect(&agent, Security::v3(wrong), ClientOptions::default()).await?;
    match client.get(&oids).await {
        Err(Error::Usm(UsmError::Report(UsmReport::WrongDigest))) => {
            println!("wrong password: refused by the agent (usmStatsWrongDigests)")
        }
        Err(e) => println!("failed otherwise: {e}"),
        Ok(_) => println!("the wrong password was accepted"),
    }
    Ok(())
}
