//! The async SNMP manager: requests with timeouts and retries, walks, and tables
//! ([`TableSpec`], [`Client::table`]).
//!
//! A [`Client`] talks to one agent. Clients are cheap to clone and can share one
//! [`Transport`] (one socket), so a script can poll a fleet from many tasks at once.

mod repetitions;
mod table;
#[cfg(test)]
mod tests;
mod v3;
mod walk;

pub use v3::{V3Security, MAX_MESSAGE_SIZE};

pub use repetitions::{budget_for, BulkSizer, Repetitions, LOCAL_BUDGET};
pub use table::{Column, Row, RowIndex, Table, TableEnd, TableError, TableOptions, TableSpec};
pub use walk::{Walk, WalkEnd, WalkLimit, WalkOptions, WalkPage, WalkState};

use crate::codec::{AnyPdu, CommunityMessage, Message, Pdu, PduType, Version};
use crate::error::{Error, ErrorStatus, Result};
use crate::transport::{AgentAddr, Transport, TransportError};
use crate::{Oid, VarBind};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// How a [`Client`] sends requests: timeouts and retries (net-snmp's defaults: 1 second,
/// 5 retries) and the other knobs below. Build one with [`ClientOptions::builder`]; the struct
/// is `#[non_exhaustive]` so options can be added without breaking callers.
///
/// ```
/// use snmpkit::ClientOptions;
/// use std::time::Duration;
/// let opts = ClientOptions::builder()
///     .timeout(Duration::from_millis(500))
///     .retries(2)
///     .build();
/// assert_eq!(opts.retries, 2);
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ClientOptions {
    /// How long to wait for each attempt.
    pub timeout: Duration,
    /// How many times to resend after the first attempt.
    pub retries: u32,
    /// Dump every datagram to stderr in hex (`-d`).
    pub dump_packets: bool,
    /// At most this many varbinds per Get or GetNext: [`Client::get`] and
    /// [`Client::get_next`] split longer lists into several requests; [`Client::set`] and
    /// [`Client::get_bulk`] refuse them. `None` (the default): no cap.
    pub max_oids_per_request: Option<usize>,
    /// Recover from tooBig (default on): [`Client::get`] and [`Client::get_next`] split the
    /// request in halves and ask again; bulk walks halve max-repetitions.
    pub too_big_recovery: bool,
    /// GetBulk max-repetitions for [`Client::bulk_walk`], [`Client::bulk_walk_stream`] and
    /// [`Client::table`] (unless its [`TableOptions`] say otherwise). The default,
    /// [`Repetitions::Adaptive`], sizes each request to the agent ([`BulkSizer`]): fewer
    /// round trips, the same varbinds. [`Repetitions::Fixed`] asks for exactly that many.
    pub max_repetitions: Repetitions,
    /// The local address to send from. Used by [`Client::connect`] and
    /// [`Client::connect_port`], which make their own transport; a shared transport keeps the
    /// address it was made with ([`Transport::bound_to`]). `None`: any address, ephemeral port.
    pub local_addr: Option<SocketAddr>,
    /// The longest a whole walk may run (every [`Walk`] of this client, streamed or collected),
    /// ending with [`Error::WalkLimit`]. `None` (the default): no deadline.
    pub walk_deadline: Option<Duration>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: Duration::from_secs(1),
            retries: 5,
            dump_packets: false,
            max_oids_per_request: None,
            too_big_recovery: true,
            max_repetitions: Repetitions::Adaptive,
            local_addr: None,
            walk_deadline: None,
        }
    }
}

impl ClientOptions {
    /// A builder starting from the defaults.
    pub fn builder() -> ClientOptionsBuilder {
        ClientOptionsBuilder {
            opts: ClientOptions::default(),
        }
    }
}

/// Builds [`ClientOptions`]; every setter starts from the defaults.
#[derive(Clone, Debug)]
#[must_use]
pub struct ClientOptionsBuilder {
    opts: ClientOptions,
}

