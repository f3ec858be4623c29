//! Arbitrary bytes (seeded with the curated spec and the fixtures) through loading, 3.1
//! normalisation, parsing and lowering to the IR, then emission: any panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let options = sdkgen::Options {
        crate_name: "fuzz-sdk".to_owned(),
        crate_version: "0.1.0".to_owned(),
        regenerate_with: "fuzz".to_owned(),
        // The contract suite's emitter is run too.
        contract_tests: true,
        runtime: sdkgen::RuntimeDependency::Registry,
    };
    let _ = sdkgen::generate_from_str("fuzz.yaml", text, &options);
});
