//! SNMPv3 notifications (RFC 3412 §7.2, RFC 3414 §3.2): users, the receiver's own engine (for
//! informs, where the receiver is authoritative), and the per-message checks.
//!
//! For traps the sender is authoritative: a user configured with an engine ID (snmptrapd's
//! `createUser -e`) accepts that engine only; a user configured without one accepts any engine,
//! its keys localized per engine on first sight (through the USM's bounded key caches). For
//! informs the receiver is authoritative: it answers discovery with a usmStatsUnknownEngineIDs
//! Report and enforces its own time window.

use super::notification::Sender;
use super::stats::DropReason;
use super::NotifyError;
use crate::codec::{
    flags, DecodedV3, Pdu, PduType, ScopedPdu, ScopedPduData, UsmParams, V3Message,
};
use crate::engine::EngineId;
use crate::usm::{
    self, AuthProtocol, Credentials, EngineTime, PrivProtocol, SaltSource, SecurityLevel, UserKeys,
    UsmError, UsmReport, TIME_WINDOW,
};
use crate::{Value, VarBind};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// The most sender engines whose clocks are remembered (bounded under floods; only
/// authenticated messages add entries).
const MAX_ENGINES: usize = 4096;
/// The largest message we say we accept (RFC 3417 §3: UDP).
const MAX_SIZE: i32 = crate::transport::MAX_DATAGRAM as i32;
use crate::engine::MAX_BOOTS;

/// A configured SNMPv3 user, as snmptrapd's `createUser` defines one.
#[derive(Clone, Debug)]
pub struct V3User {
    credentials: Credentials,
    /// The same user without privacy, so a message's MAC is checked before the (possibly
    /// costly) privacy key is derived for a new engine.
    auth_only: Credentials,
    engine_id: Option<Vec<u8>>,
}

impl V3User {
    /// A user named `name`. `engine_id`: the only sender engine it accepts (`None`: any engine,
    /// and the receiver's own for informs). Passphrases must have at least 8 characters, and
    /// privacy needs authentication.
    pub fn new(
        name: &str,
        engine_id: Option<Vec<u8>>,
        auth: Option<(AuthProtocol, &[u8])>,
        privacy: Option<(PrivProtocol, &[u8])>,
    ) -> Result<V3User, UsmError> {
        let mut credentials = Credentials::new(name);
        let mut auth_only = Credentials::new(name);
        if let Some((p, pass)) = auth {
            credentials = credentials.auth(p, pass);
            auth_only = auth_only.auth(p, pass);
        }
        if let Some((p, pass)) = privacy {
            credentials = credentials.privacy(p, pass);
        }
        credentials.validate()?;
        Ok(V3User {
            credentials,
            auth_only,
            engine_id,
        })
    }

    /// msgUserName.
    pub fn name(&self) -> &[u8] {
        self.credentials.user_name()
    }

    /// The sender engine this user is restricted to, if any.
    pub fn engine_id(&self) -> Option<&[u8]> {
        self.engine_id.as_deref()
    }

    /// The highest security level the user can use.
    pub fn security_level(&self) -> SecurityLevel {
        self.credentials.security_level()
    }
}

pub use crate::engine::LocalEngine;

/// Loads our engine from the state file at `path` for a new run: boots incremented and written
/// back (the file is created, with a generated ID unless `engine_id` is given; an `engine_id`
/// other than the stored one restarts boots at 1). The state's format and rules are
/// [`LocalEngine::next_run`]'s; this adds the file.
pub fn load_engine(path: &Path, engine_id: Option<&EngineId>) -> Result<LocalEngine, NotifyError> {
    let io = |what: &str, e: std::io::Error| {
        NotifyError::Config(format!(
            "cannot {what} engine state {}: {e}",
            path.display()
        ))
    };
    let stored = match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io("read", e)),
    };
    let engine = LocalEngine::next_run(stored.as_deref(), engine_id).map_err(|_| {
        NotifyError::Config(format!("engine state {} is not valid", path.display()))
    })?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io("create the directory of", e))?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, engine.state_text("snmpkit")).map_err(|e| io("write", e))?;
    std::fs::rename(&tmp, path).map_err(|e| io("write", e))?;
    Ok(engine)
}

/// The v3 configuration shared by every socket task.
#[derive(Debug)]
pub(crate) struct V3Config {
    pub users: Vec<V3User>,
    pub engine: LocalEngine,
    pub started: Instant,
}

