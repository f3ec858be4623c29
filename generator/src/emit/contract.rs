//! The contract suite (`--contract-tests`): `tests/contract.rs` calls every operation against
//! Stoplight Prism mocking the document, with arguments from `tests/contract.json` (the values
//! `lower/samples.rs` chose: the document's examples or synthesised ones). Prism validates every
//! request; example and dynamic responses must decode, and every documented error status,
//! forced with `Prefer: code=`, must decode into its variant. One generic helper does the
//! calling, so the file compiles in bounded time however many operations there are.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::ir::{Api, BodyEncoding, Group, Operation, PartKind, SchemeKind, StatusMatch, TypeRef};

/// The test target's source.
pub fn contract_rs(api: &Api, crate_ident: &str) -> String {
    let mut ops = String::new();
    for group in &api.groups {
        for op in &group.operations {
            let json = op.successes.iter().any(|s| s.body.json().is_some());
            let errors: Vec<String> = op
                .errors
                .iter()
                .filter_map(|e| match e.status {
                    StatusMatch::Code(code) => Some(code.to_string()),
                    _ => None,
                })
                .collect();
            let _ = writeln!(
                ops,
                "Op {{ id: {:?}, json: {json}, errors: &[{}], call: |c, a, m| {{ {} }} }},",
                op.id,
                errors.join(", "),
                call(crate_ident, group, op),
            );
        }
    }
    let mut credentials = String::new();
    for scheme in &api.security_schemes {
        let arguments = match scheme.kind {
            SchemeKind::Basic => "\"contract\", \"contract\"",
            _ => "\"contract\"",
        };
        let _ = write!(credentials, ".{}({arguments})", scheme.method);
    }
    TEMPLATE
        .replace("CRATE", crate_ident)
        .replace("/*CREDENTIALS*/", &credentials)
        .replace("/*OPERATIONS*/", &ops)
}

/// `tests/contract.json`: each operation's arguments, by operation id.
pub fn contract_json(api: &Api, stamp: &str) -> String {
    let mut all = Map::new();
    all.insert("_generated".to_owned(), Value::String(stamp.to_owned()));
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        let mut entry = Map::new();
        let params: Map<String, Value> = op
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| (p.rust_name.clone(), p.sample.clone()))
            .collect();
        entry.insert("params".to_owned(), Value::Object(params));
        if let Some(body) = &op.body {
            if let Some(sample) = &body.sample {
                entry.insert("body".to_owned(), sample.clone());
            }
            let parts: Map<String, Value> = body
                .multipart
                .iter()
                .flat_map(|m| &m.parts)
                .filter_map(|p| Some((p.rust_name.clone(), p.sample.clone()?)))
                .collect();
            if !parts.is_empty() {
                entry.insert("parts".to_owned(), Value::Object(parts));
            }
        }
        all.insert(op.id.clone(), Value::Object(entry));
    }
    let mut text = serde_json::to_string_pretty(&Value::Object(all)).unwrap_or_default();
    text.push('\n');
    text
}

/// The call of one operation: arguments read from the operation's data `a`, the call handed
/// to the generic helper with the mode `m`.
fn call(krate: &str, group: &Group, op: &Operation) -> String {
    let mut arguments = Vec::new();
    for param in op.params.iter().filter(|p| p.required) {
        let value = format!("&a[\"params\"][{:?}]", param.rust_name);
        arguments.push(match &param.ty {
            TypeRef::String => format!("&arg::<String>({value})"),
            ty if crate::emit::tokens::is_copy(ty) => format!("arg({value})"),
            _ => format!("&arg({value})"),
        });
    }
    if let Some(body) = &op.body {
        let value = match body.encoding {
            BodyEncoding::Json | BodyEncoding::Form => "&arg(&a[\"body\"])".to_owned(),
            BodyEncoding::Text => "\"text\"".to_owned(),
            BodyEncoding::Binary if body.required => "b\"bytes\".to_vec()".to_owned(),
            BodyEncoding::Binary => "bytes::Bytes::from_static(b\"bytes\")".to_owned(),
            BodyEncoding::Multipart => match &body.multipart {
                Some(form) => {
                    let mut fields = String::new();
                    for part in &form.parts {
                        let file = format!(
                            "{krate}::FilePart::bytes(b\"bytes\".to_vec()).file_name(\"{}.bin\")",
                            part.name.escape_default()
                        );
                        let value = match (&part.kind, part.required) {
                            (PartKind::File, true) => file,
                            (PartKind::Files, true) => format!("vec![{file}]"),
                            (PartKind::Files, false) => "Vec::new()".to_owned(),
                            (_, false) => "None".to_owned(),
                            (PartKind::Value(_) | PartKind::Json(_), true) => {
                                format!("arg(&a[\"parts\"][{:?}])", part.rust_name)
                            }
                        };
                        let _ = write!(fields, "{}: {value}, ", part.rust_name);
                    }
                    format!(
                        "{krate}::{}::{} {{ {fields} }}",
                        group.module, form.type_name
                    )
                }
                None => "()".to_owned(),
            },
        };
        arguments.push(if body.required {
            value
        } else {
            format!("Some({value})")
        });
    }
    if op.options_type.is_some() {
        arguments.push("&Default::default()".to_owned());
    }
    format!(
        "go(c.{}().{}({}), m)",
        group.module,
        op.method_name,
        arguments.join(", ")
    )
}

