//! `cargo xtask bench [generation] [build] [runtime]`: measures this generator side by side with
//! its peers (progenitor, openapi-generator's `rust` target) in one run on one machine, and
//! writes `BENCHMARKS.md`. Sections (all by default):
//!
//! - generation: whole-process time and peak memory on the curated spec and on nexus, ours
//!   against both peers, interleaved round by round so each ratio pairs runs made under the same
//!   conditions; then ours alone on the other real-world documents and on nexus replicated up to
//!   about 3 MB.
//! - build: what the output costs to compile: cold `cargo build`, `cargo check` after touching
//!   `src/lib.rs`, dependency counts; for ours also with one resource group's feature alone.
//! - konnect: the whole Konnect API (`spec/upstream/konnect.yaml`, 833 operations): generation
//!   side by side with openapi-generator (and progenitor tried once), then what our crate costs
//!   to check: whole, and after a touch with every group and with one.
//! - runtime: the criterion benches of `sdk-tests` (per-call overhead against hand-written
//!   reqwest, decoding throughput).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

use crate::peers::{Peers, Tool};

/// Runs per measurement; tables give the median, min and max.
const RUNS: usize = 5;

/// The crate name every generator is given, so the outputs differ only by generator.
const CRATE: &str = "bench-sdk";

/// Runs the sections named in `args` (all when empty) and rewrites `BENCHMARKS.md`, keeping
/// the sections not run from the previous report.
pub fn run(args: &[String]) -> Result<(), String> {
    let all = ["generation", "build", "konnect", "runtime"];
    let sections: Vec<&str> = if args.is_empty() {
        all.to_vec()
    } else {
        args.iter()
            .map(|a| {
                all.iter()
                    .copied()
                    .find(|s| s == a)
                    .ok_or_else(|| format!("unknown section `{a}` (expected one of {all:?})"))
            })
            .collect::<Result<_, _>>()?
    };
    let root = crate::workspace_root();
    crate::test::run_checked(
        Command::new(crate::test::cargo())
            .args(["build", "--release", "-p", "xtask"])
            .current_dir(&root),
    )?;
    let work = root.join("target/bench");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let peers = Peers::install(crate::target_dir().join("release/xtask"))?;
    let report_path = root.join("BENCHMARKS.md");
    let previous = std::fs::read_to_string(&report_path).unwrap_or_default();
    let mut bodies = Vec::new();
    for section in all {
        let body = if sections.contains(&section) {
            eprintln!("==> bench: {section}");
            match section {
                "generation" => generation(&root, &work, &peers)?,
                "build" => build(&root, &work, &peers)?,
                "konnect" => whole_api(&root, &work, &peers)?,
                _ => criterion_section(&root)?,
            }
        } else {
            previous_section(&previous, section).unwrap_or_else(|| {
                format!("<!-- section {section} -->\n_Not measured yet: `cargo xtask bench {section}`._\n")
            })
        };
        bodies.push(body);
    }
    let report = format!(
        "# Benchmarks\n\nWritten by `cargo xtask bench` (do not edit by hand); each section is one run of \
         `cargo xtask bench <section>`.\n\n{}\n{}",
        machine(&peers),
        bodies.join("\n")
    );
    std::fs::write(&report_path, report).map_err(|e| e.to_string())
}

/// A section of an earlier report, from its marker to the next one.
fn previous_section(report: &str, name: &str) -> Option<String> {
    let marker = format!("<!-- section {name} -->");
    let start = report.find(&marker)?;
    let rest = &report[start..];
    let end = rest[marker.len()..]
        .find("<!-- section ")
        .map_or(rest.len(), |e| e + marker.len());
    Some(rest[..end].trim_end().to_owned() + "\n")
}

fn machine(peers: &Peers) -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory_gb = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").parse::<f64>().ok())
        })
        .map_or("?".to_owned(), |kb| format!("{:.0}", kb / 1024.0 / 1024.0));
    let mut text = format!(
        "Machine: {cpu}, {cores} cores, {memory_gb} GiB; the machine is shared and noisy, so compare \
         the ratios (each from runs made side by side) rather than absolute times.\n\nTools: "
    );
    let versions: Vec<String> = peers
        .versions()
        .into_iter()
        .map(|(tool, version)| format!("{tool}: `{version}`"))
        .collect();
    text.push_str(&versions.join("; "));
    text.push_str(".\n");
    text
}

