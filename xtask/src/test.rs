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
    Ok(())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}
