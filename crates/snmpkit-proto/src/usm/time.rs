//! A non-authoritative engine's notion of an authoritative engine's clock (RFC 3414 §2.3) and
//! the time-window check (RFC 3414 §3.2 step 7b).

use std::time::Instant;

use super::UsmError;

/// The time window, in seconds (RFC 3414 §2.2.3).
pub const TIME_WINDOW: u32 = 150;

/// snmpEngineBoots' ceiling: an engine that reaches it is latched out (RFC 3414 §2.2.2).
const MAX_BOOTS: u32 = 2_147_483_647;
/// snmpEngineTime's ceiling (RFC 3414 §2.2.1).
const MAX_TIME: u32 = 2_147_483_647;

/// What a manager knows of one authoritative engine's clock: snmpEngineBoots, snmpEngineTime
/// when it was learned, the local instant it was learned at, and latestReceivedEngineTime.
/// Sans-I/O: every method takes the current [`Instant`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineTime {
    boots: u32,
    time: u32,
    latest_received: u32,
    learned_at: Instant,
}

impl EngineTime {
    /// The engine's clock as learned at `now` (from discovery or a Report).
    pub fn new(boots: u32, time: u32, now: Instant) -> Self {
        EngineTime {
            boots,
            time,
            latest_received: time,
            learned_at: now,
        }
    }

    /// The estimated (snmpEngineBoots, snmpEngineTime) at `now`: the learned time plus the
    /// whole seconds elapsed locally since. Put these in outgoing messages.
    pub fn now(&self, now: Instant) -> (u32, u32) {
        let elapsed = now.saturating_duration_since(self.learned_at).as_secs();
        let t = u64::from(self.time)
            .saturating_add(elapsed)
            .min(u64::from(MAX_TIME));
        (self.boots, u32::try_from(t).unwrap_or(MAX_TIME))
    }

    /// Whether an authenticated message carrying `boots` and `time` is inside the time window
    /// (RFC 3414 §3.2 step 7b), without updating anything.
    pub fn check(&self, boots: u32, time: u32, now: Instant) -> Result<(), UsmError> {
        let (local_boots, local_time) = self.now(now);
        // Step 7b(1): newer values would be adopted before the check, so they pass unless
        // they latch the engine.
        if self.is_newer(boots, time) {
            return if boots >= MAX_BOOTS {
                Err(UsmError::NotInTimeWindow)
            } else {
                Ok(())
            };
        }
        // Step 7b(2).
        if local_boots >= MAX_BOOTS
            || boots < local_boots
            || time < local_time.saturating_sub(TIME_WINDOW)
        {
            return Err(UsmError::NotInTimeWindow);
        }
        Ok(())
    }

    /// [`check`](EngineTime::check), then adopts the message's boots and time when they are
    /// newer (RFC 3414 §3.2 step 7b(1)). Call after the message authenticated.
    pub fn observe(&mut self, boots: u32, time: u32, now: Instant) -> Result<(), UsmError> {
        self.check(boots, time, now)?;
        if self.is_newer(boots, time) {
            *self = EngineTime::new(boots, time, now);
        }
        Ok(())
    }

    /// snmpEngineBoots as learned.
    pub fn boots(&self) -> u32 {
        self.boots
    }

    fn is_newer(&self, boots: u32, time: u32) -> bool {
        boots > self.boots || (boots == self.boots && time > self.latest_received)
    }
}
