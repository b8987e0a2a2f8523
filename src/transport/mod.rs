//! Tokio UDP transport: one socket per address family carries many requests in flight at once.
//!
//! Responses are matched on the request key (request-id for v1/v2c, msgID for v3) *and* on the
//! source address. Late, duplicate and stray datagrams find no waiting request and are dropped.

mod addr;
pub use addr::AgentAddr;

use crate::codec::{decode_message, DecodeError, Message};
use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::net::UdpSocket;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The largest datagram we send or accept (the IPv4 UDP maximum).
pub const MAX_DATAGRAM: usize = 65_507;

/// Errors raised while exchanging datagrams.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// No matching response arrived within timeout × (retries + 1).
    #[error("Timeout: No Response")]
    Timeout,
    /// The operating system refused a socket operation.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The request is larger than a UDP datagram can carry.
    #[error("message too large to send ({0} bytes)")]
    TooLarge(usize),
}

/// A datagram that answered a request: its bytes and its decoded form.
#[derive(Debug)]
pub struct Reply {
    /// The raw datagram (v3 authentication is checked over these bytes).
    pub bytes: Vec<u8>,
    /// The decoded message.
    pub message: Message,
}

type Key = (i32, SocketAddr);

struct Family {
    socket: Arc<UdpSocket>,
    task: JoinHandle<()>,
}

impl Drop for Family {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Default)]
struct Shared {
    pending: Mutex<HashMap<Key, oneshot::Sender<Reply>>>,
    stray: AtomicU64,
    malformed: AtomicU64,
    dump: std::sync::atomic::AtomicBool,
}

/// net-snmp's `-d` dump: offset, 16 octets in groups of four, then the printable text.
pub fn hex_dump(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 5);
    for (i, line) in bytes.chunks(16).enumerate() {
        s.push_str(&format!("{:04}: ", i * 16));
        for j in 0..16 {
            match line.get(j) {
                Some(b) => s.push_str(&format!("{b:02X} ")),
                None => s.push_str("   "),
            }
            if j % 4 == 3 && j != 15 {
                s.push(' ');
            }
        }
        s.push_str("   ");
        for b in line {
            s.push(if b.is_ascii_graphic() || *b == b' ' {
                *b as char
            } else {
                '.'
            });
        }
        s.push('\n');
    }
    s
}

fn dump(shared: &Shared, what: &str, bytes: &[u8], peer: SocketAddr, local: Option<SocketAddr>) {
    if !shared.dump.load(Ordering::Relaxed) {
        return;
    }
    let bracket = |a: SocketAddr| format!("[{}]:{}", a.ip(), a.port());
    let local = local.map(bracket).unwrap_or_default();
    let head = if what == "Sending" {
        format!(
            "Sending {} bytes to UDP: {}->{local}",
            bytes.len(),
            bracket(peer)
        )
    } else {
        format!(
            "Received {} byte packet from UDP: {}->{local}",
            bytes.len(),
            bracket(peer)
        )
    };
    eprintln!("\n{head}\n{}", hex_dump(bytes));
}

/// A UDP transport shared by any number of clients and targets. Cheap to clone.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    v4: tokio::sync::OnceCell<Family>,
    v6: tokio::sync::OnceCell<Family>,
    next_id: AtomicI32,
}

impl Default for Transport {
    fn default() -> Self {
        Self::new()
    }
}

impl Transport {
    /// A transport that binds its sockets (an ephemeral port per address family) on first use.
    pub fn new() -> Self {
        Transport {
            inner: Arc::new(Inner {
                shared: Arc::new(Shared::default()),
                v4: tokio::sync::OnceCell::new(),
                v6: tokio::sync::OnceCell::new(),
                next_id: AtomicI32::new(initial_id()),
            }),
        }
    }

