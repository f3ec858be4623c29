//! Emits `src/models.rs`: one Rust type per named schema, and `src/models/builders.rs`: a
//! builder per struct.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_or;
use super::tokens::{cfg_any, cfg_any_text, ident, type_text, Models};
use crate::ir::{
    AdditionalField, Api, EnumVariant, Field, FlattenedUnion, TaggedVariant, TypeDef, TypeKind,
    TypeRef, UntaggedVariant,
};

/// The models module: its inner attributes, then one item group per type, built lazily; the
/// part of them in `part` (a range of `api.types`), the first part with the inner attributes.
pub fn models_rs(
    api: &Api,
    part: std::ops::Range<usize>,
) -> (TokenStream, impl Iterator<Item = TokenStream> + '_) {
    let header = if part.start == 0 {
        quote! {
            //! Request and response models.
            #![allow(deprecated)]
            #![allow(clippy::large_enum_variant, clippy::doc_lazy_continuation)]
            pub mod builders;
        }
    } else {
        TokenStream::new()
    };
    let models = Models::new(&api.types, TokenStream::new());
    (
        header,
        api.types[part]
            .iter()
            .map(move |def| type_def(def, &models)),
    )
}

fn type_def(def: &TypeDef, models: &Models) -> TokenStream {
    let doc = doc_or(def.doc.as_deref(), &def.name);
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    let name = ident(&def.name);
    let cfg = cfg_any(&def.features);
    let body = match &def.kind {
        TypeKind::Struct {
            fields,
            additional,
            flattened,
        } => structure(&cfg, &name, fields, additional.as_ref(), flattened, models),
        TypeKind::Enum {
            variants,
            open: false,
        } => closed_enum(&cfg, &name, variants),
        TypeKind::Enum {
            variants,
            open: true,
        } => open_enum(&cfg, &name, variants),
        TypeKind::Tagged { tag, variants } => tagged(&cfg, &name, tag, variants, models),
        TypeKind::Untagged { variants } => untagged(&cfg, &name, variants, models),
        TypeKind::Alias { target } => {
            let target = models.ty(target);
            quote!(pub type #name = #target;)
        }
    };
    quote! {
        #cfg
        #doc
        #deprecated
        #body
    }
}

fn field_type(field: &Field, models: &Models) -> TokenStream {
    let inner = models.ty(&field.ty);
    let inner = if field.boxed {
        quote!(Box<#inner>)
    } else {
        inner
    };
    if field.double_option {
        quote!(Option<Option<#inner>>)
    } else if !field.required || field.nullable {
        quote!(Option<#inner>)
    } else {
        inner
    }
}

fn structure(
    cfg: &TokenStream,
    name: &proc_macro2::Ident,
    fields: &[Field],
    additional: Option<&AdditionalField>,
    flattened: &[FlattenedUnion],
    models: &Models,
) -> TokenStream {
    let sensitive = fields.iter().any(|f| f.sensitive);
    let all_optional = fields.iter().all(|f| !f.required) && flattened.is_empty();
    let mut derives = vec![];
    if !sensitive {
        derives.push(quote!(Debug));
    }
    derives.extend([quote!(Clone), quote!(PartialEq)]);
    if all_optional {
        derives.push(quote!(Default));
    }
    derives.extend([quote!(serde::Serialize), quote!(serde::Deserialize)]);
    let members = fields.iter().map(|field| {
        let fallback = format!("The `{}` property.", field.json_name);
        let doc = doc_or(field.doc.as_deref(), &fallback);
        let deprecated_note = field.deprecated.then(|| quote!(#[doc = ""] #[doc = " Deprecated."]));
        let field_name = ident(&field.name);
        let json = &field.json_name;
        let rename = (field.name.trim_start_matches("r#") != json).then(|| quote!(#[serde(rename = #json)]));
        let attrs = if field.double_option {
            quote!(#[serde(default, skip_serializing_if = "Option::is_none", with = "crate::runtime::double_option")])
        } else if !field.required {
            quote!(#[serde(default, skip_serializing_if = "Option::is_none")])
        } else {
            TokenStream::new()
        };
        // Date-times decode through the runtime's fast RFC 3339 path.
        let date_time = match (&field.ty, field.double_option) {
            (TypeRef::DateTime, false) if field.required && !field.nullable => {
                quote!(#[serde(deserialize_with = "crate::runtime::date_time")])
            }
            (TypeRef::DateTime, false) => {
                quote!(#[serde(deserialize_with = "crate::runtime::optional_date_time")])
            }
            _ => TokenStream::new(),
        };
        let field_ty = field_type(field, models);
        quote! {
            #doc
            #deprecated_note
            #rename
            #attrs
            #date_time
            pub #field_name: #field_ty,
        }
    });
    // Unions whose members' properties sit beside the fields.
    let flattened_members = flattened.iter().map(|union| {
        let field_name = ident(&union.name);
        let union_name = models.name(union.ty);
        let union_ty = ident(union_name);
        let doc = format!(" Which `{union_name}` this is: its properties sit beside the others.");
        quote! {
            #[doc = #doc]
            #[serde(flatten)]
            pub #field_name: #union_ty,
        }
    });
    // Undeclared properties, kept as received so nothing the server sends is lost.
    let additional_member = additional.map(|additional| {
        let field_name = ident(&additional.name);
        let value = models.ty(&additional.ty);
        quote! {
            /// Properties the description does not declare, kept as received.
            #[serde(flatten)]
            pub #field_name: std::collections::BTreeMap<String, #value>,
        }
    });
    let debug = sensitive.then(|| {
        let mut entries: Vec<TokenStream> = fields
            .iter()
            .map(|field| {
                let field_name = ident(&field.name);
                let label = field.name.trim_start_matches("r#");
                if field.sensitive {
                    quote!(.field(#label, &"[redacted]"))
                } else {
                    quote!(.field(#label, &self.#field_name))
                }
            })
            .collect();
        // Undeclared properties may hold anything: only their names are shown.
        if let Some(additional) = additional {
            let field_name = ident(&additional.name);
            let label = &additional.name;
            entries.push(quote!(.field(#label, &self.#field_name.keys().collect::<Vec<_>>())));
        }
        for union in flattened {
            let field_name = ident(&union.name);
            let label = &union.name;
            entries.push(quote!(.field(#label, &self.#field_name)));
        }
        let label = name.to_string();
        quote! {
            #cfg
            impl std::fmt::Debug for #name {
                // Sensitive fields are never printed.
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct(#label) #(#entries)* .finish()
                }
            }
        }
    });
    quote! {
        #[derive(#(#derives),*)]
        #[non_exhaustive]
        pub struct #name {
            #(#members)*
            #(#flattened_members)*
            #additional_member
        }
        #debug
    }
}

fn closed_enum(
    cfg: &TokenStream,
    name: &proc_macro2::Ident,
    variants: &[EnumVariant],
) -> TokenStream {
    let defs = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.value;
        let doc = format!(" `{value}`");
        quote!(#[doc = #doc] #[serde(rename = #value)] #variant,)
    });
    let arms = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.value;
        quote!(Self::#variant => #value,)
    });
    quote! {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub enum #name {
            #(#defs)*
        }

        #cfg

        impl #name {
            /// The value as sent on the wire.
            pub const fn as_str(&self) -> &'static str {
                match self {
                    #(#arms)*
                }
            }
        }

        #cfg

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

fn open_enum(
    cfg: &TokenStream,
    name: &proc_macro2::Ident,
    variants: &[EnumVariant],
) -> TokenStream {
    let defs = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let doc = format!(" `{}`", v.value);
        quote!(#[doc = #doc] #variant,)
    });
    let to_str = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.value;
        quote!(Self::#variant => #value,)
    });
    let from_str = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.value;
        quote!(#value => Self::#variant,)
    });
    quote! {
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#defs)*
            /// A value this version of the SDK does not know, kept as received.
            Unknown(String),
        }

        #cfg

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Unknown(value) => value,
                }
            }
        }

        #cfg

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        #cfg

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #cfg

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #cfg

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok(Self::from(value.as_ref()))
            }
        }
    }
}

fn tagged(
    cfg: &TokenStream,
    name: &proc_macro2::Ident,
    tag: &str,
    variants: &[TaggedVariant],
    models: &Models,
) -> TokenStream {
    let defs = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let member = ident(models.name(v.ty));
        let doc = format!(" `{tag}: {}`", v.tag_value);
        quote!(#[doc = #doc] #variant(#member),)
    });
    let serialize = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.tag_value;
        quote!(Self::#variant(body) => crate::runtime::serialize_tagged(serializer, #tag, #value, body),)
    });
    let deserialize = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.tag_value;
        quote!(Some(#value) => crate::runtime::from_value(value).map(Self::#variant),)
    });
    let tags = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.tag_value;
        quote!(Self::#variant(_) => Some(#value),)
    });
    let debug = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let label = &v.name;
        quote!(Self::#variant(body) => f.debug_tuple(#label).field(body).finish(),)
    });
    quote! {
        #[derive(Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#defs)*
            /// A kind this version of the SDK does not know, kept as received.
            Unknown(serde_json::Value),
        }

        #cfg

        impl #name {
            /// The tag naming the kind, as sent on the wire.
            pub fn tag(&self) -> Option<&str> {
                match self {
                    #(#tags)*
                    Self::Unknown(value) => value.get(#tag).and_then(serde_json::Value::as_str),
                }
            }
        }

        #cfg

        impl std::fmt::Debug for #name {
            // An unknown kind may hold secrets this SDK cannot recognise: only its tag is shown.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    #(#debug)*
                    Self::Unknown(_) => f.debug_struct("Unknown").field(#tag, &self.tag()).finish_non_exhaustive(),
                }
            }
        }

        #cfg

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize)*
                    Self::Unknown(value) => serde::Serialize::serialize(value, serializer),
                }
            }
        }

        #cfg

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                match value.get(#tag).and_then(serde_json::Value::as_str) {
                    #(#deserialize)*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }
    }
}

