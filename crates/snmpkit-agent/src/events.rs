//! Events and notification sinks: a Set of ifAdminStatus to down(2) or up(1) becomes linkDown
//! or linkUp (IF-MIB) to every sink, sent with the client's trap, trap_v1 and inform calls.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use super::config::{Sink, SinkKind};
use super::Counters;
use snmpkit::codec::TrapV1;
use snmpkit::transport::TransportError;
use snmpkit::{Client, ClientOptions, Error, Oid, Security, Value, VarBind};

/// linkDown (IF-MIB, RFC 2863): snmpTraps.3.
pub const LINK_DOWN: [u32; 10] = [1, 3, 6, 1, 6, 3, 1, 1, 5, 3];
/// linkUp (IF-MIB, RFC 2863): snmpTraps.4.
pub const LINK_UP: [u32; 10] = [1, 3, 6, 1, 6, 3, 1, 1, 5, 4];
/// ifTable's entry: ifIndex .1, ifAdminStatus .7, ifOperStatus .8.
const IF_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 2, 2, 1];
/// The v1 enterprise when the recording has no sysObjectID: snmpTraps' parent as RFC 3584
/// §3.2 maps generic traps.
const SNMP_TRAPS: [u32; 9] = [1, 3, 6, 1, 6, 3, 1, 1, 5];
/// How many traps may be in flight at once; more are dropped and counted.
const MAX_PENDING: usize = 1024;

/// An interface went down or came up on a simulated device.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LinkEvent {
    /// The device (local address) whose interface changed.
    pub device: IpAddr,
    /// ifIndex.
    pub if_index: u32,
    /// up(1) (linkUp) or down(2) (linkDown).
    pub up: bool,
    /// The device's sysUpTime at the change.
    pub uptime: u32,
    /// The device's sysObjectID (the v1 trap's enterprise), if recorded.
    pub enterprise: Option<Oid>,
}

impl LinkEvent {
    /// linkDown or linkUp.
    pub fn trap_oid(&self) -> Oid {
        Oid::from_slice(if self.up { &LINK_UP } else { &LINK_DOWN })
    }

    /// ifIndex, ifAdminStatus and ifOperStatus of the interface, as the notification
    /// carries them.
    pub fn varbinds(&self) -> Vec<VarBind> {
        let status = Value::Integer(if self.up { 1 } else { 2 });
        let i = self.if_index;
        vec![
            VarBind::new(
                Oid::from_slice(&IF_ENTRY).child(&[1, i]),
                Value::Integer(i64::from(i)),
            ),
            VarBind::new(Oid::from_slice(&IF_ENTRY).child(&[7, i]), status.clone()),
            VarBind::new(Oid::from_slice(&IF_ENTRY).child(&[8, i]), status),
        ]
    }
}

/// Sends events to every sink from background tasks; bounded: at most [`MAX_PENDING`] traps
/// in flight and `max_pending_informs` informs waiting for their acknowledgement.
pub(crate) struct Notifier {
    clients: Vec<(SinkKind, Client)>,
    traps: Arc<tokio::sync::Semaphore>,
    informs: Arc<tokio::sync::Semaphore>,
    inform_timeout: Duration,
}

/// Each inform request waits `inform_timeout` and is resent this many times (net-snmp's
/// habit for one request); after that a new request starts, for as long as it takes.
const INFORM_RETRIES: u32 = 60;

