//! The agent as the authoritative SNMPv3 engine (RFC 3412 §7.2, RFC 3414 §3.2): discovery,
//! user, level, digest, decryption and time-window checks, each failure counted in usmStats
//! and reported; then the request is answered within the requester's msgMaxSize.
//!
//! The pieces are the receiver's: `usm::open`/`usm::seal` verify and protect over the bytes,
//! [`LocalEngine`](snmpkit::notify::LocalEngine) keeps the engine ID and boots.

use std::net::IpAddr;
use std::time::Instant;

use super::responder::{clamp_max_size, status, Agent, Outcome, MAX_MESSAGE};
use super::Counters;
use snmpkit::codec::{
    flags, DecodedV3, Pdu, PduType, ScopedPdu, ScopedPduData, UsmParams, V3Message, Version,
};
use snmpkit::usm::{self, SaltSource, SecurityLevel, UserKeys, UsmError, UsmReport, TIME_WINDOW};
use snmpkit::{Oid, Value, VarBind};

/// snmpUnknownContexts.0 (SNMP-TARGET-MIB, RFC 3413).
const UNKNOWN_CONTEXTS: [u32; 10] = [1, 3, 6, 1, 6, 3, 12, 1, 5, 0];

/// What a Report answers (RFC 3412 §7.1 step 3).
struct Head {
    msg_id: i32,
    user: Vec<u8>,
    request_id: i32,
    context: Vec<u8>,
}

impl Agent {
    /// Our (snmpEngineBoots, snmpEngineTime) at `now`.
    fn clock(&self, now: Instant) -> (u32, u32) {
        let t = now.saturating_duration_since(self.started).as_secs();
        (
            self.engine.boots,
            u32::try_from(t)
                .unwrap_or(i32::MAX as u32)
                .min(i32::MAX as u32),
        )
    }

    pub(crate) fn handle_v3(
        &self,
        bytes: &[u8],
        decoded: DecodedV3,
        local: IpAddr,
        now: Instant,
    ) -> Outcome {
        let msg = &decoded.msg;
        if msg.security_model != 3 {
            Counters::bump(&self.counters.unsupported);
            return Outcome::default();
        }
        let Ok(level) = SecurityLevel::from_flags(msg.flags) else {
            Counters::bump(&self.counters.malformed);
            return Outcome::default();
        };
        let reportable = msg.flags & flags::REPORTABLE != 0;
        let mut head = Head {
            msg_id: msg.msg_id,
            user: msg.usm.user_name.clone(),
            request_id: match &msg.data {
                ScopedPduData::Plaintext(s) => s.pdu.request_id,
                ScopedPduData::Encrypted(_) => 0,
            },
            context: Vec::new(),
        };
        let max_size = clamp_max_size(msg.max_size);
        let (boots, time) = (msg.usm.engine_boots, msg.usm.engine_time);
        // RFC 3414 §3.2 step 3: discovery, or a message for another engine.
        if msg.usm.engine_id != self.engine.engine_id {
            return self.reject(&head, UsmReport::UnknownEngineId, reportable, None, now);
        }
        let Some(user) = self
            .users
            .iter()
            .find(|u| u.keys.user_name() == head.user.as_slice())
        else {
            return self.reject(&head, UsmReport::UnknownUserName, reportable, None, now);
        };
        if level > user.keys.security_level() {
            return self.reject(&head, UsmReport::UnsupportedSecLevel, reportable, None, now);
        }
        let opened = match usm::open(bytes, decoded, &user.keys) {
            Ok(m) => m,
            Err(UsmError::WrongDigest) => {
                return self.reject(&head, UsmReport::WrongDigest, reportable, None, now)
            }
            Err(UsmError::Decryption(_)) => {
                return self.reject(&head, UsmReport::DecryptionError, reportable, None, now)
            }
            Err(_) => {
                return self.reject(&head, UsmReport::UnsupportedSecLevel, reportable, None, now)
            }
        };
        let ScopedPduData::Plaintext(scoped) = opened.data else {
            return self.reject(&head, UsmReport::DecryptionError, reportable, None, now);
        };
        head.request_id = scoped.pdu.request_id;
        head.context = scoped.context_name.clone();
        // Step 7: the time window, for authenticated messages; the Report is authenticated
        // so the requester can trust our clock.
        if level != SecurityLevel::NoAuthNoPriv {
            let (our_boots, our_time) = self.clock(now);
            if boots != our_boots || time.abs_diff(our_time) > TIME_WINDOW {
                let keys = Some(&user.keys);
                return self.reject(&head, UsmReport::NotInTimeWindow, reportable, keys, now);
            }
        }
        let pdu = scoped.pdu;
        if !matches!(
            pdu.pdu_type,
            PduType::Get | PduType::GetNext | PduType::GetBulk | PduType::Set
        ) {
            Counters::bump(&self.counters.unsupported);
            return Outcome::default();
        }
        let sid = if scoped.context_name.is_empty() {
            Some(0)
        } else {
            self.names.get(&scoped.context_name).copied()
        };
        let Some(sid) = sid else {
            let count = {
                let mut st = self.lock();
                st.unknown_contexts = st.unknown_contexts.wrapping_add(1);
                st.unknown_contexts
            };
            if !reportable {
                return Outcome::default();
            }
            let vb = VarBind::new(Oid::from_slice(&UNKNOWN_CONTEXTS), Value::Counter32(count));
            return Outcome {
                reply: Some(self.report(&head, vb, level, Some(&user.keys), now)),
                events: Vec::new(),
            };
        };
        let overhead =
            160 + 2 * self.engine.engine_id.len() + head.user.len() + scoped.context_name.len();
        let budget = max_size.saturating_sub(overhead);
        let (response, events) = match self.config.user_access(&user.name, level) {
            Some(access) => {
                let mut st = self.lock();
                self.process(&mut st, local, sid, Version::V3, &access, &pdu, budget, now)
            }
            // No access entry for this user at this level (RFC 3415 §3.2: noAccessEntry).
            _ => (
                Pdu {
                    pdu_type: PduType::Response,
                    request_id: pdu.request_id,
                    error_status: status::AUTHORIZATION_ERROR,
                    error_index: 0,
                    varbinds: pdu.varbinds.clone(),
                },
                Vec::new(),
            ),
        };
        let reply = self.message(&head, level, response, now);
        match usm::seal(reply, &user.keys, SaltSource::global()) {
            Ok(b) => Outcome {
                reply: Some(b),
                events,
            },
            Err(_) => Outcome::default(),
        }
    }

