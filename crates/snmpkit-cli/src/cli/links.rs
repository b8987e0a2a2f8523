//! net-snmp's command names: the binary run as `snmpget`, `snmpwalk`, ... behaves as that
//! subcommand, and run as `snmptrapd` it runs `listen` with snmptrapd's common options.
//! `snmpkit install-links DIR` makes those names as symbolic links to the binary.

use super::listen::ListenArgs;
use std::path::{Path, PathBuf};

/// The net-snmp tool names the binary answers to, and the subcommand each one runs.
pub const NAMES: &[(&str, &str)] = &[
    ("snmpget", "get"),
    ("snmpgetnext", "getnext"),
    ("snmpbulkget", "bulkget"),
    ("snmpset", "set"),
    ("snmpwalk", "walk"),
    ("snmpbulkwalk", "bulkwalk"),
    ("snmptable", "table"),
    ("snmptranslate", "translate"),
    ("snmptrap", "trap"),
    ("snmpinform", "inform"),
    ("snmptrapd", "listen"),
];

/// The subcommand for a program name (`snmpwalk` -> `walk`), if it is one of [`NAMES`].
pub fn subcommand_for(program: &str) -> Option<&'static str> {
    let program = program.strip_suffix(".exe").unwrap_or(program);
    NAMES.iter().find(|(n, _)| *n == program).map(|(_, s)| *s)
}

/// Arguments of `snmpkit install-links`.
#[derive(clap::Args, Debug)]
pub struct InstallLinksArgs {
    /// The directory to put the links in (created if missing), e.g. ~/.local/bin.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Creates one symbolic link per net-snmp name in `dir`, pointing at this binary. A link
/// already there is replaced; anything else with that name is left alone and reported.
/// Exit code 1 if any name could not be installed.
pub fn install(a: InstallLinksArgs) -> i32 {
    let prog = super::prog();
    let target = match std::env::current_exe().and_then(|p| p.canonicalize()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{prog}: cannot find this program's own path: {e}");
            return 1;
        }
    };
    if let Err(e) = std::fs::create_dir_all(&a.dir) {
        eprintln!("{prog}: cannot create {}: {e}", a.dir.display());
        return 1;
    }
    let mut failed = 0;
    for (name, sub) in NAMES {
        let link = a.dir.join(name);
        match install_one(&link, &target) {
            Ok(what) => println!("{}: {what} -> {} ({sub})", link.display(), target.display()),
            Err(e) => {
                eprintln!("{prog}: {}: {e}", link.display());
                failed += 1;
            }
        }
    }
    if failed > 0 {
        eprintln!("{prog}: {failed} of {} names not installed", NAMES.len());
        return 1;
    }
    0
}

fn install_one(link: &Path, target: &Path) -> Result<&'static str, String> {
    let verb = match std::fs::symlink_metadata(link) {
        Ok(m) if m.file_type().is_symlink() => {
            if std::fs::read_link(link).ok().as_deref() == Some(target) {
                return Ok("unchanged");
            }
            std::fs::remove_file(link).map_err(|e| format!("cannot replace the link: {e}"))?;
            "replaced"
        }
        Ok(_) => return Err("exists and is not a symbolic link; left alone".into()),
        Err(_) => "created",
    };
    symlink(target, link).map_err(|e| format!("cannot create the link: {e}"))?;
    Ok(verb)
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(_target: &Path, _link: &Path) -> std::io::Result<()> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "symbolic links are made on Unix only",
    ))
}

