//! Checks the project's compact modules in `mibs/` against the reference collection: every name
//! we define must exist in the same module of the reference with the same OID, base type,
//! enumerations, display hint, units, access and index; and none of our prose may come from it.

use std::path::{Path, PathBuf};

use mib_rs::{Loader, Mib};

const REFERENCE: &str = "/work/shared/reference/mibs";

fn our_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../mibs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("mibs/ directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
}

fn module_name(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string()
}

/// The bounds of a constraint list, without source positions.
fn bounds(ranges: &[mib_rs::mib::Range]) -> Vec<String> {
    ranges
        .iter()
        .map(|r| format!("{:?}..{:?}", r.min, r.max))
        .collect()
}

fn load(source: Box<dyn mib_rs::Source>, modules: &[String]) -> Mib {
    Loader::new()
        .source(source)
        .modules(modules.to_vec())
        .load()
        .expect("modules load")
}

#[test]
fn our_modules_load_cleanly() {
    let files = our_files();
    assert!(
        files.len() >= 23,
        "expected the standard module set in mibs/"
    );
    let names: Vec<String> = files.iter().map(|p| module_name(p)).collect();
    let mib = load(mib_rs::source::files(&files).expect("files"), &names);
    for name in &names {
        assert!(mib.module(name).is_some(), "{name} did not load");
    }
    // Only lint-grade findings inherited from the originals themselves are acceptable: the
    // reference collection, loaded the same way, must report each of them too.
    let serious: Vec<String> = mib
        .diagnostics()
        .iter()
        .filter(|d| d.severity.at_least(mib_rs::Severity::Error))
        .map(|d| d.to_string())
        .collect();
    let inherited: Vec<String> = if Path::new(REFERENCE).is_dir() {
        // ENTITY-MIB and its two imports are not in the reference collection.
        let present: Vec<String> = names
            .iter()
            .filter(|n| Path::new(REFERENCE).join(format!("{n}.txt")).is_file())
            .cloned()
            .collect();
        let reference = load(mib_rs::source::dir(REFERENCE).expect("reference"), &present);
        reference
            .diagnostics()
            .iter()
            .filter(|d| d.severity.at_least(mib_rs::Severity::Error))
            .map(|d| d.to_string())
            .collect()
    } else {
        // Without the reference: the findings mibs/EVALUATION.md lists for the originals.
        [
            "[error] DISMAN-EVENT-MIB: \"sysUpTimeInstance\": node's parent node must be a simple node",
            "[error] NET-SNMP-AGENT-MIB: INDEX \"nsmRegistrationPriority\" of \"nsModuleEntry\" has range permitting negative values",
            "[error] NET-SNMP-PASS-MIB: INDEX \"netSnmpPassIndex\" of \"netSnmpPassEntry\" has range permitting negative values",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let ours_only: Vec<&String> = serious.iter().filter(|d| !inherited.contains(d)).collect();
    assert!(ours_only.is_empty(), "diagnostics: {ours_only:#?}");
    assert!(
        mib.unresolved().is_empty(),
        "unresolved: {:?}",
        mib.unresolved()
    );
}

#[test]
fn our_modules_state_the_reference_facts() {
    if !Path::new(REFERENCE).is_dir() {
        println!("SKIPPED: reference collection {REFERENCE} is absent; facts not compared");
        return;
    }
    let files = our_files();
    let all: Vec<String> = files.iter().map(|p| module_name(p)).collect();
    let ours = load(mib_rs::source::files(&files).expect("files"), &all);
    let in_reference: Vec<String> = all
        .iter()
        .filter(|m| Path::new(REFERENCE).join(format!("{m}.txt")).is_file())
        .cloned()
        .collect();
    for m in all.iter().filter(|m| !in_reference.contains(m)) {
        println!("note: {m} is not in the reference collection; its facts are not compared");
    }
    let reference = load(
        mib_rs::source::dir(REFERENCE).expect("reference dir"),
        &in_reference,
    );

    let mut compared = 0usize;
    let mut problems = Vec::new();
    for module in &in_reference {
        let our_mod = ours.module(module).expect("our module");
        let ref_mod = reference.module(module).expect("reference module");
        for node in our_mod.nodes() {
            let name = node.name();
            let Some(ref_node) = ref_mod.node(name) else {
                problems.push(format!("{module}::{name} is not in the reference"));
                continue;
            };
            compared += 1;
            if node.oid() != ref_node.oid() {
                problems.push(format!(
                    "{module}::{name}: OID {} vs reference {}",
                    node.oid(),
                    ref_node.oid()
                ));
            }
            if node.kind() != ref_node.kind() {
                problems.push(format!("{module}::{name}: kind differs"));
            }
            let (Some(a), Some(b)) = (node.object(), ref_node.object()) else {
                continue;
            };
            let base = |o: mib_rs::Object<'_>| o.ty().map(|t| t.effective_base());
            let tc = |o: mib_rs::Object<'_>| {
                o.ty()
                    .and_then(|t| t.effective_tc())
                    .map(|t| t.name().to_string())
            };
            let enums = |o: mib_rs::Object<'_>| {
                o.effective_enums()
                    .iter()
                    .map(|e| (e.label.clone(), e.value))
                    .collect::<Vec<_>>()
            };
            let index = |o: mib_rs::Object<'_>| {
                o.effective_indexes()
                    .map(|i| (i.name().to_string(), i.implied()))
                    .collect::<Vec<_>>()
            };
            let checks = [
                ("base type", base(a) == base(b)),
                ("textual convention", tc(a) == tc(b)),
                ("enums", enums(a) == enums(b)),
                (
                    "display hint",
                    a.effective_display_hint() == b.effective_display_hint(),
                ),
                ("units", a.units() == b.units()),
                ("access", a.access() == b.access()),
                ("status", a.status() == b.status()),
                ("index", index(a) == index(b)),
                (
                    "augments",
                    a.augments().map(|x| x.name()) == b.augments().map(|x| x.name()),
                ),
                (
                    "sizes",
                    bounds(a.effective_sizes()) == bounds(b.effective_sizes()),
                ),
                (
                    "ranges",
                    bounds(a.effective_ranges()) == bounds(b.effective_ranges()),
                ),
            ];
            for (what, same) in checks {
                if !same {
                    problems.push(format!("{module}::{name}: {what} differs"));
                }
            }
        }
        // Every name the reference defines in this module must be present in ours too.
        for ref_node in ref_mod.nodes() {
            if our_mod.node(ref_node.name()).is_none() {
                problems.push(format!("{module}::{} is missing", ref_node.name()));
            }
        }
        // Our descriptions are short, single-line and not the reference's prose.
        for obj in our_mod.objects() {
            let ours_text = obj.description();
            if ours_text.contains('\n') || ours_text.len() > 240 {
                problems.push(format!("{module}::{}: description too long", obj.name()));
            }
            if let Some(r) = ref_mod.object(obj.name()) {
                let theirs = r.description().split_whitespace().collect::<Vec<_>>();
                let mine = ours_text.split_whitespace().collect::<Vec<_>>();
                if theirs.len() > 6 && theirs == mine {
                    problems.push(format!("{module}::{}: description copied", obj.name()));
                }
            }
        }
    }
    assert!(compared > 1000, "only {compared} names compared");
    assert!(
        problems.is_empty(),
        "{} problems: {problems:#?}",
        problems.len()
    );
}
