//! The command responder (RFC 3416 §4.2): Get, GetNext, GetBulk and Set over the recorded data,
//! answered as snmpd answers, sans I/O.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::config::{Access, AgentConfig, Sink};
use super::device::{advance, Device, Devices, VaryRate};
use super::events::LinkEvent;
use super::recording::Recording;
use super::store::{Store, SYS_UPTIME_0};
use super::user::LocalUser;
use super::{AgentError, Counters, Options, Stats};
use snmpkit::codec::{
    decode_message, varbind_len, AnyPdu, CommunityMessage, Message, Pdu, PduType, Version,
};
use snmpkit::mib::Mib;
use snmpkit::notify::LocalEngine;
use snmpkit::{Oid, Value, VarBind};

/// The largest message the agent sends (what fits in one UDP datagram over IPv4).
pub(crate) const MAX_MESSAGE: usize = snmpkit::transport::MAX_DATAGRAM;
/// The smallest msgMaxSize RFC 3412 allows; smaller claims are raised to it.
const MIN_MESSAGE: usize = 484;

/// error-status values (RFC 3416 §3).
pub(crate) mod status {
    pub const TOO_BIG: i32 = 1;
    pub const NO_SUCH_NAME: i32 = 2;
    pub const BAD_VALUE: i32 = 3;
    pub const GEN_ERR: i32 = 5;
    pub const NO_ACCESS: i32 = 6;
    pub const WRONG_TYPE: i32 = 7;
    pub const WRONG_LENGTH: i32 = 8;
    pub const WRONG_VALUE: i32 = 10;
    pub const NO_CREATION: i32 = 11;
    pub const NOT_WRITABLE: i32 = 17;
    pub const AUTHORIZATION_ERROR: i32 = 16;
}

/// The agent: recorded data, who may ask for it, and each simulated device's state. Cheap to
/// share behind an `Arc`; [`Agent::handle`] may be called from several tasks.
#[derive(Debug)]
pub struct Agent {
    pub(crate) stores: Vec<Store>,
    /// Community / context name -> store index (0 is the unnamed data).
    pub(crate) names: HashMap<Vec<u8>, usize>,
    pub(crate) config: AgentConfig,
    /// Objects the configuration sets (sysName, ...): not writable by SNMP, as in snmpd.
    pub(crate) fixed: HashSet<Oid>,
    pub(crate) users: Vec<LocalUser>,
    pub(crate) engine: LocalEngine,
    pub(crate) started: Instant,
    vary: Option<VaryRate>,
    pub(crate) mib: Mib,
    pub(crate) state: Mutex<State>,
    pub(crate) counters: Arc<Counters>,
    /// [`Options::inform_timeout`].
    pub(crate) inform_timeout: Duration,
    /// [`Options::max_pending_informs`].
    pub(crate) max_pending_informs: usize,
}

/// Mutable state, behind one lock (requests are short).
#[derive(Debug)]
pub(crate) struct State {
    pub devices: Devices,
    /// usmStats counters in [`UsmReport::ALL`](snmpkit::usm::UsmReport::ALL) order.
    pub usm: [u32; 6],
    /// snmpUnknownContexts.
    pub unknown_contexts: u32,
}

/// What handling one datagram produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The Response or Report to send back to the source, from the address the request was
    /// sent to. `None`: the datagram is dropped (and counted).
    pub reply: Option<Vec<u8>>,
    /// Interface state changes a Set caused (linkDown/linkUp to send).
    pub events: Vec<LinkEvent>,
}

/// snmpEngine group (RFC 3411): snmpEngineID, Boots, Time, MaxMessageSize.
const SNMP_ENGINE: [u32; 9] = [1, 3, 6, 1, 6, 3, 10, 2, 1];
/// usmStats (RFC 3414 §5).
const USM_STATS: [u32; 9] = [1, 3, 6, 1, 6, 3, 15, 1, 1];