impl ClientOptionsBuilder {
    /// How long to wait for each attempt (default 1 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.opts.timeout = timeout;
        self
    }

    /// How many times to resend after the first attempt (default 5).
    pub fn retries(mut self, retries: u32) -> Self {
        self.opts.retries = retries;
        self
    }

    /// Dump every datagram to stderr in hex, as net-snmp's `-d` does (default off).
    pub fn dump_packets(mut self, on: bool) -> Self {
        self.opts.dump_packets = on;
        self
    }

    /// Caps the varbinds per request; see [`ClientOptions::max_oids_per_request`].
    pub fn max_oids_per_request(mut self, n: usize) -> Self {
        self.opts.max_oids_per_request = Some(n.max(1));
        self
    }

    /// Whether tooBig answers are recovered from by splitting; see
    /// [`ClientOptions::too_big_recovery`].
    pub fn too_big_recovery(mut self, on: bool) -> Self {
        self.opts.too_big_recovery = on;
        self
    }

    /// A fixed max-repetitions for bulk walks and tables (at least 1) instead of the adaptive
    /// default; see [`ClientOptions::max_repetitions`].
    pub fn max_repetitions(mut self, n: u32) -> Self {
        self.opts.max_repetitions = Repetitions::fixed(n);
        self
    }

    /// How bulk walks and tables size their GetBulk requests; see
    /// [`ClientOptions::max_repetitions`].
    pub fn repetitions(mut self, reps: Repetitions) -> Self {
        self.opts.max_repetitions = match reps {
            Repetitions::Fixed(n) => Repetitions::fixed(n),
            Repetitions::Adaptive => Repetitions::Adaptive,
        };
        self
    }

    /// The local address to send from; see [`ClientOptions::local_addr`].
    pub fn local_addr(mut self, addr: SocketAddr) -> Self {
        self.opts.local_addr = Some(addr);
        self
    }

    /// A deadline for every walk as a whole; see [`ClientOptions::walk_deadline`].
    pub fn walk_deadline(mut self, d: Duration) -> Self {
        self.opts.walk_deadline = Some(d);
        self
    }

    /// The options.
    pub fn build(self) -> ClientOptions {
        self.opts
    }
}

/// How requests are secured.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Security {
    /// SNMPv1 or SNMPv2c with a community string.
    Community {
        /// V1 or V2c.
        version: Version,
        /// The community.
        community: Vec<u8>,
    },
    /// SNMPv3 with the User-based Security Model.
    Usm(Box<V3Security>),
}

impl Security {
    /// v2c with `community`.
    pub fn v2c(community: impl AsRef<[u8]>) -> Self {
        Security::Community {
            version: Version::V2c,
            community: community.as_ref().to_vec(),
        }
    }

    /// v1 with `community`.
    pub fn v1(community: impl AsRef<[u8]>) -> Self {
        Security::Community {
            version: Version::V1,
            community: community.as_ref().to_vec(),
        }
    }

    /// SNMPv3 with `credentials` at the highest level they allow.
    pub fn v3(credentials: crate::usm::Credentials) -> Self {
        Security::Usm(Box::new(V3Security::new(credentials)))
    }

    /// The SNMP version used.
    pub fn version(&self) -> Version {
        match self {
            Security::Community { version, .. } => *version,
            Security::Usm(_) => Version::V3,
        }
    }
}

/// A manager session with one agent.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    transport: Transport,
    target: SocketAddr,
    peer_name: String,
    security: Security,
    options: ClientOptions,
}

impl Client {
    /// Resolves `agent` (net-snmp syntax, default port 161) and makes a client on a new transport.
    pub async fn connect(
        agent: &str,
        security: Security,
        options: ClientOptions,
    ) -> Result<Client> {
        Self::connect_port(agent, 161, security, options).await
    }

    /// Like [`Client::connect`], sharing an existing transport.
    pub async fn connect_with(
        transport: Transport,
        agent: &str,
        security: Security,
        options: ClientOptions,
    ) -> Result<Client> {
        let addr = AgentAddr::parse(agent, 161)?.resolve().await?;
        Ok(Self::with_transport(
            transport,
            addr,
            agent.to_string(),
            security,
            options,
        ))
    }

    /// A client for an already resolved address. `peer_name` is what error messages call it.
    pub fn with_transport(
        transport: Transport,
        target: SocketAddr,
        peer_name: String,
        security: Security,
        options: ClientOptions,
    ) -> Client {
        if options.dump_packets {
            transport.set_dump(true);
        }
        Client {
            inner: Arc::new(ClientInner {
                transport,
                target,
                peer_name,
                security,
                options,
            }),
        }
    }

