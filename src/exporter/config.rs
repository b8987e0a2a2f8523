//! `snmp.yml`: both layouts of Prometheus snmp_exporter's configuration.
//!
//! - Before 0.23: the top level maps module names to modules, each with its own `auth:` block and
//!   `version:`.
//! - Since 0.23: top-level `auths:` (with `version` inside each auth) and `modules:`.
//!
//! Both are read into one [`Config`]: an old-layout file becomes one auth per module, named after
//! the module, and the module remembers it ([`Module::auth`]). Unknown fields are refused, as
//! snmp_exporter's strict YAML decoding refuses them; errors carry `FILE:LINE:COLUMN`.

use crate::usm::{AuthProtocol, PrivProtocol};
use crate::Oid;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// Which of the two `snmp.yml` layouts a file used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Modules at the top level, `auth` inside each (snmp_exporter before 0.23).
    Legacy,
    /// Top-level `auths:` and `modules:` (snmp_exporter 0.23 and later).
    Split,
}

/// A configuration error, already prefixed with the file and position where known.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// SNMP credentials and version: an entry of `auths:` (or a legacy module's `auth:`).
#[derive(Clone, Debug, PartialEq)]
pub struct Auth {
    /// 1, 2 or 3.
    pub version: u8,
    /// v1/v2c community.
    pub community: String,
    /// `noAuthNoPriv`, `authNoPriv` or `authPriv`.
    pub security_level: String,
    /// USM user name.
    pub username: String,
    /// Authentication passphrase.
    pub password: String,
    /// `MD5`, `SHA`, `SHA224`, `SHA256`, `SHA384`, `SHA512`.
    pub auth_protocol: String,
    /// `DES`, `AES`, `AES192`, `AES256`, `AES192C`, `AES256C`.
    pub priv_protocol: String,
    /// Privacy passphrase.
    pub priv_password: String,
    /// SNMPv3 context name.
    pub context_name: String,
}

impl Default for Auth {
    fn default() -> Self {
        Auth {
            version: 2,
            community: "public".into(),
            security_level: "noAuthNoPriv".into(),
            username: String::new(),
            password: String::new(),
            auth_protocol: "MD5".into(),
            priv_protocol: "DES".into(),
            priv_password: String::new(),
            context_name: String::new(),
        }
    }
}

/// How a module walks: snmp_exporter's `WalkParams`.
#[derive(Clone, Debug, PartialEq)]
pub struct WalkParams {
    /// GetBulk max-repetitions when the file sets it; `None` sizes GetBulk adaptively.
    pub max_repetitions: Option<u32>,
    /// Retries per request (default 3).
    pub retries: u32,
    /// Timeout per request (default 5 s).
    pub timeout: Duration,
    /// Accept OIDs that do not increase during a walk.
    pub allow_nonincreasing_oids: bool,
}

impl Default for WalkParams {
    fn default() -> Self {
        WalkParams {
            max_repetitions: None,
            retries: 3,
            timeout: Duration::from_secs(5),
            allow_nonincreasing_oids: false,
        }
    }
}

/// One index of a metric: how the OID suffix turns into a label.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// The label name.
    pub labelname: String,
    /// `gauge`, `PhysAddress48`, `OctetString`, `DisplayString`, `InetAddress`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// A fixed length for string indexes (from the MIB's SIZE).
    #[serde(default)]
    pub fixed_size: usize,
    /// IMPLIED: the string runs to the end of the OID.
    #[serde(default)]
    pub implied: bool,
    /// Names of an enumerated index.
    #[serde(default)]
    pub enum_values: BTreeMap<i64, String>,
}

/// A label looked up from another column with the same index.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lookup {
    /// The index labels whose OIDs form the looked-up instance.
    #[serde(default)]
    pub labels: Vec<String>,
    /// The label to set (or, with no `labels`, to delete).
    pub labelname: String,
    /// The column to read, numeric.
    #[serde(default)]
    pub oid: String,
    /// How to render the looked-up value.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Accepted for newer files; not used by the 0.21 rendering.
    #[serde(default)]
    pub display_hint: String,
    /// Names of an enumerated lookup value (newer files).
    #[serde(default)]
    pub enum_values: BTreeMap<i64, String>,
}

