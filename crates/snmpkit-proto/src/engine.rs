//! The SNMPv3 engine (RFC 3411 §3.1.1, RFC 3414 §2.2): [`EngineId`], the one place that knows
//! what a valid snmpEngineID is; [`LocalEngine`], our own engine when we are authoritative
//! (its ID and snmpEngineBoots, and the text of the state file that keeps them across runs); and
//! the clock of a remote authoritative engine with the time window ([`EngineTime`],
//! [`TIME_WINDOW`]).
//!
//! Nothing here reads a file or a clock: the caller reads the state file and passes its text,
//! and every function that needs the time takes `now`.

use std::fmt;
use std::ops::Deref;
use std::time::Instant;

use crate::codec::UsmParams;
use crate::usm::{UsmError, UsmReport};
use crate::Oid;

pub use crate::usm::{EngineTime, TIME_WINDOW};

/// snmpEngineBoots' ceiling (RFC 3414 §2.2.2).
pub const MAX_BOOTS: u32 = 2_147_483_647;

/// An snmpEngineID: 5 to 32 octets (RFC 3411 §5, `SnmpEngineID ::= OCTET STRING (SIZE(5..32))`).
///
/// ```
/// use snmpkit_proto::engine::EngineId;
/// let id = EngineId::parse_hex("0x8000000001020304").unwrap();
/// assert_eq!(id.as_bytes(), &[0x80, 0, 0, 0, 1, 2, 3, 4]);
/// assert_eq!(id.to_string(), "8000000001020304");
/// assert!(EngineId::new(vec![1, 2, 3]).is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EngineId(Vec<u8>);

/// Why bytes or text are not an engine ID.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EngineIdError {
    /// The ID is shorter than 5 or longer than 32 octets.
    #[error("an engine ID has 5 to 32 octets, not {0}")]
    Length(usize),
    /// The text is not hex.
    #[error("bad engine ID {0:?}: not hex")]
    NotHex(String),
}

impl EngineId {
    /// The shortest engine ID.
    pub const MIN_LEN: usize = 5;
    /// The longest engine ID.
    pub const MAX_LEN: usize = 32;

    /// Checks the length rule (RFC 3411 §5).
    pub fn new(bytes: Vec<u8>) -> Result<EngineId, EngineIdError> {
        if (Self::MIN_LEN..=Self::MAX_LEN).contains(&bytes.len()) {
            Ok(EngineId(bytes))
        } else {
            Err(EngineIdError::Length(bytes.len()))
        }
    }

    /// Reads hex, with or without `0x`, as net-snmp's `-e` and `createUser -e` take it.
    pub fn parse_hex(text: &str) -> Result<EngineId, EngineIdError> {
        let bytes =
            crate::hex::decode(text.trim()).ok_or_else(|| EngineIdError::NotHex(text.into()))?;
        EngineId::new(bytes)
    }

    /// The octets.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The octets, owned.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    /// A fresh random engine ID (RFC 3411 §5 format 5, "octets", under enterprise 0).
    pub fn random() -> EngineId {
        let mut id = vec![0x80, 0x00, 0x00, 0x00, 0x05];
        id.extend_from_slice(&crate::usm::random_u64().to_be_bytes());
        EngineId(id)
    }
}

impl Deref for EngineId {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for EngineId {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl TryFrom<Vec<u8>> for EngineId {
    type Error = EngineIdError;
    fn try_from(v: Vec<u8>) -> Result<Self, Self::Error> {
        EngineId::new(v)
    }
}

impl TryFrom<&[u8]> for EngineId {
    type Error = EngineIdError;
    fn try_from(v: &[u8]) -> Result<Self, Self::Error> {
        EngineId::new(v.to_vec())
    }
}

impl From<EngineId> for Vec<u8> {
    fn from(id: EngineId) -> Vec<u8> {
        id.0
    }
}

impl PartialEq<[u8]> for EngineId {
    fn eq(&self, other: &[u8]) -> bool {
        self.0 == other
    }
}

impl PartialEq<Vec<u8>> for EngineId {
    fn eq(&self, other: &Vec<u8>) -> bool {
        &self.0 == other
    }
}

impl PartialEq<EngineId> for Vec<u8> {
    fn eq(&self, other: &EngineId) -> bool {
        self == &other.0
    }
}

impl fmt::Display for EngineId {
    /// Hex, as net-snmp prints engine IDs in its configuration files.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::hex::encode(&self.0))
    }
}

impl fmt::Debug for EngineId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EngineId({self})")
    }
}

