//! Type names come from what a type is and where it sits, never from the order the document
//! lists things in: the same document with its components and paths in reverse order gives
//! every type the same name and the same definition.

use std::path::{Path, PathBuf};

use sdkgen::ir::Api;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The document at `path` (with the overlay at `overlay` applied) as JSON.
fn document(path: &Path, overlay: Option<&Path>) -> Value {
    let mut source = sdkgen::load::Source::read(path).expect("readable");
    if let Some(overlay) = overlay {
        let overlay = sdkgen::load::Source::read(overlay).expect("readable");
        sdkgen::overlay::apply(&mut source, &overlay).expect("applies");
    }
    source.value
}

fn lower(document: &Value, name: &str) -> Api {
    let text = serde_json::to_string(document).expect("serialises");
    sdkgen::lower_str(&format!("{name}.json"), &text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every type by name, with its definition (which names the types it refers to by their place
/// in the name order, so equal lists mean equal names throughout).
fn types(api: &Api) -> Vec<(String, String)> {
    api.types
        .iter()
        .map(|t| {
            let kind = serde_json::to_string(&t.kind).expect("serialises");
            (t.name.clone(), format!("{kind} {:?}", t.doc))
        })
        .collect()
}

/// The object at `key`, its entries in reverse order.
fn reverse(value: &mut Value, key: &str) {
    if let Some(Value::Object(map)) = value.get_mut(key) {
        let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().rev().collect();
        map.extend(entries);
    }
}

fn reversed(document: &Value) -> Value {
    let mut reversed = document.clone();
    reverse(&mut reversed, "paths");
    if let Some(components) = reversed.get_mut("components") {
        reverse(components, "schemas");
    }
    reversed
}

fn assert_order_free(name: &str, document: &Value) {
    let original = lower(document, name);
    let reversed = lower(&reversed(document), name);
    let (a, b) = (types(&original), types(&reversed));
    let a_names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
    let b_names: Vec<&str> = b.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        a_names, b_names,
        "{name}: the type names depend on document order"
    );
    for ((name_a, def_a), (_, def_b)) in a.iter().zip(&b) {
        assert_eq!(def_a, def_b, "{name}: `{name_a}` depends on document order");
    }
}

#[test]
fn names_do_not_depend_on_the_order_of_the_fixtures() {
    let dir = root().join("tests/fixtures/ok");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    for path in paths {
        let name = path.file_stem().unwrap_or_default().to_string_lossy();
        assert_order_free(&name, &document(&path, None));
    }
}

#[test]
fn names_do_not_depend_on_the_order_of_real_documents() {
    let repo = root().join("..");
    assert_order_free("konnect", &document(&repo.join("spec/konnect.yaml"), None));
    let upstream = repo.join("spec/upstream");
    let whole = document(
        &upstream.join("konnect.yaml"),
        Some(&upstream.join("konnect.overlay.yaml")),
    );
    assert_order_free("kong-konnect", &whole);
    for name in ["nexus.json", "discord.json"] {
        let path = root().join("tests/specs").join(name);
        assert_order_free(name, &document(&path, None));
    }
}
