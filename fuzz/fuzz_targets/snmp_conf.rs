//! snmp.conf lines (read by every command from /etc/snmp, ~/.snmp, SNMPCONFPATH). The parser
//! lives in the CLI crate's cli/snmpconf.rs, which needs only std, so it is compiled in here.
//! Checks: no panic, and each value set is a piece of the input (nothing invented).
#![no_main]
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../crates/snmpkit-cli/src/cli/snmpconf.rs"]
mod snmpconf;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut d = snmpconf::ConfDefaults::default();
    snmpconf::apply(&mut d, text);
    for v in [
        &d.version,
        &d.community,
        &d.security_name,
        &d.security_level,
        &d.auth_type,
        &d.auth_passphrase,
        &d.priv_type,
        &d.priv_passphrase,
        &d.context,
        &d.security_engine_id,
        &d.context_engine_id,
        &d.timeout,
        &d.retries,
    ]
    .into_iter()
    .flatten()
    {
        assert!(text.contains(v.as_str()), "{v:?} is not in the input");
    }
});
