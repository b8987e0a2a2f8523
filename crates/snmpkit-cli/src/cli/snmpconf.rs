//! net-snmp's client configuration (`snmp.conf`), so credentials and defaults can stay off the
//! command line. Files are read in net-snmp's order; later files override earlier ones, and the
//! command line overrides them all.

use std::path::PathBuf;

/// Defaults read from snmp.conf files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfDefaults {
    /// defVersion.
    pub version: Option<String>,
    /// defCommunity.
    pub community: Option<String>,
    /// defSecurityName.
    pub security_name: Option<String>,
    /// defSecurityLevel.
    pub security_level: Option<String>,
    /// defAuthType.
    pub auth_type: Option<String>,
    /// defAuthPassphrase (or defPassphrase).
    pub auth_passphrase: Option<String>,
    /// defPrivType.
    pub priv_type: Option<String>,
    /// defPrivPassphrase (or defPassphrase).
    pub priv_passphrase: Option<String>,
    /// defContext.
    pub context: Option<String>,
    /// defSecurityEngineId (hex).
    pub security_engine_id: Option<String>,
    /// defContextEngineId (hex).
    pub context_engine_id: Option<String>,
    /// timeout (seconds).
    pub timeout: Option<String>,
    /// retries.
    pub retries: Option<String>,
}

/// The directories searched, in order: `SNMPCONFPATH` when set, else net-snmp's default
/// `/etc/snmp:/usr/share/snmp:/usr/lib/snmp:$HOME/.snmp`.
pub fn search_dirs() -> Vec<PathBuf> {
    if let Some(p) = std::env::var_os("SNMPCONFPATH") {
        return std::env::split_paths(&p).collect();
    }
    let mut v: Vec<PathBuf> = ["/etc/snmp", "/usr/share/snmp", "/usr/lib/snmp"]
        .iter()
        .map(PathBuf::from)
        .collect();
    if let Some(h) = std::env::var_os("HOME") {
        v.push(PathBuf::from(h).join(".snmp"));
    }
    v
}

/// Reads `snmp.conf` and `snmp.local.conf` from every search directory.
pub fn load() -> ConfDefaults {
    let mut d = ConfDefaults::default();
    for dir in search_dirs() {
        for name in ["snmp.conf", "snmp.local.conf"] {
            if let Ok(text) = std::fs::read_to_string(dir.join(name)) {
                apply(&mut d, &text);
            }
        }
    }
    d
}

/// Applies the lines of one file. Unknown tokens are ignored (they belong to other tools).
pub fn apply(d: &mut ConfDefaults, text: &str) {
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, rest) = match line.split_once(char::is_whitespace) {
            Some((k, r)) => (k, r.trim()),
            None => continue,
        };
        let value = Some(unquote(rest).to_string());
        match key.to_ascii_lowercase().as_str() {
            "defversion" => d.version = value,
            "defcommunity" => d.community = value,
            "defsecurityname" => d.security_name = value,
            "defsecuritylevel" => d.security_level = value,
            "defauthtype" => d.auth_type = value,
            "defauthpassphrase" => d.auth_passphrase = value,
            "defprivtype" => d.priv_type = value,
            "defprivpassphrase" => d.priv_passphrase = value,
            "defpassphrase" => {
                d.auth_passphrase
                    .get_or_insert_with(|| unquote(rest).to_string());
                d.priv_passphrase
                    .get_or_insert_with(|| unquote(rest).to_string());
            }
            "defcontext" => d.context = value,
            "defsecurityengineid" => d.security_engine_id = value,
            "defcontextengineid" => d.context_engine_id = value,
            "timeout" => d.timeout = value,
            "retries" => d.retries = value,
            _ => {}
        }
    }
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    if s.len() >= 2
        && ((s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\'')))
    {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_defaults() {
        let mut d = ConfDefaults::default();
        apply(
            &mut d,
            "# comment\ndefVersion 3\ndefSecurityName shaaes\ndefSecurityLevel authPriv\n\
             defAuthType SHA\ndefAuthPassphrase \"auth pass 1\"\ndefPrivType AES\n\
             defPrivPassphrase privpass1\ndefContext ctx\ndefCommunity secret\n\
             mibs +ALL\ntimeout 3\n",
        );
        assert_eq!(d.version.as_deref(), Some("3"));
        assert_eq!(d.security_name.as_deref(), Some("shaaes"));
        assert_eq!(d.security_level.as_deref(), Some("authPriv"));
        assert_eq!(d.auth_type.as_deref(), Some("SHA"));
        assert_eq!(d.auth_passphrase.as_deref(), Some("auth pass 1"));
        assert_eq!(d.priv_type.as_deref(), Some("AES"));
        assert_eq!(d.priv_passphrase.as_deref(), Some("privpass1"));
        assert_eq!(d.context.as_deref(), Some("ctx"));
        assert_eq!(d.community.as_deref(), Some("secret"));
        assert_eq!(d.timeout.as_deref(), Some("3"));
        // A later file overrides.
        apply(&mut d, "defVersion 2c\n");
        assert_eq!(d.version.as_deref(), Some("2c"));
    }
}
