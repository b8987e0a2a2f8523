//! A response is accepted only when its request-id and its source address both match; stray,
//! spoofed, late and duplicate datagrams are ignored and counted.

use snmpkit::codec::{decode_message, AnyPdu, CommunityMessage, Message, Pdu, PduType, Version};
use snmpkit::{Client, ClientOptions, Oid, Security, Transport, Value, VarBind};
use std::net::UdpSocket;
use std::time::Duration;

fn response(request_id: i32, text: &str) -> Vec<u8> {
    CommunityMessage {
        version: Version::V2c,
        community: b"public".to_vec(),
        pdu: AnyPdu::Pdu(Pdu {
            pdu_type: PduType::Response,
            request_id,
            error_status: 0,
            error_index: 0,
            varbinds: vec![VarBind::new(
                "1.3.6.1.2.1.1.5.0".parse().unwrap(),
                Value::OctetString(text.as_bytes().to_vec()),
            )],
        }),
    }
    .encode()
}

#[tokio::test]
async fn only_the_matching_source_and_id_are_accepted() {
    let agent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let spoofer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let agent_addr = agent.local_addr().unwrap();
    let fake = std::thread::spawn(move || {
        let mut buf = [0u8; 2048];
        let (n, client) = agent.recv_from(&mut buf).unwrap();
        let Ok(Message::Community(m)) = decode_message(&buf[..n]) else {
            panic!("not a community message")
        };
        let AnyPdu::Pdu(p) = m.pdu else {
            panic!("trap")
        };
        let id = p.request_id;
        // The right id from the wrong port, a wrong id from the right port, then the answer,
        // then a duplicate of it.
        spoofer.send_to(&response(id, "spoofed"), client).unwrap();
        agent
            .send_to(&response(id.wrapping_add(1), "wrong id"), client)
            .unwrap();
        agent.send_to(&[0x30, 0x03, 0x02, 0x01], client).unwrap();
        std::thread::sleep(Duration::from_millis(50));
        agent.send_to(&response(id, "genuine"), client).unwrap();
        agent.send_to(&response(id, "duplicate"), client).unwrap();
    });
    let transport = Transport::new();
    let options = ClientOptions::builder()
        .timeout(Duration::from_secs(2))
        .retries(0)
        .build();
    let client = Client::with_transport(
        transport.clone(),
        agent_addr,
        agent_addr.to_string(),
        Security::v2c("public"),
        options,
    );
    let oid: Oid = "1.3.6.1.2.1.1.5.0".parse().unwrap();
    let vbs = client.get(&[oid]).await.unwrap();
    assert_eq!(vbs[0].value, Value::OctetString(b"genuine".to_vec()));
    fake.join().unwrap();
    // The late duplicate arrives after the answer: wait (bounded) until it is counted.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while transport.stray_count() < 3 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        transport.stray_count() >= 3,
        "stray: {}",
        transport.stray_count()
    );
    assert!(transport.malformed_count() >= 1);
}

#[tokio::test]
async fn many_requests_share_one_socket() {
    // Two agents answering on their own ports, many concurrent requests through one transport.
    let mut agents = Vec::new();
    let mut threads = Vec::new();
    for name in ["a", "b"] {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        agents.push(s.local_addr().unwrap());
        threads.push(std::thread::spawn(move || {
            let mut buf = [0u8; 2048];
            for _ in 0..50 {
                let (n, from) = s.recv_from(&mut buf).unwrap();
                if let Ok(Message::Community(m)) = decode_message(&buf[..n]) {
                    if let AnyPdu::Pdu(p) = m.pdu {
                        s.send_to(&response(p.request_id, name), from).unwrap();
                    }
                }
            }
        }));
    }
    let transport = Transport::new();
    let mut tasks = Vec::new();
    for i in 0..100 {
        let addr = agents[i % 2];
        let client = Client::with_transport(
            transport.clone(),
            addr,
            addr.to_string(),
            Security::v2c("public"),
            ClientOptions::default(),
        );
        tasks.push(tokio::spawn(async move {
            let vbs = client
                .get(&["1.3.6.1.2.1.1.5.0".parse().unwrap()])
                .await
                .unwrap();
            (i, vbs[0].value.clone())
        }));
    }
    for t in tasks {
        let (i, v) = t.await.unwrap();
        let want = if i % 2 == 0 { "a" } else { "b" };
        assert_eq!(
            v,
            Value::OctetString(want.as_bytes().to_vec()),
            "request {i}"
        );
    }
    for t in threads {
        t.join().unwrap();
    }
}

/// RFC 3412 §7.1: a request larger than the agent's msgMaxSize (learned at discovery) is
/// refused before it is sent.
#[tokio::test]
async fn v3_requests_respect_the_agents_max_size() {
    use snmpkit::codec::{ScopedPdu, ScopedPduData, UsmParams, V3Message};
    use snmpkit::usm::{AuthProtocol, Credentials};
    let agent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = agent.local_addr().unwrap();
    let fake = std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        let (n, from) = agent.recv_from(&mut buf).unwrap();
        let Ok(Message::V3(d)) = decode_message(&buf[..n]) else {
            panic!("not a v3 discovery")
        };
        let report = V3Message {
            msg_id: d.msg.msg_id,
            max_size: 484,
            flags: 0,
            security_model: 3,
            usm: UsmParams {
                engine_id: vec![0x80, 0, 0x1f, 0x88, 0x80, 1, 2, 3, 4],
                engine_boots: 1,
                engine_time: 100,
                ..UsmParams::default()
            },
            data: ScopedPduData::Plaintext(ScopedPdu {
                context_engine_id: vec![0x80, 0, 0x1f, 0x88, 0x80, 1, 2, 3, 4],
                context_name: vec![],
                pdu: Pdu {
                    pdu_type: PduType::Report,
                    request_id: 0,
                    error_status: 0,
                    error_index: 0,
                    varbinds: vec![VarBind::new(
                        "1.3.6.1.6.3.15.1.1.4.0".parse().unwrap(),
                        Value::Counter32(1),
                    )],
                },
            }),
        };
        agent.send_to(&report.encode().bytes, from).unwrap();
        // Nothing else may arrive: the oversized request must not be sent.
        agent
            .set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
        agent.recv_from(&mut buf).is_err()
    });
    let creds = Credentials::new("u").auth(AuthProtocol::Sha1, "authpass123");
    let client = Client::with_transport(
        Transport::new(),
        addr,
        addr.to_string(),
        Security::v3(creds),
        ClientOptions::builder()
            .timeout(Duration::from_millis(500))
            .retries(0)
            .build(),
    );
    let big = VarBind::new(
        "1.3.6.1.2.1.1.6.0".parse().unwrap(),
        Value::OctetString(vec![b'x'; 1000]),
    );
    let err = client.set(&[big]).await.unwrap_err();
    assert!(err.to_string().contains("msgMaxSize of 484"), "{err}");
    assert!(fake.join().unwrap(), "the oversized request was sent");
}
