//! The client's sans-I/O state fed with byte vectors: walk rules and v3 timing. The vectors
//! were written by hand (a few lines of Python building the BER), not by our encoder.

use super::repetitions::Repetitions;
use super::v3::{open_reply_for_test, ReportAction, V3Timing};
use super::walk::{WalkEnd, WalkOptions, WalkState};
use crate::codec::{decode_message, Message, Pdu, PduType, Version};
use crate::transport::EngineInfo;
use crate::usm::{EngineTime, UserKeys, UsmError, UsmReport};
use crate::{Error, ErrorStatus, Oid, Value, VarBind};
use std::time::{Duration, Instant};

const REPORT_NOT_IN_TIME: &[u8] = &[
    0x30, 0x62, 0x02, 0x01, 0x03, 0x30, 0x0f, 0x02, 0x02, 0x04, 0xd2, 0x02, 0x03, 0x00, 0xff, 0xe3,
    0x04, 0x01, 0x00, 0x02, 0x01, 0x03, 0x04, 0x1f, 0x30, 0x1d, 0x04, 0x09, 0x80, 0x00, 0x00, 0x02,
    0x01, 0x09, 0x84, 0x03, 0x01, 0x02, 0x01, 0x07, 0x02, 0x02, 0x13, 0x88, 0x04, 0x05, 0x61, 0x6c,
    0x69, 0x63, 0x65, 0x04, 0x00, 0x04, 0x00, 0x30, 0x2b, 0x04, 0x09, 0x80, 0x00, 0x00, 0x02, 0x01,
    0x09, 0x84, 0x03, 0x01, 0x04, 0x00, 0xa8, 0x1c, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x02, 0x01,
    0x00, 0x30, 0x11, 0x30, 0x0f, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x06, 0x03, 0x0f, 0x01, 0x01, 0x02,
    0x00, 0x41, 0x01, 0x07,
];
const REPORT_WRONG_DIGEST: &[u8] = &[
    0x30, 0x62, 0x02, 0x01, 0x03, 0x30, 0x0f, 0x02, 0x02, 0x04, 0xd2, 0x02, 0x03, 0x00, 0xff, 0xe3,
    0x04, 0x01, 0x00, 0x02, 0x01, 0x03, 0x04, 0x1f, 0x30, 0x1d, 0x04, 0x09, 0x80, 0x00, 0x00, 0x02,
    0x01, 0x09, 0x84, 0x03, 0x01, 0x02, 0x01, 0x07, 0x02, 0x02, 0x13, 0x88, 0x04, 0x05, 0x61, 0x6c,
    0x69, 0x63, 0x65, 0x04, 0x00, 0x04, 0x00, 0x30, 0x2b, 0x04, 0x09, 0x80, 0x00, 0x00, 0x02, 0x01,
    0x09, 0x84, 0x03, 0x01, 0x04, 0x00, 0xa8, 0x1c, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x02, 0x01,
    0x00, 0x30, 0x11, 0x30, 0x0f, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x06, 0x03, 0x0f, 0x01, 0x01, 0x05,
    0x00, 0x41, 0x01, 0x07,
];
const REPORT_OTHER: &[u8] = &[
    0x30, 0x62, 0x02, 0x01, 0x03, 0x30, 0x0f, 0x02, 0x02, 0x04, 0xd2, 0x02, 0x03, 0x00, 0xff, 0xe3,
    0x04, 0x01, 0x00, 0x02, 0x01, 0x03, 0x04, 0x1f, 0x30, 0x1d, 0x04, 0x09, 0x80, 0x00, 0x00, 0x02,
    0x01, 0x09, 0x84, 0x03, 0x01, 0x02, 0x01, 0x07, 0x02, 0x02, 0x13, 0x88, 0x04, 0x05, 0x61, 0x6c,
    0x69, 0x63, 0x65, 0x04, 0x00, 0x04, 0x00, 0x30, 0x2b, 0x04, 0x09, 0x80, 0x00, 0x00, 0x02, 0x01,
    0x09, 0x84, 0x03, 0x01, 0x04, 0x00, 0xa8, 0x1c, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x02, 0x01,
    0x00, 0x30, 0x11, 0x30, 0x0f, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x06, 0x03, 0x0c, 0x01, 0x01, 0x01,
    0x00, 0x41, 0x01, 0x07,
];
const V2C_NOT_INCREASING: &[u8] = &[
    0x30, 0x2f, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa2, 0x22, 0x02,
    0x01, 0x2a, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x17, 0x30, 0x15, 0x06, 0x08, 0x2b, 0x06,
    0x01, 0x02, 0x01, 0x01, 0x02, 0x00, 0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xbf, 0x08, 0x03,
    0x0a,
];
const V1_NO_SUCH_NAME: &[u8] = &[
    0x30, 0x26, 0x02, 0x01, 0x00, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa2, 0x19, 0x02,
    0x01, 0x2b, 0x02, 0x01, 0x02, 0x02, 0x01, 0x01, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06,
    0x01, 0x02, 0x01, 0x01, 0x03, 0x00, 0x05, 0x00,
];
const V2C_BULK_PAST_SUBTREE: &[u8] = &[
    0x30, 0x4f, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa2, 0x42, 0x02,
    0x01, 0x2c, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x37, 0x30, 0x12, 0x06, 0x08, 0x2b, 0x06,
    0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x04, 0x06, 0x72, 0x6f, 0x75, 0x74, 0x65, 0x72, 0x30, 0x12,
    0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x02, 0x00, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x04,
    0x01, 0x08, 0x30, 0x0d, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01,
    0x02,
];
const V2C_TOO_BIG: &[u8] = &[
    0x30, 0x26, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa2, 0x19, 0x02,
    0x01, 0x2d, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06,
    0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00,
];

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