/// Medians, extremes and formatting of a series of measurements.
struct Series(Vec<f64>);

impl Series {
    fn sorted(&self) -> Vec<f64> {
        let mut sorted = self.0.clone();
        sorted.sort_by(f64::total_cmp);
        sorted
    }

    fn median(&self) -> f64 {
        let sorted = self.sorted();
        match sorted.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => sorted[n / 2],
            n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        }
    }

    fn min(&self) -> f64 {
        self.sorted().first().copied().unwrap_or(f64::NAN)
    }

    fn max(&self) -> f64 {
        self.sorted().last().copied().unwrap_or(f64::NAN)
    }

    /// `median (min–max)` with `unit`, scaled by `scale`.
    fn show(&self, scale: f64, decimals: usize, unit: &str) -> String {
        format!(
            "{:.*} {unit} ({:.*}–{:.*})",
            decimals,
            self.median() * scale,
            decimals,
            self.min() * scale,
            decimals,
            self.max() * scale
        )
    }

    /// Each of `other`'s runs divided by the matching one of ours.
    fn ratios(&self, other: &Series) -> Series {
        Series(other.0.iter().zip(&self.0).map(|(o, s)| o / s).collect())
    }
}

/// Runs `command` once; its wall time in seconds.
fn timed(command: &mut Command, what: &str) -> Result<f64, String> {
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    let elapsed = started.elapsed().as_secs_f64();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        return Err(format!(
            "{what} failed:\n{}",
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    Ok(elapsed)
}

/// Peak resident memory of one run of `command`, from GNU time, in MB.
fn peak_mb(command: &Command) -> Option<f64> {
    let mut timed = Command::new("/usr/bin/time");
    timed
        .args(["-f", "%M"])
        .arg(command.get_program())
        .args(command.get_args());
    if let Some(dir) = command.get_current_dir() {
        timed.current_dir(dir);
    }
    let output = timed.output().ok()?;
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .last()
        .and_then(|l| l.trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
}

/// A document the peers are compared on, and what progenitor (3.0 only) reads instead.
struct Document {
    label: &'static str,
    path: PathBuf,
    openapi30: PathBuf,
}

fn documents(root: &Path, work: &Path) -> Result<Vec<Document>, String> {
    let konnect30 = work.join("konnect-3.0.json");
    crate::peers::openapi30(&root.join("spec/konnect.yaml"), &konnect30)?;
    let nexus = root.join("generator/tests/specs/nexus.json");
    Ok(vec![
        Document {
            label: "spec/konnect.yaml (curated, 9 operations)",
            path: root.join("spec/konnect.yaml"),
            openapi30: konnect30,
        },
        Document {
            label: "nexus.json (Oxide, 193 operations)",
            // Already OpenAPI 3.0.
            openapi30: nexus.clone(),
            path: nexus,
        },
    ])
}

/// Section 1: generation time and memory, side by side, then ours on larger documents.
fn generation(root: &Path, work: &Path, peers: &Peers) -> Result<String, String> {
    let mut out = String::from("<!-- section generation -->\n## Generation, whole process\n\n");
    let _ = writeln!(
        out,
        "Each tool generates a crate from the document, as a whole process (start-up, parsing, \
         writing every file), {RUNS} rounds; each round runs the three tools one after another, and \
         each ratio divides a peer's time by ours in the same round. Peak resident memory from \
         `/usr/bin/time -f %M` on one more run. progenitor reads only OpenAPI 3.0: it is given the \
         curated 3.1 spec as our front end reads it (3.1 constructs rewritten to 3.0, parsed into \
         the 3.0 model and written back: `cargo xtask openapi30 spec/konnect.yaml OUT`); nexus is \
         3.0 already. openapi-generator reads the 3.1 spec itself.\n\nCommands:\n"
    );
    let sample = Path::new("SPEC");
    for tool in Tool::ALL {
        let command = peers.command(tool, sample, Path::new("OUT"), CRATE);
        let _ = writeln!(out, "- {}: `{}`", tool.label(), show_command(&command));
    }
    let _ = writeln!(
        out,
        "\n| Document | Tool | Time, median (min–max) | Peak RSS | Its time / ours, median (min–max) |\n|---|---|---:|---:|---:|"
    );
    let mut summary = Vec::new();
    for document in documents(root, work)? {
        let mut times: Vec<Series> = Tool::ALL.iter().map(|_| Series(Vec::new())).collect();
        for round in 0..RUNS {
            for (i, tool) in Tool::ALL.into_iter().enumerate() {
                let target = work.join(format!("gen-{i}"));
                let _ = std::fs::remove_dir_all(&target);
                let spec = spec_for(tool, &document);
                let mut command = peers.command(tool, spec, &target, CRATE);
                let elapsed = timed(
                    &mut command,
                    &format!("{} on {}", tool.label(), document.label),
                )?;
                eprintln!(
                    "{} round {round}: {}: {:.3} s",
                    document.label,
                    tool.label(),
                    elapsed
                );
                times[i].0.push(elapsed);
            }
        }
        for (i, tool) in Tool::ALL.into_iter().enumerate() {
            let target = work.join(format!("gen-{i}"));
            let _ = std::fs::remove_dir_all(&target);
            let command = peers.command(tool, spec_for(tool, &document), &target, CRATE);
            let peak = peak_mb(&command).map_or("n/a".to_owned(), |mb| format!("{mb:.1} MB"));
            let ratios = times[0].ratios(&times[i]);
            if tool != Tool::Ours {
                summary.push(format!(
                    "{} on {}: **{:.1}×** faster (median of {RUNS} paired ratios; min {:.1}×, max {:.1}×)",
                    tool.label(),
                    document.label,
                    ratios.median(),
                    ratios.min(),
                    ratios.max()
                ));
            }
            let ratio = ratio_cell(i, &ratios, 1);
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                document.label,
                tool.label(),
                times[i].show(1000.0, 1, "ms"),
                peak,
                ratio
            );
        }
    }
    let _ = writeln!(out, "\nOurs against each peer (targets: at least 5× progenitor and 100× openapi-generator on the curated spec, 3× progenitor on nexus):\n");
    for line in summary {
        let _ = writeln!(out, "- {line}");
    }
    out.push('\n');
    out.push_str(&scaling(root, work, peers)?);
    Ok(out)
}

fn spec_for(tool: Tool, document: &Document) -> &Path {
    if tool == Tool::Progenitor {
        &document.openapi30
    } else {
        &document.path
    }
}

fn show_command(command: &Command) -> String {
    let program = Path::new(command.get_program())
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let program = if program == "xtask" {
        "target/release/xtask".to_owned()
    } else {
        program
    };
    std::iter::once(program)
        .chain(command.get_args().map(|a| a.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Ours alone on the other real-world documents and on nexus replicated k times.
fn scaling(root: &Path, work: &Path, peers: &Peers) -> Result<String, String> {
    let mut documents: Vec<(String, PathBuf)> = ["keeper", "propolis-server", "buildomat", "nexus"]
        .iter()
        .map(|name| {
            (
                format!("{name}.json"),
                root.join(format!("generator/tests/specs/{name}.json")),
            )
        })
        .collect();
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
    let mut out = String::from(
        "### Ours on larger documents\n\nThe other Oxide documents, and nexus with its paths and schemas \
         replicated k times under new names (refs and operation ids rewritten), to show how cost grows \
         with size; the ×8 document is the ~3 MB case (target: under 1 s and 200 MB).\n\n\
         | Document | Size | Operations | Schemas | Time, median (min–max) | Peak RSS |\n|---|---:|---:|---:|---:|---:|\n",
    );
    let target = work.join("gen-scaling");
    for (name, path) in documents {
        let value: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())?;
        let mut times = Series(Vec::new());
        for _ in 0..RUNS {
            let _ = std::fs::remove_dir_all(&target);
            let mut command = peers.command(Tool::Ours, &path, &target, CRATE);
            times.0.push(timed(&mut command, &name)?);
        }
        let _ = std::fs::remove_dir_all(&target);
        let peak = peak_mb(&peers.command(Tool::Ours, &path, &target, CRATE))
            .map_or("n/a".to_owned(), |mb| format!("{mb:.1} MB"));
        eprintln!("{name}: {}", times.show(1000.0, 1, "ms"));
        let _ = writeln!(
            out,
            "| {name} | {:.0} KB | {} | {} | {} | {peak} |",
            std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) as f64 / 1024.0,
            count_operations(&value, &path)?,
            count_schemas(&value, &path)?,
            times.show(1000.0, 1, "ms"),
        );
    }
    Ok(out)
}

/// A generated crate set up to build on its own.
struct Output {
    tool: Tool,
    dir: PathBuf,
}

impl Output {
    /// Generates the crate and makes it its own workspace (it sits inside ours).
    fn generate(
        peers: &Peers,
        tool: Tool,
        document: &Document,
        dir: PathBuf,
    ) -> Result<Self, String> {
        let command = peers.command(tool, spec_for(tool, document), &dir, CRATE);
        Self::generate_with(tool, command, dir, document.label)
    }

    /// [`generate`](Self::generate) with the generating command given (writing into `dir`).
    fn generate_with(
        tool: Tool,
        mut command: Command,
        dir: PathBuf,
        label: &str,
    ) -> Result<Self, String> {
        let _ = std::fs::remove_dir_all(&dir);
        timed(&mut command, &format!("{} on {label}", tool.label()))?;
        let manifest = dir.join("Cargo.toml");
        let mut text = std::fs::read_to_string(&manifest)
            .map_err(|e| format!("{}: {e}", manifest.display()))?;
        text.push_str("\n[workspace]\n");
        std::fs::write(&manifest, text).map_err(|e| e.to_string())?;
        let output = Output { tool, dir };
        // Downloads stay out of the timings.
        timed(&mut output.cargo(&["fetch"]), "cargo fetch")?;
        Ok(output)
    }

    fn cargo(&self, args: &[&str]) -> Command {
        let mut command = Command::new(crate::test::cargo());
        command
            .args(args)
            .arg("--quiet")
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", self.dir.join("target"));
        command
    }

    /// Crates compiled besides this one (normal and build dependencies, as `cargo tree` lists them).
    fn dependencies(&self) -> Result<usize, String> {
        let output = self
            .cargo(&["tree", "-e", "normal,build", "--prefix", "none"])
            .output()
            .map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&output.stdout);
        let unique: std::collections::BTreeSet<&str> = text
            .lines()
            .map(|l| l.trim_end_matches(" (*)").trim())
            .filter(|l| !l.is_empty())
            .collect();
        Ok(unique.len().saturating_sub(1))
    }

    fn cold_build(&self) -> Result<f64, String> {
        let _ = std::fs::remove_dir_all(self.dir.join("target"));
        timed(
            &mut self.cargo(&["build"]),
            &format!("cargo build of {}'s output", self.tool.label()),
        )
    }

    /// `cargo check` after touching `src/lib.rs`, with `features` (None: the defaults).
    fn touch_then_check(&self, features: Option<&str>) -> Result<f64, String> {
        let mut args = vec!["check"];
        if let Some(features) = features {
            args.extend(["--no-default-features", "--features", features]);
        }
        let lib = self.dir.join("src/lib.rs");
        timed(Command::new("touch").arg(&lib), "touch")?;
        timed(
            &mut self.cargo(&args),
            &format!("cargo {} of {}'s output", args.join(" "), self.tool.label()),
        )
    }
}

/// Touch-then-check of each crate with its features (None: the defaults): a warm-up each,
/// then RUNS rounds, each checking every crate in turn so paired runs see the same machine.
fn interleaved_checks(crates: &[(&Output, Option<&str>)]) -> Result<Vec<Series>, String> {
    for (output, features) in crates {
        output.touch_then_check(*features)?;
    }
    let mut series: Vec<Series> = crates.iter().map(|_| Series(Vec::new())).collect();
    for _ in 0..RUNS {
        for (i, (output, features)) in crates.iter().enumerate() {
            series[i].0.push(output.touch_then_check(*features)?);
        }
    }
    Ok(series)
}

/// Section 2: what the generated crates cost to compile.
fn build(root: &Path, work: &Path, peers: &Peers) -> Result<String, String> {
    let documents = documents(root, work)?;
    let base = work.join("build");
    let mut out = String::from("<!-- section build -->\n## Build cost of the generated crate\n\n");
    let _ = writeln!(
        out,
        "Each generator's output for the same document, built as a crate of its own (`[workspace]` \
         appended to its Cargo.toml, own target directory, dependencies fetched beforehand). Cold: \
         `cargo build` (debug) from an empty target directory, {RUNS} rounds interleaved across the \
         tools. Touch-then-check: `touch src/lib.rs && cargo check`, {RUNS} runs after a warm-up. \
         Dependencies: distinct crates in `cargo tree -e normal,build` besides the crate itself. \
         progenitor's output enables no TLS backend; ours builds rustls. A time ratio above 1 means \
         ours is faster.\n"
    );
    // The curated spec: all three tools, cold and incremental.
    let konnect = &documents[0];
    let outputs: Vec<Output> = Tool::ALL
        .into_iter()
        .enumerate()
        .map(|(i, tool)| Output::generate(peers, tool, konnect, base.join(format!("konnect-{i}"))))
        .collect::<Result<_, _>>()?;
    let mut cold: Vec<Series> = outputs.iter().map(|_| Series(Vec::new())).collect();
    for round in 0..RUNS {
        for (i, output) in outputs.iter().enumerate() {
            let seconds = output.cold_build()?;
            eprintln!(
                "cold build round {round}: {}: {seconds:.1} s",
                output.tool.label()
            );
            cold[i].0.push(seconds);
        }
    }
    let _ = writeln!(
        out,
        "### {}\n\n| Tool | Dependencies | Cold build | Its time / ours | Touch-then-check | Its time / ours |\n|---|---:|---:|---:|---:|---:|",
        konnect.label
    );
    let largest = largest_group(&outputs[0].dir)?;
    let mut crates: Vec<(&Output, Option<&str>)> = outputs.iter().map(|o| (o, None)).collect();
    crates.push((&outputs[0], Some(&largest.0)));
    let mut checks = interleaved_checks(&crates)?;
    let one = checks.pop().unwrap_or(Series(Vec::new()));
    for (i, output) in outputs.iter().enumerate() {
        let cold_ratio = cold[0].ratios(&cold[i]);
        let check_ratio = checks[0].ratios(&checks[i]);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            output.tool.label(),
            output.dependencies()?,
            cold[i].show(1.0, 1, "s"),
            ratio_cell(i, &cold_ratio, 2),
            checks[i].show(1000.0, 0, "ms"),
            ratio_cell(i, &check_ratio, 2),
        );
    }
    let against_progenitor = checks[0].ratios(&checks[1]);
    let _ = writeln!(
        out,
        "\nTarget, touch-then-check no slower than progenitor's output: progenitor's time / ours = \
         **{:.2}** (median of paired runs; {:.2}–{:.2}).",
        against_progenitor.median(),
        against_progenitor.min(),
        against_progenitor.max()
    );
    out.push_str(&one_group(&largest, &one, &checks[0]));
    // nexus: incremental checks only (openapi-generator's output for it is tried once).
    let nexus = &documents[1];
    let _ = writeln!(
        out,
        "\n### {}\n\n| Tool | Dependencies | Touch-then-check | Its time / ours |\n|---|---:|---:|---:|",
        nexus.label
    );
    let nexus_outputs: Vec<Output> = [Tool::Ours, Tool::Progenitor]
        .into_iter()
        .enumerate()
        .map(|(i, tool)| Output::generate(peers, tool, nexus, base.join(format!("nexus-{i}"))))
        .collect::<Result<_, _>>()?;
    let largest = largest_group(&nexus_outputs[0].dir)?;
    let mut crates: Vec<(&Output, Option<&str>)> =
        nexus_outputs.iter().map(|o| (o, None)).collect();
    crates.push((&nexus_outputs[0], Some(&largest.0)));
    let mut nexus_checks = interleaved_checks(&crates)?;
    let one = nexus_checks.pop().unwrap_or(Series(Vec::new()));
    for (i, (output, series)) in nexus_outputs.iter().zip(&nexus_checks).enumerate() {
        let ratio = nexus_checks[0].ratios(series);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            output.tool.label(),
            output.dependencies()?,
            series.show(1000.0, 0, "ms"),
            ratio_cell(i, &ratio, 2)
        );
    }
    let openapi_generator =
        Output::generate(peers, Tool::OpenapiGenerator, nexus, base.join("nexus-2"))?;
    let verdict = match timed(
        &mut openapi_generator.cargo(&["check"]),
        "openapi-generator's nexus crate",
    ) {
        Ok(seconds) => format!("compiles (first `cargo check`: {seconds:.1} s)"),
        Err(message) => {
            let first_error = message
                .lines()
                .find(|l| l.starts_with("error"))
                .unwrap_or("error")
                .to_owned();
            format!("does not compile (`cargo check`: {first_error})")
        }
    };
    let _ = writeln!(
        out,
        "| {} | {} | {verdict} | |",
        Tool::OpenapiGenerator.label(),
        openapi_generator.dependencies()?
    );
    out.push_str(&one_group(&largest, &one, &nexus_checks[0]));
    Ok(out)
}

