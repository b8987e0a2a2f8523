//! The decoded form of a received notification.

use crate::codec::Version;
use crate::{Oid, VarBind};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::SystemTime;

pub use crate::{SNMP_TRAP_OID_0, SYS_UPTIME_0};
/// snmpTraps (RFC 3418): the generic traps' OIDs are `snmpTraps.(generic-trap + 1)`.
pub const SNMP_TRAPS: [u32; 10] = [1, 3, 6, 1, 6, 3, 1, 1, 5, 0];

/// Which notification PDU arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NotificationKind {
    /// An SNMPv1 Trap-PDU (RFC 1157 §4.1.6).
    TrapV1,
    /// An SNMPv2-Trap-PDU (RFC 3416 §4.2.6).
    TrapV2,
    /// An InformRequest-PDU (RFC 3416 §4.2.7); the receiver has already acknowledged it.
    Inform,
}

impl NotificationKind {
    /// `TrapV1`, `TrapV2` or `Inform`, as written in text and JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::TrapV1 => "TrapV1",
            NotificationKind::TrapV2 => "TrapV2",
            NotificationKind::Inform => "Inform",
        }
    }
}

/// Who sent the notification, as far as its security says.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Sender {
    /// v1 or v2c: the community.
    Community(Vec<u8>),
    /// v3 (USM): the user, the context and the authoritative engine ID.
    Usm {
        /// msgUserName.
        user: Vec<u8>,
        /// contextName.
        context_name: Vec<u8>,
        /// contextEngineID.
        context_engine_id: Vec<u8>,
        /// msgAuthoritativeEngineID: the sender's engine for traps, the receiver's for informs.
        engine_id: Vec<u8>,
        /// The message's security level.
        security_level: crate::usm::SecurityLevel,
    },
}

/// The fields only an SNMPv1 Trap-PDU has (RFC 1157 §4.1.6).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TrapV1Fields {
    /// enterprise: the sending entity's sysObjectID or the trap's enterprise.
    pub enterprise: Oid,
    /// agent-addr.
    pub agent_addr: Ipv4Addr,
    /// generic-trap (0 coldStart, 1 warmStart, 2 linkDown, 3 linkUp, 4 authenticationFailure,
    /// 5 egpNeighborLoss, 6 enterpriseSpecific).
    pub generic_trap: i32,
    /// specific-trap.
    pub specific_trap: i32,
    /// time-stamp: the agent's sysUpTime when the trap was made.
    pub time_stamp: u32,
}

/// One received notification, decoded and authorised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    /// When the datagram was read from the socket.
    pub received_at: SystemTime,
    /// The sender's address and port.
    pub source: SocketAddr,
    /// The local address of the socket it arrived on.
    pub local: SocketAddr,
    /// The message version.
    pub version: Version,
    /// Which PDU it was.
    pub kind: NotificationKind,
    /// The community or USM identity.
    pub sender: Sender,
    /// request-id (0 for v1 traps, which have none).
    pub request_id: i32,
    /// The notification's OID: snmpTrapOID.0 for SNMPv2 PDUs, and for v1 traps the RFC 3584
    /// §3.1 translation. `None` when a v2 PDU lacks snmpTrapOID.0 or a v1 trap has an
    /// out-of-range generic-trap.
    pub trap_oid: Option<Oid>,
    /// The sender's sysUpTime in hundredths of a second: sysUpTime.0 for SNMPv2 PDUs, the
    /// time-stamp for v1 traps. `None` when a v2 PDU lacks sysUpTime.0.
    pub uptime: Option<u32>,
    /// The v1-only fields, for v1 traps.
    pub v1: Option<TrapV1Fields>,
    /// The variable bindings, exactly as received (for SNMPv2 PDUs this includes sysUpTime.0
    /// and snmpTrapOID.0).
    pub varbinds: Vec<VarBind>,
}

impl Notification {
    /// The community, for v1 and v2c notifications.
    pub fn community(&self) -> Option<&[u8]> {
        match &self.sender {
            Sender::Community(c) => Some(c),
            Sender::Usm { .. } => None,
        }
    }

    /// The varbinds after sysUpTime.0 and snmpTrapOID.0 (for v1 traps, all of them).
    pub fn payload(&self) -> &[VarBind] {
        let skip = self
            .varbinds
            .iter()
            .take(2)
            .take_while(|vb| vb.oid.arcs() == SYS_UPTIME_0 || vb.oid.arcs() == SNMP_TRAP_OID_0)
            .count();
        self.varbinds.get(skip..).unwrap_or(&[])
    }
}

/// The RFC 3584 §3.1 (3) translation of a v1 trap's identity to snmpTrapOID.0: for generic
/// traps 0..=5, `snmpTraps.(generic-trap + 1)`; for enterpriseSpecific (6),
/// `enterprise.0.specific-trap`. Other values have no translation.
pub fn v1_trap_oid(enterprise: &Oid, generic_trap: i32, specific_trap: i32) -> Option<Oid> {
    match generic_trap {
        0..=5 => {
            let mut o = Oid::from_slice(&SNMP_TRAPS[..9]);
            o.push(generic_trap as u32 + 1);
            Some(o)
        }
        6 => {
            let specific = u32::try_from(specific_trap).ok()?;
            let mut o = enterprise.clone();
            o.push(0);
            o.push(specific);
            Some(o)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3584_translation() {
        let ent: Oid = "1.3.6.1.4.1.8072".parse().unwrap();
        let cases: &[(i32, i32, Option<&str>)] = &[
            (0, 0, Some("1.3.6.1.6.3.1.1.5.1")),
            (1, 0, Some("1.3.6.1.6.3.1.1.5.2")),
            (2, 0, Some("1.3.6.1.6.3.1.1.5.3")),
            (3, 9, Some("1.3.6.1.6.3.1.1.5.4")),
            (4, 0, Some("1.3.6.1.6.3.1.1.5.5")),
            (5, 0, Some("1.3.6.1.6.3.1.1.5.6")),
            (6, 17, Some("1.3.6.1.4.1.8072.0.17")),
            (6, 0, Some("1.3.6.1.4.1.8072.0.0")),
            (6, -1, None),
            (7, 0, None),
            (-1, 0, None),
        ];
        for (g, s, want) in cases {
            let got = v1_trap_oid(&ent, *g, *s).map(|o| o.to_string());
            assert_eq!(got.as_deref(), *want, "generic {g} specific {s}");
        }
    }
}
