//! The library's walks and request options: walks as streams and with limits (D3), the cap on
//! OIDs per request, tooBig recovery, and the local bind address. Small fake agents answer
//! here where a real one cannot be made to misbehave; the stream is checked against net-snmp.

mod common;
use common::*;
use futures_core::Stream;
use snmpkit::client::WalkLimit;
use snmpkit::codec::{decode_message, AnyPdu, CommunityMessage, Message, Pdu, PduType, Version};
use snmpkit::{Client, ClientOptions, Error, ErrorStatus, LimitReached, Oid, Security, Value};
use snmpkit::{Transport, VarBind};
use std::net::{SocketAddr, UdpSocket};
use std::pin::Pin;
use std::time::Duration;

/// A fake v2c agent on 127.0.0.1: answers each request with `answer(request)`, at most
/// `max_requests` times, and stops after a second of silence. Returns its address and a handle
/// giving the number of requests it saw and the source of the last one.
fn fake_agent(
    max_requests: usize,
    answer: impl Fn(&Pdu) -> Pdu + Send + 'static,
) -> (
    SocketAddr,
    std::thread::JoinHandle<(usize, Option<SocketAddr>)>,
) {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let addr = s.local_addr().unwrap();
    let h = std::thread::spawn(move || {
        let mut buf = vec![0u8; 65536];
        let (mut seen, mut last) = (0, None);
        while seen < max_requests {
            let Ok((n, from)) = s.recv_from(&mut buf) else {
                break;
            };
            seen += 1;
            last = Some(from);
            let Ok(Message::Community(m)) = decode_message(&buf[..n]) else {
                continue;
            };
            let AnyPdu::Pdu(req) = m.pdu else { continue };
            let mut resp = answer(&req);
            resp.request_id = req.request_id;
            let msg = CommunityMessage {
                version: Version::V2c,
                community: m.community,
                pdu: AnyPdu::Pdu(resp),
            };
            let _ = s.send_to(&msg.encode(), from);
        }
        (seen, last)
    });
    (addr, h)
}

fn response(varbinds: Vec<VarBind>) -> Pdu {
    Pdu {
        pdu_type: PduType::Response,
        request_id: 0,
        error_status: 0,
        error_index: 0,
        varbinds,
    }
}

fn client(addr: SocketAddr, options: ClientOptions) -> Client {
    Client::with_transport(
        Transport::new(),
        addr,
        addr.to_string(),
        Security::v2c("public"),
        options,
    )
}

fn quick() -> snmpkit::ClientOptionsBuilder {
    ClientOptions::builder()
        .timeout(Duration::from_secs(2))
        .retries(0)
}

/// An agent whose subtree never ends: each answer is the requested OID with its last arc plus
/// one (as many as max-repetitions asks for), always inside the subtree.
fn endless(req: &Pdu) -> Pdu {
    let Some(first) = req.varbinds.first() else {
        return response(Vec::new());
    };
    let reps = if req.pdu_type == PduType::GetBulk {
        req.error_index.clamp(1, 50) as u32
    } else {
        1
    };
    let mut arcs = first.oid.arcs().to_vec();
    if arcs.len() < 9 {
        arcs.push(0);
    }
    let mut out = Vec::new();
    for _ in 0..reps {
        *arcs.last_mut().unwrap() += 1;
        out.push(VarBind::new(
            Oid::from_slice(&arcs),
            Value::OctetString(vec![b'x'; 200]),
        ));
    }
    response(out)
}

/// D3: a collecting walk of an agent returning ever-increasing OIDs inside the subtree used to
/// grow without bound; with a count limit it stops, with an error saying so.
#[tokio::test]
async fn walk_of_an_endless_subtree_stops_at_its_count_limit() {
    let (addr, agent) = fake_agent(1000, endless);
    let c = client(addr, quick().max_repetitions(20).build());
    let root: Oid = "1.3.6.1.4.1.99999".parse().unwrap();
    let err = c.bulk_walk(&root, WalkLimit::count(500)).await.unwrap_err();
    assert!(
        matches!(err, Error::WalkLimit(LimitReached::Count(500))),
        "{err}"
    );
    // 500 varbinds at 20 per response: the walk stopped after about 26 requests.
    drop(c);
    let (seen, _) = agent.join().unwrap();
    assert!(seen <= 30, "{seen} requests");
}

/// The walk deadline of the client's options ends an endless walk too (streamed here).
#[tokio::test]
async fn walk_deadline_from_the_options_ends_an_endless_stream() {
    let (addr, agent) = fake_agent(200_000, endless);
    let c = client(
        addr,
        quick()
            .max_repetitions(5)
            .walk_deadline(Duration::from_millis(300))
            .build(),
    );
    let mut walk = c.bulk_walk_stream(&"1.3.6.1.4.1.99999".parse().unwrap());
    let mut n = 0usize;
    let end = loop {
        match std::future::poll_fn(|cx| Pin::new(&mut walk).poll_next(cx)).await {
            Some(Ok(_)) => n += 1,
            Some(Err(e)) => break e,
            None => panic!("an endless walk ended after {n}"),
        }
        assert!(n < 10_000_000);
    };
    assert!(
        matches!(end, Error::WalkLimit(LimitReached::Deadline(_))),
        "{end}"
    );
    drop(walk);
    drop(c);
    agent.join().unwrap();
}

