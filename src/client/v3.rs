//! The SNMPv3 request path: engine discovery (RFC 3414 §4), the transport's engine cache with
//! time estimates, sealing and opening messages through `usm`, and USM Reports as errors.
//!
//! The timing rules (what boots and time to send, when a Report means "resynchronise and try
//! once more", whether an authenticated answer is inside the time window) live in
//! [`V3Timing`], which takes `now` as an argument and does no I/O.

use super::Client;
use crate::codec::{
    flags, DecodedV3, Message, Pdu, PduType, ScopedPdu, ScopedPduData, UsmParams, V3Message,
};
use crate::error::{Error, Result};
use crate::transport::{EngineCache, EngineInfo};
use crate::usm::{
    self, Credentials, EngineTime, SaltSource, SecurityLevel, UserKeys, UsmError, UsmReport,
};
use crate::Oid;
use std::time::Instant;

/// The msgMaxSize we advertise: the largest UDP payload over IPv4.
pub const MAX_MESSAGE_SIZE: i32 = crate::transport::MAX_DATAGRAM as i32;

/// SNMPv3 settings for a client: a USM user plus the context, and optionally the agent's
/// engine ID (`-e`, which skips discovery).
#[derive(Clone, Debug)]
pub struct V3Security {
    /// The user and its keys' passphrases.
    pub credentials: Credentials,
    /// The security level to ask for (at most what the credentials allow).
    pub level: SecurityLevel,
    /// contextName (`-n`).
    pub context_name: Vec<u8>,
    /// contextEngineID (`-E`); the agent's engine ID when `None`.
    pub context_engine_id: Option<Vec<u8>>,
    /// The authoritative engine ID (`-e`); discovered when `None`.
    pub engine_id: Option<Vec<u8>>,
    /// Engine boots and time to start from (`-Z`).
    pub boots_time: Option<(u32, u32)>,
}

impl V3Security {
    /// Settings for `credentials` at the highest level they allow, default context.
    pub fn new(credentials: Credentials) -> Self {
        V3Security {
            level: credentials.security_level(),
            credentials,
            context_name: Vec::new(),
            context_engine_id: None,
            engine_id: None,
            boots_time: None,
        }
    }
}

fn usm_error(e: UsmError) -> Error {
    Error::Usm(e)
}

pub(crate) use crate::engine::{ReportAction, V3Timing};

impl From<crate::engine::ReportFailure> for Error {
    fn from(f: crate::engine::ReportFailure) -> Error {
        match f {
            crate::engine::ReportFailure::Usm(r) => Error::Usm(UsmError::Report(r)),
            crate::engine::ReportFailure::Other(oid) => Error::Report(Box::new(oid)),
        }
    }
}

impl Client {
    fn engine_cache(&self) -> &EngineCache {
        self.inner.transport.engines()
    }

    fn keys_for(v3: &V3Security, engine_id: &[u8]) -> Result<UserKeys> {
        if v3.level == SecurityLevel::NoAuthNoPriv {
            Ok(UserKeys::none(v3.credentials.user_name(), engine_id))
        } else {
            v3.credentials.localize(engine_id).map_err(usm_error)
        }
    }

    pub(super) async fn request_v3(&self, v3: &V3Security, pdu: Pdu) -> Result<Pdu> {
        // Refuse bad credentials (short passphrases) before anything is sent.
        v3.credentials.validate().map_err(usm_error)?;
        if v3.level > v3.credentials.security_level() {
            return Err(Error::InvalidArgument(
                "the security level needs passphrases that were not given".into(),
            ));
        }
        let engine = self.engine_for(v3).await?;
        let mut timing = V3Timing::new(engine, v3.engine_id.is_some());
        let mut keys = Self::keys_for(v3, &timing.engine().engine_id)?;
        loop {
            let reply = self
                .exchange_v3(v3, &keys, &mut timing, pdu.clone())
                .await?;
            let now = Instant::now();
            match reply {
                V3Reply::Response(p) => {
                    self.engine_cache()
                        .insert(self.inner.target, timing.engine().clone(), now);
                    return Ok(p);
                }
                V3Reply::Report(report, oid, params) => {
                    let before = timing.engine().engine_id.clone();
                    match timing.on_report(report, &oid, &params, now) {
                        ReportAction::Fail(e) => return Err(e.into()),
                        ReportAction::Resend => {
                            if timing.engine().engine_id != before {
                                keys = Self::keys_for(v3, &timing.engine().engine_id)?;
                            }
                            self.engine_cache().insert(
                                self.inner.target,
                                timing.engine().clone(),
                                now,
                            );
                        }
                    }
                }
            }
        }
    }