/// Our own SNMP engine, where we are authoritative (a receiver of informs, the lab agent): its
/// ID and snmpEngineBoots for this run (RFC 3411 §5, RFC 3414 §2.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalEngine {
    /// snmpEngineID.
    pub engine_id: EngineId,
    /// snmpEngineBoots for this run.
    pub boots: u32,
}

impl LocalEngine {
    /// A fresh random engine ID with boots 1, for an engine that keeps no state.
    pub fn generate() -> LocalEngine {
        LocalEngine {
            engine_id: EngineId::random(),
            boots: 1,
        }
    }

    /// The engine for this run from what the state file held (`None`: no file yet) and the
    /// configured ID: the stored engine with its boots incremented; a configured ID other than
    /// the stored one restarts boots at 1; with neither, a generated ID. `Err` when the stored
    /// text is not a valid state. Write [`LocalEngine::state_text`] back before serving.
    pub fn next_run(
        stored: Option<&str>,
        configured: Option<&EngineId>,
    ) -> Result<LocalEngine, StateError> {
        let stored = stored.map(parse_state).transpose()?;
        Ok(match (stored, configured) {
            (Some(s), Some(id)) if &s.engine_id != id => LocalEngine {
                engine_id: id.clone(),
                boots: 1,
            },
            (Some(s), _) => LocalEngine {
                boots: s.boots.saturating_add(1).min(MAX_BOOTS),
                engine_id: s.engine_id,
            },
            (None, Some(id)) => LocalEngine {
                engine_id: id.clone(),
                boots: 1,
            },
            (None, None) => LocalEngine::generate(),
        })
    }

    /// The state file's text for this engine (`engine_id HEX`, `engine_boots N`).
    pub fn state_text(&self, program: &str) -> String {
        format!(
            "# {program} engine state\nengine_id {}\nengine_boots {}\n",
            self.engine_id, self.boots
        )
    }

    /// (snmpEngineBoots, snmpEngineTime) `elapsed_secs` seconds after the engine started.
    pub fn clock(&self, elapsed_secs: u64) -> (u32, u32) {
        (
            self.boots,
            u32::try_from(elapsed_secs)
                .unwrap_or(MAX_BOOTS)
                .min(MAX_BOOTS),
        )
    }
}

/// The state file does not hold a valid engine.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a valid engine state (engine_id HEX and engine_boots N)")]
pub struct StateError;

fn parse_state(text: &str) -> Result<LocalEngine, StateError> {
    let (mut id, mut boots) = (None, None);
    for line in text.lines() {
        match line.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["engine_id", h] => id = EngineId::parse_hex(h).ok(),
            ["engine_boots", n] => boots = n.parse::<u32>().ok(),
            _ => {}
        }
    }
    match (id, boots) {
        (Some(engine_id), Some(boots)) => Ok(LocalEngine { engine_id, boots }),
        _ => Err(StateError),
    }
}

/// One authoritative engine as learned by discovery, a Report or an authenticated Response.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EngineInfo {
    /// snmpEngineID.
    pub engine_id: Vec<u8>,
    /// Its boots and time, and when they were learned.
    pub time: EngineTime,
    /// The largest message it accepts (its msgMaxSize), once known.
    pub max_size: Option<usize>,
}

impl EngineInfo {
    /// An engine whose msgMaxSize is not known yet.
    pub fn new(engine_id: Vec<u8>, time: EngineTime) -> Self {
        EngineInfo {
            engine_id,
            time,
            max_size: None,
        }
    }

    /// The same engine with its msgMaxSize.
    pub fn with_max_size(mut self, max_size: Option<usize>) -> Self {
        self.max_size = max_size;
        self
    }
}

/// Why a Report failed the request that drew it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReportFailure {
    /// A USM Report (RFC 3414 §3.2): wrong digest, unknown user, ...
    Usm(UsmReport),
    /// A Report naming another counter (snmpUnknownContexts, ...).
    Other(Oid),
}

/// What a Report means for the request that drew it.
#[derive(Debug)]
pub enum ReportAction {
    /// The engine's ID or clock was updated from the Report: seal and send the request again.
    Resend,
    /// The request failed.
    Fail(ReportFailure),
}

