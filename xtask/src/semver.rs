//! `cargo xtask semver`: what changed in the public API of a generated crate, and which changes
//! break its users, so that an upstream update is reviewed with a report rather than a diff of
//! 150,000 lines. Without arguments it compares every committed crate with what the generator
//! writes now; with `--old-spec` it compares the crates two revisions of a document give; with
//! `--old-crate` and `--new-crate`, two crates on disk.
//! The API is read back from the files with `syn` (`sdkgen::surface`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Codegen;

/// What a run compares: the committed crates, or two revisions of a document.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut old_spec: Option<PathBuf> = None;
    let mut crates: (Option<PathBuf>, Option<PathBuf>) = (None, None);
    let mut old_overlay: Option<PathBuf> = None;
    let mut task = Codegen::kong_konnect();
    let mut deny = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .map(PathBuf::from)
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match arg.as_str() {
            "--old-spec" => old_spec = Some(value("--old-spec")?),
            "--old-overlay" => old_overlay = Some(value("--old-overlay")?),
            "--spec" => {
                task.spec = value("--spec")?;
                task.overlay = None;
            }
            "--overlay" => task.overlay = Some(value("--overlay")?),
            "--old-crate" => crates.0 = Some(value("--old-crate")?),
            "--new-crate" => crates.1 = Some(value("--new-crate")?),
            "--deny-breaking" => deny = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let breaking = match (old_spec, crates) {
        (_, (Some(old), Some(new))) => {
            let changes = sdkgen::surface::compare(
                &surface_of(&read_sources(&old)?)?,
                &surface_of(&read_sources(&new)?)?,
            );
            println!("{} -> {}", old.display(), new.display());
            println!("{}", sdkgen::surface::report(&changes));
            changes.iter().filter(|c| c.breaking).count()
        }
        (_, (Some(_), None) | (None, Some(_))) => {
            return Err("--old-crate and --new-crate go together".to_owned())
        }
        (None, _) => {
            let mut breaking = 0;
            for (name, changes) in committed()? {
                println!("{name}: the committed crate against what the generator writes now");
                println!("{}", sdkgen::surface::report(&changes));
                breaking += changes.iter().filter(|c| c.breaking).count();
            }
            breaking
        }
        (Some(old_spec), _) => {
            let old_overlay = old_overlay.or_else(|| task.overlay.clone());
            let old_document = document(&old_spec, old_overlay.as_deref())?;
            let new_document = document(&task.spec, task.overlay.as_deref())?;
            println!("{} -> {}", old_spec.display(), task.spec.display());
            println!(
                "upstream: {}",
                document_changes(&old_document, &new_document)
            );
            let mut old_task = task.clone();
            old_task.spec = old_spec;
            old_task.overlay = old_overlay;
            let old = surface_of(&old_task.render().map_err(|e| format!("old: {e}"))?)?;
            let new = surface_of(&task.render().map_err(|e| format!("new: {e}"))?)?;
            let changes = sdkgen::surface::compare(&old, &new);
            println!(
                "crate: {} public items before, {} after",
                old.len(),
                new.len()
            );
            println!("{}", sdkgen::surface::report(&changes));
            changes.iter().filter(|c| c.breaking).count()
        }
    };
    if deny && breaking > 0 {
        return Err(format!("{breaking} breaking change(s)"));
    }
    Ok(())
}

/// Every committed crate's changes, from its files on disk to what the generator writes now
/// (none when `cargo xtask codegen --check` passes).
pub fn committed() -> Result<Vec<(String, Vec<sdkgen::surface::Change>)>, String> {
    Codegen::committed()
        .into_iter()
        .map(|task| {
            let old = surface_of(&read_sources(&task.out)?)?;
            let new = surface_of(&task.render().map_err(|e| e.to_string())?)?;
            Ok((
                task.crate_name.clone(),
                sdkgen::surface::compare(&old, &new),
            ))
        })
        .collect()
}

fn surface_of(files: &[sdkgen::File]) -> Result<sdkgen::surface::Surface, String> {
    sdkgen::surface::of(files)
}

/// The Rust sources of a crate's `src/` (its own modules; the runtime is left out).
fn read_sources(dir: &Path) -> Result<Vec<sdkgen::File>, String> {
    let src = dir.join("src");
    let entries = std::fs::read_dir(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            files.push(sdkgen::File {
                path: format!("src/{name}"),
                contents: std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e}", path.display()))?,
            });
        }
    }
    Ok(files)
}

/// A document with its overlay applied, as JSON.
fn document(spec: &Path, overlay: Option<&Path>) -> Result<Value, String> {
    let mut source = sdkgen::load::Source::read(spec).map_err(|e| e.to_string())?;
    if let Some(overlay) = overlay {
        let overlay = sdkgen::load::Source::read(overlay).map_err(|e| e.to_string())?;
        sdkgen::overlay::apply(&mut source, &overlay).map_err(|e| {
            format!("{e}\n(an overlay written for another revision: pass --old-overlay)")
        })?;
    }
    Ok(source.value)
}

/// What changed between two revisions of a document: operations and component schemas added,
/// removed and changed.
pub fn document_changes(old: &Value, new: &Value) -> String {
    let operations = |doc: &Value| -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                if matches!(
                    method.as_str(),
                    "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
                ) {
                    out.insert(format!("{} {path}", method.to_uppercase()), op.clone());
                }
            }
        }
        out
    };
    let schemas = |doc: &Value| -> BTreeMap<String, Value> {
        doc["components"]["schemas"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let count = |old: &BTreeMap<String, Value>, new: &BTreeMap<String, Value>| {
        let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        let (mut added, mut removed, mut changed) = (0, 0, 0);
        for key in keys {
            match (old.get(key), new.get(key)) {
                (None, Some(_)) => added += 1,
                (Some(_), None) => removed += 1,
                (Some(a), Some(b)) if a != b => changed += 1,
                _ => {}
            }
        }
        format!("{added} added, {removed} removed, {changed} changed")
    };
    format!(
        "operations {} (of {}); component schemas {} (of {})",
        count(&operations(old), &operations(new)),
        operations(new).len(),
        count(&schemas(old), &schemas(new)),
        schemas(new).len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_changes_count_operations_and_schemas() {
        let old = serde_json::json!({
            "paths": {"/a": {"get": {"operationId": "a"}, "parameters": []}, "/b": {"post": {"operationId": "b"}}},
            "components": {"schemas": {"A": {"type": "string"}, "B": {"type": "integer"}}}
        });
        let new = serde_json::json!({
            "paths": {"/a": {"get": {"operationId": "a", "summary": "now documented"}}, "/c": {"put": {"operationId": "c"}}},
            "components": {"schemas": {"A": {"type": "string"}, "C": {"type": "object"}}}
        });
        assert_eq!(
            document_changes(&old, &new),
            "operations 1 added, 1 removed, 1 changed (of 2); component schemas 1 added, 1 removed, 0 changed (of 2)"
        );
    }
}
