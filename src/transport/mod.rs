//! Tokio UDP transport: one socket per address family carries many requests in flight at once.
//!
//! Responses are matched on the request key (request-id for v1/v2c, msgID for v3) *and* on the
//! source address. Late, duplicate and stray datagrams find no waiting request and are dropped.

mod addr;
mod engines;
pub(crate) mod kernel;
pub use addr::{AddrError, AgentAddr};
pub use engines::{EngineCache, EngineInfo, DEFAULT_ENGINE_CAPACITY};

use crate::codec::{decode_message, Message};
use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::net::UdpSocket;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The largest message we send, and the msgMaxSize we advertise: the largest UDP payload over
/// IPv4 (65,535 less the IP and UDP headers).
pub const MAX_DATAGRAM: usize = 65_507;

/// The size of a receive buffer that holds any UDP datagram whole (over IPv6 a payload can
/// reach 65,527 octets, more than we ever send).
pub const RECEIVE_BUFFER: usize = 65_536;

/// Errors raised while exchanging datagrams.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// No matching response arrived from this address within timeout × (retries + 1).
    /// The crate-level [`Error`](crate::Error) turns it into its one `Timeout`.
    #[error("Timeout: No Response from {0}")]
    Timeout(SocketAddr),
    /// The operating system refused a socket operation.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// The request's waiting slot was dropped without an answer (the transport's receive task
    /// stopped). Not a timeout: nothing was waited out.
    #[error("the transport stopped listening before an answer arrived")]
    Closed,
    /// A request to the same address under the same request-id or msgID is still waiting.
    #[error("request key {0} is already waiting for an answer from this address")]
    KeyInUse(i32),
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
    recv_errors: AtomicU64,
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

/// `local` is asked only when dumping is on: it costs a system call (getsockname), which a
/// walk would otherwise pay twice per round trip.
fn dump(
    shared: &Shared,
    what: &str,
    bytes: &[u8],
    peer: SocketAddr,
    local: impl FnOnce() -> Option<SocketAddr>,
) {
    if !shared.dump.load(Ordering::Relaxed) {
        return;
    }
    let bracket = |a: SocketAddr| format!("[{}]:{}", a.ip(), a.port());
    let local = local().map(bracket).unwrap_or_default();
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
    let text = format!("\n{head}\n{}", hex_dump(bytes));
    match PACKET_DUMP.get() {
        Some(write) => write(&text),
        None => tracing::debug!(target: "snmpkit::packets", "{text}"),
    }
}

/// Where packet dumps go (`ClientOptions::dump_packets`, net-snmp's `-d`).
type DumpWriter = Box<dyn Fn(&str) + Send + Sync>;
static PACKET_DUMP: std::sync::OnceLock<DumpWriter> = std::sync::OnceLock::new();

/// Sends this process's packet dumps (net-snmp's `-d` text: a header line and the hex dump of
/// each datagram sent or received by a transport with dumping on) to `write`, instead of to
/// `tracing` at debug level under the target `snmpkit::packets`. The first call wins; the
/// command-line tool points it at stderr, as net-snmp's tools print it.
pub fn set_packet_dump(write: impl Fn(&str) + Send + Sync + 'static) {
    let _ = PACKET_DUMP.set(Box::new(write));
}

/// A UDP transport shared by any number of clients and targets. Cheap to clone.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    local: Option<SocketAddr>,
    engines: EngineCache,
    v4: tokio::sync::OnceCell<Family>,
    v6: tokio::sync::OnceCell<Family>,
    next_id: AtomicI32,
    /// SO_RCVBUF asked for sockets bound from now on; 0 keeps the system's default.
    recv_buffer: std::sync::atomic::AtomicUsize,
}

impl Default for Transport {
    fn default() -> Self {
        Self::new()
    }
}

impl Transport {
    /// A transport that binds its sockets (an ephemeral port per address family) on first use,
    /// sharing the process-wide [`EngineCache::shared`].
    pub fn new() -> Self {
        Self::with_engine_cache(None, EngineCache::shared())
    }

    /// A transport whose socket for `local`'s address family binds to `local` (the other family
    /// still binds an ephemeral port on any address).
    pub fn bound_to(local: SocketAddr) -> Self {
        Self::with_engine_cache(Some(local), EngineCache::shared())
    }

