//! Agent address syntax as net-snmp takes it: `host`, `host:port`, `udp:host:port`,
//! `udp6:[::1]:port`, `[::1]:port`, `::1`, and hostnames.

use std::net::{IpAddr, SocketAddr};

/// Why an agent address could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AddrError {
    /// The text is not an address in net-snmp's syntax.
    #[error("Invalid agent address: {0}")]
    Invalid(String),
    /// A transport other than UDP was named (`tcp:`, `tls:`, ...).
    #[error("Unsupported transport in {0}: only UDP (udp:, udp6:) is supported")]
    UnsupportedTransport(String),
    /// The host name did not resolve (to an address of the family asked for).
    #[error("Unknown host ({host})")]
    UnknownHost {
        /// The name as given.
        host: String,
        /// The resolver's error, when it gave one.
        #[source]
        source: Option<std::io::Error>,
    },
}

/// A parsed but not yet resolved agent address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentAddr {
    /// Host name or literal address, without brackets.
    pub host: String,
    /// UDP port.
    pub port: u16,
    /// `udp6:` was given: resolve to IPv6 only.
    pub ipv6_only: bool,
    /// `udp:` was given: resolve to IPv4 only.
    pub ipv4_only: bool,
}

impl AgentAddr {
    /// Parses net-snmp's agent syntax, with `default_port` when none is given.
    pub fn parse(s: &str, default_port: u16) -> Result<AgentAddr, AddrError> {
        let bad = || AddrError::Invalid(s.to_string());
        let (mut rest, mut v6, mut v4) = (s.trim(), false, false);
        let lower = rest.to_ascii_lowercase();
        for (prefix, six) in [
            ("udp6:", true),
            ("udpv6:", true),
            ("udpipv6:", true),
            ("udp:", false),
        ] {
            if lower.starts_with(prefix) {
                rest = &rest[prefix.len()..];
                v6 = six;
                v4 = !six;
                break;
            }
        }
        if lower.starts_with("tcp")
            || lower.starts_with("unix:")
            || lower.starts_with("dtls")
            || lower.starts_with("tls")
        {
            return Err(AddrError::UnsupportedTransport(s.to_string()));
        }
        if rest.is_empty() {
            return Err(bad());
        }
        let (host, port) = if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').ok_or_else(bad)?;
            let host = &r[..end];
            let after = &r[end + 1..];
            let port = if after.is_empty() {
                default_port
            } else {
                parse_port(after.strip_prefix(':').ok_or_else(bad)?).ok_or_else(bad)?
            };
            (host.to_string(), port)
        } else if rest.matches(':').count() > 1 {
            // A bare IPv6 literal (no port possible without brackets).
            (rest.to_string(), default_port)
        } else if let Some((h, p)) = rest.rsplit_once(':') {
            (h.to_string(), parse_port(p).ok_or_else(bad)?)
        } else if v6 && rest.bytes().all(|b| b.is_ascii_digit()) {
            // `udp6:161`: a port only, as net-snmp allows.
            ("::1".to_string(), parse_port(rest).ok_or_else(bad)?)
        } else {
            (rest.to_string(), default_port)
        };
        if host.is_empty() {
            return Err(bad());
        }
        if let Ok(ip) = host.parse::<IpAddr>() {
            v6 |= ip.is_ipv6();
        }
        Ok(AgentAddr {
            host,
            port,
            ipv6_only: v6,
            ipv4_only: v4 && !v6,
        })
    }

    /// Resolves the host (DNS if needed), preferring IPv4 unless `udp6:` was given.
    pub async fn resolve(&self) -> Result<SocketAddr, AddrError> {
        if let Ok(ip) = self.host.parse::<IpAddr>() {
            return Ok(SocketAddr::new(ip, self.port));
        }
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((self.host.as_str(), self.port))
            .await
            .map_err(|e| AddrError::UnknownHost {
                host: self.host.clone(),
                source: Some(e),
            })?
            .collect();
        let pick = if self.ipv6_only {
            addrs.iter().find(|a| a.is_ipv6())
        } else {
            addrs
                .iter()
                .find(|a| a.is_ipv4())
                .or(if self.ipv4_only { None } else { addrs.first() })
        };
        pick.copied().ok_or_else(|| AddrError::UnknownHost {
            host: self.host.clone(),
            source: None,
        })
    }
}

fn parse_port(p: &str) -> Option<u16> {
    if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    p.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_forms() {
        let cases: &[(&str, &str, u16, bool)] = &[
            ("127.0.0.1", "127.0.0.1", 161, false),
            ("127.0.0.1:1161", "127.0.0.1", 1161, false),
            ("udp:127.0.0.1:1161", "127.0.0.1", 1161, false),
            ("udp6:[::1]:1161", "::1", 1161, true),
            ("[::1]:1161", "::1", 1161, true),
            ("[::1]", "::1", 161, true),
            ("::1", "::1", 161, true),
            ("udp6:::1", "::1", 161, true),
            ("localhost", "localhost", 161, false),
            (
                "router.example.net:10161",
                "router.example.net",
                10161,
                false,
            ),
        ];
        for (s, host, port, v6) in cases {
            let a = AgentAddr::parse(s, 161).unwrap();
            assert_eq!(
                (a.host.as_str(), a.port, a.ipv6_only),
                (*host, *port, *v6),
                "{s}"
            );
        }
    }

    #[test]
    fn agent_errors() {
        for s in [
            "",
            "udp:",
            "host:notaport",
            "host:99999",
            "[::1",
            "[::1]x",
            "tcp:host:161",
        ] {
            assert!(AgentAddr::parse(s, 161).is_err(), "{s}");
        }
    }
}