impl V3Config {
    /// Our (snmpEngineBoots, snmpEngineTime) at `now`.
    fn clock(&self, now: Instant) -> (u32, u32) {
        self.engine
            .clock(now.saturating_duration_since(self.started).as_secs())
    }
}

/// What the v3 path decided.
pub(crate) enum V3Outcome {
    /// A notification, with the keys that opened it (to seal an inform's Response).
    Accept {
        sender: Sender,
        pdu: Pdu,
        reply: Option<Vec<u8>>,
    },
    /// An engine-ID discovery probe, answered with a Report.
    Discovery { reply: Vec<u8> },
    /// Dropped; `reply` is a Report when the message was reportable.
    Drop {
        reason: DropReason,
        detail: String,
        reply: Option<Vec<u8>>,
    },
}

/// One user's keys for one engine: the authentication-only keys that check a message's MAC
/// first, and the full keys once a message at authPriv needed them.
struct CachedKeys {
    auth: UserKeys,
    full: Option<UserKeys>,
}

/// Per-socket v3 state: sender engines' clocks, the keys of the (user, engine) pairs that
/// authenticated, and report counters.
pub(crate) struct V3State {
    engines: HashMap<Vec<u8>, EngineTime>,
    /// By engine ID: (index of the user in `V3Config::users`, keys). Only pairs whose MAC
    /// verified are kept, at most [`MAX_ENGINES`] engines.
    keys: HashMap<Vec<u8>, Vec<(usize, Arc<CachedKeys>)>>,
    report_counts: [u32; 6],
}

impl V3State {
    pub fn new() -> Self {
        V3State {
            engines: HashMap::new(),
            keys: HashMap::new(),
            report_counts: [0; 6],
        }
    }

    /// Keeps the keys of a (user, engine) pair whose MAC verified, bounded in engines.
    fn remember_keys(&mut self, engine_id: &[u8], user: usize, keys: CachedKeys) {
        if !self.keys.contains_key(engine_id) && self.keys.len() >= MAX_ENGINES {
            if let Some(k) = self.keys.keys().next().cloned() {
                self.keys.remove(&k);
            }
        }
        let v = self.keys.entry(engine_id.to_vec()).or_default();
        match v.iter_mut().find(|(i, _)| *i == user) {
            Some(slot) => slot.1 = Arc::new(keys),
            None => v.push((user, Arc::new(keys))),
        }
    }