impl Agent {
    /// Builds the agent from its configuration (use [`AgentConfig::lab_default`] for snmpd's
    /// lab defaults), recordings and options. Unnamed recordings are merged; named ones are
    /// served under their community and context. The configuration's sysContact, sysName,
    /// sysLocation and sysServices replace recorded values (and are then read-only, as in
    /// snmpd). With v3 users, the engine's own snmpEngine and usmStats instances are live:
    /// recorded ones show the engine's values (usmStats: recorded plus counted), and missing
    /// ones still answer a Get, so a walk replays the recording exactly.
    pub fn new(
        config: AgentConfig,
        recordings: Vec<Recording>,
        options: Options,
    ) -> Result<Agent, AgentError> {
        let mib = Mib::builtin();
        let engine = match (&options.state_file, &config.engine_id) {
            (Some(path), id) => snmpkit::notify::load_engine(path, id.as_ref())
                .map_err(|e| AgentError::Config(e.to_string()))?,
            (None, Some(id)) => LocalEngine {
                engine_id: id.clone(),
                boots: 1,
            },
            (None, None) => LocalEngine::generate(),
        };
        let mut unnamed = Vec::new();
        let mut named: Vec<(String, Vec<(Oid, Value)>)> = Vec::new();
        for r in recordings {
            let bindings = r.varbinds.into_iter().map(|vb| (vb.oid, vb.value));
            match r.name {
                None => unnamed.extend(bindings),
                Some(n) => named.push((n, bindings.collect())),
            }
        }
        let mut stores = vec![Store::new(unnamed, &mib)];
        let mut names = HashMap::new();
        for (n, b) in named {
            if names.contains_key(n.as_bytes()) {
                return Err(AgentError::Config(format!(
                    "two recordings are named {n:?}; each community and context needs one"
                )));
            }
            names.insert(n.into_bytes(), stores.len());
            stores.push(Store::new(b, &mib));
        }
        let mut users = Vec::new();
        for u in &config.users {
            users.push(
                LocalUser::new(u, &engine.engine_id)
                    .map_err(|e| AgentError::Config(format!("user {}: {e}", u.name)))?,
            );
        }
        let text = |v: &Option<String>| {
            v.as_ref()
                .map(|t| Value::OctetString(t.as_bytes().to_vec()))
        };
        let overrides: Vec<(Oid, Value)> = [
            (4, text(&config.sys_contact)),
            (5, text(&config.sys_name)),
            (6, text(&config.sys_location)),
            (7, config.sys_services.map(Value::Integer)),
        ]
        .into_iter()
        .filter_map(|(arc, v)| Some((Oid::from_slice(&[1, 3, 6, 1, 2, 1, 1, arc, 0]), v?)))
        .collect();
        let fixed = overrides.iter().map(|(o, _)| o.clone()).collect();
        for s in &mut stores {
            for (oid, v) in &overrides {
                s.insert(oid.clone(), v.clone(), &mib);
            }
        }
        Ok(Agent {
            stores,
            names,
            config,
            fixed,
            users,
            engine,
            started: Instant::now(),
            vary: options.vary,
            mib,
            state: Mutex::new(State {
                devices: Devices::new(options.max_devices),
                usm: [0; 6],
                unknown_contexts: 0,
            }),
            counters: Arc::new(Counters::default()),
            inform_timeout: options.inform_timeout,
            max_pending_informs: options.max_pending_informs,
        })
    }

    /// What the agent counted so far.
    pub fn stats(&self) -> Stats {
        self.counters.snapshot()
    }

    /// The notification sinks of the configuration.
    pub fn sinks(&self) -> &[Sink] {
        &self.config.sinks
    }

    /// The configuration's `agentAddress` entries.
    pub fn config_addresses(&self) -> &[String] {
        &self.config.listen
    }

    /// The agent's engine boots (from the state file, else 1).
    pub fn engine_boots(&self) -> u32 {
        self.engine.boots
    }

    /// The agent's snmpEngineID.
    pub fn engine_id(&self) -> &[u8] {
        &self.engine.engine_id
    }