    /// The agent's address.
    pub fn target(&self) -> SocketAddr {
        self.inner.target
    }

    /// The agent as the user named it (used in "Timeout: No Response from ...").
    pub fn peer_name(&self) -> &str {
        &self.inner.peer_name
    }

    /// The options in use.
    pub fn options(&self) -> &ClientOptions {
        &self.inner.options
    }

    /// The transport this client sends through.
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The agent's msgMaxSize, once known (SNMPv3 learns it at discovery; `None` for v1 and
    /// v2c).
    pub fn agent_max_size(&self) -> Option<usize> {
        match &self.inner.security {
            Security::Usm(_) => self
                .inner
                .transport
                .engines()
                .get(&self.inner.target, std::time::Instant::now())
                .and_then(|e| e.max_size),
            Security::Community { .. } => None,
        }
    }

    /// The security in use.
    pub fn security(&self) -> &Security {
        &self.inner.security
    }

    /// The SNMP version in use.
    pub fn version(&self) -> Version {
        self.inner.security.version()
    }

    /// Sends one request PDU (its request-id is assigned here) and returns the response PDU,
    /// whatever its error-status. Most callers want [`Client::get`] and friends instead.
    pub async fn request(&self, mut pdu: Pdu) -> Result<Pdu> {
        if pdu.pdu_type == PduType::GetBulk && self.version() == Version::V1 {
            return Err(Error::BulkOnV1);
        }
        let id = self.inner.transport.next_id();
        pdu.request_id = id;
        match &self.inner.security {
            Security::Usm(v3) => self.request_v3(v3, pdu).await,
            Security::Community { version, community } => {
                let msg = CommunityMessage {
                    version: *version,
                    community: community.clone(),
                    pdu: AnyPdu::Pdu(pdu),
                };
                let bytes = msg.encode();
                let reply = self
                    .inner
                    .transport
                    .request(
                        self.inner.target,
                        id,
                        &bytes,
                        self.inner.options.timeout,
                        self.inner.options.retries,
                    )
                    .await
                    .map_err(|e| self.map_transport(e))?;
                match reply.message {
                    Message::Community(CommunityMessage {
                        version: v,
                        pdu: AnyPdu::Pdu(p),
                        ..
                    }) if v == *version && p.pdu_type == PduType::Response => Ok(p),
                    _ => Err(Error::UnexpectedResponse(
                        "not a Response PDU of this version",
                    )),
                }
            }
        }
    }

    fn map_transport(&self, e: TransportError) -> Error {
        match e {
            TransportError::Timeout(_) => Error::Timeout(self.inner.peer_name.clone()),
            e => Error::from(e),
        }
    }

    async fn checked(&self, pdu: Pdu) -> Result<Vec<VarBind>> {
        let r = self.request(pdu).await?;
        status_ok(r)
    }

    fn check_cap(&self, n: usize, what: &str) -> Result<()> {
        match self.inner.options.max_oids_per_request {
            Some(cap) if n > cap => Err(Error::InvalidArgument(format!(
                "{what} of {n} varbinds exceeds the cap of {cap} per request"
            ))),
            _ => Ok(()),
        }
    }

    /// Get or GetNext of `oids`, split at the cap and, on tooBig, in halves.
    async fn split_request(&self, pdu_type: PduType, oids: &[Oid]) -> Result<Vec<VarBind>> {
        let cap = self
            .inner
            .options
            .max_oids_per_request
            .unwrap_or(usize::MAX)
            .max(1);
        let mut todo: std::collections::VecDeque<&[Oid]> = oids.chunks(cap).collect();
        if todo.is_empty() {
            todo.push_back(oids);
        }
        let mut out = Vec::with_capacity(oids.len());
        while let Some(part) = todo.pop_front() {
            let r = self.request(Pdu::request(pdu_type, 0, part)).await?;
            if r.error_status == ErrorStatus::TooBig.code()
                && self.inner.options.too_big_recovery
                && part.len() > 1
            {
                let (a, b) = part.split_at(part.len() / 2);
                todo.push_front(b);
                todo.push_front(a);
                continue;
            }
            out.extend(status_ok(r)?);
        }
        Ok(out)
    }

