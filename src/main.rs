//! The `snmpkit` command: parse, run, map to an exit code.
//!
//! The command layer (`cli/`) is a module of the binary, not of the library, so the compiler
//! holds it to the library's public API.

mod cli;

fn main() {
    let cli = match cli::parse_args() {
        Ok(c) => c,
        Err(code) => std::process::exit(code),
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("snmpkit: cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    let code = rt.block_on(cli::run(cli));
    std::process::exit(code);
}
