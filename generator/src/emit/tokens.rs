//! Small token builders shared by the emitters.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Operation, ResponseBody, Success, TypeRef};

/// An identifier from a name the naming module produced (`r#type` becomes a raw identifier).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[cfg(...)]` compiling an item when any of `features` is on; nothing when none is given.
pub fn cfg_any(features: &[String]) -> TokenStream {
    match features {
        [] => TokenStream::new(),
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// The Rust type for a reference; named types are paths under `models`.
pub fn ty(ty: &TypeRef, models: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::U32 => quote!(u32),
        TypeRef::U64 => quote!(u64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::Uuid => quote!(uuid::Uuid),
        TypeRef::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        TypeRef::Date => quote!(chrono::NaiveDate),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(#models #name)
        }
        TypeRef::List(inner) => {
            let inner = self::ty(inner, models);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = self::ty(inner, models);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Nullable(inner) => {
            let inner = self::ty(inner, models);
            quote!(Option<#inner>)
        }
    }
}

/// Whether values of the type are `Copy` and small enough to pass by value.
pub fn is_copy(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::U32
            | TypeRef::U64
            | TypeRef::F32
            | TypeRef::F64
            | TypeRef::Uuid
            | TypeRef::DateTime
            | TypeRef::Date
    )
}

/// The path to the models module from group modules and tests.
pub fn models_path() -> TokenStream {
    quote!(crate::models::)
}

/// The Rust type a response body decodes into.
pub fn body_ty(body: &ResponseBody, models: &TokenStream) -> TokenStream {
    match body {
        ResponseBody::Empty => quote!(()),
        ResponseBody::Json(t) => ty(t, models),
        ResponseBody::Text => quote!(String),
        ResponseBody::Bytes => quote!(bytes::Bytes),
    }
}

/// What a call of `op` returns on success; a success enum is named from the group module.
pub fn success_ty(op: &Operation, models: &TokenStream) -> TokenStream {
    match &op.success {
        Success::Unit => quote!(()),
        Success::Body(body) => body_ty(body, models),
        Success::Enum(name) => {
            let name = ident(name);
            quote!(#name)
        }
    }
}
