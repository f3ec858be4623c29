//! `cargo test` fails when `generated/` is stale, as `cargo xtask codegen --check` does.

use xtask::{ensure_files, Codegen, Mode, REGENERATE};

#[test]
fn generated_sdk_is_fresh() {
    let task = Codegen::konnect();
    let files = task
        .render()
        .unwrap_or_else(|e| panic!("the generator fails on the curated spec: {e}"));
    let stale = ensure_files(&task.out, &files, Mode::Check).expect("generated/ is readable");
    assert!(
        stale.is_empty(),
        "generated/ is stale; run `{REGENERATE}`:\n{}",
        stale.join("\n")
    );
}

#[test]
fn generation_is_deterministic() {
    let task = Codegen::konnect();
    let first = task.render().expect("generates");
    let second = task.render().expect("generates");
    assert_eq!(first, second);
}
