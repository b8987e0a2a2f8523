//! The protocol crate on its own, no runtime, no sockets: encode an SNMPv2c GetRequest for
//! sysDescr.0, then decode a Response (the bytes an agent sends back, written out here by hand
//! from the BER rules) and print its varbinds. A program with its own I/O (an embedded loop, a
//! test harness, another runtime) builds on exactly this.
//!
//! Run: `cargo run -p snmpkit-proto --example get_request`

use snmpkit_proto::codec::{
    decode_message, AnyPdu, CommunityMessage, Message, Pdu, PduType, Version,
};
use snmpkit_proto::oid;

fn main() {
    // Encode: version 2c, community "public", GetRequest(request-id 1, sysDescr.0 = NULL).
    let request = CommunityMessage {
        version: Version::V2c,
        community: b"public".to_vec(),
        pdu: AnyPdu::Pdu(Pdu::request(
            PduType::Get,
            1,
            &[oid!(1, 3, 6, 1, 2, 1, 1, 1, 0)],
        )),
    };
    let bytes = request.encode();
    println!("request ({} bytes): {}", bytes.len(), hex(&bytes));

    // Decode: Response(request-id 1, sysDescr.0 = OCTET STRING "Linux").
    let response: [u8; 45] = [
        0x30, 0x2b, 0x02, 0x01, 0x01, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c', 0xa2, 0x1e,
        0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x13, 0x30, 0x11, 0x06, 0x08,
        0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x04, 0x05, b'L', b'i', b'n', b'u', b'x',
    ];
    let Ok(Message::Community(m)) = decode_message(&response) else {
        panic!("not a community message");
    };
    let AnyPdu::Pdu(pdu) = m.pdu else {
        panic!("not a response PDU");
    };
    assert_eq!(pdu.pdu_type, PduType::Response);
    assert_eq!(pdu.request_id, 1);
    for vb in &pdu.varbinds {
        println!("{} = {}", vb.oid, vb.value);
    }
}

fn hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}