/// The whole Konnect API as upstream publishes it.
const WHOLE_API: &str = "spec/upstream/konnect.yaml";

/// Section 3: the whole Konnect API. Generation side by side with openapi-generator (progenitor
/// tried once: it reads 3.0 only and is given our 3.0 rewrite), then our crate's check cost.
fn whole_api(root: &Path, work: &Path, peers: &Peers) -> Result<String, String> {
    let path = root.join(WHOLE_API);
    let openapi30 = work.join("konnect-full-3.0.json");
    crate::peers::openapi30(&path, &openapi30)?;
    let document = Document {
        label: "spec/upstream/konnect.yaml (whole API, 833 operations)",
        path,
        openapi30,
    };
    let mut out = String::from("<!-- section konnect -->\n## The whole Konnect API\n\n");
    let _ = writeln!(
        out,
        "`{WHOLE_API}` ({:.1} MB, {} operations, {} schemas), upstream's file unmodified. \
         Generation as a whole process, {RUNS} rounds, ours and openapi-generator one after the \
         other in each round; peak resident memory from one more run each. openapi-generator is \
         given `--skip-validate-spec`, without which it refuses the document (2 errors: \
         `info.x-oas-source` attributes it holds reserved). progenitor is tried once on our 3.0 \
         rewrite of the document.\n\n\
         | Tool | Time, median (min–max) | Peak RSS | Its time / ours |\n|---|---:|---:|---:|",
        std::fs::metadata(&document.path).map_or(0, |m| m.len()) as f64 / 1e6,
        count_operations(&Value::Null, &document.path)?,
        count_schemas(&Value::Null, &document.path)?,
    );
    let tools = [Tool::Ours, Tool::OpenapiGenerator];
    let mut times: Vec<Series> = tools.iter().map(|_| Series(Vec::new())).collect();
    for round in 0..RUNS {
        for (i, tool) in tools.into_iter().enumerate() {
            let target = work.join(format!("whole-{i}"));
            let _ = std::fs::remove_dir_all(&target);
            let mut command = whole_api_command(peers, tool, &document, &target);
            let seconds = timed(&mut command, &format!("{} on the whole API", tool.label()))?;
            eprintln!("whole API round {round}: {}: {seconds:.2} s", tool.label());
            times[i].0.push(seconds);
        }
    }
    for (i, tool) in tools.into_iter().enumerate() {
        let target = work.join(format!("whole-{i}"));
        let _ = std::fs::remove_dir_all(&target);
        let command = whole_api_command(peers, tool, &document, &target);
        let peak = peak_mb(&command).map_or("n/a".to_owned(), |mb| format!("{mb:.0} MB"));
        let _ = writeln!(
            out,
            "| {} | {} | {peak} | {} |",
            tool.label(),
            times[i].show(1.0, 2, "s"),
            ratio_cell(i, &times[0].ratios(&times[i]), 1)
        );
    }
    let target = work.join("whole-progenitor");
    let _ = std::fs::remove_dir_all(&target);
    let mut command = peers.command(Tool::Progenitor, &document.openapi30, &target, CRATE);
    let verdict = match timed(&mut command, "progenitor on the whole API") {
        Ok(seconds) => format!("generates in {seconds:.2} s"),
        Err(message) => format!(
            "fails: `{}`",
            message
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty() && !l.contains("RUST_BACKTRACE"))
                .unwrap_or("no message")
                .trim()
                .replace('`', "'")
        ),
    };
    let _ = writeln!(out, "| {} | {verdict} | | |", Tool::Progenitor.label());
    let _ = writeln!(
        out,
        "\nTarget: ours under 0.5 s and 150 MB for the whole API.\n"
    );
    // Where our time goes, from one more run (`codegen --timings`).
    let target = work.join("whole-stages");
    let _ = std::fs::remove_dir_all(&target);
    let mut command = whole_api_command(peers, Tool::Ours, &document, &target);
    let output = command
        .arg("--timings")
        .output()
        .map_err(|e| format!("sdkgen --timings: {e}"))?;
    if let Some(stages) = String::from_utf8_lossy(&output.stderr)
        .lines()
        .find_map(|l| {
            l.split_once(": load ")
                .map(|(_, rest)| format!("load {rest}"))
        })
    {
        let _ = writeln!(
            out,
            "Ours by stage, one more run (`cargo xtask codegen --timings`): {stages}. Loading \
             parses the YAML in two parts at once, emitting formats on every core; the rest \
             runs on one.\n"
        );
    }

    // What our crate costs to check, dependencies already built.
    let ours = Output::generate(peers, Tool::Ours, &document, work.join("build/whole-ours"))?;
    let (files, lines) = rust_lines(&ours.dir.join("src"))?;
    // Dependencies, built once and left out of every timing.
    timed(
        &mut ours.cargo(&["check", "--no-default-features"]),
        "cargo check of the whole API without groups",
    )?;
    let whole = timed(&mut ours.cargo(&["check"]), "cargo check of the whole API")?;
    let largest = largest_group(&ours.dir)?;
    let checks = interleaved_checks(&[(&ours, None), (&ours, Some(&largest.0))])?;
    let _ = writeln!(
        out,
        "Our crate: {lines} lines of Rust in {files} files under `src/`. With its dependencies \
         already built, `cargo check` of the whole crate (every group) took {whole:.1} s.\n\n\
         | Touch `src/lib.rs`, then `cargo check` | Time, median (min–max) |\n|---|---:|\n\
         | every group (default features) | {} |\n\
         | one group (`--no-default-features --features {}`, the largest: {} of {} operations) | {} |\n",
        checks[0].show(1.0, 1, "s"),
        largest.0,
        largest.1,
        largest.2,
        checks[1].show(1.0, 1, "s"),
    );
    let ratio = checks[1].ratios(&checks[0]);
    let _ = writeln!(
        out,
        "One group alone checks {:.1}× faster than every group (median of paired ratios; {:.1}–{:.1}).\n",
        ratio.median(),
        ratio.min(),
        ratio.max()
    );
    let dir = work.join("build/whole-openapi-generator");
    let openapi_generator = Output::generate_with(
        Tool::OpenapiGenerator,
        whole_api_command(peers, Tool::OpenapiGenerator, &document, &dir),
        dir,
        document.label,
    )?;
    let (theirs_files, theirs_lines) = rust_lines(&openapi_generator.dir.join("src"))?;
    let verdict = match timed(
        &mut openapi_generator.cargo(&["check"]),
        "openapi-generator's whole-API crate",
    ) {
        Ok(seconds) => {
            format!("compiles (first `cargo check`, dependencies included: {seconds:.1} s)")
        }
        Err(message) => {
            let errors = message.lines().filter(|l| l.starts_with("error")).count();
            let first = message
                .lines()
                .find(|l| l.starts_with("error"))
                .unwrap_or("error")
                .replace('`', "'");
            format!("does not compile (`cargo check`: {first}; {errors} error lines in the last 15 of its output)")
        }
    };
    let _ = writeln!(
        out,
        "openapi-generator's crate for the same document: {theirs_lines} lines of Rust in \
         {theirs_files} files; {verdict}.\n"
    );
    Ok(out)
}

