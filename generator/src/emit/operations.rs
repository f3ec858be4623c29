//! Emits one module per resource group: its client, one method per operation, and each
//! operation's error enum and options struct.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{clean, doc_attrs, doc_or, lines};
use super::tokens::{ident, is_copy, models_path, ty};
use super::usage::Usage;
use crate::ir::{BodyEncoding, ErrorCase, Group, Operation, Param, ParamLocation, TypeRef};

/// A group's module.
pub fn group_rs<'a>(
    group: &'a Group,
    usage: &'a Usage,
) -> (TokenStream, impl Iterator<Item = TokenStream> + 'a) {
    let module_doc = format!(" Operations on {}.", group.tag);
    let client = ident(&group.type_name);
    let client_doc = doc_attrs(Some(&format!(
        "Operations on {}; get one from [`Client::{}`](crate::Client::{}).",
        group.tag,
        group.module.trim_start_matches("r#"),
        group.module.trim_start_matches("r#"),
    )));
    let group_doc = doc_attrs(group.doc.as_deref());
    let methods = group.operations.iter().map(|op| method(group, op, usage));
    let errors = error_types(group);
    let options = group.operations.iter().map(options_struct);
    let header = quote! {
        #![doc = #module_doc]
        #![allow(deprecated)]
        #![allow(clippy::doc_lazy_continuation, clippy::too_many_arguments)]

        #client_doc
        ///
        #group_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #client<'a> {
            client: &'a crate::Client,
        }

        impl<'a> #client<'a> {
            pub(crate) fn new(client: &'a crate::Client) -> Self {
                Self { client }
            }

            #(#methods)*
        }
    };
    (header, errors.chain(options))
}