/// One `regex_extracts` entry.
#[derive(Clone, Debug)]
pub struct RegexExtract {
    /// The replacement, `$1` by default.
    pub value: String,
    /// The pattern, anchored at both ends as snmp_exporter anchors it.
    pub regex: regex::Regex,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegexExtract {
    #[serde(default = "dollar_one")]
    value: String,
    regex: String,
}

fn dollar_one() -> String {
    "$1".into()
}

/// A metric: the objects under `oid` and how they become samples.
#[derive(Clone, Debug)]
pub struct Metric {
    /// The metric name.
    pub name: String,
    /// The object's OID, numeric.
    pub oid: Oid,
    /// `gauge`, `counter`, `EnumAsInfo`, `DisplayString`, ...
    pub kind: String,
    /// The HELP text.
    pub help: String,
    /// How the instance suffix becomes labels.
    pub indexes: Vec<Index>,
    /// Labels read from other columns.
    pub lookups: Vec<Lookup>,
    /// New metrics made from a string value by regular expressions, by name suffix.
    pub regex_extracts: BTreeMap<String, Vec<RegexExtract>>,
    /// Names of enumerated values.
    pub enum_values: BTreeMap<i64, String>,
    /// Added to the value (newer files).
    pub offset: f64,
    /// Multiplies the value when not 0 (newer files).
    pub scale: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetric {
    name: String,
    oid: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    help: String,
    #[serde(default)]
    indexes: Vec<Index>,
    #[serde(default)]
    lookups: Vec<Lookup>,
    #[serde(default)]
    regex_extracts: BTreeMap<String, Vec<RawRegexExtract>>,
    #[serde(default)]
    enum_values: BTreeMap<i64, String>,
    #[serde(default)]
    offset: f64,
    #[serde(default)]
    scale: f64,
    #[serde(default)]
    display_hint: String,
    #[serde(default)]
    datetime_pattern: String,
}

/// A static filter: only these indices of these columns are fetched.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaticFilter {
    /// Columns (numeric OIDs) restricted.
    #[serde(default)]
    pub targets: Vec<String>,
    /// The index suffixes to fetch.
    #[serde(default)]
    pub indices: Vec<String>,
}

/// A dynamic filter: the indices whose `oid` value is one of `values`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DynamicFilter {
    /// The column whose values decide.
    pub oid: String,
    /// Columns restricted to the chosen indices.
    #[serde(default)]
    pub targets: Vec<String>,
    /// The values that select an index.
    #[serde(default)]
    pub values: Vec<String>,
}

/// A module's `filters:`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filters {
    /// Fixed index lists.
    #[serde(default, rename = "static")]
    pub static_: Vec<StaticFilter>,
    /// Index lists chosen by a column's values.
    #[serde(default)]
    pub dynamic: Vec<DynamicFilter>,
}

/// A module of `snmp.yml`.
#[derive(Clone, Debug)]
pub struct Module {
    /// Subtrees walked.
    pub walk: Vec<Oid>,
    /// Instances fetched with Get.
    pub get: Vec<Oid>,
    /// How varbinds become samples.
    pub metrics: Vec<Metric>,
    /// Timeouts, retries, GetBulk size.
    pub params: WalkParams,
    /// Filters (newer files).
    pub filters: Filters,
    /// In a legacy file, the module's own credentials (also in [`Config::auths`] under the
    /// module's name).
    pub auth: Option<Auth>,
}

