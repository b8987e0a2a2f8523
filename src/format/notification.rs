//! Received notifications as text blocks and JSON objects: what `snmpkit listen` prints, for
//! any program that receives with [`crate::notify::Receiver`].

use super::{
    format_oid, format_value, format_varbind, varbind_json, write_varbind_json, OutputOptions,
};
use crate::mib::Mib;
use crate::notify::{Notification, Sender};
use crate::Oid;
use snmpkit_mib::format::{push_i64, push_json_oid, push_json_str, push_u64, ObjectWriter};
use std::time::{SystemTime, UNIX_EPOCH};

/// A time as RFC 3339 UTC with microseconds, as notifications show it:
/// `2026-11-25T01:53:41.511556Z`.
pub fn rfc3339(t: SystemTime) -> String {
    let mut s = String::with_capacity(27);
    push_rfc3339(&mut s, t);
    s
}

/// [`rfc3339`] appended to `out`.
fn push_rfc3339(out: &mut String, t: SystemTime) {
    use std::fmt::Write as _;
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let (y, m, day) = civil_date((secs / 86_400) as i64);
    let s = secs % 86_400;
    let _ = write!(
        out,
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        s / 3600,
        s / 60 % 60,
        s % 60,
        d.subsec_micros()
    );
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day), counting in 400-year
/// eras that start on 1 March so that leap days fall at the end of each year.
pub(crate) fn civil_date(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // year of era
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of year from 1 March
    let mp = (5 * doy + 2) / 153; // month from March, 0..=11
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The MIB's `MODULE::name` for an OID, when a loaded module names it.
fn mib_name(mib: &Mib, oid: &Oid) -> Option<String> {
    let info = mib.lookup(oid)?;
    (!info.module().is_empty()).then(|| info.display_name())
}

/// A notification as one JSON object: `received_at` (RFC 3339), `source`, `version`, `pdu`,
/// the community or the v3 `user`/`context`/`engine_id`, `trap_oid` (and `trap_name` when the
/// MIB names it), `uptime`, the v1 fields (`enterprise`, `agent_addr`, `generic_trap`,
/// `specific_trap`, null for v2), and `varbinds` as [`varbind_json`] gives them.
pub fn notification_json(n: &Notification, o: &OutputOptions, mib: &Mib) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    let s = |v: String| serde_json::Value::String(v);
    m.insert("received_at".into(), s(rfc3339(n.received_at)));
    m.insert("source".into(), s(n.source.to_string()));
    m.insert("version".into(), s(n.version.as_str().into()));
    m.insert("pdu".into(), s(n.kind.as_str().into()));
    match &n.sender {
        Sender::Community(c) => {
            m.insert("community".into(), s(lossy(c)));
        }
        Sender::Usm {
            user,
            context_name,
            engine_id,
            ..
        } => {
            m.insert("user".into(), s(lossy(user)));
            m.insert("context".into(), s(lossy(context_name)));
            m.insert("engine_id".into(), s(crate::hex::encode(engine_id)));
        }
    }
    let oid_json = |x: &Oid| s(x.to_dotted_leading());
    m.insert(
        "trap_oid".into(),
        n.trap_oid
            .as_ref()
            .map(oid_json)
            .unwrap_or(serde_json::Value::Null),
    );
    if let Some(name) = n.trap_oid.as_ref().and_then(|t| mib_name(mib, t)) {
        m.insert("trap_name".into(), s(name));
    }
    m.insert(
        "uptime".into(),
        n.uptime.map(Into::into).unwrap_or(serde_json::Value::Null),
    );
    let v1 = n.v1.as_ref();
    m.insert(
        "enterprise".into(),
        v1.map(|v| oid_json(&v.enterprise))
            .unwrap_or(serde_json::Value::Null),
    );
    m.insert(
        "agent_addr".into(),
        v1.map(|v| s(v.agent_addr.to_string()))
            .unwrap_or(serde_json::Value::Null),
    );
    m.insert(
        "generic_trap".into(),
        v1.map(|v| v.generic_trap.into())
            .unwrap_or(serde_json::Value::Null),
    );
    m.insert(
        "specific_trap".into(),
        v1.map(|v| v.specific_trap.into())
            .unwrap_or(serde_json::Value::Null),
    );
    let vbs = n
        .varbinds
        .iter()
        .map(|vb| varbind_json(vb, o, mib))
        .collect();
    m.insert("varbinds".into(), serde_json::Value::Array(vbs));
    serde_json::Value::Object(m)
}

