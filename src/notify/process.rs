//! Sans-I/O handling of one datagram: decode, authorise, build the inform acknowledgement, and
//! recognise retransmitted informs. No socket and no clock: the caller passes both times in.

use super::notification::{
    v1_trap_oid, Notification, NotificationKind, Sender, TrapV1Fields, SNMP_TRAP_OID_0,
    SYS_UPTIME_0,
};
use super::stats::DropReason;
use super::v3::{V3Config, V3Outcome, V3State};
use crate::codec::{decode_message, AnyPdu, CommunityMessage, Message, Pdu, PduType, Version};
use crate::{Value, VarBind};
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// How long a retransmitted inform is recognised after its first copy. net-snmp's default
/// (timeout 1 s, 5 retries) retransmits within about 6 s; a minute leaves room for slow senders.
pub(crate) const INFORM_WINDOW: Duration = Duration::from_secs(60);
/// How many informs are remembered for duplicate detection (bounds memory under floods).
pub(crate) const INFORM_CACHE_CAPACITY: usize = 8192;

/// What to do with one datagram.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Hand the notification to the consumer, and send `reply` (an inform's Response) first;
    /// unless `held` is set (deferred acknowledgements), when the consumer sends `reply` later
    /// through an [`super::InformAck`] that shares `held`.
    Deliver {
        notification: Box<Notification>,
        reply: Option<Vec<u8>>,
        held: Option<Arc<AckState>>,
    },
    /// A retransmitted inform: acknowledge it again (when `reply` is set), deliver nothing.
    /// `reply` is `None` while the first copy's deferred acknowledgement is still pending.
    Duplicate { reply: Option<Vec<u8>> },
    /// An SNMPv3 discovery probe: send the Report.
    Discovery { reply: Vec<u8> },
    /// Drop it, counting `reason`; `detail` is for the verbose log; `reply` is an SNMPv3
    /// Report for a reportable message.
    Drop {
        reason: DropReason,
        detail: String,
        reply: Option<Vec<u8>>,
    },
}

fn drop(reason: DropReason, detail: impl Into<String>) -> Outcome {
    Outcome::Drop {
        reason,
        detail: detail.into(),
        reply: None,
    }
}

/// Where a deferred inform acknowledgement stands, shared by the receiver's duplicate cache
/// and the [`super::InformAck`] handed to the consumer.
#[derive(Debug, Default)]
pub(crate) struct AckState(AtomicU8);

impl AckState {
    const PENDING: u8 = 0;
    const ACKED: u8 = 1;
    const ABANDONED: u8 = 2;

    pub fn set_acked(&self) {
        self.0.store(Self::ACKED, Ordering::Release);
    }

    pub fn set_abandoned(&self) {
        self.0.store(Self::ABANDONED, Ordering::Release);
    }

    fn get(&self) -> u8 {
        self.0.load(Ordering::Acquire)
    }
}

/// Decides what to do with each datagram. One per socket task, so it needs no locking.
pub(crate) struct Processor {
    communities: Vec<Vec<u8>>,
    informs: InformCache,
    v3: Option<(Arc<V3Config>, V3State)>,
    defer_acks: bool,
}

impl Processor {
    /// `communities`: the allow-list; empty accepts every community. `v3`: the SNMPv3 users
    /// and engine, if any.
    pub fn new(communities: Vec<Vec<u8>>, v3: Option<Arc<V3Config>>) -> Self {
        Processor {
            communities,
            informs: InformCache::new(INFORM_WINDOW, INFORM_CACHE_CAPACITY),
            v3: v3.map(|c| (c, V3State::new())),
            defer_acks: false,
        }
    }

    /// Holds inform acknowledgements back for the consumer to send (see
    /// `ReceiverConfig::defer_inform_acks`).
    pub fn defer_acks(mut self, on: bool) -> Self {
        self.defer_acks = on;
        self
    }

