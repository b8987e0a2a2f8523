//! Targets files are operator input but may be anything (a wrong path, a binary file): the
//! parser must return lines or a `LINE: error`, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(lines) = snmpkit::poll::parse_targets(&text) {
        for l in lines {
            let _ = l.label();
        }
    }
});
