//! How an operation is called, decided once: its method's positional arguments (required
//! parameters, then a required body), the setters of its call (optional parameters, then an
//! optional body), each with the one Rust type it is taken as, and the types it returns. The
//! method and its call type (`emit/operations.rs`), the group trait, the rustdoc, the group
//! docs' tables (`emit/text.rs`) and every example (`emit/usage.rs`) are renderings of it.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{ident, is_copy, Models};
use super::usage::Usage;
use crate::ir::{Body, BodyEncoding, Group, Operation, Param, TypeRef};

/// How one operation is called.
pub struct Signature<'a> {
    /// Its group.
    pub group: &'a Group,
    /// The operation.
    pub op: &'a Operation,
    /// The method's arguments after `&self`, in order.
    pub arguments: Vec<Input<'a>>,
    /// The call's setters, in order; each is a field of the params struct too.
    pub setters: Vec<Input<'a>>,
}

/// An argument of the method or a setter of the call.
pub struct Input<'a> {
    /// The Rust name: the argument's, or the setter's and its params field's.
    pub name: &'a str,
    /// The type it is taken as.
    pub shape: Shape,
    /// What it sets.
    pub source: Source<'a>,
}

/// What an input sets.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    /// A parameter.
    Param(&'a Param),
    /// The request body.
    Body(&'a Body),
}

/// The Rust type an input is taken as.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// `&str`.
    Str,
    /// `impl Into<String>`.
    IntoString,
    /// `impl Into<bytes::Bytes>`.
    IntoBytes,
    /// The type itself, by value.
    Value(TypeRef),
    /// `&T`.
    Ref(TypeRef),
    /// `&[T]`, for a list.
    Slice(TypeRef),
    /// A multipart form struct of the group's module, by value.
    Form(String),
    /// `()`: a multipart body whose parts the document does not describe.
    Unit,
}

impl<'a> Signature<'a> {
    /// The signature of `op`, an operation of `group`.
    pub fn of(group: &'a Group, op: &'a Operation) -> Self {
        let mut arguments = Vec::new();
        let mut setters = Vec::new();
        for param in &op.params {
            let input = Input {
                name: &param.rust_name,
                shape: if param.required {
                    argument_shape(&param.ty)
                } else {
                    setter_shape(&param.ty)
                },
                source: Source::Param(param),
            };
            if param.required {
                arguments.push(input);
            } else {
                setters.push(input);
            }
        }
        if let Some(body) = &op.body {
            let shape = match body.encoding {
                BodyEncoding::Json | BodyEncoding::Form => Shape::Value(body.ty.clone()),
                BodyEncoding::Text => Shape::IntoString,
                BodyEncoding::Binary => Shape::IntoBytes,
                BodyEncoding::Multipart => match &body.multipart {
                    Some(form) => Shape::Form(form.type_name.clone()),
                    None => Shape::Unit,
                },
            };
            let input = Input {
                name: "body",
                shape,
                source: Source::Body(body),
            };
            if body.required {
                arguments.push(input);
            } else {
                setters.push(input);
            }
        }
        Signature {
            group,
            op,
            arguments,
            setters,
        }
    }

    /// The arguments of the group trait's method after `&self`: the method's, then the params
    /// struct when there is one, as `(name, type)`.
    pub fn trait_arguments(&self, models: &Models) -> Vec<(TokenStream, TokenStream)> {
        let mut arguments: Vec<(TokenStream, TokenStream)> = self
            .arguments
            .iter()
            .map(|input| {
                let name = ident(input.name);
                (quote!(#name), input.shape.tokens(models))
            })
            .collect();
        if let Some(params) = &self.op.params_type {
            let params = ident(params);
            arguments.push((quote!(params), quote!(#params)));
        }
        arguments
    }
}

/// How a required parameter is taken: text as `&str`, small `Copy` values by value, a list as
/// a slice (as clippy asks of list arguments; a `&Vec` coerces to it), anything else by
/// reference.
fn argument_shape(ty: &TypeRef) -> Shape {
    match ty {
        TypeRef::String => Shape::Str,
        t if is_copy(t) => Shape::Value(t.clone()),
        TypeRef::List(item) => Shape::Slice((**item).clone()),
        t => Shape::Ref(t.clone()),
    }
}

/// How an optional parameter's setter takes its value: text as anything that becomes a
/// `String`, anything else by value (the call keeps it until it is sent).
fn setter_shape(ty: &TypeRef) -> Shape {
    match ty {
        TypeRef::String => Shape::IntoString,
        t => Shape::Value(t.clone()),
    }
}

impl Shape {
    /// The type in the generated crate.
    pub fn tokens(&self, models: &Models) -> TokenStream {
        match self {
            Shape::Str => quote!(&str),
            Shape::IntoString => quote!(impl Into<String>),
            Shape::IntoBytes => quote!(impl Into<bytes::Bytes>),
            Shape::Value(t) => models.ty(t),
            Shape::Ref(t) => {
                let t = models.ty(t);
                quote!(&#t)
            }
            Shape::Slice(t) => {
                let t = models.ty(t);
                quote!(&[#t])
            }
            Shape::Form(name) => {
                let name = ident(name);
                quote!(#name)
            }
            Shape::Unit => quote!(()),
        }
    }

    /// The type as users write it, from outside the crate.
    pub fn text(&self, usage: &Usage, group: &Group) -> String {
        match self {
            Shape::Str => "&str".to_owned(),
            Shape::IntoString => "impl Into<String>".to_owned(),
            Shape::IntoBytes => "impl Into<bytes::Bytes>".to_owned(),
            Shape::Value(t) => usage.type_path(t),
            Shape::Ref(t) => format!("&{}", usage.type_path(t)),
            Shape::Slice(t) => format!("&[{}]", usage.type_path(t)),
            Shape::Form(name) => usage.group_path(group, name),
            Shape::Unit => "()".to_owned(),
        }
    }

    /// The type a setter's value is kept as, in the params struct (inside an `Option`).
    pub fn owned_tokens(&self, models: &Models) -> TokenStream {
        match self {
            Shape::Str | Shape::IntoString => quote!(String),
            Shape::IntoBytes => quote!(bytes::Bytes),
            Shape::Value(t) | Shape::Ref(t) => models.ty(t),
            Shape::Slice(t) => {
                let t = models.ty(t);
                quote!(Vec<#t>)
            }
            Shape::Form(_) | Shape::Unit => self.tokens(models),
        }
    }

    /// `value` (of this shape) as the type it is kept as.
    pub fn kept(&self, value: TokenStream) -> TokenStream {
        match self {
            Shape::IntoString | Shape::IntoBytes => quote!(#value.into()),
            Shape::Str => quote!(#value.to_owned()),
            Shape::Ref(_) => quote!(#value.clone()),
            Shape::Slice(_) => quote!(#value.to_vec()),
            Shape::Value(_) | Shape::Form(_) | Shape::Unit => value,
        }
    }

    /// Whether the value can be cloned and compared (a multipart form's files may be streams).
    pub fn is_plain(&self) -> bool {
        !matches!(self, Shape::Form(_) | Shape::Unit)
    }
}

impl Input<'_> {
    /// The doc line of its setter or params field.
    pub fn doc(&self) -> String {
        match self.source {
            Source::Param(p) => match &p.doc {
                Some(doc) if !doc.trim().is_empty() => doc.clone(),
                _ => format!("The `{}` {} parameter.", p.name, p.location.label()),
            },
            Source::Body(b) => match &b.doc {
                Some(doc) if !doc.trim().is_empty() => doc.clone(),
                _ => "The request body.".to_owned(),
            },
        }
    }
}
