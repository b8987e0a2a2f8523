//! `exporter generate`: generator.yml to snmp.yml with snmpkit's MIBs.

use std::path::PathBuf;

/// Arguments of `exporter generate`.
#[derive(clap::Args, Debug)]
pub struct GenerateArgs {
    /// The generator.yml to read.
    #[arg(value_name = "GENERATOR.YML", default_value = "generator.yml")]
    file: PathBuf,
    /// Directories of extra MIB files (colon-separated, repeatable), read beside the built-in
    /// modules.
    #[arg(short = 'M', value_name = "DIRS")]
    mib_dirs: Vec<String>,
}

/// Runs `exporter generate`; returns the exit code.
pub fn run(a: GenerateArgs) -> i32 {
    let text = match std::fs::read_to_string(&a.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("snmpkit exporter generate: {}: {e}", a.file.display());
            return 1;
        }
    };
    let dirs: Vec<PathBuf> = a
        .mib_dirs
        .iter()
        .flat_map(|d| d.split(':').map(PathBuf::from).collect::<Vec<_>>())
        .collect();
    match snmpkit::exporter::generate::generate(&text, &a.file.display().to_string(), &dirs) {
        Ok(out) => {
            for w in &out.warnings {
                eprintln!("{w}");
            }
            print!("{}", out.yaml);
            0
        }
        Err(e) => {
            eprintln!("{e}");
            1
        }
    }
}
