//! Errors from setting up a receiver.

use std::net::SocketAddr;

/// Why a receiver could not be set up. Per-datagram problems are never errors: they are
/// counted as [`DropReason`](super::DropReason)s.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NotifyError {
    /// A listening address could not be parsed.
    #[error("invalid listening address {0:?}: {1}")]
    BadAddress(String, &'static str),
    /// A listening host name did not resolve.
    #[error("cannot resolve listening address {0:?}")]
    UnknownHost(String),
    /// A socket could not be bound. The message says why and, for privileged ports, how to
    /// get past it.
    #[error("cannot listen on {addr}: {message}")]
    Bind {
        /// The address that failed.
        addr: SocketAddr,
        /// The explanation.
        message: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The configuration is invalid (for example no listening address).
    #[error("{0}")]
    Config(String),
}

/// Builds the explanation for a failed bind.
pub(crate) fn bind_error(addr: SocketAddr, source: std::io::Error) -> NotifyError {
    let message = match source.kind() {
        std::io::ErrorKind::PermissionDenied if addr.port() < 1024 => format!(
            "permission denied: port {} is privileged (below 1024). Run as root, grant the \
             binary CAP_NET_BIND_SERVICE (sudo setcap cap_net_bind_service=+ep $(which snmpkit)), \
             or listen on a high port instead (for example udp:0.0.0.0:1162)",
            addr.port()
        ),
        std::io::ErrorKind::AddrInUse => {
            "address already in use (is another trap receiver such as snmptrapd running?)"
                .to_string()
        }
        std::io::ErrorKind::AddrNotAvailable => "address not available on this host".to_string(),
        _ => source.to_string(),
    };
    NotifyError::Bind {
        addr,
        message,
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn privileged_port_error_says_how_to_get_past_it() {
        let e = bind_error(
            "0.0.0.0:162".parse().unwrap(),
            std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        );
        let s = e.to_string();
        assert!(s.contains("0.0.0.0:162"), "{s}");
        assert!(s.contains("root"), "{s}");
        assert!(s.contains("CAP_NET_BIND_SERVICE"), "{s}");
        assert!(s.contains("high port"), "{s}");
    }

    #[test]
    fn high_port_permission_error_is_plain() {
        let e = bind_error(
            "0.0.0.0:1162".parse().unwrap(),
            std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        );
        assert!(!e.to_string().contains("CAP_NET_BIND_SERVICE"));
    }
}
