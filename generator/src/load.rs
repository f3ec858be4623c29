//! Stage 1: read a YAML or JSON document into a JSON value, keeping the text for locating errors.

use std::path::Path;

use crate::error::{Diagnostic, Error, Location};
use crate::locate;

/// The document as read: its text (to find lines) and its value.
pub struct Source {
    /// The file's name, as shown in messages.
    pub file: String,
    /// The raw text.
    pub text: String,
    /// The parsed document.
    pub value: serde_json::Value,
}

impl Source {
    /// Reads and parses a file.
    pub fn read(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&path.display().to_string(), text)
    }

    /// Parses text: JSON when it starts with `{`, YAML otherwise (YAML 1.2 is a superset of JSON,
    /// but serde_json is several times faster and reports better positions on JSON).
    pub fn parse(file: &str, text: String) -> Result<Self, Error> {
        let value = if text.trim_start().starts_with('{') {
            serde_json::from_str(&text).map_err(|e| Error::Syntax {
                file: file.to_owned(),
                format: "JSON",
                line: e.line(),
                column: e.column(),
                message: strip_position(&e.to_string()),
            })?
        } else {
            serde_yaml::from_str(&text).map_err(|e| {
                let (line, column) = e
                    .location()
                    .map(|l| (l.line(), l.column()))
                    .unwrap_or((1, 1));
                Error::Syntax {
                    file: file.to_owned(),
                    format: "YAML",
                    line,
                    column,
                    message: strip_position(&e.to_string()),
                }
            })?
        };
        Ok(Source {
            file: file.to_owned(),
            text,
            value,
        })
    }

    /// The location of a JSON pointer in this document.
    pub fn locate(&self, pointer: &str) -> Location {
        Location {
            pointer: pointer.to_owned(),
            line: locate::line_of(&self.text, pointer),
        }
    }

    /// Turns located-later problems into the spec error, resolving their lines in one pass.
    pub fn spec_error(&self, problems: Vec<(String, String)>) -> Error {
        let pointers: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
        let lines = locate::lines_of(&self.text, &pointers);
        let mut diagnostics: Vec<Diagnostic> = problems
            .into_iter()
            .zip(lines)
            .map(|((pointer, message), line)| Diagnostic {
                location: Location { pointer, line },
                message,
            })
            .collect();
        diagnostics.sort_by(|a, b| {
            (a.location.line, &a.location.pointer).cmp(&(b.location.line, &b.location.pointer))
        });
        Error::Spec {
            file: self.file.clone(),
            diagnostics,
        }
    }
}

/// Parsers append " at line X column Y"; we report the position in fields of our own.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
