//! Command-line interface: net-snmp-style arguments (`-v2c -c public`, `-On`, `-Cr10`, ...),
//! one file per command. The CLI only uses the library's public API.

mod agent;
mod config;
mod exporter;
mod exporter_generate;
mod links;
pub mod listen;
pub mod log;
mod nats;
mod out;
mod poll;
mod progress;
mod request;
mod shell;
pub mod snmpconf;
mod table;
mod top;
mod translate;
mod trap;
mod walk;
pub mod webhook;

pub use config::Session;

use clap::{CommandFactory, FromArgMatches, Subcommand};
use std::sync::OnceLock;

/// What `snmpkit --help` says first: every kind of job the binary does.
const ABOUT: &str = "\
SNMP with net-snmp's habits: the manager commands (get, walk, bulkwalk, table, set, trap, ...) \
with net-snmp's options and output, a notification receiver (listen), a lab agent replaying \
recorded devices (agent), a fleet poller with JSON, InfluxDB and NATS output (poll), a live \
view of a device's interfaces (top), and a Prometheus exporter (exporter, poll --prometheus).";

/// snmpkit's command line.
#[derive(clap::Parser, Debug)]
#[command(name = "snmpkit", version, about = ABOUT, arg_required_else_help = true)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Get the values of OIDs (snmpget).
    Get(request::RequestArgs),
    /// Get the next OIDs (snmpgetnext).
    Getnext(request::RequestArgs),
    /// One GetBulk request (snmpbulkget): -Cn non-repeaters, -Cr max-repetitions.
    Bulkget(request::RequestArgs),
    /// Set values: OID TYPE VALUE ... (snmpset).
    Set(request::RequestArgs),
    /// Walk a subtree with GetNext (snmpwalk).
    Walk(request::RequestArgs),
    /// Walk a subtree with GetBulk (snmpbulkwalk).
    Bulkwalk(request::RequestArgs),
    /// Send a trap (snmptrap): v2c `AGENT UPTIME TRAP-OID [OID TYPE VALUE]...`,
    /// v1 `AGENT ENTERPRISE AGENT-ADDR GENERIC SPECIFIC UPTIME [OID TYPE VALUE]...`.
    Trap(trap::TrapArgs),
    /// Send an inform and wait for its acknowledgement (snmpinform).
    Inform(trap::TrapArgs),
    /// Translate names to OIDs and back (snmptranslate): -On, -Of, -Td.
    Translate(translate::TranslateArgs),
    /// Show a conceptual table (snmptable): -Cf SEP, -CH, -Ci, -Cb, --json.
    Table(table::TableArgs),
    /// Receive notifications (snmptrapd): print them as text or JSON lines.
    Listen(listen::ListenArgs),
    /// Poll a fleet every interval: JSON lines, InfluxDB lines or Prometheus /metrics, with
    /// counter rates.
    Poll(poll::PollArgs),
    /// Watch a device's interfaces live: rates, errors, status, graphs (a table per interval
    /// with --count or when stdout is not a terminal).
    Top(top::TopArgs),
    /// Simulate SNMP agents from recorded walks (v1, v2c, v3; Set; linkDown/linkUp traps).
    Agent(agent::AgentArgs),
    /// A drop-in for Prometheus snmp_exporter: its flags, snmp.yml, URL API and output
    /// (`exporter generate` makes snmp.yml from generator.yml).
    Exporter(exporter::ExporterArgs),
    /// Make net-snmp's command names (snmpget, snmpwalk, ..., snmptrapd) as symbolic links
    /// to this program in DIR: run under those names it behaves as the matching command.
    InstallLinks(links::InstallLinksArgs),
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell.
    Completions(shell::CompletionsArgs),
    /// Write roff manual pages for snmpkit(1) and each command into DIR.
    Manpages(shell::ManpagesArgs),
}

/// Runs a parsed command line and returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Get(a) => request::get(a, request::Kind::Get).await,
        Command::Getnext(a) => request::get(a, request::Kind::GetNext).await,
        Command::Bulkget(a) => request::get(a, request::Kind::Bulk).await,
        Command::Set(a) => request::set(a).await,
        Command::Walk(a) => walk::run(a, false).await,
        Command::Bulkwalk(a) => walk::run(a, true).await,
        Command::Trap(a) => trap::run(a, false).await,
        Command::Inform(a) => trap::run(a, true).await,
        Command::Translate(a) => translate::run(a),
        Command::Table(a) => table::run(a).await,
        Command::Listen(a) => listen::run(a).await,
        Command::Poll(a) => poll::run(a).await,
        Command::Top(a) => top::run(a).await,
        Command::Agent(a) => agent::run(a).await,
        Command::Exporter(a) => exporter::run(a).await,
        Command::InstallLinks(a) => links::install(a),
        Command::Completions(a) => shell::completions(a),
        Command::Manpages(a) => shell::manpages(a),
    }
}