/// The usage snmptrapd-style invocation prints for `-h` or a bad option.
const TRAPD_USAGE: &str = "\
Usage: snmptrapd [OPTIONS] [LISTENING-ADDRESSES]
  (snmpkit listen under snmptrapd's name)
  -f              run in the foreground (always so)
  -n              do not resolve addresses to names (always so)
  -C              do not read the default configuration files
  -c FILE         read FILE as snmptrapd.conf (createUser, authCommunity,
                  disableAuthorization, snmpTrapdAddr)
  -Lo, -Le        print notifications to standard output / standard error
  -Lf FILE        append notifications to FILE
  -O OUTOPTS      output options for varbinds (n, q, s, ...)
  -m MIBS         MIB modules to load
  -M DIRS         MIB directories
  --json          one JSON object per notification
  LISTENING-ADDRESSES  udp:HOST:PORT, udp6:[ADDR]:PORT, HOST:PORT or PORT,
                  several separated by commas or spaces (default udp:162, udp6:162)
";

/// What `snmptrapd ARGS` asks for: the listener's arguments, or help.
#[derive(Debug)]
pub enum TrapdCommand {
    /// Run the listener.
    Listen(Box<ListenArgs>),
    /// `-h` / `--help`: print the usage and exit 0.
    Help,
}

/// Parses snmptrapd's command line into `listen`'s arguments: `-f -n -C` are accepted (the
/// listener always runs in the foreground and prints addresses), `-c FILE`, `-Lo`, `-Le`,
/// `-Lf FILE`, `-O...`, `-m`, `-M`, `--json`, and listening addresses (commas allowed).
pub fn parse_trapd(args: &[String]) -> Result<TrapdCommand, String> {
    let mut la = ListenArgs::default();
    let mut stderr_output = false;
    let mut i = 0;
    // An option's value: the rest of this argument, or the next one.
    let value = |i: &mut usize, rest: &str, opt: &str| -> Result<String, String> {
        if !rest.is_empty() {
            return Ok(rest.to_string());
        }
        *i += 1;
        args.get(*i)
            .cloned()
            .ok_or_else(|| format!("option requires an argument -- '{opt}'"))
    };
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-h" | "--help" => return Ok(TrapdCommand::Help),
            "--json" => la.json = true,
            "--" => {
                la.addresses
                    .extend(args[i + 1..].iter().flat_map(|s| split_addrs(s)));
                break;
            }
            _ if a.starts_with("--") => return Err(format!("unrecognized option '{a}'")),
            _ if a.starts_with('-') && a.len() > 1 => {
                let opt = &a[1..2];
                let rest = &a[2..];
                match opt {
                    "f" | "n" | "C" | "a" if rest.is_empty() => {}
                    "c" => la.config = Some(PathBuf::from(value(&mut i, rest, opt)?)),
                    "O" => la.output.push(value(&mut i, rest, opt)?),
                    "m" => la.mibs = Some(value(&mut i, rest, opt)?),
                    "M" => la.mib_dirs = Some(value(&mut i, rest, opt)?),
                    "L" => {
                        let spec = value(&mut i, rest, opt)?;
                        match spec.chars().next() {
                            Some('o') => stderr_output = false,
                            Some('e') => stderr_output = true,
                            Some('f') => {
                                let file = spec[1..].trim();
                                let file = if file.is_empty() {
                                    value(&mut i, "", "Lf")?
                                } else {
                                    file.to_string()
                                };
                                la.log_file = Some(PathBuf::from(file));
                            }
                            _ => return Err(format!("unsupported logging option: -L{spec}")),
                        }
                    }
                    _ => return Err(format!("invalid option -- '{}'", &a[1..])),
                }
            }
            _ => la.addresses.extend(split_addrs(a)),
        }
        i += 1;
    }
    if stderr_output && la.log_file.is_none() {
        la.log_file = Some(PathBuf::from("/dev/stderr"));
    }
    Ok(TrapdCommand::Listen(Box::new(la)))
}

/// snmptrapd takes several addresses in one argument, separated by commas.
fn split_addrs(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect()
}

/// Prints snmptrapd's usage (to stdout for `-h`, to stderr after an error).
pub fn trapd_usage(to_stderr: bool) {
    if to_stderr {
        eprint!("{TRAPD_USAGE}");
    } else {
        super::out::text(TRAPD_USAGE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(a: &[&str]) -> ListenArgs {
        let v: Vec<String> = a.iter().map(|s| s.to_string()).collect();
        match parse_trapd(&v).unwrap() {
            TrapdCommand::Listen(l) => *l,
            TrapdCommand::Help => panic!("help"),
        }
    }

    #[test]
    fn snmptrapd_options_map_to_listen() {
        let l = parse(&[
            "-f",
            "-n",
            "-C",
            "-c",
            "/x.conf",
            "-Lf",
            "/tmp/t.log",
            "-On",
            "-m",
            "",
            "-M",
            "/m",
            "udp:127.0.0.1:1162,udp6:[::1]:1162",
        ]);
        assert_eq!(l.config.as_deref(), Some(Path::new("/x.conf")));
        assert_eq!(l.log_file.as_deref(), Some(Path::new("/tmp/t.log")));
        assert_eq!(l.output, vec!["n"]);
        assert_eq!(l.mibs.as_deref(), Some(""));
        assert_eq!(l.mib_dirs.as_deref(), Some("/m"));
        assert_eq!(l.addresses, vec!["udp:127.0.0.1:1162", "udp6:[::1]:1162"]);
        let l = parse(&["-Lo", "-cfile", "-LfFILE", "1162"]);
        assert_eq!(l.config.as_deref(), Some(Path::new("file")));
        assert_eq!(l.log_file.as_deref(), Some(Path::new("FILE")));
        assert_eq!(l.addresses, vec!["1162"]);
        let bad: Vec<String> = vec!["-x".into()];
        assert!(parse_trapd(&bad).is_err());
        let missing: Vec<String> = vec!["-c".into()];
        assert!(parse_trapd(&missing).is_err());
    }

    #[test]
    fn names_map_to_subcommands() {
        assert_eq!(subcommand_for("snmpbulkwalk"), Some("bulkwalk"));
        assert_eq!(subcommand_for("snmptrapd"), Some("listen"));
        assert_eq!(subcommand_for("snmpkit"), None);
    }
}
