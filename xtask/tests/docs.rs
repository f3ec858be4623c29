//! Every Rust snippet in the generated Markdown is compiled: each Markdown file is included in
//! the crate's docs (so rustdoc turns its snippets into doctests), and no Rust block opts out.

use std::path::{Path, PathBuf};

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

#[test]
fn every_markdown_snippet_is_compiled() {
    // The curated crate, and the whole-API one with its 146 group pages.
    for (dir, at_least) in [("generated", 20), ("kong-konnect", 833)] {
        check_crate(dir, at_least);
    }
}

fn check_crate(dir: &str, at_least: usize) {
    let generated = xtask::workspace_root().join(dir);
    // Without whitespace: a long `include_str!` is broken over lines.
    let lib: String = std::fs::read_to_string(generated.join("src/lib.rs"))
        .expect("lib.rs")
        .split_whitespace()
        .collect();
    let mut files = Vec::new();
    markdown_files(&generated, &mut files);
    files.retain(|f| !f.starts_with(generated.join("target")));
    let mut compiled = 0;
    for file in &files {
        let relative = file
            .strip_prefix(&generated)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        assert!(
            lib.contains(&format!("include_str!(\"../{relative}\")")),
            "{relative} is not included in the crate's docs, so its snippets are not compiled"
        );
        let text = std::fs::read_to_string(file).unwrap();
        let mut in_block = false;
        for (n, line) in text.lines().enumerate() {
            let Some(info) = line.trim_start().strip_prefix("```") else {
                continue;
            };
            if in_block {
                in_block = false;
                continue;
            }
            in_block = true;
            let info = info.trim();
            match info {
                "rust" | "rust,no_run" => compiled += 1,
                "toml" | "sh" | "text" | "json" => {}
                other => panic!(
                    "{relative}:{}: a ```{other} block would not be compiled",
                    n + 1
                ),
            }
        }
    }
    assert!(
        compiled >= at_least,
        "{dir}: only {compiled} Rust snippets found in {} files",
        files.len()
    );
    println!(
        "{dir}: {compiled} Rust snippets in {} Markdown files, all compiled as doctests",
        files.len()
    );
}
