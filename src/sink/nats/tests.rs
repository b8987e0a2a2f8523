use super::publisher::Fnv64;
use super::*;

#[test]
fn subject_tokens_are_valid() {
    assert_eq!(subject_token("10.0.0.1:1161"), "10_0_0_1_1161");
    assert_eq!(subject_token("udp6:[::1]:161"), "udp6____1__161");
    assert_eq!(subject_token("core-rtr_1"), "core-rtr_1");
    assert_eq!(subject_token(""), "_");
    assert_eq!(subject_token("a b*>"), "a_b__");
    for raw in ["10.0.0.1:1161", "udp6:[::1]:161", "", "é.*>"] {
        let s = format!("snmp.poll.{}", subject_token(raw));
        assert!(valid_subject(&s), "{s}");
    }
    for bad in ["", "a..b", "a.*", "a.>", "a b", ".a", "a."] {
        assert!(!valid_subject(bad), "{bad:?}");
    }
}

fn notification(kind: NotificationKind, request_id: i32) -> Notification {
    use crate::{Value, VarBind};
    Notification {
        received_at: SystemTime::now(),
        source: "127.0.0.1:40000".parse().unwrap(),
        local: "127.0.0.1:162".parse().unwrap(),
        version: crate::codec::Version::V2c,
        kind,
        sender: crate::notify::Sender::Community(b"public".to_vec()),
        request_id,
        trap_oid: None,
        uptime: Some(5),
        v1: None,
        varbinds: vec![VarBind::new(
            "1.3.6.1.2.1.1.3.0".parse().unwrap(),
            Value::TimeTicks(5),
        )],
    }
}

#[test]
fn inform_ids_are_stable_and_trap_ids_unique() {
    let a = notification(NotificationKind::Inform, 7);
    let mut again = a.clone();
    again.received_at += Duration::from_secs(3); // a retransmission, read later
    assert_eq!(notification_msg_id(&a), notification_msg_id(&again));
    assert!(notification_msg_id(&a).starts_with("snmp-inform-"));
    assert_ne!(
        notification_msg_id(&a),
        notification_msg_id(&notification(NotificationKind::Inform, 8))
    );
    let t = notification(NotificationKind::TrapV2, 7);
    assert_ne!(notification_msg_id(&t), notification_msg_id(&t));
}

#[test]
fn cycles_are_aligned_and_jobs_go_stale_after_one_interval() {
    let interval = Duration::from_secs(10);
    let t = UNIX_EPOCH + Duration::from_millis(1_000_000_123_456);
    let (cycle, start) = cycle_at(t, interval);
    assert_eq!(cycle, 100_000_012);
    assert_eq!(start, UNIX_EPOCH + Duration::from_secs(1_000_000_120));
    let job = Job {
        target: "10.0.0.1:161".into(),
        cycle,
        due_ms: 1_000_000_120_000,
        interval_ms: 10_000,
    };
    assert_eq!(job.age(t), Duration::from_millis(3_456));
    assert!(!job.is_stale(t));
    assert!(!job.is_stale(start + interval));
    assert!(job.is_stale(start + interval + Duration::from_millis(1)));
    assert!(
        !job.is_stale(UNIX_EPOCH),
        "a job from the future is not stale"
    );
    assert_eq!(job.msg_id(), "snmp-job-100000012-10_0_0_1_161");
    let back: Job = serde_json::from_slice(&serde_json::to_vec(&job).unwrap()).unwrap();
    assert_eq!(back, job);
    assert_eq!(job_subject(&job.target), "snmp.jobs.10_0_0_1_161");
    assert_eq!(poll_subject("[::1]:1161"), "snmp.poll.___1__1161");
    assert_eq!(
        ack_wait_for(Duration::from_secs(60)),
        Duration::from_secs(15)
    );
    assert_eq!(ack_wait_for(Duration::from_secs(1)), Duration::from_secs(1));
    assert_eq!(
        ack_wait_for(Duration::from_secs(3600)),
        Duration::from_secs(30)
    );
}

#[test]
fn fnv_known_answers() {
    // FNV-1a 64 reference values.
    let h = |b: &[u8]| {
        let mut f = Fnv64::default();
        f.write(b);
        f.finish()
    };
    assert_eq!(h(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(h(b"a"), 0xaf63_dc4c_8601_ec8c);
    assert_eq!(h(b"foobar"), 0x8594_4171_f739_67e8);
}
