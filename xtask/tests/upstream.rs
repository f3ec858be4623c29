//! The vendored upstream description is unchanged, and the whole-API crate has a method for
//! each of its operations, with or without the overlay.

use std::collections::BTreeSet;

use sha2::{Digest, Sha256};
use xtask::{workspace_root, Codegen};

/// The sha256 of Kong/sdk-konnect-go's `openapi.yaml` at the commit `spec/upstream/README.md`
/// names.
const UPSTREAM_SHA256: &str = "b31b9b097e6d4b5fd1951c546baadece9fdc7eb782574c7f61a4859b056ffce3";

/// Operations in the vendored document.
const OPERATIONS: usize = 833;

#[test]
fn the_vendored_description_is_byte_for_byte_upstream() {
    let path = workspace_root().join("spec/upstream/konnect.yaml");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let digest: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        digest,
        UPSTREAM_SHA256,
        "{} was edited; it stays byte for byte as published (change what the SDK needs in \
         spec/upstream/konnect.overlay.yaml instead)",
        path.display()
    );
}

/// The operation ids of the vendored document, read the way the generator reads it.
fn document_operations() -> BTreeSet<String> {
    let source = sdkgen::load::Source::read(&workspace_root().join("spec/upstream/konnect.yaml"))
        .expect("the vendored description loads");
    let mut ids = BTreeSet::new();
    let mut count = 0;
    for item in source.value["paths"].as_object().expect("paths").values() {
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            if let Some(operation) = item.get(method) {
                count += 1;
                ids.insert(operation["operationId"].as_str().expect("id").to_owned());
            }
        }
    }
    assert_eq!(count, ids.len(), "operation ids are unique");
    ids
}

/// The operation ids of the methods in a crate's files: each operation method declares its
/// `OperationSpec` with the id.
fn method_operations<'a>(files: impl Iterator<Item = (String, &'a str)>) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for (path, text) in files {
        let mut rest = text;
        while let Some(at) = rest.find("static OPERATION: crate::runtime::OperationSpec") {
            rest = &rest[at..];
            let id = rest
                .split_once("operation_id: \"")
                .and_then(|(_, after)| after.split_once('"'))
                .map(|(id, _)| id.to_owned())
                .unwrap_or_else(|| panic!("{path}: an OperationSpec without an id"));
            assert!(ids.insert(id.clone()), "{path}: `{id}` has two methods");
            rest = &rest[1..];
        }
    }
    ids
}

#[test]
fn the_whole_api_crate_has_a_method_per_operation() {
    let expected = document_operations();
    assert_eq!(expected.len(), OPERATIONS);
    let src = workspace_root().join("kong-konnect/src");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&src).expect("kong-konnect/src").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "rs") {
            files.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
    let found = method_operations(files.iter().map(|(p, t)| (p.clone(), t.as_str())));
    let missing: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "kong-konnect's methods differ from the document's operations: missing {missing:?}, \
         not in the document {extra:?}"
    );
    assert_eq!(found.len(), OPERATIONS);
}

#[test]
fn the_whole_api_generates_without_the_overlay_too() {
    let task = Codegen {
        overlay: None,
        ..Codegen::kong_konnect()
    };
    let files = task
        .render()
        .unwrap_or_else(|e| panic!("the generator fails on the bare upstream description: {e}"));
    let found = method_operations(
        files
            .iter()
            .filter(|f| f.path.starts_with("src/") && f.path.ends_with(".rs"))
            .map(|f| (f.path.clone(), f.contents.as_str())),
    );
    assert_eq!(found, document_operations());
}
