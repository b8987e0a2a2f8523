//! Notification receiver: listens on UDP, decodes v1 traps, v2c and v3 traps and informs,
//! authorises them (communities, USM users), acknowledges informs, and hands each one over as a
//! [`Notification`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), snmpkit::notify::NotifyError> {
//! use snmpkit::notify::{Receiver, ReceiverConfig, V3User};
//! use snmpkit::usm::{AuthProtocol, PrivProtocol};
//! let mut config = ReceiverConfig::default();
//! config.listen = vec!["0.0.0.0:1162".parse().unwrap()];
//! config.users = vec![V3User::new(
//!     "alice",
//!     None, // any sender engine
//!     Some((AuthProtocol::Sha256, b"authpass123")),
//!     Some((PrivProtocol::Aes128, b"privpass123")),
//! )
//! .expect("valid user")];
//! let mut rx = Receiver::bind(config).await?;
//! while let Some(n) = rx.recv().await {
//!     println!("{} from {}: {:?}", n.kind.as_str(), n.source, n.trap_oid);
//! }
//! # Ok(()) }
//! ```
//!
//! Design: per socket, a reader thread drains the socket into batches of datagrams (bounded:
//! 128 batches of at most 256 KiB), and one tokio task decodes them with a sans-I/O processor,
//! answers informs from the same socket, and pushes notifications into one bounded channel.
//! A burst so waits in user space while decoding catches up, and the kernel's buffer stays
//! free. When the consumer falls behind, the socket tasks wait on the channel, then the readers
//! on their batches, so memory stays bounded and the kernel's (raised) receive buffer absorbs
//! the rest. What the kernel then drops is counted by the kernel and reported in
//! [`Stats::kernel_drops`] (Linux). Order is arrival order per socket throughout.
//! A consumer that must keep acknowledging informs whatever its output does (the `listen`
//! command) drains this channel at once and bounds its own output queue instead.
//!
//! Informs are acknowledged as soon as they are decoded, unless
//! [`ReceiverConfig::defer_inform_acks`] is set: then [`Receiver::recv_with_ack`] hands each
//! inform over with an [`InformAck`], and the Response goes out only when the consumer calls
//! [`InformAck::acknowledge`] (for example once a broker has stored the notification).
//! Retransmissions of a held inform get no reply; if the consumer drops the handle instead,
//! the next retransmission is delivered again.

mod addr;
pub mod conf;
mod error;
mod notification;
mod process;
mod stats;
mod v3;

pub use addr::{Family, ListenAddr, DEFAULT_PORT};
pub use error::NotifyError;
pub use notification::{
    v1_trap_oid, Notification, NotificationKind, Sender, TrapV1Fields, SNMP_TRAPS, SNMP_TRAP_OID_0,
    SYS_UPTIME_0,
};
pub use stats::{DropReason, Stats, StatsHandle};
pub use v3::{load_engine, LocalEngine, V3User};

use process::{AckState, Outcome, Processor};
use stats::Counters;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Instant, SystemTime};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinHandle;

use crate::transport::RECEIVE_BUFFER;

/// The unit in which queued datagram bytes are counted.
const BUDGET_UNIT: usize = 256;

fn budget_units(datagram_len: usize) -> u32 {
    datagram_len.div_ceil(BUDGET_UNIT).max(1) as u32
}

