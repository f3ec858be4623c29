//! Emits `tests/examples.rs`: every example in the document must decode into its generated
//! type and encode back to the same JSON.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::tokens::{ident, ty};
use crate::ir::{Api, TypeDef, TypeKind, TypeRef};
use crate::naming::{value_name, Scope};

/// The test file.
pub fn examples_rs(api: &Api, crate_ident: &str) -> TokenStream {
    let types: BTreeMap<&str, &TypeDef> = api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let crate_ident = ident(crate_ident);
    let models = quote!(sdk::models::);
    let mut names = Scope::default();
    let tests = api.examples.iter().map(|example| {
        let name = ident(&names.claim(&value_name(&example.pointer)));
        let json = serde_json::to_string(&example.value).unwrap_or_default();
        // What the generated type deliberately leaves out (tags, read-only fields of request
        // types) is not expected back.
        let expected = serde_json::to_string(&expected(&example.value, &example.ty, &types))
            .unwrap_or_default();
        let mut target = ty(&example.ty, &models);
        if example.nullable {
            target = quote!(Option<#target>);
        }
        let pointer = &example.pointer;
        quote! {
            #[test]
            fn #name() {
                round_trip::<#target>(#pointer, #json, #expected);
            }
        }
    });
    quote! {
        //! Every example in the API description decodes into its generated type and encodes
        //! back to the same JSON.
        #![allow(deprecated)]
        #![cfg_attr(rustfmt, rustfmt::skip)]

        #[allow(unused_imports)]
        use #crate_ident as sdk;

        fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(pointer: &str, example: &str, expected: &str) {
            let value: serde_json::Value = serde_json::from_str(example).expect("the example is JSON");
            let decoded: T = serde_json::from_value(value)
                .unwrap_or_else(|e| panic!("example at {pointer} does not decode: {e}"));
            let encoded = serde_json::to_value(&decoded).expect("encodes");
            let expected: serde_json::Value = serde_json::from_str(expected).expect("expected is JSON");
            assert!(same(&encoded, &expected), "example at {pointer} re-encodes differently:\n{encoded:#}\n!=\n{expected:#}");
        }

        /// JSON equality where numbers compare by value (`1` equals `1.0`).
        fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
            use serde_json::Value;
            match (a, b) {
                (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
                (Value::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b)),
                (Value::Object(a), Value::Object(b)) => {
                    a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
                }
                _ => a == b,
            }
        }

        #(#tests)*
    }
}

/// The example as the generated type encodes it: keys the type does not model are dropped.
fn expected(value: &Value, ty: &TypeRef, types: &BTreeMap<&str, &TypeDef>) -> Value {
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
        (TypeRef::Named(name), Value::Object(map)) => {
            match types.get(name.as_str()).map(|t| &t.kind) {
                Some(TypeKind::Struct { fields }) => Value::Object(
                    map.iter()
                        .filter_map(|(k, v)| {
                            let field = fields.iter().find(|f| &f.json_name == k)?;
                            // An optional field that is not `Option<Option<T>>` reads `null`
                            // as absent.
                            if v.is_null() && !field.required && !field.double_option {
                                return None;
                            }
                            Some((k.clone(), expected(v, &field.ty, types)))
                        })
                        .collect(),
                ),
                Some(TypeKind::Tagged { tag, variants }) => {
                    let tag_value = map.get(tag).and_then(Value::as_str);
                    match variants
                        .iter()
                        .find(|v| Some(v.tag_value.as_str()) == tag_value)
                    {
                        Some(variant) => {
                            let mut out =
                                expected(value, &TypeRef::Named(variant.ty.clone()), types);
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
