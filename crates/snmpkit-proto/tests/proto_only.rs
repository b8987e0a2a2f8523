//! A user of the protocol crate alone (no runtime, no MIBs): encode a GetRequest, decode a
//! Response written out by hand, and run the example that does the same.

use snmpkit_proto::codec::{
    decode_message, AnyPdu, CommunityMessage, Message, Pdu, PduType, Version,
};
use snmpkit_proto::{oid, Value};

#[test]
fn encodes_a_get_request_and_decodes_a_response() {
    let request = CommunityMessage {
        version: Version::V2c,
        community: b"public".to_vec(),
        pdu: AnyPdu::Pdu(Pdu::request(
            PduType::Get,
            1,
            &[oid!(1, 3, 6, 1, 2, 1, 1, 1, 0)],
        )),
    };
    // What net-snmp's snmpget sends for `-v2c -c public HOST sysDescr.0` with request-id 1.
    let want: &[u8] = &[
        0x30, 0x26, 0x02, 0x01, 0x01, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c', 0xa0, 0x19,
        0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08,
        0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00,
    ];
    assert_eq!(request.encode(), want);

    let response: &[u8] = &[
        0x30, 0x2b, 0x02, 0x01, 0x01, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c', 0xa2, 0x1e,
        0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x13, 0x30, 0x11, 0x06, 0x08,
        0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x04, 0x05, b'L', b'i', b'n', b'u', b'x',
    ];
    let Ok(Message::Community(m)) = decode_message(response) else {
        panic!("not decoded as a community message");
    };
    assert_eq!(m.version, Version::V2c);
    assert_eq!(m.community, b"public");
    let AnyPdu::Pdu(pdu) = m.pdu else {
        panic!("not a PDU")
    };
    assert_eq!(pdu.pdu_type, PduType::Response);
    assert_eq!(pdu.request_id, 1);
    assert_eq!(pdu.varbinds.len(), 1);
    assert_eq!(pdu.varbinds[0].oid, oid!(1, 3, 6, 1, 2, 1, 1, 1, 0));
    assert_eq!(pdu.varbinds[0].value, Value::OctetString(b"Linux".to_vec()));
    assert_eq!(pdu.varbinds[0].value.to_string(), "STRING: \"Linux\"");
}
