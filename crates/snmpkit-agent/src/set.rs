//! Set (RFC 3416 §4.2.5): every binding is checked first (access, existence, type, length,
//! value, as snmpd checks them), then all are applied together or none is.

use std::net::IpAddr;
use std::time::Instant;

use super::config::Access;
use super::events::LinkEvent;
use super::responder::{status, Agent, State};
use snmpkit::codec::Version;
use snmpkit::mib::{BaseType, NodeKind};
use snmpkit::{Oid, Value, VarBind};

/// ifTable's entry (IF-MIB): ifIndex .1, ifAdminStatus .7, ifOperStatus .8.
const IF_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 2, 2, 1];
/// sysObjectID.0: the v1 trap's enterprise.
const SYS_OBJECT_ID_0: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 2, 0];

impl Agent {
    /// Checks and applies a Set for the device at `local`; returns error-status, error-index
    /// and the interface events it caused.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn set(
        &self,
        st: &mut State,
        local: IpAddr,
        sid: usize,
        version: Version,
        access: &Access,
        varbinds: &[VarBind],
        now: Instant,
    ) -> (i32, i32, Vec<LinkEvent>) {
        let v1 = version == Version::V1;
        let fail = |s: i32, i: usize| (if v1 { v1_status(s) } else { s }, i as i32 + 1, Vec::new());
        if !access.write {
            return fail(status::NO_ACCESS, 0);
        }
        let Some(store) = self.stores.get(sid) else {
            return (status::GEN_ERR, 0, Vec::new());
        };
        for (i, vb) in varbinds.iter().enumerate() {
            if access
                .subtree
                .as_ref()
                .is_some_and(|t| !vb.oid.starts_with(t))
            {
                return fail(status::NO_ACCESS, i);
            }
            if self.fixed.contains(&vb.oid) {
                return fail(status::NOT_WRITABLE, i);
            }
            if let Err(s) = self.check(store.get(&vb.oid), &vb.oid, &vb.value) {
                return fail(s, i);
            }
        }
        let dev = st.devices.get(local, now);
        let mut events = Vec::new();
        for vb in varbinds {
            let arcs = vb.oid.arcs();
            if let ([.., 7, n], true, Value::Integer(admin @ (1 | 2))) = (
                arcs,
                arcs.len() == IF_ENTRY.len() + 2 && arcs.starts_with(&IF_ENTRY),
                &vb.value,
            ) {
                let oper_oid = Oid::from_slice(&IF_ENTRY).child(&[8, *n]);
                let current = |o: &Oid| {
                    dev.overlay
                        .get(&(sid, o.clone()))
                        .or_else(|| store.get(o))
                        .cloned()
                };
                let old_admin = current(&vb.oid);
                let old_oper = current(&oper_oid);
                let new = Value::Integer(*admin);
                if old_oper.is_some() {
                    dev.overlay.insert((sid, oper_oid), new.clone());
                }
                if old_admin.as_ref() != Some(&new) || old_oper.is_some_and(|o| o != new) {
                    let uptime = match store.get(&Oid::from_slice(&super::store::SYS_UPTIME_0)) {
                        Some(Value::TimeTicks(t)) => {
                            t.wrapping_add((dev.elapsed_ms(now) / 10) as u32)
                        }
                        _ => (dev.elapsed_ms(now) / 10) as u32,
                    };
                    let enterprise = match store.get(&Oid::from_slice(&SYS_OBJECT_ID_0)) {
                        Some(Value::ObjectIdentifier(o)) => Some(o.clone()),
                        _ => None,
                    };
                    events.push(LinkEvent {
                        device: local,
                        if_index: *n,
                        up: *admin == 1,
                        uptime,
                        enterprise,
                    });
                }
            }
            dev.overlay.insert((sid, vb.oid.clone()), vb.value.clone());
        }
        (0, 0, events)
    }

    /// One binding's check, in snmpd's order: writable object, existing instance, type,
    /// length, value.
    fn check(&self, stored: Option<&Value>, oid: &Oid, value: &Value) -> Result<(), i32> {
        let node = self
            .mib
            .lookup(oid)
            .filter(|n| matches!(n.kind(), NodeKind::Scalar | NodeKind::Column));
        let Some(node) = node else {
            // Not an object the MIB knows: recorded instances keep their recorded type.
            return match stored {
                None => Err(status::NOT_WRITABLE),
                Some(s) if std::mem::discriminant(s) != std::mem::discriminant(value) => {
                    Err(status::WRONG_TYPE)
                }
                Some(_) => Ok(()),
            };
        };
        if !matches!(node.access(), "read-write" | "read-create" | "write-only") {
            return Err(status::NOT_WRITABLE);
        }
        if stored.is_none() || node.suffix().is_empty() {
            return Err(status::NO_CREATION);
        }
        let Some(syntax) = node.syntax() else {
            return Ok(());
        };
        let type_ok = match syntax.base {
            BaseType::Integer32 => matches!(value, Value::Integer(_)),
            BaseType::Unsigned32 | BaseType::Gauge32 => matches!(value, Value::Gauge32(_)),
            BaseType::Counter32 => matches!(value, Value::Counter32(_)),
            BaseType::Counter64 => matches!(value, Value::Counter64(_)),
            BaseType::TimeTicks => matches!(value, Value::TimeTicks(_)),
            BaseType::IpAddress => matches!(value, Value::IpAddress(_)),
            BaseType::OctetString | BaseType::Bits => matches!(value, Value::OctetString(_)),
            BaseType::ObjectIdentifier => matches!(value, Value::ObjectIdentifier(_)),
            BaseType::Opaque => matches!(value, Value::Opaque(_)),
            _ => stored.is_none_or(|s| std::mem::discriminant(s) == std::mem::discriminant(value)),
        };
        if !type_ok {
            return Err(status::WRONG_TYPE);
        }
        if let Value::OctetString(s) = value {
            if !syntax.sizes.is_empty() && !in_ranges(&syntax.sizes, s.len() as i128) {
                return Err(status::WRONG_LENGTH);
            }
        }
        let number = match value {
            Value::Integer(i) => Some(i128::from(*i)),
            Value::Gauge32(n) | Value::TimeTicks(n) | Value::Counter32(n) => Some(i128::from(*n)),
            _ => None,
        };
        if let Some(n) = number {
            if !syntax.enums.is_empty() && !syntax.enums.iter().any(|(v, _)| i128::from(*v) == n) {
                return Err(status::WRONG_VALUE);
            }
            if !syntax.ranges.is_empty() && !in_ranges(&syntax.ranges, n) {
                return Err(status::WRONG_VALUE);
            }
        }
        Ok(())
    }
}

