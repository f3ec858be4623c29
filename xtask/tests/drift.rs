//! `cargo test` fails when `generated/` is stale, as `cargo xtask codegen --check` does.

use xtask::{ensure_files, Codegen, Mode, REGENERATE};

#[test]
fn generated_sdks_are_fresh() {
    for task in Codegen::committed() {
        let files = task
            .render()
            .unwrap_or_else(|e| panic!("the generator fails on {}: {e}", task.spec.display()));
        let stale = ensure_files(&task.out, &files, Mode::Check)
            .unwrap_or_else(|e| panic!("{}: {e}", task.out.display()));
        assert!(
            stale.is_empty(),
            "{} is stale; run `{REGENERATE}`:\n{}",
            task.out.display(),
            stale.join("\n")
        );
    }
}

#[test]
fn generation_is_deterministic() {
    let task = Codegen::konnect();
    let first = task.render().expect("generates");
    let second = task.render().expect("generates");
    assert_eq!(first, second);
}