    /// Looks an inform up in the duplicate cache. `Err` is the outcome for a retransmission;
    /// `Ok` means deliver it, with the shared state when its acknowledgement is deferred.
    fn inform_seen(
        &mut self,
        source: SocketAddr,
        request_id: i32,
        digest: u64,
        reply: &[u8],
        now: Instant,
    ) -> Result<Option<Arc<AckState>>, Outcome> {
        let held = self.defer_acks.then(|| Arc::new(AckState::default()));
        match self
            .informs
            .seen(source, request_id, digest, held.clone(), now)
        {
            Seen::New => Ok(held),
            Seen::Again(None) => Err(Outcome::Duplicate {
                reply: Some(reply.to_vec()),
            }),
            Seen::Again(Some(state)) => match state.get() {
                AckState::ACKED => Err(Outcome::Duplicate {
                    reply: Some(reply.to_vec()),
                }),
                AckState::PENDING => Err(Outcome::Duplicate { reply: None }),
                // The consumer gave the first copy up (its sink failed): this retransmission
                // is delivered as if new, with a fresh acknowledgement to hold.
                _ => {
                    let fresh = Arc::new(AckState::default());
                    self.informs
                        .replace(source, request_id, digest, Some(fresh.clone()), now);
                    Ok(Some(fresh))
                }
            },
        }
    }

    /// Handles one datagram from `source`, read on `local` at `received_at` (`now` is the
    /// monotonic time of the same moment, for the duplicate window).
    pub fn handle(
        &mut self,
        datagram: &[u8],
        source: SocketAddr,
        local: SocketAddr,
        received_at: SystemTime,
        now: Instant,
    ) -> Outcome {
        let msg = match decode_message(datagram) {
            Ok(m) => m,
            Err(e) => return drop(DropReason::Malformed, e.to_string()),
        };
        let cm = match msg {
            Message::Community(cm) => cm,
            Message::V3(d) => return self.handle_v3(datagram, d, source, local, received_at, now),
        };
        let CommunityMessage {
            version,
            community,
            pdu,
        } = cm;
        let kind = match (&pdu, version) {
            (AnyPdu::TrapV1(_), Version::V1) => NotificationKind::TrapV1,
            (AnyPdu::Pdu(p), Version::V2c) if p.pdu_type == PduType::TrapV2 => {
                NotificationKind::TrapV2
            }
            (AnyPdu::Pdu(p), Version::V2c) if p.pdu_type == PduType::Inform => {
                NotificationKind::Inform
            }
            (AnyPdu::Pdu(p), Version::V1)
                if matches!(p.pdu_type, PduType::TrapV2 | PduType::Inform) =>
            {
                return drop(
                    DropReason::WrongPduForVersion,
                    format!("{} in an SNMPv1 message", p.pdu_type.name()),
                )
            }
            (p, _) => {
                return drop(
                    DropReason::NotNotification,
                    format!("{} is not a notification", p.pdu_type().name()),
                )
            }
        };
        if !self.communities.is_empty() && !self.communities.contains(&community) {
            return drop(
                DropReason::BadCommunity,
                format!("community {:?}", String::from_utf8_lossy(&community)),
            );
        }
        match pdu {
            AnyPdu::TrapV1(t) => {
                let trap_oid = v1_trap_oid(&t.enterprise, t.generic_trap, t.specific_trap);
                Outcome::Deliver {
                    notification: Box::new(Notification {
                        received_at,
                        source,
                        local,
                        version,
                        kind,
                        sender: Sender::Community(community),
                        request_id: 0,
                        trap_oid,
                        uptime: Some(t.time_stamp),
                        v1: Some(TrapV1Fields {
                            enterprise: t.enterprise,
                            agent_addr: Ipv4Addr::from(t.agent_addr),
                            generic_trap: t.generic_trap,
                            specific_trap: t.specific_trap,
                            time_stamp: t.time_stamp,
                        }),
                        varbinds: t.varbinds,
                    }),
                    reply: None,
                    held: None,
                }
            }
            AnyPdu::Pdu(p) => {
                let sender = Sender::Community(community);
                let request_id = p.request_id;
                let (varbinds, reply, held) = if kind == NotificationKind::Inform {
                    let digest = content_digest(version, &sender, &p.varbinds);
                    let (varbinds, reply) = acknowledge(version, &sender, p);
                    match self.inform_seen(source, request_id, digest, &reply, now) {
                        Ok(held) => (varbinds, Some(reply), held),
                        Err(dup) => return dup,
                    }
                } else {
                    (p.varbinds, None, None)
                };
                Outcome::Deliver {
                    notification: Box::new(Notification {
                        received_at,
                        source,
                        local,
                        version,
                        kind,
                        sender,
                        request_id,
                        trap_oid: v2_trap_oid(&varbinds),
                        uptime: v2_uptime(&varbinds),
                        v1: None,
                        varbinds,
                    }),
                    reply,
                    held,
                }
            }
        }
    }
}

