//! Inputs that once crashed, hung or could blow up the generator (from fuzzing and from
//! hostile-input review): each must end in `Ok` or a clean error, quickly.

use std::time::Instant;

#[test]
fn hostile_inputs_end_cleanly() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .expect("readable")
        .flatten()
        .map(|e| e.path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty());
    let options = sdkgen::Options {
        crate_name: "fuzz-sdk".to_owned(),
        crate_version: "0.1.0".to_owned(),
        regenerate_with: "test".to_owned(),
        // The contract suite's emitter is run too.
        contract_tests: true,
        runtime: sdkgen::RuntimeDependency::Registry,
    };
    for path in inputs {
        let text = std::fs::read_to_string(&path).expect("UTF-8 input");
        let started = Instant::now();
        let outcome = sdkgen::generate_from_str(&path.display().to_string(), &text, &options);
        println!(
            "{}: {} in {:?}",
            path.display(),
            if outcome.is_ok() { "ok" } else { "refused" },
            started.elapsed()
        );
        if let Err(error) = outcome {
            // Every refusal says where: a file position or a JSON pointer.
            let message = error.to_string();
            assert!(message.contains(':'), "{message}");
        }
    }
}
