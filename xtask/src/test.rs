//! `cargo xtask test`: every test of the repository, with whatever set-up they need.

use std::process::Command;

/// The SDK crate's package name.
const SDK: &str = "konnect-sdk";

/// The runtime's package name: every generated SDK depends on it.
const RUNTIME: &str = "sdkgen-runtime";

/// The whole-API crate's package name; [`whole_api`] builds and tests it, so the workspace-wide
/// steps leave it out rather than build it twice more.
const WHOLE: &str = "kong-konnect";

/// One cargo invocation: what it checks, its arguments, extra environment.
type Step<'a> = (&'a str, &'a [&'a str], &'a [(&'a str, &'a str)]);

/// Runs each step in order, stopping at the first failure.
pub fn run() -> Result<(), String> {
    let steps: &[Step] = &[
        (
            // The generated crates skip rustfmt (their layout is prettyplease's); the
            // hand-written code is formatted as rustfmt says.
            "formatting of the hand-written code",
            &["fmt", "--all", "--", "--check"],
            &[],
        ),
        (
            "tests of every crate, including the drift check",
            &["test", "--workspace", "--all-targets", "--exclude", WHOLE],
            &[],
        ),
        (
            "doctests (README and rustdoc examples)",
            &["test", "--workspace", "--doc", "--exclude", WHOLE],
            &[],
        ),
        (
            "clippy on the generated SDKs, warnings denied",
            &[
                "clippy",
                "-p",
                SDK,
                "-p",
                "wire-sdk",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
            &[],
        ),
        (
            "clippy on the runtime, the generator, xtask and the behaviour tests, warnings denied",
            &[
                "clippy",
                "-p",
                RUNTIME,
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
            "rustdoc of the runtime and the generated SDK, warnings denied",
            &["doc", "-p", RUNTIME, "-p", SDK, "--no-deps"],
            &[("RUSTDOCFLAGS", "-D warnings")],
        ),
        (
            // Packaged together: the SDK's verification build finds the runtime it depends
            // on (by path and version) in the packages made beside it, as it would find the
            // published one.
            "the runtime and the SDK package, and the SDK builds from its package",
            &["package", "-p", RUNTIME, "-p", SDK, "--allow-dirty"],
            &[],
        ),
    ];
    forget_packaged_runtime()?;
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
    semver()?;
    feature_builds(&crate::workspace_root().join("generated"), None, true)?;
    whole_api()?;
    contract()?;
    crate::contract_suites::run()?;
    compile_generated(&fixture_specs())
}

/// `cargo xtask semver` on every committed crate: its public API read back from the files on
/// disk and from what the generator writes, and compared (no change once the drift check
/// passes; a few seconds).
fn semver() -> Result<(), String> {
    eprintln!(
        "==> the public API of every committed crate against the generator's (cargo xtask semver)"
    );
    for (name, changes) in crate::semver::committed()? {
        let breaking = changes.iter().filter(|c| c.breaking).count();
        eprintln!("{name}: {} change(s), {breaking} breaking", changes.len());
        if !changes.is_empty() {
            return Err(format!(
                "the public API of {name} differs from what the generator writes:\n{}",
                sdkgen::surface::report(&changes)
            ));
        }
    }
    Ok(())
}

/// The whole-API crate (833 operations, 146 groups): each target built once per profile. Its
/// tests (the examples' round trips) and doctests (merged into one crate by edition 2024,
/// 1679 snippets in about 90 s rather than one compilation each), clippy on everything but the
/// library's unit tests (it has none: the runtime's are in `sdkgen-runtime`, which step one
/// runs; checking them would compile the library once more), rustdoc, packaging beside the
/// runtime, then clippy with no feature and a sample of groups alone.
fn whole_api() -> Result<(), String> {
    let steps: &[Step] = &[
        (
            "the whole-API crate's tests (its contract suite runs against Prism below)",
            &["test", "-p", WHOLE, "--test", "examples"],
            &[],
        ),
        ("its doctests", &["test", "-p", WHOLE, "--doc"], &[]),
        (
            "clippy on it, warnings denied",
            &[
                "clippy",
                "-p",
                WHOLE,
                "--lib",
                "--examples",
                "--test",
                "*",
                "--",
                "-D",
                "warnings",
            ],
            &[],
        ),
        (
            "its rustdoc, warnings denied",
            &["doc", "-p", WHOLE, "--no-deps"],
            &[("RUSTDOCFLAGS", "-D warnings")],
        ),
        (
            "it packages beside the runtime (the sources built above; the file list is checked below)",
            &["package", "-p", RUNTIME, "-p", WHOLE, "--allow-dirty", "--no-verify"],
            &[],
        ),
    ];
    for (what, args, env) in steps {
        eprintln!("==> {what}: cargo {}", args.join(" "));
        let started = std::time::Instant::now();
        run_checked(
            Command::new(cargo())
                .args(*args)
                .envs(env.iter().copied())
                // Its incremental caches would take 13 GB, for a crate CI builds once.
                .env("CARGO_INCREMENTAL", "0")
                .current_dir(crate::workspace_root()),
        )?;
        eprintln!("    ({what}: {:.0} s)", started.elapsed().as_secs_f64());
    }
    packaged_files_complete()?;
    // Clippy on every target with no group and with a sample of groups alone; their tests
    // and doctests ran above with every group, the same code.
    feature_builds(&crate::workspace_root().join(WHOLE), None, false)
}

/// Removes what earlier runs of `cargo package` unpacked of the runtime: Cargo unpacks a crate
/// of the packages made beside the SDK under its registry sources once per name and version,
/// and uses that copy ever after, so an SDK's verification build on this machine would compile
/// against the runtime as it was packaged first, not as it is. (The runtime's version goes up
/// when what generated code needs of it changes, as a published crate's must; this keeps the
/// check honest between releases.)
fn forget_packaged_runtime() -> Result<(), String> {
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".cargo")));
    let Some(sources) = home.map(|h| h.join("registry/src")) else {
        return Ok(());
    };
    let Ok(registries) = std::fs::read_dir(&sources) else {
        return Ok(());
    };
    let version = sdkgen::RUNTIME_VERSION;
    for registry in registries.flatten() {
        // The packages' own registries are named by a hash alone; a real one, by its host.
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        let unpacked = registry.path().join(format!("{RUNTIME}-{version}"));
        if unpacked.is_dir() {
            std::fs::remove_dir_all(&unpacked)
                .map_err(|e| format!("cannot remove {}: {e}", unpacked.display()))?;
        }
    }
    Ok(())
}