    /// The agent's engine: from `-e`, the cache, or discovery.
    async fn engine_for(&self, v3: &V3Security) -> Result<EngineInfo> {
        let now = Instant::now();
        let cached = self.engine_cache().get(&self.inner.target, now);
        if let Some(id) = &v3.engine_id {
            if let Some(e) = cached.filter(|e| &e.engine_id == id) {
                return Ok(e);
            }
            let (b, t) = v3.boots_time.unwrap_or((0, 0));
            return Ok(EngineInfo::new(id.clone(), EngineTime::new(b, t, now)));
        }
        if let Some(e) = cached {
            return Ok(e);
        }
        let e = self.discover().await?;
        self.engine_cache()
            .insert(self.inner.target, e.clone(), Instant::now());
        Ok(e)
    }

    /// RFC 3414 §4: a reportable noAuthNoPriv Get with no engine ID, no user and no varbinds;
    /// the Report names the engine and its boots and time.
    async fn discover(&self) -> Result<EngineInfo> {
        let msg_id = self.inner.transport.next_id();
        let msg = V3Message {
            msg_id,
            max_size: MAX_MESSAGE_SIZE,
            flags: flags::REPORTABLE,
            security_model: 3,
            usm: UsmParams::default(),
            data: ScopedPduData::Plaintext(ScopedPdu {
                context_engine_id: Vec::new(),
                context_name: Vec::new(),
                pdu: Pdu::request(PduType::Get, self.inner.transport.next_id(), &[]),
            }),
        };
        let bytes = msg.encode().bytes;
        let reply = self.send_v3(msg_id, &bytes).await?;
        let Message::V3(d) = reply.message else {
            return Err(Error::UnexpectedResponse(
                "discovery answered with a non-v3 message",
            ));
        };
        if d.msg.usm.engine_id.is_empty() {
            return Err(Error::UnexpectedResponse(
                "discovery Report carries no engine ID",
            ));
        }
        let time = EngineTime::new(
            d.msg.usm.engine_boots,
            d.msg.usm.engine_time,
            Instant::now(),
        );
        // RFC 3412: msgMaxSize is at least 484; ignore nonsense.
        let max_size = usize::try_from(d.msg.max_size).ok().filter(|m| *m >= 484);
        Ok(EngineInfo::new(d.msg.usm.engine_id.clone(), time).with_max_size(max_size))
    }

    async fn send_v3(&self, msg_id: i32, bytes: &[u8]) -> Result<crate::transport::Reply> {
        self.inner
            .transport
            .request(
                self.inner.target,
                msg_id,
                bytes,
                self.inner.options.timeout,
                self.inner.options.retries,
            )
            .await
            .map_err(|e| self.map_transport(e))
    }

    /// Seals and sends one request, then opens the answer.
    async fn exchange_v3(
        &self,
        v3: &V3Security,
        keys: &UserKeys,
        timing: &mut V3Timing,
        pdu: Pdu,
    ) -> Result<V3Reply> {
        let msg_id = self.inner.transport.next_id();
        let (boots, time) = timing.outgoing(Instant::now());
        let engine = timing.engine();
        let msg = V3Message {
            msg_id,
            max_size: MAX_MESSAGE_SIZE,
            flags: v3.level.flags()
                | if pdu.pdu_type == PduType::TrapV2 {
                    0
                } else {
                    flags::REPORTABLE
                },
            security_model: 3,
            usm: UsmParams {
                engine_id: engine.engine_id.clone(),
                engine_boots: boots,
                engine_time: time,
                user_name: v3.credentials.user_name().to_vec(),
                auth_params: Vec::new(),
                priv_params: Vec::new(),
            },
            data: ScopedPduData::Plaintext(ScopedPdu {
                context_engine_id: v3
                    .context_engine_id
                    .clone()
                    .unwrap_or_else(|| engine.engine_id.clone()),
                context_name: v3.context_name.clone(),
                pdu,
            }),
        };
        let bytes = usm::seal(msg, keys, SaltSource::global()).map_err(usm_error)?;
        // RFC 3412 §7.1: never send an engine more than its msgMaxSize.
        if let Some(max) = engine.max_size {
            if bytes.len() > max {
                return Err(Error::InvalidArgument(format!(
                    "request of {} bytes exceeds the agent's msgMaxSize of {max}",
                    bytes.len()
                )));
            }
        }
        let reply = self.send_v3(msg_id, &bytes).await?;
        let Message::V3(d) = reply.message else {
            return Err(Error::UnexpectedResponse(
                "a v3 request answered with a non-v3 message",
            ));
        };
        open_reply(&reply.bytes, d, keys, timing, Instant::now())
    }
}

