//! Which directories are searched and which modules are loaded, with net-snmp's semantics
//! (snmpcmd(1) `-M`/`-m`, the `MIBDIRS`/`MIBS` environment variables).

use std::path::{Path, PathBuf};

/// Where to look for MIB files and which modules to load.
///
/// Each list follows net-snmp: a value replaces the default; a leading `+` adds the entries
/// after the default, a leading `-` before it. The environment is applied first, then the
/// command-line value. For modules, `ALL` loads every module found, and an empty value loads
/// none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MibConfig {
    /// The `-M` value (colon-separated directories).
    pub dirs: Option<String>,
    /// The `-m` value (colon-separated module names, `ALL`, or empty for none).
    pub modules: Option<String>,
    /// The `MIBDIRS` environment value.
    pub env_dirs: Option<String>,
    /// The `MIBS` environment value.
    pub env_modules: Option<String>,
    /// The home directory, for `~/.snmp/mibs`.
    pub home: Option<PathBuf>,
}

/// The default search path after `~/.snmp/mibs`, as net-snmp uses on Debian plus the older
/// `/usr/share/mibs` layout.
pub const SYSTEM_DIRS: &[&str] = &[
    "/usr/share/snmp/mibs",
    "/usr/share/snmp/mibs/iana",
    "/usr/share/snmp/mibs/ietf",
    "/usr/share/mibs/site",
    "/usr/share/mibs/iana",
    "/usr/share/mibs/ietf",
    "/usr/share/mibs/netsnmp",
];

/// The module selection after applying the environment and the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ModuleSelection {
    /// The built-in default set, plus these extra modules.
    Default { extra: Vec<String> },
    /// Exactly these modules (and what they import).
    Only(Vec<String>),
    /// Every module found in the search path, plus the built-in set.
    All,
}

impl MibConfig {
    /// A configuration with `-M`/`-m` unset and the environment (`MIBDIRS`, `MIBS`, `HOME`)
    /// read from the process.
    pub fn from_env() -> MibConfig {
        MibConfig {
            dirs: None,
            modules: None,
            env_dirs: std::env::var("MIBDIRS").ok(),
            env_modules: std::env::var("MIBS").ok(),
            home: std::env::var_os("HOME").map(PathBuf::from),
        }
    }

    /// Sets the `-M` value.
    pub fn with_dirs(mut self, dirs: impl Into<String>) -> MibConfig {
        self.dirs = Some(dirs.into());
        self
    }

    /// Sets the `-m` value.
    pub fn with_modules(mut self, modules: impl Into<String>) -> MibConfig {
        self.modules = Some(modules.into());
        self
    }

