//! USM Reports: the usmStats counters an agent returns when it rejects a message
//! (RFC 3414 §3.2, §5 usmStats group), mapped to typed errors worded as net-snmp words them.

use std::fmt;

use crate::codec::{Pdu, PduType};
use crate::Oid;

/// The usmStats counter instances that appear in Report PDUs (RFC 3414 §5).
pub mod report_oids {
    /// usmStatsUnsupportedSecLevels.0.
    pub const UNSUPPORTED_SEC_LEVELS: [u32; 11] = [1, 3, 6, 1, 6, 3, 15, 1, 1, 1, 0];
    /// usmStatsNotInTimeWindows.0.
    pub const NOT_IN_TIME_WINDOWS: [u32; 11] = [1, 3, 6, 1, 6, 3, 15, 1, 1, 2, 0];
    /// usmStatsUnknownUserNames.0.
    pub const UNKNOWN_USER_NAMES: [u32; 11] = [1, 3, 6, 1, 6, 3, 15, 1, 1, 3, 0];
    /// usmStatsUnknownEngineIDs.0.
    pub const UNKNOWN_ENGINE_IDS: [u32; 11] = [1, 3, 6, 1, 6, 3, 15, 1, 1, 4, 0];
    /// usmStatsWrongDigests.0.
    pub const WRONG_DIGESTS: [u32; 11] = [1, 3, 6, 1, 6, 3, 15, 1, 1, 5, 0];
    /// usmStatsDecryptionErrors.0.
    pub const DECRYPTION_ERRORS: [u32; 11] = [1, 3, 6, 1, 6, 3, 15, 1, 1, 6, 0];
    /// usmStats (the group): every counter above sits under it.
    pub const USM_STATS: [u32; 9] = [1, 3, 6, 1, 6, 3, 15, 1, 1];
}

/// Which usmStats counter a Report carries: why the agent rejected the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UsmReport {
    /// usmStatsUnsupportedSecLevels: the user does not have the requested level.
    UnsupportedSecLevel,
    /// usmStatsNotInTimeWindows: boots/time were stale (also the answer to time discovery).
    NotInTimeWindow,
    /// usmStatsUnknownUserNames: no such user on the agent.
    UnknownUserName,
    /// usmStatsUnknownEngineIDs: wrong engine ID (also the answer to engine ID discovery).
    UnknownEngineId,
    /// usmStatsWrongDigests: wrong authentication password, protocol or key.
    WrongDigest,
    /// usmStatsDecryptionErrors: the agent could not decrypt the request.
    DecryptionError,
}

impl UsmReport {
    /// Every report kind.
    pub const ALL: [UsmReport; 6] = [
        UsmReport::UnsupportedSecLevel,
        UsmReport::NotInTimeWindow,
        UsmReport::UnknownUserName,
        UsmReport::UnknownEngineId,
        UsmReport::WrongDigest,
        UsmReport::DecryptionError,
    ];

    /// The counter instance's OID.
    pub fn oid(self) -> Oid {
        use report_oids::*;
        Oid::from_slice(match self {
            UsmReport::UnsupportedSecLevel => &UNSUPPORTED_SEC_LEVELS,
            UsmReport::NotInTimeWindow => &NOT_IN_TIME_WINDOWS,
            UsmReport::UnknownUserName => &UNKNOWN_USER_NAMES,
            UsmReport::UnknownEngineId => &UNKNOWN_ENGINE_IDS,
            UsmReport::WrongDigest => &WRONG_DIGESTS,
            UsmReport::DecryptionError => &DECRYPTION_ERRORS,
        })
    }

    /// The report kind for a Report varbind's OID. Accepts the counter with or without its `.0`
    /// instance, since agents differ.
    pub fn from_oid(oid: &Oid) -> Option<UsmReport> {
        let rest = oid.strip_prefix(&Oid::from_slice(&report_oids::USM_STATS))?;
        let (n, inst) = rest.split_first()?;
        if !(inst.is_empty() || inst == [0]) {
            return None;
        }
        Some(match n {
            1 => UsmReport::UnsupportedSecLevel,
            2 => UsmReport::NotInTimeWindow,
            3 => UsmReport::UnknownUserName,
            4 => UsmReport::UnknownEngineId,
            5 => UsmReport::WrongDigest,
            6 => UsmReport::DecryptionError,
            _ => return None,
        })
    }

    /// The report kind a Report PDU carries, from its first usmStats varbind. None for other
    /// PDUs and for Reports about something else (such as snmpUnknownContexts).
    pub fn from_pdu(pdu: &Pdu) -> Option<UsmReport> {
        if pdu.pdu_type != PduType::Report {
            return None;
        }
        pdu.varbinds
            .iter()
            .find_map(|vb| UsmReport::from_oid(&vb.oid))
    }
}

impl fmt::Display for UsmReport {
    /// net-snmp's message for the matching error (snmp_api_errstring).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UsmReport::UnsupportedSecLevel => "Unsupported security level",
            UsmReport::NotInTimeWindow => "Not in time window",
            UsmReport::UnknownUserName => "Unknown user name",
            UsmReport::UnknownEngineId => "Unknown engine ID",
            UsmReport::WrongDigest => {
                "Authentication failure (incorrect password, community or key)"
            }
            UsmReport::DecryptionError => "Decryption error",
        })
    }
}

impl std::error::Error for UsmReport {}

impl From<UsmReport> for super::UsmError {
    fn from(r: UsmReport) -> Self {
        super::UsmError::Report(r)
    }
}