/// How a [`Receiver`] listens and what it accepts. Start from `ReceiverConfig::default()` and
/// set the fields you need.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ReceiverConfig {
    /// Addresses to listen on. Empty means `0.0.0.0:162` and `[::]:162` (the IPv6 one is
    /// skipped if the host has no IPv6).
    pub listen: Vec<SocketAddr>,
    /// v1/v2c communities to accept. Empty accepts every community.
    pub communities: Vec<Vec<u8>>,
    /// Log each dropped datagram and its reason to stderr.
    pub verbose: bool,
    /// Capacity of the channel between the socket tasks and the consumer, in notifications.
    pub queue_capacity: usize,
    /// Bound on the datagram bytes queued for the consumer (counted in 256-byte units, so a
    /// small trap counts as 256 bytes). With `queue_capacity`, this bounds memory when the
    /// consumer is slow: the socket tasks then wait and the kernel buffer absorbs the rest.
    pub queue_bytes: usize,
    /// SO_RCVBUF to ask for, in bytes; 32 MiB by default, room for about 50,000 queued small
    /// datagrams (Linux doubles the size asked for, and charges a small datagram about 1 KiB
    /// plus its length). Best
    /// effort: the OS caps it at `net.core.rmem_max` for unprivileged processes, while a
    /// privileged one (root, CAP_NET_ADMIN) gets it through SO_RCVBUFFORCE;
    /// [`Receiver::recv_buffer_sizes`] tells what was granted. The memory is used only while
    /// datagrams wait.
    pub recv_buffer_bytes: usize,
    /// SNMPv3 users. Empty means v3 messages are dropped.
    pub users: Vec<V3User>,
    /// This receiver's engine (ID and boots), authoritative for v3 informs. `None` generates
    /// a random ID with boots 1 when users are configured; use
    /// [`load_engine`] to keep it across runs.
    pub engine: Option<LocalEngine>,
    /// Hold each inform's acknowledgement until the consumer confirms it (at-least-once
    /// delivery to a sink): read with [`Receiver::recv_with_ack`] and call
    /// [`InformAck::acknowledge`] once the notification is safe. Off by default: informs are
    /// acknowledged on receipt.
    pub defer_inform_acks: bool,
}

impl Default for ReceiverConfig {
    fn default() -> Self {
        ReceiverConfig {
            listen: Vec::new(),
            communities: Vec::new(),
            verbose: false,
            queue_capacity: 65_536,
            queue_bytes: 16 * 1024 * 1024,
            recv_buffer_bytes: 32 * 1024 * 1024,
            users: Vec::new(),
            engine: None,
            defer_inform_acks: false,
        }
    }
}

/// The held-back acknowledgement of one inform (see [`ReceiverConfig::defer_inform_acks`]).
/// [`InformAck::acknowledge`] sends the Response-PDU to the inform's sender; dropping the
/// handle without acknowledging leaves the inform unanswered, so the sender retransmits and
/// the receiver delivers that retransmission again.
#[derive(Debug)]
pub struct InformAck {
    sock: Arc<UdpSocket>,
    to: SocketAddr,
    reply: Vec<u8>,
    state: Arc<AckState>,
    counters: Arc<Counters>,
    done: bool,
}

