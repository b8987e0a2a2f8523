//! Writing to stdout without panicking: a closed pipe (`snmpkit walk ... | head`) ends the
//! process quietly, as net-snmp's tools end on SIGPIPE, instead of a panic from `println!`.

use std::io::Write;

/// Writes `s` as is and flushes.
pub fn text(s: &str) {
    let mut o = std::io::stdout().lock();
    if o.write_all(s.as_bytes()).and_then(|_| o.flush()).is_err() {
        std::process::exit(0);
    }
}

/// Writes `s` and a newline.
pub fn line(s: &str) {
    let mut o = std::io::stdout().lock();
    if o.write_all(s.as_bytes())
        .and_then(|_| o.write_all(b"\n"))
        .and_then(|_| o.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}
