//! What the kernel knows about our sockets and we cannot see from user space otherwise: how
//! many datagrams it dropped because the receive buffer was full.
//!
//! On Linux each UDP socket's drop counter (`sk_drops`, the number `SO_RXQ_OVFL` reports) is
//! the last column of its line in `/proc/net/udp` and `/proc/net/udp6`, found by the socket's
//! inode. Reading it there needs no `recvmsg` ancillary data and no `unsafe`. Elsewhere the
//! count is unknown and reported as such.

/// When the kernel granted less than `rcvbuf` (Linux reports twice what it set), asks again
/// with SO_RCVBUFFORCE, which passes net.core.rmem_max for a privileged process and fails
/// harmlessly for others.
#[cfg(target_os = "linux")]
pub(crate) fn force_recv_buffer(s: &socket2::Socket, rcvbuf: usize) {
    if s.recv_buffer_size().is_ok_and(|got| got < rcvbuf) {
        let _ = nix::sys::socket::setsockopt(s, nix::sys::socket::sockopt::RcvBufForce, &rcvbuf);
    }
}

/// SO_RCVBUFFORCE is Linux's; elsewhere the plain SO_RCVBUF grant stands.
#[cfg(not(target_os = "linux"))]
pub(crate) fn force_recv_buffer(_s: &socket2::Socket, _rcvbuf: usize) {}

/// The inode of a socket, from its `/proc/self/fd` link (`socket:[12345]`).
#[cfg(target_os = "linux")]
pub(crate) fn socket_inode(sock: &tokio::net::UdpSocket) -> Option<u64> {
    use std::os::fd::AsRawFd;
    let link = std::fs::read_link(format!("/proc/self/fd/{}", sock.as_raw_fd())).ok()?;
    let s = link.to_str()?;
    s.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok()
}

/// The inode of a socket (not known off Linux).
#[cfg(not(target_os = "linux"))]
pub(crate) fn socket_inode(_sock: &tokio::net::UdpSocket) -> Option<u64> {
    None
}

/// Datagrams the kernel dropped on the sockets with these inodes, or `None` when the count
/// cannot be read (not Linux, no /proc, or a socket not found).
pub(crate) fn drops(inodes: &[u64]) -> Option<u64> {
    if inodes.is_empty() {
        return None;
    }
    let mut tables = String::new();
    for f in ["/proc/net/udp", "/proc/net/udp6"] {
        if let Ok(t) = std::fs::read_to_string(f) {
            tables.push_str(&t);
        }
    }
    drops_in(&tables, inodes)
}

/// Sums the drops column of the lines of `tables` (the text of /proc/net/udp and udp6) whose
/// inode is one of `inodes`; `None` unless every inode is found.
pub(crate) fn drops_in(tables: &str, inodes: &[u64]) -> Option<u64> {
    let mut total = 0u64;
    let mut found = 0usize;
    for line in tables.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
        if f.len() < 13 {
            continue;
        }
        let Ok(inode) = f[9].parse::<u64>() else {
            continue;
        };
        if !inodes.contains(&inode) {
            continue;
        }
        total = total.saturating_add(f[f.len() - 1].parse::<u64>().ok()?);
        found += 1;
    }
    (found == inodes.len()).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  123: 0100007F:A7CE 00000000:0000 07 00000000:00034000 00:00000000 00000000     0        0 45678 2 0000000000000000 96538
  124: 00000000:00A1 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 45679 2 0000000000000000 0
";
    const TABLE6: &str = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  7: 00000000000000000000000001000000:A7CE 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 45680 2 0000000000000000 12
";

    #[test]
    fn sums_the_drops_of_our_sockets_only() {
        let both = format!("{TABLE}{TABLE6}");
        assert_eq!(drops_in(&both, &[45678]), Some(96538));
        assert_eq!(drops_in(&both, &[45678, 45680]), Some(96550));
        assert_eq!(drops_in(&both, &[45679]), Some(0));
        // A socket that is not listed: the count is unknown, not zero.
        assert_eq!(drops_in(&both, &[45678, 1]), None);
        assert_eq!(drops_in("", &[45678]), None);
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_fresh_socket_is_found_with_no_drops() {
        let s = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let inode = socket_inode(&s).expect("inode of a socket");
        assert_eq!(drops(&[inode]), Some(0));
    }
}