/// Checks and opens a v3 answer received at `now`, sans-I/O.
fn open_reply(
    bytes: &[u8],
    d: DecodedV3,
    keys: &UserKeys,
    timing: &mut V3Timing,
    now: Instant,
) -> Result<V3Reply> {
    let params = d.msg.usm.clone();
    let authenticated = d.msg.flags & flags::AUTH != 0;
    let msg = if authenticated {
        usm::open(bytes, d, keys).map_err(usm_error)?
    } else {
        d.msg
    };
    let ScopedPduData::Plaintext(scoped) = msg.data else {
        return Err(Error::UnexpectedResponse(
            "encrypted answer to an unencrypted request",
        ));
    };
    match scoped.pdu.pdu_type {
        PduType::Response => {
            if authenticated {
                // RFC 3414 §3.2 step 7: an authenticated message must be inside the time
                // window; its newer clock keeps the estimate fresh for the next request.
                timing
                    .on_authenticated(params.engine_boots, params.engine_time, now)
                    .map_err(usm_error)?;
            }
            Ok(V3Reply::Response(scoped.pdu))
        }
        PduType::Report => {
            let oid = scoped
                .pdu
                .varbinds
                .first()
                .map(|vb| vb.oid.clone())
                .unwrap_or_default();
            Ok(V3Reply::Report(UsmReport::from_oid(&oid), oid, params))
        }
        _ => Err(Error::UnexpectedResponse("not a Response or Report PDU")),
    }
}

/// [`open_reply`] for the unit tests: a Report's kind, OID and USM parameters.
#[cfg(test)]
pub(crate) fn open_reply_for_test(
    bytes: &[u8],
    d: DecodedV3,
    keys: &UserKeys,
    timing: &mut V3Timing,
    now: Instant,
) -> Result<(Option<UsmReport>, Oid, UsmParams)> {
    match open_reply(bytes, d, keys, timing, now)? {
        V3Reply::Report(kind, oid, params) => Ok((kind, oid, params)),
        V3Reply::Response(_) => Err(Error::UnexpectedResponse("a Response, not a Report")),
    }
}

#[derive(Debug)]
enum V3Reply {
    Response(Pdu),
    Report(Option<UsmReport>, Oid, UsmParams),
}

/// The engine ID this process uses as the authoritative sender of v3 traps when none is given:
/// enterprise 8072 (net-snmp's number, as its tools do), format 4 (text), "snmpkit" and a
/// host-derived suffix, stable across runs on one host.
pub fn local_engine_id() -> Vec<u8> {
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    let mut h: u32 = 0x811c_9dc5;
    for b in host.trim().bytes() {
        h = (h ^ b as u32).wrapping_mul(0x0100_0193);
    }
    let mut id = vec![0x80, 0x00, 0x1f, 0x88, 0x04];
    id.extend_from_slice(b"snmpkit");
    id.extend_from_slice(&h.to_be_bytes());
    id
}

impl Client {
    /// A v3 trap: we are the authoritative engine (RFC 3414 §1.5.1), so our own engine ID,
    /// boots and time go in the message and no discovery happens.
    pub(super) async fn trap_v3(&self, v3: &V3Security, pdu: Pdu) -> Result<()> {
        v3.credentials.validate().map_err(usm_error)?;
        let engine_id = v3.engine_id.clone().unwrap_or_else(local_engine_id);
        let keys = if v3.level == SecurityLevel::NoAuthNoPriv {
            UserKeys::none(v3.credentials.user_name(), &engine_id)
        } else {
            v3.credentials.localize(&engine_id).map_err(usm_error)?
        };
        let (boots, time) = v3.boots_time.unwrap_or((1, super::host_uptime() / 100));
        let msg = V3Message {
            msg_id: self.inner.transport.next_id(),
            max_size: MAX_MESSAGE_SIZE,
            flags: v3.level.flags(),
            security_model: 3,
            usm: UsmParams {
                engine_id: engine_id.clone(),
                engine_boots: boots,
                engine_time: time,
                user_name: v3.credentials.user_name().to_vec(),
                auth_params: Vec::new(),
                priv_params: Vec::new(),
            },
            data: ScopedPduData::Plaintext(ScopedPdu {
                context_engine_id: v3.context_engine_id.clone().unwrap_or(engine_id),
                context_name: v3.context_name.clone(),
                pdu,
            }),
        };
        let bytes = usm::seal(msg, &keys, SaltSource::global()).map_err(usm_error)?;
        self.inner.transport.send(self.inner.target, &bytes).await?;
        Ok(())
    }
}