/// `cargo package` without its verification build (a third full compilation of the crate)
/// still has to hold every file the crate is: a file left out (a group page the docs include)
/// is what verification would catch, so the list is compared with what the generator writes.
fn packaged_files_complete() -> Result<(), String> {
    let output = Command::new(cargo())
        .args(["package", "-p", WHOLE, "--allow-dirty", "--list"])
        .current_dir(crate::workspace_root())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo package --list fails: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let listed = String::from_utf8_lossy(&output.stdout);
    let listed: std::collections::BTreeSet<&str> = listed.lines().collect();
    let files = crate::Codegen::kong_konnect()
        .render()
        .map_err(|e| e.to_string())?;
    let missing: Vec<&str> = files
        .iter()
        .map(|f| f.path.as_str())
        .filter(|path| !listed.contains(path))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("the {WHOLE} package leaves out {missing:?}"))
    }
}

/// Builds the SDK in `dir` with no group feature and with each group's feature alone (a
/// sample of them for a large API), clippy on every target, warnings denied; with `test`, its
/// tests and doctests too: a downstream crate that enables one group compiles whatever that
/// group is.
fn feature_builds(
    dir: &std::path::Path,
    target_dir: Option<&std::path::Path>,
    test: bool,
) -> Result<(), String> {
    let mut subsets = vec![None];
    subsets.extend(sample(dir, group_features(dir)?).into_iter().map(Some));
    for feature in subsets {
        let mut runs = vec![vec![
            "clippy",
            "--all-targets",
            "--quiet",
            "--no-default-features",
        ]];
        if test && feature.is_some() {
            runs.push(vec!["test", "--quiet", "--no-default-features"]);
        }
        for mut args in runs {
            if let Some(feature) = &feature {
                args.extend(["--features", feature.as_str()]);
            }
            if args[0] == "clippy" {
                args.extend(["--", "-D", "warnings"]);
            }
            eprintln!("==> {}: cargo {}", dir.display(), args.join(" "));
            let mut command = Command::new(cargo());
            command.args(&args).current_dir(dir);
            if let Some(target_dir) = target_dir {
                lean_build(&mut command, target_dir);
            }
            run_checked(&mut command)?;
        }
    }
    Ok(())
}

