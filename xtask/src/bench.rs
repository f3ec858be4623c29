//! `cargo xtask bench`: generation time and peak memory, whole process, on the curated spec,
//! the real-world documents and synthetic documents made of nexus replicated k times (to show
//! how cost grows with size); then the criterion benches of the SDK (runtime overhead per call
//! against hand-written reqwest, decoding throughput). Writes `BENCHMARKS.md`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

/// Runs per document; the table reports median, min and max.
const RUNS: usize = 7;

struct Row {
    name: String,
    bytes: u64,
    operations: usize,
    schemas: usize,
    times_ms: Vec<f64>,
    peak_kb: Option<u64>,
}

/// Builds the release generator, measures every document, rewrites `BENCHMARKS.md`.
pub fn run() -> Result<(), String> {
    let root = crate::workspace_root();
    crate::test::run_checked(
        Command::new(crate::test::cargo())
            .args(["build", "--release", "-p", "xtask"])
            .current_dir(&root),
    )?;
    let generator = root.join("target/release/xtask");
    let work = root.join("target/bench");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let mut documents: Vec<(String, PathBuf)> =
        vec![("spec/konnect.yaml".into(), root.join("spec/konnect.yaml"))];
    for name in ["keeper", "propolis-server", "buildomat", "nexus"] {
        documents.push((
            format!("{name}.json"),
            root.join(format!("generator/tests/specs/{name}.json")),
        ));
    }
    let nexus: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("generator/tests/specs/nexus.json"))
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    for copies in [2, 4, 8] {
        let path = work.join(format!("nexus-x{copies}.json"));
        let text =
            serde_json::to_string_pretty(&replicate(&nexus, copies)).map_err(|e| e.to_string())?;
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
        documents.push((format!("nexus ×{copies} (synthetic)"), path));
    }
    let runtime = criterion_section(&root)?;
    let mut rows = Vec::new();
    for (name, path) in documents {
        let row = measure(&generator, &name, &path, &work.join("out"))?;
        eprintln!(
            "{name}: median {:.1} ms, peak {:?} KB",
            median(&row.times_ms),
            row.peak_kb
        );
        rows.push(row);
    }
    write_report(&root.join("BENCHMARKS.md"), &rows, &runtime)
}

