//! `--vary` realism and snmpsim's variation modules, through the responder.

use std::time::{Duration, Instant};

use super::recording::{parse_snmprec, Recording};
use super::{Agent, AgentConfig, Options, VaryRate};
use snmpkit::codec::{decode_message, AnyPdu, CommunityMessage, Message, Pdu, PduType, Version};
use snmpkit::{Oid, Value, VarBind};

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn agent(text: &str, vary: Option<VaryRate>, errors: bool) -> Agent {
    let mut r: Recording =
        parse_snmprec(text.as_bytes(), std::path::Path::new("t.snmprec")).unwrap();
    r.name = None;
    let o = Options {
        vary,
        vary_errors: errors,
        ..Options::default()
    };
    Agent::new(AgentConfig::lab_default(), vec![r], o).unwrap()
}

fn request(a: &Agent, pdu_type: PduType, community: &str, vbs: Vec<VarBind>, at: Instant) -> Pdu {
    let bytes = CommunityMessage {
        version: Version::V2c,
        community: community.as_bytes().to_vec(),
        pdu: AnyPdu::Pdu(Pdu {
            pdu_type,
            request_id: 1,
            error_status: 0,
            error_index: 0,
            varbinds: vbs,
        }),
    }
    .encode();
    let out = a.handle(
        &bytes,
        "127.0.0.1:5000".parse().unwrap(),
        "127.0.0.1".parse().unwrap(),
        at,
    );
    match decode_message(&out.reply.unwrap()).unwrap() {
        Message::Community(CommunityMessage {
            pdu: AnyPdu::Pdu(p),
            ..
        }) => p,
        _ => panic!("not a community response"),
    }
}

fn get(a: &Agent, oids: &[&str], at: Instant) -> Vec<Value> {
    let vbs = oids
        .iter()
        .map(|o| VarBind::new(oid(o), Value::Null))
        .collect();
    request(a, PduType::Get, "public", vbs, at)
        .varbinds
        .into_iter()
        .map(|v| v.value)
        .collect()
}

const IFACES: &str = "\
1.3.6.1.2.1.1.3.0|67|100
1.3.6.1.2.1.2.2.1.7.1|2|1
1.3.6.1.2.1.2.2.1.7.2|2|2
1.3.6.1.2.1.2.2.1.8.1|2|1
1.3.6.1.2.1.2.2.1.8.2|2|2
1.3.6.1.2.1.2.2.1.10.1|65|1000
1.3.6.1.2.1.2.2.1.10.2|65|1000
1.3.6.1.2.1.2.2.1.14.1|65|7
1.3.6.1.2.1.2.2.1.19.1|65|3
1.3.6.1.2.1.31.1.1.1.6.2|70|5000
1.3.6.1.2.1.4.3.0|65|400
";

const COUNTERS: [&str; 6] = [
    "1.3.6.1.2.1.2.2.1.10.1",
    "1.3.6.1.2.1.2.2.1.10.2",
    "1.3.6.1.2.1.2.2.1.14.1",
    "1.3.6.1.2.1.2.2.1.19.1",
    "1.3.6.1.2.1.31.1.1.1.6.2",
    "1.3.6.1.2.1.4.3.0",
];

/// With --vary, an oper-down interface counted traffic and error counters climbed.
#[test]
fn vary_oper_down_interface_and_error_counters_stand_still() {
    let a = agent(IFACES, Some(VaryRate::Fixed(10)), false);
    let t0 = Instant::now();
    assert_eq!(
        get(&a, &COUNTERS, t0),
        [
            Value::Counter32(1000),
            Value::Counter32(1000),
            Value::Counter32(7),
            Value::Counter32(3),
            Value::Counter64(5000),
            Value::Counter32(400),
        ]
    );
    let t5 = t0 + Duration::from_secs(5);
    assert_eq!(
        get(&a, &COUNTERS, t5),
        [
            Value::Counter32(1050),
            // ifIndex 2 is oper-down: neither ifTable nor ifXTable counters move.
            Value::Counter32(1000),
            // ifInErrors, ifOutDiscards: still.
            Value::Counter32(7),
            Value::Counter32(3),
            Value::Counter64(5000),
            Value::Counter32(450),
        ]
    );
    // --vary-errors: they climb too.
    let e = agent(IFACES, Some(VaryRate::Fixed(10)), true);
    get(&e, &COUNTERS, t0);
    let got = get(&e, &COUNTERS, t5);
    assert_eq!(got[2], Value::Counter32(57));
    assert_eq!(got[3], Value::Counter32(53));
    assert_eq!(got[1], Value::Counter32(1000), "still oper-down");
}