impl Processor {
    fn handle_v3(
        &mut self,
        datagram: &[u8],
        decoded: crate::codec::DecodedV3,
        source: SocketAddr,
        local: SocketAddr,
        received_at: SystemTime,
        now: Instant,
    ) -> Outcome {
        let Some((cfg, state)) = &mut self.v3 else {
            return drop(DropReason::V3NotConfigured, "SNMPv3 message");
        };
        let (sender, pdu, reply) = match state.handle(cfg, datagram, decoded, now) {
            V3Outcome::Accept { sender, pdu, reply } => (sender, pdu, reply),
            V3Outcome::Discovery { reply } => return Outcome::Discovery { reply },
            V3Outcome::Drop {
                reason,
                detail,
                reply,
            } => {
                return Outcome::Drop {
                    reason,
                    detail,
                    reply,
                }
            }
        };
        let kind = if pdu.pdu_type == PduType::Inform {
            NotificationKind::Inform
        } else {
            NotificationKind::TrapV2
        };
        let mut held = None;
        if let (NotificationKind::Inform, Some(r)) = (kind, &reply) {
            let digest = content_digest(Version::V3, &sender, &pdu.varbinds);
            match self.inform_seen(source, pdu.request_id, digest, r, now) {
                Ok(h) => held = h,
                Err(dup) => return dup,
            }
        }
        Outcome::Deliver {
            notification: Box::new(Notification {
                received_at,
                source,
                local,
                version: Version::V3,
                kind,
                sender,
                request_id: pdu.request_id,
                trap_oid: v2_trap_oid(&pdu.varbinds),
                uptime: v2_uptime(&pdu.varbinds),
                v1: None,
                varbinds: pdu.varbinds,
            }),
            reply,
            held,
        }
    }
}

/// Builds the Response to an inform (RFC 3416 §4.2.7: same request-id, error-status and
/// error-index 0, the same variable bindings) and gives the bindings back.
fn acknowledge(version: Version, sender: &Sender, mut p: Pdu) -> (Vec<VarBind>, Vec<u8>) {
    let community = match sender {
        Sender::Community(c) => c.clone(),
        Sender::Usm { .. } => Vec::new(),
    };
    p.pdu_type = PduType::Response;
    p.error_status = 0;
    p.error_index = 0;
    let msg = CommunityMessage {
        version,
        community,
        pdu: AnyPdu::Pdu(p),
    };
    let bytes = msg.encode();
    let varbinds = match msg.pdu {
        AnyPdu::Pdu(p) => p.varbinds,
        AnyPdu::TrapV1(t) => t.varbinds,
    };
    (varbinds, bytes)
}

fn content_digest(version: Version, sender: &Sender, varbinds: &[VarBind]) -> u64 {
    let mut h = DefaultHasher::new();
    version.hash(&mut h);
    sender.hash(&mut h);
    varbinds.hash(&mut h);
    h.finish()
}

/// sysUpTime.0, expected first (RFC 3416 §4.2.6) but looked for anywhere.
fn v2_uptime(vbs: &[VarBind]) -> Option<u32> {
    vbs.iter().find_map(|vb| match &vb.value {
        Value::TimeTicks(t) if vb.oid.arcs() == SYS_UPTIME_0 => Some(*t),
        _ => None,
    })
}

/// snmpTrapOID.0, expected second but looked for anywhere.
fn v2_trap_oid(vbs: &[VarBind]) -> Option<crate::Oid> {
    vbs.iter().find_map(|vb| match &vb.value {
        Value::ObjectIdentifier(o) if vb.oid.arcs() == SNMP_TRAP_OID_0 => Some(o.clone()),
        _ => None,
    })
}

/// What [`InformCache::seen`] found.
enum Seen {
    /// Not seen within the window (now remembered).
    New,
    /// A retransmission; with the deferred acknowledgement's state if there is one.
    Again(Option<Arc<AckState>>),
}

