//! The pipeline over a real receiver on loopback: counters that add up, dedup, rate limiting,
//! informs acknowledged when dropped by a filter, output that never blocks.

use super::*;
use crate::codec::{AnyPdu, CommunityMessage, Pdu, PduType, Version};
use crate::notify::ReceiverConfig;
use crate::{Oid, Value, VarBind};
use std::sync::Mutex;

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn message(pdu_type: PduType, request_id: i32, uptime: u32, value: i32) -> Vec<u8> {
    CommunityMessage {
        version: Version::V2c,
        community: b"public".to_vec(),
        pdu: AnyPdu::Pdu(Pdu {
            pdu_type,
            request_id,
            error_status: 0,
            error_index: 0,
            varbinds: vec![
                VarBind::new(oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(uptime)),
                VarBind::new(
                    oid("1.3.6.1.6.3.1.1.4.1.0"),
                    Value::ObjectIdentifier(oid("1.3.6.1.6.3.1.1.5.3")),
                ),
                VarBind::new(oid("1.3.6.1.2.1.2.2.1.1.2"), Value::Integer(value.into())),
            ],
        }),
    }
    .encode()
}

/// A writer the test reads back.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Shared {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn receiver() -> Receiver {
    let c = ReceiverConfig {
        listen: vec!["127.0.0.1:0".parse().unwrap()],
        ..ReceiverConfig::default()
    };
    Receiver::bind(c).await.unwrap()
}

