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

/// `document` grown by things unrelated to what it had, listed first so any numbering by
/// document order would shift: a component schema with inline types of every kind (an enum, a
/// titled object, a union of values and an object, a list of objects), an operation in an
/// existing group with inline parameters, body and responses, and a property of an existing
/// component (`host`: a struct nothing else repeats).
fn grown(document: &Value, host: &str) -> Value {
    let mut grown = document.clone();
    let widget = serde_json::json!({
        "type": "object",
        "required": ["id"],
        "properties": {
            "id": {"type": "string"},
            "status": {"type": "string", "enum": ["fresh", "stale"]},
            "gauge": {"title": "Unrelated gauge", "type": "object", "properties": {"level": {"type": "integer"}}},
            "mode": {"oneOf": [
                {"type": "string", "enum": ["idle"]},
                {"type": "object", "required": ["busy_until"], "properties": {"busy_until": {"type": "string"}}}
            ]},
            "parts": {"type": "array", "items": {"type": "object", "properties": {"serial": {"type": "string"}}}}
        }
    });
    let tag = document["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .find_map(|op| op["tags"][0].as_str())
        .map(str::to_owned);
    let mut operation = serde_json::json!({
        "operationId": "create-unrelated-widget",
        "parameters": [{"name": "dry_run", "in": "query", "schema": {"type": "string", "enum": ["yes", "no"]}}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {
            "type": "object", "properties": {"label": {"type": "string"}, "kind": {"type": "string", "enum": ["small", "large"]}}
        }}}},
        "responses": {
            "201": {"description": "Created.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UnrelatedWidget"}}}},
            "409": {"description": "Taken.", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"reason": {"type": "string"}}
            }}}}
        }
    });
    if let Some(tag) = tag {
        operation["tags"] = serde_json::json!([tag]);
    }
    let prepend = |map: &mut serde_json::Map<String, Value>, key: &str, value: Value| {
        let rest = std::mem::take(map);
        map.insert(key.to_owned(), value);
        map.extend(rest);
    };
    if let Some(paths) = grown["paths"].as_object_mut() {
        prepend(
            paths,
            "/unrelated-widgets",
            serde_json::json!({"post": operation}),
        );
    }
    if let Some(schemas) = grown["components"]["schemas"].as_object_mut() {
        prepend(schemas, "UnrelatedWidget", widget);
    }
    let property =
        serde_json::json!({"type": "object", "properties": {"text": {"type": "string"}}});
    if let Some(properties) = grown["components"]["schemas"][host]["properties"].as_object_mut() {
        properties.insert("unrelated_note".to_owned(), property);
    }
    grown
}

/// A component whose type is a struct no other type stands for (no alias of it, no copy), to
/// grow by a property.
fn host(api: &Api) -> String {
    let aliased: std::collections::BTreeSet<usize> = api
        .types
        .iter()
        .filter_map(|t| match &t.kind {
            sdkgen::ir::TypeKind::Alias { target } => target.named().map(|id| id.0),
            _ => None,
        })
        .collect();
    api.types
        .iter()
        .enumerate()
        .find_map(|(i, t)| {
            let key = t.pointer.strip_prefix("/components/schemas/")?;
            let plain = !key.contains('/') && !aliased.contains(&i) && !t.name.ends_with("Request");
            (plain && matches!(t.kind, sdkgen::ir::TypeKind::Struct { .. })).then(|| key.to_owned())
        })
        .expect("a component struct")
}

fn surface(document: &Value, name: &str) -> sdkgen::surface::Surface {
    let text = serde_json::to_string(document).expect("serialises");
    let options = sdkgen::Options {
        crate_name: "stable-sdk".to_owned(),
        crate_version: "0.1.0".to_owned(),
        regenerate_with: "cargo test".to_owned(),
        contract_tests: false,
        runtime: sdkgen::RuntimeDependency::Registry,
    };
    let files = sdkgen::generate_from_str(&format!("{name}.json"), &text, &options)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    sdkgen::surface::of(&files).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every public item of the crate from `document` is in the crate from it grown by unrelated
/// things, unchanged: same path, signature and feature gate.
fn assert_stable(name: &str, document: &Value) {
    let host = host(&lower(document, name));
    let before = surface(document, name);
    let after = surface(&grown(document, &host), name);
    let differences: Vec<String> = before
        .iter()
        .filter(|(path, item)| after.get(*path) != Some(*item))
        .map(|(path, item)| match after.get(path) {
            None => format!("{path}: gone"),
            Some(other) => format!("{path}: {item:?} became {other:?}"),
        })
        .collect();
    assert!(
        differences.is_empty(),
        "{name}: growing the document by unrelated things changed {} public item(s):\n{}",
        differences.len(),
        differences.join("\n")
    );
    // The growth is there.
    for added in [
        "models::UnrelatedWidget",
        "models::UnrelatedWidgetStatus",
        "models::UnrelatedGauge",
        &format!(
            "models::{}.unrelated_note",
            sdkgen::naming::type_name(&host)
        ),
    ] {
        assert!(after.contains_key(added), "{name}: {added} is missing");
    }
}

#[test]
fn unrelated_additions_change_no_public_item_of_the_curated_spec() {
    let repo = root().join("..");
    assert_stable("konnect", &document(&repo.join("spec/konnect.yaml"), None));
}

#[test]
fn unrelated_additions_change_no_public_item_of_real_documents() {
    let upstream = root().join("../spec/upstream");
    let whole = document(
        &upstream.join("konnect.yaml"),
        Some(&upstream.join("konnect.overlay.yaml")),
    );
    assert_stable("kong-konnect", &whole);
    assert_stable(
        "nexus",
        &document(&root().join("tests/specs/nexus.json"), None),
    );
}
