//! An SNMPv3 authPriv Get: engine discovery, then an authenticated and encrypted request.
//!
//! `cargo run --example v3_query -- 127.0.0.1:11161 labuser labauth123 labpriv123`
//! (the lab agent's user: SHA-256 and AES-128).

use snmpkit::usm::{AuthProtocol, Credentials, PrivProtocol};
use snmpkit::{Client, ClientOptions, Oid, Security, Value};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let agent = args.next().unwrap_or_else(|| "127.0.0.1:161".into());
    let user = args.next().unwrap_or_else(|| "labuser".into());
    let auth = args.next().unwrap_or_else(|| "labauth123".into());
    let privacy = args.next().unwrap_or_else(|| "labpriv123".into());
    let creds = Credentials::new(user)
        .auth(AuthProtocol::Sha256, auth)
        .privacy(PrivProtocol::Aes128, privacy);
    let client = Client::connect(&agent, Security::v3(creds), ClientOptions::default()).await?;
    let oids = [
        Oid::from_slice(&[1, 3, 6, 1, 2, 1, 1, 5, 0]),
        Oid::from_slice(&[1, 3, 6, 1, 6, 3, 10, 2, 1, 1, 0]),
    ];
    let vbs = client.get(&oids).await?;
    if let Value::OctetString(name) = &vbs[0].value {
        println!("sysName.0 = {}", String::from_utf8_lossy(name));
    }
    if let Value::OctetString(id) = &vbs[1].value {
        let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
        println!("snmpEngineID.0 = {hex}");
    }
    Ok(())
}
