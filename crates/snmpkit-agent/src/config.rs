//! The part of net-snmp's `snmpd.conf` that a lab agent needs, with snmpd's meaning.
//!
//! Directives (case-insensitive, as in net-snmp):
//! - `agentAddress ADDR[,ADDR...]` (net-snmp's syntax: `udp:127.0.0.1:1161`, `udp6:[::1]:1161`);
//! - `rocommunity`, `rwcommunity` `COMMUNITY [SOURCE [OID [CONTEXT]]]` for requests over IPv4,
//!   `rocommunity6`, `rwcommunity6` for IPv6. SOURCE is `default` (anywhere), an address,
//!   `localhost`, or a network as `ADDR/BITS` or `ADDR/MASK`; OID restricts access to that
//!   subtree (numeric, or a name the built-in MIBs know). Named views (`-V`) are refused;
//! - `createUser [-e ENGINEID] NAME [MD5|SHA|SHA-224|SHA-256|SHA-384|SHA-512 PASS
//!   [DES|AES|AES-192|AES-256|AES-192-C|AES-256-C [PASS]]]`, passphrases quoted as net-snmp
//!   quotes words (`"two words"`);
//! - `rouser`, `rwuser` `[-s usm] NAME [noauth|auth|priv [OID [CONTEXT]]]` (default level:
//!   auth, as in snmpd);
//! - `trapsink`, `trap2sink`, `informsink` `HOST[:PORT] [COMMUNITY [PORT]]` (the community
//!   defaults to the last `trapcommunity` seen, else `public`; the port to 162);
//!   `trapcommunity COMMUNITY`;
//! - `sysContact`, `sysName`, `sysLocation` (the rest of the line, as snmpd takes it, quotes
//!   included), `sysServices N`. As in snmpd, an object set here is not writable by SNMP;
//! - `engineID TEXT` (the engine ID becomes `80 00 1F 88 04` and the text, as snmpd builds
//!   it) and `exactEngineID HEX`.
//!
//! Other directives produce a warning naming `FILE:LINE` in [`AgentConfig::warnings`]. A known
//! directive that is malformed is a [`ConfigError`] naming `FILE:LINE`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

use snmpkit::conf::{parse_create_user, words, UserConfig};
use snmpkit::engine::EngineId;
use snmpkit::mib::Mib;
use snmpkit::usm::SecurityLevel;
use snmpkit::Oid;

/// net-snmp's enterprise number, which snmpd puts in the engine IDs it builds.
const NET_SNMP_ENTERPRISE: u32 = 8072;

/// The longest line accepted, in bytes.
pub const MAX_LINE: usize = 64 * 1024;

/// What an `snmpd.conf`-style file configures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AgentConfig {
    /// `agentAddress`: addresses to listen on, in net-snmp's syntax.
    pub listen: Vec<String>,
    /// `rocommunity`/`rwcommunity` (and the `6` forms), in file order.
    pub communities: Vec<CommunityRule>,
    /// `createUser` lines.
    pub users: Vec<UserConfig>,
    /// `rouser`/`rwuser` lines, in file order.
    pub user_access: Vec<UserAccess>,
    /// `trapsink`, `trap2sink` and `informsink` lines.
    pub sinks: Vec<Sink>,
    /// The last `trapcommunity`.
    pub trap_community: Option<String>,
    /// `sysContact`.
    pub sys_contact: Option<String>,
    /// `sysName`.
    pub sys_name: Option<String>,
    /// `sysLocation`.
    pub sys_location: Option<String>,
    /// `sysServices`.
    pub sys_services: Option<i64>,
    /// The engine ID from `engineID` or `exactEngineID`.
    pub engine_id: Option<EngineId>,
    /// One `FILE:LINE: warning: ...` per line that was ignored.
    pub warnings: Vec<String>,
}

/// One `rocommunity`/`rwcommunity` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommunityRule {
    /// The community string.
    pub community: String,
    /// `rw...`: Set is allowed.
    pub write: bool,
    /// Where requests may come from.
    pub source: Source,
    /// The subtree this community may see (`None`: everything).
    pub subtree: Option<Oid>,
    /// The context (`None`: any), the fourth argument.
    pub context: Option<String>,
}