#[tokio::test]
async fn get_splits_at_the_cap_and_on_too_big() {
    // tooBig for more than two varbinds; otherwise each OID's last arc as its value.
    let (addr, agent) = fake_agent(100, |req| {
        if req.varbinds.len() > 2 {
            let mut r = response(req.varbinds.clone());
            r.error_status = ErrorStatus::TooBig.code();
            return r;
        }
        response(
            req.varbinds
                .iter()
                .map(|vb| {
                    let last = *vb.oid.arcs().last().unwrap();
                    VarBind::new(vb.oid.clone(), Value::Integer(last as i64))
                })
                .collect(),
        )
    });
    let oids: Vec<Oid> = (1..=7)
        .map(|i| format!("1.3.6.1.2.1.1.{i}").parse().unwrap())
        .collect();
    let c = client(addr, quick().max_oids_per_request(3).build());
    let got = c.get(&oids).await.unwrap();
    let values: Vec<Value> = got.into_iter().map(|vb| vb.value).collect();
    assert_eq!(values, (1..=7).map(Value::Integer).collect::<Vec<_>>());
    // A Set is atomic: never split, refused over the cap.
    let vbs: Vec<VarBind> = oids
        .iter()
        .map(|o| VarBind::new(o.clone(), Value::Integer(1)))
        .collect();
    assert!(matches!(
        c.set(&vbs[..4]).await,
        Err(Error::InvalidArgument(_))
    ));
    // Without recovery, tooBig is the answer.
    let c = client(addr, quick().too_big_recovery(false).build());
    match c.get(&oids).await {
        Err(Error::Status { status, .. }) => assert_eq!(status, ErrorStatus::TooBig),
        other => panic!("{other:?}"),
    }
    drop(c);
    // 3 chunks (3+3+1): the two of 3 each split into 1+2 after a tooBig → 3 + 2·2 requests,
    // then the unrecovered one: 8 in all.
    let (seen, _) = agent.join().unwrap();
    assert_eq!(seen, 8);
}

#[tokio::test]
async fn requests_leave_from_the_local_address_given() {
    let (addr, agent) = fake_agent(1, |req| response(req.varbinds.clone()));
    let local: SocketAddr = "127.0.0.2:0".parse().unwrap();
    let c = Client::connect(
        &addr.to_string(),
        Security::v2c("public"),
        quick().local_addr(local).build(),
    )
    .await
    .unwrap();
    c.get(&["1.3.6.1.2.1.1.5.0".parse().unwrap()])
        .await
        .unwrap();
    let (_, from) = agent.join().unwrap();
    assert_eq!(from.unwrap().ip().to_string(), "127.0.0.2");
}

/// The stream yields what net-snmp's snmpbulkwalk prints, in the same order.
#[tokio::test]
async fn walk_stream_matches_snmpbulkwalk() {
    let d = Snmpd::start("");
    let c = Client::connect(&d.v4(), Security::v2c("public"), quick().build())
        .await
        .unwrap();
    let root: Oid = "1.3.6.1.2.1.1".parse().unwrap();
    let mut walk = c.bulk_walk_stream(&root);
    let mut ours = Vec::new();
    while let Some(vb) = std::future::poll_fn(|cx| Pin::new(&mut walk).poll_next(cx)).await {
        ours.push(vb.unwrap().oid.to_string());
        assert!(ours.len() < 10_000);
    }
    let theirs = netsnmp(
        "snmpbulkwalk",
        &["-v2c", "-c", "public", "-On", &d.v4(), ".1.3.6.1.2.1.1"],
    );
    let theirs: Vec<String> = theirs
        .stdout
        .lines()
        .map(|l| line_oid(l).trim_start_matches('.').to_string())
        .collect();
    assert!(!ours.is_empty());
    assert_eq!(ours, theirs);
    // Collected with a generous limit: the same varbinds.
    let all = c.bulk_walk(&root, WalkLimit::count(10_000)).await.unwrap();
    assert_eq!(all.len(), ours.len());
}

/// `Walk::next_chunk` (the Python binding's per-response hand-over) yields the stream's items
/// a response at a time, and stops at a count limit with the same error as the stream.
#[tokio::test]
async fn next_chunk_gives_pages_and_keeps_the_count_limit() {
    let (addr, agent) = fake_agent(1000, endless);
    let c = client(addr, quick().max_repetitions(20).build());
    let root: Oid = "1.3.6.1.4.1.99999".parse().unwrap();
    let mut walk = c.bulk_walk_stream(&root).with_limit(WalkLimit::count(50));
    let mut sizes = Vec::new();
    let mut last: Option<Oid> = None;
    let err = loop {
        match walk.next_chunk().await {
            Some(Ok(vbs)) => {
                for vb in &vbs {
                    assert!(last.as_ref().is_none_or(|l| *l < vb.oid), "not increasing");
                    last = Some(vb.oid.clone());
                }
                sizes.push(vbs.len());
            }
            Some(Err(e)) => break e,
            None => panic!("an endless walk ended"),
        }
    };
    assert!(
        matches!(err, Error::WalkLimit(LimitReached::Count(50))),
        "{err}"
    );
    assert_eq!(sizes, [20, 20, 10]);
    drop((walk, c));
    agent.join().unwrap();
}