/// A whole configuration, from one or more files.
#[derive(Clone, Debug)]
pub struct Config {
    /// The layout of the (first) file.
    pub layout: Layout,
    /// Credentials by name.
    pub auths: BTreeMap<String, Auth>,
    /// Modules by name.
    pub modules: BTreeMap<String, Module>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAuth {
    #[serde(default)]
    community: Option<String>,
    #[serde(default)]
    security_level: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    auth_protocol: Option<String>,
    #[serde(default)]
    priv_protocol: Option<String>,
    #[serde(default)]
    priv_password: Option<String>,
    #[serde(default)]
    context_name: Option<String>,
    #[serde(default)]
    version: Option<u8>,
}

impl RawAuth {
    fn into_auth(self, version: Option<u8>) -> Auth {
        let d = Auth::default();
        Auth {
            version: version.or(self.version).unwrap_or(d.version),
            community: self.community.unwrap_or(d.community),
            security_level: self.security_level.unwrap_or(d.security_level),
            username: self.username.unwrap_or(d.username),
            password: self.password.unwrap_or(d.password),
            auth_protocol: self.auth_protocol.unwrap_or(d.auth_protocol),
            priv_protocol: self.priv_protocol.unwrap_or(d.priv_protocol),
            priv_password: self.priv_password.unwrap_or(d.priv_password),
            context_name: self.context_name.unwrap_or(d.context_name),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModule {
    #[serde(default)]
    walk: Vec<String>,
    #[serde(default)]
    get: Vec<String>,
    #[serde(default)]
    metrics: Vec<RawMetric>,
    #[serde(default)]
    max_repetitions: Option<u32>,
    #[serde(default)]
    retries: Option<u32>,
    #[serde(default)]
    timeout: Option<serde_norway::Value>,
    #[serde(default)]
    allow_nonincreasing_oids: bool,
    #[serde(default)]
    use_unconnected_udp_socket: bool,
    #[serde(default)]
    filters: Option<serde_norway::Value>,
    // Legacy layout only.
    #[serde(default)]
    version: Option<u8>,
    #[serde(default)]
    auth: Option<RawAuth>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSplit {
    #[serde(default)]
    auths: BTreeMap<String, RawAuth>,
    #[serde(default)]
    modules: BTreeMap<String, RawModule>,
    /// A file-format version some generators write; accepted and unused.
    #[serde(default)]
    #[allow(dead_code)]
    version: Option<u8>,
}

/// Parses a Go duration: `5s`, `1m30s`, `500ms`, `1.5s`; a bare integer is nanoseconds.
pub fn parse_go_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if let Ok(n) = s.parse::<u64>() {
        return Some(Duration::from_nanos(n));
    }
    let mut rest = s;
    let mut total = 0f64;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num: f64 = rest[..num_end].parse().ok()?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_end] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += num * scale;
        rest = &rest[unit_end..];
    }
    Duration::try_from_secs_f64(total).ok()
}

fn yaml_error(file: &str, e: &serde_norway::Error) -> ConfigError {
    match e.location() {
        Some(l) => ConfigError(format!("{file}:{}:{}: {e}", l.line(), l.column())),
        None => ConfigError(format!("{file}: {e}")),
    }
}

fn parse_oid(file: &str, module: &str, s: &str) -> Result<Oid, ConfigError> {
    s.trim_start_matches('.')
        .parse::<Oid>()
        .map_err(|_| ConfigError(format!("{file}: module {module}: bad OID {s:?}")))
}

fn check_auth(file: &str, what: &str, a: &Auth) -> Result<(), ConfigError> {
    let err = |m: &str| Err(ConfigError(format!("{file}: {what}: {m}")));
    if !(1..=3).contains(&a.version) {
        return err(&format!(
            "SNMP version must be 1, 2 or 3. Got: {}",
            a.version
        ));
    }
    if a.version == 3 {
        let (auth, privacy) = match a.security_level.as_str() {
            "authPriv" => (true, true),
            "authNoPriv" => (true, false),
            "noAuthNoPriv" => (false, false),
            _ => return err("security level must be one of authPriv, authNoPriv or noAuthNoPriv"),
        };
        if privacy {
            if a.priv_password.is_empty() {
                return err("priv password is missing, required for SNMPv3 with priv");
            }
            if priv_protocol(&a.priv_protocol).is_none() {
                return err("priv protocol must be DES or AES");
            }
        }
        if auth {
            if a.password.is_empty() {
                return err("auth password is missing, required for SNMPv3 with auth");
            }
            if auth_protocol(&a.auth_protocol).is_none() {
                return err("auth protocol must be SHA or MD5");
            }
        }
        if a.username.is_empty() {
            return err("auth username is missing, required for SNMPv3");
        }
    }
    Ok(())
}

fn build_module(
    file: &str,
    name: &str,
    raw: RawModule,
    legacy: bool,
) -> Result<Module, ConfigError> {
    let ctx = |m: String| ConfigError(format!("{file}: module {name}: {m}"));
    if !legacy && (raw.version.is_some() || raw.auth.is_some()) {
        return Err(ctx(
            "`version` and `auth` belong in `auths:` in a file with `modules:`".into(),
        ));
    }
    let timeout = match &raw.timeout {
        None => Duration::from_secs(5),
        Some(serde_norway::Value::String(s)) => {
            parse_go_duration(s).ok_or_else(|| ctx(format!("bad timeout {s:?}")))?
        }
        Some(serde_norway::Value::Number(n)) => {
            Duration::from_nanos(n.as_u64().ok_or_else(|| ctx("bad timeout".into()))?)
        }
        Some(_) => return Err(ctx("bad timeout".into())),
    };
    let filters = match raw.filters {
        None => Filters::default(),
        Some(v) => {
            // Newer files write `filters: {static: [...], dynamic: [...]}`; an older form was a
            // bare list of dynamic filters.
            if v.is_sequence() {
                Filters {
                    static_: Vec::new(),
                    dynamic: serde_norway::from_value(v).map_err(|e| ctx(e.to_string()))?,
                }
            } else {
                serde_norway::from_value(v).map_err(|e| ctx(e.to_string()))?
            }
        }
    };
    let mut metrics = Vec::with_capacity(raw.metrics.len());
    for m in raw.metrics {
        let _ = (&m.display_hint, &m.datetime_pattern);
        let mut regex_extracts = BTreeMap::new();
        for (suffix, list) in m.regex_extracts {
            let mut out = Vec::with_capacity(list.len());
            for r in list {
                let regex = regex::Regex::new(&format!("^(?:{})$", r.regex))
                    .map_err(|e| ctx(format!("metric {}: regex {:?}: {e}", m.name, r.regex)))?;
                out.push(RegexExtract {
                    value: r.value,
                    regex,
                });
            }
            regex_extracts.insert(suffix, out);
        }
        metrics.push(Metric {
            oid: parse_oid(file, name, &m.oid)?,
            name: m.name,
            kind: m.kind,
            help: m.help,
            indexes: m.indexes,
            lookups: m.lookups,
            regex_extracts,
            enum_values: m.enum_values,
            offset: m.offset,
            scale: m.scale,
        });
    }
    let auth = if legacy {
        let a = raw
            .auth
            .map(|a| a.into_auth(raw.version))
            .unwrap_or_else(|| Auth {
                version: raw.version.unwrap_or(2),
                ..Auth::default()
            });
        check_auth(file, &format!("module {name}"), &a)?;
        Some(a)
    } else {
        None
    };
    let _ = raw.use_unconnected_udp_socket;
    Ok(Module {
        walk: raw
            .walk
            .iter()
            .map(|s| parse_oid(file, name, s))
            .collect::<Result<_, _>>()?,
        get: raw
            .get
            .iter()
            .map(|s| parse_oid(file, name, s))
            .collect::<Result<_, _>>()?,
        metrics,
        params: WalkParams {
            max_repetitions: raw.max_repetitions.filter(|&n| n > 0),
            retries: raw.retries.unwrap_or(3),
            timeout,
            allow_nonincreasing_oids: raw.allow_nonincreasing_oids,
        },
        filters,
        auth,
    })
}

impl Config {
    /// Parses one file's text. `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        let value: serde_norway::Value =
            serde_norway::from_str(text).map_err(|e| yaml_error(file, &e))?;
        let split = match &value {
            serde_norway::Value::Mapping(m) => m.keys().any(|k| {
                matches!(k.as_str(), Some("modules" | "auths"))
                    && m.get(k).and_then(|v| v.get("metrics")).is_none()
            }),
            serde_norway::Value::Null => false,
            _ => return Err(ConfigError(format!("{file}: not a mapping of modules"))),
        };
        let mut cfg = Config {
            layout: if split { Layout::Split } else { Layout::Legacy },
            auths: BTreeMap::new(),
            modules: BTreeMap::new(),
        };
        if split {
            let raw: RawSplit = serde_norway::from_str(text).map_err(|e| yaml_error(file, &e))?;
            for (name, a) in raw.auths {
                let a = a.into_auth(None);
                check_auth(file, &format!("auth {name}"), &a)?;
                cfg.auths.insert(name, a);
            }
            for (name, m) in raw.modules {
                let m = build_module(file, &name, m, false)?;
                cfg.modules.insert(name, m);
            }
        } else {
            let raw: BTreeMap<String, RawModule> = if value.is_null() {
                BTreeMap::new()
            } else {
                serde_norway::from_str(text).map_err(|e| yaml_error(file, &e))?
            };
            for (name, m) in raw {
                let m = build_module(file, &name, m, true)?;
                if let Some(a) = &m.auth {
                    cfg.auths.insert(name.clone(), a.clone());
                }
                cfg.modules.insert(name, m);
            }
        }
        Ok(cfg)
    }

