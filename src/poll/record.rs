//! The record model: what one poll of one target produced.

use crate::format::civil_date;
use crate::VarBind;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// One varbind of a record, with when its response arrived and, for counters from the second
/// cycle on, its per-second rate.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The varbind as the agent returned it.
    pub varbind: VarBind,
    /// When the response that carried it arrived (the rate interval runs between two of these).
    pub received: Instant,
    /// Per-second rate against the previous cycle (Counter32 and Counter64 only).
    pub rate: Option<f64>,
}

/// The result of polling one target once.
#[derive(Clone, Debug)]
pub struct Record {
    /// The target's label, `HOST:PORT` (see [`super::target_label`]).
    pub target: String,
    /// Wall-clock time the poll started.
    pub time: SystemTime,
    /// How long the poll took, first request to last response.
    pub duration: Duration,
    /// Why the poll failed or stopped early (`Timeout: No Response from HOST:PORT`), in
    /// net-snmp's words. The samples gathered before the failure are kept.
    pub error: Option<String>,
    /// What was fetched, scalars first, then each walked subtree in the order asked.
    pub samples: Vec<Sample>,
    /// The cycle this record belongs to (1 for the first).
    pub cycle: u64,
}

impl Record {
    /// Whether the target answered everything asked.
    pub fn is_up(&self) -> bool {
        self.error.is_none()
    }

    /// The record's time in nanoseconds since the Unix epoch (InfluxDB timestamps).
    pub fn time_ns(&self) -> u128 {
        self.time
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    }
}

/// RFC 3339 UTC time with milliseconds, e.g. `2026-11-25T01:53:41.511Z`.
pub fn rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let (y, m, day) = civil_date((secs / 86_400) as i64);
    let s = secs % 86_400;
    format!(
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        s / 3600,
        s / 60 % 60,
        s % 60,
        d.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_known_answers() {
        for (secs, millis, want) in [
            (0u64, 0u32, "1970-01-01T00:00:00.000Z"),
            (951_782_400, 5, "2000-02-29T00:00:00.005Z"),
            (1_795_830_821, 511, "2026-11-28T01:53:41.511Z"),
        ] {
            let t = UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_millis(millis.into());
            assert_eq!(rfc3339(t), want);
        }
    }
}
