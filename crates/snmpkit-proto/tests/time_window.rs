//! The engine-time window (RFC 3414 §3.2 step 7b) on synthetic time: every instant is an
//! offset from one base, so the crate itself never reads the clock.

use snmpkit_proto::usm::{EngineTime, UsmError};
use std::time::{Duration, Instant};

#[test]
fn time_window() {
    let t0 = Instant::now();
    let e = EngineTime::new(7, 1000, t0);
    let later = t0 + Duration::from_secs(400);
    assert_eq!(e.now(t0), (7, 1000));
    assert_eq!(e.now(later), (7, 1400));
    assert_eq!(e.boots(), 7);
    // Within the window.
    assert!(e.check(7, 1400, later).is_ok());
    assert!(e.check(7, 1250, later).is_ok());
    // Newer than anything received: adopted, so accepted.
    assert!(e.check(7, 1001, t0).is_ok());
    assert!(e.check(8, 0, later).is_ok());
    // Older than the window, or an older boot count.
    assert_eq!(
        e.check(7, 1000, later).unwrap_err(),
        UsmError::NotInTimeWindow
    );
    assert_eq!(
        e.check(6, 99_999, later).unwrap_err(),
        UsmError::NotInTimeWindow
    );
    // A time above latestReceivedEngineTime is adopted (step 7b(1)) even if it looks stale
    // against the local estimate; once a later time was received, the window applies.
    assert!(e.check(7, 1249, later).is_ok());
    let mut seen = e;
    seen.observe(7, 1400, later).unwrap();
    assert!(seen.check(7, 1250, later).is_ok());
    assert_eq!(
        seen.check(7, 1249, later).unwrap_err(),
        UsmError::NotInTimeWindow
    );
    // The latched boot count is never in the window.
    assert!(e.check(2_147_483_647, 5, later).is_err());
    // observe() adopts newer values.
    let mut e2 = e;
    e2.observe(8, 5, later).unwrap();
    assert_eq!(e2.now(later + Duration::from_secs(10)), (8, 15));
    assert!(e2.observe(7, 1400, later).is_err());
    assert_eq!(e2.boots(), 8);
    // An instant before learning does not underflow.
    assert_eq!(e2.now(t0), (8, 5));
}
