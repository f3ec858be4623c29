//! Golden tests: each fixture spec's generated SDK (or error message) is pinned by a snapshot
//! with the fixture's name. Adding a case is adding a file.

use sdkgen::Options;

fn options() -> Options {
    Options {
        crate_name: "fixture-sdk".to_owned(),
        crate_version: "0.1.0".to_owned(),
        regenerate_with: "cargo xtask codegen".to_owned(),
        contract_tests: false,
        runtime: sdkgen::RuntimeDependency::Registry,
    }
}

#[test]
fn generated_code() {
    insta::glob!("fixtures/ok/*.{yaml,json}", |path| {
        let generated = sdkgen::generate_with_summary(path, None, &options())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut shaped: Vec<String> = generated
            .files
            .iter()
            .map(|f| format!("==> {} <==\n{}", f.path, f.contents))
            .collect();
        // What generation reports (numbered names) is part of what it gives.
        if let Some(summary) = generated.summary() {
            shaped.push(format!("==> (summary) <==\n{summary}"));
        }
        insta::assert_snapshot!(shaped.join("\n"));
    });
}

#[test]
fn error_messages() {
    insta::glob!("fixtures/errors/*.{yaml,json}", |path| {
        let text = std::fs::read_to_string(path).expect("fixture is readable");
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let error = match sdkgen::generate_from_str(&name, &text, &options()) {
            Ok(_) => panic!("{name} should be refused"),
            Err(error) => error,
        };
        insta::assert_snapshot!(error.to_string());
    });
}