/// The PDU of a community message.
fn pdu(bytes: &[u8]) -> Pdu {
    match decode_message(bytes).unwrap() {
        Message::Community(c) => match c.pdu {
            crate::codec::AnyPdu::Pdu(p) => p,
            crate::codec::AnyPdu::TrapV1(_) => panic!("a trap"),
        },
        Message::V3(_) => panic!("a v3 message"),
    }
}

fn system_walk(version: Version, bulk: Option<(u32, u32)>) -> WalkState {
    let opts = WalkOptions {
        bulk: bulk.map(|(nr, mr)| (nr, Repetitions::Fixed(mr))),
        ..WalkOptions::default()
    };
    WalkState::new(oid("1.3.6.1.2.1.1"), &opts, version)
}

fn response(oids: &[&str]) -> Pdu {
    Pdu {
        pdu_type: PduType::Response,
        request_id: 1,
        error_status: 0,
        error_index: 0,
        varbinds: oids
            .iter()
            .map(|o| VarBind::new(oid(o), Value::Integer(1)))
            .collect(),
    }
}

#[test]
fn walk_asks_getnext_from_the_root_then_from_the_last_oid() {
    let mut w = system_walk(Version::V2c, None);
    let req = w.request().unwrap();
    assert_eq!(req.pdu_type, PduType::GetNext);
    assert_eq!(req.varbinds[0].oid, oid("1.3.6.1.2.1.1"));
    let page = w.on_response(response(&["1.3.6.1.2.1.1.3.0"]));
    assert!(page.end.is_none());
    assert_eq!(
        w.request().unwrap().varbinds[0].oid,
        oid("1.3.6.1.2.1.1.3.0")
    );
}

#[test]
fn walk_not_increasing_ends_with_both_oids() {
    let mut w = system_walk(Version::V2c, None);
    w.on_response(response(&["1.3.6.1.2.1.1.3.0"]));
    // The agent goes back to sysObjectID.0.
    let page = w.on_response(pdu(V2C_NOT_INCREASING));
    assert_eq!(
        page.end,
        Some(WalkEnd::NotIncreasing {
            previous: oid("1.3.6.1.2.1.1.3.0"),
            received: oid("1.3.6.1.2.1.1.2.0"),
        })
    );
    // net-snmp prints the offending varbind before the error.
    assert_eq!(page.varbinds.len(), 1);
    assert!(w.is_done() && w.request().is_none());

    // -Cc: no check, the walk goes on.
    let opts = WalkOptions {
        check_increasing: false,
        ..WalkOptions::default()
    };
    let mut w = WalkState::new(oid("1.3.6.1.2.1.1"), &opts, Version::V2c);
    w.on_response(response(&["1.3.6.1.2.1.1.3.0"]));
    let page = w.on_response(pdu(V2C_NOT_INCREASING));
    assert!(page.end.is_none());
    assert!(!w.is_done());
}