/// Shutting an interface stops its counters where they are; bringing it up resumes them
/// from there (never backwards).
#[test]
fn vary_counters_pause_while_an_interface_is_shut() {
    let a = agent(IFACES, Some(VaryRate::Fixed(10)), false);
    let t0 = Instant::now();
    let s = |n| t0 + Duration::from_secs(n);
    get(&a, &["1.3.6.1.2.1.2.2.1.10.1"], t0);
    let set = |index: u32, up: bool, at| {
        let p = request(
            &a,
            PduType::Set,
            "private",
            vec![VarBind::new(
                Oid::from_slice(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 7, index]),
                Value::Integer(if up { 1 } else { 2 }),
            )],
            at,
        );
        assert_eq!(p.error_status, 0);
    };
    set(1, false, s(2));
    assert_eq!(
        get(&a, &["1.3.6.1.2.1.2.2.1.10.1"], s(6)),
        [Value::Counter32(1020)]
    );
    set(1, true, s(10));
    assert_eq!(
        get(&a, &["1.3.6.1.2.1.2.2.1.10.1"], s(13)),
        [Value::Counter32(1050)]
    );
    // ifIndex 2, recorded down, brought up at 20 s: counts from then on.
    set(2, true, s(20));
    assert_eq!(
        get(
            &a,
            &["1.3.6.1.2.1.2.2.1.10.2", "1.3.6.1.2.1.31.1.1.1.6.2"],
            s(21)
        ),
        [Value::Counter32(1010), Value::Counter64(5010)]
    );
}

/// snmpsim's numeric and writecache were refused; they are simulated.
#[test]
fn numeric_moves_and_writecache_takes_a_set() {
    let text = "\
1.3.6.1.4.1.99.1.0|65:numeric|initial=4294967290,rate=2,wrap=1
1.3.6.1.4.1.99.2.0|66:numeric|initial=5,rate=1,max=7
1.3.6.1.4.1.99.3.0|4:writecache|value=old
1.3.6.1.4.1.99.4.0|4|static
";
    let a = agent(text, None, false);
    let t0 = Instant::now();
    let all = [
        "1.3.6.1.4.1.99.1.0",
        "1.3.6.1.4.1.99.2.0",
        "1.3.6.1.4.1.99.3.0",
    ];
    assert_eq!(
        get(&a, &all, t0),
        [
            Value::Counter32(4294967290),
            Value::Gauge32(5),
            Value::OctetString(b"old".to_vec())
        ]
    );
    assert_eq!(
        get(&a, &all[..2], t0 + Duration::from_secs(4)),
        [Value::Counter32(3), Value::Gauge32(7)]
    );
    let set = |v: Value| {
        request(
            &a,
            PduType::Set,
            "private",
            vec![VarBind::new(oid("1.3.6.1.4.1.99.3.0"), v)],
            t0,
        )
        .error_status
    };
    // Another type: wrongType (7); the same type: taken.
    assert_eq!(set(Value::Integer(1)), 7);
    assert_eq!(set(Value::OctetString(b"new".to_vec())), 0);
    assert_eq!(
        get(&a, &["1.3.6.1.4.1.99.3.0"], t0),
        [Value::OctetString(b"new".to_vec())]
    );
}