    /// Counts a USM failure and, for a reportable message, builds its Report.
    fn reject(
        &self,
        head: &Head,
        which: UsmReport,
        reportable: bool,
        keys: Option<&UserKeys>,
        now: Instant,
    ) -> Outcome {
        Counters::bump(&self.counters.usm_rejected);
        let i = UsmReport::ALL.iter().position(|r| *r == which).unwrap_or(0);
        let count = {
            let mut st = self.lock();
            let c = st.usm.get_mut(i);
            c.map(|c| {
                *c = c.wrapping_add(1);
                *c
            })
            .unwrap_or(0)
        };
        if !reportable {
            return Outcome::default();
        }
        let level = if keys.is_some() {
            SecurityLevel::AuthNoPriv
        } else {
            SecurityLevel::NoAuthNoPriv
        };
        let vb = VarBind::new(which.oid(), Value::Counter32(count));
        Outcome {
            reply: Some(self.report(head, vb, level, keys, now)),
            events: Vec::new(),
        }
    }

    /// A message from our engine to the requester of `head`, at `level`, not yet sealed.
    fn message(&self, head: &Head, level: SecurityLevel, pdu: Pdu, now: Instant) -> V3Message {
        let (boots, time) = self.clock(now);
        V3Message {
            msg_id: head.msg_id,
            max_size: MAX_MESSAGE as i32,
            flags: level.flags(),
            security_model: 3,
            usm: UsmParams {
                engine_id: self.engine.engine_id.to_vec(),
                engine_boots: boots,
                engine_time: time,
                user_name: head.user.clone(),
                auth_params: Vec::new(),
                priv_params: Vec::new(),
            },
            data: ScopedPduData::Plaintext(ScopedPdu {
                context_engine_id: self.engine.engine_id.to_vec(),
                context_name: head.context.clone(),
                pdu,
            }),
        }
    }