fn untagged(
    cfg: &TokenStream,
    name: &proc_macro2::Ident,
    variants: &[UntaggedVariant],
    models: &Models,
) -> TokenStream {
    let defs = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let member = models.ty(&v.ty);
        let doc = format!(" A value shaped as `{}`.", v.name);
        quote!(#[doc = #doc] #variant(#member),)
    });
    let members = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let member = models.ty(&v.ty);
        let label = &v.name;
        let known = match &v.known_fields {
            Some(fields) => quote!(Some(&[#(#fields),*])),
            None => quote!(None),
        };
        quote! {
            crate::runtime::Member {
                name: #label,
                known: #known,
                decode: |value| serde_json::from_value::<#member>(value).map(Self::#variant),
            },
        }
    });
    let union = name.to_string();
    quote! {
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#defs)*
        }

        #cfg

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::untagged(deserializer, #union, &[#(#members)*])
            }
        }
    }
}

/// The builders module's text for the models in `part` (a range of `api.types`), the first
/// part with the module's header. Written from a template rather than through `syn`: each
/// builder is one `model_builder!` invocation, whose arguments `prettyplease` would print
/// token by token.
pub fn builders_rs(api: &Api, part: std::ops::Range<usize>) -> Result<String, crate::error::Error> {
    let models = Models::new(&api.types, quote!(super::));
    let builders: Vec<Builder> = api.types[part.clone()]
        .iter()
        .filter_map(|def| builder(def, &models))
        .collect();
    super::text::render(
        "builders.rs",
        minijinja::context! { header => part.start == 0, builders => builders },
    )
}