/// A request source restriction: an address family and a network in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Source {
    /// The network address (IPv4 for `rocommunity`, IPv6 for `rocommunity6`).
    pub network: IpAddr,
    /// The prefix length (`0` for `default`).
    pub prefix: u8,
}

impl Source {
    /// Anywhere over IPv4 (`default` in `rocommunity`).
    pub const ANY_V4: Source = Source {
        network: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        prefix: 0,
    };
    /// Anywhere over IPv6 (`default` in `rocommunity6`).
    pub const ANY_V6: Source = Source {
        network: IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        prefix: 0,
    };

    /// Whether a request from `from` matches. IPv4-mapped IPv6 addresses count as IPv4.
    pub fn permits(&self, from: IpAddr) -> bool {
        let from = match from {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(from, IpAddr::V4),
            v4 => v4,
        };
        match (self.network, from) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// One `rouser`/`rwuser` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserAccess {
    /// The user name.
    pub name: String,
    /// `rwuser`: Set is allowed.
    pub write: bool,
    /// The lowest security level accepted (snmpd's default is auth).
    pub min_level: SecurityLevel,
    /// The subtree this user may see (`None`: everything).
    pub subtree: Option<Oid>,
    /// The context (`None`: any).
    pub context: Option<String>,
}

/// What kind of notification a sink receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SinkKind {
    /// `trapsink`: SNMPv1 Trap.
    TrapV1,
    /// `trap2sink`: SNMPv2c Trap.
    TrapV2,
    /// `informsink`: SNMPv2c InformRequest, retried until acknowledged.
    Inform,
}

/// One `trapsink`/`trap2sink`/`informsink` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sink {
    /// Which notification PDU.
    pub kind: SinkKind,
    /// The host as written, without transport prefix or port (`127.0.0.1`, `::1`, `localhost`).
    pub host: String,
    /// `udp` or `udp6` when the address named one.
    pub transport: Option<String>,
    /// The port (from `HOST:PORT`, else the PORT argument, else 162).
    pub port: u16,
    /// The community.
    pub community: String,
}

impl Sink {
    /// The destination in net-snmp's address syntax (`udp:127.0.0.1:162`, `udp6:[::1]:162`).
    pub fn address(&self) -> String {
        let v6 = self.transport.as_deref().is_some_and(|t| t != "udp") || self.host.contains(':');
        if v6 {
            format!("udp6:[{}]:{}", self.host, self.port)
        } else {
            format!("udp:{}:{}", self.host, self.port)
        }
    }
}

/// What a community or user may do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Access {
    /// Set is allowed.
    pub write: bool,
    /// The subtree visible (`None`: everything).
    pub subtree: Option<Oid>,
}

