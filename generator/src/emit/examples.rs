//! Emits `tests/examples.rs` and its data, `tests/examples.json`: every example in the
//! document must decode into its generated type and encode back to the same JSON. The JSON
//! stays out of the Rust source so neither the generator nor the compiler parses it as code.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{json, Map, Value};

use super::tokens::{cfg_any, ident, Models};
use crate::ir::{Api, TypeDef, TypeKind, TypeRef};
use crate::naming::{value_name, Scope};

/// The data file: each example, by pointer, and what it must re-encode to when that is not
/// the example itself.
pub fn examples_json(api: &Api, stamp: &str) -> String {
    let examples: Map<String, Value> = api
        .examples
        .iter()
        .map(|example| {
            // What the generated type deliberately leaves out (tags, read-only fields of
            // request types) is not expected back; `expected` is written only when it differs.
            let expected = expected(&example.value, &example.ty, &api.types);
            let entry = if expected == example.value {
                json!({ "example": example.value })
            } else {
                json!({ "example": example.value, "expected": expected })
            };
            (example.pointer.clone(), entry)
        })
        .collect();
    let mut text =
        serde_json::to_string_pretty(&json!({ "@generated": stamp, "examples": examples }))
            .unwrap_or_default();
    text.push('\n');
    text
}

/// The test file: one test per example, naming the type it must decode into.
pub fn examples_rs<'a>(
    api: &'a Api,
    crate_ident: &str,
) -> (TokenStream, impl Iterator<Item = TokenStream> + 'a) {
    let crate_ident = ident(crate_ident);
    let models = Models::new(&api.types, quote!(sdk::models::));
    let mut names = Scope::default();
    let tests = api.examples.iter().map(move |example| {
        let name = ident(&names.claim(&value_name(&example.pointer)));
        let mut target = models.ty(&example.ty);
        if example.nullable {
            target = quote!(Option<#target>);
        }
        let pointer = &example.pointer;
        // The test compiles when the type it names does.
        let cfg = example.ty.named().map(|id| cfg_any(&api.ty(id).features));
        // An example that contradicts its own schema is the document's mistake: its test is
        // kept, ignored with the reason, so `cargo test` lists it.
        let ignore = example.contradiction.as_ref().map(|reason| {
            let reason = format!("the description's example contradicts its schema: {reason}");
            quote!(#[ignore = #reason])
        });
        quote! {
            #cfg
            #[test]
            #ignore
            fn #name() {
                round_trip::<#target>(#pointer);
            }
        }
    });
    let header = quote! {
        //! Every example in the API description (`examples.json`) decodes into its generated
        //! type and encodes back to the same JSON.
        #![allow(deprecated)]
        #![cfg_attr(rustfmt, rustfmt::skip)]

        #[allow(unused_imports)]
        use #crate_ident as sdk;

        // With no group's feature on, no example's type may be compiled, nor these used.
        #[allow(dead_code)]
        fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(pointer: &str) {
            static EXAMPLES: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
            let examples = EXAMPLES.get_or_init(|| {
                serde_json::from_str(include_str!("examples.json")).expect("examples.json is JSON")
            });
            let entry = &examples["examples"][pointer];
            assert!(entry.is_object(), "examples.json has no example at {pointer}");
            let decoded: T = serde_json::from_value(entry["example"].clone())
                .unwrap_or_else(|e| panic!("example at {pointer} does not decode: {e}"));
            let encoded = serde_json::to_value(&decoded).expect("encodes");
            let expected = entry.get("expected").unwrap_or(&entry["example"]);
            assert!(same(&encoded, expected), "example at {pointer} re-encodes differently:\n{encoded:#}\n!=\n{expected:#}");
        }

        /// JSON equality where numbers compare by value (`1` equals `1.0`) and date-times by
        /// the instant they name (`…T10:53:43-08:00` equals `…T18:53:43Z`).
        #[allow(dead_code)]
        fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
            use serde_json::Value;
            match (a, b) {
                (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
                (Value::String(a), Value::String(b)) if a != b => {
                    match (chrono::DateTime::parse_from_rfc3339(a), chrono::DateTime::parse_from_rfc3339(b)) {
                        (Ok(a), Ok(b)) => a == b,
                        _ => false,
                    }
                }
                (Value::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b)),
                (Value::Object(a), Value::Object(b)) => {
                    a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
                }
                _ => a == b,
            }
        }
    };
    (header, tests)
}

/// The example as the generated type encodes it: keys the type does not model are dropped.
fn expected(value: &Value, ty: &TypeRef, types: &[TypeDef]) -> Value {
    match (ty, value) {
        (TypeRef::Nullable(inner), value) if !value.is_null() => expected(value, inner, types),
        (TypeRef::List(inner), Value::Array(items)) => {
            Value::Array(items.iter().map(|v| expected(v, inner, types)).collect())
        }
        (TypeRef::Map(inner), Value::Object(map)) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), expected(v, inner, types)))
                .collect(),
        ),
        (TypeRef::Named(id), Value::Object(map)) => {
            match types.get(id.0).map(|t| &t.kind) {
                Some(TypeKind::Struct {
                    fields,
                    additional,
                    flattened,
                }) => {
                    let mut out: serde_json::Map<String, Value> = map
                        .iter()
                        .filter_map(|(k, v)| {
                            let Some(field) = fields.iter().find(|f| &f.json_name == k) else {
                                // Undeclared keys come back only when the struct keeps them.
                                let additional = additional.as_ref()?;
                                return Some((k.clone(), expected(v, &additional.ty, types)));
                            };
                            // An optional field that is not `Option<Option<T>>` reads `null`
                            // as absent.
                            if v.is_null() && !field.required && !field.double_option {
                                return None;
                            }
                            Some((k.clone(), expected(v, &field.ty, types)))
                        })
                        .collect();
                    // Each flattened union reads the whole object and gives back its keys.
                    for union in flattened {
                        if let Value::Object(part) =
                            expected(value, &TypeRef::Named(union.ty), types)
                        {
                            for (k, v) in part {
                                out.entry(k).or_insert(v);
                            }
                        }
                    }
                    Value::Object(out)
                }
                Some(TypeKind::Tagged { tag, variants }) => {
                    let tag_value = map.get(tag).and_then(Value::as_str);
                    match variants
                        .iter()
                        .find(|v| Some(v.tag_value.as_str()) == tag_value)
                    {
                        Some(variant) => {
                            let mut out = expected(value, &TypeRef::Named(variant.ty), types);
                            if let Value::Object(out) = &mut out {
                                out.insert(tag.clone(), Value::String(variant.tag_value.clone()));
                            }
                            out
                        }
                        None => value.clone(),
                    }
                }
                _ => value.clone(),
            }
        }
        _ => value.clone(),
    }
}
