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
    /// Users from `authUser` (SNMPv3 notifications are authorised by name, as by net-snmp).
    pub auth_users: Vec<String>,
    /// `traphandle OID|default PROGRAM [ARGS]`: the OID token (`default`, a name or numeric
    /// OID, possibly ending in `*` or `.*`) and the command line, as written.
    pub trap_handles: Vec<(String, String)>,
    /// `format1 FORMAT` or `format print1 FORMAT` (`format print` sets both).
    pub format1: Option<String>,
    /// `format2 FORMAT` or `format print2 FORMAT`.
    pub format2: Option<String>,
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
            let first = line.split_whitespace().next().unwrap_or("");
            let raw_rest = matches!(
                first.to_ascii_lowercase().as_str(),
                "format" | "format1" | "format2" | "traphandle"
            );
            // A format or a command is taken as written, quotes and all.
            let toks = match crate::conf::words(line) {
                Ok(t) if !raw_rest => t,
                _ if raw_rest => vec![first.to_string()],
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
                "authuser" => match args.get(1) {
                    Some(user) => c.auth_users.push(user.clone()),
                    None => warn("authUser needs ACTIONS and USER".into()),
                },
                "traphandle" => {
                    // The command is the rest of the line, as written (it goes to sh -c).
                    let rest = line[first.len()..].trim_start();
                    let Some((oid, cmd)) = rest.split_once(char::is_whitespace) else {
                        warn("traphandle needs OID|default and PROGRAM".into());
                        continue;
                    };
                    c.trap_handles
                        .push((oid.to_string(), cmd.trim().to_string()));
                }
                "format1" | "format2" | "format" => {
                    let rest = line[first.len()..].trim_start();
                    let (dest, fmt) = if directive.eq_ignore_ascii_case("format") {
                        match rest.split_once(char::is_whitespace) {
                            Some((d, f)) => (d.to_ascii_lowercase(), f.trim_start()),
                            None => {
                                warn("format needs DESTINATION and FORMAT".into());
                                continue;
                            }
                        }
                    } else if directive.eq_ignore_ascii_case("format1") {
                        ("print1".to_string(), rest)
                    } else {
                        ("print2".to_string(), rest)
                    };
                    let fmt = unquote(fmt).to_string();
                    match dest.as_str() {
                        "print1" => c.format1 = Some(fmt),
                        "print2" => c.format2 = Some(fmt),
                        "print" => {
                            c.format1 = Some(fmt.clone());
                            c.format2 = Some(fmt);
                        }
                        other => warn(format!(
                            "format {other}: only print, print1 and print2 are supported"
                        )),
                    }
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

impl TrapdConfig {
    /// True when the file says what to accept (`authCommunity`, `authUser` or
    /// `disableAuthorization yes`): without it snmptrapd (net-snmp 5.3 and later) accepts
    /// nothing.
    pub fn has_access_control(&self) -> bool {
        self.disable_authorization || !self.communities.is_empty() || !self.auth_users.is_empty()
    }
}

/// A format string as written, without one pair of surrounding double quotes.
fn unquote(s: &str) -> &str {
    let t = s.trim_end();
    t.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(t)
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
        // restriction on private, dave (short), erin (BLOWFISH).
        assert_eq!(c.warnings.len(), 3, "{:?}", c.warnings);
        assert_eq!(c.auth_users, vec!["alice"]);
        assert_eq!(
            c.trap_handles,
            vec![("default".to_string(), "/bin/true".to_string())]
        );
        assert!(c.has_access_control());
        assert!(c.warnings[0].starts_with("line 7:"), "{:?}", c.warnings);
        assert!(
            !format!("{a:?}").contains("auth pass"),
            "Debug hides secrets"
        );
    }

    #[test]
    fn formats_and_handlers() {
        let c = TrapdConfig::parse(
            "format2 %V\\t %B %v\\n\nformat print1 \"%a %W\\n\"\n\
             traphandle .1.3.6.1.4.1* /usr/bin/handler -x 'a b'\nformat syslog %B\n",
        );
        assert_eq!(c.format2.as_deref(), Some("%V\\t %B %v\\n"));
        assert_eq!(c.format1.as_deref(), Some("%a %W\\n"));
        assert_eq!(
            c.trap_handles,
            vec![(".1.3.6.1.4.1*".into(), "/usr/bin/handler -x 'a b'".into())]
        );
        assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
        assert!(!c.has_access_control());
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
