//! The agent's sockets: one tokio task per bound address reads a datagram, hands it to the
//! sans-I/O [`Agent`], sends the reply and queues notifications. Nothing is buffered between
//! receiving and answering, so memory stays bounded under a flood; the kernel's receive buffer
//! absorbs bursts and drops the rest.
//!
//! A wildcard address (`0.0.0.0`, `::`) asks the kernel for each datagram's destination
//! (IP_PKTINFO / IPV6_RECVPKTINFO) and answers from that address, so every local address is a
//! device of its own.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use tokio::net::UdpSocket;
use tokio::task::JoinHandle;

use super::events::Notifier;
use super::responder::Agent;
use super::{AgentError, Stats};

/// The receive buffer to ask the kernel for (best effort).
const RECV_BUFFER: usize = 4 * 1024 * 1024;

/// A bound agent, ready to run.
pub struct Server {
    agent: Arc<Agent>,
    sockets: Vec<(Arc<UdpSocket>, SocketAddr, bool)>,
    notifier: Arc<Notifier>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addrs", &self.local_addrs())
            .finish_non_exhaustive()
    }
}

impl Server {
    /// Binds every address (IPv6 ones only for IPv6, so `0.0.0.0` and `::` can share a port)
    /// and resolves the notification sinks.
    pub async fn bind(agent: Agent, addrs: &[SocketAddr]) -> Result<Server, AgentError> {
        let notifier = Notifier::new(
            agent.sinks(),
            agent.inform_timeout,
            agent.max_pending_informs,
        )
        .await
        .map_err(AgentError::Config)?;
        let mut sockets = Vec::new();
        for &addr in addrs {
            let bind_err = |source| AgentError::Bind { addr, source };
            let domain = socket2::Domain::for_address(addr);
            let s =
                socket2::Socket::new(domain, socket2::Type::DGRAM, Some(socket2::Protocol::UDP))
                    .map_err(bind_err)?;
            if addr.is_ipv6() {
                s.set_only_v6(true).map_err(bind_err)?;
            }
            let _ = s.set_recv_buffer_size(RECV_BUFFER);
            s.set_nonblocking(true).map_err(bind_err)?;
            s.bind(&addr.into()).map_err(bind_err)?;
            let std_sock: std::net::UdpSocket = s.into();
            let sock = UdpSocket::from_std(std_sock).map_err(bind_err)?;
            let wildcard = addr.ip().is_unspecified();
            if wildcard {
                pktinfo::enable(&sock, addr.is_ipv6()).map_err(bind_err)?;
            }
            let local = sock.local_addr().map_err(bind_err)?;
            sockets.push((Arc::new(sock), local, wildcard));
        }
        Ok(Server {
            agent: Arc::new(agent),
            sockets,
            notifier: Arc::new(notifier),
        })
    }

    /// The addresses actually bound (with the ports the OS chose for port 0).
    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        self.sockets.iter().map(|(_, a, _)| *a).collect()
    }

    /// The agent being served.
    pub fn agent(&self) -> &Arc<Agent> {
        &self.agent
    }

    /// Serves until `shutdown` completes, then stops and returns the counters.
    pub async fn run_until<F: Future<Output = ()>>(self, shutdown: F) -> Stats {
        let tasks: Vec<JoinHandle<()>> = self
            .sockets
            .iter()
            .map(|(sock, local, wildcard)| {
                tokio::spawn(serve(
                    self.agent.clone(),
                    sock.clone(),
                    local.ip(),
                    *wildcard,
                    self.notifier.clone(),
                ))
            })
            .collect();
        shutdown.await;
        for t in &tasks {
            t.abort();
        }
        for t in tasks {
            let _ = t.await;
        }
        self.agent.stats()
    }
}

async fn serve(
    agent: Arc<Agent>,
    sock: Arc<UdpSocket>,
    bound: IpAddr,
    wildcard: bool,
    notifier: Arc<Notifier>,
) {
    let mut buf = vec![0u8; snmpkit::transport::RECEIVE_BUFFER];
    let mut cmsg = pktinfo::buffer();
    loop {
        let received = if wildcard {
            pktinfo::recv(&sock, &mut buf, &mut cmsg).await
        } else {
            sock.recv_from(&mut buf)
                .await
                .map(|(n, src)| (n, src, bound))
        };
        // Errors here are per datagram (an ICMP error from an earlier reply, a truncated
        // read): nothing to answer, keep serving.
        let Ok((n, src, local)) = received else {
            continue;
        };
        let Some(bytes) = buf.get(..n) else {
            continue;
        };
        let out = agent.handle(bytes, src, local, Instant::now());
        if let Some(reply) = out.reply {
            let _ = if wildcard {
                pktinfo::send(&sock, &reply, src, local).await
            } else {
                sock.send_to(&reply, src).await.map(|_| ())
            };
        }
        for ev in &out.events {
            notifier.send(ev, &agent.counters);
        }
    }
}

#[cfg(unix)]
mod pktinfo {
    //! Destination-address aware receive and source-address chosen send, through nix's safe
    //! wrappers of recvmsg/sendmsg on the tokio socket.
    use std::io;
    use std::io::{IoSlice, IoSliceMut};
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
    use std::os::fd::AsRawFd;

