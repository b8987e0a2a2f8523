//! Pieces shared by the readers of net-snmp's configuration files (`snmptrapd.conf` in
//! [`notify::conf`](crate::notify::conf), `snmpd.conf` in `snmpkit_agent::config`):
//! splitting a line into words as net-snmp does, and the `createUser` directive.

use std::fmt;
use std::str::FromStr;

use crate::usm::{AuthProtocol, PrivProtocol};

/// One `createUser` line.
#[derive(Clone, PartialEq, Eq)]
pub struct UserConfig {
    /// The user name.
    pub name: String,
    /// `-e ENGINEID`: the engine this user belongs to. `None`: the receiver accepts any sender
    /// engine; an agent uses its own engine ID.
    pub engine_id: Option<Vec<u8>>,
    /// Authentication protocol and passphrase (`None` for a noAuthNoPriv user).
    pub auth: Option<(AuthProtocol, String)>,
    /// Privacy protocol and passphrase (the auth passphrase when none was given).
    pub privacy: Option<(PrivProtocol, String)>,
}

impl fmt::Debug for UserConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print passphrases.
        f.debug_struct("UserConfig")
            .field("name", &self.name)
            .field("engine_id", &self.engine_id)
            .field("auth", &self.auth.as_ref().map(|a| a.0))
            .field("privacy", &self.privacy.as_ref().map(|p| p.0))
            .finish()
    }
}

/// What is wrong with a configuration line; its `Display` is the message a reader prints
/// after `FILE:LINE: DIRECTIVE: `.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LineError {
    /// A word the directive needs is missing (`-e needs an engine ID`, `missing user name`).
    #[error("{0}")]
    Missing(&'static str),
    /// An engine ID that is not 5 to 32 octets of hex.
    #[error(transparent)]
    EngineId(#[from] crate::engine::EngineIdError),
    /// `createUser -l`/`-m` (pre-localised or master keys).
    #[error("{0} (pre-localised or master keys) is not supported; give passphrases")]
    KeysNotSupported(String),
    /// An authentication or privacy protocol net-snmp does not name.
    #[error(transparent)]
    Protocol(#[from] crate::usm::UsmError),
    /// A passphrase shorter than net-snmp's 8 characters (`auth` or `privacy`).
    #[error("{0} passphrase shorter than 8 characters")]
    ShortPassphrase(&'static str),
    /// More words than the directive takes.
    #[error("too many arguments")]
    TooManyArguments,
    /// A quoted word without its closing quote.
    #[error("no closing {0} quote")]
    Unterminated(char),
}

/// Parses the arguments of `createUser [-e ENGINEID] NAME [AUTH AUTHPASS [PRIV [PRIVPASS]]]`
/// (the words after the directive). Passphrases shorter than 8 characters are refused, as
/// net-snmp does; a missing privacy passphrase is the authentication one.
pub fn parse_create_user(args: &[String]) -> Result<UserConfig, LineError> {
    let mut i = 0;
    let mut engine_id = None;
    while let Some(a) = args.get(i) {
        match a.as_str() {
            "-e" => {
                let hex = args
                    .get(i + 1)
                    .ok_or(LineError::Missing("-e needs an engine ID"))?;
                engine_id = Some(crate::engine::EngineId::parse_hex(hex)?.into_bytes());
                i += 2;
            }
            "-l" | "-m" => return Err(LineError::KeysNotSupported(a.clone())),
            _ => break,
        }
    }
    let rest = args.get(i..).unwrap_or(&[]);
    let name = rest
        .first()
        .ok_or(LineError::Missing("missing user name"))?
        .clone();
    let auth = match rest.get(1) {
        None => None,
        Some(p) => {
            let proto = AuthProtocol::from_str(p)?;
            let pass = rest
                .get(2)
                .ok_or(LineError::Missing("missing auth passphrase"))?
                .clone();
            if pass.len() < 8 {
                return Err(LineError::ShortPassphrase("auth"));
            }
            Some((proto, pass))
        }
    };
    let privacy = match rest.get(3) {
        None => None,
        Some(p) => {
            let proto = PrivProtocol::from_str(p)?;
            // As in net-snmp, a missing privacy passphrase means the auth one.
            let pass = match rest.get(4) {
                Some(p) => p.clone(),
                None => auth.as_ref().map(|a| a.1.clone()).unwrap_or_default(),
            };
            if pass.len() < 8 {
                return Err(LineError::ShortPassphrase("privacy"));
            }
            Some((proto, pass))
        }
    };
    if rest.len() > 5 {
        return Err(LineError::TooManyArguments);
    }
    Ok(UserConfig {
        name,
        engine_id,
        auth,
        privacy,
    })
}

/// Splits a line into words as net-snmp's `copy_nword` does: words are separated by white
/// space; a word that starts with `"` or `'` runs to the matching quote and may contain white
/// space, with `\` taking the next character literally. An unterminated quote is an error.
pub fn words(line: &str) -> Result<Vec<String>, LineError> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(&first) = chars.peek() else {
            return Ok(out);
        };
        let mut w = String::new();
        if first == '"' || first == '\'' {
            chars.next();
            loop {
                match chars.next() {
                    None => return Err(LineError::Unterminated(first)),
                    Some(c) if c == first => break,
                    Some('\\') => match chars.next() {
                        Some(c) => w.push(c),
                        None => return Err(LineError::Unterminated(first)),
                    },
                    Some(c) => w.push(c),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                w.push(c);
            }
        }
        out.push(w);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_as_net_snmp_splits_them() {
        assert_eq!(
            words(r#"createUser  bob SHA "auth pass 1" 'p"q' a\b "x\"y""#).unwrap(),
            [
                "createUser",
                "bob",
                "SHA",
                "auth pass 1",
                "p\"q",
                "a\\b",
                "x\"y"
            ]
        );
        assert_eq!(words("   ").unwrap(), Vec::<String>::new());
        assert_eq!(words(r#"a "" b"#).unwrap(), ["a", "", "b"]);
        assert!(words(r#"a "unterminated"#).is_err());
    }

    #[test]
    fn create_user_forms() {
        let w = |s: &str| words(s).unwrap();
        let u = parse_create_user(&w("alice SHA-512 authpass1 AES-256-C")).unwrap();
        assert_eq!(u.auth, Some((AuthProtocol::Sha512, "authpass1".into())));
        assert_eq!(
            u.privacy,
            Some((PrivProtocol::Aes256Cisco, "authpass1".into()))
        );
        assert!(parse_create_user(&w("bob MD5 short")).is_err());
        assert!(parse_create_user(&w("bob MD5")).is_err());
        assert!(parse_create_user(&w("-l bob")).is_err());
        assert!(parse_create_user(&w("")).is_err());
    }
}
