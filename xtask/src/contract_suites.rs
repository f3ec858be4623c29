//! The generated contract suites (`tests/contract.rs`, written by `--contract-tests`) run
//! against Prism: the two-group crate `generated/` and the whole Konnect API. Each document
//! gets two Prism mocks: `--errors` (rejects any request that violates the document) for the
//! example responses and forced error statuses, and a plain one for the dynamic responses,
//! whose request violations the suite reads from the `sl-violations` header. A suite that
//! cannot run (no Node, no document) fails the step: it is never skipped.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::test::{cargo, install_tools, prism, run_checked, wait_until_listening, Stopped};

/// The whole API's document, as vendored (Prism mocks it as upstream publishes it).
const WHOLE_API_SPEC: &str = "spec/upstream/konnect.yaml";

/// One suite: a workspace crate with `tests/contract.rs` and the document Prism mocks for it.
struct Suite {
    label: &'static str,
    spec: PathBuf,
    package: &'static str,
    /// Built without incremental caches, as `cargo xtask test` builds the whole-API crate
    /// (the same artifacts, not a second build).
    lean: bool,
}

/// Runs every generated contract suite, printing how long each took.
pub fn run() -> Result<(), String> {
    let started = Instant::now();
    let root = crate::workspace_root();
    let bin = install_tools()?;
    let suites = [
        Suite {
            label: "konnect-sdk (two groups)",
            spec: root.join("spec/konnect.yaml"),
            package: "konnect-sdk",
            lean: false,
        },
        whole_api()?,
    ];
    for suite in &suites {
        let began = Instant::now();
        run_suite(&bin, suite)?;
        eprintln!(
            "==> contract suite of {}: passed in {:.1} s",
            suite.label,
            began.elapsed().as_secs_f64()
        );
    }
    eprintln!(
        "==> generated contract suites: passed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The committed whole-API crate, a workspace member.
fn whole_api() -> Result<Suite, String> {
    let root = crate::workspace_root();
    Ok(Suite {
        label: "kong-konnect (whole API)",
        spec: root.join(WHOLE_API_SPEC),
        package: "kong-konnect",
        lean: true,
    })
}

fn run_suite(bin: &Path, suite: &Suite) -> Result<(), String> {
    // Built first, so Prism's start overlaps nothing it could slow down and the suite's
    // timing is the calls alone.
    let mut build = test_command(suite);
    build.arg("--no-run");
    eprintln!("==> build the contract suite of {}", suite.label);
    run_checked(&mut build)?;
    let began = Instant::now();
    let [strict_port, dynamic_port] = free_ports()?;
    let mut strict = start_prism(bin, &suite.spec, true, strict_port)?;
    let mut dynamic = start_prism(bin, &suite.spec, false, dynamic_port)?;
    wait_until_listening(&mut strict.0 .0, strict.1)?;
    wait_until_listening(&mut dynamic.0 .0, dynamic.1)?;
    eprintln!(
        "==> Prism mocks {} (ports {} and {}), listening after {:.1} s",
        suite.spec.display(),
        strict.1,
        dynamic.1,
        began.elapsed().as_secs_f64()
    );
    let mut command = test_command(suite);
    command
        .args(["--", "--nocapture"])
        .env("PRISM_URL", format!("http://127.0.0.1:{}", strict.1))
        .env(
            "PRISM_DYNAMIC_URL",
            format!("http://127.0.0.1:{}", dynamic.1),
        );
    eprintln!("==> contract suite of {} against Prism", suite.label);
    run_checked(&mut command)
}

/// `cargo test --test contract` for the suite's crate.
fn test_command(suite: &Suite) -> Command {
    let mut command = Command::new(cargo());
    command
        .args(["test", "--quiet", "--test", "contract", "-p", suite.package])
        .current_dir(crate::workspace_root());
    if suite.lean {
        command.env("CARGO_INCREMENTAL", "0");
    }
    command
}

/// Two distinct free loopback ports (both held while the second is found).
fn free_ports() -> Result<[u16; 2], String> {
    let bind =
        || std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"));
    let (first, second) = (bind()?, bind()?);
    let port = |l: &std::net::TcpListener| {
        l.local_addr()
            .map(|a| a.port())
            .map_err(|e| format!("no free port: {e}"))
    };
    Ok([port(&first)?, port(&second)?])
}

/// Prism on `port`, stopped when dropped; `strict` rejects invalid requests.
fn start_prism(bin: &Path, spec: &Path, strict: bool, port: u16) -> Result<(Stopped, u16), String> {
    let mut command = prism(bin, spec, strict, port);
    command.stdout(std::process::Stdio::null());
    let child = command
        .spawn()
        .map_err(|e| format!("cannot start Prism: {e}"))?;
    Ok((Stopped(child), port))
}