/// A struct's `model_builder!` invocation, its parts as text.
#[derive(serde::Serialize)]
struct Builder {
    cfg: String,
    model: String,
    /// The model's name as a string literal, for messages.
    label: String,
    builder: String,
    /// `name "json": Param => Stored,` per field that must be set before `build()`.
    required: Vec<String>,
    /// `name "json": Param => Stored = default,` per field that may stay unset.
    optional: Vec<String>,
}

/// `model_builder!` for a struct: required fields (neither optional nor nullable, and the
/// flattened unions) must be set before `build()`; the others default to absent (or empty).
fn builder(def: &TypeDef, models: &Models) -> Option<Builder> {
    let TypeKind::Struct {
        fields,
        additional,
        flattened,
    } = &def.kind
    else {
        return None;
    };
    let label = def.name.trim_start_matches("r#");
    let literal = |text: &str| proc_macro2::Literal::string(text).to_string();
    let mut required = Vec::new();
    let mut optional = Vec::new();
    for field in fields {
        let name = ident(&field.name);
        let json = literal(&field.json_name);
        let inner = models.ty(&field.ty);
        let (value, converts) = if field.boxed {
            (quote!(Box<#inner>), true)
        } else {
            (inner, matches!(field.ty, TypeRef::String | TypeRef::Json))
        };
        let param = if converts {
            type_text(quote!(impl Into<#value>))
        } else {
            type_text(value.clone())
        };
        let value = type_text(value);
        if field.double_option {
            optional.push(format!(
                "{name} {json}: impl crate::IntoNullable<{value}> => Option<Option<{value}>> = null,"
            ));
        } else if field.required && !field.nullable {
            required.push(format!("{name} {json}: {param} => {value},"));
        } else {
            optional.push(format!("{name} {json}: {param} => Option<{value}> = some,"));
        }
    }
    for union in flattened {
        let name = ident(&union.name);
        let ty = type_text(models.ty(&TypeRef::Named(union.ty)));
        required.push(format!("{name} {}: {ty} => {ty},", literal(&union.name)));
    }
    if let Some(additional) = additional {
        let name = ident(&additional.name);
        let value = type_text(models.ty(&additional.ty));
        let map = format!("std::collections::BTreeMap<String, {value}>");
        optional.push(format!(
            "{name} {}: {map} => {map} = set,",
            literal(&additional.name)
        ));
    }
    Some(Builder {
        cfg: cfg_any_text(&def.features),
        model: ident(&def.name).to_string(),
        label: literal(label),
        builder: format!("{label}Builder"),
        required,
        optional,
    })
}