impl InformAck {
    /// Sends the acknowledgement now. Retransmissions of the same inform are acknowledged
    /// from then on. Best effort, as all of UDP: a lost Response makes the sender retransmit,
    /// and that retransmission is acknowledged again.
    pub fn acknowledge(mut self) {
        self.done = true;
        self.state.set_acked();
        if self.sock.try_send_to(&self.reply, self.to).is_ok() {
            self.counters
                .informs_acknowledged
                .fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Where the acknowledgement goes: the inform's source address.
    pub fn destination(&self) -> SocketAddr {
        self.to
    }
}

impl Drop for InformAck {
    fn drop(&mut self) {
        if !self.done {
            self.state.set_abandoned();
            self.counters
                .informs_unacknowledged
                .fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// What flows from the socket tasks to the consumer: the notification, its held
/// acknowledgement, and the budget units it occupies.
type Queued = (Notification, Option<InformAck>, u32);

/// An async stream of received notifications. Informs are acknowledged before they are
/// delivered, unless [`ReceiverConfig::defer_inform_acks`] is set. Dropping the receiver
/// closes its sockets.
#[derive(Debug)]
pub struct Receiver {
    rx: mpsc::Receiver<Queued>,
    budget: Arc<Semaphore>,
    counters: Arc<Counters>,
    local: Vec<SocketAddr>,
    tasks: Vec<JoinHandle<()>>,
    engine: Option<LocalEngine>,
    rcvbuf: Vec<usize>,
}

impl Receiver {
    /// Binds every configured address and starts receiving. Fails if any explicitly given
    /// address cannot be bound; the error explains privileged ports.
    pub async fn bind(config: ReceiverConfig) -> Result<Receiver, NotifyError> {
        let defaults = config.listen.is_empty();
        let addrs = if defaults {
            ListenAddr::defaults()
        } else {
            config.listen.clone()
        };
        let mut sockets = Vec::new();
        for addr in &addrs {
            match open_socket(*addr, config.recv_buffer_bytes) {
                Ok(s) => sockets.push(s),
                // A host without IPv6 still gets the IPv4 default.
                Err(NotifyError::Bind { ref source, .. })
                    if defaults && addr.is_ipv6() && no_ipv6(source) =>
                {
                    continue
                }
                Err(e) => return Err(e),
            }
        }
        if sockets.is_empty() {
            return Err(NotifyError::Config("no address to listen on".into()));
        }
        let (tx, rx) = mpsc::channel(config.queue_capacity.max(1));
        // At least one maximal datagram must fit, or a task could wait forever.
        let units = (config.queue_bytes / BUDGET_UNIT).max(budget_units(RECEIVE_BUFFER) as usize);
        let budget = Arc::new(Semaphore::new(units.min(Semaphore::MAX_PERMITS)));
        // The kernel's drop counters are found by socket inode; all or nothing.
        let inodes: Option<Vec<u64>> = sockets
            .iter()
            .map(|(s, _)| crate::transport::kernel::socket_inode(s))
            .collect();
        let counters = Arc::new(Counters {
            inodes: inodes.unwrap_or_default(),
            ..Counters::default()
        });
        let rcvbuf = sockets
            .iter()
            .map(|(s, _)| socket2::SockRef::from(s).recv_buffer_size().unwrap_or(0))
            .collect();
        let communities = config.communities.clone();
        let v3 = (!config.users.is_empty()).then(|| {
            Arc::new(v3::V3Config {
                users: config.users.clone(),
                engine: config.engine.clone().unwrap_or_else(LocalEngine::generate),
                started: Instant::now(),
            })
        });
        let engine = v3.as_ref().map(|c| c.engine.clone());
        let mut local = Vec::new();
        let mut tasks = Vec::new();
        for (sock, reader) in sockets {
            let l = sock
                .local_addr()
                .map_err(|e| NotifyError::Config(e.to_string()))?;
            local.push(l);
            let (batch_tx, batches) = mpsc::channel(READ_QUEUE_BATCHES);
            std::thread::Builder::new()
                .name("snmpkit-recv".into())
                .spawn({
                    let verbose = config.verbose;
                    move || read_socket(reader, l, batch_tx, verbose)
                })
                .map_err(|e| NotifyError::Config(format!("cannot start a receive thread: {e}")))?;
            let task = SocketTask {
                sock: Arc::new(sock),
                local: l,
                tx: tx.clone(),
                budget: budget.clone(),
                counters: counters.clone(),
                processor: Processor::new(communities.clone(), v3.clone())
                    .defer_acks(config.defer_inform_acks),
                verbose: config.verbose,
            };
            tasks.push(tokio::spawn(task.run(batches)));
        }
        Ok(Receiver {
            rx,
            budget,
            counters,
            local,
            tasks,
            engine,
            rcvbuf,
        })
    }

    /// The addresses actually bound (with the real port when port 0 was asked for).
    pub fn local_addrs(&self) -> &[SocketAddr] {
        &self.local
    }

    /// The next notification, or `None` once every socket task has stopped. A held inform
    /// acknowledgement (see [`ReceiverConfig::defer_inform_acks`]) is sent before it returns.
    pub async fn recv(&mut self) -> Option<Notification> {
        let q = self.rx.recv().await?;
        Some(self.take(q))
    }

    /// The next notification if one is already queued, without waiting (to batch output).
    pub fn try_recv(&mut self) -> Option<Notification> {
        let q = self.rx.try_recv().ok()?;
        Some(self.take(q))
    }

    /// Polls for the next notification (for wrapping the receiver in a `Stream`).
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<Notification>> {
        self.rx.poll_recv(cx).map(|o| o.map(|q| self.take(q)))
    }

    /// The next notification with its held acknowledgement (`Some` only for informs when
    /// [`ReceiverConfig::defer_inform_acks`] is set), or `None` once every socket task has
    /// stopped.
    pub async fn recv_with_ack(&mut self) -> Option<(Notification, Option<InformAck>)> {
        let (n, ack, units) = self.rx.recv().await?;
        self.budget.add_permits(units as usize);
        Some((n, ack))
    }

    /// [`Receiver::recv_with_ack`] without waiting: `None` when nothing is queued.
    pub fn try_recv_with_ack(&mut self) -> Option<(Notification, Option<InformAck>)> {
        let (n, ack, units) = self.rx.try_recv().ok()?;
        self.budget.add_permits(units as usize);
        Some((n, ack))
    }

    fn take(&mut self, (n, ack, units): Queued) -> Notification {
        self.budget.add_permits(units as usize);
        if let Some(a) = ack {
            a.acknowledge();
        }
        n
    }

    /// The receive buffer (SO_RCVBUF) each socket got, in bytes, in the order of
    /// [`Receiver::local_addrs`]. Linux reports twice what was set (its bookkeeping overhead).
    pub fn recv_buffer_sizes(&self) -> &[usize] {
        &self.rcvbuf
    }

    /// This receiver's SNMPv3 engine, when v3 users are configured.
    pub fn engine(&self) -> Option<&LocalEngine> {
        self.engine.as_ref()
    }

    /// The current counters.
    pub fn stats(&self) -> Stats {
        self.counters.snapshot()
    }

    /// A handle that reads the counters without borrowing the receiver.
    pub fn stats_handle(&self) -> StatsHandle {
        StatsHandle(self.counters.clone())
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// True when a bind failed because the host has no IPv6 at all.
fn no_ipv6(e: &std::io::Error) -> bool {
    // EAFNOSUPPORT is 97 on Linux.
    matches!(
        e.kind(),
        std::io::ErrorKind::AddrNotAvailable | std::io::ErrorKind::Unsupported
    ) || e.raw_os_error() == Some(97)
}

/// Opens a UDP socket with a large receive buffer. IPv6 sockets are IPv6-only so that
/// `0.0.0.0:P` and `[::]:P` can be bound side by side.
fn open_socket(
    addr: SocketAddr,
    rcvbuf: usize,
) -> Result<(UdpSocket, std::net::UdpSocket), NotifyError> {
    use socket2::{Domain, Protocol, Socket, Type};
    let err = |e| error::bind_error(addr, e);
    let domain = if addr.is_ipv6() {
        Domain::IPV6
    } else {
        Domain::IPV4
    };
    let s = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP)).map_err(err)?;
    if addr.is_ipv6() {
        s.set_only_v6(true).map_err(err)?;
    }
    // Best effort: unprivileged processes are capped at net.core.rmem_max; a privileged one
    // (root, CAP_NET_ADMIN) gets the size asked for beyond it, as snmptrapd's neighbours
    // rsyslog and syslog-ng do for UDP bursts.
    let _ = s.set_recv_buffer_size(rcvbuf);
    crate::transport::kernel::force_recv_buffer(&s, rcvbuf);
    s.set_nonblocking(true).map_err(err)?;
    s.bind(&addr.into()).map_err(err)?;
    // The reader thread's handle on the same socket (it shares the non-blocking mode).
    let reader = s.try_clone().map_err(err)?;
    Ok((UdpSocket::from_std(s.into()).map_err(err)?, reader.into()))
}

/// Datagram bytes one batch from a reader thread holds at most.
const BATCH_BYTES: usize = 256 * 1024;
/// Datagrams in one batch at most.
const BATCH_ITEMS: usize = 1024;
/// Batches that may wait for the socket task. With [`BATCH_BYTES`], this bounds what was read
/// from a socket but not yet decoded to 32 MiB; beyond it the reader waits and the kernel's
/// buffer (counted when it overflows) takes the rest.
const READ_QUEUE_BATCHES: usize = 128;
/// How often an idle reader thread checks whether its receiver is gone.
const READER_IDLE_CHECK_MS: u16 = 100;

/// Datagrams read by a socket's reader thread: their bytes back to back, and for each its
/// length, source, and when it was read (wall clock and monotonic).
struct Batch {
    data: Vec<u8>,
    items: Vec<(usize, SocketAddr, SystemTime, Instant)>,
}

/// The reader thread of one socket: drains the socket as fast as datagrams arrive into
/// batches for the socket task, so that a burst waits in user space (bounded, see
/// [`READ_QUEUE_BATCHES`]) while decoding catches up, and the kernel's buffer stays free.
/// Ends when the socket task is gone.
fn read_socket(
    sock: std::net::UdpSocket,
    local: SocketAddr,
    tx: mpsc::Sender<Batch>,
    verbose: bool,
) {
    use nix::poll::{poll, PollFd, PollFlags};
    use std::os::fd::AsFd;
    let mut buf = vec![0u8; RECEIVE_BUFFER];
    loop {
        if tx.is_closed() {
            return;
        }
        let mut fds = [PollFd::new(sock.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, READER_IDLE_CHECK_MS) {
            Ok(0) => continue,
            Ok(_) => {}
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => {
                if verbose {
                    tracing::warn!("cannot wait for datagrams on {local}: {e}");
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
                continue;
            }
        }
        let mut batch = Batch {
            data: Vec::with_capacity(16 * 1024),
            items: Vec::with_capacity(64),
        };
        let mut errors = 0;
        while batch.data.len() < BATCH_BYTES && batch.items.len() < BATCH_ITEMS {
            match sock.recv_from(&mut buf) {
                Ok((n, source)) => {
                    batch.data.extend_from_slice(buf.get(..n).unwrap_or(&[]));
                    batch
                        .items
                        .push((n, source, SystemTime::now(), Instant::now()));
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    // ICMP errors from earlier replies (ECONNREFUSED) and the like: each is
                    // reported once by the socket; keep reading, but not forever in one go.
                    if verbose {
                        tracing::warn!("receive error on {local}: {e}");
                    }
                    errors += 1;
                    if errors > 64 {
                        break;
                    }
                }
            }
        }
        if !batch.items.is_empty() && tx.blocking_send(batch).is_err() {
            return;
        }
    }
}

struct SocketTask {
    sock: Arc<UdpSocket>,
    local: SocketAddr,
    tx: mpsc::Sender<Queued>,
    budget: Arc<Semaphore>,
    counters: Arc<Counters>,
    processor: Processor,
    verbose: bool,
}

impl SocketTask {
    async fn run(mut self, mut batches: mpsc::Receiver<Batch>) {
        while let Some(batch) = batches.recv().await {
            let mut at = 0;
            for (n, source, received_at, now) in batch.items {
                let datagram = batch.data.get(at..at + n).unwrap_or(&[]);
                at += n;
                if !self.handle(datagram, source, received_at, now).await {
                    return;
                }
            }
        }
    }

    /// Decodes one datagram and delivers, answers or drops it. False once the receiver is
    /// gone.
    async fn handle(
        &mut self,
        datagram: &[u8],
        source: SocketAddr,
        received_at: SystemTime,
        now: Instant,
    ) -> bool {
        let n = datagram.len();
        {
            self.counters.received.fetch_add(1, Ordering::Relaxed);
            let outcome = self
                .processor
                .handle(datagram, source, self.local, received_at, now);
            match outcome {
                Outcome::Deliver {
                    notification,
                    reply,
                    held,
                } => {
                    let ack = match (reply, held) {
                        (Some(reply), Some(state)) => Some(InformAck {
                            sock: self.sock.clone(),
                            to: source,
                            reply,
                            state,
                            counters: self.counters.clone(),
                            done: false,
                        }),
                        (Some(r), None) => {
                            self.reply(&r, source).await;
                            None
                        }
                        (None, _) => None,
                    };
                    self.counters.delivered.fetch_add(1, Ordering::Relaxed);
                    let units = budget_units(n);
                    // Waiting here (not dropping) is the backpressure: see the module docs.
                    let Ok(permit) = self.budget.acquire_many(units).await else {
                        return false;
                    };
                    permit.forget();
                    if self.tx.send((*notification, ack, units)).await.is_err() {
                        return false; // The receiver was dropped.
                    }
                }
                Outcome::Duplicate { reply } => {
                    self.counters
                        .duplicate_informs
                        .fetch_add(1, Ordering::Relaxed);
                    if let Some(r) = reply {
                        self.reply(&r, source).await;
                    }
                }
                Outcome::Discovery { reply } => {
                    self.counters
                        .discovery_probes
                        .fetch_add(1, Ordering::Relaxed);
                    self.send(&reply, source).await;
                }
                Outcome::Drop {
                    reason,
                    detail,
                    reply,
                } => {
                    self.counters.count_drop(reason);
                    if let Some(r) = reply {
                        self.send(&r, source).await;
                    }
                    if self.verbose {
                        tracing::warn!(
                            "dropped {n}-byte datagram from {source}: {reason}: {detail}"
                        );
                    }
                }
            }
        }
        true
    }

    /// Sends a Report; failures only matter to the verbose log.
    async fn send(&self, bytes: &[u8], to: SocketAddr) {
        if let Err(e) = self.sock.send_to(bytes, to).await {
            if self.verbose {
                tracing::warn!("cannot send a Report to {to}: {e}");
            }
        }
    }

    async fn reply(&self, bytes: &[u8], to: SocketAddr) {
        match self.sock.send_to(bytes, to).await {
            Ok(_) => {
                self.counters
                    .informs_acknowledged
                    .fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                if self.verbose {
                    tracing::warn!("cannot acknowledge inform from {to}: {e}");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{AnyPdu, CommunityMessage, Pdu, PduType, Version};
    use std::time::Duration;

    fn trap(request_id: i32) -> Vec<u8> {
        CommunityMessage {
            version: Version::V2c,
            community: b"public".to_vec(),
            pdu: AnyPdu::Pdu(Pdu {
                pdu_type: PduType::TrapV2,
                request_id,
                error_status: 0,
                error_index: 0,
                varbinds: Vec::new(),
            }),
        }
        .encode()
    }

    /// The reader thread hands datagrams over in batches: every one arrives, in the order each
    /// source sent them.
    #[tokio::test]
    async fn bursts_from_two_sources_arrive_whole_and_in_order() {
        let config = ReceiverConfig {
            listen: vec!["127.0.0.1:0".parse().unwrap()],
            ..ReceiverConfig::default()
        };
        let mut rx = Receiver::bind(config).await.unwrap();
        let to = rx.local_addrs()[0];
        let a = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let b = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        const N: i32 = 2000;
        for i in 0..N {
            a.send_to(&trap(i), to).unwrap();
            b.send_to(&trap(N + i), to).unwrap();
        }
        let (mut next_a, mut next_b) = (0, N);
        for _ in 0..2 * N {
            let n = tokio::time::timeout(Duration::from_secs(20), rx.recv())
                .await
                .expect("a trap within 20 s")
                .expect("receiver open");
            if n.source == a.local_addr().unwrap() {
                assert_eq!(n.request_id, next_a);
                next_a += 1;
            } else {
                assert_eq!(n.request_id, next_b);
                next_b += 1;
            }
        }
        assert_eq!((next_a, next_b), (N, 2 * N));
        let s = rx.stats();
        assert_eq!((s.received, s.delivered), (2 * N as u64, 2 * N as u64));
        assert_eq!(s.kernel_drops.unwrap_or(0), 0);
    }
}