/// One remembered inform: content digest, first seen, insertion number, deferred ack state.
type InformEntry = (u64, Instant, u64, Option<Arc<AckState>>);

/// Recently seen informs, keyed by source and request-id, bounded in size and age.
struct InformCache {
    map: HashMap<(SocketAddr, i32), InformEntry>,
    order: VecDeque<((SocketAddr, i32), Instant, u64)>,
    window: Duration,
    capacity: usize,
    seq: u64,
}

impl InformCache {
    fn new(window: Duration, capacity: usize) -> Self {
        InformCache {
            map: HashMap::new(),
            order: VecDeque::new(),
            window,
            capacity: capacity.max(1),
            seq: 0,
        }
    }

    /// Whether the same inform (same source, request-id and content) was seen within the
    /// window; a new one is remembered, with `held` as its deferred acknowledgement state.
    fn seen(
        &mut self,
        source: SocketAddr,
        request_id: i32,
        digest: u64,
        held: Option<Arc<AckState>>,
        now: Instant,
    ) -> Seen {
        while let Some((_, t, _)) = self.order.front() {
            if now.saturating_duration_since(*t) <= self.window && self.order.len() < self.capacity
            {
                break;
            }
            self.pop_oldest();
        }
        let key = (source, request_id);
        if let Some((d, t, _, state)) = self.map.get(&key) {
            if *d == digest && now.saturating_duration_since(*t) <= self.window {
                return Seen::Again(state.clone());
            }
        }
        self.replace(source, request_id, digest, held, now);
        Seen::New
    }

    /// Remembers an inform, replacing any earlier entry for its source and request-id.
    fn replace(
        &mut self,
        source: SocketAddr,
        request_id: i32,
        digest: u64,
        held: Option<Arc<AckState>>,
        now: Instant,
    ) {
        let key = (source, request_id);
        self.seq = self.seq.wrapping_add(1);
        self.map.insert(key, (digest, now, self.seq, held));
        self.order.push_back((key, now, self.seq));
    }

