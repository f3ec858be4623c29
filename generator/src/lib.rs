//! `sdkgen` turns an OpenAPI 3.0/3.1 document into a typed Rust SDK crate.
//!
//! The stages run one way: [`load`] reads YAML or JSON, [`overlay`] applies an OpenAPI Overlay
//! when one is given, [`adapter`] normalises and parses it,
//! [`lower`] resolves it into the [`ir`], and [`emit`] writes files from the IR alone.

pub mod adapter;
pub mod emit;
pub mod error;
pub mod ir;
pub mod load;
mod locate;
pub mod lower;
pub mod naming;
pub mod overlay;
pub mod surface;

use std::path::Path;
use std::time::{Duration, Instant};

pub use emit::{File, Options, RuntimeDependency, RUNTIME_VERSION};
pub use error::Error;

/// Generates the files of an SDK crate from the document at `spec`.
pub fn generate(spec: &Path, options: &Options) -> Result<Vec<File>, Error> {
    generate_with_overlay(spec, None, options)
}

/// Generates from the document at `spec` once the OpenAPI Overlay at `overlay`, if any, is
/// applied to it.
pub fn generate_with_overlay(
    spec: &Path,
    overlay: Option<&Path>,
    options: &Options,
) -> Result<Vec<File>, Error> {
    Ok(generate_with_summary(spec, overlay, options)?.files)
}

/// Generates as [`generate_with_overlay`] does, with what generation has to say besides.
pub fn generate_with_summary(
    spec: &Path,
    overlay: Option<&Path>,
    options: &Options,
) -> Result<Generated, Error> {
    let mut timings = Timings::default();
    let start = Instant::now();
    let mut source = load::Source::read(spec)?;
    if let Some(overlay) = overlay {
        overlay::apply(&mut source, &load::Source::read(overlay)?)?;
    }
    timings.load = start.elapsed();
    let api = {
        let start = Instant::now();
        let doc = adapter::Document::parse(source)?;
        timings.parse = start.elapsed();
        let start = Instant::now();
        let api = lower::lower(&doc)?;
        timings.lower = start.elapsed();
        api
    };
    // The parsed document is gone before emitting: peak memory is the larger of the two
    // stages, not their sum.
    let start = Instant::now();
    let files = emit::emit(&api, options)?;
    timings.emit = start.elapsed();
    Ok(Generated {
        files,
        numbered: api.numbered,
        timings,
    })
}

/// How long each stage of a generation took (`cargo xtask codegen --timings` prints them).
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Reading the files and parsing their YAML or JSON, the overlay applied.
    pub load: Duration,
    /// Normalising to the 3.0 model and parsing it ([`adapter`]).
    pub parse: Duration,
    /// Lowering into the IR and its passes ([`lower`]).
    pub lower: Duration,
    /// Writing every file's text ([`emit`]), on every core.
    pub emit: Duration,
}

/// Generates from a document already in memory; `file` names it in messages.
pub fn generate_from_str(file: &str, text: &str, options: &Options) -> Result<Vec<File>, Error> {
    let api = lower_str(file, text)?;
    emit::emit(&api, options)
}

/// Loads and lowers a document into the IR without emitting anything.
pub fn lower_str(file: &str, text: &str) -> Result<ir::Api, Error> {
    lower_source(load::Source::parse(file, text.to_owned())?)
}

/// Loads the document at `spec`, applies the overlay at `overlay` if any, and lowers it.
pub fn lower_path(spec: &Path, overlay: Option<&Path>) -> Result<ir::Api, Error> {
    let mut source = load::Source::read(spec)?;
    if let Some(overlay) = overlay {
        overlay::apply(&mut source, &load::Source::read(overlay)?)?;
    }
    lower_source(source)
}

fn lower_source(source: load::Source) -> Result<ir::Api, Error> {
    let doc = adapter::Document::parse(source)?;
    lower::lower(&doc)
}

/// A generated crate, and what generation says about it.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Every file of the crate.
    pub files: Vec<File>,
    /// The types whose names had to be numbered, every name their title and place give
    /// being taken by another type.
    pub numbered: Vec<ir::NumberedName>,
    /// How long each stage took.
    pub timings: Timings,
}

impl Generated {
    /// One line saying which type names are numbered and why, when any is.
    pub fn summary(&self) -> Option<String> {
        if self.numbered.is_empty() {
            return None;
        }
        let each: Vec<String> = self
            .numbered
            .iter()
            .map(|n| {
                format!(
                    "{} (#{}: {} taken)",
                    n.name,
                    n.pointer,
                    n.wanted
                        .iter()
                        .map(|w| format!("`{w}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
            .collect();
        Some(format!(
            "{} type name(s) numbered, every name their title and place give being taken: {}",
            self.numbered.len(),
            each.join("; ")
        ))
    }
}