    /// RFC 3412 §7.2 and RFC 3414 §3.2 for one received v3 message.
    pub fn handle(
        &mut self,
        cfg: &V3Config,
        bytes: &[u8],
        decoded: DecodedV3,
        now: Instant,
    ) -> V3Outcome {
        let msg = &decoded.msg;
        let head = Header {
            msg_id: msg.msg_id,
            user: msg.usm.user_name.clone(),
            request_id: match &msg.data {
                ScopedPduData::Plaintext(s) => s.pdu.request_id,
                ScopedPduData::Encrypted(_) => 0,
            },
        };
        if msg.security_model != 3 {
            return drop(
                DropReason::UnsupportedSecurityModel,
                format!("security model {}", msg.security_model),
            );
        }
        let Ok(level) = SecurityLevel::from_flags(msg.flags) else {
            return drop(
                DropReason::Malformed,
                format!("msgFlags 0x{:02x}", msg.flags),
            );
        };
        let reportable = msg.flags & flags::REPORTABLE != 0;
        let engine_id = msg.usm.engine_id.clone();
        let (boots, time) = (msg.usm.engine_boots, msg.usm.engine_time);
        let ours = engine_id[..] == cfg.engine.engine_id[..];
        // RFC 3414 §3.2 step 3 and §4: an unknown authoritative engine in a message that
        // expects an answer (an inform, or discovery) is told our engine ID.
        if reportable && !ours {
            let reply = self.report(cfg, &head, UsmReport::UnknownEngineId, None, now);
            if head.user.is_empty() && level == SecurityLevel::NoAuthNoPriv {
                return V3Outcome::Discovery { reply };
            }
            return V3Outcome::Drop {
                reason: DropReason::UnknownEngineId,
                detail: format!(
                    "engine ID {} in a reportable message",
                    crate::hex::encode(&engine_id)
                ),
                reply: Some(reply),
            };
        }
        let named: Vec<&V3User> = cfg.users.iter().filter(|u| u.name() == head.user).collect();
        if named.is_empty() {
            let reply =
                reportable.then(|| self.report(cfg, &head, UsmReport::UnknownUserName, None, now));
            return V3Outcome::Drop {
                reason: DropReason::UnknownUser,
                detail: format!("user {:?}", String::from_utf8_lossy(&head.user)),
                reply,
            };
        }
        // A user bound to this engine wins over one that accepts any engine.
        let user = named
            .iter()
            .find(|u| u.engine_id() == Some(&engine_id[..]))
            .or_else(|| named.iter().find(|u| u.engine_id().is_none()));
        let Some(user) = user else {
            return drop(
                DropReason::UnknownEngineId,
                format!(
                    "user {:?} is not configured for engine {}",
                    String::from_utf8_lossy(&head.user),
                    crate::hex::encode(&engine_id)
                ),
            );
        };
        let user_level = user.security_level();
        // Authenticated users must authenticate; nobody gets more than they are configured for.
        if level > user_level
            || (user_level > SecurityLevel::NoAuthNoPriv && level == SecurityLevel::NoAuthNoPriv)
        {
            let reply = reportable
                .then(|| self.report(cfg, &head, UsmReport::UnsupportedSecLevel, None, now));
            return V3Outcome::Drop {
                reason: DropReason::UnsupportedSecurityLevel,
                detail: format!("{level} for a user configured for {user_level}"),
                reply,
            };
        }
        // Check the MAC with the authentication key alone before deriving a privacy key, which
        // for a new engine may cost a password expansion. Keys are kept per (user, engine)
        // once a message has authenticated with them, keyed HMAC and cipher included, so a
        // known sender costs one HMAC and one decryption per message.
        let uix = cfg
            .users
            .iter()
            .position(|u| std::ptr::eq(u, *user))
            .unwrap_or(0);
        let cached = self.keys.get(&engine_id[..]).and_then(|v| {
            v.iter()
                .find(|(i, _)| *i == uix)
                .map(|(_, k)| Arc::clone(k))
        });
        let fresh_auth;
        let auth: &UserKeys = match &cached {
            Some(k) => &k.auth,
            None => match user.auth_only.localize(&engine_id) {
                Ok(k) => {
                    fresh_auth = k;
                    &fresh_auth
                }
                Err(e) => return drop(DropReason::WrongDigest, e.to_string()),
            },
        };
        if let Err(e) = usm::verify(bytes, &decoded, auth) {
            return self.usm_failure(cfg, &head, e, reportable, now);
        }
        let fresh_full;
        let keys: &UserKeys = match (level, cached.as_ref().and_then(|k| k.full.as_ref())) {
            (SecurityLevel::AuthPriv, Some(k)) => k,
            (SecurityLevel::AuthPriv, None) => match user.credentials.localize(&engine_id) {
                Ok(k) => {
                    let entry = CachedKeys {
                        auth: auth.clone(),
                        full: Some(k.clone()),
                    };
                    self.remember_keys(&engine_id, uix, entry);
                    fresh_full = k;
                    &fresh_full
                }
                Err(e) => return drop(DropReason::DecryptionError, e.to_string()),
            },
            _ => {
                if cached.is_none() {
                    let entry = CachedKeys {
                        auth: auth.clone(),
                        full: None,
                    };
                    self.remember_keys(&engine_id, uix, entry);
                }
                auth
            }
        };
        let opened = match usm::decrypt(decoded, keys) {
            Ok(m) => m,
            Err(e) => return self.usm_failure(cfg, &head, e, reportable, now),
        };
        let ScopedPduData::Plaintext(scoped) = opened.data else {
            return drop(DropReason::DecryptionError, "still encrypted");
        };
        let head = Header {
            request_id: scoped.pdu.request_id,
            ..head
        };
        // RFC 3414 §3.2 step 7: the time window, for authenticated messages.
        if level != SecurityLevel::NoAuthNoPriv {
            let in_window = if ours {
                let (our_boots, our_time) = cfg.clock(now);
                our_boots < MAX_BOOTS
                    && boots == our_boots
                    && time.abs_diff(our_time) <= TIME_WINDOW
            } else {
                self.observe_sender(&engine_id, boots, time, now)
            };
            if !in_window {
                let reply = reportable.then(|| {
                    // Sent authenticated so the sender can trust our clock (step 7a).
                    self.report(cfg, &head, UsmReport::NotInTimeWindow, Some(keys), now)
                });
                return V3Outcome::Drop {
                    reason: DropReason::NotInTimeWindow,
                    detail: format!("engine boots {boots}, time {time}"),
                    reply,
                };
            }
        }
        let ScopedPdu {
            context_engine_id,
            context_name,
            pdu,
        } = scoped;
        let reply = match pdu.pdu_type {
            PduType::TrapV2 => None,
            PduType::Inform => {
                let (our_boots, our_time) = if ours { cfg.clock(now) } else { (boots, time) };
                let response = V3Message {
                    msg_id: head.msg_id,
                    max_size: MAX_SIZE,
                    flags: level.flags(),
                    security_model: 3,
                    usm: UsmParams {
                        engine_id: engine_id.clone(),
                        engine_boots: our_boots,
                        engine_time: our_time,
                        user_name: head.user.clone(),
                        auth_params: Vec::new(),
                        priv_params: Vec::new(),
                    },
                    data: ScopedPduData::Plaintext(ScopedPdu {
                        context_engine_id: context_engine_id.clone(),
                        context_name: context_name.clone(),
                        pdu: Pdu {
                            pdu_type: PduType::Response,
                            request_id: pdu.request_id,
                            error_status: 0,
                            error_index: 0,
                            varbinds: pdu.varbinds.clone(),
                        },
                    }),
                };
                match usm::seal(response, keys, SaltSource::global()) {
                    Ok(b) => Some(b),
                    Err(e) => return drop(DropReason::DecryptionError, e.to_string()),
                }
            }
            other => {
                return drop(
                    DropReason::NotNotification,
                    format!("{} is not a notification", other.name()),
                )
            }
        };
        V3Outcome::Accept {
            sender: Sender::Usm {
                user: head.user,
                context_name,
                context_engine_id,
                engine_id,
                security_level: level,
            },
            pdu,
            reply,
        }
    }