/// Whether `n` is in one of the SMI ranges as written (`"0..255"`, `"8"`, `"-1..10"`).
/// Unparseable ranges accept everything (the MIB is the lab's guide, not a gate).
fn in_ranges(ranges: &[String], n: i128) -> bool {
    let parse = |s: &str| -> Option<i128> {
        let s = s.trim();
        if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            return i128::from_str_radix(h, 16).ok();
        }
        s.parse().ok()
    };
    let mut any = false;
    for r in ranges {
        let (lo, hi) = match r.split_once("..") {
            Some((a, b)) => (parse(a), parse(b)),
            None => (parse(r), parse(r)),
        };
        let (Some(lo), Some(hi)) = (lo, hi) else {
            return true;
        };
        any = true;
        if (lo..=hi).contains(&n) {
            return true;
        }
    }
    !any
}

/// A v2 Set error as v1 reports it (RFC 3584 §4.4).
fn v1_status(s: i32) -> i32 {
    match s {
        status::WRONG_VALUE | status::WRONG_TYPE | status::WRONG_LENGTH | 9 | 12 => {
            status::BAD_VALUE
        }
        status::NO_ACCESS
        | status::NOT_WRITABLE
        | status::NO_CREATION
        | status::AUTHORIZATION_ERROR
        | 18 => status::NO_SUCH_NAME,
        13..=15 => status::GEN_ERR,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{AgentConfig, Options};
    use super::*;
    use snmpkit::codec::{decode_message, AnyPdu, CommunityMessage, Message, Pdu, PduType};

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    fn agent() -> Agent {
        Agent::new(
            AgentConfig::lab_default(),
            vec![super::super::responder::test_recording(vec![
                (oid("1.3.6.1.2.1.1.1.0"), Value::OctetString(b"d".to_vec())),
                (oid("1.3.6.1.2.1.1.5.0"), Value::OctetString(b"r1".to_vec())),
                (
                    oid("1.3.6.1.2.1.1.6.0"),
                    Value::OctetString(b"here".to_vec()),
                ),
                (oid("1.3.6.1.2.1.2.2.1.1.2"), Value::Integer(2)),
                (oid("1.3.6.1.2.1.2.2.1.7.2"), Value::Integer(1)),
                (oid("1.3.6.1.2.1.2.2.1.8.2"), Value::Integer(1)),
                (oid("1.3.6.1.4.1.99.1.0"), Value::Gauge32(5)),
            ])],
            Options::default(),
        )
        .unwrap()
    }

    fn set(a: &Agent, version: Version, community: &str, vbs: Vec<VarBind>) -> (Pdu, usize) {
        let bytes = CommunityMessage {
            version,
            community: community.as_bytes().to_vec(),
            pdu: AnyPdu::Pdu(Pdu {
                pdu_type: PduType::Set,
                request_id: 9,
                error_status: 0,
                error_index: 0,
                varbinds: vbs,
            }),
        }
        .encode();
        let out = a.handle(
            &bytes,
            "127.0.0.1:5000".parse().unwrap(),
            "127.0.0.1".parse().unwrap(),
            Instant::now(),
        );
        match decode_message(&out.reply.unwrap()).unwrap() {
            Message::Community(CommunityMessage {
                pdu: AnyPdu::Pdu(p),
                ..
            }) => (p, out.events.len()),
            _ => panic!(),
        }
    }

    fn get(a: &Agent, o: &str) -> Value {
        let bytes = CommunityMessage {
            version: Version::V2c,
            community: b"public".to_vec(),
            pdu: AnyPdu::Pdu(Pdu::request(PduType::Get, 1, &[oid(o)])),
        }
        .encode();
        let out = a.handle(
            &bytes,
            "127.0.0.1:5000".parse().unwrap(),
            "127.0.0.1".parse().unwrap(),
            Instant::now(),
        );
        match decode_message(&out.reply.unwrap()).unwrap() {
            Message::Community(CommunityMessage {
                pdu: AnyPdu::Pdu(p),
                ..
            }) => p.varbinds[0].value.clone(),
            _ => panic!(),
        }
    }

    fn vb(o: &str, v: Value) -> VarBind {
        VarBind::new(oid(o), v)
    }

    #[test]
    fn errors_as_snmpd_answers_them() {
        let a = agent();
        let s = |v: &str| Value::OctetString(v.as_bytes().to_vec());
        let cases: Vec<(Version, &str, Vec<VarBind>, i32, i32)> = vec![
            (
                Version::V2c,
                "public",
                vec![vb("1.3.6.1.2.1.1.5.0", s("x"))],
                6,
                1,
            ),
            (
                Version::V1,
                "public",
                vec![vb("1.3.6.1.2.1.1.5.0", s("x"))],
                2,
                1,
            ),
            (
                Version::V2c,
                "private",
                vec![vb("1.3.6.1.2.1.1.5.0", Value::Integer(5))],
                7,
                1,
            ),
            (
                Version::V1,
                "private",
                vec![vb("1.3.6.1.2.1.1.5.0", Value::Integer(5))],
                3,
                1,
            ),
            (
                Version::V2c,
                "private",
                vec![vb("1.3.6.1.2.1.1.5.0", Value::OctetString(vec![b'x'; 300]))],
                8,
                1,
            ),
            (
                Version::V2c,
                "private",
                vec![vb("1.3.6.1.2.1.1.1.0", s("x"))],
                17,
                1,
            ),
            (
                Version::V2c,
                "private",
                vec![vb("1.3.6.1.2.1.1.99.0", s("x"))],
                17,
                1,
            ),
            (
                Version::V2c,
                "private",
                vec![vb("1.3.6.1.2.1.1.5.1", s("x"))],
                11,
                1,
            ),
            (
                Version::V2c,
                "private",
                vec![vb("1.3.6.1.2.1.2.2.1.7.2", Value::Integer(7))],
                10,
                1,
            ),
            (
                Version::V2c,
                "private",
                vec![vb("1.3.6.1.2.1.2.2.1.7.9", Value::Integer(2))],
                11,
                1,
            ),
            (
                Version::V2c,
                "private",
                vec![vb("1.3.6.1.4.1.99.1.0", s("x"))],
                7,
                1,
            ),
            (
                Version::V2c,
                "private",
                vec![
                    vb("1.3.6.1.2.1.1.6.0", s("new")),
                    vb("1.3.6.1.2.1.1.5.0", Value::Integer(3)),
                ],
                7,
                2,
            ),
        ];
        for (version, community, vbs, st, idx) in cases {
            let (r, _) = set(&a, version, community, vbs.clone());
            assert_eq!((r.error_status, r.error_index), (st, idx), "{vbs:?}");
            assert_eq!(r.varbinds, vbs);
        }
        // Atomic: the failed request above set nothing.
        assert_eq!(get(&a, "1.3.6.1.2.1.1.6.0"), s("here"));
        let (r, _) = set(
            &a,
            Version::V2c,
            "private",
            vec![
                vb("1.3.6.1.2.1.1.6.0", s("new")),
                vb("1.3.6.1.4.1.99.1.0", Value::Gauge32(9)),
            ],
        );
        assert_eq!(r.error_status, 0);
        assert_eq!(get(&a, "1.3.6.1.2.1.1.6.0"), s("new"));
        assert_eq!(get(&a, "1.3.6.1.4.1.99.1.0"), Value::Gauge32(9));
    }

    #[test]
    fn admin_down_moves_oper_and_raises_one_event() {
        let a = agent();
        let (r, events) = set(
            &a,
            Version::V2c,
            "private",
            vec![vb("1.3.6.1.2.1.2.2.1.7.2", Value::Integer(2))],
        );
        assert_eq!((r.error_status, events), (0, 1));
        assert_eq!(get(&a, "1.3.6.1.2.1.2.2.1.8.2"), Value::Integer(2));
        let (_, again) = set(
            &a,
            Version::V2c,
            "private",
            vec![vb("1.3.6.1.2.1.2.2.1.7.2", Value::Integer(2))],
        );
        assert_eq!(again, 0);
        let (_, up) = set(
            &a,
            Version::V2c,
            "private",
            vec![vb("1.3.6.1.2.1.2.2.1.7.2", Value::Integer(1))],
        );
        assert_eq!(up, 1);
        assert_eq!(get(&a, "1.3.6.1.2.1.2.2.1.8.2"), Value::Integer(1));
    }

    #[test]
    fn ranges() {
        assert!(in_ranges(&["0..255".into()], 255));
        assert!(!in_ranges(&["0..255".into()], 256));
        assert!(in_ranges(&["6".into(), "8".into()], 8));
        assert!(!in_ranges(&["6".into(), "8".into()], 7));
        assert!(in_ranges(&["-1..1".into()], -1));
    }
}