    fn pop_oldest(&mut self) {
        if let Some((key, _, seq)) = self.order.pop_front() {
            // The key may have been replaced by a newer inform since; keep that one.
            if self.map.get(&key).is_some_and(|(_, _, s, _)| *s == seq) {
                self.map.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::TrapV1;
    use crate::Oid;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    fn src() -> SocketAddr {
        "127.0.0.1:40000".parse().unwrap()
    }

    fn v2(pdu_type: PduType, request_id: i32, community: &str, extra: Vec<VarBind>) -> Vec<u8> {
        let mut varbinds = vec![
            VarBind::new(oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(1234)),
            VarBind::new(
                oid("1.3.6.1.6.3.1.1.4.1.0"),
                Value::ObjectIdentifier(oid("1.3.6.1.6.3.1.1.5.3")),
            ),
        ];
        varbinds.extend(extra);
        CommunityMessage {
            version: Version::V2c,
            community: community.as_bytes().to_vec(),
            pdu: AnyPdu::Pdu(Pdu {
                pdu_type,
                request_id,
                error_status: 0,
                error_index: 0,
                varbinds,
            }),
        }
        .encode()
    }

    fn run(p: &mut Processor, bytes: &[u8], now: Instant) -> Outcome {
        p.handle(bytes, src(), src(), SystemTime::UNIX_EPOCH, now)
    }

    #[test]
    fn v2c_trap_fields() {
        let mut p = Processor::new(vec![], None);
        let ifindex = VarBind::new(oid("1.3.6.1.2.1.2.2.1.1.2"), Value::Integer(2));
        let bytes = v2(PduType::TrapV2, 77, "public", vec![ifindex.clone()]);
        let Outcome::Deliver {
            notification: n,
            reply: None,
            ..
        } = run(&mut p, &bytes, Instant::now())
        else {
            panic!("not delivered")
        };
        assert_eq!(n.kind, NotificationKind::TrapV2);
        assert_eq!(n.version, Version::V2c);
        assert_eq!(n.community(), Some(&b"public"[..]));
        assert_eq!(n.request_id, 77);
        assert_eq!(n.uptime, Some(1234));
        assert_eq!(n.trap_oid, Some(oid("1.3.6.1.6.3.1.1.5.3")));
        assert_eq!(n.varbinds.len(), 3);
        assert_eq!(n.payload(), &[ifindex][..]);
        assert!(n.v1.is_none());
    }

    #[test]
    fn v1_trap_fields_and_no_varbinds() {
        let msg = CommunityMessage {
            version: Version::V1,
            community: b"public".to_vec(),
            pdu: AnyPdu::TrapV1(TrapV1 {
                enterprise: oid("1.3.6.1.4.1.8072"),
                agent_addr: [192, 0, 2, 1],
                generic_trap: 6,
                specific_trap: 17,
                time_stamp: 99,
                varbinds: vec![],
            }),
        };
        let mut p = Processor::new(vec![b"public".to_vec()], None);
        let Outcome::Deliver {
            notification: n, ..
        } = run(&mut p, &msg.encode(), Instant::now())
        else {
            panic!("not delivered")
        };
        assert_eq!(n.kind, NotificationKind::TrapV1);
        assert_eq!(n.trap_oid, Some(oid("1.3.6.1.4.1.8072.0.17")));
        assert_eq!(n.uptime, Some(99));
        let v1 = n.v1.as_ref().unwrap();
        assert_eq!(v1.agent_addr, Ipv4Addr::new(192, 0, 2, 1));
        assert_eq!(
            (v1.generic_trap, v1.specific_trap, v1.time_stamp),
            (6, 17, 99)
        );
        assert!(n.varbinds.is_empty());
    }

    #[test]
    fn inform_is_acknowledged_with_same_id_and_varbinds() {
        let mut p = Processor::new(vec![], None);
        let extra = vec![VarBind::new(
            oid("1.3.6.1.2.1.1.5.0"),
            Value::OctetString(b"r1".to_vec()),
        )];
        let bytes = v2(PduType::Inform, 4242, "public", extra);
        let Outcome::Deliver {
            notification: n,
            reply: Some(reply),
            held: None,
        } = run(&mut p, &bytes, Instant::now())
        else {
            panic!("no reply")
        };
        let Message::Community(r) = decode_message(&reply).unwrap() else {
            panic!("v3 reply")
        };
        assert_eq!(r.version, Version::V2c);
        assert_eq!(r.community, b"public");
        let AnyPdu::Pdu(rp) = r.pdu else {
            panic!("v1 trap reply")
        };
        assert_eq!(rp.pdu_type, PduType::Response);
        assert_eq!(rp.request_id, 4242);
        assert_eq!((rp.error_status, rp.error_index), (0, 0));
        assert_eq!(rp.varbinds, n.varbinds);
        assert_eq!(n.kind, NotificationKind::Inform);
    }

    #[test]
    fn retransmitted_inform_is_acknowledged_but_reported_once() {
        let mut p = Processor::new(vec![], None);
        let t0 = Instant::now();
        let a = v2(PduType::Inform, 1, "public", vec![]);
        assert!(matches!(run(&mut p, &a, t0), Outcome::Deliver { .. }));
        assert!(matches!(
            run(&mut p, &a, t0 + Duration::from_secs(1)),
            Outcome::Duplicate { .. }
        ));
        // Same id, other content: a new inform.
        let b = v2(
            PduType::Inform,
            1,
            "public",
            vec![VarBind::new(oid("1.3.6.1.2.1.1.5.0"), Value::Integer(1))],
        );
        assert!(matches!(
            run(&mut p, &b, t0 + Duration::from_secs(2)),
            Outcome::Deliver { .. }
        ));
        // Long after the window: reported again.
        assert!(matches!(
            run(&mut p, &b, t0 + INFORM_WINDOW + Duration::from_secs(10)),
            Outcome::Deliver { .. }
        ));
        // Traps are never deduplicated.
        let t = v2(PduType::TrapV2, 5, "public", vec![]);
        assert!(matches!(run(&mut p, &t, t0), Outcome::Deliver { .. }));
        assert!(matches!(run(&mut p, &t, t0), Outcome::Deliver { .. }));
    }

    #[test]
    fn deferred_inform_is_acknowledged_again_only_once_confirmed() {
        let mut p = Processor::new(vec![], None).defer_acks(true);
        let t0 = Instant::now();
        let a = v2(PduType::Inform, 1, "public", vec![]);
        let Outcome::Deliver {
            reply: Some(_),
            held: Some(first),
            ..
        } = run(&mut p, &a, t0)
        else {
            panic!("not held")
        };
        // While the consumer has not confirmed, a retransmission gets no reply.
        assert!(matches!(
            run(&mut p, &a, t0),
            Outcome::Duplicate { reply: None }
        ));
        // Given up (its sink failed): the retransmission is delivered again, held again.
        first.set_abandoned();
        let Outcome::Deliver {
            held: Some(second), ..
        } = run(&mut p, &a, t0)
        else {
            panic!("not delivered again")
        };
        assert!(matches!(
            run(&mut p, &a, t0),
            Outcome::Duplicate { reply: None }
        ));
        // Confirmed: retransmissions are acknowledged again, never delivered again.
        second.set_acked();
        assert!(matches!(
            run(&mut p, &a, t0),
            Outcome::Duplicate { reply: Some(_) }
        ));
        // Traps carry nothing to hold.
        let t = v2(PduType::TrapV2, 5, "public", vec![]);
        assert!(matches!(
            run(&mut p, &t, t0),
            Outcome::Deliver { held: None, .. }
        ));
    }

    #[test]
    fn inform_cache_is_bounded() {
        let mut c = InformCache::new(Duration::from_secs(60), 100);
        let now = Instant::now();
        for id in 0..10_000 {
            assert!(matches!(c.seen(src(), id, 7, None, now), Seen::New));
            assert!(c.map.len() <= 100 && c.order.len() <= 100);
        }
        assert!(matches!(c.seen(src(), 9_999, 7, None, now), Seen::Again(_)));
        assert!(
            matches!(c.seen(src(), 0, 7, None, now), Seen::New),
            "oldest entries are evicted"
        );
        // Replacing one key over and over does not grow memory either.
        for d in 0..1000 {
            c.seen(src(), 5, d, None, now);
        }
        assert!(c.map.len() <= 100 && c.order.len() <= 100);
    }

    #[test]
    fn drops_by_reason() {
        let get = CommunityMessage {
            version: Version::V2c,
            community: b"public".to_vec(),
            pdu: AnyPdu::Pdu(Pdu::request(PduType::Get, 1, &[oid("1.3.6.1.2.1.1.1.0")])),
        }
        .encode();
        let mut v1_inform = v2(PduType::Inform, 1, "public", vec![]);
        v1_inform[4] = 0; // version 1 -> 0 (SEQUENCE 30 len, INTEGER 02 01 vv)
        let cases: &[(&[u8], DropReason)] = &[
            (b"", DropReason::Malformed),
            (
                b"\x30\x84\xff\xff\xff\xff\x02\x01\x01",
                DropReason::Malformed,
            ),
            (&get, DropReason::NotNotification),
            (&v1_inform, DropReason::WrongPduForVersion),
        ];
        let mut p = Processor::new(vec![], None);
        for (bytes, want) in cases {
            match run(&mut p, bytes, Instant::now()) {
                Outcome::Drop { reason, .. } => assert_eq!(reason, *want, "{bytes:02x?}"),
                o => panic!("{bytes:02x?}: {o:?}"),
            }
        }
        let mut p = Processor::new(vec![b"secret".to_vec()], None);
        let t = v2(PduType::TrapV2, 1, "public", vec![]);
        assert!(matches!(
            run(&mut p, &t, Instant::now()),
            Outcome::Drop {
                reason: DropReason::BadCommunity,
                ..
            }
        ));
        let t = v2(PduType::TrapV2, 1, "secret", vec![]);
        assert!(matches!(
            run(&mut p, &t, Instant::now()),
            Outcome::Deliver { .. }
        ));
    }

    #[test]
    fn truncations_never_panic() {
        let full = v2(
            PduType::Inform,
            9,
            "public",
            vec![VarBind::new(
                oid("1.3.6.1.2.1.1.5.0"),
                Value::OctetString(vec![0; 40]),
            )],
        );
        let mut p = Processor::new(vec![], None);
        for n in 0..full.len() {
            assert!(matches!(
                run(&mut p, &full[..n], Instant::now()),
                Outcome::Drop {
                    reason: DropReason::Malformed,
                    ..
                }
            ));
        }
    }
}