    /// The non-authoritative time check (RFC 3414 §3.2 step 7b) against what we know of the
    /// sender's clock; the first authenticated message from an engine sets it.
    fn observe_sender(&mut self, engine_id: &[u8], boots: u32, time: u32, now: Instant) -> bool {
        if let Some(t) = self.engines.get_mut(engine_id) {
            return t.observe(boots, time, now).is_ok();
        }
        if boots >= MAX_BOOTS {
            return false;
        }
        if self.engines.len() >= MAX_ENGINES {
            if let Some(k) = self.engines.keys().next().cloned() {
                self.engines.remove(&k);
            }
        }
        self.engines
            .insert(engine_id.to_vec(), EngineTime::new(boots, time, now));
        true
    }

    fn usm_failure(
        &mut self,
        cfg: &V3Config,
        head: &Header,
        e: UsmError,
        reportable: bool,
        now: Instant,
    ) -> V3Outcome {
        let (reason, report) = match e {
            UsmError::WrongDigest => (DropReason::WrongDigest, UsmReport::WrongDigest),
            UsmError::Decryption(_) => (DropReason::DecryptionError, UsmReport::DecryptionError),
            UsmError::NotInTimeWindow => (DropReason::NotInTimeWindow, UsmReport::NotInTimeWindow),
            UsmError::InvalidFlags(_) => {
                return drop(DropReason::Malformed, e.to_string());
            }
            _ => (
                DropReason::UnsupportedSecurityLevel,
                UsmReport::UnsupportedSecLevel,
            ),
        };
        let reply = reportable.then(|| self.report(cfg, head, report, None, now));
        V3Outcome::Drop {
            reason,
            detail: e.to_string(),
            reply,
        }
    }

    /// A Report PDU carrying one usmStats counter (RFC 3412 §7.1 step 3, RFC 3414 §3.2), from
    /// our engine. Unauthenticated unless `keys` are given (notInTimeWindow, step 7a).
    fn report(
        &mut self,
        cfg: &V3Config,
        head: &Header,
        which: UsmReport,
        keys: Option<&UserKeys>,
        now: Instant,
    ) -> Vec<u8> {
        let i = UsmReport::ALL.iter().position(|r| *r == which).unwrap_or(0);
        if let Some(c) = self.report_counts.get_mut(i) {
            *c = c.wrapping_add(1);
        }
        let count = self.report_counts.get(i).copied().unwrap_or(0);
        let (boots, time) = cfg.clock(now);
        let level = match keys {
            Some(_) => SecurityLevel::AuthNoPriv,
            None => SecurityLevel::NoAuthNoPriv,
        };
        let user = head.user.clone();
        let report = V3Message {
            msg_id: head.msg_id,
            max_size: MAX_SIZE,
            flags: level.flags(),
            security_model: 3,
            usm: UsmParams {
                engine_id: cfg.engine.engine_id.to_vec(),
                engine_boots: boots,
                engine_time: time,
                user_name: user.clone(),
                auth_params: Vec::new(),
                priv_params: Vec::new(),
            },
            data: ScopedPduData::Plaintext(ScopedPdu {
                context_engine_id: cfg.engine.engine_id.to_vec(),
                context_name: Vec::new(),
                pdu: Pdu {
                    pdu_type: PduType::Report,
                    request_id: head.request_id,
                    error_status: 0,
                    error_index: 0,
                    varbinds: vec![VarBind::new(which.oid(), Value::Counter32(count))],
                },
            }),
        };
        let none = UserKeys::none(user, &cfg.engine.engine_id);
        usm::seal(report.clone(), keys.unwrap_or(&none), SaltSource::global())
            .unwrap_or_else(|_| report.encode().bytes)
    }
}