    use nix::libc;
    use nix::sys::socket::{
        recvmsg, sendmsg, setsockopt, sockopt, ControlMessage, ControlMessageOwned, MsgFlags,
        SockaddrIn, SockaddrIn6, SockaddrStorage,
    };
    use tokio::io::Interest;
    use tokio::net::UdpSocket;

    pub fn enable(sock: &UdpSocket, v6: bool) -> io::Result<()> {
        if v6 {
            setsockopt(sock, sockopt::Ipv6RecvPacketInfo, &true)?;
        } else {
            setsockopt(sock, sockopt::Ipv4PacketInfo, &true)?;
        }
        Ok(())
    }

    pub fn buffer() -> Vec<u8> {
        nix::cmsg_space!(libc::in_pktinfo, libc::in6_pktinfo)
    }

    pub async fn recv(
        sock: &UdpSocket,
        buf: &mut [u8],
        cmsg: &mut Vec<u8>,
    ) -> io::Result<(usize, SocketAddr, IpAddr)> {
        loop {
            sock.readable().await?;
            match sock.try_io(Interest::READABLE, || recv_once(sock, buf, cmsg)) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                r => return r,
            }
        }
    }

    fn recv_once(
        sock: &UdpSocket,
        buf: &mut [u8],
        cmsg: &mut Vec<u8>,
    ) -> io::Result<(usize, SocketAddr, IpAddr)> {
        let mut iov = [IoSliceMut::new(buf)];
        let m =
            recvmsg::<SockaddrStorage>(sock.as_raw_fd(), &mut iov, Some(cmsg), MsgFlags::empty())?;
        let mut local = None;
        for c in m.cmsgs()? {
            match c {
                ControlMessageOwned::Ipv4PacketInfo(i) => {
                    local = Some(IpAddr::V4(Ipv4Addr::from(u32::from_be(i.ipi_addr.s_addr))));
                }
                ControlMessageOwned::Ipv6PacketInfo(i) => {
                    local = Some(IpAddr::V6(Ipv6Addr::from(i.ipi6_addr.s6_addr)));
                }
                _ => {}
            }
        }
        let src = m.address.as_ref().and_then(snmpkit::transport::socket_addr);
        match (src, local) {
            (Some(s), Some(l)) => Ok((m.bytes, s, l)),
            _ => Err(io::Error::other("datagram without source or destination")),
        }
    }

    pub async fn send(
        sock: &UdpSocket,
        bytes: &[u8],
        to: SocketAddr,
        from: IpAddr,
    ) -> io::Result<()> {
        loop {
            sock.writable().await?;
            match sock.try_io(Interest::WRITABLE, || send_once(sock, bytes, to, from)) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                r => return r.map(|_| ()),
            }
        }
    }

    fn send_once(
        sock: &UdpSocket,
        bytes: &[u8],
        to: SocketAddr,
        from: IpAddr,
    ) -> io::Result<usize> {
        let iov = [IoSlice::new(bytes)];
        let fd = sock.as_raw_fd();
        let n = match (to, from) {
            (SocketAddr::V4(d), IpAddr::V4(f)) => {
                let info = libc::in_pktinfo {
                    ipi_ifindex: 0,
                    ipi_spec_dst: libc::in_addr {
                        s_addr: u32::from(f).to_be(),
                    },
                    ipi_addr: libc::in_addr { s_addr: 0 },
                };
                sendmsg(
                    fd,
                    &iov,
                    &[ControlMessage::Ipv4PacketInfo(&info)],
                    MsgFlags::empty(),
                    Some(&SockaddrIn::from(d)),
                )?
            }
            (SocketAddr::V6(d), IpAddr::V6(f)) => {
                let info = libc::in6_pktinfo {
                    ipi6_addr: libc::in6_addr {
                        s6_addr: f.octets(),
                    },
                    ipi6_ifindex: 0,
                };
                sendmsg(
                    fd,
                    &iov,
                    &[ControlMessage::Ipv6PacketInfo(&info)],
                    MsgFlags::empty(),
                    Some(&SockaddrIn6::from(d)),
                )?
            }
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "reply and request address families differ",
                ))
            }
        };
        Ok(n)
    }
}

#[cfg(not(unix))]
mod pktinfo {
    //! Without IP_PKTINFO every wildcard reply leaves from the socket's own address.
    use std::io;
    use std::net::{IpAddr, SocketAddr};
    use tokio::net::UdpSocket;

    pub fn enable(_: &UdpSocket, _: bool) -> io::Result<()> {
        Ok(())
    }

    pub fn buffer() -> Vec<u8> {
        Vec::new()
    }

    pub async fn recv(
        sock: &UdpSocket,
        buf: &mut [u8],
        _: &mut Vec<u8>,
    ) -> io::Result<(usize, SocketAddr, IpAddr)> {
        let (n, src) = sock.recv_from(buf).await?;
        Ok((n, src, sock.local_addr()?.ip()))
    }

    pub async fn send(sock: &UdpSocket, bytes: &[u8], to: SocketAddr, _: IpAddr) -> io::Result<()> {
        sock.send_to(bytes, to).await.map(|_| ())
    }
}
