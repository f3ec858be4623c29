//! The contract suite (`--contract-tests`): `tests/contract.rs` calls every operation against
//! Stoplight Prism mocking the document, with arguments from `tests/contract.json` (the values
//! `lower/samples.rs` chose: the document's examples or synthesised ones). Prism validates every
//! request; example and dynamic responses must decode, and every documented error status,
//! forced with `Prefer: code=`, must decode into its variant. One generic helper does the
//! calling, so the file compiles in bounded time however many operations there are.

use std::fmt::Write as _;

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::signature::{Input, Shape, Signature, Source};
use crate::ir::{
    Api, BodyEncoding, Group, Operation, PartKind, SchemeKind, StatusMatch, TypeDef, TypeId,
    TypeRef,
};

/// The test target's source.
pub fn contract_rs(api: &Api, crate_ident: &str) -> String {
    let recursive = Recursion::new(&api.types);
    let mut ops = String::new();
    for group in &api.groups {
        for op in &group.operations {
            let json = op.successes.iter().any(|s| s.body.json().is_some());
            // Prism's dynamic generator (json-schema-faker) fills every optional property, so
            // a recursive type (a filter holding `and`/`or` lists of filters) grows without
            // bound until Prism runs out of memory: such operations get their example only.
            let dynamic = json
                && !op
                    .successes
                    .iter()
                    .filter_map(|s| s.body.json())
                    .any(|ty| recursive.reaches_cycle(ty));
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
                "Op {{ id: {:?}, json: {json}, dynamic: {dynamic}, errors: &[{}], call: |c, {}, m| {{ {} }} }},",
                op.id,
                errors.join(", "),
                if uses_data(op) { "a" } else { "_" },
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
        let options: Map<String, Value> = op
            .params
            .iter()
            .filter(|p| !p.required)
            .map(|p| (p.rust_name.clone(), p.sample.clone()))
            .collect();
        if !options.is_empty() {
            entry.insert("options".to_owned(), Value::Object(options));
        }
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

/// Whether the call reads the operation's data (its required parameters, body or parts).
fn uses_data(op: &Operation) -> bool {
    !op.params.is_empty()
        || op.body.as_ref().is_some_and(|b| {
            matches!(b.encoding, BodyEncoding::Json | BodyEncoding::Form)
                || b.multipart
                    .iter()
                    .flat_map(|m| &m.parts)
                    .any(|p| p.required && matches!(p.kind, PartKind::Value(_) | PartKind::Json(_)))
        })
}

/// Which types reach a cycle of types (a recursive type, or one holding one).
struct Recursion {
    edges: Vec<BTreeSet<TypeId>>,
    on_cycle: BTreeSet<TypeId>,
}

impl Recursion {
    fn new(types: &[TypeDef]) -> Self {
        let edges: Vec<BTreeSet<TypeId>> = types
            .iter()
            .map(|def| def.kind.referred().into_iter().collect())
            .collect();
        let mut recursion = Recursion {
            edges,
            on_cycle: BTreeSet::new(),
        };
        for i in 0..types.len() {
            let reachable = recursion.reachable(recursion.edges[i].iter().copied());
            if reachable.contains(&TypeId(i)) {
                recursion.on_cycle.insert(TypeId(i));
            }
        }
        recursion
    }

    fn reachable(&self, start: impl Iterator<Item = TypeId>) -> BTreeSet<TypeId> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<TypeId> = start.collect();
        while let Some(id) = stack.pop() {
            if seen.insert(id) {
                stack.extend(self.edges.get(id.0).into_iter().flatten().copied());
            }
        }
        seen
    }

    fn reaches_cycle(&self, ty: &TypeRef) -> bool {
        ty.named().is_some_and(|id| {
            self.reachable(std::iter::once(id))
                .iter()
                .any(|n| self.on_cycle.contains(n))
        })
    }
}

/// The call of one operation: arguments read from the operation's data `a`, the call handed
/// to the generic helper with the mode `m`.
fn call(krate: &str, group: &Group, op: &Operation) -> String {
    let sig = Signature::of(group, op);
    let value = |input: &Input| -> String {
        match input.source {
            Source::Param(param) => {
                let key = if param.required { "params" } else { "options" };
                let value = format!("&a[{key:?}][{:?}]", param.rust_name);
                match &input.shape {
                    Shape::Str | Shape::IntoString => format!("&arg::<String>({value})"),
                    Shape::Ref(_) | Shape::Slice(_) => format!("&arg({value})"),
                    _ => format!("arg({value})"),
                }
            }
            Source::Body(body) => match body.encoding {
                BodyEncoding::Json | BodyEncoding::Form => "arg(&a[\"body\"])".to_owned(),
                BodyEncoding::Text => "\"text\"".to_owned(),
                BodyEncoding::Binary => "b\"bytes\".to_vec()".to_owned(),
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
            },
        }
    };
    let arguments: Vec<String> = sig.arguments.iter().map(value).collect();
    // Every optional parameter is sent too, so Prism checks how each is written.
    let setters: String = sig
        .setters
        .iter()
        .map(|input| format!(".{}({})", input.name, value(input)))
        .collect();
    format!(
        "go(c.{}().{}({}){setters}.into_call(), m)",
        group.module,
        op.method_name,
        arguments.join(", ")
    )
}

const TEMPLATE: &str = r##"
//! Contract tests: every operation of the SDK against Stoplight Prism mocking the API's
//! document. Prism validates every request (0 violations allowed); the example response and
//! dynamic ones (`Prefer: dynamic=true`) of every operation with a JSON success body must
//! decode, and every documented error status, forced with `Prefer: code=NNN`, must decode into
//! its variant. The arguments come from `tests/contract.json`: the document's examples, or
//! values synthesised from its schemas.
//!
//! Run against two Prism mocks of the document: `prism mock --errors` (rejects requests that
//! violate it) at `PRISM_URL`, and `prism mock` at `PRISM_DYNAMIC_URL`, which reports request
//! violations in its `sl-violations` header (they fail the test too) but still answers when its
//! own response breaks the document. That one serves the dynamic responses (Prism's random data
//! can break keywords the SDK leaves to the server, such as `format: url`), and the examples
//! the document gives that contradict their own schema, which `--errors` answers with a 500:
//! those are counted and named. Then: `cargo test --test contract -- --nocapture`.
#![allow(deprecated, clippy::all, clippy::pedantic)]
#![cfg_attr(rustfmt, rustfmt::skip)]

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

use serde_json::Value;
use CRATE::{Call, Client, Error, ErrorResponses, RetryPolicy};

/// Dynamic responses decoded per operation with a JSON success body.
const DYNAMIC_RUNS: usize = 3;
/// Requests in flight at once.
const CONCURRENCY: usize = 8;

static LAX_URL: OnceLock<String> = OnceLock::new();

/// What a request asks Prism for, and which Prism it goes to.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// The example response, from the strict Prism.
    Example,
    /// The example response from the lax Prism: the strict one refused its own example.
    ExampleLax,
    /// A random response (`Prefer: dynamic=true`), from the lax Prism.
    Dynamic,
    /// A documented error status (`Prefer: code=NNN`), from the strict Prism.
    Code(u16),
    /// The same from the lax Prism: the strict one refused its own example of that status.
    CodeLax(u16),
}

enum Done {
    Decoded,
    Mapped,
}

enum Failed {
    /// Prism under `--errors` refused the response it made itself (a document example that
    /// contradicts its schema): asked again of the lax Prism.
    PrismResponse(String),
    /// The connection failed (a mock closing an idle keep-alive connection as it is reused):
    /// tried again, twice at most.
    Transport(String),
    /// That example, from the lax Prism, does not decode either: the document contradicts
    /// itself (as the examples' round-trip tests report), so it is listed, not failed.
    Contradiction(String),
    Failed(String),
}

type Run = Pin<Box<dyn Future<Output = Result<Done, Failed>> + Send>>;

struct Op {
    id: &'static str,
    json: bool,
    dynamic: bool,
    errors: &'static [u16],
    call: fn(&Client, &Value, Mode) -> Run,
}

/// A value of the operation's data, as the argument's type.
fn arg<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("contract.json holds a value that does not decode ({e}): {value}"))
}

