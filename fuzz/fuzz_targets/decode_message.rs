//! Every datagram the manager, the listener and the agent receive goes through decode_message.
//! Checks: no panic; what we decode re-encodes to something that decodes to the same message;
//! where rasn-snmp also accepts the bytes, both read the same values (see witness.rs); for v3,
//! the reported MAC location holds the MAC.
#![no_main]
use libfuzzer_sys::fuzz_target;
use snmpkit::codec::{decode_message, Message};

mod witness;

fuzz_target!(|data: &[u8]| {
    match decode_message(data) {
        Ok(Message::Community(m)) => {
            witness::check_community(&m, data);
            let again = decode_message(&m.encode()).expect("our own encoding decodes");
            assert_eq!(again, Message::Community(m));
        }
        Ok(Message::V3(d)) => {
            witness::check_v3(&d, data);
            let enc = d.msg.encode();
            let Ok(Message::V3(again)) = decode_message(&enc.bytes) else {
                panic!("our own v3 encoding does not decode as v3");
            };
            assert_eq!(again.msg, d.msg);
            assert_eq!(
                (again.auth_offset, again.auth_len),
                (enc.auth_offset, enc.auth_len)
            );
        }
        Err(_) => {}
    }
});
