//! snmptrapd.conf lines (`snmpkit listen -C FILE`). Checks: no panic; every warning names its
//! line; an engine ID accepted in hex is exactly the hex digits given (no signs, no spaces).
#![no_main]
use libfuzzer_sys::fuzz_target;
use snmpkit::notify::conf::{parse_hex, TrapdConfig};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let c = TrapdConfig::parse(text);
    for w in &c.warnings {
        assert!(w.starts_with("line "), "warning without its line: {w:?}");
    }
    // Each whitespace-separated word, read as an engine ID.
    for word in text.split_whitespace() {
        if let Some(bytes) = parse_hex(word) {
            let digits = word
                .strip_prefix("0x")
                .or_else(|| word.strip_prefix("0X"))
                .unwrap_or(word);
            let back: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(back, digits.to_ascii_lowercase(), "parse_hex({word:?})");
        }
    }
});