/// Prism's findings in a response's `sl-violations` header: about the request, and about
/// Prism's own response (not ours to judge).
fn violations(headers: &CRATE::reqwest::header::HeaderMap) -> (Vec<Value>, Vec<Value>) {
    let all: Vec<Value> = headers
        .get("sl-violations")
        .and_then(|v| v.to_str().ok())
        .map(|text| text.trim_start_matches("Too many violations! "))
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default();
    all.into_iter().partition(|v| v["location"][0] != "response")
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
    let lax = || LAX_URL.get().cloned().unwrap_or_default();
    let call = match mode {
        Mode::Example => call,
        Mode::ExampleLax => call.base_url(lax()),
        Mode::Dynamic => call.base_url(lax()).header("Prefer", "dynamic=true"),
        Mode::Code(code) => call.header("Prefer", &format!("code={code}")),
        Mode::CodeLax(code) => call
            .base_url(lax())
            .header("Prefer", &format!("code={code}")),
    };
    Box::pin(async move {
        let result = call.send_with_response().await;
        let headers = match &result {
            Ok(response) => Some(&response.headers),
            Err(error) => error.headers(),
        };
        let (mut request, response) = headers.map(violations).unwrap_or_default();
        // `--errors` answers an invalid request the operation documents no 400 or 422 for with
        // a 422 of its own, the violations in its body; and a response of its own that breaks
        // the document with a 500 listing them (its header may be cut short when they are many).
        let mut prism_response = !response.is_empty();
        if let Err(Error::UnexpectedStatus { status, body, .. }) = &result {
            let problem: Value = serde_json::from_slice(body).unwrap_or_default();
            let kind = problem["type"].as_str().unwrap_or_default();
            if status.as_u16() == 422 && kind.ends_with("#UNPROCESSABLE_ENTITY") {
                request.push(problem["validation"].clone());
            }
            if status.as_u16() == 500 && kind.ends_with("#VIOLATIONS") {
                let found = problem["validation"].as_array().cloned().unwrap_or_default();
                let (theirs, ours): (Vec<Value>, Vec<Value>) =
                    found.into_iter().partition(|v| v["location"][0] == "response");
                request.extend(ours);
                prism_response |= !theirs.is_empty();
            }
        }
        if !request.is_empty() {
            return Err(Failed::Failed(format!(
                "Prism rejected the request: {}",
                Value::Array(request)
            )));
        }
        let status = result.as_ref().err().and_then(|e| e.status()).map(|s| s.as_u16());
        if matches!(mode, Mode::Example | Mode::Code(_)) && status == Some(500) && prism_response {
            return Err(Failed::PrismResponse(Value::Array(response).to_string()));
        }
        match (mode, result) {
            (Mode::Code(code) | Mode::CodeLax(code), Ok(response)) => Err(Failed::Failed(format!(
                "forced {code}, but the call succeeded with {}",
                response.status
            ))),
            (Mode::CodeLax(code), Err(error @ Error::Decode { .. })) => {
                Err(Failed::Contradiction(format!("forced {code}: {error}")))
            }
            (Mode::Code(code) | Mode::CodeLax(code), Err(Error::Api(api))) => {
                if api.status().as_u16() == code && api.error().status() == code {
                    Ok(Done::Mapped)
                } else {
                    Err(Failed::Failed(format!(
                        "forced {code}: got {} decoded as {:?}",
                        api.status(),
                        api.error()
                    )))
                }
            }
            (Mode::Code(code) | Mode::CodeLax(code), Err(error @ Error::Transport { .. })) => {
                Err(Failed::Transport(format!("forced {code}: {}", explain(&error))))
            }
            (Mode::Code(code) | Mode::CodeLax(code), Err(error)) => {
                Err(Failed::Failed(format!("forced {code}: {}", explain(&error))))
            }
            (_, Ok(_)) => Ok(Done::Decoded),
            // Prism said the document's example breaks its own schema: the SDK may refuse it.
            (Mode::ExampleLax, Err(error @ Error::Decode { .. })) => {
                Err(Failed::Contradiction(error.to_string()))
            }
            (_, Err(error @ Error::Transport { .. })) => Err(Failed::Transport(explain(&error))),
            (_, Err(error)) => Err(Failed::Failed(explain(&error))),
        }
    })
}

