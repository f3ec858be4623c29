//! The repository's automation, as a library so `cargo test` can run the drift check too.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sdkgen::{File, Options, RuntimeDependency};

pub mod bench;
pub mod contract_suites;
pub mod peers;
pub mod semver;
pub mod test;

/// The command that regenerates `generated/`, named in every generated file.
pub const REGENERATE: &str = "cargo xtask codegen";

/// What `codegen` works on.
#[derive(Debug, Clone)]
pub struct Codegen {
    /// The OpenAPI document.
    pub spec: PathBuf,
    /// The OpenAPI Overlay applied to it first, if any.
    pub overlay: Option<PathBuf>,
    /// The crate directory to write.
    pub out: PathBuf,
    /// The crate's package name.
    pub crate_name: String,
    /// Whether the crate gets the contract suite (`tests/contract.rs`, run against Prism).
    pub contract_tests: bool,
    /// Where the crate gets `sdkgen-runtime` from.
    pub runtime: RuntimeSource,
}

/// Where a generated crate gets `sdkgen-runtime` from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeSource {
    /// This repository's `runtime/`, by a path relative to the crate (with the version, as
    /// `cargo package` needs): the committed crates, and any crate generated here, whose
    /// runtime is then the one it was generated for.
    Repository,
    /// A copy of the runtime in this directory.
    Path(PathBuf),
    /// The registry: the published `sdkgen-runtime` of the generator's version.
    Registry,
}

impl RuntimeSource {
    /// The dependency of a crate written to `out`.
    fn dependency(&self, out: &Path) -> RuntimeDependency {
        let path = match self {
            RuntimeSource::Repository => workspace_root().join("runtime"),
            RuntimeSource::Path(path) => path.clone(),
            RuntimeSource::Registry => return RuntimeDependency::Registry,
        };
        RuntimeDependency::Path(relative(out, &path).display().to_string())
    }
}

/// `to` as a path relative to `from`, both taken against the current directory and resolved
/// lexically (`from` need not exist yet); `to` made absolute when they share no root.
pub fn relative(from: &Path, to: &Path) -> PathBuf {
    fn absolute(path: &Path) -> PathBuf {
        let joined = std::env::current_dir()
            .map(|dir| dir.join(path))
            .unwrap_or_else(|_| path.to_path_buf());
        let mut resolved = PathBuf::new();
        for part in joined.components() {
            match part {
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir => {
                    resolved.pop();
                }
                other => resolved.push(other),
            }
        }
        resolved
    }
    let (from, to) = (absolute(from), absolute(to));
    let shared = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    if shared == 0 {
        return to;
    }
    let mut path = PathBuf::new();
    for _ in from.components().skip(shared) {
        path.push("..");
    }
    for part in to.components().skip(shared) {
        path.push(part);
    }
    path
}

impl Codegen {
    /// The repository's own SDK: `spec/konnect.yaml` into `generated/`.
    pub fn konnect() -> Self {
        let root = workspace_root();
        Codegen {
            spec: root.join("spec/konnect.yaml"),
            overlay: None,
            out: root.join("generated"),
            crate_name: "konnect-sdk".to_owned(),
            contract_tests: true,
            runtime: RuntimeSource::Repository,
        }
    }

    /// The SDK the behaviour tests call for what goes over the wire beyond the Konnect
    /// groups: `sdk-tests/wire.yaml` into `sdk-tests/wire-sdk/`.
    pub fn wire() -> Self {
        let root = workspace_root();
        Codegen {
            spec: root.join("sdk-tests/wire.yaml"),
            overlay: None,
            out: root.join("sdk-tests/wire-sdk"),
            crate_name: "wire-sdk".to_owned(),
            contract_tests: false,
            runtime: RuntimeSource::Repository,
        }
    }

    /// The SDK of the whole Konnect API: Kong's description, vendored unchanged as
    /// `spec/upstream/konnect.yaml`, with `spec/upstream/konnect.overlay.yaml` applied, into
    /// `kong-konnect/`.
    pub fn kong_konnect() -> Self {
        let root = workspace_root();
        Codegen {
            spec: root.join("spec/upstream/konnect.yaml"),
            overlay: Some(root.join("spec/upstream/konnect.overlay.yaml")),
            out: root.join("kong-konnect"),
            crate_name: "kong-konnect".to_owned(),
            contract_tests: true,
            runtime: RuntimeSource::Repository,
        }
    }

    /// Every committed crate `cargo xtask codegen` writes.
    pub fn committed() -> Vec<Self> {
        vec![Self::konnect(), Self::kong_konnect(), Self::wire()]
    }

    /// The files the generator would write.
    pub fn render(&self) -> Result<Vec<File>, sdkgen::Error> {
        Ok(self.generate()?.files)
    }