/// Most groups alone would make CI minutes per crate: beyond this many, a fixed sample is
/// built instead (see [`sample`]).
const ALL_GROUPS_UP_TO: usize = 6;

/// The group features to build one at a time: all of them for a small API; for a large one,
/// the first and the last by name and the largest (by its module's size), which together
/// exercise the gating of models shared with other groups and of models only one group uses.
fn sample(dir: &std::path::Path, mut features: Vec<String>) -> Vec<String> {
    if features.len() <= ALL_GROUPS_UP_TO {
        return features;
    }
    features.sort();
    let size = |feature: &String| {
        let module = dir
            .join("src")
            .join(format!("{}.rs", feature.replace('-', "_")));
        std::fs::metadata(module).map_or(0, |m| m.len())
    };
    let largest = features.iter().max_by_key(|f| size(f)).cloned();
    let mut chosen = vec![features[0].clone(), features[features.len() - 1].clone()];
    chosen.extend(largest);
    chosen.sort();
    chosen.dedup();
    eprintln!(
        "==> {}: {} groups; building each of {} alone",
        dir.display(),
        features.len(),
        chosen.join(", ")
    );
    chosen
}

/// The Cargo features of the crate in `dir` but `default`: one per resource group.
fn group_features(dir: &std::path::Path) -> Result<Vec<String>, String> {
    let output = Command::new(cargo())
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata fails in {}: {}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    let manifest = dir
        .join("Cargo.toml")
        .canonicalize()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let package = metadata["packages"]
        .as_array()
        .and_then(|packages| {
            packages.iter().find(|p| {
                p["manifest_path"]
                    .as_str()
                    .is_some_and(|m| std::path::Path::new(m) == manifest)
            })
        })
        .ok_or_else(|| format!("cargo metadata does not list {}", manifest.display()))?;
    Ok(package["features"]
        .as_object()
        .map(|features| {
            features
                .keys()
                .filter(|name| *name != "default")
                .cloned()
                .collect()
        })
        .unwrap_or_default())
}

/// Builds into `target_dir` without debug info or incremental caches: the generated crates
/// of large documents would otherwise leave tens of gigabytes there (34 GB for the
/// real-world documents, most of it incremental caches) and link slower.
pub(crate) fn lean_build(command: &mut Command, target_dir: &std::path::Path) {
    command
        .env("CARGO_TARGET_DIR", target_dir)
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_PROFILE_TEST_DEBUG", "0");
}

/// The cargo that runs us.
pub fn cargo() -> String {
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
            overlay: None,
            out: target.join("crates").join(&stem),
            crate_name: format!("{stem}-sdk"),
            contract_tests: false,
            runtime: crate::RuntimeSource::Repository,
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
            let mut command = Command::new(cargo());
            lean_build(command.args(args), &target.join("target"));
            let status = command
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
        feature_builds(&task.out, Some(&target.join("target")), false)?;
    }
    Ok(())
}

/// The documents that must produce compiling SDKs: the generator's fixtures and the
/// real-world documents under `generator/tests/specs/`.
pub fn fixture_specs() -> Vec<std::path::PathBuf> {
    let root = crate::workspace_root();
    let mut specs = specs_in(&root.join("generator/tests/fixtures/ok"));
    specs.extend(specs_in(&root.join("generator/tests/specs")));
    specs
}

fn specs_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut specs: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    specs.sort();
    specs
}