/// Waits until the receiver has counted `n` datagrams, then a little beyond for the
/// pipeline to take them (it runs until told to stop).
async fn received(rx: &crate::notify::StatsHandle, n: u64) {
    for _ in 0..4000 {
        if rx.snapshot().received >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("only {} of {n} datagrams received", rx.snapshot().received);
}

/// Runs the pipeline until every datagram sent was received and taken.
async fn run(config: PipelineConfig, datagrams: &[Vec<u8>]) -> (PipelineStats, Receiver) {
    let mut rx = receiver().await;
    let to = rx.local_addrs()[0];
    let stats = rx.stats_handle();
    let total = datagrams.len() as u64;
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for d in datagrams {
        sock.send_to(d, to).unwrap();
    }
    let stop = async move {
        received(&stats, total).await;
        // The receiver delivered them; let the pipeline drain its queue.
        for _ in 0..4000 {
            let s = stats.snapshot();
            if s.received == total {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let report = Pipeline::new(config).run(&mut rx, None, stop).await;
    (report.stats(&rx.stats()), rx)
}

fn render(style: Style) -> Render {
    let mut o = OutputOptions::default();
    o.parse_flags("n").unwrap();
    Render::new(o, Mib::none(), style)
}

#[tokio::test]
async fn dedup_counts_repeats_and_the_counters_add_up() {
    let out = Shared::default();
    let mut c = PipelineConfig::new(render(Style::Json));
    c.output = Some(OutputSink::Writer(Box::new(out.clone())));
    c.dedup = Some(Duration::from_secs(10));
    let mut d: Vec<Vec<u8>> = (0..50)
        .map(|i| message(PduType::TrapV2, i, i as u32, 2))
        .collect();
    d.push(message(PduType::TrapV2, 99, 5, 3)); // another value: not a repeat
    d.push(b"garbage".to_vec());
    let (s, _rx) = run(c, &d).await;
    assert_eq!(s.received(), 52);
    assert_eq!(s.pipeline.deduplicated, 49);
    assert_eq!(s.decoded(), 2);
    assert_eq!(s.dropped(), 1);
    assert!(s.adds_up(), "{s:?}");
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
}

#[tokio::test]
async fn rate_limit_suppresses_a_flood_and_reports_the_storm() {
    let out = Shared::default();
    let events = Arc::new(Mutex::new(Vec::new()));
    let ev = events.clone();
    let mut c = PipelineConfig::new(render(Style::Json));
    c.output = Some(OutputSink::Writer(Box::new(out.clone())));
    c.rate_limit = Some(100);
    c.on_event = Some(Box::new(move |e: &PipelineEvent| {
        ev.lock().unwrap().push(e.clone())
    }));
    let d: Vec<Vec<u8>> = (0..1000)
        .map(|i| message(PduType::TrapV2, i, 0, i))
        .collect();
    let (s, _rx) = run(c, &d).await;
    assert!(s.adds_up(), "{s:?}");
    assert_eq!(s.received(), 1000);
    let passed = s.pipeline.passed;
    assert!((100..=200).contains(&passed), "{passed}");
    assert_eq!(s.suppressed(), 1000 - passed);
    // The storm's end is reported at shutdown: as an event and as a JSON object.
    let ev = events.lock().unwrap();
    let Some(PipelineEvent::StormEnded(r)) = ev.first() else {
        panic!("{ev:?}")
    };
    assert_eq!(r.suppressed, s.suppressed());
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(last["event"], "rate_limit");
    assert_eq!(last["suppressed"], s.suppressed());
}

#[tokio::test]
async fn deny_all_prints_the_refusal_and_counts_it() {
    let out = Shared::default();
    let mut c = PipelineConfig::new(render(Style::Trapd(TrapdFormat::default())));
    c.output = Some(OutputSink::Writer(Box::new(out.clone())));
    c.deny_all = true;
    let d: Vec<Vec<u8>> = (0..3).map(|i| message(PduType::TrapV2, i, 0, i)).collect();
    let (s, _rx) = run(c, &d).await;
    assert_eq!(s.pipeline.unauthorized, 3);
    assert_eq!(s.decoded(), 0);
    assert!(s.adds_up());
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    assert_eq!(text, "No access configuration - dropping trap.\n".repeat(3));
}

/// A writer that never accepts anything: the pipeline still takes everything, counts what
/// it could not print, and stops when told.
#[tokio::test]
async fn a_stuck_writer_never_holds_the_pipeline() {
    struct Stuck(std::sync::mpsc::Receiver<()>);
    impl std::io::Write for Stuck {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            let _ = self.0.recv();
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let mut rd = render(Style::Blocks);
    rd.style = Style::Blocks;
    let mut c = PipelineConfig::new(rd);
    c.output = Some(OutputSink::Writer(Box::new(Stuck(rx))));
    let d: Vec<Vec<u8>> = (0..2000)
        .map(|i| message(PduType::TrapV2, i, 0, i))
        .collect();
    let (s, _rx) = run(c, &d).await;
    drop(tx);
    assert_eq!(s.pipeline.passed, 2000);
    let o = &s.pipeline.output;
    // The first batch is stuck in the writer; every other one waits or was refused.
    assert!(o.queue_full + o.waiting > 0, "{o:?}");
    assert!(s.adds_up());
}

#[tokio::test]
async fn handlers_and_exec_run_beside_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("handler");
    let e = dir.path().join("exec");
    let mut c = PipelineConfig::new(render(Style::Trapd(TrapdFormat::default())));
    c.handlers = TrapHandlers::new(vec![(
        HandlerMatch::Default,
        format!("cat >> {}", h.display()),
    )]);
    c.exec = Some(format!("cat >> {}", e.display()));
    let d: Vec<Vec<u8>> = (0..3).map(|i| message(PduType::TrapV2, i, 0, i)).collect();
    let (s, _rx) = run(c, &d).await;
    assert_eq!(s.pipeline.passed, 3);
    for _ in 0..2000 {
        let done = std::fs::read_to_string(&h)
            .unwrap_or_default()
            .matches("UDP: [")
            .count()
            == 3
            && std::fs::read_to_string(&e)
                .unwrap_or_default()
                .lines()
                .count()
                == 3;
        if done {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let handler = std::fs::read_to_string(&h).unwrap();
    assert_eq!(handler.matches("UDP: [").count(), 3, "{handler}");
    assert!(handler.contains(".1.3.6.1.2.1.2.2.1.1.2 2\n"), "{handler}");
    let exec = std::fs::read_to_string(&e).unwrap();
    assert_eq!(exec.lines().count(), 3, "{exec}");
}