    /// A Report PDU from our engine carrying `vb`, at `level` (with `keys` when above
    /// noAuthNoPriv).
    fn report(
        &self,
        head: &Head,
        vb: VarBind,
        level: SecurityLevel,
        keys: Option<&UserKeys>,
        now: Instant,
    ) -> Vec<u8> {
        let level = if keys.is_some() {
            level
        } else {
            SecurityLevel::NoAuthNoPriv
        };
        let pdu = Pdu {
            pdu_type: PduType::Report,
            request_id: head.request_id,
            error_status: 0,
            error_index: 0,
            varbinds: vec![vb],
        };
        let report = self.message(head, level, pdu, now);
        let none = UserKeys::none(head.user.clone(), &self.engine.engine_id);
        usm::seal(report.clone(), keys.unwrap_or(&none), SaltSource::global())
            .unwrap_or_else(|_| report.encode().bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{AgentConfig, Options};
    use super::*;
    use snmpkit::codec::{decode_message, Message};
    use snmpkit::usm::{AuthProtocol, Credentials, PrivProtocol};

    fn agent() -> Agent {
        let conf = "createUser ops SHA-256 opsauthpass AES opsprivpass\n\
                    rwuser ops priv\n\
                    exactEngineID 80001f88046c6162\n";
        let cfg = AgentConfig::parse(conf, std::path::Path::new("test.conf")).unwrap();
        let a = Agent::new(
            cfg,
            vec![super::super::responder::test_recording(vec![(
                "1.3.6.1.2.1.1.5.0".parse().unwrap(),
                Value::OctetString(b"r1".to_vec()),
            )])],
            Options::default(),
        )
        .unwrap();
        assert_eq!(a.engine_id(), &[0x80, 0, 0x1f, 0x88, 4, b'l', b'a', b'b']);
        a
    }

    fn request(a: &Agent, msg: V3Message, keys: Option<&UserKeys>) -> V3Message {
        let bytes = match keys {
            Some(k) => usm::seal(msg, k, SaltSource::global()).unwrap(),
            None => msg.encode().bytes,
        };
        let out = a.handle(
            &bytes,
            "127.0.0.1:5000".parse().unwrap(),
            "127.0.0.1".parse().unwrap(),
            Instant::now(),
        );
        let reply = out.reply.expect("an answer");
        let Message::V3(d) = decode_message(&reply).unwrap() else {
            panic!("not v3")
        };
        match keys {
            Some(k) if d.msg.flags & flags::AUTH != 0 => usm::open(&reply, d, k).unwrap(),
            _ => d.msg,
        }
    }

    fn msg(engine: &[u8], user: &str, level: SecurityLevel, boots: u32, time: u32) -> V3Message {
        V3Message {
            msg_id: 77,
            max_size: 65507,
            flags: level.flags() | flags::REPORTABLE,
            security_model: 3,
            usm: UsmParams {
                engine_id: engine.to_vec(),
                engine_boots: boots,
                engine_time: time,
                user_name: user.as_bytes().to_vec(),
                auth_params: Vec::new(),
                priv_params: Vec::new(),
            },
            data: ScopedPduData::Plaintext(ScopedPdu {
                context_engine_id: engine.to_vec(),
                context_name: Vec::new(),
                pdu: Pdu::request(PduType::Get, 5, &["1.3.6.1.2.1.1.5.0".parse().unwrap()]),
            }),
        }
    }

    fn report_of(m: &V3Message) -> Option<UsmReport> {
        match &m.data {
            ScopedPduData::Plaintext(s) => UsmReport::from_pdu(&s.pdu),
            _ => None,
        }
    }

    #[test]
    fn discovery_then_checks_then_answer() {
        let a = agent();
        let eid = a.engine_id().to_vec();
        let r = request(&a, msg(&[], "", SecurityLevel::NoAuthNoPriv, 0, 0), None);
        assert_eq!(report_of(&r), Some(UsmReport::UnknownEngineId));
        assert_eq!(
            (r.usm.engine_id.clone(), r.usm.engine_boots),
            (eid.clone(), 1)
        );
        let r = request(
            &a,
            msg(&eid, "nobody", SecurityLevel::NoAuthNoPriv, 1, 0),
            None,
        );
        assert_eq!(report_of(&r), Some(UsmReport::UnknownUserName));
        let keys = Credentials::new("ops")
            .auth(AuthProtocol::Sha256, "opsauthpass")
            .privacy(PrivProtocol::Aes128, "opsprivpass")
            .localize(&eid)
            .unwrap();
        let wrong = Credentials::new("ops")
            .auth(AuthProtocol::Sha256, "wrongpassword")
            .localize(&eid)
            .unwrap();
        let r = request(
            &a,
            msg(&eid, "ops", SecurityLevel::AuthNoPriv, 1, 0),
            Some(&wrong),
        );
        assert_eq!(report_of(&r), Some(UsmReport::WrongDigest));
        let r = request(
            &a,
            msg(&eid, "ops", SecurityLevel::AuthPriv, 1, 5000),
            Some(&keys),
        );
        assert_eq!(report_of(&r), Some(UsmReport::NotInTimeWindow));
        assert_ne!(r.flags & flags::AUTH, 0);
        let r = request(
            &a,
            msg(&eid, "ops", SecurityLevel::AuthPriv, 1, 0),
            Some(&keys),
        );
        let ScopedPduData::Plaintext(s) = r.data else {
            panic!("still encrypted")
        };
        assert_eq!(s.pdu.pdu_type, PduType::Response);
        assert_eq!(s.pdu.varbinds[0].value, Value::OctetString(b"r1".to_vec()));
        // Below the user's rwuser level: authorizationError.
        let r = request(
            &a,
            msg(&eid, "ops", SecurityLevel::AuthNoPriv, 1, 0),
            Some(&keys),
        );
        let ScopedPduData::Plaintext(s) = r.data else {
            panic!("encrypted")
        };
        assert_eq!(s.pdu.error_status, status::AUTHORIZATION_ERROR);
        // Every rejection is readable in usmStats.
        let r = request(
            &a,
            msg(&eid, "ops", SecurityLevel::AuthPriv, 1, 0),
            Some(&keys),
        );
        let _ = r;
        let mut m = msg(&eid, "ops", SecurityLevel::AuthPriv, 1, 0);
        if let ScopedPduData::Plaintext(s) = &mut m.data {
            s.pdu = Pdu::request(
                PduType::Get,
                6,
                &["1.3.6.1.6.3.15.1.1.4.0".parse().unwrap()],
            );
        }
        let r = request(&a, m, Some(&keys));
        let ScopedPduData::Plaintext(s) = r.data else {
            panic!("encrypted")
        };
        assert_eq!(
            s.pdu.varbinds[0],
            VarBind::new(UsmReport::UnknownEngineId.oid(), Value::Counter32(1))
        );
    }

    #[test]
    fn bulk_fits_the_requesters_max_size() {
        let conf = "createUser ops SHA-256 opsauthpass AES opsprivpass\nrouser ops priv\n";
        let cfg = AgentConfig::parse(conf, std::path::Path::new("test.conf")).unwrap();
        let data = (1..=300u32)
            .map(|i| {
                (
                    Oid::from_slice(&[1, 3, 6, 1, 4, 1, 99, i]),
                    Value::OctetString(vec![b'v'; 40]),
                )
            })
            .collect();
        let a = Agent::new(
            cfg,
            vec![super::super::responder::test_recording(data)],
            Options::default(),
        )
        .unwrap();
        let eid = a.engine_id().to_vec();
        let keys = Credentials::new("ops")
            .auth(AuthProtocol::Sha256, "opsauthpass")
            .privacy(PrivProtocol::Aes128, "opsprivpass")
            .localize(&eid)
            .unwrap();
        let mut m = msg(&eid, "ops", SecurityLevel::AuthPriv, 1, 0);
        m.max_size = 484;
        if let ScopedPduData::Plaintext(s) = &mut m.data {
            s.pdu = Pdu::get_bulk(9, 0, 100, &["1.3.6.1.4.1.99".parse().unwrap()]);
        }
        let bytes = usm::seal(m, &keys, SaltSource::global()).unwrap();
        let out = a.handle(
            &bytes,
            "127.0.0.1:5000".parse().unwrap(),
            "127.0.0.1".parse().unwrap(),
            Instant::now(),
        );
        let reply = out.reply.unwrap();
        assert!(reply.len() <= 484, "{} octets", reply.len());
        let Message::V3(d) = decode_message(&reply).unwrap() else {
            panic!("not v3")
        };
        let ScopedPduData::Plaintext(s) = usm::open(&reply, d, &keys).unwrap().data else {
            panic!("encrypted")
        };
        assert!(s.pdu.varbinds.len() >= 3 && s.pdu.varbinds.len() < 100);
    }

    #[test]
    fn garbage_never_panics_and_is_never_answered() {
        let a = agent();
        let eid = a.engine_id().to_vec();
        let keys = Credentials::new("ops")
            .auth(AuthProtocol::Sha256, "opsauthpass")
            .privacy(PrivProtocol::Aes128, "opsprivpass")
            .localize(&eid)
            .unwrap();
        let v3 = usm::seal(
            msg(&eid, "ops", SecurityLevel::AuthPriv, 1, 0),
            &keys,
            SaltSource::global(),
        )
        .unwrap();
        let v2 = snmpkit::codec::CommunityMessage {
            version: Version::V2c,
            community: b"public".to_vec(),
            pdu: snmpkit::codec::AnyPdu::Pdu(Pdu::get_bulk(1, 0, 5, &["1.3.6.1".parse().unwrap()])),
        }
        .encode();
        // Every single-bit flip of a valid message: whatever still decodes is handled, and
        // nothing that fails to decode is answered.
        for valid in [v3, v2] {
            for i in 0..valid.len() * 8 {
                let mut b = valid.clone();
                b[i / 8] ^= 1 << (i % 8);
                let decodes = decode_message(&b).is_ok();
                let out = a.handle(
                    &b,
                    "127.0.0.1:5000".parse().unwrap(),
                    "127.0.0.1".parse().unwrap(),
                    Instant::now(),
                );
                assert!(decodes || out.reply.is_none(), "bit {i} answered");
            }
        }
    }
}
