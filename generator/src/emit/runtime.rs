//! The runtime: ordinary Rust, tested as such, that every generated crate carries verbatim in
//! `src/runtime/`. Embedded at build time so the generator is one self-contained binary.

use super::File;

/// The runtime's files, by name.
const RUNTIME: &[(&str, &str)] = &[
    ("auth.rs", include_str!("../../runtime/auth.rs")),
    ("call.rs", include_str!("../../runtime/call.rs")),
    ("client.rs", include_str!("../../runtime/client.rs")),
    ("encoding.rs", include_str!("../../runtime/encoding.rs")),
    ("error.rs", include_str!("../../runtime/error.rs")),
    ("exchange.rs", include_str!("../../runtime/exchange.rs")),
    ("hooks.rs", include_str!("../../runtime/hooks.rs")),
    ("mod.rs", include_str!("../../runtime/mod.rs")),
    ("multipart.rs", include_str!("../../runtime/multipart.rs")),
    ("redirect.rs", include_str!("../../runtime/redirect.rs")),
    ("retry.rs", include_str!("../../runtime/retry.rs")),
    (
        "serde_helpers.rs",
        include_str!("../../runtime/serde_helpers.rs"),
    ),
];

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
