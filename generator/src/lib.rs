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

use std::path::Path;
use std::time::{Duration, Instant};

pub use emit::{File, Options};
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
    generate_timed(spec, overlay, options).map(|(files, _)| files)
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

/// [`generate_with_overlay`], also saying how long each stage took.
pub fn generate_timed(
    spec: &Path,
    overlay: Option<&Path>,
    options: &Options,
) -> Result<(Vec<File>, Timings), Error> {
    let mut timings = Timings::default();
    let start = Instant::now();
    let mut source = load::Source::read(spec)?;
    if let Some(overlay) = overlay {
        overlay::apply(&mut source, &load::Source::read(overlay)?)?;
    }
    timings.load = start.elapsed();
    let files = generate_from_source(source, options, &mut timings)?;
    Ok((files, timings))
}

/// Generates from a document already in memory; `file` names it in messages.
pub fn generate_from_str(file: &str, text: &str, options: &Options) -> Result<Vec<File>, Error> {
    generate_from_source(
        load::Source::parse(file, text.to_owned())?,
        options,
        &mut Timings::default(),
    )
}

/// Loads and lowers a document into the IR without emitting anything.
pub fn lower_str(file: &str, text: &str) -> Result<ir::Api, Error> {
    let doc = adapter::Document::parse(load::Source::parse(file, text.to_owned())?)?;
    lower::lower(&doc)
}

fn generate_from_source(
    source: load::Source,
    options: &Options,
    timings: &mut Timings,
) -> Result<Vec<File>, Error> {
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
    Ok(files)
}
