//! Listening-address syntax, as snmptrapd takes it: `udp:HOST:PORT`, `udp6:[ADDR]:PORT`,
//! `HOST:PORT`, `[ADDR]:PORT`, `HOST`, a bare `PORT`, and `udp:PORT` / `udp6:PORT`.

use super::NotifyError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The port notifications are sent to by default (RFC 3417 §3: snmpTrap, UDP 162).
pub const DEFAULT_PORT: u16 = 162;

/// Which address family a listening address asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// `udp:` or an IPv4 literal.
    V4,
    /// `udp6:` or an IPv6 literal.
    V6,
    /// A host name without a transport prefix: whichever it resolves to first (IPv4 preferred).
    Any,
}

/// A parsed, not yet resolved, listening address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListenAddr {
    /// Host name or address literal (without brackets).
    pub host: String,
    /// UDP port.
    pub port: u16,
    /// The family asked for.
    pub family: Family,
}

impl ListenAddr {
    /// The default listening addresses: `udp:0.0.0.0:162` and `udp6:[::]:162`.
    pub fn defaults() -> Vec<SocketAddr> {
        vec![
            SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), DEFAULT_PORT),
            SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), DEFAULT_PORT),
        ]
    }

    /// Parses one address. A bare port (`1162`, `udp:1162`) listens on every IPv4 address
    /// (`udp6:1162`: every IPv6 address), as in snmptrapd.
    pub fn parse(s: &str) -> Result<ListenAddr, NotifyError> {
        let bad = |why: &'static str| NotifyError::BadAddress(s.to_string(), why);
        let mut rest = s.trim();
        let lower = rest.to_ascii_lowercase();
        let mut family = None;
        for (prefix, fam) in [
            ("udp6:", Family::V6),
            ("udpv6:", Family::V6),
            ("udpipv6:", Family::V6),
            ("udp:", Family::V4),
        ] {
            if lower.starts_with(prefix) {
                rest = &rest[prefix.len()..];
                family = Some(fam);
                break;
            }
        }
        if family.is_none()
            && ["tcp", "unix:", "dtls", "tls", "ssh:", "ipx:", "aal5pvc:"]
                .iter()
                .any(|p| lower.starts_with(p))
        {
            return Err(bad("only UDP (udp:, udp6:) is supported"));
        }
        if rest.is_empty() {
            return Err(bad("empty address"));
        }
        let any_for = |f: Option<Family>| match f {
            Some(Family::V6) => "::".to_string(),
            _ => "0.0.0.0".to_string(),
        };
        let (host, port) = if rest.bytes().all(|b| b.is_ascii_digit()) {
            (
                any_for(family),
                parse_port(rest).ok_or_else(|| bad("bad port"))?,
            )
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').ok_or_else(|| bad("missing ']'"))?;
            let after = &r[end + 1..];
            let port = if after.is_empty() {
                DEFAULT_PORT
            } else {
                let p = after
                    .strip_prefix(':')
                    .ok_or_else(|| bad("junk after ']'"))?;
                parse_port(p).ok_or_else(|| bad("bad port"))?
            };
            (r[..end].to_string(), port)
        } else if rest.matches(':').count() > 1 {
            // An IPv6 literal without brackets cannot carry a port.
            (rest.to_string(), DEFAULT_PORT)
        } else if let Some((h, p)) = rest.rsplit_once(':') {
            (h.to_string(), parse_port(p).ok_or_else(|| bad("bad port"))?)
        } else {
            (rest.to_string(), DEFAULT_PORT)
        };
        if host.is_empty() {
            return Err(bad("empty host"));
        }
        let family = match host.parse::<IpAddr>() {
            Ok(IpAddr::V6(_)) => {
                if family == Some(Family::V4) {
                    return Err(bad("IPv6 address after udp:"));
                }
                Family::V6
            }
            Ok(IpAddr::V4(_)) => {
                if family == Some(Family::V6) {
                    return Err(bad("IPv4 address after udp6:"));
                }
                Family::V4
            }
            Err(_) => {
                if host.parse::<Ipv6Addr>().is_err() && host.contains(':') {
                    return Err(bad("bad IPv6 address"));
                }
                family.unwrap_or(Family::Any)
            }
        };
        Ok(ListenAddr { host, port, family })
    }

    /// Resolves the address to a socket address (DNS only for host names).
    pub async fn resolve(&self) -> Result<SocketAddr, NotifyError> {
        if let Ok(ip) = self.host.parse::<IpAddr>() {
            return Ok(SocketAddr::new(ip, self.port));
        }
        let unknown = || NotifyError::UnknownHost(self.host.clone());
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((self.host.as_str(), self.port))
            .await
            .map_err(|_| unknown())?
            .collect();
        let pick = match self.family {
            Family::V4 => addrs.iter().find(|a| a.is_ipv4()),
            Family::V6 => addrs.iter().find(|a| a.is_ipv6()),
            Family::Any => addrs.iter().find(|a| a.is_ipv4()).or(addrs.first()),
        };
        pick.copied().ok_or_else(unknown)
    }
}

fn parse_port(p: &str) -> Option<u16> {
    if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    p.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let cases: &[(&str, &str, u16, Family)] = &[
            ("udp:0.0.0.0:162", "0.0.0.0", 162, Family::V4),
            ("udp6:[::]:162", "::", 162, Family::V6),
            ("127.0.0.1:1162", "127.0.0.1", 1162, Family::V4),
            ("[::1]:1162", "::1", 1162, Family::V6),
            ("[::1]", "::1", 162, Family::V6),
            ("::1", "::1", 162, Family::V6),
            ("1162", "0.0.0.0", 1162, Family::V4),
            ("udp:1162", "0.0.0.0", 1162, Family::V4),
            ("udp6:1162", "::", 1162, Family::V6),
            ("UDP:10.0.0.1", "10.0.0.1", 162, Family::V4),
            ("udp6:::1", "::1", 162, Family::V6),
            ("localhost:9162", "localhost", 9162, Family::Any),
            ("udp6:localhost:9162", "localhost", 9162, Family::V6),
        ];
        for (s, host, port, fam) in cases {
            let a = ListenAddr::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(
                (a.host.as_str(), a.port, a.family),
                (*host, *port, *fam),
                "{s}"
            );
        }
    }

    #[test]
    fn errors() {
        for s in [
            "",
            "udp:",
            "host:port",
            "host:99999",
            "[::1",
            "[::1]x",
            "tcp:host:162",
            "udp:[::1]:162",
            "udp6:127.0.0.1:162",
            "70000",
            ":162",
        ] {
            assert!(ListenAddr::parse(s).is_err(), "{s:?}");
        }
    }

    #[tokio::test]
    async fn resolves_literals_without_dns() {
        let a = ListenAddr::parse("udp6:[::1]:1162").unwrap();
        assert_eq!(a.resolve().await.unwrap(), "[::1]:1162".parse().unwrap());
    }
}
