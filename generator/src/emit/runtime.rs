//! The runtime: ordinary Rust, tested as such, that every generated crate carries verbatim in
//! `src/runtime/`. Embedded at build time so the generator is one self-contained binary.

use super::File;

/// The runtime's files, by name.
const RUNTIME: &[(&str, &str)] = &[("mod.rs", include_str!("../../runtime/mod.rs"))];

/// The runtime's files, stamped.
pub fn files(stamp: &str) -> Vec<File> {
    RUNTIME
        .iter()
        .map(|(name, text)| File {
            path: format!("src/runtime/{name}"),
            contents: format!("{stamp}{text}"),
        })
        .collect()
}