    /// A fresh request-id / msgID: positive, never zero, unique within this transport for a
    /// long time (it wraps after 2^31 requests).
    pub fn next_id(&self) -> i32 {
        loop {
            let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed) & 0x7fff_ffff;
            if id != 0 {
                return id;
            }
        }
    }

    /// Datagrams that arrived but matched no request (late, duplicate or stray).
    pub fn stray_count(&self) -> u64 {
        self.inner.shared.stray.load(Ordering::Relaxed)
    }

    /// Prints every datagram sent and received to stderr, as net-snmp's `-d` does.
    pub fn set_dump(&self, on: bool) {
        self.inner.shared.dump.store(on, Ordering::Relaxed);
    }

    /// Datagrams that could not be decoded.
    pub fn malformed_count(&self) -> u64 {
        self.inner.shared.malformed.load(Ordering::Relaxed)
    }

    async fn family(&self, target: &SocketAddr) -> io::Result<&Family> {
        let cell = if target.is_ipv4() {
            &self.inner.v4
        } else {
            &self.inner.v6
        };
        cell.get_or_try_init(|| async {
            let bind: SocketAddr = if target.is_ipv4() {
                (IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0).into()
            } else {
                (IpAddr::V6(Ipv6Addr::UNSPECIFIED), 0).into()
            };
            let socket = Arc::new(UdpSocket::bind(bind).await?);
            let task = tokio::spawn(receive_loop(
                socket.clone(),
                Arc::downgrade(&self.inner.shared),
            ));
            Ok(Family { socket, task })
        })
        .await
    }

    /// Sends `bytes` to `target` and waits for a datagram from `target` whose key (request-id
    /// or msgID) is `key`. The same bytes are resent after each `timeout`, `retries` times.
    pub async fn request(
        &self,
        target: SocketAddr,
        key: i32,
        bytes: &[u8],
        timeout: Duration,
        retries: u32,
    ) -> Result<Reply, TransportError> {
        if bytes.len() > MAX_DATAGRAM {
            return Err(TransportError::TooLarge(bytes.len()));
        }
        let fam = self.family(&target).await?;
        let (tx, mut rx) = oneshot::channel();
        let k = (key, normalize(target));
        let guard = PendingGuard {
            shared: &self.inner.shared,
            key: k,
        };
        guard.shared.pending.lock().map_err(poisoned)?.insert(k, tx);
        for _ in 0..=retries {
            dump(
                &self.inner.shared,
                "Sending",
                bytes,
                target,
                fam.socket.local_addr().ok(),
            );
            fam.socket.send_to(bytes, target).await?;
            match tokio::time::timeout(timeout, &mut rx).await {
                Ok(Ok(reply)) => return Ok(reply),
                Ok(Err(_)) => return Err(TransportError::Timeout),
                Err(_) => continue,
            }
        }
        drop(guard);
        Err(TransportError::Timeout)
    }

    /// Sends a datagram and expects no answer (traps).
    pub async fn send(&self, target: SocketAddr, bytes: &[u8]) -> Result<(), TransportError> {
        if bytes.len() > MAX_DATAGRAM {
            return Err(TransportError::TooLarge(bytes.len()));
        }
        let fam = self.family(&target).await?;
        dump(
            &self.inner.shared,
            "Sending",
            bytes,
            target,
            fam.socket.local_addr().ok(),
        );
        fam.socket.send_to(bytes, target).await?;
        Ok(())
    }
}

fn poisoned<T>(_: T) -> TransportError {
    TransportError::Io(io::Error::other("transport state poisoned"))
}

/// Removes a pending entry however the request ends (answer, timeout, or the future dropped).
struct PendingGuard<'a> {
    shared: &'a Shared,
    key: Key,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut p) = self.shared.pending.lock() {
            p.remove(&self.key);
        }
    }
}

/// IPv4-mapped IPv6 sources compare equal to their IPv4 form.
fn normalize(a: SocketAddr) -> SocketAddr {
    match a {
        SocketAddr::V6(v6) => match v6.ip().to_ipv4_mapped() {
            Some(v4) => SocketAddr::new(IpAddr::V4(v4), v6.port()),
            None => SocketAddr::V6(std::net::SocketAddrV6::new(*v6.ip(), v6.port(), 0, 0)),
        },
        v4 => v4,
    }
}

fn message_key(m: &Message) -> i32 {
    match m {
        Message::Community(c) => match &c.pdu {
            crate::codec::AnyPdu::Pdu(p) => p.request_id,
            crate::codec::AnyPdu::TrapV1(_) => 0,
        },
        Message::V3(v) => v.msg.msg_id,
    }
}

async fn receive_loop(socket: Arc<UdpSocket>, shared: Weak<Shared>) {
    let mut buf = vec![0u8; 65_536];
    loop {
        let (n, from) = match socket.recv_from(&mut buf).await {
            Ok(x) => x,
            // ICMP port-unreachable and the like surface here on some systems; keep going.
            Err(_) => continue,
        };
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let bytes = &buf[..n];
        dump(&shared, "Received", bytes, from, socket.local_addr().ok());
        let message = match decode_message(bytes) {
            Ok(m) => m,
            Err(DecodeError::BadVersion(_)) | Err(_) => {
                shared.malformed.fetch_add(1, Ordering::Relaxed);
                continue;
            }
        };
        let key = (message_key(&message), normalize(from));
        let tx = match shared.pending.lock() {
            Ok(mut p) => p.remove(&key),
            Err(_) => None,
        };
        match tx {
            Some(tx) => {
                let _ = tx.send(Reply {
                    bytes: bytes.to_vec(),
                    message,
                });
            }
            None => {
                shared.stray.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

fn initial_id() -> i32 {
    // Not security-relevant: spread ids across runs so a late answer to a previous process's
    // request is unlikely to match.
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mixed =
        (t ^ (std::process::id() as u64).rotate_left(32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    ((mixed >> 33) as i32 & 0x3fff_ffff) | 1
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_dump_looks_like_netsnmp() {
        // The first line of a discovery request as `snmpget -d` printed it.
        let b = [
            0x30, 0x3E, 0x02, 0x01, 0x03, 0x30, 0x11, 0x02, 0x04, 0x09, 0x7B, 0x4C, 0xDA, 0x02,
            0x03, 0x00, 0xFF, 0xE3,
        ];
        let d = super::hex_dump(&b);
        let mut lines = d.lines();
        assert_eq!(
            lines.next(),
            Some("0000: 30 3E 02 01  03 30 11 02  04 09 7B 4C  DA 02 03 00    0>...0....{L....")
        );
        // A short last line keeps the text column where full lines have it (column 60),
        // as snmpget -d prints it.
        let last = format!("0016: FF E3{}..", " ".repeat(60 - 11));
        assert_eq!(lines.next(), Some(last.as_str()));
    }
}
