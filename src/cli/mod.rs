//! Command-line interface: net-snmp-style arguments (`-v2c -c public`, `-On`, `-Cr10`, ...),
//! one file per command. The CLI only uses the library's public API.

mod config;
pub mod listen;
mod nats;
mod out;
mod request;
pub mod snmpconf;
mod table;
mod translate;
mod trap;
mod walk;

pub use config::Session;

use clap::{Parser, Subcommand};

/// snmpkit: an SNMP manager and notification receiver with net-snmp's habits.
#[derive(Parser, Debug)]
#[command(name = "snmpkit", version, about, disable_help_subcommand = true)]
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
    }
}

/// Parses `std::env::args`, printing usage errors the way net-snmp does (exit 1).
pub fn parse_args() -> Result<Cli, i32> {
    match Cli::try_parse() {
        Ok(c) => Ok(c),
        Err(e) => {
            use clap::error::ErrorKind;
            let code = match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => 0,
                _ => 1,
            };
            let _ = e.print();
            Err(code)
        }
    }
}
