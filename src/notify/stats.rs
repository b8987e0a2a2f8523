//! Counters kept by a receiver: datagrams received, notifications delivered, and drops by reason.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Why a datagram was dropped instead of delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DropReason {
    /// It did not decode as an SNMP message (garbage, truncated, bad lengths, bad tags).
    Malformed,
    /// It decoded, but its PDU does not belong in its message version (for example an
    /// SNMPv2-Trap inside an SNMPv1 message).
    WrongPduForVersion,
    /// A well-formed message that is not a notification (Get, Set, Response, Report, ...).
    NotNotification,
    /// The community is not in the allow-list.
    BadCommunity,
    /// SNMPv3 with a security model other than USM (RFC 3412 §7.2 step 3).
    UnsupportedSecurityModel,
    /// SNMPv3 with a user name that is not configured (usmStatsUnknownUserNames).
    UnknownUser,
    /// SNMPv3 from an engine the user is not configured for (usmStatsUnknownEngineIDs).
    UnknownEngineId,
    /// SNMPv3 asking for a security level the user cannot give (usmStatsUnsupportedSecLevels).
    UnsupportedSecurityLevel,
    /// SNMPv3 whose MAC does not verify (usmStatsWrongDigests).
    WrongDigest,
    /// SNMPv3 whose encrypted PDU could not be decrypted (usmStatsDecryptionErrors).
    DecryptionError,
    /// SNMPv3 outside the time window (usmStatsNotInTimeWindows).
    NotInTimeWindow,
    /// SNMPv3, but the receiver has no v3 users configured.
    V3NotConfigured,
}

impl DropReason {
    /// Every reason, in the order counters are reported.
    pub const ALL: [DropReason; 12] = [
        DropReason::Malformed,
        DropReason::WrongPduForVersion,
        DropReason::NotNotification,
        DropReason::BadCommunity,
        DropReason::UnsupportedSecurityModel,
        DropReason::UnknownUser,
        DropReason::UnknownEngineId,
        DropReason::UnsupportedSecurityLevel,
        DropReason::WrongDigest,
        DropReason::DecryptionError,
        DropReason::NotInTimeWindow,
        DropReason::V3NotConfigured,
    ];

    /// A short lowercase name, used in logs and in the exit summary (`bad community`).
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::Malformed => "malformed",
            DropReason::WrongPduForVersion => "wrong PDU for version",
            DropReason::NotNotification => "not a notification",
            DropReason::BadCommunity => "bad community",
            DropReason::UnsupportedSecurityModel => "unsupported security model",
            DropReason::UnknownUser => "unknown user",
            DropReason::UnknownEngineId => "unknown engine ID",
            DropReason::UnsupportedSecurityLevel => "unsupported security level",
            DropReason::WrongDigest => "wrong digest",
            DropReason::DecryptionError => "decryption error",
            DropReason::NotInTimeWindow => "not in time window",
            DropReason::V3NotConfigured => "SNMPv3 without v3 users configured",
        }
    }

    fn index(self) -> usize {
        // ALL lists every variant once, so the position always exists.
        DropReason::ALL.iter().position(|r| *r == self).unwrap_or(0)
    }
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The live counters, shared by the socket tasks (lock-free).
#[derive(Default, Debug)]
pub(crate) struct Counters {
    pub received: AtomicU64,
    pub delivered: AtomicU64,
    pub informs_acknowledged: AtomicU64,
    pub informs_unacknowledged: AtomicU64,
    pub duplicate_informs: AtomicU64,
    pub discovery_probes: AtomicU64,
    pub dropped: [AtomicU64; DropReason::ALL.len()],
    /// The sockets' inodes, to read the kernel's drop counters (empty when unknown).
    pub inodes: Vec<u64>,
}

impl Counters {
    pub fn count_drop(&self, reason: DropReason) {
        self.dropped[reason.index()].fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> Stats {
        let mut dropped = [0u64; DropReason::ALL.len()];
        for (d, c) in dropped.iter_mut().zip(self.dropped.iter()) {
            *d = c.load(Ordering::Relaxed);
        }
        Stats {
            received: self.received.load(Ordering::Relaxed),
            delivered: self.delivered.load(Ordering::Relaxed),
            informs_acknowledged: self.informs_acknowledged.load(Ordering::Relaxed),
            informs_unacknowledged: self.informs_unacknowledged.load(Ordering::Relaxed),
            duplicate_informs: self.duplicate_informs.load(Ordering::Relaxed),
            discovery_probes: self.discovery_probes.load(Ordering::Relaxed),
            dropped,
            kernel_drops: crate::transport::kernel::drops(&self.inodes),
        }
    }
}

/// A point-in-time copy of a receiver's counters.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Stats {
    /// Datagrams read from the sockets.
    pub received: u64,
    /// Notifications decoded, authorised and handed to the consumer (retransmitted informs
    /// are not counted again).
    pub delivered: u64,
    /// Response-PDUs sent for InformRequests (including re-acknowledged retransmissions).
    pub informs_acknowledged: u64,
    /// Informs whose held acknowledgement the consumer gave up (an [`super::InformAck`]
    /// dropped without acknowledging): left unanswered so that the sender retransmits.
    pub informs_unacknowledged: u64,
    /// Retransmitted informs that were acknowledged again but not delivered again.
    pub duplicate_informs: u64,
    /// SNMPv3 engine-ID discovery probes answered with a Report (RFC 3414 §4).
    pub discovery_probes: u64,
    /// Datagrams the kernel dropped on the receiver's sockets because their receive buffer
    /// was full, since they were opened (Linux: the socket's `SO_RXQ_OVFL` counter, read from
    /// /proc/net/udp). `None` where the OS does not tell. Not part of [`Stats::dropped_total`],
    /// which counts what reached us.
    pub kernel_drops: Option<u64>,
    dropped: [u64; DropReason::ALL.len()],
}

impl Stats {
    /// How many datagrams were dropped for `reason`.
    pub fn dropped(&self, reason: DropReason) -> u64 {
        self.dropped[reason.index()]
    }

    /// How many datagrams were dropped for any reason.
    pub fn dropped_total(&self) -> u64 {
        self.dropped.iter().sum()
    }

    /// The reasons with a non-zero count, with their counts.
    pub fn drops(&self) -> impl Iterator<Item = (DropReason, u64)> + '_ {
        DropReason::ALL
            .iter()
            .zip(self.dropped.iter())
            .filter(|(_, n)| **n > 0)
            .map(|(r, n)| (*r, *n))
    }
}

/// A cheap, cloneable handle to a receiver's counters, usable while the receiver itself is
/// borrowed (for example from a signal handler).
#[derive(Clone, Debug)]
pub struct StatsHandle(pub(crate) Arc<Counters>);

impl StatsHandle {
    /// The current counts.
    pub fn snapshot(&self) -> Stats {
        self.0.snapshot()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_its_own_counter() {
        let c = Counters::default();
        for (i, r) in DropReason::ALL.iter().enumerate() {
            for _ in 0..=i {
                c.count_drop(*r);
            }
        }
        let s = c.snapshot();
        for (i, r) in DropReason::ALL.iter().enumerate() {
            assert_eq!(s.dropped(*r), i as u64 + 1, "{r}");
        }
        assert_eq!(s.drops().count(), DropReason::ALL.len());
        assert_eq!(s.dropped_total(), (1..=12).sum::<u64>());
    }
}
