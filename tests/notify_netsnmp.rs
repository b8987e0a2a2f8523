//! The notification receiver against net-snmp's `snmptrap` and `snmpinform`, plus malformed
//! datagrams and a burst, on loopback (IPv4 and IPv6) ports picked by binding port 0.

use snmpkit::codec::{AnyPdu, CommunityMessage, Pdu, PduType, Version};
use snmpkit::notify::{
    DropReason, Notification, NotificationKind, Receiver, ReceiverConfig, Sender,
};
use snmpkit::{Oid, Value, VarBind};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;
use tokio::net::UdpSocket;

/// Generous bound so a broken receiver fails the test instead of hanging it.
const WAIT: Duration = Duration::from_secs(20);

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

async fn receiver(listen: &[&str], communities: &[&str]) -> Receiver {
    let mut c = ReceiverConfig::default();
    c.listen = listen.iter().map(|a| a.parse().unwrap()).collect();
    c.communities = communities.iter().map(|s| s.as_bytes().to_vec()).collect();
    Receiver::bind(c).await.expect("bind")
}

fn target(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("udp:{a}"),
        SocketAddr::V6(a) => format!("udp6:{a}"),
    }
}

/// Runs a net-snmp tool with no MIBs loaded and a private persistent directory.
async fn netsnmp(tool: &str, args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new(tool)
        .args(["-m", "", "-M", "/dev/null"])
        .args(args)
        .env("SNMP_PERSISTENT_DIR", dir.path())
        .env("SNMPCONFPATH", dir.path())
        .env("MIBS", "")
        .output()
        .await
        .expect("run net-snmp tool");
    out
}

