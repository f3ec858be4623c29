//! The peers `cargo xtask bench` compares against: progenitor (`cargo progenitor`) and
//! openapi-generator's `rust` target. Installs them when missing and runs them the way their
//! documentation says.

use std::path::{Path, PathBuf};
use std::process::Command;

/// progenitor's version, as `cargo install` pins it.
pub const PROGENITOR_VERSION: &str = "0.15.1";
/// openapi-generator's version, as `pip install` pins it.
pub const OPENAPI_GENERATOR_VERSION: &str = "7.26.0";

/// One generator under comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// This repository's generator (`target/release/xtask codegen`).
    Ours,
    /// `cargo progenitor`.
    Progenitor,
    /// `openapi-generator-cli generate -g rust`.
    OpenapiGenerator,
}

impl Tool {
    /// Every tool, ours first.
    pub const ALL: [Tool; 3] = [Tool::Ours, Tool::Progenitor, Tool::OpenapiGenerator];

    /// The name tables use.
    pub fn label(self) -> &'static str {
        match self {
            Tool::Ours => "sdkgen (ours)",
            Tool::Progenitor => "progenitor",
            Tool::OpenapiGenerator => "openapi-generator",
        }
    }
}

/// Where the tools are, once installed.
pub struct Peers {
    /// Our release generator.
    pub ours: PathBuf,
    /// The `cargo-progenitor` binary, called directly (as `cargo progenitor` would) so cargo's
    /// own start-up is not counted against it.
    pub progenitor: PathBuf,
    /// The `openapi-generator-cli` launcher (a Python script starting the bundled jar).
    pub openapi_generator: PathBuf,
}

impl Peers {
    /// Installs whatever is missing: `cargo install cargo-progenitor`, `pip install
    /// openapi-generator-cli` (which needs Java).
    pub fn install(ours: PathBuf) -> Result<Self, String> {
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
            .ok_or("neither CARGO_HOME nor HOME is set")?;
        let progenitor = cargo_home.join("bin/cargo-progenitor");
        if !installed_version_is(&cargo_home, "cargo-progenitor", PROGENITOR_VERSION) {
            eprintln!("installing cargo-progenitor {PROGENITOR_VERSION}");
            crate::test::run_checked(Command::new(crate::test::cargo()).args([
                "install",
                "cargo-progenitor",
                "--locked",
                "--version",
                PROGENITOR_VERSION,
            ]))?;
        }
        let pip_show = Command::new("python3")
            .args(["-m", "pip", "show", "openapi-generator-cli"])
            .output()
            .map_err(|e| format!("python3: {e}; openapi-generator-cli needs Python 3 and pip"))?;
        let wanted = format!("Version: {OPENAPI_GENERATOR_VERSION}");
        if !String::from_utf8_lossy(&pip_show.stdout).contains(&wanted) {
            eprintln!("installing openapi-generator-cli {OPENAPI_GENERATOR_VERSION}");
            crate::test::run_checked(Command::new("python3").args([
                "-m",
                "pip",
                "install",
                "--quiet",
                &format!("openapi-generator-cli=={OPENAPI_GENERATOR_VERSION}"),
            ]))?;
        }
        if Command::new("java").arg("-version").output().is_err() {
            return Err("openapi-generator needs Java (a JRE 11 or later) on PATH".to_owned());
        }
        let openapi_generator = which("openapi-generator-cli")
            .ok_or("openapi-generator-cli is installed but not on PATH")?;
        Ok(Peers {
            ours,
            progenitor,
            openapi_generator,
        })
    }

    /// The command generating a crate named `name` from `spec` into `out` with `tool`.
    /// progenitor reads only OpenAPI 3.0: give it [`openapi30`]'s output.
    pub fn command(&self, tool: Tool, spec: &Path, out: &Path, name: &str) -> Command {
        match tool {
            Tool::Ours => {
                let mut cmd = Command::new(&self.ours);
                cmd.args(["codegen", "--spec"])
                    .arg(spec)
                    .arg("--out")
                    .arg(out)
                    .args(["--crate-name", name]);
                cmd
            }
            Tool::Progenitor => {
                let mut cmd = Command::new(&self.progenitor);
                cmd.args(["progenitor", "-i"])
                    .arg(spec)
                    .arg("-o")
                    .arg(out)
                    .args(["-n", name, "-v", "0.1.0"]);
                cmd
            }
            Tool::OpenapiGenerator => {
                let mut cmd = Command::new(&self.openapi_generator);
                cmd.args(["generate", "-g", "rust", "-i"])
                    .arg(spec)
                    .arg("-o")
                    .arg(out)
                    .args([
                        "--package-name",
                        name,
                        "--additional-properties",
                        "library=reqwest,supportAsync=true",
                    ]);
                cmd
            }
        }
    }

    /// The versions in use, for the report.
    pub fn versions(&self) -> Vec<(String, String)> {
        let first_line = |cmd: &mut Command| {
            cmd.output()
                .ok()
                .map(|o| {
                    let text = if o.stdout.is_empty() {
                        o.stderr
                    } else {
                        o.stdout
                    };
                    String::from_utf8_lossy(&text)
                        .lines()
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_owned()
                })
                .unwrap_or_default()
        };
        vec![
            (
                "rustc".to_owned(),
                first_line(Command::new("rustc").arg("--version")),
            ),
            (
                "progenitor".to_owned(),
                format!("cargo-progenitor {PROGENITOR_VERSION}"),
            ),
            (
                "openapi-generator".to_owned(),
                format!(
                    "openapi-generator-cli {} on {}",
                    first_line(Command::new(&self.openapi_generator).arg("version")),
                    first_line(Command::new("java").arg("-version"))
                ),
            ),
        ]
    }
}

fn installed_version_is(cargo_home: &Path, package: &str, version: &str) -> bool {
    // `cargo install` records what it installed in `.crates.toml`.
    std::fs::read_to_string(cargo_home.join(".crates.toml"))
        .is_ok_and(|text| text.contains(&format!("\"{package} {version} ")))
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|path| path.is_file())
    })
}

/// Writes `spec` as the OpenAPI 3.0 JSON our own front end reads it as (3.1 constructs such
/// as `type: [T, "null"]` and `examples` rewritten to their 3.0 forms, then parsed into the
/// 3.0 model and serialised back), for peers that read only 3.0.
pub fn openapi30(spec: &Path, out: &Path) -> Result<(), String> {
    let source = sdkgen::load::Source::read(spec).map_err(|e| e.to_string())?;
    let doc = sdkgen::adapter::Document::parse(source).map_err(|e| e.to_string())?;
    let value = doc.to_openapi30().map_err(|e| e.to_string())?;
    std::fs::write(
        out,
        serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?,
    )
    .map_err(|e| format!("{}: {e}", out.display()))
}
