//! `snmpkit agent --config` reads snmpd.conf files: never a panic, errors name FILE:LINE.
#![no_main]
use libfuzzer_sys::fuzz_target;
use snmpkit_agent::config::AgentConfig;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match AgentConfig::parse(&text, Path::new("snmpd.conf")) {
        Ok(c) => {
            for s in &c.sinks {
                let _ = s.address();
            }
            for r in &c.communities {
                let _ = c.community_access(r.community.as_bytes(), r.source.network);
            }
        }
        Err(e) => assert!(e.to_string().starts_with("snmpd.conf:")),
    }
});