    /// Get: the values of `oids`. Longer lists than
    /// [`ClientOptions::max_oids_per_request`] go out as several requests; a tooBig answer is
    /// recovered by splitting (see [`ClientOptions::too_big_recovery`]).
    pub async fn get(&self, oids: &[Oid]) -> Result<Vec<VarBind>> {
        self.split_request(PduType::Get, oids).await
    }

    /// GetNext: the next instance after each of `oids`, split as [`Client::get`] splits.
    pub async fn get_next(&self, oids: &[Oid]) -> Result<Vec<VarBind>> {
        self.split_request(PduType::GetNext, oids).await
    }

    /// GetBulk (v2c and v3 only). Not split: a list over the cap is refused.
    pub async fn get_bulk(
        &self,
        non_repeaters: u32,
        max_repetitions: u32,
        oids: &[Oid],
    ) -> Result<Vec<VarBind>> {
        self.check_cap(oids.len(), "a GetBulk")?;
        let pdu = Pdu::get_bulk(0, clamp(non_repeaters), clamp(max_repetitions), oids);
        self.checked(pdu).await
    }

    /// Set: writes `varbinds` and returns the agent's response varbinds. A Set is atomic, so it
    /// is never split: a list over the cap is refused.
    pub async fn set(&self, varbinds: &[VarBind]) -> Result<Vec<VarBind>> {
        self.check_cap(varbinds.len(), "a Set")?;
        let pdu = Pdu {
            pdu_type: PduType::Set,
            request_id: 0,
            error_status: 0,
            error_index: 0,
            varbinds: varbinds.to_vec(),
        };
        self.checked(pdu).await
    }

    /// Walks the subtree under `root` with GetNext and returns every instance in it, within
    /// `limit` (ending with [`Error::WalkLimit`] past it). An empty subtree falls back to a Get
    /// of `root` itself, as net-snmp does.
    ///
    /// This holds the whole subtree in memory: for large or untrusted agents use
    /// [`Client::walk_stream`], which yields the varbinds as they arrive.
    pub async fn walk(&self, root: &Oid, limit: WalkLimit) -> Result<Vec<VarBind>> {
        self.walk_stream(root).with_limit(limit).collect().await
    }

    /// Walks the subtree under `root` with GetBulk ([`ClientOptions::max_repetitions`] per
    /// request: sized to the agent unless fixed) and returns every instance in it, within
    /// `limit`. For large or untrusted agents use [`Client::bulk_walk_stream`].
    pub async fn bulk_walk(&self, root: &Oid, limit: WalkLimit) -> Result<Vec<VarBind>> {
        self.bulk_walk_stream(root)
            .with_limit(limit)
            .collect()
            .await
    }

    /// A GetNext walk of `root`'s subtree as a [`Stream`](futures_core::Stream) of varbinds.
    pub fn walk_stream(&self, root: &Oid) -> Walk {
        Walk::new(self.clone(), root.clone(), WalkOptions::default())
    }

    /// A GetBulk walk of `root`'s subtree as a [`Stream`](futures_core::Stream) of varbinds,
    /// [`ClientOptions::max_repetitions`] per request (sized to the agent unless fixed).
    pub fn bulk_walk_stream(&self, root: &Oid) -> Walk {
        let opts = WalkOptions {
            bulk: Some((0, self.inner.options.max_repetitions)),
            ..WalkOptions::default()
        };
        Walk::new(self.clone(), root.clone(), opts)
    }
}

/// The varbinds of a response with no error-status, or the error-status as an error.
fn status_ok(r: Pdu) -> Result<Vec<VarBind>> {
    if r.error_status != 0 {
        return Err(Error::Status {
            status: r.error_status.into(),
            index: r.error_index,
            varbinds: r.varbinds,
        });
    }
    Ok(r.varbinds)
}

fn clamp(v: u32) -> i32 {
    v.min(i32::MAX as u32) as i32
}

pub use crate::{SNMP_TRAP_OID_0, SYS_UPTIME_0};

/// The host's uptime in hundredths of a second (what net-snmp's tools put in a trap's
/// sysUpTime.0 when none is given), or 0 where it cannot be read.
pub fn host_uptime() -> u32 {
    std::fs::read_to_string("/proc/uptime")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|f| f.parse::<f64>().ok())
        })
        .map(|secs| (secs * 100.0) as u64 as u32)
        .unwrap_or(0)
}