async fn send_ok(tool: &str, args: &[&str]) {
    let out = netsnmp(tool, args).await;
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn next(rx: &mut Receiver) -> Notification {
    tokio::time::timeout(WAIT, rx.recv())
        .await
        .expect("no notification arrived")
        .expect("receiver closed")
}

fn vb(o: &str, v: Value) -> VarBind {
    VarBind::new(oid(o), v)
}

fn v2_message(pdu_type: PduType, request_id: i32, community: &str, extra: Vec<VarBind>) -> Vec<u8> {
    let mut varbinds = vec![
        vb("1.3.6.1.2.1.1.3.0", Value::TimeTicks(100)),
        vb(
            "1.3.6.1.6.3.1.1.4.1.0",
            Value::ObjectIdentifier(oid("1.3.6.1.6.3.1.1.5.4")),
        ),
    ];
    varbinds.extend(extra);
    CommunityMessage {
        version: Version::V2c,
        community: community.as_bytes().to_vec(),
        pdu: AnyPdu::Pdu(Pdu {
            pdu_type,
            request_id,
            error_status: 0,
            error_index: 0,
            varbinds,
        }),
    }
    .encode()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_generic_trap_from_snmptrap() {
    let mut rx = receiver(&["127.0.0.1:0"], &[]).await;
    let to = target(rx.local_addrs()[0]);
    send_ok(
        "snmptrap",
        &[
            "-v1",
            "-c",
            "public",
            &to,
            "1.3.6.1.4.1.8072",
            "127.0.0.1",
            "2",
            "0",
            "12345",
            "1.3.6.1.2.1.2.2.1.1.2",
            "i",
            "2",
        ],
    )
    .await;
    let n = next(&mut rx).await;
    assert_eq!(n.version, Version::V1);
    assert_eq!(n.kind, NotificationKind::TrapV1);
    assert_eq!(n.sender, Sender::Community(b"public".to_vec()));
    assert_eq!(n.source.ip(), Ipv4Addr::LOCALHOST);
    assert_eq!(n.request_id, 0);
    let v1 = n.v1.as_ref().expect("v1 fields");
    assert_eq!(v1.enterprise, oid("1.3.6.1.4.1.8072"));
    assert_eq!(v1.agent_addr, Ipv4Addr::LOCALHOST);
    assert_eq!(
        (v1.generic_trap, v1.specific_trap, v1.time_stamp),
        (2, 0, 12345)
    );
    assert_eq!(n.uptime, Some(12345));
    // RFC 3584 §3.1: linkDown is snmpTraps.3.
    assert_eq!(n.trap_oid, Some(oid("1.3.6.1.6.3.1.1.5.3")));
    assert_eq!(
        n.varbinds,
        vec![vb("1.3.6.1.2.1.2.2.1.1.2", Value::Integer(2))]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_enterprise_specific_trap_without_varbinds() {
    let mut rx = receiver(&["127.0.0.1:0"], &[]).await;
    let to = target(rx.local_addrs()[0]);
    send_ok(
        "snmptrap",
        &[
            "-v1",
            "-c",
            "public",
            &to,
            "1.3.6.1.4.1.8072",
            "192.0.2.7",
            "6",
            "17",
            "",
        ],
    )
    .await;
    let n = next(&mut rx).await;
    assert_eq!(n.kind, NotificationKind::TrapV1);
    let v1 = n.v1.as_ref().expect("v1 fields");
    assert_eq!(v1.agent_addr, Ipv4Addr::new(192, 0, 2, 7));
    assert_eq!((v1.generic_trap, v1.specific_trap), (6, 17));
    assert_eq!(n.uptime, Some(v1.time_stamp));
    // RFC 3584 §3.1: enterprise.0.specific.
    assert_eq!(n.trap_oid, Some(oid("1.3.6.1.4.1.8072.0.17")));
    assert!(n.varbinds.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2c_trap_from_snmptrap() {
    let mut rx = receiver(&["127.0.0.1:0"], &[]).await;
    let to = target(rx.local_addrs()[0]);
    send_ok(
        "snmptrap",
        &[
            "-v2c",
            "-c",
            "public",
            &to,
            "4321",
            "1.3.6.1.6.3.1.1.5.3",
            "1.3.6.1.2.1.2.2.1.1.2",
            "i",
            "2",
        ],
    )
    .await;
    let n = next(&mut rx).await;
    assert_eq!(n.version, Version::V2c);
    assert_eq!(n.kind, NotificationKind::TrapV2);
    assert_eq!(n.community(), Some(&b"public"[..]));
    assert_eq!(n.uptime, Some(4321));
    assert_eq!(n.trap_oid, Some(oid("1.3.6.1.6.3.1.1.5.3")));
    assert!(n.v1.is_none());
    assert_eq!(
        n.varbinds,
        vec![
            vb("1.3.6.1.2.1.1.3.0", Value::TimeTicks(4321)),
            vb(
                "1.3.6.1.6.3.1.1.4.1.0",
                Value::ObjectIdentifier(oid("1.3.6.1.6.3.1.1.5.3"))
            ),
            vb("1.3.6.1.2.1.2.2.1.1.2", Value::Integer(2)),
        ]
    );
    assert_eq!(
        n.payload(),
        &[vb("1.3.6.1.2.1.2.2.1.1.2", Value::Integer(2))][..]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2c_inform_from_snmpinform_is_acknowledged() {
    let mut rx = receiver(&["127.0.0.1:0"], &[]).await;
    let to = target(rx.local_addrs()[0]);
    // snmpinform exits non-zero when no acknowledgement arrives.
    send_ok(
        "snmpinform",
        &[
            "-v2c",
            "-c",
            "public",
            "-t",
            "2",
            "-r",
            "2",
            &to,
            "777",
            "1.3.6.1.6.3.1.1.5.4",
            "1.3.6.1.2.1.1.5.0",
            "s",
            "router-1",
        ],
    )
    .await;
    let n = next(&mut rx).await;
    assert_eq!(n.kind, NotificationKind::Inform);
    assert_eq!(n.version, Version::V2c);
    assert_eq!(n.uptime, Some(777));
    assert_eq!(n.trap_oid, Some(oid("1.3.6.1.6.3.1.1.5.4")));
    assert_eq!(
        n.payload(),
        &[vb(
            "1.3.6.1.2.1.1.5.0",
            Value::OctetString(b"router-1".to_vec())
        )][..]
    );
    assert!(rx.stats().informs_acknowledged >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retransmitted_inform_is_acknowledged_twice_but_reported_once() {
    let mut rx = receiver(&["127.0.0.1:0"], &[]).await;
    let addr = rx.local_addrs()[0];
    let sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let inform = v2_message(PduType::Inform, 31337, "public", vec![]);
    let mut buf = vec![0u8; 65536];
    for _ in 0..2 {
        sock.send_to(&inform, addr).await.unwrap();
        let n = tokio::time::timeout(WAIT, sock.recv(&mut buf))
            .await
            .expect("no acknowledgement")
            .unwrap();
        let snmpkit::codec::Message::Community(ack) =
            snmpkit::codec::decode_message(&buf[..n]).unwrap()
        else {
            panic!("not a community message")
        };
        let AnyPdu::Pdu(p) = ack.pdu else {
            panic!("v1 trap")
        };
        assert_eq!(
            (p.pdu_type, p.request_id, p.error_status),
            (PduType::Response, 31337, 0)
        );
    }
    // Then a trap: it must be the very next notification after the one inform.
    let trap = v2_message(PduType::TrapV2, 1, "public", vec![]);
    sock.send_to(&trap, addr).await.unwrap();
    assert_eq!(next(&mut rx).await.kind, NotificationKind::Inform);
    assert_eq!(next(&mut rx).await.kind, NotificationKind::TrapV2);
    let s = rx.stats();
    assert_eq!(
        (s.delivered, s.duplicate_informs, s.informs_acknowledged),
        (2, 1, 2)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn community_filter() {
    let mut rx = receiver(&["127.0.0.1:0"], &["secret", "other"]).await;
    let to = target(rx.local_addrs()[0]);
    let trap = |c: &'static str| {
        let to = to.clone();
        async move {
            send_ok(
                "snmptrap",
                &["-v2c", "-c", c, &to, "1", "1.3.6.1.6.3.1.1.5.1"],
            )
            .await
        }
    };
    trap("public").await;
    send_ok(
        "snmptrap",
        &[
            "-v1",
            "-c",
            "public",
            &to,
            "1.3.6.1.4.1.8072",
            "127.0.0.1",
            "0",
            "0",
            "1",
        ],
    )
    .await;
    trap("secret").await;
    let n = next(&mut rx).await;
    assert_eq!(n.community(), Some(&b"secret"[..]));
    assert_eq!(rx.stats().dropped(DropReason::BadCommunity), 2);
    trap("other").await;
    assert_eq!(next(&mut rx).await.community(), Some(&b"other"[..]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv4_and_ipv6_at_once() {
    let mut rx = receiver(&["127.0.0.1:0", "[::1]:0"], &[]).await;
    let (v4, v6) = (rx.local_addrs()[0], rx.local_addrs()[1]);
    assert!(v4.is_ipv4() && v6.is_ipv6());
    send_ok(
        "snmptrap",
        &[
            "-v2c",
            "-c",
            "public",
            &target(v6),
            "6",
            "1.3.6.1.6.3.1.1.5.2",
        ],
    )
    .await;
    send_ok(
        "snmpinform",
        &[
            "-v2c",
            "-c",
            "public",
            &target(v6),
            "7",
            "1.3.6.1.6.3.1.1.5.1",
        ],
    )
    .await;
    send_ok(
        "snmptrap",
        &[
            "-v2c",
            "-c",
            "public",
            &target(v4),
            "4",
            "1.3.6.1.6.3.1.1.5.3",
        ],
    )
    .await;
    let mut got = Vec::new();
    for _ in 0..3 {
        let n = next(&mut rx).await;
        got.push((n.source.is_ipv6(), n.local, n.kind, n.uptime));
    }
    got.sort_by_key(|g| g.3);
    assert_eq!(
        got,
        vec![
            (false, v4, NotificationKind::TrapV2, Some(4)),
            (true, v6, NotificationKind::TrapV2, Some(6)),
            (true, v6, NotificationKind::Inform, Some(7)),
        ]
    );
}

/// A small deterministic generator (xorshift64*), so the garbage is the same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn garbage(i: usize, rng: &mut Rng, real: &[u8]) -> Vec<u8> {
    match i % 6 {
        // Random bytes of random length.
        0 => {
            let n = (rng.next() % 1500) as usize;
            rng.bytes(n)
        }
        // Random bytes behind a plausible SEQUENCE header.
        1 => {
            let mut v = vec![0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x01];
            v.extend(rng.bytes(256));
            v
        }
        // A real trap cut short.
        2 => real[..(rng.next() as usize) % real.len()].to_vec(),
        // Huge length fields at the top level and deep inside.
        3 => {
            let mut v = vec![0x30, 0x84, 0x7f, 0xff, 0xff, 0xff];
            v.extend_from_slice(real.get(2..).unwrap_or(&[]));
            v
        }
        4 => {
            let mut v = real.to_vec();
            // The varbind list (after error-index 0): claim 4 GiB for it.
            let p = v
                .windows(4)
                .rposition(|w| w == [0x02, 0x01, 0x00, 0x30])
                .expect("varbind list");
            v.splice(p + 4..p + 5, [0x84, 0xff, 0xff, 0xff, 0xff]);
            v
        }
        // The outer length claims more than the datagram holds, or deep nesting.
        _ => {
            if i % 12 == 5 {
                let mut v = real.to_vec();
                v[1] = 0x7f;
                v
            } else {
                let mut v = Vec::new();
                for _ in 0..500 {
                    v.extend_from_slice(&[0x30, 0x84, 0x00, 0x00, 0xff, 0xff]);
                }
                v
            }
        }
    }
}

/// Waits (bounded) until the receiver has read at least `n` datagrams.
async fn wait_received(stats: &snmpkit::notify::StatsHandle, n: u64) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while stats.snapshot().received < n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "receiver stuck at {:?}",
            stats.snapshot()
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_datagrams_do_not_hide_the_next_good_trap() {
    let mut rx = receiver(&["127.0.0.1:0"], &["public"]).await;
    let addr = rx.local_addrs()[0];
    let sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let real = v2_message(
        PduType::TrapV2,
        5,
        "public",
        vec![vb("1.3.6.1.2.1.2.2.1.1.2", Value::Integer(2))],
    );
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for i in 0..3000 {
        let g = garbage(i, &mut rng, &real);
        sock.send_to(&g, addr).await.unwrap();
        if i % 100 == 99 {
            // Flow control, not a pause: never more than 200 datagrams in the kernel's
            // buffer, however slowly a loaded machine schedules the receiver.
            wait_received(&rx.stats_handle(), (i as u64 + 1).saturating_sub(100)).await;
        }
    }
    let good = v2_message(PduType::TrapV2, 424242, "public", vec![]);
    sock.send_to(&good, addr).await.unwrap();
    // No garbage may decode as a notification: the first one delivered is the good trap.
    assert_eq!(next(&mut rx).await.request_id, 424242);
    let s = rx.stats();
    assert_eq!(s.received, 3001, "{s:?}");
    assert_eq!(s.delivered, 1, "{s:?}");
    assert_eq!(s.dropped(DropReason::Malformed), 3000, "{s:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn burst_of_5000_traps_loses_none() {
    let mut rx = receiver(&["127.0.0.1:0"], &[]).await;
    let addr = rx.local_addrs()[0];
    let stats = rx.stats_handle();
    let collector = tokio::spawn(async move {
        let mut ids = vec![false; 5000];
        let mut n = 0;
        while n < 5000 {
            let Ok(Some(t)) = tokio::time::timeout(WAIT, rx.recv()).await else {
                break;
            };
            if let Some(seen) = ids.get_mut(t.request_id as usize) {
                if !*seen {
                    *seen = true;
                    n += 1;
                }
            }
        }
        n
    });
    let sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    // Paced at about 10,000/s: 50 traps every 5 ms.
    let start = tokio::time::Instant::now();
    for i in 0..5000 {
        let t = v2_message(
            PduType::TrapV2,
            i,
            "public",
            vec![vb("1.3.6.1.2.1.2.2.1.1.2", Value::Integer(i as i64))],
        );
        sock.send_to(&t, addr).await.unwrap();
        if i % 50 == 49 {
            tokio::time::sleep_until(start + Duration::from_millis(5 * (i as u64 + 1) / 50)).await;
            // And flow control: at most 400 in the kernel's buffer, so a loaded machine that
            // schedules the receiver late cannot make the kernel drop (that rate is a
            // benchmark's business, not a test's).
            wait_received(&stats, (i as u64 + 1).saturating_sub(350)).await;
        }
    }
    let got = collector.await.unwrap();
    assert_eq!(got, 5000, "{:?}", stats.snapshot());
    assert_eq!(stats.snapshot().received, 5000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_consumer_applies_backpressure_and_loses_nothing() {
    let mut c = ReceiverConfig::default();
    c.listen = vec!["127.0.0.1:0".parse().unwrap()];
    c.queue_capacity = 8;
    let mut rx = Receiver::bind(c).await.unwrap();
    let addr = rx.local_addrs()[0];
    let sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    for i in 0..500 {
        let t = v2_message(PduType::TrapV2, i, "public", vec![]);
        sock.send_to(&t, addr).await.unwrap();
    }
    // Nobody consumes for a while: the socket task must stop at the queue bound, not buffer
    // the whole burst in memory (the rest waits in the kernel's receive buffer).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let s = rx.stats();
    assert!(s.delivered <= 9, "{s:?}");
    for i in 0..500 {
        assert_eq!(next(&mut rx).await.request_id, i);
    }
    assert_eq!(rx.stats().dropped_total(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_bytes_are_bounded() {
    let mut c = ReceiverConfig::default();
    c.listen = vec!["127.0.0.1:0".parse().unwrap()];
    // Rounded up to one maximal datagram: 64 KiB, so at most 64 of these 1 KiB traps wait.
    c.queue_bytes = 0;
    let mut rx = Receiver::bind(c).await.unwrap();
    let addr = rx.local_addrs()[0];
    let sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let pad = vec![vb("1.3.6.1.2.1.1.1.0", Value::OctetString(vec![b'x'; 900]))];
    for i in 0..300 {
        let t = v2_message(PduType::TrapV2, i, "public", pad.clone());
        assert!(t.len() > 768 && t.len() <= 1024);
        sock.send_to(&t, addr).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let s = rx.stats();
    assert!(s.delivered <= 65, "{s:?}");
    for i in 0..300 {
        assert_eq!(next(&mut rx).await.request_id, i);
    }
}