    /// The files the generator would write, with what it reports about them.
    pub fn generate(&self) -> Result<sdkgen::Generated, sdkgen::Error> {
        let options = Options {
            crate_name: self.crate_name.clone(),
            crate_version: "0.1.0".to_owned(),
            regenerate_with: if Self::committed().contains(self) {
                REGENERATE.to_owned()
            } else {
                format!(
                    "{REGENERATE} --spec {}{} --out {} --crate-name {}{}{}",
                    self.spec.display(),
                    self.overlay
                        .as_ref()
                        .map(|o| format!(" --overlay {}", o.display()))
                        .unwrap_or_default(),
                    self.out.display(),
                    self.crate_name,
                    if self.contract_tests {
                        " --contract-tests"
                    } else {
                        ""
                    },
                    match &self.runtime {
                        RuntimeSource::Repository => String::new(),
                        RuntimeSource::Path(path) => format!(" --runtime-path {}", path.display()),
                        RuntimeSource::Registry => " --runtime-registry".to_owned(),
                    }
                )
            },
            contract_tests: self.contract_tests,
            runtime: self.runtime.dependency(&self.out),
        };
        sdkgen::generate_with_summary(&self.spec, self.overlay.as_deref(), &options)
    }
}

impl PartialEq for Codegen {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
            && self.overlay == other.overlay
            && self.out == other.out
            && self.crate_name == other.crate_name
    }
}

/// The workspace root (xtask's parent directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Where cargo builds the workspace: `CARGO_TARGET_DIR` when set, else `target/`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Whether to write files or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write what differs, delete what the generator no longer produces.
    Write,
    /// Change nothing; report what differs.
    Check,
}

/// The one writer that is also the checker: writes (or, in check mode, compares) every file,
/// skipping unchanged ones, and deletes (or reports) files the generator no longer produces.
/// Returns a report of the stale files with a diff of each; empty when everything was fresh.
pub fn ensure_files(out: &Path, files: &[File], mode: Mode) -> std::io::Result<Vec<String>> {
    // Files are independent: compared and written on every core (a crate of the whole
    // Konnect API is 310 files, and creating them is a good part of a generation run).
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_worker = files.len().div_ceil(workers).max(1);
    let mut stale = std::thread::scope(|scope| {
        let jobs: Vec<_> = files
            .chunks(per_worker)
            .map(|chunk| scope.spawn(move || ensure_chunk(out, chunk, mode)))
            .collect();
        let mut stale = Vec::new();
        for job in jobs {
            match job.join() {
                Ok(found) => stale.extend(found?),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        std::io::Result::Ok(stale)
    })?;
    let generated: BTreeSet<&Path> = files.iter().map(|f| Path::new(&f.path)).collect();
    for extra in existing_files(out)? {
        if generated.contains(extra.as_path()) {
            continue;
        }
        stale.push(format!("{}: no longer generated", extra.display()));
        if mode == Mode::Write {
            std::fs::remove_file(out.join(&extra))?;
        }
    }
    Ok(stale)
}

/// [`ensure_files`] for some of the files, in their order.
fn ensure_chunk(out: &Path, files: &[File], mode: Mode) -> std::io::Result<Vec<String>> {
    let mut stale = Vec::new();
    // Each directory is created once, not once per file in it.
    let mut made: BTreeSet<PathBuf> = BTreeSet::new();
    for file in files {
        let path = out.join(&file.path);
        let current = std::fs::read_to_string(&path)
            .ok()
            .map(|s| s.replace("\r\n", "\n"));
        if current.as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        // Writing needs only the names; the diff is for telling what is stale.
        stale.push(match mode {
            Mode::Check => describe(&file.path, current.as_deref().unwrap_or(""), &file.contents),
            Mode::Write => file.path.clone(),
        });
        if mode == Mode::Write {
            if let Some(parent) = path.parent() {
                if current.is_none() && made.insert(parent.to_owned()) {
                    std::fs::create_dir_all(parent)?;
                }
            }
            std::fs::write(&path, &file.contents)?;
        }
    }
    Ok(stale)
}

fn describe(path: &str, old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut text = format!("{path}:\n");
    let unified = diff
        .unified_diff()
        .context_radius(2)
        .header("committed", "generated")
        .to_string();
    // A whole-file diff of a new file says nothing useful past its first lines.
    for line in unified.lines().take(40) {
        let _ = writeln!(text, "    {line}");
    }
    text
}

/// Files under `out`, relative to it, skipping build output.
fn existing_files(out: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(relative) = stack.pop() {
        let dir = out.join(&relative);
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            if name == "target" || name == "Cargo.lock" {
                continue;
            }
            let path = relative.join(&name);
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_paths_are_relative_to_the_crate() {
        let root = workspace_root();
        assert_eq!(
            relative(&root.join("generated"), &root.join("runtime")),
            Path::new("../runtime")
        );
        assert_eq!(
            relative(&root.join("sdk-tests/wire-sdk"), &root.join("runtime")),
            Path::new("../../runtime")
        );
        assert_eq!(
            relative(&root.join("target/x/../y/sdk"), &root.join("./runtime")),
            Path::new("../../../runtime")
        );
        assert_eq!(
            RuntimeSource::Registry.dependency(&root),
            RuntimeDependency::Registry
        );
    }
}