#[test]
fn walk_v1_no_such_name_is_the_end_of_the_mib() {
    let mut w = system_walk(Version::V1, None);
    let page = w.on_response(pdu(V1_NO_SUCH_NAME));
    assert_eq!(page.end, Some(WalkEnd::EndOfMib));
    assert!(page.varbinds.is_empty());
    assert!(w.request().is_none());
    // From a v2c agent the same answer is an error-status.
    let mut w = system_walk(Version::V2c, None);
    match w.on_response(pdu(V1_NO_SUCH_NAME)).end {
        Some(WalkEnd::Status { status, index, .. }) => {
            assert_eq!((status, index), (ErrorStatus::NoSuchName, 1));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn walk_bulk_page_stops_at_the_subtree_end() {
    let mut w = system_walk(Version::V2c, Some((0, 10)));
    let req = w.request().unwrap();
    assert_eq!((req.pdu_type, req.error_index), (PduType::GetBulk, 10));
    let page = w.on_response(pdu(V2C_BULK_PAST_SUBTREE));
    assert_eq!(page.varbinds.len(), 2);
    assert_eq!(page.end, Some(WalkEnd::SubtreeEnd));
    assert_eq!(w.found(), 2);
}

#[test]
fn walk_too_big_halves_max_repetitions_only_when_asked() {
    let mut w = system_walk(Version::V2c, Some((0, 20)));
    w.shrink_on_too_big(true);
    let page = w.on_response(pdu(V2C_TOO_BIG));
    assert!(page.end.is_none() && page.varbinds.is_empty());
    assert_eq!(w.request().unwrap().error_index, 10);
    // max-repetitions can also be set between requests (adaptive sizing).
    w.set_max_repetitions(3);
    assert_eq!(w.request().unwrap().error_index, 3);

    let mut w = system_walk(Version::V2c, Some((0, 20)));
    match w.on_response(pdu(V2C_TOO_BIG)).end {
        Some(WalkEnd::Status { status, .. }) => assert_eq!(status, ErrorStatus::TooBig),
        other => panic!("{other:?}"),
    }
}

#[test]
fn adaptive_walk_grows_halves_on_too_big_and_backs_off_after_a_timeout() {
    let opts = WalkOptions {
        bulk: Some((0, Repetitions::Adaptive)),
        ..WalkOptions::default()
    };
    let mut w = WalkState::new(oid("1.3.6.1.2.1.1"), &opts, Version::V2c);
    assert_eq!(w.max_repetitions(), Some(25));
    // A full page of 25 small varbinds inside the subtree: double.
    let full: Vec<String> = (1..=25)
        .map(|i| format!("1.3.6.1.2.1.1.9.1.2.{i}"))
        .collect();
    let full: Vec<&str> = full.iter().map(String::as_str).collect();
    assert!(w.on_response(response(&full)).end.is_none());
    assert_eq!(w.max_repetitions(), Some(50));
    // tooBig halves (without the fixed-size switch) and asks again from the same place.
    let before = w.request().unwrap().varbinds[0].oid.clone();
    let page = w.on_response(pdu(V2C_TOO_BIG));
    assert!(page.end.is_none() && page.varbinds.is_empty());
    assert_eq!(w.max_repetitions(), Some(25));
    assert_eq!(w.request().unwrap().varbinds[0].oid, before);
    // A timeout drops to 10, once.
    assert!(w.back_off());
    assert_eq!(w.request().unwrap().error_index, 10);
    assert!(!w.back_off());
}

const ENGINE_ID: [u8; 9] = [0x80, 0x00, 0x00, 0x02, 0x01, 0x09, 0x84, 0x03, 0x01];

fn timing(t0: Instant, fixed: bool) -> V3Timing {
    V3Timing::new(
        EngineInfo::new(ENGINE_ID.to_vec(), EngineTime::new(1, 100, t0)),
        fixed,
    )
}

/// Opens a received Report as the client does and hands it to the timing state.
fn report(bytes: &[u8], t: &mut V3Timing, now: Instant) -> ReportAction {
    let Message::V3(d) = decode_message(bytes).unwrap() else {
        panic!("not v3")
    };
    let keys = UserKeys::none(b"alice", &ENGINE_ID);
    let (kind, oid, params) = open_reply_for_test(bytes, d, &keys, t, now).unwrap();
    t.on_report(kind, &oid, &params, now)
}

#[test]
fn v3_not_in_time_window_resyncs_once() {
    let t0 = Instant::now();
    let mut t = timing(t0, false);
    assert_eq!(t.outgoing(t0 + Duration::from_secs(3)), (1, 103));
    // The Report carries boots 7, time 5000.
    let now = t0 + Duration::from_secs(10);
    assert!(matches!(
        report(REPORT_NOT_IN_TIME, &mut t, now),
        ReportAction::Resend
    ));
    assert_eq!(t.outgoing(now + Duration::from_secs(5)), (7, 5005));
    // A second one fails the request with the typed error.
    match report(REPORT_NOT_IN_TIME, &mut t, now) {
        ReportAction::Fail(f)
            if matches!(
                Error::from(f.clone()),
                Error::Usm(UsmError::Report(UsmReport::NotInTimeWindow))
            ) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn v3_wrong_digest_report_is_a_typed_error() {
    let t0 = Instant::now();
    let mut t = timing(t0, false);
    match report(REPORT_WRONG_DIGEST, &mut t, t0) {
        ReportAction::Fail(f) => {
            let e = Error::from(f);
            assert_eq!(e.usm_report(), Some(UsmReport::WrongDigest));
            assert_eq!(
                e.to_string(),
                "Authentication failure (incorrect password, community or key)"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn v3_report_outside_usm_stats_is_not_a_usm_error() {
    let t0 = Instant::now();
    let mut t = timing(t0, false);
    match report(REPORT_OTHER, &mut t, t0) {
        ReportAction::Fail(f) => match Error::from(f) {
            Error::Report(o) => assert_eq!(*o, oid("1.3.6.1.6.3.12.1.1.1.0")),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn v3_unknown_engine_id_is_not_resynced_when_the_id_is_given() {
    let t0 = Instant::now();
    let params = crate::codec::UsmParams {
        engine_id: vec![0x80, 9],
        engine_boots: 2,
        engine_time: 50,
        ..Default::default()
    };
    let unknown = Some(UsmReport::UnknownEngineId);
    let o = UsmReport::UnknownEngineId.oid();
    let mut fixed = timing(t0, true);
    assert!(matches!(
        fixed.on_report(unknown, &o, &params, t0),
        ReportAction::Fail(_)
    ));
    let mut learned = timing(t0, false);
    assert!(matches!(
        learned.on_report(unknown, &o, &params, t0),
        ReportAction::Resend
    ));
    assert_eq!(learned.engine().engine_id, vec![0x80, 9]);
    assert_eq!(learned.outgoing(t0), (2, 50));
}

#[test]
fn v3_authenticated_answer_must_be_inside_the_time_window() {
    let t0 = Instant::now();
    let mut t = V3Timing::new(
        EngineInfo::new(ENGINE_ID.to_vec(), EngineTime::new(1, 1000, t0)),
        false,
    );
    // 151 s behind the estimate: outside RFC 3414's 150 s window.
    assert!(matches!(
        t.on_authenticated(1, 849, t0),
        Err(UsmError::NotInTimeWindow)
    ));
    // Newer values are adopted.
    t.on_authenticated(1, 1100, t0).unwrap();
    assert_eq!(t.outgoing(t0), (1, 1100));
}
