//! `snmpkit trap` and `snmpkit inform` delivered to net-snmp's snmptrapd.

#[path = "../../../tests/common/mod.rs"]
mod common;
use common::*;

#[test]
fn v2c_trap_reaches_snmptrapd() {
    let t = Snmptrapd::start("disableAuthorization yes\n");
    let agent = format!("127.0.0.1:{}", t.port);
    let r = snmpkit(
        "trap",
        &[
            "-v2c",
            "-c",
            "public",
            &agent,
            "4242",
            "1.3.6.1.6.3.1.1.5.3",
            "1.3.6.1.2.1.2.2.1.1.2",
            "i",
            "2",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let log = t.wait_for(".1.3.6.1.6.3.1.1.5.3");
    assert!(
        log.contains(".1.3.6.1.2.1.1.3.0 = Timeticks: (4242) 0:00:42.42\t.1.3.6.1.6.3.1.1.4.1.0 = OID: .1.3.6.1.6.3.1.1.5.3\t.1.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2"),
        "{log}"
    );
}

#[test]
fn v2c_trap_over_ipv6() {
    let t = Snmptrapd::start("disableAuthorization yes\n");
    let agent = format!("udp6:[::1]:{}", t.port);
    let r = snmpkit(
        "trap",
        &["-v2c", "-c", "public", &agent, "", "1.3.6.1.6.3.1.1.5.4"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let log = t.wait_for(".1.3.6.1.6.3.1.1.5.4");
    assert!(log.contains("OID: .1.3.6.1.6.3.1.1.5.4"), "{log}");
    assert!(log.contains("UDP/IPv6"), "{log}");
}

#[test]
fn v1_traps_reach_snmptrapd() {
    let t = Snmptrapd::start("disableAuthorization yes\n");
    let agent = format!("127.0.0.1:{}", t.port);
    let r = snmpkit(
        "trap",
        &[
            "-v1",
            "-c",
            "public",
            &agent,
            "1.3.6.1.4.1.8072.3.2.10",
            "10.0.0.1",
            "2",
            "0",
            "77",
            "1.3.6.1.2.1.2.2.1.1.2",
            "i",
            "2",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let log = t.wait_for("Link Down");
    assert!(log.contains("10.0.0.1 [10.0.0.1]"), "{log}");
    assert!(log.contains("TRAP, SNMP v1, community public"), "{log}");
    assert!(
        log.contains(".1.3.6.1.4.1.8072.3.2.10 Link Down Trap (0) Uptime: 0:00:00.77"),
        "{log}"
    );
    let r = snmpkit(
        "trap",
        &[
            "-v1",
            "-c",
            "public",
            &agent,
            "1.3.6.1.4.1.8072",
            "",
            "6",
            "17",
            "",
            "1.3.6.1.2.1.1.5.0",
            "s",
            "hello",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let log = t.wait_for("Enterprise Specific Trap (17)");
    assert!(
        log.contains(".1.3.6.1.4.1.8072 Enterprise Specific Trap (17)"),
        "{log}"
    );
    assert!(
        log.contains(".1.3.6.1.2.1.1.5.0 = STRING: \"hello\""),
        "{log}"
    );
}

#[test]
fn inform_is_acknowledged_by_snmptrapd() {
    let t = Snmptrapd::start("disableAuthorization yes\n");
    let agent = format!("127.0.0.1:{}", t.port);
    let r = snmpkit(
        "inform",
        &[
            "-v2c",
            "-c",
            "public",
            &agent,
            "123",
            "1.3.6.1.6.3.1.1.5.4",
            "1.3.6.1.2.1.2.2.1.1.3",
            "i",
            "3",
        ],
    );
    assert_eq!(r.code, 0, "inform not acknowledged: {}", r.stderr);
    let log = t.wait_for(".1.3.6.1.6.3.1.1.5.4");
    assert!(log.contains(".1.3.6.1.2.1.2.2.1.1.3 = INTEGER: 3"), "{log}");
    // snmptrap -Ci also sends an inform.
    let r = snmpkit(
        "trap",
        &[
            "-v2c",
            "-c",
            "public",
            "-Ci",
            &agent,
            "",
            "1.3.6.1.6.3.1.1.5.1",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn inform_without_receiver_times_out() {
    let port = free_udp_port();
    let r = snmpkit(
        "inform",
        &[
            "-v2c",
            "-c",
            "public",
            "-t",
            "0.2",
            "-r",
            "1",
            &format!("127.0.0.1:{port}"),
            "",
            "1.3.6.1.6.3.1.1.5.3",
        ],
    );
    assert_eq!(r.code, 1);
    // Prefixed with the command as typed (`snmpinform:` when run under that name).
    assert_eq!(r.stderr, "snmpkit inform: Timeout\n");
}

#[test]
fn v3_trap_and_inform_reach_snmptrapd() {
    let t = Snmptrapd::start(
        "createUser -e 0x8000000001020304 tuser SHA authpass123 AES privpass123\n\
         createUser iuser SHA-256 authpass123 AES-256 privpass123\n\
         authUser log,execute,net tuser\nauthUser log,execute,net iuser\n",
    );
    let agent = format!("127.0.0.1:{}", t.port);
    // A trap: we are the authoritative engine, named with -e as snmptrapd's createUser -e says.
    let r = snmpkit(
        "trap",
        &[
            "-v3",
            "-e",
            "0x8000000001020304",
            "-u",
            "tuser",
            "-l",
            "authPriv",
            "-a",
            "SHA",
            "-A",
            "authpass123",
            "-x",
            "AES",
            "-X",
            "privpass123",
            &agent,
            "",
            "1.3.6.1.6.3.1.1.5.3",
            "1.3.6.1.2.1.2.2.1.1.2",
            "i",
            "2",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let log = t.wait_for(".1.3.6.1.6.3.1.1.5.3");
    assert!(log.contains(".1.3.6.1.6.3.1.1.4.1.0 = OID: .1.3.6.1.6.3.1.1.5.3\t.1.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2"), "{log}");
    // An inform: snmptrapd is authoritative, so discovery happens first; exit 0 means acked.
    let r = snmpkit(
        "inform",
        &[
            "-v3",
            "-u",
            "iuser",
            "-l",
            "authPriv",
            "-a",
            "SHA-256",
            "-A",
            "authpass123",
            "-x",
            "AES-256",
            "-X",
            "privpass123",
            &agent,
            "",
            "1.3.6.1.6.3.1.1.5.4",
            "1.3.6.1.2.1.2.2.1.1.3",
            "i",
            "3",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let log = t.wait_for(".1.3.6.1.6.3.1.1.5.4");
    assert!(log.contains(".1.3.6.1.2.1.2.2.1.1.3 = INTEGER: 3"), "{log}");
    // A wrong key is not acknowledged: the inform fails.
    let r = snmpkit(
        "inform",
        &[
            "-v3",
            "-u",
            "iuser",
            "-l",
            "authPriv",
            "-a",
            "SHA-256",
            "-A",
            "wrongpass123",
            "-x",
            "AES-256",
            "-X",
            "privpass123",
            "-t",
            "0.3",
            "-r",
            "0",
            &agent,
            "",
            "1.3.6.1.6.3.1.1.5.4",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
}
