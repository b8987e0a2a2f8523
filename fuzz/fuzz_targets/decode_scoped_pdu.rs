//! Decrypted v3 payloads (attacker-controlled garbage when keys are wrong) go through
//! ScopedPdu::decode. Checks: no panic, our encoding round-trips, and rasn-snmp reads the same
//! values where it accepts the bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use snmpkit::codec::ScopedPdu;

mod witness;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = ScopedPdu::decode(data) {
        witness::check_scoped(&s, data);
        let again = ScopedPdu::decode(&s.encode()).expect("our own encoding decodes");
        assert_eq!(again, s);
    }
});