/// The contract step: lint the spec with Redocly, run the contract suite against Prism, then
/// run the example program against it. Prism is stopped however the suite ends.
pub fn contract() -> Result<(), String> {
    let root = crate::workspace_root();
    let bin = install_tools()?;
    eprintln!("==> lint spec/konnect.yaml with Redocly");
    run_checked(
        Command::new(bin.join("redocly"))
            .args([
                "lint",
                "--config",
                "contract/redocly.yaml",
                "spec/konnect.yaml",
            ])
            .current_dir(&root),
    )?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port: {e}"))?
        .port();
    eprintln!("==> start Prism on 127.0.0.1:{port}");
    let child = prism(&bin, std::path::Path::new("spec/konnect.yaml"), true, port)
        .current_dir(&root)
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start Prism: {e}"))?;
    let mut prism = Stopped(child);
    wait_until_listening(&mut prism.0, port)?;
    let url = format!("http://127.0.0.1:{port}");
    eprintln!("==> contract tests against Prism");
    run_checked(
        Command::new(cargo())
            .args([
                "test",
                "-p",
                "sdk-tests",
                "--test",
                "contract",
                "--",
                "--nocapture",
            ])
            .env("PRISM_URL", &url)
            .current_dir(&root),
    )?;
    eprintln!("==> the example program against Prism");
    run_checked(
        Command::new(cargo())
            .args(["run", "--quiet", "-p", SDK, "--example", "tour"])
            .env("KONNECT_BASE_URL", &url)
            .env("KONNECT_TOKEN", "example-token")
            .current_dir(&root),
    )
}

/// Makes sure Node and the pinned npm packages are there; returns their `.bin` directory.
/// Without Node the tests fail with what to install: they are never silently skipped.
pub fn install_tools() -> Result<std::path::PathBuf, String> {
    let tools = crate::workspace_root().join("contract");
    for tool in ["node", "npm"] {
        let found = Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            return Err(format!(
                "`{tool}` is not installed. The contract tests need Node.js 20 or newer with npm \
                 (Debian/Ubuntu: `apt-get install nodejs npm`; or https://nodejs.org)"
            ));
        }
    }
    let bin = tools.join("node_modules/.bin");
    if !bin.join("prism").exists() || !bin.join("redocly").exists() {
        eprintln!("==> installing the pinned contract tools: npm ci (contract/package-lock.json)");
        run_checked(
            Command::new("npm")
                .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
                .current_dir(&tools),
        )?;
    }
    Ok(bin)
}

/// `cargo xtask mock`: Prism on 127.0.0.1:4010 in the foreground, for the example program.
pub fn mock() -> Result<(), String> {
    let bin = install_tools()?;
    eprintln!("==> Prism mock of spec/konnect.yaml on http://127.0.0.1:4010 (Ctrl-C stops it)");
    run_checked(
        prism(&bin, std::path::Path::new("spec/konnect.yaml"), true, 4010)
            .current_dir(crate::workspace_root()),
    )
}

/// Prism mocking the curated spec on loopback, rejecting requests that violate it.
/// `prism mock` of `spec` on loopback `port`; `strict` (`--errors`) rejects every request that
/// violates the document.
pub(crate) fn prism(
    bin: &std::path::Path,
    spec: &std::path::Path,
    strict: bool,
    port: u16,
) -> Command {
    let mut command = Command::new(bin.join("prism"));
    command.arg("mock");
    if strict {
        command.arg("--errors");
    }
    command
        .args(["-h", "127.0.0.1", "-p"])
        .arg(port.to_string())
        .arg(spec);
    command
}

/// Kills the process when dropped, so Prism stops whether the suite passes, fails or panics.
pub(crate) struct Stopped(pub(crate) std::process::Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn wait_until_listening(
    child: &mut std::process::Child,
    port: u16,
) -> Result<(), String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("Prism exited before listening ({status})"));
        }
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    Err(format!("Prism did not listen on port {port} within 60 s"))
}

/// Runs a command, failing with its description when it fails.
pub fn run_checked(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed ({status})"))
    }
}
