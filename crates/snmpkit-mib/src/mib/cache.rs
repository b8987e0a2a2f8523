//! A per-user cache of resolved MIB models, so that `-m ALL` (or any module list beyond the
//! built-in default) is parsed once and then loaded from a compact file.
//!
//! The key covers everything the result depends on: snmpkit's version, the built-in module
//! texts, the module selection, and every file on the search path with its size and
//! modification time. A changed, added or removed file gives another key. Cache files live in
//! `$XDG_CACHE_HOME/snmpkit` (or `~/.cache/snmpkit`); a cache that cannot be read or written
//! is simply not used.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::model::Model;
use super::{config, Warning, BUILTIN_MODULES};

/// What a cache file holds.
#[derive(Serialize, Deserialize)]
struct Entry {
    model: Model,
    warnings: Vec<(Option<String>, String)>,
}

/// The cache directory, if the environment names one.
fn dir() -> Option<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME").filter(|x| !x.is_empty()) {
        return Some(PathBuf::from(x).join("snmpkit"));
    }
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(".cache/snmpkit"))
}

/// The cache file for this selection over this search path.
pub(crate) fn path(selection: &str, search_path: &[PathBuf]) -> Option<PathBuf> {
    if std::env::var_os("SNMPKIT_NO_MIB_CACHE").is_some() {
        return None;
    }
    // std's SipHash with fixed keys: stable from run to run of the same build, which is all a
    // cache needs (another build may hash differently and simply misses).
    #[allow(deprecated)]
    let mut h = std::hash::SipHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    for (name, text) in BUILTIN_MODULES {
        name.hash(&mut h);
        text.len().hash(&mut h);
        text.hash(&mut h);
    }
    selection.hash(&mut h);
    for d in search_path {
        d.hash(&mut h);
        for f in config::files_in(d) {
            f.hash(&mut h);
            if let Ok(m) = std::fs::metadata(&f) {
                m.len().hash(&mut h);
                if let Ok(t) = m.modified() {
                    t.hash(&mut h);
                }
            }
        }
    }
    Some(dir()?.join(format!("mib-{:016x}.json", h.finish())))
}

/// The cached model and warnings, if a readable entry exists.
pub(crate) fn read(path: &Path) -> Option<(Model, Vec<Warning>)> {
    let bytes = std::fs::read(path).ok()?;
    let e: Entry = serde_json::from_slice(&bytes).ok()?;
    let warnings = e
        .warnings
        .into_iter()
        .map(|(module, message)| Warning { module, message })
        .collect();
    Some((e.model, warnings))
}

/// Stores a model (best effort: written to a temporary name, then renamed into place, so a
/// reader never sees half a file).
pub(crate) fn write(path: &Path, model: &Model, warnings: &[Warning]) {
    let entry = Entry {
        model: model.clone(),
        warnings: warnings
            .iter()
            .map(|w| (w.module.clone(), w.message.clone()))
            .collect(),
    };
    let Ok(json) = serde_json::to_vec(&entry) else {
        return;
    };
    let Some(parent) = path.parent() else { return };
    if std::fs::create_dir_all(parent).is_err() {
        return;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&tmp, json).is_ok() && std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    prune(parent);
}

/// Keeps the cache small: only the most recently written entries stay.
fn prune(dir: &Path) {
    const KEEP: usize = 8;
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<(std::time::SystemTime, PathBuf)> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("mib-") && n.ends_with(".json"))
        })
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
        .collect();
    if entries.len() <= KEEP {
        return;
    }
    entries.sort();
    for (_, p) in &entries[..entries.len() - KEEP] {
        let _ = std::fs::remove_file(p);
    }
}