    /// How many bindings the unnamed data and each named recording hold.
    pub fn sizes(&self) -> Vec<(Option<String>, usize)> {
        let mut v = vec![(None, self.stores.first().map_or(0, Store::len))];
        let mut named: Vec<_> = self.names.iter().collect();
        named.sort();
        for (n, &i) in named {
            let len = self.stores.get(i).map_or(0, Store::len);
            v.push((Some(String::from_utf8_lossy(n).into_owned()), len));
        }
        v
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the state inconsistent in a way that
        // matters more than stopping answering, so keep going.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Handles one datagram from `source` that was sent to `local` (the simulated device),
    /// at `now`. Malformed datagrams and requests that are not allowed are dropped and
    /// counted; the agent never answers them.
    pub fn handle(&self, bytes: &[u8], source: SocketAddr, local: IpAddr, now: Instant) -> Outcome {
        Counters::bump(&self.counters.received);
        let msg = match decode_message(bytes) {
            Ok(m) => m,
            Err(_) => {
                Counters::bump(&self.counters.malformed);
                return Outcome::default();
            }
        };
        let out = match msg {
            Message::Community(c) => self.community(c, source, local, now),
            Message::V3(d) => self.handle_v3(bytes, d, local, now),
        };
        if out.reply.is_some() {
            Counters::bump(&self.counters.answered);
        }
        out
    }

    fn community(
        &self,
        c: CommunityMessage,
        source: SocketAddr,
        local: IpAddr,
        now: Instant,
    ) -> Outcome {
        let AnyPdu::Pdu(pdu) = c.pdu else {
            Counters::bump(&self.counters.unsupported);
            return Outcome::default();
        };
        let ok = match pdu.pdu_type {
            PduType::Get | PduType::GetNext | PduType::Set => true,
            PduType::GetBulk => c.version == Version::V2c,
            _ => false,
        };
        if !ok {
            Counters::bump(&self.counters.unsupported);
            return Outcome::default();
        }
        let Some(access) = self.community_access(&c.community, source.ip()) else {
            Counters::bump(&self.counters.bad_community);
            return Outcome::default();
        };
        let sid = self.names.get(&c.community).copied().unwrap_or(0);
        let budget = MAX_MESSAGE.saturating_sub(32 + c.community.len());
        let mut st = self.lock();
        let (response, events) =
            self.process(&mut st, local, sid, c.version, &access, &pdu, budget, now);
        drop(st);
        let msg = CommunityMessage {
            version: c.version,
            community: c.community,
            pdu: AnyPdu::Pdu(response),
        };
        Outcome {
            reply: Some(msg.encode()),
            events,
        }
    }

    /// The access `community` has from `source`: the configuration's first matching rule; a
    /// recording's name is a read-write community unless the configuration names it.
    fn community_access(&self, community: &[u8], source: IpAddr) -> Option<Access> {
        if let Some(a) = self.config.community_access(community, source) {
            return Some(a);
        }
        let named = self
            .config
            .communities
            .iter()
            .any(|r| r.community.as_bytes() == community);
        (!named && self.names.contains_key(community)).then_some(Access {
            write: true,
            subtree: None,
        })
    }

    /// Answers one request PDU for the device at `local` from store `sid`. `budget` is how
    /// many octets the variable bindings may take in the response.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn process(
        &self,
        st: &mut State,
        local: IpAddr,
        sid: usize,
        version: Version,
        access: &Access,
        pdu: &Pdu,
        budget: usize,
        now: Instant,
    ) -> (Pdu, Vec<LinkEvent>) {
        let mut resp = Pdu {
            pdu_type: PduType::Response,
            request_id: pdu.request_id,
            error_status: 0,
            error_index: 0,
            varbinds: Vec::new(),
        };
        if pdu.pdu_type == PduType::Set {
            let (status, index, events) =
                self.set(st, local, sid, version, access, &pdu.varbinds, now);
            resp.error_status = status;
            resp.error_index = index;
            resp.varbinds = pdu.varbinds.clone();
            return (resp, events);
        }
        let usm = st.usm;
        let dev = st.devices.get(local, now);
        let Some(store) = self.stores.get(sid) else {
            resp.error_status = status::GEN_ERR;
            return (resp, Vec::new());
        };
        let view = View {
            agent: self,
            store,
            sid,
            dev,
            usm,
            now,
            v1: version == Version::V1,
            subtree: access.subtree.as_ref(),
        };
        match pdu.pdu_type {
            PduType::Get | PduType::GetNext => {
                let next = pdu.pdu_type == PduType::GetNext;
                let mut size = 0usize;
                for (i, vb) in pdu.varbinds.iter().enumerate() {
                    let got = if next {
                        view.next(&vb.oid)
                    } else {
                        view.get(&vb.oid)
                    };
                    let vb = match got {
                        Some(vb) => vb,
                        None if view.v1 => {
                            // v1: the whole request fails on the first missing variable.
                            resp.error_status = status::NO_SUCH_NAME;
                            resp.error_index = i as i32 + 1;
                            resp.varbinds = pdu.varbinds.clone();
                            return (resp, Vec::new());
                        }
                        None => VarBind::new(
                            vb.oid.clone(),
                            if next {
                                Value::EndOfMibView
                            } else {
                                view.missing(&vb.oid)
                            },
                        ),
                    };
                    size += varbind_len(&vb.oid, &vb.value);
                    resp.varbinds.push(vb);
                }
                if size > budget {
                    // RFC 3416 §4.2.1 (empty bindings); RFC 1157 §4.1.2 (the request's).
                    resp.error_status = status::TOO_BIG;
                    resp.error_index = 0;
                    resp.varbinds = if view.v1 {
                        pdu.varbinds.clone()
                    } else {
                        Vec::new()
                    };
                }
            }
            PduType::GetBulk => {
                resp.varbinds = view.bulk(pdu, budget);
                if resp.varbinds.is_empty() && !pdu.varbinds.is_empty() {
                    resp.error_status = status::TOO_BIG;
                }
            }
            _ => resp.error_status = status::GEN_ERR,
        }
        (resp, Vec::new())
    }
}