/// A tool's generation command for the whole API: openapi-generator's validator refuses
/// upstream's document, so it is skipped, as its message suggests.
fn whole_api_command(peers: &Peers, tool: Tool, document: &Document, out: &Path) -> Command {
    let mut command = peers.command(tool, spec_for(tool, document), out, CRATE);
    if tool == Tool::OpenapiGenerator {
        command.arg("--skip-validate-spec");
    }
    command
}

/// Files and lines of Rust under `dir`.
fn rust_lines(dir: &Path) -> Result<(usize, usize), String> {
    let mut files = 0;
    let mut lines = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files += 1;
                lines += std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e}", path.display()))?
                    .lines()
                    .count();
            }
        }
    }
    Ok((files, lines))
}

/// `median× (min–max)` of the paired ratios; ours (row 0) against itself is `1`.
fn ratio_cell(i: usize, ratios: &Series, decimals: usize) -> String {
    if i == 0 {
        "1".to_owned()
    } else {
        format!(
            "{:.*}× ({:.*}–{:.*})",
            decimals,
            ratios.median(),
            decimals,
            ratios.min(),
            decimals,
            ratios.max()
        )
    }
}

/// Our crate checked with only its largest group's feature against all groups.
fn one_group(largest: &(String, usize, usize), one: &Series, all: &Series) -> String {
    let ratio = one.ratios(all);
    format!(
        "\nOurs with one resource group (`--no-default-features --features {}`, the largest: {} of {} operations): \
         touch-then-check {} against {} with every group, {:.2}× faster (median of paired ratios; {:.2}–{:.2}).\n",
        largest.0,
        largest.1,
        largest.2,
        one.show(1000.0, 0, "ms"),
        all.show(1000.0, 0, "ms"),
        ratio.median(),
        ratio.min(),
        ratio.max(),
    )
}

