//! `trap` and `inform`: send notifications with snmptrap's and snmpinform's command lines.
//!
//! v2c/v3: `AGENT UPTIME TRAP-OID [OID TYPE VALUE]...`;
//! v1: `AGENT ENTERPRISE AGENT-ADDR GENERIC SPECIFIC UPTIME [OID TYPE VALUE]...`.
//! An empty UPTIME means the host's uptime, as net-snmp does.

use super::config::{parse_oid, CommonArgs, Fatal};
use super::request::report_error;
use snmpkit::client::Client;
use snmpkit::codec::{TrapV1, Version};
use snmpkit::{Oid, VarBind};

/// Arguments of `trap` and `inform`.
#[derive(clap::Args, Debug)]
pub struct TrapArgs {
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// The receiver: host, host:port (default port 162), udp6:[::1]:port.
    #[arg(value_name = "AGENT")]
    pub(crate) agent: String,
    /// The rest of snmptrap's arguments.
    #[arg(value_name = "ARGS", allow_negative_numbers = true)]
    pub(crate) args: Vec<String>,
}

/// net-snmp's default enterprise for v1 traps (enterprises.3.1.1).
const DEFAULT_ENTERPRISE: [u32; 9] = [1, 3, 6, 1, 4, 1, 3, 1, 1];

fn parse_uptime(s: &str) -> Result<u32, Fatal> {
    if s.is_empty() {
        return Ok(snmpkit::client::host_uptime());
    }
    s.parse()
        .map_err(|_| Fatal(format!("Bad uptime value: {s}"), 1))
}

fn varbinds(
    args: &[String],
    prog: &str,
    mib: &snmpkit::mib::Mib,
    check: bool,
) -> Result<Vec<VarBind>, Fatal> {
    if args.len() % 3 != 0 {
        return Err(Fatal(
            format!(
                "{prog}: {}: Needs type and value",
                args[args.len() - args.len() % 3]
            ),
            1,
        ));
    }
    args.chunks(3)
        .map(|t| {
            let oid = parse_oid(&t[0], mib)?;
            let value = super::request::typed_value(&t[0], &oid, &t[1], &t[2], mib, check)?;
            Ok(VarBind::new(oid, value))
        })
        .collect()
}

/// Runs `trap` (inform if `inform` or -Ci) and returns the exit code.
pub async fn run(a: TrapArgs, mut inform: bool) -> i32 {
    let prog = super::prog();
    let fail = |f: Fatal| {
        eprintln!("{}", f.0);
        f.1
    };
    if let Err(f) = a.common.precheck() {
        return fail(f);
    }
    let mib = a.common.load_mib();
    let s = match a.common.session_port(&a.agent, prog, 162, mib).await {
        Ok(s) => s,
        Err(f) => return fail(f),
    };
    inform |= s.app.include_requested; // snmptrap -Ci sends an inform
    let client: &Client = &s.client;
    if client.version() == Version::V1 {
        if inform {
            eprintln!("{prog}: Cannot send an InformRequest with SNMPv1");
            return 1;
        }
        if a.args.len() < 5 {
            eprintln!("{prog}: Missing parameters: ENTERPRISE AGENT-ADDR GENERIC SPECIFIC UPTIME");
            return 1;
        }
        let enterprise = if a.args[0].is_empty() {
            Oid::from_slice(&DEFAULT_ENTERPRISE)
        } else {
            match parse_oid(&a.args[0], &s.mib) {
                Ok(o) => o,
                Err(f) => return fail(f),
            }
        };
        let agent_addr = if a.args[1].is_empty() {
            match client.local_ip_for_target() {
                Some(std::net::IpAddr::V4(v4)) => v4.octets(),
                _ => [0, 0, 0, 0],
            }
        } else {
            match a.args[1].parse::<std::net::Ipv4Addr>() {
                Ok(ip) => ip.octets(),
                Err(_) => {
                    eprintln!("{prog}: Bad agent address: {}", a.args[1]);
                    return 1;
                }
            }
        };
        let (generic, specific) = match (a.args[2].parse::<i32>(), a.args[3].parse::<i32>()) {
            (Ok(g), Ok(sp)) if (0..=6).contains(&g) => (g, sp),
            _ => {
                eprintln!(
                    "{prog}: Bad generic or specific trap: {} {}",
                    a.args[2], a.args[3]
                );
                return 1;
            }
        };
        let uptime = match parse_uptime(&a.args[4]) {
            Ok(u) => u,
            Err(f) => return fail(f),
        };
        let vbs = match varbinds(&a.args[5..], prog, &s.mib, a.common.checks_values()) {
            Ok(v) => v,
            Err(f) => return fail(f),
        };
        let trap = TrapV1 {
            enterprise,
            agent_addr,
            generic_trap: generic,
            specific_trap: specific,
            time_stamp: uptime,
            varbinds: vbs,
        };
        return match client.trap_v1(trap).await {
            Ok(()) => 0,
            Err(e) => report_error(&s, &e, false),
        };
    }
    if a.args.len() < 2 {
        eprintln!("{prog}: Missing parameters: UPTIME TRAP-OID");
        return 1;
    }
    let uptime = match parse_uptime(&a.args[0]) {
        Ok(u) => u,
        Err(f) => return fail(f),
    };
    let trap_oid = match parse_oid(&a.args[1], &s.mib) {
        Ok(o) => o,
        Err(f) => return fail(f),
    };
    let vbs = match varbinds(&a.args[2..], prog, &s.mib, a.common.checks_values()) {
        Ok(v) => v,
        Err(f) => return fail(f),
    };
    if inform {
        match client.inform(uptime, &trap_oid, &vbs).await {
            Ok(_) => 0,
            Err(snmpkit::Error::Timeout(_)) => {
                eprintln!("{prog}: Timeout");
                1
            }
            Err(e) => report_error(&s, &e, false),
        }
    } else {
        match client.trap(uptime, &trap_oid, &vbs).await {
            Ok(()) => 0,
            Err(e) => report_error(&s, &e, false),
        }
    }
}