/// Reading one store as one device sees it at one instant.
pub(crate) struct View<'a> {
    pub agent: &'a Agent,
    pub store: &'a Store,
    pub sid: usize,
    pub dev: &'a Device,
    pub usm: [u32; 6],
    pub now: Instant,
    pub v1: bool,
    /// The part of the tree the community or user may see (VACM view), if restricted.
    pub subtree: Option<&'a Oid>,
}

impl<'a> View<'a> {
    /// The value a device shows for a recorded binding: its own Set value, sysUpTime and the
    /// engine's counters live, counters moved on with `--vary`.
    fn live(&self, oid: &Oid, recorded: &Value) -> Value {
        if !self.dev.overlay.is_empty() {
            if let Some(v) = self.dev.overlay.get(&(self.sid, oid.clone())) {
                return v.clone();
            }
        }
        let a = oid.arcs();
        if a == SYS_UPTIME_0 {
            if let Value::TimeTicks(t) = recorded {
                let cs = self.dev.elapsed_ms(self.now) / 10;
                return Value::TimeTicks(t.wrapping_add(cs as u32));
            }
        }
        if a.len() == 11 && a.starts_with(&[1, 3, 6, 1, 6, 3]) {
            if let Some(v) = self.engine_value(a, Some(recorded)) {
                return v;
            }
        }
        if let (Some(rate), Value::Counter32(_) | Value::Counter64(_)) = (self.agent.vary, recorded)
        {
            let base = match recorded {
                Value::Counter32(c) => u64::from(*c),
                Value::Counter64(c) => *c,
                _ => 0,
            };
            let r = rate.rate(base, self.store.recorded_uptime());
            return advance(recorded, r, self.dev.elapsed_ms(self.now));
        }
        recorded.clone()
    }

    fn engine_value(&self, a: &[u32], recorded: Option<&Value>) -> Option<Value> {
        if self.agent.users.is_empty() {
            return None;
        }
        let (group, rest) = a.split_at(9);
        if group == SNMP_ENGINE {
            let secs = self
                .now
                .saturating_duration_since(self.agent.started)
                .as_secs();
            return match rest {
                [1, 0] => Some(Value::OctetString(self.agent.engine.engine_id.to_vec())),
                [2, 0] => Some(Value::Integer(i64::from(self.agent.engine.boots))),
                [3, 0] => Some(Value::Integer(secs.min(i32::MAX as u64) as i64)),
                [4, 0] => Some(Value::Integer(MAX_MESSAGE as i64)),
                _ => None,
            };
        }
        if group == USM_STATS {
            let base = match recorded {
                Some(Value::Counter32(b)) => Some(*b),
                None => Some(0),
                Some(_) => None,
            };
            if let ([k @ 1..=6, 0], Some(base)) = (rest, base) {
                let ours = self.usm.get(*k as usize - 1).copied().unwrap_or(0);
                return Some(Value::Counter32(base.wrapping_add(ours)));
            }
        }
        None
    }

    /// Get of one instance; `None` when nothing is there (or, in v1, a Counter64).
    fn get(&self, oid: &Oid) -> Option<VarBind> {
        if self.subtree.is_some_and(|t| !oid.starts_with(t)) {
            return None;
        }
        let Some(v) = self.store.get(oid) else {
            let a = oid.arcs();
            if a.len() == 11 && a.starts_with(&[1, 3, 6, 1, 6, 3]) {
                let v = self.engine_value(a, None)?;
                return Some(VarBind::new(oid.clone(), v));
            }
            return None;
        };
        if self.v1 && (matches!(v, Value::Counter64(_)) || v.is_exception()) {
            return None;
        }
        Some(VarBind::new(oid.clone(), self.live(oid, v)))
    }