#[test]
fn every_operation_against_prism() {
    let strict = std::env::var("PRISM_URL").expect(
        "PRISM_URL is not set: start `prism mock --errors` on the API's document and set it",
    );
    let lax = std::env::var("PRISM_DYNAMIC_URL")
        .expect("PRISM_DYNAMIC_URL is not set: start `prism mock` on the API's document and set it");
    LAX_URL.set(lax).expect("set once");
    let data: Value =
        serde_json::from_str(include_str!("contract.json")).expect("contract.json is JSON");
    let client = Client::builder()
        /*CREDENTIALS*/
        .base_url(strict)
        .retry(RetryPolicy::disabled())
        .timeout(std::time::Duration::from_secs(120))
        .build()
        .expect("the client builds");
    let ops = operations();
    let mut jobs = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        jobs.push((i, Mode::Example));
        if op.dynamic {
            jobs.extend(std::iter::repeat((i, Mode::Dynamic)).take(DYNAMIC_RUNS));
        }
        jobs.extend(op.errors.iter().map(|&code| (i, Mode::Code(code))));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let results: Vec<(usize, Mode, Result<Done, Failed>)> = runtime.block_on(async {
        let mut pending: Vec<(usize, Mode, usize)> =
            jobs.into_iter().rev().map(|(i, mode)| (i, mode, 0)).collect();
        let mut running = tokio::task::JoinSet::new();
        let mut results = Vec::new();
        loop {
            while running.len() < CONCURRENCY {
                let Some((i, mode, attempt)) = pending.pop() else { break };
                let run = (ops[i].call)(&client, &data[ops[i].id], mode);
                running.spawn(async move { (i, mode, attempt, run.await) });
            }
            match running.join_next().await {
                Some(done) => {
                    let (i, mode, attempt, result) = done.expect("a call does not panic");
                    if matches!(result, Err(Failed::Transport(_))) && attempt < 2 {
                        pending.push((i, mode, attempt + 1));
                        continue;
                    }
                    // Asked again of the lax Prism, which answers with its example anyway.
                    let again = match (&result, mode) {
                        (Err(Failed::PrismResponse(_)), Mode::Example) => Some(Mode::ExampleLax),
                        (Err(Failed::PrismResponse(_)), Mode::Code(code)) => Some(Mode::CodeLax(code)),
                        _ => None,
                    };
                    if let Some(again) = again {
                        pending.push((i, again, 0));
                    }
                    results.push((i, mode, result));
                }
                None => break,
            }
        }
        results
    });
    let mut called = std::collections::BTreeSet::new();
    let (mut requests, mut decoded, mut dynamic, mut mapped) = (0, 0, 0, 0);
    let mut contradicting = Vec::new();
    let mut undecodable = Vec::new();
    let mut failures = Vec::new();
    for (i, mode, result) in &results {
        let op = &ops[*i];
        requests += 1;
        match result {
            Ok(Done::Decoded) => {
                called.insert(op.id);
                if *mode == Mode::Dynamic {
                    dynamic += 1;
                } else if op.json {
                    decoded += 1;
                }
            }
            Ok(Done::Mapped) => mapped += 1,
            Err(Failed::PrismResponse(why)) => contradicting.push(format!("{} ({mode:?}): {why}", op.id)),
            Err(Failed::Contradiction(why)) => undecodable.push(format!("{} ({mode:?}): {why}", op.id)),
            Err(Failed::Failed(message) | Failed::Transport(message)) => {
                failures.push(format!("{} ({mode:?}): {message}", op.id))
            }
        }
    }
    let rejected = failures.iter().filter(|f| f.contains("rejected the request")).count();
    let no_dynamic: Vec<&str> = ops.iter().filter(|op| op.json && !op.dynamic).map(|op| op.id).collect();
    failures.sort();
    contradicting.sort();
    for example in &contradicting {
        println!("example contradicting its schema (decoded from the lax Prism): {}", &example[..example.len().min(400)]);
    }
    for example in &undecodable {
        println!("example contradicting its schema that does not decode: {}", &example[..example.len().min(400)]);
    }
    if !no_dynamic.is_empty() {
        println!(
            "{} operations answer with recursive types, which Prism's dynamic generator does not finish: their example responses are decoded, no dynamic ones: {}",
            no_dynamic.len(),
            no_dynamic.join(", ")
        );
    }
    let silent: Vec<&str> = ops.iter().map(|op| op.id).filter(|id| !called.contains(id)).collect();
    if !silent.is_empty() {
        println!(
            "{} operations had no success response decoded (only contradicting examples): {}",
            silent.len(),
            silent.join(", ")
        );
    }
    for failure in &failures {
        eprintln!("FAILED {failure}");
    }
    println!(
        "contract: {} operations called ({} of {} answered as documented); {requests} requests, {} validated by Prism with 0 violations, {rejected} rejected; {} responses decoded ({decoded} examples, {dynamic} dynamic); {mapped} error statuses mapped; {} examples contradict their schema ({} of them do not decode); {} failures",
        ops.len(),
        called.len(),
        ops.len(),
        requests - rejected,
        decoded + dynamic,
        contradicting.len(),
        undecodable.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{} of {requests} requests failed (listed above)", failures.len());
}

fn operations() -> Vec<Op> {
    Vec::from([
        /*OPERATIONS*/
    ])
}
"##;
