//! `translate`: names to OIDs and back, as snmptranslate does (`-On`, `-Of`, `-Td`). Names
//! without a module prefix work without snmptranslate's `-IR`.

use snmpkit::format::{format_oid, OutputOptions};
use snmpkit::Oid;

/// Arguments of `snmpkit translate`.
#[derive(clap::Args, Debug)]
pub struct TranslateArgs {
    /// Output options (-On numeric, -Of full path, -Os, -Ou, ...).
    #[arg(short = 'O', value_name = "OUTOPTS")]
    pub(crate) output: Vec<String>,
    /// Translation options: `d` prints the object's details.
    #[arg(short = 'T', value_name = "TRANSOPTS")]
    pub(crate) trans: Vec<String>,
    /// Input options (accepted for compatibility; `-IR` is always on).
    #[arg(short = 'I', value_name = "INOPTS")]
    pub(crate) input: Vec<String>,
    /// MIB modules to load (`ALL`, `+MOD`, `''` for none).
    #[arg(short = 'm', value_name = "MIBS")]
    pub(crate) mibs: Option<String>,
    /// MIB directories (`+DIR` adds to the default path).
    #[arg(short = 'M', value_name = "DIRS")]
    pub(crate) mib_dirs: Option<String>,
    /// Names or OIDs.
    #[arg(value_name = "OID", required = true)]
    pub(crate) oids: Vec<String>,
}

/// Runs translate; exit code 2 for an unknown name, as snmptranslate.
pub fn run(a: TranslateArgs) -> i32 {
    let mib = super::config::load_mib(a.mibs.as_deref(), a.mib_dirs.as_deref());
    let mut opts = OutputOptions::default();
    for o in &a.output {
        if let Err(e) = opts.parse_flags(o) {
            eprintln!("{e}");
            return 1;
        }
    }
    let details = a.trans.iter().any(|t| t.contains('d'));
    for t in &a.trans {
        if let Some(c) = t.chars().find(|c| *c != 'd') {
            eprintln!("Invalid -T<translate_option> character: {c}");
            return 1;
        }
    }
    let mut out = String::new();
    for (i, name) in a.oids.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let oid = match name.parse::<Oid>() {
            Ok(o) => o,
            Err(_) => match mib.resolve(name) {
                Ok(o) => o,
                Err(_) => {
                    super::out::text(&out);
                    eprintln!("Unknown object identifier: {name}");
                    return 2;
                }
            },
        };
        if details {
            match mib.describe(&oid) {
                // snmptranslate prints the name in the -O style asked for, then the details.
                Some(d) => {
                    out.push_str(&format_oid(&oid, &opts, &mib));
                    out.push('\n');
                    out.push_str(d.split_once('\n').map(|(_, rest)| rest).unwrap_or(""));
                    if !out.ends_with('\n') {
                        out.push('\n');
                    }
                }
                None => {
                    out.push_str(&format_oid(&oid, &opts, &mib));
                    out.push('\n');
                }
            }
        } else {
            out.push_str(&format_oid(&oid, &opts, &mib));
            out.push('\n');
        }
    }
    super::out::text(&out);
    0
}