static PROG: OnceLock<String> = OnceLock::new();

/// The program name used in messages: the command as typed (`snmpkit get`), or the net-snmp
/// An error and its causes, `: ` between them, as one line: the libraries' errors never
/// repeat their source in their own text, so the chain is how a message gets its detail.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        next = cause.source();
    }
    text
}

/// name the binary was run under (`snmpget`).
pub fn prog() -> &'static str {
    PROG.get().map(String::as_str).unwrap_or("snmpkit")
}

/// What `get`'s and the other manager commands' help says about versions.
const VERSION_HELP: &str = "\
SNMPv3 is the default (as in net-snmp 5.9, unless snmp.conf's defVersion says otherwise).
For v1 or v2c give the version and a community, e.g.:
  snmpkit get -v2c -c public 192.0.2.1 sysName.0 sysUpTime.0";

/// The type letters, for `set --help`.
const SET_TYPES_HELP: &str = "\
TYPE is one of (as for snmpset):
  =  the type the MIB gives the object     i  INTEGER (a number or an enumeration label)
  u  Unsigned32 / Gauge32                  t  TimeTicks
  a  IpAddress                             o  OBJECT IDENTIFIER (numeric or a name)
  s  STRING (read through the DISPLAY-HINT, e.g. 0:1b:21:3c:4d:5e for a MAC)
  x  hex STRING (0a0b or \"0a 0b\")         d  decimal STRING (10.11.12)
  b  BITS (bit numbers or names: 0,3)      n  NULL
  U  Opaque UInt64   I  Opaque Int64   F  Opaque Float   D  Opaque Double
The type and value are checked against the MIB before anything is sent.
Example: snmpkit set -v2c -c private 192.0.2.1 sysName.0 s core-rtr-1 ifAdminStatus.2 i down";

/// The command tree with per-command help that derive cannot express (the OID argument is
/// shared by the request commands but means different things to each).
fn command() -> clap::Command {
    let oids = |help: &'static str| move |c: clap::Command| c.mut_arg("args", |a| a.help(help));
    Cli::command()
        .mut_subcommand("get", |c| {
            oids("OIDs to get: names (sysName.0, IF-MIB::ifDescr.2) or numeric")(c)
                .after_help(VERSION_HELP)
        })
        .mut_subcommand("getnext", |c| {
            oids("OIDs whose successors to get")(c).after_help(VERSION_HELP)
        })
        .mut_subcommand("bulkget", |c| {
            oids("OIDs: the -Cn non-repeaters first, then the repeated ones")(c)
                .after_help(VERSION_HELP)
        })
        .mut_subcommand("walk", |c| {
            oids("The subtree to walk (default: mib-2)")(c).after_help(VERSION_HELP)
        })
        .mut_subcommand("bulkwalk", |c| {
            oids("The subtree to walk (default: mib-2)")(c).after_help(VERSION_HELP)
        })
        .mut_subcommand("set", |c| {
            oids("OID TYPE VALUE triples (TYPE below)")(c)
                .after_help(format!("{SET_TYPES_HELP}\n\n{VERSION_HELP}"))
        })
        .mut_subcommand("table", |c| c.after_help(VERSION_HELP))
}

/// Builds the command from one subcommand's matches.
fn from_sub(sub: &str, m: &clap::ArgMatches) -> Result<Command, clap::Error> {
    use request::RequestArgs as R;
    Ok(match sub {
        "get" => Command::Get(R::from_arg_matches(m)?),
        "getnext" => Command::Getnext(R::from_arg_matches(m)?),
        "bulkget" => Command::Bulkget(R::from_arg_matches(m)?),
        "set" => Command::Set(R::from_arg_matches(m)?),
        "walk" => Command::Walk(R::from_arg_matches(m)?),
        "bulkwalk" => Command::Bulkwalk(R::from_arg_matches(m)?),
        "trap" => Command::Trap(trap::TrapArgs::from_arg_matches(m)?),
        "inform" => Command::Inform(trap::TrapArgs::from_arg_matches(m)?),
        "translate" => Command::Translate(translate::TranslateArgs::from_arg_matches(m)?),
        "table" => Command::Table(table::TableArgs::from_arg_matches(m)?),
        "listen" => Command::Listen(listen::ListenArgs::from_arg_matches(m)?),
        "install-links" => Command::InstallLinks(links::InstallLinksArgs::from_arg_matches(m)?),
        other => {
            return Err(clap::Error::raw(
                clap::error::ErrorKind::InvalidSubcommand,
                format!("{other} has no net-snmp name\n"),
            ))
        }
    })
}

fn clap_exit(e: clap::Error) -> i32 {
    use clap::error::ErrorKind;
    let code = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => 0,
        // `snmpkit` alone prints the usage, and fails as a bad command line does.
        _ => 1,
    };
    let _ = e.print();
    code
}