    /// A transport with its own SNMPv3 engine cache (and optionally a local address, as
    /// [`Transport::bound_to`]).
    pub fn with_engine_cache(local: Option<SocketAddr>, engines: EngineCache) -> Self {
        Transport {
            inner: Arc::new(Inner {
                shared: Arc::new(Shared::default()),
                local,
                engines,
                v4: tokio::sync::OnceCell::new(),
                v6: tokio::sync::OnceCell::new(),
                next_id: AtomicI32::new(initial_id()),
                recv_buffer: std::sync::atomic::AtomicUsize::new(0),
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

    /// Asks for a receive buffer (SO_RCVBUF) of `bytes` on the sockets this transport binds
    /// from now on (they bind on first use). The system's default (about 208 KiB on Linux)
    /// overflows when many agents answer at once, as in a fleet poll; a privileged process
    /// gets the size beyond `net.core.rmem_max` through SO_RCVBUFFORCE. The memory is used only
    /// while datagrams wait. [`Transport::kernel_drops`] tells whether it was enough.
    pub fn set_recv_buffer(&self, bytes: usize) {
        self.inner.recv_buffer.store(bytes, Ordering::Relaxed);
    }

    /// Datagrams the kernel dropped on this transport's sockets because their receive buffer
    /// was full (Linux's per-socket drop counter); `None` where it cannot be read, or before a
    /// socket exists.
    pub fn kernel_drops(&self) -> Option<u64> {
        let inodes: Vec<u64> = [self.inner.v4.get(), self.inner.v6.get()]
            .into_iter()
            .flatten()
            .filter_map(|f| kernel::socket_inode(&f.socket))
            .collect();
        kernel::drops(&inodes)
    }

    /// The SNMPv3 engines this transport's clients have learned.
    pub fn engines(&self) -> &EngineCache {
        &self.inner.engines
    }

    /// The local address sockets bind to, when one was given.
    pub fn local_bind(&self) -> Option<SocketAddr> {
        self.inner.local
    }

    /// Datagrams that arrived but matched no request (late, duplicate or stray), counting
    /// those still queued at the sockets, which are read now (see [`Transport::drain`]).
    pub fn stray_count(&self) -> u64 {
        self.drain();
        self.inner.shared.stray.load(Ordering::Relaxed)
    }

    /// Reads, without waiting, every datagram queued at this transport's sockets, and hands
    /// each over or counts it as the receive task would. The receive task stops trying to
    /// read once no request waits (it spares a `recvfrom` per round trip that way), so a
    /// duplicate that arrived with its answer may still be queued; the counters call this
    /// first so that they count it. At most 4,096 datagrams per socket per call.
    pub fn drain(&self) {
        let families: Vec<&Family> = [self.inner.v4.get(), self.inner.v6.get()]
            .into_iter()
            .flatten()
            .collect();
        if families.is_empty() {
            return;
        }
        let mut buf = vec![0u8; RECEIVE_BUFFER];
        for family in families {
            for _ in 0..4096 {
                match recv_now(&family.socket, &mut buf) {
                    Ok((n, from)) => {
                        let local = || family.socket.local_addr().ok();
                        handle(&self.inner.shared, &buf[..n], from, local);
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(_) => {
                        self.inner
                            .shared
                            .recv_errors
                            .fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                }
            }
        }
    }

    /// Prints every datagram sent and received to stderr, as net-snmp's `-d` does.
    pub fn set_dump(&self, on: bool) {
        self.inner.shared.dump.store(on, Ordering::Relaxed);
    }

    /// Datagrams that could not be decoded (queued ones read first, as for
    /// [`Transport::stray_count`]).
    pub fn malformed_count(&self) -> u64 {
        self.drain();
        self.inner.shared.malformed.load(Ordering::Relaxed)
    }

    /// Errors the sockets reported while receiving (such as ICMP port-unreachable).
    pub fn receive_error_count(&self) -> u64 {
        self.inner.shared.recv_errors.load(Ordering::Relaxed)
    }

    async fn family(&self, target: &SocketAddr) -> io::Result<&Family> {
        let cell = if target.is_ipv4() {
            &self.inner.v4
        } else {
            &self.inner.v6
        };
        cell.get_or_try_init(|| async {
            let local = self.inner.local.filter(|l| l.is_ipv4() == target.is_ipv4());
            let bind: SocketAddr = if let Some(l) = local {
                l
            } else if target.is_ipv4() {
                (IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0).into()
            } else {
                (IpAddr::V6(Ipv6Addr::UNSPECIFIED), 0).into()
            };
            let socket = Arc::new(UdpSocket::bind(bind).await?);
            let rcvbuf = self.inner.recv_buffer.load(Ordering::Relaxed);
            if rcvbuf > 0 {
                let s = socket2::SockRef::from(&*socket);
                let _ = s.set_recv_buffer_size(rcvbuf);
                kernel::force_recv_buffer(&s, rcvbuf);
            }
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
        {
            let mut pending = self.inner.shared.pending.lock().map_err(poisoned)?;
            if pending.contains_key(&k) {
                return Err(TransportError::KeyInUse(key));
            }
            pending.insert(k, tx);
        }
        let guard = PendingGuard {
            shared: &self.inner.shared,
            key: k,
        };
        for _ in 0..=retries {
            dump(&self.inner.shared, "Sending", bytes, target, || {
                fam.socket.local_addr().ok()
            });
            fam.socket.send_to(bytes, target).await?;
            match tokio::time::timeout(timeout, &mut rx).await {
                Ok(Ok(reply)) => return Ok(reply),
                Ok(Err(_)) => return Err(TransportError::Closed),
                Err(_) => continue,
            }
        }
        drop(guard);
        Err(TransportError::Timeout(target))
    }

    /// Sends a datagram and expects no answer (traps).
    pub async fn send(&self, target: SocketAddr, bytes: &[u8]) -> Result<(), TransportError> {
        if bytes.len() > MAX_DATAGRAM {
            return Err(TransportError::TooLarge(bytes.len()));
        }
        let fam = self.family(&target).await?;
        dump(&self.inner.shared, "Sending", bytes, target, || {
            fam.socket.local_addr().ok()
        });
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

/// Where the receive loop reads datagrams from: the UDP socket, or a scripted source in tests.
trait Datagrams {
    fn recv_from<'a>(
        &'a self,
        buf: &'a mut [u8],
    ) -> impl std::future::Future<Output = io::Result<(usize, SocketAddr)>> + Send + 'a;
    fn local_addr(&self) -> Option<SocketAddr>;
    /// Called after each datagram is handed over: when `idle()` holds (no request waits for
    /// an answer), the source may forget that it was readable, so the next receive waits for
    /// the next datagram without first trying a read that finds nothing.
    fn settle(&self, _idle: impl Fn() -> bool) {}
}

impl Datagrams for UdpSocket {
    fn recv_from<'a>(
        &'a self,
        buf: &'a mut [u8],
    ) -> impl std::future::Future<Output = io::Result<(usize, SocketAddr)>> + Send + 'a {
        UdpSocket::recv_from(self, buf)
    }
    fn local_addr(&self) -> Option<SocketAddr> {
        UdpSocket::local_addr(self).ok()
    }
    /// tokio keeps a socket marked readable until a read fails with `WouldBlock`, so after
    /// each answer the next receive made a `recvfrom` that found nothing before it waited:
    /// one system call in five of a walk's round trip (issue 13). A closure that reports
    /// `WouldBlock` to `try_io` clears the mark without that call. It is safe only while no
    /// request is pending: a request is registered before it is sent, so its answer cannot
    /// have arrived unseen; a datagram still queued for nobody is read at the next arrival
    /// (every arrival wakes the socket again); and tokio does not clear a readiness that
    /// arrived after the one this call saw.
    fn settle(&self, idle: impl Fn() -> bool) {
        let _ = self.try_io(tokio::io::Interest::READABLE, || {
            if idle() {
                Err(io::ErrorKind::WouldBlock.into())
            } else {
                Ok(())
            }
        });
    }
}

/// Consecutive receive errors after which the loop sleeps between attempts instead of only
/// yielding (a persistent error must not spin a core).
const ERRORS_BEFORE_BACKOFF: u32 = 8;

async fn receive_loop<D: Datagrams>(socket: Arc<D>, shared: Weak<Shared>) {
    let mut buf = vec![0u8; RECEIVE_BUFFER];
    let mut errors_in_a_row: u32 = 0;
    loop {
        let received = socket.recv_from(&mut buf).await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let (n, from) = match received {
            Ok(x) => {
                errors_in_a_row = 0;
                x
            }
            Err(_) => {
                // ICMP port-unreachable and the like surface here on some systems: count it and
                // keep going, but give the other tasks their turn, and back off when the error
                // persists, since an erroring socket is always ready and would never yield.
                shared.recv_errors.fetch_add(1, Ordering::Relaxed);
                drop(shared);
                errors_in_a_row = errors_in_a_row.saturating_add(1);
                if errors_in_a_row > ERRORS_BEFORE_BACKOFF {
                    let ms = u64::from((errors_in_a_row - ERRORS_BEFORE_BACKOFF).min(100));
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                } else {
                    tokio::task::yield_now().await;
                }
                continue;
            }
        };
        let bytes = &buf[..n];
        if handle(&shared, bytes, from, || socket.local_addr()) {
            socket.settle(|| shared.pending.lock().is_ok_and(|p| p.is_empty()));
        }
    }
}

/// One datagram from `socket` if one is queued, else `WouldBlock`, whatever tokio believes
/// of its readiness (`try_recv_from` would not read a socket the receive task has settled).
#[cfg(unix)]
fn recv_now(socket: &UdpSocket, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
    use nix::sys::socket::{recvfrom, SockaddrStorage};
    use std::os::fd::AsRawFd;
    let (n, from) = recvfrom::<SockaddrStorage>(socket.as_raw_fd(), buf)?;
    from.as_ref()
        .and_then(socket_addr)
        .map(|f| (n, f))
        .ok_or_else(|| io::Error::other("datagram without a source address"))
}

/// nix's address of a datagram's peer as a std address (IPv4 or IPv6 only).
#[cfg(unix)]
pub fn socket_addr(a: &nix::sys::socket::SockaddrStorage) -> Option<SocketAddr> {
    let v4 = a
        .as_sockaddr_in()
        .map(|s| std::net::SocketAddrV4::from(*s).into());
    v4.or_else(|| {
        a.as_sockaddr_in6()
            .map(|s| std::net::SocketAddrV6::from(*s).into())
    })
}

#[cfg(not(unix))]
fn recv_now(socket: &UdpSocket, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
    socket.try_recv_from(buf)
}

/// Hands one received datagram to the request waiting for it, or counts it as stray or
/// malformed. True when it decoded.
fn handle(
    shared: &Shared,
    bytes: &[u8],
    from: SocketAddr,
    local: impl FnOnce() -> Option<SocketAddr>,
) -> bool {
    dump(shared, "Received", bytes, from, local);
    let message = match decode_message(bytes) {
        Ok(m) => m,
        Err(_) => {
            shared.malformed.fetch_add(1, Ordering::Relaxed);
            return false;
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
    true
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
    use super::*;
    use crate::Error;
    use std::sync::atomic::AtomicUsize;

    /// Fails every receive; records how often another task ran meanwhile; lets the transport
    /// go after `fail` errors so the loop ends.
    struct Failing {
        calls: AtomicUsize,
        fail: usize,
        other_ran: Arc<AtomicUsize>,
        seen_other: AtomicUsize,
        shared: Mutex<Option<Arc<Shared>>>,
    }

    impl Datagrams for Failing {
        fn recv_from<'a>(
            &'a self,
            _buf: &'a mut [u8],
        ) -> impl std::future::Future<Output = io::Result<(usize, SocketAddr)>> + Send + 'a
        {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            self.seen_other
                .store(self.other_ran.load(Ordering::SeqCst), Ordering::SeqCst);
            if n >= self.fail {
                self.shared.lock().unwrap().take();
            }
            std::future::ready(Err(io::Error::from(io::ErrorKind::ConnectionRefused)))
        }
        fn local_addr(&self) -> Option<SocketAddr> {
            None
        }
    }

    /// A dropped oneshot was reported as a Timeout although nothing had been waited out.
    #[tokio::test]
    async fn dropped_reply_slot_is_not_a_timeout() {
        let agent = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let target = agent.local_addr().unwrap();
        let t = Transport::new();
        let first = {
            let t = t.clone();
            tokio::spawn(async move {
                t.request(target, 7, b"first", Duration::from_secs(30), 0)
                    .await
            })
        };
        // The first request is waiting once its datagram has arrived.
        let mut buf = [0u8; 64];
        let (n, _) = agent.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"first");
        // A second request under the same key is refused, not allowed to steal the slot.
        let second = t.request(target, 7, b"second", Duration::from_millis(1), 0);
        assert!(matches!(second.await, Err(TransportError::KeyInUse(7))));
        // The receive task going away drops the waiting slot's sender.
        let key = (7, target);
        let slot = t.inner.shared.pending.lock().unwrap().remove(&key);
        assert!(slot.is_some());
        drop(slot);
        let first = first.await.unwrap();
        assert!(matches!(first, Err(TransportError::Closed)), "{first:?}");
        assert!(!Error::from(first.unwrap_err()).is_timeout());
    }

    fn response(id: i32) -> Vec<u8> {
        use crate::codec::{AnyPdu, CommunityMessage, Pdu, PduType, Version};
        CommunityMessage {
            version: Version::V2c,
            community: b"public".to_vec(),
            pdu: AnyPdu::Pdu(Pdu::request(PduType::Response, id, &[])),
        }
        .encode()
    }

    /// Duplicate answers around requests on a real socket: every request still gets its
    /// answer (the receive loop forgets readiness when idle, see `settle_only_when_idle`), and
    /// every duplicate is counted, including one still queued when the count is asked for.
    async fn duplicate_queued_when_idle_does_not_hide_the_next_answer() {
        let agent = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let target = agent.local_addr().unwrap();
        let t = Transport::new();
        let mut buf = [0u8; 64];
        for id in 11..17 {
            let req = {
                let t = t.clone();
                tokio::spawn(async move {
                    t.request(target, id, b"ask", Duration::from_secs(3), 0)
                        .await
                })
            };
            let (_, from) = agent.recv_from(&mut buf).await.unwrap();
            let copies = if id % 2 == 1 { 2 } else { 1 };
            for _ in 0..copies {
                agent.send_to(&response(id), from).await.unwrap();
            }
            let got = req.await.unwrap();
            assert!(got.is_ok(), "request {id}: {got:?}");
        }
        // Three duplicates were sent; one may still be queued, and the count reads it.
        assert_eq!(t.stray_count(), 3);
    }

    #[tokio::test]
    async fn duplicate_queued_when_idle_does_not_hide_the_next_answer_current_thread() {
        duplicate_queued_when_idle_does_not_hide_the_next_answer().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn duplicate_queued_when_idle_does_not_hide_the_next_answer_multi_thread() {
        duplicate_queued_when_idle_does_not_hide_the_next_answer().await;
    }

    /// Hands out scripted datagrams, records what `idle()` said at each `settle`, and lets
    /// the transport go (ending the loop) when the script is done.
    struct Scripted {
        script: Mutex<std::collections::VecDeque<Vec<u8>>>,
        idle_seen: Mutex<Vec<bool>>,
        shared: Mutex<Option<Arc<Shared>>>,
    }

    const FROM: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 161);

    impl Datagrams for Scripted {
        fn recv_from<'a>(
            &'a self,
            buf: &'a mut [u8],
        ) -> impl std::future::Future<Output = io::Result<(usize, SocketAddr)>> + Send + 'a
        {
            let next = self.script.lock().unwrap().pop_front();
            let r = match next {
                Some(d) => {
                    buf[..d.len()].copy_from_slice(&d);
                    Ok((d.len(), FROM))
                }
                None => {
                    self.shared.lock().unwrap().take();
                    Err(io::Error::other("script done"))
                }
            };
            std::future::ready(r)
        }
        fn local_addr(&self) -> Option<SocketAddr> {
            None
        }
        fn settle(&self, idle: impl Fn() -> bool) {
            self.idle_seen.lock().unwrap().push(idle());
        }
    }

    /// The receive loop may forget the socket's readiness (sparing the `recvfrom` that finds
    /// nothing) only when no request waits: a stray datagram read while a request waits must
    /// not make it forget, or the answer queued behind the stray would wait for a datagram
    /// that never comes, and the request would time out.
    #[tokio::test]
    async fn settle_only_when_idle() {
        let shared = Arc::new(Shared::default());
        let (tx, rx) = oneshot::channel();
        shared.pending.lock().unwrap().insert((5, FROM), tx);
        let src = Arc::new(Scripted {
            // A stray (id 9) while 5 waits, 5's answer, another stray with nothing waiting.
            script: Mutex::new([response(9), response(5), response(9)].into()),
            idle_seen: Mutex::new(Vec::new()),
            shared: Mutex::new(Some(shared.clone())),
        });
        let weak = Arc::downgrade(&shared);
        drop(shared);
        receive_loop(src.clone(), weak).await;
        assert_eq!(*src.idle_seen.lock().unwrap(), vec![false, true, true]);
        let reply = rx.await.expect("5 answered");
        assert_eq!(message_key(&reply.message), 5);
    }

    #[tokio::test]
    async fn receive_loop_yields_on_a_persistent_error() {
        let shared = Arc::new(Shared::default());
        let other_ran = Arc::new(AtomicUsize::new(0));
        let src = Arc::new(Failing {
            calls: AtomicUsize::new(0),
            fail: 12,
            other_ran: other_ran.clone(),
            seen_other: AtomicUsize::new(0),
            shared: Mutex::new(Some(shared.clone())),
        });
        let weak = Arc::downgrade(&shared);
        drop(shared);
        let counter = other_ran.clone();
        let other = tokio::spawn(async move {
            for _ in 0..1000 {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
            }
        });
        // On this single-threaded runtime the loop must hand the thread over between errors.
        receive_loop(src.clone(), weak).await;
        assert_eq!(src.calls.load(Ordering::SeqCst), 12);
        assert!(src.seen_other.load(Ordering::SeqCst) > 0);
        other.await.unwrap();
    }

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
