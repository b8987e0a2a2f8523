//! `completions` and `manpages`: shell completion scripts (clap_complete) and roff manual
//! pages (clap_mangen), both generated from the same command tree the parser uses, so they
//! never drift from the options.

use std::path::PathBuf;

/// Arguments of `snmpkit completions`.
#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Arguments of `snmpkit manpages`.
#[derive(clap::Args, Debug)]
pub struct ManpagesArgs {
    /// The directory to write snmpkit.1 and snmpkit-COMMAND.1 into (created if missing).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Prints the completion script for one shell on stdout.
pub fn completions(a: CompletionsArgs) -> i32 {
    let mut cmd = super::command();
    let mut out = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "snmpkit", &mut out);
    super::out::text(&String::from_utf8_lossy(&out));
    0
}

/// Writes snmpkit(1) and one page per command, `snmpkit-get(1)` and so on.
pub fn manpages(a: ManpagesArgs) -> i32 {
    let prog = super::prog();
    if let Err(e) = std::fs::create_dir_all(&a.dir) {
        eprintln!("{prog}: cannot create {}: {e}", a.dir.display());
        return 1;
    }
    let cmd = super::command();
    let mut written = 0;
    let mut pages = vec![(String::from("snmpkit"), cmd.clone())];
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        let name = format!("snmpkit-{}", sub.get_name());
        // The version goes in the page's footer; the commands' own -v is not clap's.
        let page = sub
            .clone()
            .version(env!("CARGO_PKG_VERSION"))
            .disable_version_flag(true)
            .display_name(name.clone())
            .bin_name(format!("snmpkit {}", sub.get_name()));
        pages.push((name, page));
    }
    for (name, page) in pages {
        let path = a.dir.join(format!("{name}.1"));
        let mut roff = Vec::new();
        let made = clap_mangen::Man::new(page)
            .render(&mut roff)
            .map_err(|e| e.to_string())
            .and_then(|()| std::fs::write(&path, &roff).map_err(|e| e.to_string()));
        match made {
            Ok(()) => {
                println!("{}", path.display());
                written += 1;
            }
            Err(e) => {
                eprintln!("{prog}: {}: {e}", path.display());
                return 1;
            }
        }
    }
    eprintln!(
        "{prog}: {written} pages written; read one with: man -l {}",
        a.dir.join("snmpkit.1").display()
    );
    0
}
