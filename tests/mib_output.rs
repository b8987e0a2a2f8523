//! Output with MIBs: snmpkit with its built-in modules (no -m/-M) against net-snmp's tools
//! loading the same modules from the reference collection, on the same agent, line for line.

mod common;
use common::*;

const MODULES: &str = BUILTIN_MODULES;

const VOLATILE: &[&str] = &[
    "1.3.6.1.2.1.1.3.0",
    "1.3.6.1.2.1.2.2.1.10",
    "1.3.6.1.2.1.2.2.1.11",
    "1.3.6.1.2.1.2.2.1.16",
    "1.3.6.1.2.1.2.2.1.17",
    "1.3.6.1.2.1.31.1.1.1",
    "1.3.6.1.2.1.25.1.1.0",
    "1.3.6.1.2.1.25.1.2.0",
    "1.3.6.1.2.1.25.2.3.1.6",
    "1.3.6.1.6.3.10.2.1.3.0",
    "sysUpTime",
    "hrSystemUptime",
    "hrSystemDate",
    "snmpEngineTime",
    "hrStorageUsed",
    "Octets",
    "Pkts",
];

const TABLES: &[&str] = &[
    "system",
    "ifTable",
    "ifXTable",
    "ipAddrTable",
    "ipAddressTable",
    "hrStorageTable",
    "hrSWInstalledTable",
    "hrSystem",
    "snmpEngine",
    "usmUserTable",
    "vacmSecurityToGroupTable",
];

fn mib_path() -> Option<String> {
    reference_mib_path()
}

fn users() -> &'static str {
    "createUser shaaes SHA authpass123 AES privpass123\nrwuser shaaes priv\n\
     createUser md5des MD5 authpass123 DES privpass123\nrouser md5des priv\n"
}

fn value_of_volatile(ours: &str, theirs: &str, what: &str) {
    // Counters can change between the two walks; everything else must be identical.
    assert_same_lines(ours, theirs, VOLATILE, what);
}

#[test]
fn walks_print_what_netsnmp_prints_with_the_same_modules() {
    let Some(m) = mib_path() else { return };
    let d = Snmpd::start(users());
    for sub in ["walk", "bulkwalk"] {
        for t in TABLES {
            let ours = snmpkit(sub, &["-v2c", "-c", "public", &d.v4(), t]);
            let theirs = netsnmp(
                &format!("snmp{sub}"),
                &["-v2c", "-c", "public", "-M", &m, "-m", MODULES, &d.v4(), t],
            );
            assert_eq!(ours.code, 0, "{sub} {t}: {}", ours.stderr);
            assert!(
                theirs.stdout.lines().count() > 0,
                "{sub} {t}: net-snmp printed nothing: {}",
                theirs.stderr
            );
            value_of_volatile(&ours.stdout, &theirs.stdout, &format!("{sub} {t}"));
        }
    }
    // A get of named instances.
    let oids = [
        "sysDescr.0",
        "sysObjectID.0",
        "sysName.0",
        "ifDescr.1",
        "ifType.1",
        "ifPhysAddress.1",
        "ifAdminStatus.1",
        "snmpEngineTime.0",
        "hrSystemDate.0",
    ];
    let agent = d.v4();
    let mut args = vec!["-v2c", "-c", "public", agent.as_str()];
    args.extend(oids);
    let ours = snmpkit("get", &args);
    let mut nargs = vec!["-M", &m, "-m", MODULES];
    nargs.extend(args.iter().copied());
    let theirs = netsnmp("snmpget", &nargs);
    let volatile = ["1.3.6.1.6.3.10.2.1.3.0", "1.3.6.1.2.1.25.1.2.0"];
    assert_same_lines(
        &ours.stdout,
        &theirs.stdout,
        &volatile,
        "get named instances",
    );
}

#[test]
fn output_options_match_with_mibs() {
    let Some(m) = mib_path() else { return };
    let d = Snmpd::start(users());
    for flag in [
        "-On", "-Os", "-Of", "-Oq", "-OQ", "-Oe", "-Ox", "-Ot", "-OU", "-Ou", "-Ob", "-OS", "-OT",
        "-Oa",
    ] {
        for t in [
            "system",
            "ifTable",
            "hrStorageTable",
            "snmpEngine",
            "vacmSecurityToGroupTable",
        ] {
            let ours = snmpkit("bulkwalk", &["-v2c", "-c", "public", flag, &d.v4(), t]);
            let theirs = netsnmp(
                "snmpbulkwalk",
                &[
                    "-v2c",
                    "-c",
                    "public",
                    "-M",
                    &m,
                    "-m",
                    MODULES,
                    flag,
                    &d.v4(),
                    t,
                ],
            );
            assert_eq!(ours.code, 0, "{flag} {t}: {}", ours.stderr);
            value_of_volatile(
                &ours.stdout,
                &theirs.stdout,
                &format!("bulkwalk {flag} {t}"),
            );
        }
    }
    // -Ov prints no OID to tell volatile lines by: compare values that do not change.
    let agent = d.v4();
    for flag in ["-Ov", "-Ovq", "-Ove"] {
        let args = [
            "-v2c",
            "-c",
            "public",
            flag,
            agent.as_str(),
            "sysName.0",
            "sysObjectID.0",
            "ifDescr.1",
            "ifType.1",
            "ifAdminStatus.1",
            "hrStorageAllocationUnits.1",
        ];
        let ours = snmpkit("get", &args);
        let mut nargs = vec!["-M", &m, "-m", MODULES];
        nargs.extend(args);
        let theirs = netsnmp("snmpget", &nargs);
        assert_eq!(ours.stdout, theirs.stdout, "get {flag}");
    }
}

#[test]
fn set_takes_its_type_from_the_mib() {
    let d = Snmpd::start("");
    let r = snmpkit(
        "set",
        &[
            "-v2c",
            "-c",
            "private",
            &d.v4(),
            "sysLocation.0",
            "=",
            "rack 7",
            "sysName.0",
            "=",
            "edge-1",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "SNMPv2-MIB::sysLocation.0 = STRING: rack 7\nSNMPv2-MIB::sysName.0 = STRING: edge-1\n"
    );
    // An INTEGER given by its enumeration label; the echo is net-snmp's.
    let r = snmpkit(
        "set",
        &[
            "-v2c",
            "-c",
            "private",
            &d.v4(),
            "ifAdminStatus.1",
            "i",
            "up",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "IF-MIB::ifAdminStatus.1 = INTEGER: up(1)\n");
    let Some(m) = mib_path() else { return };
    let args = [
        "-v2c",
        "-c",
        "private",
        &d.v4(),
        "sysContact.0",
        "=",
        "noc@example.net",
    ];
    let ours = snmpkit("set", &args);
    let mut nargs = vec!["-M", &m, "-m", MODULES];
    nargs.extend(args);
    let theirs = netsnmp("snmpset", &nargs);
    assert_eq!(ours.stdout, theirs.stdout);
    assert_eq!(ours.code, theirs.code);
}