const TEMPLATE: &str = r#"
//! Contract tests: every operation of the SDK against Stoplight Prism mocking the API's
//! document. Prism validates every request (0 violations allowed); the example response and
//! dynamic ones (`Prefer: dynamic=true`) of every operation with a JSON success body must
//! decode, and every documented error status, forced with `Prefer: code=NNN`, must decode into
//! its variant. The arguments come from `tests/contract.json`: the document's examples, or
//! values synthesised from its schemas.
//!
//! Run against two Prism mocks of the document: `prism mock --errors` (rejects requests that
//! violate it) at `PRISM_URL`, and `prism mock` at `PRISM_DYNAMIC_URL` for the dynamic
//! responses (Prism's random data can break keywords the SDK does not check, such as `format:
//! url`, which `--errors` would turn into a 500; request violations are still reported there,
//! in the `sl-violations` header, and fail the test). Then:
//! `cargo test --test contract -- --nocapture`.
#![allow(deprecated, clippy::all, clippy::pedantic)]

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

use serde_json::Value;
use CRATE::{Call, Client, Error, ErrorResponses, RetryPolicy};

/// Dynamic responses decoded per operation with a JSON success body.
const DYNAMIC_RUNS: usize = 3;
/// Requests in flight at once.
const CONCURRENCY: usize = 16;

static DYNAMIC_URL: OnceLock<String> = OnceLock::new();

#[derive(Debug, Clone, Copy)]
enum Mode {
    Example,
    Dynamic,
    Code(u16),
}

enum Done {
    Decoded,
    Called,
    Mapped,
}

type Run = Pin<Box<dyn Future<Output = Result<Done, String>> + Send>>;

struct Op {
    id: &'static str,
    json: bool,
    errors: &'static [u16],
    call: fn(&Client, &Value, Mode) -> Run,
}

/// A value of the operation's data, as the argument's type.
fn arg<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("contract.json holds a value that does not decode ({e}): {value}"))
}

/// Prism's complaints about the request, if any (its `sl-violations` header also lists what it
/// found wrong with its own generated response, which is not ours to judge).
fn request_violations(headers: &CRATE::reqwest::header::HeaderMap) -> Option<String> {
    let text = headers.get("sl-violations")?.to_str().ok()?;
    let all: Vec<Value> = serde_json::from_str(text).ok()?;
    let ours: Vec<&Value> = all
        .iter()
        .filter(|v| v["location"][0] != "response")
        .collect();
    (!ours.is_empty()).then(|| serde_json::to_string(&ours).unwrap_or_default())
}

fn explain<E: std::fmt::Debug>(error: &Error<E>) -> String {
    let violations = error
        .headers()
        .and_then(|h| h.get("sl-violations"))
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none");
    format!("{error}; Prism's violations: {violations}")
}