    /// The v2 exception for a Get that found nothing.
    fn missing(&self, oid: &Oid) -> Value {
        let visible = self.subtree.is_none_or(|t| oid.starts_with(t));
        if visible && self.store.has_object_above(oid) {
            Value::NoSuchInstance
        } else {
            Value::NoSuchObject
        }
    }

    /// GetNext of one name. Recorded exceptions are passed over, and v1 passes over
    /// Counter64 values (RFC 3584 §4.2.2.1).
    fn next(&self, oid: &Oid) -> Option<VarBind> {
        let skip = |v: &Value| v.is_exception() || self.v1 && matches!(v, Value::Counter64(_));
        let found = match self.subtree {
            None => self.store.iter_after(oid).find(|(_, v)| !skip(v)),
            Some(t) => {
                let it = if oid < t {
                    self.store.iter_from(t)
                } else {
                    self.store.iter_after(oid)
                };
                it.take_while(|(o, _)| o.starts_with(t))
                    .find(|(_, v)| !skip(v))
            }
        };
        found.map(|(o, v)| VarBind::new(o.clone(), self.live(o, v)))
    }

    /// GetBulk (RFC 3416 §4.2.3), truncated to `budget` octets of bindings. Like snmpd, the
    /// repetitions stop after one in which the first repeater reached endOfMibView.
    fn bulk(&self, pdu: &Pdu, budget: usize) -> Vec<VarBind> {
        let count = pdu.varbinds.len();
        let n = usize::try_from(pdu.error_status.max(0))
            .unwrap_or(0)
            .min(count);
        let m = usize::try_from(pdu.error_index.max(0)).unwrap_or(0);
        let mut out = Vec::with_capacity(n + (count - n) * m.min(64));
        let mut size = 0usize;
        let mut push = |out: &mut Vec<VarBind>, vb: VarBind| -> bool {
            let l = varbind_len(&vb.oid, &vb.value);
            if size + l > budget || out.len() >= snmpkit::codec::MAX_VARBINDS {
                return false;
            }
            size += l;
            out.push(vb);
            true
        };
        for vb in &pdu.varbinds[..n] {
            let r = self
                .next(&vb.oid)
                .unwrap_or_else(|| VarBind::new(vb.oid.clone(), Value::EndOfMibView));
            if !push(&mut out, r) {
                return out;
            }
        }
        let mut cursor: Vec<Oid> = pdu.varbinds[n..].iter().map(|v| v.oid.clone()).collect();
        if cursor.is_empty() {
            return out;
        }
        for _ in 0..m {
            let mut first_end = false;
            let mut all_end = true;
            for (j, c) in cursor.iter_mut().enumerate() {
                let r = match self.next(c) {
                    Some(vb) => {
                        all_end = false;
                        vb
                    }
                    None => {
                        first_end |= j == 0;
                        VarBind::new(c.clone(), Value::EndOfMibView)
                    }
                };
                c.clone_from(&r.oid);
                if !push(&mut out, r) {
                    return out;
                }
            }
            if first_end || all_end {
                break;
            }
        }
        out
    }
}

/// An unnamed in-memory recording, for tests.
#[cfg(test)]
pub(crate) fn test_recording(bindings: Vec<(Oid, Value)>) -> Recording {
    Recording {
        name: None,
        source: std::path::PathBuf::from("test"),
        varbinds: bindings
            .into_iter()
            .map(|(o, v)| VarBind::new(o, v))
            .collect(),
        warnings: Vec::new(),
    }
}

