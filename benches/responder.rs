//! A zero-cost SNMP responder for client-bound benchmarks (issue 13): a synthetic router with
//! N interfaces (system group, ifNumber, ifTable and ifXTable: 41 columns, so 5,000 interfaces
//! make 205,008 varbinds), served from memory over v1/v2c with any community.
//!
//! Everything is encoded once at start: the varbinds lie back to back in one buffer in OID
//! order, so the answer to a one-OID GetBulk is a binary search, one copy of a contiguous
//! slice and a few header bytes. GetNext and multi-OID GetBulk are answered too (varbind by
//! varbind), and Get (exporter_compare.sh's sysUpTime.0). Past the end the answer is endOfMibView. It binds the address it is given, so
//! it answers from the address it was asked on.
//!
//! Usage: `responder ADDR:PORT [INTERFACES]` (default 5000). Prints `ready ADDR` once it
//! listens. Run under `cargo bench` (which passes `--bench`) it prints a note and exits.
//! Built by `benches/client_walk.sh`.

use snmpkit::codec::{
    decode_message, varbind_len, AnyPdu, CommunityMessage, Message, Pdu, PduType, Version,
};
use snmpkit::{Oid, Value, VarBind};
use std::net::UdpSocket;

/// The largest UDP payload over IPv4.
const MAX_MESSAGE: usize = 65_507;

/// The MIB in memory: OIDs in order, and their encoded varbinds back to back.
struct Store {
    oids: Vec<Oid>,
    /// `starts[i]..starts[i + 1]` are the bytes of varbind `i` in `bytes`.
    starts: Vec<usize>,
    bytes: Vec<u8>,
}

fn oid(arcs: &[u32]) -> Oid {
    Oid::from_slice(arcs)
}

/// The encoded varbind (its SEQUENCE), cut from a one-varbind message.
fn encode_varbind(o: &Oid, v: &Value) -> Vec<u8> {
    let msg = CommunityMessage {
        version: Version::V2c,
        community: Vec::new(),
        pdu: AnyPdu::Pdu(Pdu {
            pdu_type: PduType::Response,
            request_id: 0,
            error_status: 0,
            error_index: 0,
            varbinds: vec![VarBind::new(o.clone(), v.clone())],
        }),
    };
    let b = msg.encode();
    b[b.len() - varbind_len(o, v)..].to_vec()
}

/// The synthetic router's objects, in no particular order.
fn router(n: u32) -> Vec<(Oid, Value)> {
    let mut out = Vec::new();
    let s = |t: &str| Value::OctetString(t.as_bytes().to_vec());
    let sys = [1, 3, 6, 1, 2, 1, 1];
    let sysv = [
        (
            1,
            s("Synthetic router, 5000 interfaces (snmpkit bench responder)"),
        ),
        (
            2,
            Value::ObjectIdentifier(oid(&[1, 3, 6, 1, 4, 1, 8072, 3, 2, 10])),
        ),
        (3, Value::TimeTicks(123_456_789)),
        (4, s("noc@example.net")),
        (5, s("bench-router")),
        (6, s("rack 7, row 3")),
        (7, Value::Integer(78)),
    ];
    for (col, v) in sysv {
        out.push((oid(&[&sys[..], &[col, 0]].concat()), v));
    }
    out.push((
        oid(&[1, 3, 6, 1, 2, 1, 2, 1, 0]),
        Value::Integer(i64::from(n)),
    ));
    let if_entry = [1, 3, 6, 1, 2, 1, 2, 2, 1];
    let ifx_entry = [1, 3, 6, 1, 2, 1, 31, 1, 1, 1];
    for i in 1..=n {
        let seed = u64::from(i).wrapping_mul(2_654_435_761);
        let c32 = |k: u64| Value::Counter32((seed.wrapping_mul(k + 7) >> 7) as u32);
        let c64 = |k: u64| Value::Counter64(seed.wrapping_mul(k + 13) >> 3);
        let up = if i % 7 == 0 { 2 } else { 1 };
        let name = format!("GigabitEthernet{}/{}/{}", i / 1000, (i / 100) % 10, i % 100);
        let row: Vec<(u32, Value)> = vec![
            (1, Value::Integer(i64::from(i))),
            (2, s(&name)),
            (3, Value::Integer(6)),
            (4, Value::Integer(1500)),
            (5, Value::Gauge32(1_000_000_000)),
            (
                6,
                Value::OctetString(vec![
                    0,
                    0x1a,
                    0x2b,
                    (i >> 16) as u8,
                    (i >> 8) as u8,
                    i as u8,
                ]),
            ),
            (7, Value::Integer(1)),
            (8, Value::Integer(up)),
            (9, Value::TimeTicks(i * 100)),
            (10, c32(10)),
            (11, c32(11)),
            (12, c32(12)),
            (13, Value::Counter32(0)),
            (14, Value::Counter32(i % 3)),
            (15, Value::Counter32(0)),
            (16, c32(16)),
            (17, c32(17)),
            (18, c32(18)),
            (19, Value::Counter32(0)),
            (20, Value::Counter32(i % 5)),
            (21, Value::Gauge32(0)),
            (22, Value::ObjectIdentifier(oid(&[0, 0]))),
        ];
        for (col, v) in row {
            out.push((oid(&[&if_entry[..], &[col, i]].concat()), v));
        }
        let xrow: Vec<(u32, Value)> = vec![
            (
                1,
                s(&format!("Gi{}/{}/{}", i / 1000, (i / 100) % 10, i % 100)),
            ),
            (2, c32(2)),
            (3, c32(3)),
            (4, c32(4)),
            (5, c32(5)),
            (6, c64(6)),
            (7, c64(7)),
            (8, c64(8)),
            (9, c64(9)),
            (10, c64(10)),
            (11, c64(11)),
            (12, c64(12)),
            (13, c64(13)),
            (14, Value::Integer(1)),
            (15, Value::Gauge32(1000)),
            (16, Value::Integer(2)),
            (17, Value::Integer(1)),
            (18, s(&format!("uplink {i}"))),
            (19, Value::TimeTicks(0)),
        ];
        for (col, v) in xrow {
            out.push((oid(&[&ifx_entry[..], &[col, i]].concat()), v));
        }
    }
    // One object past mib-2, so a walk of mib-2 ends at the subtree's end as on a real agent.
    out.push((
        oid(&[1, 3, 6, 1, 6, 3, 10, 2, 1, 1, 0]),
        Value::OctetString(vec![0x80, 0, 0x1f, 0x88, 4, b'b', b'e', b'n', b'c', b'h']),
    ));
    out
}

