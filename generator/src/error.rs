//! Errors the generator reports: every one names where in the document it comes from.

use std::fmt;
use std::path::PathBuf;

/// A place in the input document: a JSON pointer and, when it could be found, its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// RFC 6901 JSON pointer, `""` for the whole document.
    pub pointer: String,
    /// 1-based line in the source file, when the pointer could be located.
    pub line: Option<usize>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        match self.line {
            Some(line) => write!(f, "#{pointer} (line {line})"),
            None => write!(f, "#{pointer}"),
        }
    }
}

/// One problem in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where the problem is.
    pub location: Location,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Everything that can stop generation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O failure.
        source: std::io::Error,
    },
    /// The input is not well-formed YAML or JSON.
    #[error("{file}:{line}:{column}: not valid {format}: {message}")]
    Syntax {
        /// The file's name as given.
        file: String,
        /// `YAML` or `JSON`.
        format: &'static str,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// The document is well-formed but the generator cannot turn it into an SDK.
    #[error("{file}: {} problem(s):\n{}", diagnostics.len(), render(diagnostics))]
    Spec {
        /// The file's name as given.
        file: String,
        /// Every problem found, in document order.
        diagnostics: Vec<Diagnostic>,
    },
    /// A template failed to render: a generator bug, reported rather than panicking.
    #[error("template {name}: {message}")]
    Template {
        /// The template's name.
        name: String,
        /// The renderer's message.
        message: String,
    },
    /// Emitted Rust did not parse: a generator bug, reported rather than panicking.
    #[error("generated {file} is not valid Rust ({message}); this is a generator bug")]
    InvalidOutput {
        /// The output file.
        file: String,
        /// The parser's message.
        message: String,
    },
}

fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| format!("  - {d}"))
        .collect::<Vec<_>>()
        .join("\n")
}