impl Notifier {
    /// Resolves every sink. Unresolvable sinks are reported in the error.
    pub async fn new(
        sinks: &[Sink],
        inform_timeout: Duration,
        max_pending_informs: usize,
    ) -> Result<Notifier, String> {
        let mut clients = Vec::new();
        for s in sinks {
            let security = match s.kind {
                SinkKind::TrapV1 => Security::v1(&s.community),
                SinkKind::TrapV2 | SinkKind::Inform => Security::v2c(&s.community),
            };
            let mut options = ClientOptions::default();
            options.timeout = inform_timeout;
            options.retries = INFORM_RETRIES;
            let address = s.address();
            let c = Client::connect_port(&address, 162, security, options)
                .await
                .map_err(|e| format!("sink {address}: {e}"))?;
            clients.push((s.kind, c));
        }
        Ok(Notifier {
            clients,
            traps: Arc::new(tokio::sync::Semaphore::new(MAX_PENDING)),
            informs: Arc::new(tokio::sync::Semaphore::new(max_pending_informs)),
            inform_timeout,
        })
    }

    /// Sends `event` to every sink without waiting. Informs are resent in their own task
    /// until acknowledged; one that finds `max_pending_informs` already waiting is dropped
    /// and counted, as is a trap beyond [`MAX_PENDING`] in flight.
    pub fn send(&self, event: &LinkEvent, counters: &Arc<Counters>) {
        for (kind, client) in &self.clients {
            let slots = match kind {
                SinkKind::Inform => &self.informs,
                SinkKind::TrapV1 | SinkKind::TrapV2 => &self.traps,
            };
            let Ok(permit) = slots.clone().try_acquire_owned() else {
                Counters::bump(&counters.notifications_dropped);
                continue;
            };
            let (kind, client, event, counters) =
                (*kind, client.clone(), event.clone(), counters.clone());
            let pause = self.inform_timeout;
            tokio::spawn(async move {
                let ok = match kind {
                    SinkKind::TrapV1 => client.trap_v1(v1_trap(&event, &client)).await.is_ok(),
                    SinkKind::TrapV2 => client
                        .trap(event.uptime, &event.trap_oid(), &event.varbinds())
                        .await
                        .is_ok(),
                    SinkKind::Inform => {
                        inform_until_acknowledged(&client, &event, &counters, pause).await
                    }
                };
                Counters::bump(if ok {
                    &counters.notifications_sent
                } else {
                    &counters.notifications_failed
                });
                drop(permit);
            });
        }
    }
}

/// The SNMPv1 form of `event` (RFC 1157 generic linkDown/linkUp).
fn v1_trap(event: &LinkEvent, client: &Client) -> TrapV1 {
    let agent_addr = match event.device {
        IpAddr::V4(a) if !a.is_unspecified() => a.octets(),
        _ => client
            .local_ip_for_target()
            .and_then(|ip| match ip {
                IpAddr::V4(a) => Some(a.octets()),
                IpAddr::V6(_) => None,
            })
            .unwrap_or([0; 4]),
    };
    TrapV1 {
        enterprise: event
            .enterprise
            .clone()
            .unwrap_or_else(|| Oid::from_slice(&SNMP_TRAPS)),
        agent_addr,
        // RFC 1157: linkDown is generic-trap 2, linkUp 3.
        generic_trap: if event.up { 3 } else { 2 },
        specific_trap: 0,
        time_stamp: event.uptime,
        varbinds: event.varbinds(),
    }
}

/// Sends the inform until the sink acknowledges it: true when acknowledged, false when
/// resending cannot help (the sink answered with an error, the message cannot be sent, the
/// client stopped). No answer and socket errors mean another try, after `pause` when the
/// failure was immediate. Counted in
/// `informs_unacknowledged` meanwhile.
async fn inform_until_acknowledged(
    client: &Client,
    event: &LinkEvent,
    counters: &Counters,
    pause: Duration,
) -> bool {
    counters
        .informs_unacknowledged
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let ok = loop {
        match client
            .inform(event.uptime, &event.trap_oid(), &event.varbinds())
            .await
        {
            Ok(_) => break true,
            Err(Error::Timeout(_)) => {}
            Err(Error::Transport(TransportError::Io(_) | TransportError::KeyInUse(_))) => {
                tokio::time::sleep(pause).await
            }
            Err(_) => break false,
        }
    };
    counters
        .informs_unacknowledged
        .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    ok
}
