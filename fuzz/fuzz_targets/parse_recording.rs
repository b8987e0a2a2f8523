//! `snmpkit agent --data` reads recordings users bring: walk text and .snmprec must never
//! panic, and what they accept is sorted with each OID once.
#![no_main]
use libfuzzer_sys::fuzz_target;
use snmpkit_agent::recording::{parse_snmprec, parse_walk_text};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    for parsed in [
        parse_walk_text(data, Path::new("fuzz.walk")),
        parse_snmprec(data, Path::new("fuzz.snmprec")),
    ] {
        match parsed {
            Ok(r) => assert!(r.varbinds.windows(2).all(|w| w[0].oid < w[1].oid)),
            // Errors always name the file and the line.
            Err(e) => assert!(e.to_string().starts_with("fuzz.")),
        }
    }
});
