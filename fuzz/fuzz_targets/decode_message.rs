//! Every datagram the manager or the listener receives goes through decode_message.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(snmpkit::codec::Message::Community(m)) = snmpkit::codec::decode_message(data) {
        // What we decoded must re-encode and decode to the same thing.
        let again = snmpkit::codec::decode_message(&m.encode()).expect("re-decode");
        assert_eq!(again, snmpkit::codec::Message::Community(m));
    }
});