/// A v3 requester's msgMaxSize, within what RFC 3412 and UDP allow.
pub(crate) fn clamp_max_size(max: i32) -> usize {
    usize::try_from(max)
        .unwrap_or(MIN_MESSAGE)
        .clamp(MIN_MESSAGE, MAX_MESSAGE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use snmpkit::codec::{decode_message, Message};

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    fn agent() -> Agent {
        Agent::new(
            AgentConfig::lab_default(),
            vec![test_recording(vec![
                (
                    oid("1.3.6.1.2.1.1.1.0"),
                    Value::OctetString(b"lab router".to_vec()),
                ),
                (oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(1000)),
                (oid("1.3.6.1.2.1.1.5.0"), Value::OctetString(b"r1".to_vec())),
                (
                    oid("1.3.6.1.2.1.2.2.1.2.1"),
                    Value::OctetString(b"lo".to_vec()),
                ),
                (
                    oid("1.3.6.1.2.1.2.2.1.2.2"),
                    Value::OctetString(b"eth0".to_vec()),
                ),
                (oid("1.3.6.1.2.1.31.1.1.1.6.2"), Value::Counter64(1 << 40)),
            ])],
            Options::default(),
        )
        .unwrap()
    }

    fn ask(a: &Agent, version: Version, community: &str, pdu: Pdu) -> Option<Pdu> {
        let bytes = CommunityMessage {
            version,
            community: community.as_bytes().to_vec(),
            pdu: AnyPdu::Pdu(pdu),
        }
        .encode();
        let out = a.handle(
            &bytes,
            "127.0.0.1:5000".parse().unwrap(),
            "127.0.0.1".parse().unwrap(),
            Instant::now(),
        );
        match decode_message(&out.reply?).unwrap() {
            Message::Community(CommunityMessage {
                pdu: AnyPdu::Pdu(p),
                ..
            }) => Some(p),
            _ => panic!("not a community response"),
        }
    }

    #[test]
    fn v2c_get_exceptions_as_snmpd() {
        let a = agent();
        let r = ask(
            &a,
            Version::V2c,
            "public",
            Pdu::request(
                PduType::Get,
                7,
                &[
                    oid("1.3.6.1.2.1.1.5.0"),
                    oid("1.3.6.1.2.1.1.5"),
                    oid("1.3.6.1.2.1.1"),
                    oid("1.3.6.1.2.1.2.2.1.2.9"),
                    oid("1.3.6.1.2.1.99.1.0"),
                ],
            ),
        )
        .unwrap();
        assert_eq!(r.request_id, 7);
        let values: Vec<_> = r.varbinds.iter().map(|v| v.value.clone()).collect();
        assert_eq!(
            values,
            vec![
                Value::OctetString(b"r1".to_vec()),
                Value::NoSuchInstance,
                Value::NoSuchObject,
                Value::NoSuchInstance,
                Value::NoSuchObject,
            ]
        );
    }

    #[test]
    fn v1_no_such_name_and_counter64_skipped() {
        let a = agent();
        let r = ask(
            &a,
            Version::V1,
            "public",
            Pdu::request(
                PduType::Get,
                1,
                &[oid("1.3.6.1.2.1.1.5.0"), oid("1.3.6.1.2.1.1.6.0")],
            ),
        )
        .unwrap();
        assert_eq!((r.error_status, r.error_index), (status::NO_SUCH_NAME, 2));
        assert_eq!(r.varbinds[1].value, Value::Null);
        let r = ask(
            &a,
            Version::V1,
            "public",
            Pdu::request(PduType::GetNext, 1, &[oid("1.3.6.1.2.1.2.2.1.2.2")]),
        )
        .unwrap();
        assert_eq!((r.error_status, r.error_index), (status::NO_SUCH_NAME, 1));
        let r = ask(
            &a,
            Version::V2c,
            "public",
            Pdu::request(PduType::GetNext, 1, &[oid("1.3.6.1.2.1.2.2.1.2.2")]),
        )
        .unwrap();
        assert_eq!(r.varbinds[0].value, Value::Counter64(1 << 40));
    }

    #[test]
    fn bulk_repeats_and_stops_like_snmpd() {
        let a = agent();
        let r = ask(
            &a,
            Version::V2c,
            "public",
            Pdu::get_bulk(
                3,
                1,
                10,
                &[
                    oid("1.3.6.1.2.1.1.1.0"),
                    oid("1.3.6.1.2.1.2.2.1.2"),
                    oid("1.9"),
                ],
            ),
        )
        .unwrap();
        let oids: Vec<String> = r.varbinds.iter().map(|v| v.oid.to_string()).collect();
        assert_eq!(oids[0], "1.3.6.1.2.1.1.3.0");
        // Repeaters [ifDescr, 1.9]: 1.9 is at the end from the start but is not first, so
        // repetitions go on until the first repeater ends too.
        assert_eq!(oids[1], "1.3.6.1.2.1.2.2.1.2.1");
        assert_eq!(r.varbinds[2].value, Value::EndOfMibView);
        assert_eq!(r.varbinds.last().unwrap().value, Value::EndOfMibView);
        assert!(r.varbinds.len() < 1 + 2 * 10);
        // The first repeater at the end: one repetition only.
        let r = ask(
            &a,
            Version::V2c,
            "public",
            Pdu::get_bulk(4, 0, 5, &[oid("1.9"), oid("1.3.6.1.2.1.1.3")]),
        )
        .unwrap();
        assert_eq!(r.varbinds.len(), 2);
    }

    #[test]
    fn bulk_truncates_to_fit() {
        let big = Value::OctetString(vec![b'x'; 1000]);
        let data = (1..=200u32)
            .map(|i| (Oid::from_slice(&[1, 3, 6, 1, 4, 1, 99, i]), big.clone()))
            .collect();
        let a = Agent::new(
            AgentConfig::lab_default(),
            vec![test_recording(data)],
            Options::default(),
        )
        .unwrap();
        let r = ask(
            &a,
            Version::V2c,
            "public",
            Pdu::get_bulk(5, 0, 200, &[oid("1.3.6.1.4.1.99")]),
        )
        .unwrap();
        assert_eq!(r.error_status, 0);
        assert!(r.varbinds.len() > 10 && r.varbinds.len() < 200);
        // A Get whose answer cannot fit is tooBig (v2: no bindings; v1: the request's).
        let oids: Vec<Oid> = (1..=100u32)
            .map(|i| Oid::from_slice(&[1, 3, 6, 1, 4, 1, 99, i]))
            .collect();
        let r = ask(
            &a,
            Version::V2c,
            "public",
            Pdu::request(PduType::Get, 1, &oids),
        )
        .unwrap();
        assert_eq!((r.error_status, r.varbinds.len()), (status::TOO_BIG, 0));
        let r = ask(
            &a,
            Version::V1,
            "public",
            Pdu::request(PduType::Get, 1, &oids),
        )
        .unwrap();
        assert_eq!((r.error_status, r.varbinds.len()), (status::TOO_BIG, 100));
    }

    #[test]
    fn encoded_lengths_match_the_codec() {
        let cases = [
            Value::Integer(0),
            Value::Integer(-129),
            Value::Integer(i64::MAX),
            Value::OctetString(vec![0; 300]),
            Value::Counter32(u32::MAX),
            Value::Counter64(u64::MAX),
            Value::TimeTicks(128),
            Value::Gauge32(0),
            Value::IpAddress([1, 2, 3, 4]),
            Value::ObjectIdentifier(oid("1.3.6.1.4.1.4294967295")),
            Value::EndOfMibView,
        ];
        for v in cases {
            let o = oid("1.3.6.1.2.1.2.2.1.2.200");
            let pdu = Pdu {
                pdu_type: PduType::Response,
                request_id: 0,
                error_status: 0,
                error_index: 0,
                varbinds: vec![VarBind::new(o.clone(), v.clone())],
            };
            let empty = Pdu {
                varbinds: vec![],
                ..pdu.clone()
            };
            let enc = |p: Pdu| {
                CommunityMessage {
                    version: Version::V2c,
                    community: vec![],
                    pdu: AnyPdu::Pdu(p),
                }
                .encode()
                .len()
            };
            let diff = enc(pdu) - enc(empty);
            // The enclosing lengths may grow by up to two octets each; the binding itself is exact.
            let l = varbind_len(&o, &v);
            assert!(diff >= l && diff <= l + 6, "{v:?}: {diff} vs {l}");
        }
    }

    #[test]
    fn malformed_and_unknown_community_are_dropped() {
        let a = agent();
        for bytes in [&b""[..], b"\x30\x03\x02\x01", b"garbage that is not BER"] {
            let out = a.handle(
                bytes,
                "127.0.0.1:5000".parse().unwrap(),
                "127.0.0.1".parse().unwrap(),
                Instant::now(),
            );
            assert!(out.reply.is_none());
        }
        assert!(ask(
            &a,
            Version::V2c,
            "nope",
            Pdu::request(PduType::Get, 1, &[oid("1.3.6.1.2.1.1.5.0")])
        )
        .is_none());
        let s = a.stats();
        assert_eq!((s.malformed, s.bad_community, s.answered), (3, 1, 0));
    }
}
