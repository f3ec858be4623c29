//! The repository's tasks: `codegen`, `test`, `mock`, `bench` (see `USAGE`).

use std::path::PathBuf;
use std::process::ExitCode;

use xtask::{ensure_files, Codegen, Mode, RuntimeSource, REGENERATE};

/// Generation allocates and frees millions of small objects (tokens, syntax trees, strings);
/// against glibc's malloc, jemalloc's thread caches take about a fifth off the CPU time of
/// generating the whole Konnect API, for about 10% more peak memory (mimalloc saved as much
/// time but raised the peak by half).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

const USAGE: &str = "usage:
  cargo xtask codegen [--check] [--timings] [--spec PATH [--overlay PATH] --out DIR --crate-name NAME [--contract-tests]
                      [--runtime-path DIR | --runtime-registry]]
  cargo xtask test
  cargo xtask semver [--old-spec PATH [--old-overlay PATH] [--spec PATH [--overlay PATH]] | --old-crate DIR --new-crate DIR] [--deny-breaking]
  cargo xtask contract-suites
  cargo xtask mock
  cargo xtask bench [generation] [build] [konnect] [runtime]
  cargo xtask openapi30 SPEC OUT";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => codegen(&args[1..]),
        Some("bench") => report(xtask::bench::run(&args[1..])),
        Some("openapi30") if args.len() == 3 => report(xtask::peers::openapi30(
            std::path::Path::new(&args[1]),
            std::path::Path::new(&args[2]),
        )),
        Some("mock") if args.len() == 1 => report(xtask::test::mock()),
        Some("test") if args.len() == 1 => report(xtask::test::run()),
        Some("semver") => report(xtask::semver::run(&args[1..])),
        // The generated contract suites alone (a step of `test`).
        Some("contract-suites") if args.len() == 1 => report(xtask::contract_suites::run()),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::FAILURE
        }
    }
}

fn report(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn codegen(args: &[String]) -> ExitCode {
    let mut custom: Option<Codegen> = None;
    let mut mode = Mode::Write;
    let mut contract_tests = false;
    let mut timings = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| match args.next() {
            Some(v) => Ok(v.clone()),
            None => Err(format!("{flag} needs a value")),
        };
        if arg == "--check" || arg == "--timings" {
            // Neither names a crate: alone, they mean every committed one.
            mode = if arg == "--check" { Mode::Check } else { mode };
            timings |= arg == "--timings";
            continue;
        }
        let task = custom.get_or_insert_with(Codegen::konnect);
        let parsed = match arg.as_str() {
            "--spec" => value("--spec").map(|v| task.spec = PathBuf::from(v)),
            "--overlay" => value("--overlay").map(|v| task.overlay = Some(PathBuf::from(v))),
            "--out" => value("--out").map(|v| task.out = PathBuf::from(v)),
            "--crate-name" => value("--crate-name").map(|v| task.crate_name = v),
            "--runtime-path" => value("--runtime-path")
                .map(|v| task.runtime = RuntimeSource::Path(PathBuf::from(v))),
            "--runtime-registry" => {
                task.runtime = RuntimeSource::Registry;
                Ok(())
            }
            "--contract-tests" => {
                contract_tests = true;
                Ok(())
            }
            other => Err(format!("unknown argument `{other}`")),
        };
        if let Err(message) = parsed {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::FAILURE;
        }
    }
    // With no `--spec`, `--out`... every committed crate is meant.
    let tasks = match custom {
        Some(mut task) if !Codegen::committed().contains(&task) => {
            task.contract_tests = contract_tests;
            vec![task]
        }
        _ => Codegen::committed(),
    };
    let mut failed = false;
    for task in &tasks {
        failed |= !codegen_one(task, mode, timings);
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Writes or checks one crate; false when it failed or is stale.
/// With `timings`, prints how long each stage took.
fn codegen_one(task: &Codegen, mode: Mode, timings: bool) -> bool {
    let generated = match task.generate() {
        Ok(generated) => generated,
        Err(error) => {
            eprintln!("error: {error}");
            return false;
        }
    };
    if let Some(summary) = generated.summary() {
        eprintln!("note: {}: {summary}", task.out.display());
    }
    let start = std::time::Instant::now();
    let ensured = ensure_files(&task.out, &generated.files, mode);
    if timings {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        let stages = generated.timings;
        eprintln!(
            "{}: load {:.0} ms, parse {:.0} ms, lower {:.0} ms, emit {:.0} ms, {} {:.0} ms",
            task.out.display(),
            ms(stages.load),
            ms(stages.parse),
            ms(stages.lower),
            ms(stages.emit),
            if mode == Mode::Write {
                "write"
            } else {
                "compare"
            },
            ms(start.elapsed()),
        );
    }
    match ensured {
        Ok(stale) if stale.is_empty() => true,
        Ok(stale) if mode == Mode::Write => {
            eprintln!("updated {} file(s) in {}", stale.len(), task.out.display());
            true
        }
        Ok(stale) => {
            eprintln!(
                "{} is stale; run `{REGENERATE}` to update:",
                task.out.display()
            );
            for entry in stale {
                eprintln!("  {entry}");
            }
            false
        }
        Err(error) => {
            eprintln!("error: {}: {error}", task.out.display());
            false
        }
    }
}
