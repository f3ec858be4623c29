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

/// [`cfg_any`] as text, as `prettyplease` prints it: on one line, or one feature per line when
/// that line would pass 100 columns.
pub fn cfg_any_text(features: &[String]) -> String {
    let features: Vec<String> = features
        .iter()
        .map(|f| format!("feature = {}", proc_macro2::Literal::string(f)))
        .collect();
    match features.as_slice() {
        [] => String::new(),
        [one] => format!("#[cfg({one})]"),
        many => {
            let line = format!("#[cfg(any({}))]", many.join(", "));
            if line.len() <= 100 {
                line
            } else {
                format!(
                    "#[cfg(\n    any(\n        {}\n    )\n)]",
                    many.join(",\n        ")
                )
            }
        }
    }
}

/// A type's tokens as text on one line, spaced as rustfmt spaces it
/// (`std::collections::BTreeMap<String, Vec<u8>>`, `impl Into<String>`): for the code written
/// as text, where `prettyplease` would print a macro's arguments token by token.
pub fn type_text(tokens: TokenStream) -> String {
    let mut out = String::new();
    write_type(&mut out, tokens);
    out
}

fn write_type(out: &mut String, tokens: TokenStream) {
    use proc_macro2::{Delimiter, Spacing, TokenTree};
    use std::fmt::Write as _;
    // Whether the last token was a word (an identifier or a literal): two words in a row
    // (`impl Into`, `dyn Error`) take a space between them.
    let mut after_word = false;
    for token in tokens {
        match token {
            TokenTree::Ident(word) => {
                if after_word {
                    out.push(' ');
                }
                let _ = write!(out, "{word}");
                after_word = true;
            }
            TokenTree::Literal(literal) => {
                if after_word {
                    out.push(' ');
                }
                let _ = write!(out, "{literal}");
                after_word = true;
            }
            TokenTree::Punct(punct) => {
                match punct.as_char() {
                    ',' | ';' => {
                        out.push(punct.as_char());
                        out.push(' ');
                    }
                    '+' | '=' => {
                        out.push(' ');
                        out.push(punct.as_char());
                        out.push(' ');
                    }
                    '-' if punct.spacing() == Spacing::Joint => out.push_str(" -"),
                    '>' if out.ends_with(" -") => out.push_str("> "),
                    c => out.push(c),
                }
                after_word = false;
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{ ", " }"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                write_type(out, group.stream());
                out.push_str(close);
                after_word = true;
            }
        }
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

#[cfg(test)]
mod tests {
    use super::{cfg_any_text, type_text};
    use quote::quote;

    #[test]
    fn types_print_on_one_line_as_rustfmt_spaces_them() {
        let cases = [
            (
                quote!(std::collections::BTreeMap<String, Vec<u8>>),
                "std::collections::BTreeMap<String, Vec<u8>>",
            ),
            (quote!(impl Into<String>), "impl Into<String>"),
            (
                quote!(impl crate::IntoNullable<Option<Box<super::A>>>),
                "impl crate::IntoNullable<Option<Box<super::A>>>",
            ),
            (quote!(&'a str), "&'a str"),
            (quote!(Box<dyn Error + Send>), "Box<dyn Error + Send>"),
            (quote!([u8; 4]), "[u8; 4]"),
            (quote!(()), "()"),
            (quote!(fn(u8) -> u8), "fn(u8) -> u8"),
            (quote!(r#type::X), "r#type::X"),
        ];
        for (tokens, text) in cases {
            assert_eq!(type_text(tokens), text);
        }
    }

    #[test]
    fn long_cfgs_take_a_line_per_feature() {
        assert_eq!(cfg_any_text(&[]), "");
        assert_eq!(cfg_any_text(&["a".into()]), "#[cfg(feature = \"a\")]");
        assert_eq!(
            cfg_any_text(&["a".into(), "b".into()]),
            "#[cfg(any(feature = \"a\", feature = \"b\"))]"
        );
        let many: Vec<String> = (0..9).map(|i| format!("feature-{i}")).collect();
        let text = cfg_any_text(&many);
        assert!(text.starts_with("#[cfg(\n    any(\n        feature = \"feature-0\",\n"));
        assert!(
            text.ends_with("        feature = \"feature-8\"\n    )\n)]"),
            "{text}"
        );
    }
}
