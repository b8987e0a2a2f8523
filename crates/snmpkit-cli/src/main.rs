//! The `snmpkit` command: parse, run, map to an exit code.
//!
//! The command layer (`cli/`) is a module of the binary, not of the library, so the compiler
//! holds it to the library's public API.

mod cli;

fn main() {
    cli::log::init();
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
    // The command runs as a task, not as block_on's own future: a task woken by the
    // transport's receive task runs next in the same scheduler pass, where block_on's future
    // costs the scheduler an extra epoll_wait per wake-up (one per round trip of a walk).
    let code = rt.block_on(async {
        match tokio::spawn(cli::run(cli)).await {
            Ok(code) => code,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => {
                eprintln!("snmpkit: {e}");
                1
            }
        }
    });
    std::process::exit(code);
}