impl Store {
    fn new(n: u32) -> Store {
        let mut objs = router(n);
        objs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut store = Store {
            oids: Vec::with_capacity(objs.len()),
            starts: Vec::with_capacity(objs.len() + 1),
            bytes: Vec::new(),
        };
        for (o, v) in objs {
            store.starts.push(store.bytes.len());
            store.bytes.extend_from_slice(&encode_varbind(&o, &v));
            store.oids.push(o);
        }
        store.starts.push(store.bytes.len());
        store
    }

    /// The index of the first object after `o`.
    fn next_index(&self, o: &Oid) -> usize {
        self.oids.partition_point(|x| x <= o)
    }

    /// The encoded varbinds `from..to`.
    fn slice(&self, from: usize, to: usize) -> &[u8] {
        &self.bytes[self.starts[from]..self.starts[to]]
    }
}

fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let be = (len as u64).to_be_bytes();
        let skip = be.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (8 - skip) as u8);
        out.extend_from_slice(&be[skip..]);
    }
}

fn len_len(len: usize) -> usize {
    let mut v = Vec::new();
    push_len(&mut v, len);
    v.len()
}

/// A BER INTEGER TLV.
fn push_int(out: &mut Vec<u8>, v: i64) {
    let be = v.to_be_bytes();
    let mut i = 0;
    while i < 7
        && ((be[i] == 0 && be[i + 1] & 0x80 == 0) || (be[i] == 0xff && be[i + 1] & 0x80 != 0))
    {
        i += 1;
    }
    out.push(0x02);
    out.push((8 - i) as u8);
    out.extend_from_slice(&be[i..]);
}

/// Writes a Response message around `varbinds` (already-encoded varbind SEQUENCEs).
fn respond(out: &mut Vec<u8>, version: Version, community: &[u8], id: i32, varbinds: &[u8]) {
    let mut head = Vec::with_capacity(32);
    push_int(&mut head, i64::from(id));
    push_int(&mut head, 0);
    push_int(&mut head, 0);
    let vbl_len = 1 + len_len(varbinds.len()) + varbinds.len();
    let pdu_len = head.len() + vbl_len;
    let mut ver = Vec::with_capacity(3);
    push_int(&mut ver, version.wire());
    let msg_len =
        ver.len() + 1 + len_len(community.len()) + community.len() + 1 + len_len(pdu_len) + pdu_len;
    out.clear();
    out.push(0x30);
    push_len(out, msg_len);
    out.extend_from_slice(&ver);
    out.push(0x04);
    push_len(out, community.len());
    out.extend_from_slice(community);
    out.push(0xa2);
    push_len(out, pdu_len);
    out.extend_from_slice(&head);
    out.push(0x30);
    push_len(out, varbinds.len());
    out.extend_from_slice(varbinds);
}