/// [`notification_json`] written straight into `out` as one line of compact JSON, without
/// the newline: the same bytes as `notification_json(n, o, mib).to_string()` (members in
/// serde_json's sorted key order), without building the object. What `listen --json` prints.
pub fn write_notification_json(n: &Notification, o: &OutputOptions, mib: &Mib, out: &mut String) {
    use std::fmt::Write as _;
    let null = |w: &mut ObjectWriter<'_>, k: &str| w.key(k).push_str("null");
    let v1 = n.v1.as_ref();
    let mut w = ObjectWriter::open(out);
    // Sorted keys: agent_addr, community, context, engine_id, enterprise, generic_trap, pdu,
    // received_at, source, specific_trap, trap_name, trap_oid, uptime, user, varbinds,
    // version.
    match v1 {
        Some(v) => {
            let _ = write!(w.key("agent_addr"), "\"{}\"", v.agent_addr);
        }
        None => null(&mut w, "agent_addr"),
    }
    let user = match &n.sender {
        Sender::Community(c) => {
            push_json_str(w.key("community"), &String::from_utf8_lossy(c));
            None
        }
        Sender::Usm {
            user,
            context_name,
            engine_id,
            ..
        } => {
            push_json_str(w.key("context"), &String::from_utf8_lossy(context_name));
            let e = w.key("engine_id");
            e.push('"');
            e.push_str(&crate::hex::encode(engine_id));
            e.push('"');
            Some(user)
        }
    };
    match v1 {
        Some(v) => push_json_oid(w.key("enterprise"), &v.enterprise),
        None => null(&mut w, "enterprise"),
    }
    match v1 {
        Some(v) => push_i64(w.key("generic_trap"), i64::from(v.generic_trap)),
        None => null(&mut w, "generic_trap"),
    }
    push_json_str(w.key("pdu"), n.kind.as_str());
    let t = w.key("received_at");
    t.push('"');
    push_rfc3339(t, n.received_at);
    t.push('"');
    let _ = write!(w.key("source"), "\"{}\"", n.source);
    match v1 {
        Some(v) => push_i64(w.key("specific_trap"), i64::from(v.specific_trap)),
        None => null(&mut w, "specific_trap"),
    }
    if let Some(name) = n.trap_oid.as_ref().and_then(|t| mib_name(mib, t)) {
        push_json_str(w.key("trap_name"), &name);
    }
    match &n.trap_oid {
        Some(t) => push_json_oid(w.key("trap_oid"), t),
        None => null(&mut w, "trap_oid"),
    }
    match n.uptime {
        Some(u) => push_u64(w.key("uptime"), u64::from(u)),
        None => null(&mut w, "uptime"),
    }
    if let Some(u) = user {
        push_json_str(w.key("user"), &String::from_utf8_lossy(u));
    }
    let vbs = w.key("varbinds");
    vbs.push('[');
    for (i, vb) in n.varbinds.iter().enumerate() {
        if i > 0 {
            vbs.push(',');
        }
        write_varbind_json(vb, o, mib, vbs);
    }
    vbs.push(']');
    push_json_str(w.key("version"), n.version.as_str());
    w.close();
}

/// A notification as the text block `snmpkit listen` prints, appended to `out`: a header line
/// (time, source, version, PDU, community or v3 user), the v1 fields, snmpTrapOID, uptime, then
/// one line per payload varbind as net-snmp prints it, and a blank line.
pub fn notification_text(n: &Notification, o: &OutputOptions, mib: &Mib, out: &mut String) {
    use std::fmt::Write as _;
    let who = match &n.sender {
        Sender::Community(c) => format!("community {:?}", lossy(c)),
        Sender::Usm {
            user,
            context_name,
            engine_id,
            security_level,
            ..
        } => format!(
            "user {:?}, context {:?}, engine 0x{}, {security_level}",
            lossy(user),
            lossy(context_name),
            crate::hex::encode(engine_id)
        ),
    };
    let _ = writeln!(
        out,
        "{} {} SNMPv{} {} {}",
        rfc3339(n.received_at),
        n.source,
        n.version.as_str(),
        n.kind.as_str(),
        who
    );
    if let Some(v) = &n.v1 {
        let name = usize::try_from(v.generic_trap)
            .ok()
            .and_then(|g| GENERIC_NAMES.get(g))
            .unwrap_or(&"?");
        let _ = writeln!(
            out,
            "  enterprise {}, agent-addr {}, generic-trap {} ({name}), specific-trap {}",
            format_oid(&v.enterprise, o, mib),
            v.agent_addr,
            v.generic_trap,
            v.specific_trap
        );
    }
    let _ = match &n.trap_oid {
        Some(t) => writeln!(out, "  snmpTrapOID {}", format_oid(t, o, mib)),
        None => writeln!(out, "  snmpTrapOID (none)"),
    };
    let _ = match n.uptime {
        Some(u) => writeln!(
            out,
            "  uptime {}",
            format_value(&crate::Value::TimeTicks(u), o, mib)
        ),
        None => writeln!(out, "  uptime (none)"),
    };
    // sysUpTime.0 and snmpTrapOID.0 are shown above; the payload follows.
    for vb in n.payload() {
        let _ = writeln!(out, "  {}", format_varbind(vb, o, mib));
    }
    out.push('\n');
}

