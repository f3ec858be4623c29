//! Small token builders shared by the emitters.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Operation, ResponseBody, Success, TypeDef, TypeId, TypeRef};

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

/// How emitted code spells type references: a named type by its name (looked up by its id),
/// under the path to the models module from where the code sits.
#[derive(Clone)]
pub struct Models<'a> {
    types: &'a [TypeDef],
    path: TokenStream,
}

impl<'a> Models<'a> {
    /// Types named under `path` (`crate::models::`, `sdk::models::`, or nothing within
    /// `models.rs` itself).
    pub fn new(types: &'a [TypeDef], path: TokenStream) -> Self {
        Models { types, path }
    }

    /// Types named from the crate's other modules and its tests: `crate::models::`.
    pub fn in_crate(types: &'a [TypeDef]) -> Self {
        Self::new(types, quote!(crate::models::))
    }

    /// The name of a type.
    pub fn name(&self, id: TypeId) -> &'a str {
        &self.types[id.0].name
    }

    /// The Rust type for a reference.
    pub fn ty(&self, ty: &TypeRef) -> TokenStream {
        self::ty(ty, self)
    }

    /// The Rust type a response body decodes into.
    pub fn body(&self, body: &ResponseBody) -> TokenStream {
        match body {
            ResponseBody::Empty => quote!(()),
            ResponseBody::Json(t) => self.ty(t),
            ResponseBody::Text => quote!(String),
            ResponseBody::Bytes => quote!(bytes::Bytes),
        }
    }

    /// What a call of `op` returns on success; a success enum is named from the group module.
    pub fn success(&self, op: &Operation) -> TokenStream {
        match &op.success {
            Success::Unit => quote!(()),
            Success::Body(body) => self.body(body),
            Success::Enum(name) => {
                let name = ident(name);
                quote!(#name)
            }
        }
    }
}

fn ty(ty: &TypeRef, models: &Models) -> TokenStream {
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
        TypeRef::Named(id) => {
            let name = ident(models.name(*id));
            let path = &models.path;
            quote!(#path #name)
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