/// Runs the criterion benches of `sdk-tests` and renders their medians and ratios.
fn criterion_section(root: &Path) -> Result<String, String> {
    crate::test::run_checked(
        Command::new(crate::test::cargo())
            .args([
                "bench",
                "-p",
                "sdk-tests",
                "--bench",
                "decode",
                "--bench",
                "runtime",
            ])
            .current_dir(root),
    )?;
    let estimate = |id: &str| -> Result<(f64, f64, f64), String> {
        let path = root
            .join("target/criterion")
            .join(id)
            .join("new/estimates.json");
        let value: Value = serde_json::from_str(
            &std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?,
        )
        .map_err(|e| e.to_string())?;
        let median = &value["median"];
        let number = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
        Ok((
            number(&median["point_estimate"]),
            number(&median["confidence_interval"]["lower_bound"]),
            number(&median["confidence_interval"]["upper_bound"]),
        ))
    };
    let sdk = estimate("get_token/sdk")?;
    let by_hand = estimate("get_token/reqwest_by_hand")?;
    let typed = estimate("decode_10000_tokens/generated_types")?;
    let value = estimate("decode_10000_tokens/serde_json_value")?;
    let allocations: Value = std::fs::read_to_string(root.join("target/bench/allocations.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    let mut out = String::new();
    let _ = writeln!(out, "## Runtime overhead per call\n");
    let _ = writeln!(
        out,
        "`get_personal_access_token_details` through the SDK against the same GET made by hand with `reqwest` \
         and decoded with `serde_json`, both against a minimal keep-alive HTTP/1.1 server on loopback \
         (`sdk-tests/benches/runtime.rs`, criterion: median and its 95% confidence interval).\n"
    );
    let _ = writeln!(
        out,
        "| Call | Median | 95% CI | Allocations per call |\n|---|---:|---:|---:|"
    );
    let _ = writeln!(
        out,
        "| SDK | {:.1} µs | {:.1}–{:.1} µs | {} |",
        sdk.0 / 1e3,
        sdk.1 / 1e3,
        sdk.2 / 1e3,
        allocations["sdk_allocations_per_call"]
    );
    let _ = writeln!(
        out,
        "| reqwest by hand | {:.1} µs | {:.1}–{:.1} µs | {} |",
        by_hand.0 / 1e3,
        by_hand.1 / 1e3,
        by_hand.2 / 1e3,
        allocations["reqwest_allocations_per_call"]
    );
    let _ = writeln!(
        out,
        "\nRatio SDK / by hand: **{:.3}** (target: at most 1.05).\n",
        sdk.0 / by_hand.0
    );
    let _ = writeln!(out, "## Decoding 10,000 personal access tokens\n");
    let _ = writeln!(out, "`sdk-tests/benches/decode.rs`: the same list body into the generated types and into `serde_json::Value`.\n");
    let _ = writeln!(out, "| Into | Median | 95% CI |\n|---|---:|---:|");
    let _ = writeln!(
        out,
        "| generated types | {:.2} ms | {:.2}–{:.2} ms |",
        typed.0 / 1e6,
        typed.1 / 1e6,
        typed.2 / 1e6
    );
    let _ = writeln!(
        out,
        "| `serde_json::Value` | {:.2} ms | {:.2}–{:.2} ms |",
        value.0 / 1e6,
        value.1 / 1e6,
        value.2 / 1e6
    );
    let _ = writeln!(
        out,
        "\nThroughput ratio generated / Value: **{:.2}×** (target: at least 1.5×).\n",
        value.0 / typed.0
    );
    Ok(out)
}

fn measure(generator: &Path, name: &str, path: &Path, out: &Path) -> Result<Row, String> {
    let value: Value = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&std::fs::read_to_string(path).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?
    } else {
        Value::Null
    };
    let operations = count_operations(&value, path)?;
    let schemas = count_schemas(&value, path)?;
    let args = |cmd: &mut Command| {
        cmd.args(["codegen", "--spec"])
            .arg(path)
            .arg("--out")
            .arg(out)
            .args(["--crate-name", "bench-sdk"]);
    };
    let mut times_ms = Vec::new();
    for _ in 0..RUNS {
        let _ = std::fs::remove_dir_all(out);
        let mut cmd = Command::new(generator);
        args(&mut cmd);
        let started = Instant::now();
        let status = cmd.output().map_err(|e| e.to_string())?.status;
        times_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        if !status.success() {
            return Err(format!("generation failed for {name}"));
        }
    }
    // Peak resident memory from GNU time, when the machine has it.
    let _ = std::fs::remove_dir_all(out);
    let mut timed = Command::new("/usr/bin/time");
    timed.args(["-f", "%M"]).arg(generator);
    args(&mut timed);
    let peak_kb = timed.output().ok().and_then(|o| {
        String::from_utf8_lossy(&o.stderr)
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
    });
    Ok(Row {
        name: name.to_owned(),
        bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        operations,
        schemas,
        times_ms,
        peak_kb,
    })
}

fn yaml_or_json(value: &Value, path: &Path) -> Result<Value, String> {
    if !value.is_null() {
        return Ok(value.clone());
    }
    // YAML: read with the generator's own loader.
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    sdkgen::load::Source::parse(&path.display().to_string(), text)
        .map(|source| source.value)
        .map_err(|e| e.to_string())
}

fn count_operations(value: &Value, path: &Path) -> Result<usize, String> {
    let value = yaml_or_json(value, path)?;
    Ok(value
        .get("paths")
        .and_then(Value::as_object)
        .map(|paths| {
            paths
                .values()
                .filter_map(Value::as_object)
                .flat_map(|item| item.keys())
                .filter(|k| {
                    matches!(
                        k.as_str(),
                        "get" | "put" | "post" | "delete" | "patch" | "head" | "options" | "trace"
                    )
                })
                .count()
        })
        .unwrap_or(0))
}

fn count_schemas(value: &Value, path: &Path) -> Result<usize, String> {
    let value = yaml_or_json(value, path)?;
    Ok(value
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map_or(0, |s| s.len()))
}

/// Nexus's paths and schemas `copies` times under new names (`/c2/...`, `Foo_c2`), refs and
/// operation ids rewritten, so the document grows while staying valid.
fn replicate(doc: &Value, copies: usize) -> Value {
    let mut out = doc.clone();
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for copy in 2..=copies {
        let suffix = format!("_c{copy}");
        for (path, item) in &paths {
            let mut item = item.clone();
            rename(&mut item, &suffix);
            out["paths"][format!("/c{copy}{path}")] = item;
        }
        for (name, schema) in &schemas {
            let mut schema = schema.clone();
            rename(&mut schema, &suffix);
            out["components"]["schemas"][format!("{name}{suffix}")] = schema;
        }
    }
    out
}

fn rename(value: &mut Value, suffix: &str) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match (key.as_str(), item) {
                    ("$ref", Value::String(reference))
                        if reference.starts_with("#/components/schemas/") =>
                    {
                        reference.push_str(suffix);
                    }
                    ("operationId", Value::String(id)) => id.push_str(suffix),
                    (_, item) => rename(item, suffix),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rename(item, suffix)),
        _ => {}
    }
}

fn median(times: &[f64]) -> f64 {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

fn write_report(path: &Path, rows: &[Row], runtime: &str) -> Result<(), String> {
    let mut table = String::new();
    let _ = writeln!(
        table,
        "| Document | Size | Operations | Schemas | Median | Min | Max | Peak RSS |"
    );
    let _ = writeln!(table, "|---|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        let min = row.times_ms.iter().copied().fold(f64::INFINITY, f64::min);
        let max = row.times_ms.iter().copied().fold(0.0, f64::max);
        let _ = writeln!(
            table,
            "| {} | {:.0} KB | {} | {} | {:.1} ms | {:.1} ms | {:.1} ms | {} |",
            row.name,
            row.bytes as f64 / 1024.0,
            row.operations,
            row.schemas,
            median(&row.times_ms),
            min,
            max,
            row.peak_kb.map_or("n/a".to_owned(), |kb| format!(
                "{:.1} MB",
                kb as f64 / 1024.0
            )),
        );
    }
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let report = format!(
        "# Benchmarks\n\nWritten by `cargo xtask bench` (do not edit by hand).\n\n## Generation, whole process\n\n\
         `target/release/xtask codegen --spec DOC --out DIR`: load, normalise, parse, lower, emit, format and write \
         every file of the SDK. {RUNS} runs per document, wall time; peak resident memory from `/usr/bin/time -f %M` \
         (one extra run). The `nexus ×k` rows are nexus.json with its paths and schemas replicated k times under new \
         names, to show how cost grows with size. Machine: {cores} cores.\n\n{table}\n{runtime}"
    );
    std::fs::write(path, report).map_err(|e| e.to_string())
}