/// The names of the v1 generic-trap values (RFC 1157 §4.1.6).
const GENERIC_NAMES: [&str; 7] = [
    "coldStart",
    "warmStart",
    "linkDown",
    "linkUp",
    "authenticationFailure",
    "egpNeighborLoss",
    "enterpriseSpecific",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Version;
    use crate::notify::{NotificationKind, TrapV1Fields};
    use crate::{Value, VarBind};
    use std::net::Ipv4Addr;
    use std::time::Duration;

    #[test]
    fn rfc3339_known_answers() {
        let cases: &[(u64, u32, &str)] = &[
            (0, 0, "1970-01-01T00:00:00.000000Z"),
            (951_782_400, 0, "2000-02-29T00:00:00.000000Z"),
            (1_709_164_800, 0, "2024-02-29T00:00:00.000000Z"),
            (1_795_571_621, 511_556, "2026-11-25T01:53:41.511556Z"),
            (4_102_444_799, 999_999, "2099-12-31T23:59:59.999999Z"),
        ];
        for (s, us, want) in cases {
            let t = UNIX_EPOCH + Duration::from_secs(*s) + Duration::from_micros(*us as u64);
            assert_eq!(rfc3339(t), *want);
        }
    }

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    fn v1_trap() -> Notification {
        Notification {
            received_at: UNIX_EPOCH + Duration::from_secs(1_795_571_621),
            source: "127.0.0.1:40000".parse().unwrap(),
            local: "127.0.0.1:162".parse().unwrap(),
            version: Version::V1,
            kind: NotificationKind::TrapV1,
            sender: Sender::Community(b"public".to_vec()),
            request_id: 0,
            trap_oid: Some(oid("1.3.6.1.6.3.1.1.5.3")),
            uptime: Some(12345),
            v1: Some(TrapV1Fields {
                enterprise: oid("1.3.6.1.4.1.8072"),
                agent_addr: Ipv4Addr::new(192, 0, 2, 7),
                generic_trap: 2,
                specific_trap: 0,
                time_stamp: 12345,
            }),
            varbinds: vec![VarBind::new(
                oid("1.3.6.1.2.1.2.2.1.1.2"),
                Value::Integer(2),
            )],
        }
    }

    fn json(n: &Notification, mib: &Mib) -> String {
        notification_json(n, &OutputOptions::default(), mib).to_string()
    }

    fn text(n: &Notification, mib: &Mib) -> String {
        let mut s = String::new();
        notification_text(n, &OutputOptions::default(), mib, &mut s);
        s
    }

    #[test]
    fn json_line() {
        let j: serde_json::Value = serde_json::from_str(&json(&v1_trap(), &Mib::none())).unwrap();
        let want = serde_json::json!({
            "received_at": "2026-11-25T01:53:41.000000Z",
            "source": "127.0.0.1:40000",
            "version": "1",
            "pdu": "TrapV1",
            "community": "public",
            "trap_oid": ".1.3.6.1.6.3.1.1.5.3",
            "uptime": 12345,
            "enterprise": ".1.3.6.1.4.1.8072",
            "agent_addr": "192.0.2.7",
            "generic_trap": 2,
            "specific_trap": 0,
            "varbinds": [{"oid": ".1.3.6.1.2.1.2.2.1.1.2", "type": "INTEGER", "value": 2}],
        });
        assert_eq!(j, want);
        assert!(!json(&v1_trap(), &Mib::none()).contains('\n'));
        // With the built-in MIBs, names appear beside the numbers.
        let j: serde_json::Value =
            serde_json::from_str(&json(&v1_trap(), &Mib::builtin())).unwrap();
        assert_eq!(j["trap_name"], "IF-MIB::linkDown");
        assert_eq!(j["varbinds"][0]["name"], "IF-MIB::ifIndex.2");
    }

    #[test]
    fn text_block() {
        let s = text(&v1_trap(), &Mib::none());
        assert_eq!(
            s,
            "2026-11-25T01:53:41.000000Z 127.0.0.1:40000 SNMPv1 TrapV1 community \"public\"\n\
             \x20 enterprise iso.3.6.1.4.1.8072, agent-addr 192.0.2.7, generic-trap 2 (linkDown), specific-trap 0\n\
             \x20 snmpTrapOID iso.3.6.1.6.3.1.1.5.3\n\
             \x20 uptime Timeticks: (12345) 0:02:03.45\n\
             \x20 iso.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2\n\n"
        );
        let s = text(&v1_trap(), &Mib::builtin());
        assert!(s.contains("  snmpTrapOID IF-MIB::linkDown\n"), "{s}");
        assert!(s.contains("  IF-MIB::ifIndex.2 = INTEGER: 2\n"), "{s}");
    }

    #[test]
    fn written_json_is_the_same_bytes_as_the_json_value() {
        let mut n = v1_trap();
        let payload = vec![
            Value::Integer(-7),
            Value::Integer(i64::MIN),
            Value::Integer(0),
            Value::Integer(1),
            Value::OctetString(b"plain".to_vec()),
            Value::OctetString(b"q\"b\\s\n\r\t\x08\x0c\x01\x1f\x7f/\xc3\xa9".to_vec()),
            Value::OctetString(vec![0xff, 0xfe, b'a', 0xc3]),
            Value::OctetString(vec![0, 0x1b, 0x21, 0x3c, 0x4d, 0x5e]),
            Value::OctetString(vec![]),
            Value::Null,
            Value::ObjectIdentifier(oid("1.3.6.1.6.3.1.1.5.4")),
            Value::ObjectIdentifier(oid("1.3.6.1.4.1.99999.1")),
            Value::IpAddress([10, 0, 0, 255]),
            Value::Counter32(u32::MAX),
            Value::Gauge32(42),
            Value::TimeTicks(360_000),
            Value::Counter64(u64::MAX),
            Value::Opaque(vec![0x9f, 0x78, 0x04, 0x3e, 0xeb, 0x85, 0x1f]),
            Value::Opaque(vec![
                0x9f, 0x79, 0x08, 0x3f, 0xdd, 0x70, 0xa3, 0xd7, 0x0a, 0x3d, 0x71,
            ]),
            Value::Opaque(vec![0x9f, 0x7a, 0x01, 0xff]),
            Value::Opaque(vec![1, 2, 3]),
            Value::NoSuchObject,
            Value::NoSuchInstance,
            Value::EndOfMibView,
            Value::Unknown {
                tag: 0x99,
                data: vec![1, 0xab],
            },
        ];
        // Under objects the MIBs describe (enumerations, hints, units, names) and under ones
        // they do not.
        let oids = [
            "1.3.6.1.2.1.2.2.1.8.3",
            "1.3.6.1.2.1.2.2.1.6.3",
            "1.3.6.1.2.1.1.1.0",
            "1.3.6.1.2.1.2.2.1.5.3",
            "1.3.6.1.2.1.1.2.0",
            "1.3.6.1.4.1.99999.7",
        ];
        for o in oids {
            for v in &payload {
                n.varbinds.push(VarBind::new(oid(o), v.clone()));
            }
        }
        let v2 = Notification {
            version: Version::V2c,
            kind: NotificationKind::Inform,
            sender: Sender::Community(b"pub\"lic\xff".to_vec()),
            trap_oid: None,
            uptime: None,
            v1: None,
            source: "[::1]:162".parse().unwrap(),
            ..n.clone()
        };
        let v3 = Notification {
            version: Version::V3,
            kind: NotificationKind::TrapV2,
            sender: Sender::Usm {
                user: b"carol".to_vec(),
                context_name: b"ctx\t".to_vec(),
                context_engine_id: vec![0x80, 0, 0, 0, 1],
                engine_id: vec![0x80, 0, 0, 0, 1],
                security_level: crate::usm::SecurityLevel::AuthPriv,
            },
            trap_oid: Some(oid("1.3.6.1.4.1.99999.0.1")),
            v1: None,
            ..n.clone()
        };
        let mut opts = vec![OutputOptions::default()];
        for flags in ["U", "0", "n"] {
            let mut x = OutputOptions::default();
            x.parse_flags(flags).unwrap();
            opts.push(x);
        }
        for mib in [Mib::none(), Mib::builtin()] {
            for o in &opts {
                for n in [&n, &v2, &v3] {
                    let mut out = String::new();
                    write_notification_json(n, o, &mib, &mut out);
                    assert_eq!(out, notification_json(n, o, &mib).to_string());
                }
            }
        }
    }
}