fn drop(reason: DropReason, detail: impl Into<String>) -> V3Outcome {
    V3Outcome::Drop {
        reason,
        detail: detail.into(),
        reply: None,
    }
}

/// What a Report needs from the message it answers (RFC 3412 §7.1 step 3).
struct Header {
    msg_id: i32,
    user: Vec<u8>,
    request_id: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_file_round_trip_and_boots() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/engine.state");
        let a = load_engine(&path, None).unwrap();
        assert_eq!(a.boots, 1);
        assert_eq!(a.engine_id.len(), 13);
        let b = load_engine(&path, None).unwrap();
        assert_eq!((b.engine_id.clone(), b.boots), (a.engine_id.clone(), 2));
        let c = load_engine(&path, Some(&b.engine_id)).unwrap();
        assert_eq!(c.boots, 3);
        let d = load_engine(
            &path,
            Some(&EngineId::new(vec![0x80, 0, 0, 0, 4, b'x']).unwrap()),
        )
        .unwrap();
        assert_eq!(
            (d.engine_id.to_vec(), d.boots),
            (vec![0x80, 0, 0, 0, 4, b'x'], 1)
        );
        std::fs::write(&path, "garbage").unwrap();
        assert!(load_engine(&path, None).is_err());
    }

    #[test]
    fn generated_ids_differ() {
        assert_ne!(
            LocalEngine::generate().engine_id,
            LocalEngine::generate().engine_id
        );
    }

    #[test]
    fn user_validation() {
        assert!(V3User::new("a", None, Some((AuthProtocol::Sha1, b"short")), None).is_err());
        assert!(V3User::new("a", None, None, Some((PrivProtocol::Des, b"longenough"))).is_err());
        let u = V3User::new(
            "a",
            Some(vec![0x80, 0, 0, 0, 1]),
            Some((AuthProtocol::Sha1, b"longenough")),
            Some((PrivProtocol::Aes128, b"longenough")),
        )
        .unwrap();
        assert_eq!(u.security_level(), SecurityLevel::AuthPriv);
        assert_eq!(u.engine_id(), Some(&[0x80, 0, 0, 0, 1][..]));
    }

    fn cfg() -> V3Config {
        V3Config {
            users: vec![V3User::new(
                "carol",
                None,
                Some((AuthProtocol::Sha256, b"carolauthpass")),
                Some((PrivProtocol::Aes256, b"carolprivpass")),
            )
            .unwrap()],
            engine: LocalEngine {
                engine_id: EngineId::new(vec![0x80, 0, 0, 0, 5, 1, 2, 3, 4]).unwrap(),
                boots: 3,
            },
            started: Instant::now(),
        }
    }

    /// A discovery probe as net-snmp's snmpinform sends it (captured): empty engine ID and
    /// user, noAuthNoPriv, reportable, a GetRequest without varbinds.
    const PROBE: &str = "304f020103301102041bf7ebab020300ffe30401040201030410300e0400020100020100\
                         0400040004003025041180001f88807dc23b1e753f066b000000000400a00e020415b1\
                         30f50201000201003000";

    fn decode(bytes: &[u8]) -> DecodedV3 {
        match crate::codec::decode_message(bytes).unwrap() {
            crate::codec::Message::V3(d) => d,
            _ => panic!("not v3"),
        }
    }

    #[test]
    fn discovery_is_answered_with_our_engine() {
        let bytes = crate::hex::decode(PROBE).unwrap();
        let cfg = cfg();
        let mut st = V3State::new();
        let V3Outcome::Discovery { reply } =
            st.handle(&cfg, &bytes, decode(&bytes), Instant::now())
        else {
            panic!("not treated as discovery")
        };
        let r = decode(&reply).msg;
        assert_eq!(r.msg_id, 0x1bf7ebab);
        assert_eq!(r.flags & (flags::AUTH | flags::PRIV | flags::REPORTABLE), 0);
        assert_eq!(r.usm.engine_id, cfg.engine.engine_id);
        assert_eq!(r.usm.engine_boots, 3);
        let ScopedPduData::Plaintext(s) = r.data else {
            panic!("encrypted report")
        };
        assert_eq!(s.pdu.pdu_type, PduType::Report);
        assert_eq!(s.pdu.request_id, 0x15b130f5);
        assert_eq!(
            s.pdu.varbinds,
            vec![VarBind::new(
                UsmReport::UnknownEngineId.oid(),
                Value::Counter32(1)
            )]
        );
    }

    #[test]
    fn garbage_v3_never_panics() {
        let bytes = crate::hex::decode(PROBE).unwrap();
        let cfg = cfg();
        let mut st = V3State::new();
        // Flip every bit of the probe in turn; whatever still decodes must be handled.
        for i in 0..bytes.len() * 8 {
            let mut b = bytes.clone();
            b[i / 8] ^= 1 << (i % 8);
            if let Ok(crate::codec::Message::V3(d)) = crate::codec::decode_message(&b) {
                let _ = st.handle(&cfg, &b, d, Instant::now());
            }
        }
    }

    /// The keys of a sender that authenticated are kept, but each message is still checked:
    /// a replayed trap is accepted inside the time window, a tampered copy is not, and the
    /// window still applies.
    #[test]
    fn cached_keys_still_check_every_message() {
        let cfg = cfg();
        let engine = vec![0x80, 0, 0, 0, 5, 9, 9, 9, 9];
        let keys = cfg.users[0].credentials.localize(&engine).unwrap();
        let msg = V3Message {
            msg_id: 7,
            max_size: MAX_SIZE,
            flags: flags::AUTH | flags::PRIV,
            security_model: 3,
            usm: UsmParams {
                engine_id: engine.clone(),
                engine_boots: 1,
                engine_time: 100,
                user_name: b"carol".to_vec(),
                auth_params: Vec::new(),
                priv_params: Vec::new(),
            },
            data: ScopedPduData::Plaintext(ScopedPdu {
                context_engine_id: engine.clone(),
                context_name: Vec::new(),
                pdu: Pdu {
                    pdu_type: PduType::TrapV2,
                    request_id: 5,
                    error_status: 0,
                    error_index: 0,
                    varbinds: vec![VarBind::new(
                        "1.3.6.1.2.1.1.3.0".parse().unwrap(),
                        Value::TimeTicks(9),
                    )],
                },
            }),
        };
        let bytes = usm::seal(msg, &keys, SaltSource::global()).unwrap();
        let mut st = V3State::new();
        let now = Instant::now();
        for _ in 0..3 {
            let V3Outcome::Accept { pdu, .. } = st.handle(&cfg, &bytes, decode(&bytes), now) else {
                panic!("replayed trap not accepted")
            };
            assert_eq!(pdu.request_id, 5);
        }
        assert_eq!(st.keys.len(), 1);
        let reason = |o: V3Outcome| match o {
            V3Outcome::Drop { reason, .. } => Some(reason),
            _ => None,
        };
        // One bit flipped in the encrypted PDU: the MAC no longer verifies.
        let mut bad = bytes.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert_eq!(
            reason(st.handle(&cfg, &bad, decode(&bad), now)),
            Some(DropReason::WrongDigest)
        );
        // The same bytes long after: outside the time window.
        let later = now + std::time::Duration::from_secs(u64::from(TIME_WINDOW) + 10);
        assert_eq!(
            reason(st.handle(&cfg, &bytes, decode(&bytes), later)),
            Some(DropReason::NotInTimeWindow)
        );
        // A receiver that knows carol by another password: wrong digest.
        let other = V3Config {
            users: vec![V3User::new(
                "carol",
                None,
                Some((AuthProtocol::Sha256, b"otherauthpass")),
                Some((PrivProtocol::Aes256, b"carolprivpass")),
            )
            .unwrap()],
            ..cfg
        };
        assert_eq!(
            reason(V3State::new().handle(&other, &bytes, decode(&bytes), now)),
            Some(DropReason::WrongDigest)
        );
    }
}
