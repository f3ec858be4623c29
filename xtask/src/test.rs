//! `cargo xtask test`: every test of the repository, with whatever set-up they need.

use std::process::Command;

/// The SDK crate's package name.
const SDK: &str = "konnect-sdk";

/// One cargo invocation: what it checks, its arguments, extra environment.
type Step<'a> = (&'a str, &'a [&'a str], &'a [(&'a str, &'a str)]);

/// Runs each step in order, stopping at the first failure.
pub fn run() -> Result<(), String> {
    let steps: &[Step] = &[
        (
            "tests of every crate, including the drift check",
            &["test", "--workspace", "--all-targets"],
            &[],
        ),
        (
            "doctests (README and rustdoc examples)",
            &["test", "--workspace", "--doc"],
            &[],
        ),
        (
            "clippy on the generated SDK, warnings denied",
            &["clippy", "-p", SDK, "--all-targets", "--", "-D", "warnings"],
            &[],
        ),
        (
            "clippy on the generator, xtask and the behaviour tests, warnings denied",
            &[
                "clippy",
                "-p",
                "sdkgen",
                "-p",
                "xtask",
                "-p",
                "sdk-tests",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
            &[],
        ),
        (
            "rustdoc of the generated SDK, warnings denied",
            &["doc", "-p", SDK, "--no-deps"],
            &[("RUSTDOCFLAGS", "-D warnings")],
        ),
        (
            "the SDK packages on its own",
            &["package", "-p", SDK, "--allow-dirty"],
            &[],
        ),
    ];
    for (what, args, env) in steps {
        eprintln!("==> {what}: cargo {}", args.join(" "));
        let status = Command::new(cargo())
            .args(*args)
            .envs(env.iter().copied())
            .current_dir(crate::workspace_root())
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("{what} failed (cargo {})", args.join(" ")));
        }
    }
    compile_generated(&fixture_specs())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Generates an SDK for each document and checks it builds with warnings denied: what the
/// snapshot tests pin must also compile. Each crate is its own workspace; they share one target
/// directory so dependencies build once.
pub fn compile_generated(specs: &[std::path::PathBuf]) -> Result<(), String> {
    let root = crate::workspace_root();
    let target = root.join("target/generated-sdks");
    for spec in specs {
        let stem = spec
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("spec")
            .replace(['.', '_'], "-");
        let task = crate::Codegen {
            spec: spec.clone(),
            out: target.join("crates").join(&stem),
            crate_name: format!("{stem}-sdk"),
        };
        let mut files = task
            .render()
            .map_err(|e| format!("{}: {e}", spec.display()))?;
        for file in &mut files {
            if file.path == "Cargo.toml" {
                // Not a member of this repository's workspace.
                file.contents.push_str("\n[workspace]\n");
            }
        }
        crate::ensure_files(&task.out, &files, crate::Mode::Write)
            .map_err(|e| format!("{}: {e}", task.out.display()))?;
        eprintln!(
            "==> the SDK from {} builds without warnings and passes its tests",
            spec.display()
        );
        for args in [
            &["clippy", "--all-targets", "--quiet", "--", "-D", "warnings"][..],
            &["test", "--quiet"],
        ] {
            let status = Command::new(cargo())
                .args(args)
                .env("CARGO_TARGET_DIR", target.join("target"))
                .current_dir(&task.out)
                .status()
                .map_err(|e| format!("cannot run cargo: {e}"))?;
            if !status.success() {
                return Err(format!(
                    "cargo {} fails on the SDK generated from {}",
                    args[0],
                    spec.display()
                ));
            }
        }
    }
    Ok(())
}

/// The generator's fixture documents that must produce compiling SDKs.
pub fn fixture_specs() -> Vec<std::path::PathBuf> {
    let dir = crate::workspace_root().join("generator/tests/fixtures/ok");
    let mut specs: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    specs.sort();
    specs
}