    /// The directories searched, in order (earlier directories win for a module found twice).
    pub fn search_path(&self) -> Vec<PathBuf> {
        let mut dirs: Vec<String> = Vec::new();
        if let Some(home) = &self.home {
            dirs.push(home.join(".snmp/mibs").to_string_lossy().into_owned());
        }
        dirs.extend(SYSTEM_DIRS.iter().map(|s| s.to_string()));
        for value in [&self.env_dirs, &self.dirs].into_iter().flatten() {
            dirs = apply_list(dirs, value);
        }
        let mut out: Vec<PathBuf> = Vec::new();
        for d in dirs {
            let p = PathBuf::from(d);
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }

    pub(crate) fn selection(&self) -> ModuleSelection {
        let mut sel = ModuleSelection::Default { extra: Vec::new() };
        for value in [&self.env_modules, &self.modules].into_iter().flatten() {
            sel = apply_modules(sel, value);
        }
        sel
    }
}

fn split(list: &str) -> Vec<String> {
    list.split(':')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn apply_list(current: Vec<String>, value: &str) -> Vec<String> {
    if let Some(rest) = value.strip_prefix('+') {
        let mut v = current;
        v.extend(split(rest));
        v
    } else if let Some(rest) = value.strip_prefix('-') {
        let mut v = split(rest);
        v.extend(current);
        v
    } else {
        split(value)
    }
}

fn apply_modules(current: ModuleSelection, value: &str) -> ModuleSelection {
    let (mode, rest) = match value.as_bytes().first() {
        Some(b'+') | Some(b'-') => (true, &value[1..]),
        _ => (false, value),
    };
    let names = split(rest);
    if names.iter().any(|n| n == "ALL") {
        return ModuleSelection::All;
    }
    if !mode {
        return ModuleSelection::Only(names);
    }
    match current {
        ModuleSelection::All => ModuleSelection::All,
        ModuleSelection::Default { mut extra } => {
            extra.extend(names);
            ModuleSelection::Default { extra }
        }
        ModuleSelection::Only(mut v) => {
            v.extend(names);
            ModuleSelection::Only(v)
        }
    }
}

/// MIB files in one directory (not recursive), as net-snmp reads them: every regular file whose
/// name does not start with a dot.
/// The modules of every file on the search path, in the order net-snmp's `-m ALL` reads them.
///
/// net-snmp scans each directory in search-path order, its files sorted by name, and notes each
/// new module at the head of its list; a module seen again keeps its first place. So the last
/// directory's files come first, each directory's in reverse name order. The built-in texts
/// count as one more directory at the end of the path.
pub(crate) fn all_modules_order(search_path: &[PathBuf]) -> Vec<String> {
    let mut head: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for dir in search_path {
        for file in files_in(dir) {
            if let Some(name) = module_name_of(&file) {
                if seen.insert(name.clone()) {
                    head.push(name);
                }
            }
        }
    }
    let mut builtin: Vec<&str> = super::BUILTIN_MODULES.iter().map(|(n, _)| *n).collect();
    builtin.sort_unstable();
    for name in builtin {
        if seen.insert(name.to_string()) {
            head.push(name.to_string());
        }
    }
    head.reverse();
    head
}

/// The name of the first module a MIB file defines (`NAME DEFINITIONS ::= BEGIN`), reading at
/// most its first 64 KiB.
fn module_name_of(file: &Path) -> Option<String> {
    use std::io::Read;
    let mut buf = Vec::new();
    std::fs::File::open(file)
        .ok()?
        .take(64 * 1024)
        .read_to_end(&mut buf)
        .ok()?;
    let text = String::from_utf8_lossy(&buf);
    let mut previous: Option<&str> = None;
    for line in text.lines() {
        let code = line.split("--").next().unwrap_or("");
        for token in code.split_whitespace() {
            if token == "DEFINITIONS" {
                return previous.map(String::from);
            }
            previous = Some(token);
        }
    }
    None
}

pub(crate) fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = rd
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !n.starts_with('.') && !n.ends_with('~'))
        })
        .collect();
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> MibConfig {
        MibConfig {
            home: Some(PathBuf::from("/home/u")),
            ..MibConfig::default()
        }
    }

    #[test]
    fn default_search_path_starts_with_home() {
        let p = cfg().search_path();
        assert_eq!(p[0], PathBuf::from("/home/u/.snmp/mibs"));
        assert_eq!(p[1], PathBuf::from("/usr/share/snmp/mibs"));
        assert!(p.contains(&PathBuf::from("/usr/share/snmp/mibs/iana")));
        assert!(p.contains(&PathBuf::from("/usr/share/mibs/ietf")));
    }

    #[test]
    fn dirs_replace_append_prepend() {
        let p = cfg().with_dirs("/a:/b").search_path();
        assert_eq!(p, vec![PathBuf::from("/a"), PathBuf::from("/b")]);
        let p = cfg().with_dirs("+/v").search_path();
        assert_eq!(p.last(), Some(&PathBuf::from("/v")));
        assert_eq!(p[0], PathBuf::from("/home/u/.snmp/mibs"));
        let p = cfg().with_dirs("-/v").search_path();
        assert_eq!(p[0], PathBuf::from("/v"));
        let mut c = cfg().with_dirs("+/cli");
        c.env_dirs = Some("/env".into());
        assert_eq!(
            c.search_path(),
            vec![PathBuf::from("/env"), PathBuf::from("/cli")]
        );
    }

    #[test]
    fn module_selection() {
        assert_eq!(
            cfg().selection(),
            ModuleSelection::Default { extra: vec![] }
        );
        assert_eq!(cfg().with_modules("ALL").selection(), ModuleSelection::All);
        assert_eq!(
            cfg().with_modules("").selection(),
            ModuleSelection::Only(vec![])
        );
        assert_eq!(
            cfg().with_modules("+ACME-MIB:FOO-MIB").selection(),
            ModuleSelection::Default {
                extra: vec!["ACME-MIB".into(), "FOO-MIB".into()]
            }
        );
        assert_eq!(
            cfg().with_modules("IF-MIB").selection(),
            ModuleSelection::Only(vec!["IF-MIB".into()])
        );
        let mut c = cfg().with_modules("+B");
        c.env_modules = Some("A".into());
        assert_eq!(
            c.selection(),
            ModuleSelection::Only(vec!["A".into(), "B".into()])
        );
        assert_eq!(cfg().with_modules("+ALL").selection(), ModuleSelection::All);
    }
}