/// The timing side of one v3 request, sans-I/O: the engine as known, and whether the one
/// resynchronisation RFC 3414 §4 allows has been spent.
#[derive(Clone, Debug)]
pub struct V3Timing {
    engine: EngineInfo,
    /// The engine ID was given (`-e`): a Report cannot change it.
    fixed_engine_id: bool,
    resynced: bool,
}

impl V3Timing {
    /// The timing of a request to `engine`; `fixed_engine_id`: the ID was given (`-e`).
    pub fn new(engine: EngineInfo, fixed_engine_id: bool) -> Self {
        V3Timing {
            engine,
            fixed_engine_id,
            resynced: false,
        }
    }

    /// The engine as known now.
    pub fn engine(&self) -> &EngineInfo {
        &self.engine
    }

    /// msgAuthoritativeEngineBoots and msgAuthoritativeEngineTime for a message sent at `now`.
    pub fn outgoing(&self, now: Instant) -> (u32, u32) {
        self.engine.time.now(now)
    }

    /// A Report answered the request at `now`. notInTimeWindow (and unknownEngineID, unless
    /// the engine ID is fixed) carry the engine's identity and clock: adopt them and resend,
    /// once (RFC 3414 §4). Anything else fails the request.
    pub fn on_report(
        &mut self,
        report: Option<UsmReport>,
        oid: &Oid,
        params: &UsmParams,
        now: Instant,
    ) -> ReportAction {
        let Some(report) = report else {
            return ReportAction::Fail(ReportFailure::Other(oid.clone()));
        };
        let is_time = report == UsmReport::NotInTimeWindow;
        let is_engine = report == UsmReport::UnknownEngineId && !self.fixed_engine_id;
        if (is_time || is_engine) && !self.resynced {
            self.resynced = true;
            if !self.fixed_engine_id && !params.engine_id.is_empty() {
                self.engine.engine_id = params.engine_id.clone();
            }
            self.engine.time = EngineTime::new(params.engine_boots, params.engine_time, now);
            return ReportAction::Resend;
        }
        ReportAction::Fail(ReportFailure::Usm(report))
    }

    /// An authenticated Response arrived at `now` carrying the engine's `boots` and `time`:
    /// it must be inside the time window (RFC 3414 §3.2 step 7b), and newer values refresh
    /// the estimate.
    pub fn on_authenticated(
        &mut self,
        boots: u32,
        time: u32,
        now: Instant,
    ) -> Result<(), UsmError> {
        self.engine.time.observe(boots, time, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_id_length_rule() {
        assert_eq!(EngineId::new(vec![0; 4]), Err(EngineIdError::Length(4)));
        assert!(EngineId::new(vec![0; 5]).is_ok());
        assert!(EngineId::new(vec![0; 32]).is_ok());
        assert_eq!(EngineId::new(vec![0; 33]), Err(EngineIdError::Length(33)));
        assert!(matches!(
            EngineId::parse_hex("zz"),
            Err(EngineIdError::NotHex(_))
        ));
    }

    #[test]
    fn state_round_trips_and_boots_advance() {
        let e = LocalEngine::next_run(None, None).unwrap();
        assert_eq!(e.boots, 1);
        let text = e.state_text("test");
        let next = LocalEngine::next_run(Some(&text), None).unwrap();
        assert_eq!(next.engine_id, e.engine_id);
        assert_eq!(next.boots, 2);
        let other = EngineId::parse_hex("8000000001020304").unwrap();
        let moved = LocalEngine::next_run(Some(&text), Some(&other)).unwrap();
        assert_eq!((moved.engine_id, moved.boots), (other, 1));
        assert_eq!(
            LocalEngine::next_run(Some("garbage"), None),
            Err(StateError)
        );
        // Short IDs in a state file are refused by the one length rule.
        assert_eq!(
            LocalEngine::next_run(Some("engine_id 0102\nengine_boots 3\n"), None),
            Err(StateError)
        );
    }

    #[test]
    fn clock_is_capped() {
        let e = LocalEngine::generate();
        assert_eq!(e.clock(7), (1, 7));
        assert_eq!(e.clock(u64::MAX).1, MAX_BOOTS);
    }
}