/// The encoded varbinds answering `pdu`, or `None` for a PDU this responder does not serve.
fn answer(store: &Store, pdu: &Pdu, scratch: &mut Vec<u8>, end: &mut Vec<u8>) -> bool {
    let room = MAX_MESSAGE - 64 - pdu.varbinds.len() * 2;
    let end_of_view = |o: &Oid, end: &mut Vec<u8>| {
        end.clear();
        end.extend_from_slice(&encode_varbind(o, &Value::EndOfMibView));
    };
    let total = store.oids.len();
    match pdu.pdu_type {
        // Get (snmp_exporter's sysUpTime.0): the instance, or noSuchInstance.
        PduType::Get => {
            scratch.clear();
            for vb in &pdu.varbinds {
                let i = store.next_index(&vb.oid);
                if i > 0 && store.oids[i - 1] == vb.oid {
                    scratch.extend_from_slice(store.slice(i - 1, i));
                } else {
                    end.clear();
                    end.extend_from_slice(&encode_varbind(&vb.oid, &Value::NoSuchInstance));
                    scratch.extend_from_slice(end);
                }
            }
            true
        }
        PduType::GetNext => {
            scratch.clear();
            for vb in &pdu.varbinds {
                let i = store.next_index(&vb.oid);
                if i < total {
                    scratch.extend_from_slice(store.slice(i, i + 1));
                } else {
                    end_of_view(&vb.oid, end);
                    scratch.extend_from_slice(end);
                }
            }
            true
        }
        PduType::GetBulk => {
            let nr = (pdu.error_status.max(0) as usize).min(pdu.varbinds.len());
            let reps = pdu.error_index.max(0) as usize;
            scratch.clear();
            for vb in &pdu.varbinds[..nr] {
                let i = store.next_index(&vb.oid);
                if i < total {
                    scratch.extend_from_slice(store.slice(i, i + 1));
                } else {
                    end_of_view(&vb.oid, end);
                    scratch.extend_from_slice(end);
                }
            }
            let rest = &pdu.varbinds[nr..];
            if rest.len() == 1 {
                // The walk's case: one contiguous run of the store.
                let i = store.next_index(&rest[0].oid);
                let mut j = (i + reps).min(total);
                while j > i && scratch.len() + store.starts[j] - store.starts[i] > room {
                    j -= 1;
                }
                scratch.extend_from_slice(store.slice(i, j));
                if j == total && j - i < reps {
                    let last = store.oids.last().cloned().unwrap_or_default();
                    end_of_view(&last, end);
                    for _ in j - i..reps {
                        if scratch.len() + end.len() > room {
                            break;
                        }
                        scratch.extend_from_slice(end);
                    }
                }
            } else {
                let mut at: Vec<Option<usize>> = rest
                    .iter()
                    .map(|vb| Some(store.next_index(&vb.oid)))
                    .collect();
                'reps: for _ in 0..reps {
                    for (k, vb) in rest.iter().enumerate() {
                        let piece = match at[k] {
                            Some(i) if i < total => {
                                at[k] = Some(i + 1);
                                store.slice(i, i + 1)
                            }
                            _ => {
                                end_of_view(&vb.oid, end);
                                &end[..]
                            }
                        };
                        if scratch.len() + piece.len() > room {
                            break 'reps;
                        }
                        scratch.extend_from_slice(piece);
                    }
                }
            }
            true
        }
        _ => false,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--bench") || args.is_empty() {
        eprintln!("responder: a server for benches/client_walk.sh; usage: responder ADDR:PORT [INTERFACES]");
        return;
    }
    let n: u32 = match args.get(1).map(|s| s.parse()) {
        None => 5000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("responder: bad interface count {:?}: {e}", args[1]);
            std::process::exit(1);
        }
    };
    let store = Store::new(n);
    let sock = match UdpSocket::bind(&args[0]) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("responder: bind {}: {e}", args[0]);
            std::process::exit(1);
        }
    };
    let local = sock.local_addr().map(|a| a.to_string()).unwrap_or_default();
    println!("ready {local} objects {}", store.oids.len());
    let mut buf = vec![0u8; 65_536];
    let mut scratch = Vec::with_capacity(MAX_MESSAGE);
    let mut end = Vec::new();
    let mut out = Vec::with_capacity(MAX_MESSAGE + 64);
    loop {
        let (len, peer) = match sock.recv_from(&mut buf) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("responder: receive: {e}");
                continue;
            }
        };
        let Ok(Message::Community(m)) = decode_message(&buf[..len]) else {
            continue;
        };
        let AnyPdu::Pdu(pdu) = &m.pdu else {
            continue;
        };
        if !answer(&store, pdu, &mut scratch, &mut end) {
            continue;
        }
        respond(&mut out, m.version, &m.community, pdu.request_id, &scratch);
        if let Err(e) = sock.send_to(&out, peer) {
            eprintln!("responder: send to {peer}: {e}");
        }
    }
}