/// Parses `std::env::args`, printing usage errors the way net-snmp does (exit 1). Run under
/// one of net-snmp's names (`snmpwalk`, `snmptrapd`, ...), the binary parses that tool's
/// command line instead.
pub fn parse_args() -> Result<Cli, i32> {
    parse_from(std::env::args_os().collect())
}

/// Parses a command line (program name first).
fn parse_from(args: Vec<std::ffi::OsString>) -> Result<Cli, i32> {
    // snmptable takes -Cf/-Cw/-Cc/-Cr values from the arguments after each -C, in their
    // order, which clap does not keep: the table command gets the arguments as typed.
    let raw = |from: usize| -> Vec<String> {
        args.get(from..)
            .unwrap_or(&[])
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    };
    let with_raw = |mut c: Cli, from: usize| {
        if let Command::Table(t) = &mut c.command {
            t.raw = raw(from);
        }
        c
    };
    let invoked = args
        .first()
        .and_then(|a| std::path::Path::new(a).file_name())
        .and_then(|n| n.to_str())
        .unwrap_or("snmpkit")
        .to_string();
    if let Some(sub) = links::subcommand_for(&invoked) {
        let name = invoked.strip_suffix(".exe").unwrap_or(&invoked).to_string();
        let _ = PROG.set(name.clone());
        if sub == "listen" {
            let rest: Vec<String> = args[1..]
                .iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            return match links::parse_trapd(&rest) {
                Ok(links::TrapdCommand::Listen(l)) => Ok(Cli {
                    command: Command::Listen(*l),
                }),
                Ok(links::TrapdCommand::Version) => {
                    println!("{name} (snmpkit {})", env!("CARGO_PKG_VERSION"));
                    Err(0)
                }
                Ok(links::TrapdCommand::Help) => {
                    links::trapd_usage(false);
                    Err(0)
                }
                Err(msg) => {
                    eprintln!("{name}: {msg}");
                    links::trapd_usage(true);
                    Err(1)
                }
            };
        }
        let Some(sub_cmd) = command().find_subcommand(sub).cloned() else {
            eprintln!("{name}: no such command");
            return Err(1);
        };
        // net-snmp's tools take -V/--version (clap's own version flag would clash with the
        // argument named `version`, -v).
        let sub_cmd = sub_cmd
            .name(prog())
            .bin_name(name)
            .version(concat!("(snmpkit ", env!("CARGO_PKG_VERSION"), ")"))
            .disable_version_flag(true)
            .arg(
                clap::Arg::new("print_version")
                    .short('V')
                    .long("version")
                    .action(clap::ArgAction::Version)
                    .help("Print the version"),
            );
        return sub_cmd
            .try_get_matches_from(args.clone())
            .and_then(|m| from_sub(sub, &m))
            .map(|command| with_raw(Cli { command }, 1))
            .map_err(clap_exit);
    }
    let m = command()
        .try_get_matches_from(args.clone())
        .map_err(clap_exit)?;
    if let Some(sub) = m.subcommand_name() {
        let _ = PROG.set(format!("snmpkit {sub}"));
    }
    // The subcommand is the first argument: its own arguments follow.
    Cli::from_arg_matches(&m)
        .map(|c| with_raw(c, 2))
        .map_err(clap_exit)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `run(TableArgs)` re-read `std::env::args()`, so a table run from anything but the
    /// process's own command line (a test, a wrapper) took its -C values from the wrong place.
    /// The parsed command line now carries them.
    #[test]
    fn table_takes_its_c_values_from_the_parsed_command_line() {
        let argv: Vec<std::ffi::OsString> = [
            "snmpkit",
            "table",
            "-v2c",
            "-c",
            "public",
            "-Cf",
            ",",
            "127.0.0.1:1161",
            "ifTable",
        ]
        .iter()
        .map(std::ffi::OsString::from)
        .collect();
        let Ok(Cli {
            command: Command::Table(t),
        }) = parse_from(argv.clone())
        else {
            panic!("not parsed as table");
        };
        assert_eq!(t.raw[0], "-v2c");
        assert_eq!(t.raw.len(), argv.len() - 2);
        assert_eq!(
            table::c_values(&t),
            Some(vec![vec![
                ",".to_string(),
                "127.0.0.1:1161".to_string(),
                "ifTable".to_string()
            ]])
        );
    }
}