/// How a parameter is taken as an argument.
fn argument_type(param: &Param) -> TokenStream {
    let models = models_path();
    match &param.ty {
        TypeRef::String => quote!(&str),
        t if is_copy(t) => ty(t, &models),
        t => {
            let t = ty(t, &models);
            quote!(&#t)
        }
    }
}

fn method(group: &Group, op: &Operation, usage: &Usage) -> TokenStream {
    let models = models_path();
    let name = ident(&op.method_name);
    let error = ident(&op.error_type);
    let success = op
        .success
        .as_ref()
        .map_or_else(|| quote!(()), |t| ty(t, &models));
    let mut doc = String::new();
    if let Some(summary) = &op.summary {
        doc.push_str(&clean(summary));
        doc.push_str("\n\n");
    }
    if let Some(description) = &op.description {
        if op.summary.as_deref() != Some(description.as_str()) {
            doc.push_str(&clean(description));
            doc.push_str("\n\n");
        }
    }
    doc.push_str(&format!(
        "`{} {}` (operation `{}`).\n\n",
        op.http_method, op.path, op.id
    ));
    doc.push_str(&format!(
        "# Example\n\n```no_run\n{}```",
        usage.operation_example(group, op)
    ));
    let doc = lines(&doc);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));

    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let arguments = required.iter().map(|p| {
        let arg = ident(&p.rust_name);
        let arg_ty = argument_type(p);
        quote!(#arg: #arg_ty)
    });
    let body_arg = op.body.as_ref().map(|body| {
        let body_ty = match body.encoding {
            BodyEncoding::Json | BodyEncoding::Form => {
                let t = ty(&body.ty, &models);
                quote!(&#t)
            }
            BodyEncoding::Text => quote!(&str),
            BodyEncoding::Binary if body.required => quote!(impl Into<bytes::Bytes>),
            BodyEncoding::Binary => quote!(bytes::Bytes),
        };
        if body.required {
            quote!(body: #body_ty,)
        } else {
            quote!(body: Option<#body_ty>,)
        }
    });
    let options_arg = op.options_type.as_ref().map(|options| {
        let options = ident(options);
        quote!(options: &#options,)
    });

    let spec = operation_spec(op);
    let decode = success_decoder(op);
    let setters = op.params.iter().map(|p| {
        let wire = &p.name;
        let arg = ident(&p.rust_name);
        let value = if p.required {
            match &p.ty {
                TypeRef::String => quote!(#arg),
                t if is_copy(t) => quote!(&#arg),
                _ => quote!(#arg),
            }
        } else {
            quote!(&options.#arg)
        };
        match p.location {
            ParamLocation::Path => quote!(.path_param(#wire, #value)),
            ParamLocation::Query => quote!(.query(#wire, #value)),
            ParamLocation::Header => quote!(.header_param(#wire, #value)),
        }
    });
    let set_body = op.body.as_ref().map(|body| {
        let content_type = &body.content_type;
        match body.encoding {
            BodyEncoding::Json => quote!(json_body(body)),
            BodyEncoding::Form => quote!(form_body(body)),
            BodyEncoding::Text => quote!(raw_body(#content_type, body.to_owned())),
            BodyEncoding::Binary if body.required => quote!(raw_body(#content_type, body.into())),
            BodyEncoding::Binary => quote!(raw_body(#content_type, body)),
        }
    });
    let body = match (&op.body, &set_body) {
        (Some(body), Some(set_body)) if body.required => quote!(.#set_body),
        _ => TokenStream::new(),
    };
    let built = quote!(self.client.call(&OPERATION, #decode) #(#setters)* #body);
    let call = if op.body.as_ref().is_some_and(|b| !b.required) {
        quote! {
            let call = #built;
            match body {
                Some(body) => call.#set_body,
                None => call,
            }
        }
    } else {
        built
    };
    quote! {
        #doc
        #deprecated
        pub fn #name(&self, #(#arguments,)* #body_arg #options_arg) -> crate::Call<#success, #error> {
            #spec
            #call
        }
    }
}

fn operation_spec(op: &Operation) -> TokenStream {
    let id = &op.id;
    let method = ident(&op.http_method);
    let path = &op.path;
    let alternatives = op.security.iter().map(|schemes| quote!(&[#(#schemes),*]));
    let servers = &op.servers;
    let accept = &op.accept;
    quote! {
        static OPERATION: crate::runtime::OperationSpec = crate::runtime::OperationSpec {
            operation_id: #id,
            method: reqwest::Method::#method,
            path_template: #path,
            security: &[#(#alternatives),*],
            servers: &[#(#servers),*],
            accept: reqwest::header::HeaderValue::from_static(#accept),
        };
    }
}

/// The function that turns a documented success status into the success type.
fn success_decoder(op: &Operation) -> TokenStream {
    let arms = op.success_statuses.iter().map(|s| {
        let status = s.status;
        if s.has_body {
            quote!(#status => Some(crate::runtime::decode_json(body)),)
        } else {
            quote!(#status => Some(Ok(())),)
        }
    });
    if op.success_statuses.is_empty() {
        return quote!(|_status, _body| None);
    }
    let body = if op.success_statuses.iter().any(|s| s.has_body) {
        quote!(body)
    } else {
        quote!(_body)
    };
    quote! {
        |status, #body| match status {
            #(#arms)*
            _ => None,
        }
    }
}

/// One error enum per distinct set of error responses in the group: operations documenting
/// the same responses share the first one's enum under an alias of their own name, so a large
/// API does not carry (and compile) hundreds of identical enums.
fn error_types(group: &Group) -> impl Iterator<Item = TokenStream> + '_ {
    let ops = &group.operations;
    // For each operation, the first one documenting the same error responses.
    let mut first_with: BTreeMap<String, usize> = BTreeMap::new();
    let owner: Vec<usize> = ops
        .iter()
        .enumerate()
        .map(|(i, op)| {
            let key = serde_json::to_string(&op.errors).unwrap_or_default();
            *first_with.entry(key).or_insert(i)
        })
        .collect();
    ops.iter().enumerate().map(move |(i, op)| {
        let first = &ops[owner[i]];
        if owner[i] == i {
            let sharing: Vec<&str> = (0..ops.len())
                .filter(|&j| owner[j] == i)
                .map(|j| ops[j].id.as_str())
                .collect();
            error_enum(op, &sharing)
        } else {
            let name = ident(&op.error_type);
            let shared = ident(&first.error_type);
            let doc = format!(
                " The error responses `{}` documents: the same as `{}`'s.",
                op.id, first.id
            );
            quote! {
                #[doc = #doc]
                pub type #name = #shared;
            }
        }
    })
}

fn error_enum(op: &Operation, sharing: &[&str]) -> TokenStream {
    let models = models_path();
    let name = ident(&op.error_type);
    let doc = match sharing {
        [_] | [] => format!(" The error responses `{}` documents.", op.id),
        ids => format!(
            " The error responses {} document.",
            ids.iter()
                .map(|id| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let variants = op.errors.iter().map(|e| {
        let variant = ident(&e.variant);
        let label = e.status_label();
        let doc = if e.description.trim().is_empty() {
            format!("The `{label}` response.")
        } else {
            format!("{label}: {}", e.description)
        };
        let doc = doc_attrs(Some(&doc));
        match &e.ty {
            Some(t) => {
                let t = ty(t, &models);
                quote!(#doc #variant(#t),)
            }
            None => quote!(#doc #variant,),
        }
    });
    let decode_arms = op.errors.iter().map(decode_arm);
    let status_arms = op.errors.iter().map(|e| {
        let variant = ident(&e.variant);
        let status = e.status;
        match e.ty {
            Some(_) => quote!(Self::#variant(_) => #status,),
            None => quote!(Self::#variant => #status,),
        }
    });
    let body = if op.errors.iter().any(|e| e.ty.is_some()) {
        quote!(body)
    } else {
        quote!(_body)
    };
    let (status, decode) = if op.errors.is_empty() {
        (quote!(_status), quote!(None))
    } else {
        (
            quote!(status),
            quote!(match status { #(#decode_arms)* _ => None, }),
        )
    };
    let status_body = if op.errors.is_empty() {
        quote!(match *self {})
    } else {
        quote!(match self { #(#status_arms)* })
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            /// The HTTP status this error came with.
            pub fn status(&self) -> u16 {
                #status_body
            }
        }

        impl crate::runtime::ErrorResponses for #name {
            fn decode(#status: u16, #body: &[u8]) -> Option<Result<Self, crate::runtime::DecodeError>> {
                #decode
            }

            fn status(&self) -> u16 {
                Self::status(self)
            }
        }
    }
}

fn decode_arm(error: &ErrorCase) -> TokenStream {
    let variant = ident(&error.variant);
    let first = error.status;
    let last = first + 99;
    let status = if error.range {
        quote!(#first..=#last)
    } else {
        quote!(#first)
    };
    match error.ty {
        Some(_) => quote!(#status => Some(crate::runtime::decode_json(body).map(Self::#variant)),),
        None => quote!(#status => Some(Ok(Self::#variant)),),
    }
}

fn options_struct(op: &Operation) -> TokenStream {
    let Some(name) = &op.options_type else {
        return TokenStream::new();
    };
    let models = models_path();
    let name = ident(name);
    let doc = format!(" Optional parameters of `{}`.", op.id);
    let fields = op.params.iter().filter(|p| !p.required).map(|p| {
        let field = ident(&p.rust_name);
        let field_ty = ty(&p.ty, &models);
        let location = match p.location {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
        };
        let doc = doc_or(
            p.doc.as_deref(),
            &format!("The `{}` {location} parameter.", p.name),
        );
        quote!(#doc pub #field: Option<#field_ty>,)
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct #name {
            #(#fields)*
        }
    }
}
