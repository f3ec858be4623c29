//! The generator on public documents nobody here wrote: each must give an SDK (which
//! `cargo xtask test` then builds with warnings denied and tests).

use sdkgen::Options;

fn generate(name: &str) -> Vec<sdkgen::File> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/specs")
        .join(name);
    let options = Options {
        crate_name: format!(
            "{}-sdk",
            name.trim_end_matches(".json").trim_end_matches(".yaml")
        ),
        crate_version: "0.1.0".to_owned(),
        regenerate_with: "cargo xtask test".to_owned(),
        contract_tests: false,
        runtime: sdkgen::RuntimeDependency::Registry,
    };
    sdkgen::generate(&path, &options).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn operations(files: &[sdkgen::File]) -> usize {
    files
        .iter()
        .filter(|f| f.path.starts_with("src/"))
        .map(|f| {
            f.contents
                .matches("static OPERATION: crate::runtime::OperationSpec")
                .count()
        })
        .sum()
}

#[test]
fn every_real_world_document_generates() {
    for (name, expected_operations) in [
        ("buildomat.json", 21),
        ("keeper.json", 6),
        ("propolis-server.json", 7),
        ("nexus.json", 193),
        ("twilio-api-v2010.json", 197),
        ("adyen-checkout-v72.yaml", 28),
        ("box.json", 296),
        ("discord.json", 242),
        ("openai.yaml", 288),
    ] {
        let files = generate(name);
        assert_eq!(operations(&files), expected_operations, "{name}");
    }
}