    /// Reads and merges files, in order. A module or auth defined twice is an error, as in
    /// snmp_exporter.
    pub fn load(paths: &[impl AsRef<Path>]) -> Result<Config, ConfigError> {
        let mut out: Option<Config> = None;
        for p in paths {
            let p = p.as_ref();
            let name = p.display().to_string();
            let text =
                std::fs::read_to_string(p).map_err(|e| ConfigError(format!("{name}: {e}")))?;
            let c = Config::parse(&text, &name)?;
            match &mut out {
                None => out = Some(c),
                Some(acc) => {
                    for (k, v) in c.auths {
                        if acc.auths.insert(k.clone(), v).is_some() && c.layout == Layout::Split {
                            return Err(ConfigError(format!("{name}: auth {k} is defined twice")));
                        }
                    }
                    for (k, v) in c.modules {
                        if acc.modules.insert(k.clone(), v).is_some() {
                            return Err(ConfigError(format!(
                                "{name}: module {k} is defined twice"
                            )));
                        }
                    }
                }
            }
        }
        out.ok_or_else(|| ConfigError("no configuration file given".into()))
    }

    /// The credentials for a scrape: the named auth (new layout, `public_v2` by default), or
    /// the module's own (legacy layout, where the `auth` parameter is ignored).
    pub fn auth_for(&self, module: &Module, auth: Option<&str>) -> Option<Auth> {
        if let Some(a) = &module.auth {
            if auth.is_none() {
                return Some(a.clone());
            }
        }
        match auth.unwrap_or("public_v2") {
            "public_v2" if !self.auths.contains_key("public_v2") => Some(Auth::default()),
            name => self.auths.get(name).cloned(),
        }
    }
}

/// snmp_exporter's auth protocol names.
pub fn auth_protocol(s: &str) -> Option<AuthProtocol> {
    Some(match s {
        "MD5" => AuthProtocol::Md5,
        "SHA" => AuthProtocol::Sha1,
        "SHA224" => AuthProtocol::Sha224,
        "SHA256" => AuthProtocol::Sha256,
        "SHA384" => AuthProtocol::Sha384,
        "SHA512" => AuthProtocol::Sha512,
        _ => return None,
    })
}

/// snmp_exporter's privacy protocol names.
pub fn priv_protocol(s: &str) -> Option<PrivProtocol> {
    Some(match s {
        "DES" => PrivProtocol::Des,
        "AES" => PrivProtocol::Aes128,
        "AES192" => PrivProtocol::Aes192,
        "AES256" => PrivProtocol::Aes256,
        "AES192C" => PrivProtocol::Aes192Cisco,
        "AES256C" => PrivProtocol::Aes256Cisco,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("5s"), Some(Duration::from_secs(5)));
        assert_eq!(parse_go_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_go_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_go_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_go_duration("5 apples"), None);
        assert_eq!(parse_go_duration(""), None);
    }

    #[test]
    fn both_layouts_and_errors() {
        let legacy = "m:\n  walk: [1.3.6.1.2.1.2]\n  version: 3\n  auth:\n    username: u\n    security_level: authPriv\n    password: pppppppp\n    priv_password: qqqqqqqq\n    auth_protocol: SHA\n    priv_protocol: AES\n  metrics:\n  - name: ifIndex\n    oid: 1.3.6.1.2.1.2.2.1.1\n    type: gauge\n    help: h\n";
        let c = Config::parse(legacy, "a.yml").unwrap();
        assert_eq!(c.layout, Layout::Legacy);
        let m = &c.modules["m"];
        assert_eq!(m.auth.as_ref().unwrap().version, 3);
        assert_eq!(c.auth_for(m, None).unwrap().username, "u");
        let split = "auths:\n  v2:\n    community: x\nmodules:\n  m:\n    walk: [1.3.6.1.2.1.2]\n    timeout: 2s\n    metrics: []\n";
        let c = Config::parse(split, "b.yml").unwrap();
        assert_eq!(c.layout, Layout::Split);
        assert_eq!(c.modules["m"].params.timeout, Duration::from_secs(2));
        assert_eq!(
            c.auth_for(&c.modules["m"], Some("v2")).unwrap().community,
            "x"
        );
        assert!(c.auth_for(&c.modules["m"], Some("nope")).is_none());
        let bad = "m:\n  walk: [1.3.6.1.2.1.2]\n  wlak: 1\n";
        let e = Config::parse(bad, "c.yml").unwrap_err().to_string();
        assert!(e.starts_with("c.yml:") && e.contains("wlak"), "{e}");
        let bad_auth = "m:\n  version: 3\n  auth:\n    security_level: authNoPriv\n";
        let e = Config::parse(bad_auth, "d.yml").unwrap_err().to_string();
        assert!(e.contains("auth password is missing"), "{e}");
    }
}