/// Why a configuration file could not be used. Display is `FILE:LINE: what is wrong`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A known directive is malformed.
    #[error("{}:{line}: {message}", file.display())]
    Syntax {
        /// The file.
        file: PathBuf,
        /// The 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

impl AgentConfig {
    /// What the agent does without `--config`: `public` reads and `private` writes, from
    /// anywhere, over IPv4 and IPv6.
    pub fn lab_default() -> AgentConfig {
        let rule = |community: &str, write, source| CommunityRule {
            community: community.into(),
            write,
            source,
            subtree: None,
            context: None,
        };
        AgentConfig {
            communities: vec![
                rule("public", false, Source::ANY_V4),
                rule("public", false, Source::ANY_V6),
                rule("private", true, Source::ANY_V4),
                rule("private", true, Source::ANY_V6),
            ],
            ..AgentConfig::default()
        }
    }

    /// Reads a file.
    pub fn load(path: &Path) -> Result<AgentConfig, ConfigError> {
        let data = std::fs::read(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        AgentConfig::parse(&String::from_utf8_lossy(&data), path)
    }

    /// Parses the text of a file; `file` names it in errors and warnings.
    pub fn parse(text: &str, file: &Path) -> Result<AgentConfig, ConfigError> {
        let mut c = AgentConfig::default();
        let mut mib: Option<Mib> = None;
        for (i, raw) in text.split('\n').enumerate() {
            let n = i + 1;
            let err = |m: String| ConfigError::Syntax {
                file: file.to_path_buf(),
                line: n,
                message: m,
            };
            if raw.len() > MAX_LINE {
                return Err(err(format!("line longer than {MAX_LINE} bytes")));
            }
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (directive, rest) = match line.split_once(|c: char| c.is_whitespace()) {
                Some((d, r)) => (d, r.trim()),
                None => (line, ""),
            };
            let d = directive.to_ascii_lowercase();
            let args = || words(rest).map_err(|m| err(format!("{directive}: {m}")));
            let mut resolve = |s: &str| -> Result<Oid, ConfigError> {
                if s.starts_with(|c: char| c == '.' || c.is_ascii_digit()) {
                    return s
                        .parse()
                        .map_err(|e| err(format!("{directive}: bad OID {s:?}: {e}")));
                }
                mib.get_or_insert_with(Mib::builtin)
                    .resolve(s)
                    .map_err(|_| err(format!("{directive}: unknown object {s:?}")))
            };
            match d.as_str() {
                "agentaddress" => {
                    let a = args()?;
                    if a.is_empty() {
                        return Err(err("agentAddress needs an address".into()));
                    }
                    for part in a.iter().flat_map(|w| w.split(',')) {
                        if !part.is_empty() {
                            c.listen.push(part.to_string());
                        }
                    }
                }
                "rocommunity" | "rwcommunity" | "rocommunity6" | "rwcommunity6" => {
                    let a = args()?;
                    let v6 = d.ends_with('6');
                    let write = d.starts_with("rw");
                    if a.iter().any(|w| w == "-V") {
                        return Err(err(format!(
                            "{directive}: named views (-V) are not supported; give an OID subtree"
                        )));
                    }
                    if let Some(opt) = a.iter().find(|w| w.starts_with('-')) {
                        return Err(err(format!("{directive}: unknown option {opt}")));
                    }
                    let Some(community) = a.first() else {
                        return Err(err(format!("{directive} needs a COMMUNITY")));
                    };
                    if a.len() > 4 {
                        return Err(err(format!(
                            "{directive}: too many arguments (COMMUNITY [SOURCE [OID [CONTEXT]]])"
                        )));
                    }
                    let source = match a.get(1) {
                        None => {
                            if v6 {
                                Source::ANY_V6
                            } else {
                                Source::ANY_V4
                            }
                        }
                        Some(s) => {
                            parse_source(s, v6).map_err(|m| err(format!("{directive}: {m}")))?
                        }
                    };
                    let subtree = match a.get(2) {
                        Some(o) => Some(resolve(o)?),
                        None => None,
                    };
                    c.communities.push(CommunityRule {
                        community: community.clone(),
                        write,
                        source,
                        subtree,
                        context: a.get(3).cloned(),
                    });
                }
                "createuser" => {
                    let a = args()?;
                    let u = parse_create_user(&a).map_err(|m| err(format!("createUser: {m}")))?;
                    c.users.push(u);
                }
                "rouser" | "rwuser" => {
                    let mut a = args()?;
                    if a.first().map(String::as_str) == Some("-s") {
                        match a.get(1).map(|s| s.to_ascii_lowercase()) {
                            Some(m) if m == "usm" => {
                                a.drain(..2);
                            }
                            Some(m) => {
                                return Err(err(format!(
                                    "{directive}: security model {m:?} is not supported (only usm)"
                                )))
                            }
                            None => return Err(err(format!("{directive}: -s needs a model"))),
                        }
                    }
                    if a.iter().any(|w| w == "-V") {
                        return Err(err(format!(
                            "{directive}: named views (-V) are not supported; give an OID subtree"
                        )));
                    }
                    let Some(name) = a.first() else {
                        return Err(err(format!("{directive} needs a USER")));
                    };
                    if a.len() > 4 {
                        return Err(err(format!(
                            "{directive}: too many arguments (USER [LEVEL [OID [CONTEXT]]])"
                        )));
                    }
                    let min_level = match a.get(1).map(|s| s.to_ascii_lowercase()) {
                        None => SecurityLevel::AuthNoPriv,
                        Some(l) => match l.as_str() {
                            "noauth" | "noauthnopriv" => SecurityLevel::NoAuthNoPriv,
                            "auth" | "authnopriv" => SecurityLevel::AuthNoPriv,
                            "priv" | "authpriv" => SecurityLevel::AuthPriv,
                            _ => {
                                return Err(err(format!(
                                "{directive}: unknown security level {l:?} (noauth, auth or priv)"
                            )))
                            }
                        },
                    };
                    let subtree = match a.get(2) {
                        Some(o) => Some(resolve(o)?),
                        None => None,
                    };
                    c.user_access.push(UserAccess {
                        name: name.clone(),
                        write: d == "rwuser",
                        min_level,
                        subtree,
                        context: a.get(3).cloned(),
                    });
                }
                "trapsink" | "trap2sink" | "informsink" => {
                    let kind = match d.as_str() {
                        "trapsink" => SinkKind::TrapV1,
                        "trap2sink" => SinkKind::TrapV2,
                        _ => SinkKind::Inform,
                    };
                    let a = args()?;
                    let mut rest: &[String] = &a;
                    while let Some(opt) = rest.first().filter(|w| w.starts_with('-')) {
                        match opt.as_str() {
                            "-profile" | "-name" | "-tag" | "-s" if rest.len() >= 2 => {
                                c.warnings.push(format!(
                                    "{}:{n}: warning: {directive}: {opt} {} ignored",
                                    file.display(),
                                    rest[1]
                                ));
                                rest = &rest[2..];
                            }
                            _ => return Err(err(format!("{directive}: bad option {opt}"))),
                        }
                    }
                    let Some(host) = rest.first() else {
                        return Err(err(format!("{directive} needs a HOST")));
                    };
                    if rest.len() > 3 {
                        return Err(err(format!(
                            "{directive}: too many arguments (HOST [COMMUNITY [PORT]])"
                        )));
                    }
                    let default_port = match rest.get(2) {
                        Some(p) => p
                            .parse::<u16>()
                            .ok()
                            .filter(|&p| p != 0)
                            .ok_or_else(|| err(format!("{directive}: bad port {p:?}")))?,
                        None => 162,
                    };
                    let (transport, host, port) =
                        split_host(host).map_err(|m| err(format!("{directive}: {m}")))?;
                    let community = rest
                        .get(1)
                        .cloned()
                        .or_else(|| c.trap_community.clone())
                        .unwrap_or_else(|| "public".into());
                    c.sinks.push(Sink {
                        kind,
                        host,
                        transport,
                        port: port.unwrap_or(default_port),
                        community,
                    });
                }
                "trapcommunity" => {
                    let a = args()?;
                    match a.as_slice() {
                        [community] => c.trap_community = Some(community.clone()),
                        _ => return Err(err("trapcommunity needs one COMMUNITY".into())),
                    }
                }
                "syscontact" | "sysname" | "syslocation" => {
                    if rest.len() > 255 {
                        return Err(err(format!("{directive}: longer than 255 characters")));
                    }
                    let v = Some(rest.to_string());
                    match d.as_str() {
                        "syscontact" => c.sys_contact = v,
                        "sysname" => c.sys_name = v,
                        _ => c.sys_location = v,
                    }
                }
                "sysservices" => {
                    let v = rest
                        .parse::<i64>()
                        .ok()
                        .filter(|v| (0..=127).contains(v))
                        .ok_or_else(|| err(format!("sysServices: bad value {rest:?} (0..127)")))?;
                    c.sys_services = Some(v);
                }
                "engineid" => {
                    let a = args()?;
                    let [text] = a.as_slice() else {
                        return Err(err("engineID needs one TEXT".into()));
                    };
                    let mut id = (0x8000_0000u32 | NET_SNMP_ENTERPRISE)
                        .to_be_bytes()
                        .to_vec();
                    id.push(4); // RFC 3411 snmpEngineID format 4: text
                    id.extend_from_slice(text.as_bytes());
                    // Five octets of prefix: the engine ID rule leaves 1 to 27 for the text.
                    let id = EngineId::new(id)
                        .map_err(|_| err("engineID: the text must be 1 to 27 characters".into()))?;
                    c.engine_id = Some(id);
                }
                "exactengineid" => {
                    let a = args()?;
                    let id = match a.as_slice() {
                        [h] => EngineId::parse_hex(h).ok(),
                        _ => None,
                    }
                    .ok_or_else(|| err("exactEngineID needs 5 to 32 octets in hex".into()))?;
                    c.engine_id = Some(id);
                }
                _ => c.warnings.push(format!(
                    "{}:{n}: warning: unknown directive {directive:?} ignored",
                    file.display()
                )),
            }
        }
        Ok(c)
    }

    /// What a request with `community` from `from` may do: the first matching
    /// `ro/rwcommunity` line, as snmpd's com2sec does. `None`: the community is refused.
    pub fn community_access(&self, community: &[u8], from: IpAddr) -> Option<Access> {
        self.communities
            .iter()
            .find(|r| r.community.as_bytes() == community && r.source.permits(from))
            .map(|r| Access {
                write: r.write,
                subtree: r.subtree.clone(),
            })
    }

    /// What a v3 request from `user` at `level` may do: the first `rouser`/`rwuser` line for
    /// the user whose minimum level `level` meets. `None`: refused.
    pub fn user_access(&self, user: &str, level: SecurityLevel) -> Option<Access> {
        self.user_access
            .iter()
            .find(|u| u.name == user && level >= u.min_level)
            .map(|u| Access {
                write: u.write,
                subtree: u.subtree.clone(),
            })
    }
}

/// `default`, `localhost`, an address, `ADDR/BITS` or `ADDR/MASK`.
fn parse_source(s: &str, v6: bool) -> Result<Source, String> {
    if s.eq_ignore_ascii_case("default") {
        return Ok(if v6 { Source::ANY_V6 } else { Source::ANY_V4 });
    }
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (s, None),
    };
    let network: IpAddr = if addr.eq_ignore_ascii_case("localhost") {
        if v6 {
            Ipv6Addr::LOCALHOST.into()
        } else {
            Ipv4Addr::LOCALHOST.into()
        }
    } else {
        let bare = addr.trim_start_matches('[').trim_end_matches(']');
        bare.parse().map_err(|_| {
            format!("bad source {s:?}: give default, localhost, an address or ADDRESS/PREFIX")
        })?
    };
    if network.is_ipv6() != v6 {
        return Err(format!(
            "source {s:?} is {}; use {}",
            if v6 {
                "an IPv4 address"
            } else {
                "an IPv6 address"
            },
            if v6 {
                "rocommunity/rwcommunity"
            } else {
                "rocommunity6/rwcommunity6"
            }
        ));
    }
    let max = if v6 { 128 } else { 32 };
    let prefix = match len {
        None => max,
        Some(l) => match l.parse::<u8>() {
            Ok(p) if p <= max => p,
            _ => match (network, l.parse::<Ipv4Addr>()) {
                (IpAddr::V4(_), Ok(mask)) => {
                    let m = u32::from(mask);
                    if m.leading_ones() + m.trailing_zeros() != 32 {
                        return Err(format!("bad netmask in {s:?}"));
                    }
                    m.leading_ones() as u8
                }
                _ => return Err(format!("bad prefix length in {s:?}")),
            },
        },
    };
    Ok(Source { network, prefix })
}

/// `[udp:|udp6:]HOST[:PORT]` with `[v6]` brackets: (transport, host, port).
fn split_host(s: &str) -> Result<(Option<String>, String, Option<u16>), String> {
    let mut rest = s;
    let mut transport = None;
    for t in ["udp6:", "udpv6:", "udpipv6:", "udp:"] {
        // `get` so that a multi-byte character where the prefix would end is no match.
        if let (Some(head), Some(tail)) = (rest.get(..t.len()), rest.get(t.len()..)) {
            if !tail.is_empty() && head.eq_ignore_ascii_case(t) {
                transport = Some(if t == "udp:" { "udp" } else { "udp6" }.to_string());
                rest = tail;
                break;
            }
        }
    }
    let port = |p: &str| {
        p.parse::<u16>()
            .ok()
            .filter(|&p| p != 0)
            .ok_or_else(|| format!("bad port in {s:?}"))
    };
    if let Some(r) = rest.strip_prefix('[') {
        let (host, after) = r
            .split_once(']')
            .ok_or_else(|| format!("bad address {s:?}"))?;
        let p = match after.strip_prefix(':') {
            Some(p) => Some(port(p)?),
            None if after.is_empty() => None,
            None => return Err(format!("bad address {s:?}")),
        };
        return Ok((transport, host.to_string(), p));
    }
    if rest.is_empty() {
        return Err(format!("bad address {s:?}"));
    }
    match rest.matches(':').count() {
        0 => Ok((transport, rest.to_string(), None)),
        1 => {
            let (h, p) = rest.split_once(':').unwrap_or((rest, ""));
            if h.is_empty() {
                return Err(format!("bad address {s:?}"));
            }
            Ok((transport, h.to_string(), Some(port(p)?)))
        }
        // A bare IPv6 address.
        _ => Ok((transport, rest.to_string(), None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use snmpkit::usm::{AuthProtocol, PrivProtocol};

    fn parse(text: &str) -> AgentConfig {
        AgentConfig::parse(text, Path::new("snmpd.conf")).unwrap()
    }

    fn parse_err(text: &str) -> String {
        AgentConfig::parse(text, Path::new("snmpd.conf"))
            .unwrap_err()
            .to_string()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_lab_file() {
        let c = parse(
            r#"# lab
agentAddress udp:127.0.0.1:1161,udp6:[::1]:1161
rocommunity  public  default
rocommunity  local   127.0.0.0/8 .1.3.6.1.2.1.1
rwcommunity  private 10.0.0.0/255.0.0.0 system
rocommunity6 public  ::1
rwcommunity6 priv6   fd00::/8
createUser md5des MD5 "auth pass 1" DES "priv pass 1"
createUser -e 0x8000000001020304 shaaes SHA-256 authpass22 AES-256
createUser noauth
rouser noauth noauth
rwuser md5des priv
rouser -s usm shaaes auth .1.3.6.1.2.1.2 ctx
trapcommunity traps
trapsink   127.0.0.1
trap2sink  localhost:1162 other
informsink udp6:[::1]:2162 inf 99
informsink ::1 inf 3162
sysContact  ops team <ops@example.net>
sysLocation "Rack 4"
sysName     lab-router
sysServices 72
engineID    labengine
dontLogTCPWrappersConnects yes
"#,
        );
        assert_eq!(c.listen, ["udp:127.0.0.1:1161", "udp6:[::1]:1161"]);
        assert_eq!(c.communities.len(), 5);
        assert_eq!(
            c.communities[1].subtree,
            Some("1.3.6.1.2.1.1".parse().unwrap())
        );
        assert_eq!(
            c.communities[2].subtree,
            Some("1.3.6.1.2.1.1".parse().unwrap())
        );
        assert_eq!(c.communities[2].source.prefix, 8);
        // Access: first match, by family and network.
        let pub4 = c.community_access(b"public", ip("192.0.2.1")).unwrap();
        assert!(!pub4.write && pub4.subtree.is_none());
        assert!(c.community_access(b"public", ip("::2")).is_none());
        assert!(c.community_access(b"public", ip("::1")).is_some());
        assert!(c
            .community_access(b"public", ip("::ffff:192.0.2.1"))
            .is_some());
        assert!(c.community_access(b"local", ip("127.1.2.3")).is_some());
        assert!(c.community_access(b"local", ip("128.0.0.1")).is_none());
        assert!(
            c.community_access(b"private", ip("10.9.9.9"))
                .unwrap()
                .write
        );
        assert!(c.community_access(b"private", ip("11.0.0.1")).is_none());
        assert!(c.community_access(b"priv6", ip("fd12::1")).unwrap().write);
        assert!(c.community_access(b"nope", ip("127.0.0.1")).is_none());
        // Users.
        assert_eq!(c.users.len(), 3);
        assert_eq!(
            c.users[0].auth,
            Some((AuthProtocol::Md5, "auth pass 1".into()))
        );
        assert_eq!(
            c.users[0].privacy,
            Some((PrivProtocol::Des, "priv pass 1".into()))
        );
        assert_eq!(c.users[1].privacy.as_ref().unwrap().0, PrivProtocol::Aes256);
        assert_eq!(c.users[1].privacy.as_ref().unwrap().1, "authpass22");
        assert!(c
            .user_access("noauth", SecurityLevel::NoAuthNoPriv)
            .is_some());
        assert!(c.user_access("md5des", SecurityLevel::AuthNoPriv).is_none());
        assert!(
            c.user_access("md5des", SecurityLevel::AuthPriv)
                .unwrap()
                .write
        );
        assert!(c
            .user_access("shaaes", SecurityLevel::NoAuthNoPriv)
            .is_none());
        let a = c.user_access("shaaes", SecurityLevel::AuthNoPriv).unwrap();
        assert!(!a.write);
        assert_eq!(a.subtree, Some("1.3.6.1.2.1.2".parse().unwrap()));
        assert_eq!(c.user_access[2].context.as_deref(), Some("ctx"));
        // Sinks.
        let s: Vec<_> = c
            .sinks
            .iter()
            .map(|s| (s.kind, s.address(), s.community.as_str()))
            .collect();
        assert_eq!(
            s,
            [
                (SinkKind::TrapV1, "udp:127.0.0.1:162".to_string(), "traps"),
                (SinkKind::TrapV2, "udp:localhost:1162".to_string(), "other"),
                (SinkKind::Inform, "udp6:[::1]:2162".to_string(), "inf"),
                (SinkKind::Inform, "udp6:[::1]:3162".to_string(), "inf"),
            ]
        );
        assert_eq!(c.sys_contact.as_deref(), Some("ops team <ops@example.net>"));
        // snmpd keeps the quotes of sysLocation.
        assert_eq!(c.sys_location.as_deref(), Some("\"Rack 4\""));
        assert_eq!(c.sys_name.as_deref(), Some("lab-router"));
        assert_eq!(c.sys_services, Some(72));
        // What snmpd 5.9 answers for `engineID labengine`: 80 00 1F 88 04 + the text.
        assert_eq!(
            c.engine_id.as_deref(),
            Some(&b"\x80\x00\x1f\x88\x04labengine"[..])
        );
        assert_eq!(
            c.warnings,
            ["snmpd.conf:24: warning: unknown directive \"dontLogTCPWrappersConnects\" ignored"]
        );
    }

    #[test]
    fn the_repository_lab_configs_parse() {
        for file in ["lab/snmpd.conf", "lab/agent.conf"] {
            let text = std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../..")
                    .join(file),
            )
            .unwrap();
            let c = parse(&text);
            let users: Vec<_> = c.users.iter().map(|u| u.name.as_str()).collect();
            assert_eq!(users, ["labuser", "labmd5"], "{file}");
            assert!(c.community_access(b"private", ip("::1")).unwrap().write);
            assert!(
                c.user_access("labmd5", SecurityLevel::AuthPriv)
                    .unwrap()
                    .write
            );
        }
    }

    #[test]
    fn lab_default() {
        let c = AgentConfig::lab_default();
        assert!(
            !c.community_access(b"public", ip("192.0.2.7"))
                .unwrap()
                .write
        );
        assert!(c.community_access(b"private", ip("::1")).unwrap().write);
        assert!(c.community_access(b"secret", ip("::1")).is_none());
    }

    #[test]
    fn malformed_known_directives_name_the_line() {
        for (text, want) in [
            (
                "rocommunity\n",
                "snmpd.conf:1: rocommunity needs a COMMUNITY",
            ),
            (
                "\nrocommunity public 10.0.0.0/33\n",
                "snmpd.conf:2: rocommunity: bad prefix length",
            ),
            (
                "rocommunity public 10.0.0.0/255.0.255.0\n",
                "snmpd.conf:1: rocommunity: bad netmask",
            ),
            (
                "rocommunity public ::1\n",
                "snmpd.conf:1: rocommunity: source \"::1\" is an IPv6",
            ),
            (
                "rocommunity6 public 127.0.0.1\n",
                "snmpd.conf:1: rocommunity6: source \"127.0.0.1\" is an IPv4",
            ),
            (
                "rocommunity public router.example\n",
                "snmpd.conf:1: rocommunity: bad source",
            ),
            (
                "rocommunity public default -V all\n",
                "snmpd.conf:1: rocommunity: named views (-V)",
            ),
            (
                "rocommunity public default noSuchThing\n",
                "snmpd.conf:1: rocommunity: unknown object",
            ),
            (
                "createUser bob SHA short\n",
                "snmpd.conf:1: createUser: auth passphrase shorter",
            ),
            (
                "createUser bob SHA3 authpass1\n",
                "snmpd.conf:1: createUser: ",
            ),
            (
                "createUser bob SHA \"authpass1\n",
                "snmpd.conf:1: createUser: no closing \" quote",
            ),
            (
                "rouser bob secret\n",
                "snmpd.conf:1: rouser: unknown security level",
            ),
            (
                "rwuser -s tsm bob\n",
                "snmpd.conf:1: rwuser: security model \"tsm\"",
            ),
            ("rouser\n", "snmpd.conf:1: rouser needs a USER"),
            ("trapsink\n", "snmpd.conf:1: trapsink needs a HOST"),
            ("trap2sink host:0\n", "snmpd.conf:1: trap2sink: bad port"),
            (
                "informsink host c 70000\n",
                "snmpd.conf:1: informsink: bad port",
            ),
            (
                "trapsink -x y host\n",
                "snmpd.conf:1: trapsink: bad option -x",
            ),
            ("sysServices 200\n", "snmpd.conf:1: sysServices: bad value"),
            ("engineID\n", "snmpd.conf:1: engineID needs one TEXT"),
            (
                "exactEngineID 0x80\n",
                "snmpd.conf:1: exactEngineID needs 5 to 32 octets",
            ),
            (
                "agentAddress\n",
                "snmpd.conf:1: agentAddress needs an address",
            ),
            (
                "trapcommunity a b\n",
                "snmpd.conf:1: trapcommunity needs one COMMUNITY",
            ),
        ] {
            let e = parse_err(text);
            assert!(e.starts_with(want), "{text:?}: {e}");
        }
        let long = format!("sysName {}\n", "x".repeat(MAX_LINE));
        assert!(parse_err(&long).starts_with("snmpd.conf:1: line longer than"));
    }

    #[test]
    fn trapsink_community_is_the_last_trapcommunity_before_it() {
        let c = parse("trapsink a\ntrapcommunity t1\ntrapsink b\ntrapcommunity t2\n");
        let comm: Vec<_> = c.sinks.iter().map(|s| s.community.as_str()).collect();
        assert_eq!(comm, ["public", "t1"]);
        assert_eq!(c.trap_community.as_deref(), Some("t2"));
    }

    /// Found by fuzzing: a sink host with a multi-byte character where a `udp6:` prefix would
    /// end was sliced inside the character and panicked.
    #[test]
    fn sink_host_with_multibyte_character_at_prefix_end() {
        let c = parse("trapsink udpé:9\ntrap2sink ééééééééé\ninformsink udp6é:1\n");
        let hosts: Vec<_> = c.sinks.iter().map(|s| s.host.as_str()).collect();
        assert_eq!(hosts, ["udpé", "ééééééééé", "udp6é"]);
    }

    #[test]
    fn sources() {
        let s = parse_source("192.168.1.77/24", false).unwrap();
        assert!(s.permits(ip("192.168.1.5")));
        assert!(!s.permits(ip("192.168.2.5")));
        assert!(parse_source("0.0.0.0/0", false)
            .unwrap()
            .permits(ip("8.8.8.8")));
        assert!(parse_source("localhost", true).unwrap().permits(ip("::1")));
        assert!(!Source::ANY_V4.permits(ip("::1")));
        assert!(Source::ANY_V6.permits(ip("2001:db8::1")));
    }
}
