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
    let mut source = load::Source::read(spec)?;
    if let Some(overlay) = overlay {
        overlay::apply(&mut source, &load::Source::read(overlay)?)?;
    }
    generate_from_source(source, options)
}

/// Generates from a document already in memory; `file` names it in messages.
pub fn generate_from_str(file: &str, text: &str, options: &Options) -> Result<Vec<File>, Error> {
    generate_from_source(load::Source::parse(file, text.to_owned())?, options)
}

/// Loads and lowers a document into the IR without emitting anything.
pub fn lower_str(file: &str, text: &str) -> Result<ir::Api, Error> {
    let doc = adapter::Document::parse(load::Source::parse(file, text.to_owned())?)?;
    lower::lower(&doc)
}

fn generate_from_source(source: load::Source, options: &Options) -> Result<Vec<File>, Error> {
    let api = {
        let doc = adapter::Document::parse(source)?;
        lower::lower(&doc)?
    };
    // The parsed document is gone before emitting: peak memory is the larger of the two
    // stages, not their sum.
    emit::emit(&api, options)
}
