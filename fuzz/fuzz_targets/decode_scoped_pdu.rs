//! Decrypted v3 payloads (attacker-controlled when keys are wrong) go through ScopedPdu::decode.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = snmpkit::codec::ScopedPdu::decode(data);
});
