//! The SNMPv3 request path: engine discovery (RFC 3414 §4), a process-wide engine cache with
//! time estimates, sealing and opening messages through `usm`, and USM Reports as errors.

use super::Client;
use crate::codec::{
    flags, DecodedV3, Message, Pdu, PduType, ScopedPdu, ScopedPduData, UsmParams, V3Message,
};
use crate::error::{Error, Result};
use crate::usm::{self, Credentials, EngineTime, SaltSource, SecurityLevel, UserKeys, UsmError};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

/// The msgMaxSize we advertise: the largest UDP payload over IPv4.
pub const MAX_MESSAGE_SIZE: i32 = 65_507;

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

/// What this process knows about an authoritative engine.
#[derive(Clone, Debug)]
struct Engine {
    id: Vec<u8>,
    time: EngineTime,
    /// The largest message the engine accepts (its msgMaxSize), once known.
    max_size: Option<usize>,
}

/// The engine cache shared by every client in the process, keyed by agent address.
fn engines() -> &'static Mutex<HashMap<SocketAddr, Engine>> {
    static E: OnceLock<Mutex<HashMap<SocketAddr, Engine>>> = OnceLock::new();
    E.get_or_init(|| Mutex::new(HashMap::new()))
}

fn cached_engine(addr: &SocketAddr) -> Option<Engine> {
    engines().lock().ok()?.get(addr).cloned()
}

fn store_engine(addr: SocketAddr, e: Engine) {
    if let Ok(mut m) = engines().lock() {
        if m.len() > 10_000 {
            m.clear();
        }
        m.insert(addr, e);
    }
}

fn usm_error(e: UsmError) -> Error {
    Error::Usm(e)
}

impl Client {
    pub(super) async fn request_v3(&self, v3: &V3Security, pdu: Pdu) -> Result<Pdu> {
        // Refuse bad credentials (short passphrases) before anything is sent.
        v3.credentials.validate().map_err(usm_error)?;
        if v3.level > v3.credentials.security_level() {
            return Err(Error::InvalidArgument(
                "the security level needs passphrases that were not given".into(),
            ));
        }
        let mut engine = self.engine_for(v3).await?;
        let keys = if v3.level == SecurityLevel::NoAuthNoPriv {
            UserKeys::none(v3.credentials.user_name(), &engine.id)
        } else {
            v3.credentials.localize(&engine.id).map_err(usm_error)?
        };
        let mut resynced = false;
        loop {
            let reply = self.exchange_v3(v3, &keys, &engine, pdu.clone()).await?;
            match reply {
                V3Reply::Response(p) => return Ok(p),
                V3Reply::Report(None, oid, _) => {
                    return Err(Error::Report(Box::new(oid)));
                }
                V3Reply::Report(Some(report), _, params) => {
                    let is_time = report == usm::UsmReport::NotInTimeWindow;
                    let is_engine = report == usm::UsmReport::UnknownEngineId;
                    if (is_time || is_engine) && !resynced && v3.engine_id.is_none() {
                        // RFC 3414 §4: the Report carries the engine's current boots and time.
                        resynced = true;
                        if !params.engine_id.is_empty() {
                            engine.id = params.engine_id.clone();
                        }
                        engine.time = EngineTime::new(
                            params.engine_boots,
                            params.engine_time,
                            Instant::now(),
                        );
                        store_engine(self.inner.target, engine.clone());
                        continue;
                    }
                    if is_time && !resynced {
                        resynced = true;
                        engine.time = EngineTime::new(
                            params.engine_boots,
                            params.engine_time,
                            Instant::now(),
                        );
                        store_engine(self.inner.target, engine.clone());
                        continue;
                    }
                    return Err(usm_error(UsmError::Report(report)));
                }
            }
        }
    }

    /// The agent's engine: from `-e`, the cache, or discovery.
    async fn engine_for(&self, v3: &V3Security) -> Result<Engine> {
        let now = Instant::now();
        if let Some(id) = &v3.engine_id {
            if let Some(e) = cached_engine(&self.inner.target).filter(|e| &e.id == id) {
                return Ok(e);
            }
            let (b, t) = v3.boots_time.unwrap_or((0, 0));
            return Ok(Engine {
                id: id.clone(),
                time: EngineTime::new(b, t, now),
                max_size: None,
            });
        }
        if let Some(e) = cached_engine(&self.inner.target) {
            return Ok(e);
        }
        let e = self.discover().await?;
        store_engine(self.inner.target, e.clone());
        Ok(e)
    }

    /// RFC 3414 §4: a reportable noAuthNoPriv Get with no engine ID, no user and no varbinds;
    /// the Report names the engine and its boots and time.
    async fn discover(&self) -> Result<Engine> {
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
        Ok(Engine {
            id: d.msg.usm.engine_id.clone(),
            time: EngineTime::new(
                d.msg.usm.engine_boots,
                d.msg.usm.engine_time,
                Instant::now(),
            ),
            // RFC 3412: msgMaxSize is at least 484; ignore nonsense.
            max_size: usize::try_from(d.msg.max_size).ok().filter(|m| *m >= 484),
        })
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
        engine: &Engine,
        pdu: Pdu,
    ) -> Result<V3Reply> {
        let msg_id = self.inner.transport.next_id();
        let (boots, time) = engine.time.now(Instant::now());
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
                engine_id: engine.id.clone(),
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
                    .unwrap_or_else(|| engine.id.clone()),
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
        self.open_reply(&reply.bytes, d, keys, engine)
    }

    fn open_reply(
        &self,
        bytes: &[u8],
        d: DecodedV3,
        keys: &UserKeys,
        engine: &Engine,
    ) -> Result<V3Reply> {
        let params = d.msg.usm.clone();
        let authenticated = d.msg.flags & flags::AUTH != 0;
        let msg = if authenticated {
            let m = usm::open(bytes, d, keys).map_err(usm_error)?;
            // RFC 3414 §3.2 step 7: an authenticated message must be inside the time window.
            if data_pdu_type(&m) != Some(PduType::Report) {
                engine
                    .time
                    .check(params.engine_boots, params.engine_time, Instant::now())
                    .map_err(usm_error)?;
            }
            m
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
                    // Keep the estimate fresh for the next request.
                    let mut e = engine.clone();
                    e.time =
                        EngineTime::new(params.engine_boots, params.engine_time, Instant::now());
                    store_engine(self.inner.target, e);
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
                Ok(V3Reply::Report(usm::UsmReport::from_oid(&oid), oid, params))
            }
            _ => Err(Error::UnexpectedResponse("not a Response or Report PDU")),
        }
    }
}

enum V3Reply {
    Response(Pdu),
    Report(Option<usm::UsmReport>, crate::Oid, UsmParams),
}

/// The PDU type of a message whose ScopedPDU is readable (None while still encrypted).
fn data_pdu_type(m: &V3Message) -> Option<PduType> {
    match &m.data {
        ScopedPduData::Plaintext(s) => Some(s.pdu.pdu_type),
        ScopedPduData::Encrypted(_) => None,
    }
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