/// Sends one call in the given mode and says how it went.
fn go<T: Send + 'static, E: ErrorResponses>(call: Call<T, E>, mode: Mode) -> Run {
    let call = match mode {
        Mode::Example => call,
        Mode::Dynamic => call
            .base_url(DYNAMIC_URL.get().cloned().unwrap_or_default())
            .header("Prefer", "dynamic=true"),
        Mode::Code(code) => call.header("Prefer", &format!("code={code}")),
    };
    Box::pin(async move {
        match (mode, call.send_with_response().await) {
            (Mode::Code(code), Ok(response)) => Err(format!(
                "forced {code}, but the call succeeded with {}",
                response.status
            )),
            (Mode::Code(code), Err(Error::Api(api))) => {
                if let Some(v) = request_violations(api.headers()) {
                    Err(format!("Prism rejected the request: {v}"))
                } else if api.status().as_u16() == code && api.error().status() == code {
                    Ok(Done::Mapped)
                } else {
                    Err(format!(
                        "forced {code}: got {} decoded as {:?}",
                        api.status(),
                        api.error()
                    ))
                }
            }
            (Mode::Code(code), Err(error)) => Err(format!("forced {code}: {}", explain(&error))),
            (_, Ok(response)) => match request_violations(&response.headers) {
                Some(v) => Err(format!("Prism rejected the request: {v}")),
                None if matches!(mode, Mode::Example) => Ok(Done::Called),
                None => Ok(Done::Decoded),
            },
            (_, Err(error)) => Err(explain(&error)),
        }
    })
}

#[test]
fn every_operation_against_prism() {
    let strict = std::env::var("PRISM_URL").expect(
        "PRISM_URL is not set: start `prism mock --errors` on the API's document and set it",
    );
    let dynamic = std::env::var("PRISM_DYNAMIC_URL")
        .expect("PRISM_DYNAMIC_URL is not set: start `prism mock` on the API's document and set it");
    DYNAMIC_URL.set(dynamic).expect("set once");
    let data: Value =
        serde_json::from_str(include_str!("contract.json")).expect("contract.json is JSON");
    let client = Client::builder()
        /*CREDENTIALS*/
        .base_url(strict)
        .retry(RetryPolicy::disabled())
        .build()
        .expect("the client builds");
    let ops = operations();
    let mut jobs = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        jobs.push((i, Mode::Example));
        if op.json {
            jobs.extend(std::iter::repeat((i, Mode::Dynamic)).take(DYNAMIC_RUNS));
        }
        jobs.extend(op.errors.iter().map(|&code| (i, Mode::Code(code))));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let results: Vec<(usize, Mode, Result<Done, String>)> = runtime.block_on(async {
        let mut pending = jobs.into_iter();
        let mut running = tokio::task::JoinSet::new();
        let mut results = Vec::new();
        loop {
            while running.len() < CONCURRENCY {
                let Some((i, mode)) = pending.next() else { break };
                let run = (ops[i].call)(&client, &data[ops[i].id], mode);
                running.spawn(async move { (i, mode, run.await) });
            }
            match running.join_next().await {
                Some(done) => results.push(done.expect("a call does not panic")),
                None => break,
            }
        }
        results
    });
    let (mut called, mut decoded, mut dynamic_decoded, mut mapped) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for (i, mode, result) in &results {
        match result {
            Ok(Done::Called) => called += 1,
            Ok(Done::Decoded) => dynamic_decoded += 1,
            Ok(Done::Mapped) => mapped += 1,
            Err(message) => failures.push(format!("{} ({mode:?}): {message}", ops[*i].id)),
        }
        if matches!((mode, result), (Mode::Example, Ok(_))) && ops[*i].json {
            decoded += 1;
        }
    }
    let rejected = failures.iter().filter(|f| f.contains("violations: [") || f.contains("rejected the request")).count();
    failures.sort();
    for failure in &failures {
        eprintln!("FAILED {failure}");
    }
    println!(
        "contract: {} operations called ({called} answered as documented), {} requests validated by Prism, {rejected} rejected; {} responses decoded ({decoded} examples, {dynamic_decoded} dynamic); {mapped} error statuses mapped; {} failures",
        ops.len(),
        results.len() - rejected,
        decoded + dynamic_decoded,
        failures.len()
    );
    assert!(failures.is_empty(), "{} of {} requests failed (listed above)", failures.len(), results.len());
}

fn operations() -> Vec<Op> {
    Vec::from([
        /*OPERATIONS*/
    ])
}
"#;