/// The varbinds of a v2 notification: sysUpTime.0, snmpTrapOID.0, then `extra`.
pub fn notification_varbinds(uptime: u32, trap_oid: &Oid, extra: &[VarBind]) -> Vec<VarBind> {
    let mut v = Vec::with_capacity(extra.len() + 2);
    v.push(VarBind::new(
        Oid::from_slice(&SYS_UPTIME_0),
        crate::Value::TimeTicks(uptime),
    ));
    v.push(VarBind::new(
        Oid::from_slice(&SNMP_TRAP_OID_0),
        crate::Value::ObjectIdentifier(trap_oid.clone()),
    ));
    v.extend_from_slice(extra);
    v
}

impl Client {
    /// Resolves `agent` with a given default port (162 for notifications).
    pub async fn connect_port(
        agent: &str,
        default_port: u16,
        security: Security,
        options: ClientOptions,
    ) -> Result<Client> {
        let addr = AgentAddr::parse(agent, default_port)?.resolve().await?;
        let transport = match options.local_addr {
            Some(local) => Transport::bound_to(local),
            None => Transport::new(),
        };
        Ok(Self::with_transport(
            transport,
            addr,
            agent.to_string(),
            security,
            options,
        ))
    }

    /// Sends an SNMPv2-Trap (v2c; v3 with USM) and does not wait for anything.
    pub async fn trap(&self, uptime: u32, trap_oid: &Oid, varbinds: &[VarBind]) -> Result<()> {
        let pdu = Pdu {
            pdu_type: PduType::TrapV2,
            request_id: self.inner.transport.next_id(),
            error_status: 0,
            error_index: 0,
            varbinds: notification_varbinds(uptime, trap_oid, varbinds),
        };
        match &self.inner.security {
            Security::Community {
                version: Version::V1,
                ..
            } => Err(Error::InvalidArgument(
                "an SNMPv2 trap cannot be sent on a v1 session; use trap_v1".into(),
            )),
            Security::Community { version, community } => {
                let msg = CommunityMessage {
                    version: *version,
                    community: community.clone(),
                    pdu: AnyPdu::Pdu(pdu),
                };
                self.inner
                    .transport
                    .send(self.inner.target, &msg.encode())
                    .await?;
                Ok(())
            }
            Security::Usm(v3) => self.trap_v3(v3, pdu).await,
        }
    }

    /// Sends an SNMPv1 Trap-PDU.
    pub async fn trap_v1(&self, trap: crate::codec::TrapV1) -> Result<()> {
        match &self.inner.security {
            Security::Community {
                version: Version::V1,
                community,
            } => {
                let msg = CommunityMessage {
                    version: Version::V1,
                    community: community.clone(),
                    pdu: AnyPdu::TrapV1(trap),
                };
                self.inner
                    .transport
                    .send(self.inner.target, &msg.encode())
                    .await?;
                Ok(())
            }
            _ => Err(Error::InvalidArgument(
                "a v1 Trap-PDU needs a v1 session".into(),
            )),
        }
    }

    /// Sends an InformRequest and waits for the receiver's acknowledgement (its Response).
    pub async fn inform(
        &self,
        uptime: u32,
        trap_oid: &Oid,
        varbinds: &[VarBind],
    ) -> Result<Vec<VarBind>> {
        if self.version() == Version::V1 {
            return Err(Error::InvalidArgument(
                "an InformRequest cannot be sent with SNMPv1".into(),
            ));
        }
        let pdu = Pdu {
            pdu_type: PduType::Inform,
            request_id: 0,
            error_status: 0,
            error_index: 0,
            varbinds: notification_varbinds(uptime, trap_oid, varbinds),
        };
        self.checked(pdu).await
    }

    /// The local address the socket uses to reach this agent (the v1 trap agent-addr default).
    pub fn local_ip_for_target(&self) -> Option<std::net::IpAddr> {
        let bind = if self.inner.target.is_ipv4() {
            "0.0.0.0:0"
        } else {
            "[::]:0"
        };
        let s = std::net::UdpSocket::bind(bind).ok()?;
        s.connect(self.inner.target).ok()?;
        s.local_addr().ok().map(|a| a.ip())
    }
}
