//! The useful subset of snmptrapd.conf(5), so an existing file works with `snmpkit listen -C`:
//! `createUser`, `authCommunity`, `authUser`, `disableAuthorization` and `snmpTrapdAddr`.
//! Other directives produce warnings, never failures.

pub use crate::usm::{AuthProtocol, PrivProtocol};

pub use crate::conf::UserConfig;

/// What a snmptrapd.conf-style file configures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrapdConfig {
    /// `createUser` lines.
    pub users: Vec<UserConfig>,
    /// Communities from `authCommunity`.
    pub communities: Vec<String>,
    /// `disableAuthorization yes`: accept every community.
    pub disable_authorization: bool,
    /// Addresses from `snmpTrapdAddr`.
    pub listen: Vec<String>,
    /// One message per line that was ignored or only partly understood (`line N: ...`).
    pub warnings: Vec<String>,
}

impl TrapdConfig {
    /// Parses the text of a file. Never fails: problems become [`TrapdConfig::warnings`].
    pub fn parse(text: &str) -> TrapdConfig {
        let mut c = TrapdConfig::default();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut warn = |m: String| c.warnings.push(format!("line {}: {m}", i + 1));
            let toks = match crate::conf::words(line) {
                Ok(t) => t,
                Err(m) => {
                    warn(format!("line ignored: {m}"));
                    continue;
                }
            };
            let Some((directive, args)) = toks.split_first() else {
                continue;
            };
            match directive.to_ascii_lowercase().as_str() {
                "createuser" => match crate::conf::parse_create_user(args) {
                    Ok(u) => c.users.push(u),
                    Err(m) => warn(format!("createUser ignored: {m}")),
                },
                "authcommunity" => {
                    let (Some(actions), Some(community)) = (args.first(), args.get(1)) else {
                        warn("authCommunity needs ACTIONS and COMMUNITY".into());
                        continue;
                    };
                    for a in actions.split(',') {
                        if !matches!(a.to_ascii_lowercase().as_str(), "log" | "execute" | "net") {
                            warn(format!("authCommunity: unknown action {a:?} ignored"));
                        }
                    }
                    if args.len() > 2 {
                        warn(format!(
                            "authCommunity: source/OID/view restrictions are not supported; \
                             community {community:?} is accepted from any source"
                        ));
                    }
                    c.communities.push(community.clone());
                }
                "authuser" => {
                    // v3 users are authorised by being configured with createUser.
                }
                "disableauthorization" => match args.first().map(|s| s.to_ascii_lowercase()) {
                    Some(v) if v == "yes" || v == "true" || v == "1" => {
                        c.disable_authorization = true
                    }
                    Some(v) if v == "no" || v == "false" || v == "0" => {
                        c.disable_authorization = false
                    }
                    _ => warn("disableAuthorization expects yes or no".into()),
                },
                "snmptrapdaddr" => {
                    for a in args.iter().flat_map(|a| a.split(',')) {
                        if !a.is_empty() {
                            c.listen.push(a.to_string());
                        }
                    }
                }
                _ => warn(format!("unsupported directive {directive:?} ignored")),
            }
        }
        c
    }
}

/// Parses an engine ID in hex, with or without `0x`.
pub fn parse_hex(s: &str) -> Option<Vec<u8>> {
    crate::hex::decode(s).filter(|id| !id.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typical_file() {
        let text = r#"
# snmptrapd.conf
createUser -e 0x8000000001020304 alice SHA "auth pass 1" AES privpass1
createUser bob MD5 authpass2 DES
createUser carol
authCommunity log,execute,net public
authCommunity log private 10.0.0.0/8
authUser log alice
disableAuthorization no
snmpTrapdAddr udp:1162,udp6:1162
traphandle default /bin/true
createUser dave SHA short
createUser erin SHA1 authpass3 BLOWFISH x
"#;
        let c = TrapdConfig::parse(text);
        assert_eq!(c.users.len(), 3);
        let a = &c.users[0];
        assert_eq!(a.name, "alice");
        assert_eq!(
            a.engine_id.as_deref(),
            Some(&[0x80, 0, 0, 0, 1, 2, 3, 4][..])
        );
        assert_eq!(a.auth, Some((AuthProtocol::Sha1, "auth pass 1".into())));
        assert_eq!(a.privacy, Some((PrivProtocol::Aes128, "privpass1".into())));
        let b = &c.users[1];
        assert_eq!(b.engine_id, None);
        assert_eq!(b.auth, Some((AuthProtocol::Md5, "authpass2".into())));
        assert_eq!(b.privacy, Some((PrivProtocol::Des, "authpass2".into())));
        assert_eq!(c.users[2].auth, None);
        assert_eq!(c.communities, vec!["public", "private"]);
        assert!(!c.disable_authorization);
        assert_eq!(c.listen, vec!["udp:1162", "udp6:1162"]);
        // restriction on private, traphandle, dave (short), erin (BLOWFISH).
        assert_eq!(c.warnings.len(), 4, "{:?}", c.warnings);
        assert!(c.warnings[0].starts_with("line 7:"), "{:?}", c.warnings);
        assert!(
            !format!("{a:?}").contains("auth pass"),
            "Debug hides secrets"
        );
    }

    #[test]
    fn disable_authorization() {
        assert!(TrapdConfig::parse("disableAuthorization yes").disable_authorization);
        let c = TrapdConfig::parse("disableAuthorization maybe");
        assert!(!c.disable_authorization);
        assert_eq!(c.warnings.len(), 1);
    }

    #[test]
    fn hex() {
        assert_eq!(parse_hex("0x0A0b"), Some(vec![10, 11]));
        assert_eq!(parse_hex("800000"), Some(vec![0x80, 0, 0]));
        for bad in ["", "0x", "abc", "zz", "0xé1"] {
            assert_eq!(parse_hex(bad), None, "{bad}");
        }
    }

    /// `+a+b` was read as 0x0a 0x0b, because from_str_radix takes a leading `+`.
    #[test]
    fn hex_parser_rejects_plus_signs() {
        for bad in ["+a+b", "0x+a+b", "+a0b", "0b+a", "-a0b"] {
            assert_eq!(parse_hex(bad), None, "{bad}");
        }
        let c = TrapdConfig::parse("createUser -e +a+b+c+d+e alice SHA authpass123\n");
        assert!(c.users.is_empty());
        assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    }
}