/// The feature of the group with the most operations, its count and the total, read off our
/// output: `src/lib.rs` gates each group module by its feature, and each operation has one
/// `static OPERATION`.
fn largest_group(dir: &Path) -> Result<(String, usize, usize), String> {
    let lib = std::fs::read_to_string(dir.join("src/lib.rs")).map_err(|e| e.to_string())?;
    let mut groups: Vec<(String, usize)> = Vec::new();
    let mut feature = None;
    for line in lib.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("#[cfg(feature = \"") {
            feature = rest.split('"').next().map(str::to_owned);
        } else if let Some(module) = line
            .strip_prefix("pub mod ")
            .and_then(|m| m.strip_suffix(';'))
        {
            if let Some(feature) = feature.take() {
                let file = dir.join(format!("src/{}.rs", module.trim_start_matches("r#")));
                let text = std::fs::read_to_string(&file)
                    .map_err(|e| format!("{}: {e}", file.display()))?;
                groups.push((feature, text.matches("static OPERATION:").count()));
            }
        }
    }
    let total = groups.iter().map(|(_, n)| n).sum();
    groups
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(feature, n)| (feature, n, total))
        .ok_or_else(|| format!("no feature-gated group in {}", dir.display()))
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
        let path = crate::target_dir()
            .join("criterion")
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
    let allocations: Value = std::fs::read_to_string(root.join("target/bench/runtime.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    let mut out = String::from("<!-- section runtime -->\n");
    let _ = writeln!(out, "## Runtime overhead per call\n");
    let _ = writeln!(
        out,
        "`get_personal_access_token_details` through the SDK against the same GET made by hand with `reqwest` \
         (the URL formatted from the two typed ids, bearer token, `Accept` header) and decoded with `serde_json` \
         into the same model, both against a minimal keep-alive HTTP/1.1 server on loopback, retries off \
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
        "\nRatio SDK / by hand of the criterion medians: **{:.3}** (target: at most 1.05).\n",
        sdk.0 / by_hand.0
    );
    let paired = Series(
        allocations["paired_ratios"]
            .as_array()
            .map(|ratios| ratios.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default(),
    );
    let _ = writeln!(
        out,
        "Paired: 10,000 calls each way in alternating batches of 500 (each batch of SDK calls \
         divided by the batch by hand next to it, which side goes first alternating): median **{:.3}**, \
         min {:.3}, max {:.3} over {} pairs.\n",
        paired.median(),
        paired.min(),
        paired.max(),
        paired.0.len()
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
