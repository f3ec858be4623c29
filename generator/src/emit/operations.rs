//! Emits one module per resource group: its client, one method per operation, the group's
//! trait, and each operation's success enum (when its success responses differ), error enum,
//! call type and params struct, all rendered from its `Signature`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{clean, doc_attrs, doc_or, lines};
use super::signature::{Shape, Signature, Source};
use super::tokens::{ident, Models};
use super::usage::Usage;
use crate::ir::{
    BodyEncoding, Group, MultipartForm, Operation, ParamLocation, ParamStyle, PartKind,
    ResponseBody, ResponseCase, StatusMatch, Success,
};

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
    let models = Models::in_crate(&usage.api().types);
    let sigs: Vec<Signature<'a>> = group
        .operations
        .iter()
        .map(|op| Signature::of(group, op))
        .collect();
    let methods = sigs.iter().map(|sig| method(sig, usage, &models));
    let errors = error_types(group, models.clone());
    let successes = {
        let models = models.clone();
        group
            .operations
            .iter()
            .map(move |op| success_enum(op, &models))
    };
    let calls: Vec<TokenStream> = sigs.iter().map(|sig| call_type(sig, &models)).collect();
    let forms = {
        let models = models.clone();
        group
            .operations
            .iter()
            .map(move |op| form_struct(op, &models))
    };
    let pages = super::pagination::items(group, models.clone());
    let api_trait = group_trait(group, &sigs, &models);
    // Clippy's limit is seven arguments, `&self` included; the trait's methods take the
    // params struct too.
    let many_arguments = sigs
        .iter()
        .any(|sig| sig.arguments.len() + usize::from(sig.op.params_type.is_some()) > 6)
        .then(|| quote!(clippy::too_many_arguments,));
    let header = quote! {
        #![doc = #module_doc]
        #![allow(deprecated)]
        #![allow(
            clippy::doc_lazy_continuation,
            #many_arguments
            clippy::large_enum_variant
        )]

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

        #api_trait
    };
    (
        header,
        successes
            .chain(errors)
            .chain(calls)
            .chain(forms)
            .chain(pages),
    )
}

fn method(sig: &Signature, usage: &Usage, models: &Models) -> TokenStream {
    let (group, op) = (sig.group, sig.op);
    let name = ident(&op.method_name);
    let call_type = ident(&op.call_type);
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
    if !sig.setters.is_empty() {
        let setters: Vec<String> = sig
            .setters
            .iter()
            .map(|s| {
                // Rustdoc cannot link to a raw identifier (`r#where`).
                match s.name.strip_prefix("r#") {
                    Some(raw) => format!("`{raw}`"),
                    None => format!("[`{}`]({}::{})", s.name, op.call_type, s.name),
                }
            })
            .collect();
        doc.push_str(&format!(
            "Optional: {} on the returned [`{}`].\n\n",
            setters.join(", "),
            op.call_type
        ));
    }
    doc.push_str(&format!(
        "# Example\n\n```no_run\n{}```",
        usage.operation_example(group, op)
    ));
    let doc = lines(&doc);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let arguments = sig.arguments.iter().map(|input| {
        let arg = ident(input.name);
        let arg_ty = input.shape.tokens(models);
        quote!(#arg: #arg_ty)
    });
    let spec = operation_spec(op);
    let decode = success_decoder(op);
    let setters = sig.arguments.iter().map(|input| {
        let arg = ident(input.name);
        let value = match &input.shape {
            Shape::Str | Shape::Slice(_) | Shape::Ref(_) => quote!(#arg),
            _ => quote!(&#arg),
        };
        set(input.source, value, &arg)
    });
    let params = op.params_type.as_ref().map(|params| {
        let params = ident(params);
        quote!(params: #params::default(),)
    });
    quote! {
        #doc
        #deprecated
        pub fn #name(&self, #(#arguments),*) -> #call_type {
            #spec
            #call_type {
                call: self.client.call(&OPERATION, #decode) #(#setters)*,
                #params
            }
        }
    }
}

/// The call method writing an input into the runtime's call: a parameter from `value` (a
/// reference to it), a body from `body` (the value itself).
fn set(source: Source, value: TokenStream, body: &proc_macro2::Ident) -> TokenStream {
    match source {
        Source::Param(p) => {
            let wire = &p.name;
            // The location's own style needs no saying.
            if p.style == ParamStyle::default_for(p.location) {
                return match p.location {
                    ParamLocation::Path => quote!(.path_param(#wire, #value)),
                    ParamLocation::Query => quote!(.query(#wire, #value)),
                    ParamLocation::Header => quote!(.header_param(#wire, #value)),
                    ParamLocation::Cookie => quote!(.cookie_param(#wire, #value)),
                };
            }
            let style = style_tokens(p.style);
            match p.location {
                ParamLocation::Path => quote!(.path_styled(#wire, #value, #style)),
                ParamLocation::Query => quote!(.query_styled(#wire, #value, #style)),
                ParamLocation::Header => quote!(.header_styled(#wire, #value, #style)),
                ParamLocation::Cookie => quote!(.cookie_styled(#wire, #value, #style)),
            }
        }
        Source::Body(b) => {
            let content_type = &b.content_type;
            match b.encoding {
                BodyEncoding::Json => quote!(.json_body(#content_type, &#body)),
                BodyEncoding::Form if b.field_styles.is_empty() => quote!(.form_body(&#body)),
                BodyEncoding::Form => {
                    let fields = b.field_styles.iter().map(|field| {
                        let name = &field.name;
                        let style = style_tokens(field.style);
                        quote!((#name, #style))
                    });
                    quote!(.form_body_styled(&#body, &[#(#fields),*]))
                }
                BodyEncoding::Text => quote!(.raw_body(#content_type, Into::<String>::into(#body))),
                BodyEncoding::Binary => quote!(.raw_body(#content_type, #body)),
                BodyEncoding::Multipart => quote!(.multipart_body(#body.into_multipart())),
            }
        }
    }
}

/// An operation's call type (declared by the runtime's `operation_call!`), its setters and how
/// they are written into the runtime's call; its params struct.
fn call_type(sig: &Signature, models: &Models) -> TokenStream {
    let (group, op) = (sig.group, sig.op);
    let name = ident(&op.call_type);
    let success = models.success(op);
    let error = ident(&op.error_type);
    let doc = format!(
        " A call of [`{}::{}`]: set its optional parameters, then `.await` it.",
        group.type_name,
        op.method_name.trim_start_matches("r#")
    );
    let streaming = (op.success == Success::Body(ResponseBody::Bytes)).then(|| {
        quote! {
            impl #name {
                /// Sends the call and returns as soon as a success status and its headers
                /// arrive, the body left to read chunk by chunk: for large downloads.
                pub fn send_streaming(self) -> impl std::future::Future<Output = Result<crate::Response<crate::ByteStream<#error>>, crate::Error<#error>>> {
                    self.apply().send_streaming()
                }
            }
        }
    });
    let Some(params) = &op.params_type else {
        return quote! {
            crate::runtime::operation_call! {
                #[doc = #doc]
                #name<#success, #error>
            }
            #streaming
        };
    };
    let params = ident(params);
    let setters = sig.setters.iter().map(|input| {
        let field = ident(input.name);
        let ty = input.shape.tokens(models);
        let value = input.shape.kept(quote!(#field));
        let doc = doc_or(Some(&input.doc()), "");
        quote! {
            #doc
            pub fn #field(mut self, #field: #ty) -> Self {
                self.params.#field = Some(#value);
                self
            }
        }
    });
    // The parameters in one chain, then the body, when set.
    let chained = sig.setters.iter().filter_map(|input| match input.source {
        Source::Param(_) => {
            let field = ident(input.name);
            Some(set(input.source, quote!(&params.#field), &field))
        }
        Source::Body(_) => None,
    });
    let chained = quote!(self.call #(#chained)*);
    let applied = match sig
        .setters
        .iter()
        .find(|input| matches!(input.source, Source::Body(_)))
    {
        Some(input) => {
            let field = ident(input.name);
            let set = set(input.source, quote!(()), &field);
            quote! {
                let call = #chained;
                match params.#field {
                    Some(#field) => call #set,
                    None => call,
                }
            }
        }
        None => chained,
    };
    let params_doc = format!(
        " The optional parameters of [`{}::{}`], each `None` unless set: what the setters of [`{}`] fill, and what [`{}`]'s method takes.",
        group.type_name,
        op.method_name.trim_start_matches("r#"),
        op.call_type,
        group.trait_name
    );
    let fields = sig.setters.iter().map(|input| {
        let field = ident(input.name);
        let ty = input.shape.owned_tokens(models);
        let doc = doc_or(Some(&input.doc()), "");
        quote!(#doc pub #field: Option<#ty>,)
    });
    let derives = if sig.setters.iter().all(|s| s.shape.is_plain()) {
        quote!(#[derive(Debug, Clone, Default, PartialEq)])
    } else {
        quote!(#[derive(Debug, Default)])
    };
    quote! {
        #[doc = #params_doc]
        #derives
        pub struct #params {
            #(#fields)*
        }

        crate::runtime::operation_call! {
            #[doc = #doc]
            #name<#success, #error>, #params
        }

        impl #name {
            fn apply(self) -> crate::Call<#success, #error> {
                let params = self.params;
                #applied
            }

            #(#setters)*
        }

        #streaming
    }
}

/// The group's trait: one method per operation taking the method's arguments and the params
/// struct, returning the future of the call. `Client` implements it; a default fails every
/// method, so a test's fake implements only those it needs.
fn group_trait(group: &Group, sigs: &[Signature], models: &Models) -> TokenStream {
    let name = ident(&group.trait_name);
    let module = ident(&group.module);
    let doc = lines(&format!(
        "The operations on {}, as a trait: [`Client`](crate::Client) implements it by sending each call, and a test's fake can implement it instead, for code generic over it.\n\nEach method takes what the method of [`{}`] does, and the optional parameters as a params struct. Each has a default that fails with [`Error::InvalidRequest`](crate::Error::InvalidRequest), so a fake implements only the methods it needs.",
        group.tag, group.type_name
    ));
    let mut declared = Vec::new();
    let mut implemented = Vec::new();
    for sig in sigs {
        let op = sig.op;
        let method = ident(&op.method_name);
        let success = models.success(op);
        let error = ident(&op.error_type);
        let arguments = sig.trait_arguments(models);
        let declare = arguments.iter().map(|(n, t)| quote!(#n: #t));
        let names: Vec<&TokenStream> = arguments.iter().map(|(n, _)| n).collect();
        let passed = sig.arguments.iter().map(|input| ident(input.name));
        let with_params = op
            .params_type
            .as_ref()
            .map(|_| quote!(.with_params(params)));
        let output = quote!(impl std::future::Future<Output = Result<#success, crate::Error<#error>>> + Send);
        let doc = format!(
            " [`{}::{}`]: `{} {}`.",
            group.type_name,
            op.method_name.trim_start_matches("r#"),
            op.http_method,
            op.path
        );
        let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
        let id = &op.id;
        let message = format!("`{id}` is not implemented by this `{}`", group.trait_name);
        let declare: Vec<TokenStream> = declare.collect();
        declared.push(quote! {
            #[doc = #doc]
            #deprecated
            fn #method(&self, #(#declare),*) -> #output {
                let _ = (#(#names,)*);
                std::future::ready(Err(crate::Error::InvalidRequest {
                    operation_id: #id,
                    message: #message.to_owned(),
                }))
            }
        });
        implemented.push(quote! {
            fn #method(&self, #(#declare),*) -> #output {
                std::future::IntoFuture::into_future(self.#module().#method(#(#passed),*) #with_params)
            }
        });
    }
    quote! {
        #doc
        pub trait #name {
            #(#declared)*
        }

        impl #name for crate::Client {
            #(#implemented)*
        }
    }
}

/// The runtime's `Style` value for a parameter style.
fn style_tokens(style: ParamStyle) -> TokenStream {
    let style = match style {
        ParamStyle::Simple { explode } => quote!(Simple { explode: #explode }),
        ParamStyle::Label { explode } => quote!(Label { explode: #explode }),
        ParamStyle::Matrix { explode } => quote!(Matrix { explode: #explode }),
        ParamStyle::Form { explode } => quote!(Form { explode: #explode }),
        ParamStyle::SpaceDelimited => quote!(SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(PipeDelimited),
        ParamStyle::DeepObject => quote!(DeepObject),
        ParamStyle::Json => quote!(Json),
    };
    quote!(crate::runtime::Style::#style)
}

fn operation_spec(op: &Operation) -> TokenStream {
    let id = &op.id;
    let method = ident(op.http_method.as_str());
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

/// The statuses a response stands for, as a match pattern; `default` is every `2XX` on the
/// success side and every other status on the error side.
fn status_pattern(status: StatusMatch, success: bool) -> TokenStream {
    match status {
        StatusMatch::Code(code) => quote!(#code),
        StatusMatch::Range(class) => {
            let (first, last) = (class * 100, class * 100 + 99);
            quote!(#first..=#last)
        }
        StatusMatch::Default if success => quote!(200..=299),
        StatusMatch::Default => quote!(_),
    }
}

/// How a response's body becomes a value: nothing to decode, a value as is, or a decoding
/// that can fail.
enum Decode {
    Nothing,
    Value(TokenStream),
    Fallible(TokenStream),
}

/// How `body` (a `&[u8]`, or `&bytes::Bytes` on the success side) is decoded as `kind` says.
fn decode_body(kind: &ResponseBody, success: bool) -> Decode {
    match kind {
        ResponseBody::Empty => Decode::Nothing,
        ResponseBody::Json(_) => Decode::Fallible(quote!(crate::runtime::decode_json(body))),
        ResponseBody::Text => Decode::Fallible(quote!(crate::runtime::decode_text(body))),
        // The success body is already `Bytes`: shared, not copied. Error bodies are small.
        ResponseBody::Bytes if success => Decode::Value(quote!(body.clone())),
        ResponseBody::Bytes => Decode::Value(quote!(bytes::Bytes::copy_from_slice(body))),
    }
}

/// The decoded result of a response: its body, or (with `owner`, an enum) the variant
/// holding it: `Variant(body)`, `Variant`, or, for a response standing for several statuses,
/// `Variant { status, body }`.
fn decoded(case: &ResponseCase, owner: Option<&TokenStream>, success: bool) -> TokenStream {
    let decode = decode_body(&case.body, success);
    let Some(owner) = owner else {
        return match decode {
            Decode::Nothing => quote!(Ok(())),
            Decode::Value(value) => quote!(Ok(#value)),
            Decode::Fallible(result) => result,
        };
    };
    let variant = ident(&case.variant);
    let many = case.status.is_many();
    match decode {
        Decode::Nothing if many => quote!(Ok(#owner::#variant { status })),
        Decode::Nothing => quote!(Ok(#owner::#variant)),
        Decode::Value(body) if many => quote!(Ok(#owner::#variant { status, body: #body })),
        Decode::Value(body) => quote!(Ok(#owner::#variant(#body))),
        Decode::Fallible(result) if many => {
            quote!(#result.map(|body| #owner::#variant { status, body }))
        }
        Decode::Fallible(result) => quote!(#result.map(#owner::#variant)),
    }
}

/// `match status { arms }`, or the one arm's value when it is a catch-all.
fn match_status(
    cases: &[ResponseCase],
    success: bool,
    arm: impl Fn(&ResponseCase) -> TokenStream,
) -> TokenStream {
    if let [only] = cases {
        if !success && only.status == StatusMatch::Default {
            let value = arm(only);
            return quote!(Some(#value));
        }
    }
    let arms = cases.iter().map(|case| {
        let pattern = status_pattern(case.status, success);
        let value = arm(case);
        quote!(#pattern => Some(#value),)
    });
    // A catch-all `default` arm leaves nothing for the closing `_`.
    let fallback = (success || !cases.iter().any(|c| c.status == StatusMatch::Default))
        .then(|| quote!(_ => None,));
    quote!(match status { #(#arms)* #fallback })
}

/// The function that turns a documented success status into the success type.
fn success_decoder(op: &Operation) -> TokenStream {
    let owner = match &op.success {
        Success::Enum(name) => {
            let name = ident(name);
            Some(quote!(#name))
        }
        _ => None,
    };
    let decode = match_status(&op.successes, true, |case| {
        decoded(case, owner.as_ref(), true)
    });
    let body = if op.successes.iter().any(|c| c.body != ResponseBody::Empty) {
        quote!(body)
    } else {
        quote!(_body)
    };
    quote!(|status, #body| #decode)
}

/// The success enum of an operation whose success responses differ.
fn success_enum(op: &Operation, models: &Models) -> TokenStream {
    let Success::Enum(name) = &op.success else {
        return TokenStream::new();
    };
    let name = ident(name);
    let doc = format!(
        " The success responses `{}` documents: which one came back, with its body.",
        op.id
    );
    let variants = op
        .successes
        .iter()
        .map(|case| response_variant(case, models));
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// A success or error enum variant for a response, with its doc line.
fn response_variant(case: &ResponseCase, models: &Models) -> TokenStream {
    let variant = ident(&case.variant);
    let description = case.description.trim();
    let doc = doc_attrs(Some(&if description.is_empty() {
        format!("The `{}` response.", case.status.label())
    } else {
        format!("{}: {description}", case.status.label())
    }));
    let body = models.body(&case.body);
    match (&case.body, case.status.is_many()) {
        (ResponseBody::Empty, false) => quote!(#doc #variant,),
        (ResponseBody::Empty, true) => quote! {
            #doc
            #variant {
                /// The status it came with.
                status: u16,
            },
        },
        (_, false) => quote!(#doc #variant(#body),),
        (_, true) => quote! {
            #doc
            #variant {
                /// The status it came with.
                status: u16,
                /// The body.
                body: #body,
            },
        },
    }
}

/// The group's error enums: an operation's own, or one that operations documenting the same
/// error responses share (`Operation::error_enum`, decided in lowering), emitted where its
/// first operation is; an operation sharing one names it under an alias of its own name.
fn error_types<'a>(group: &'a Group, models: Models<'a>) -> impl Iterator<Item = TokenStream> + 'a {
    let ops = &group.operations;
    let mut emitted: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    ops.iter().map(move |op| {
        let mut tokens = TokenStream::new();
        if emitted.insert(op.error_enum.as_str()) {
            let sharing: Vec<&str> = ops
                .iter()
                .filter(|o| o.error_enum == op.error_enum)
                .map(|o| o.id.as_str())
                .collect();
            tokens.extend(error_enum(op, &sharing, &models));
        }
        if op.error_type != op.error_enum {
            let name = ident(&op.error_type);
            let shared = ident(&op.error_enum);
            let doc = format!(
                " The error responses `{}` documents, which other operations of the group document too.",
                op.id
            );
            tokens.extend(quote! {
                #[doc = #doc]
                pub type #name = #shared;
            });
        }
        tokens
    })
}

fn error_enum(op: &Operation, sharing: &[&str], models: &Models) -> TokenStream {
    let name = ident(&op.error_enum);
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
    let variants = op.errors.iter().map(|e| response_variant(e, models));
    let status_arms = op.errors.iter().map(|e| {
        let variant = ident(&e.variant);
        match (&e.status, &e.body) {
            (StatusMatch::Code(code), ResponseBody::Empty) => quote!(Self::#variant => #code,),
            (StatusMatch::Code(code), _) => quote!(Self::#variant(_) => #code,),
            _ => quote!(Self::#variant { status, .. } => *status,),
        }
    });
    let body = if op.errors.iter().any(|e| e.body != ResponseBody::Empty) {
        quote!(body)
    } else {
        quote!(_body)
    };
    let (status, decode) = if op.errors.is_empty() {
        (quote!(_status), quote!(None))
    } else {
        (
            quote!(status),
            match_status(&op.errors, false, |case| {
                decoded(case, Some(&quote!(Self)), false)
            }),
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
        #[non_exhaustive]
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

/// The struct holding a multipart body's parts, and how it becomes the runtime's form.
fn form_struct(op: &Operation, models: &Models) -> TokenStream {
    let Some((body, form)) = op
        .body
        .as_ref()
        .and_then(|b| Some((b, b.multipart.as_ref()?)))
    else {
        return TokenStream::new();
    };
    let media_type = body
        .content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if form.variants.is_empty() {
        let doc = format!(
            " The `{media_type}` body of `{}`: one part per field (a list, one per item).",
            op.id
        );
        return one_form(form, &media_type, &doc, models);
    }
    // Parts varying with a oneOf/anyOf: a form per member, and an enum of them.
    let name = ident(&form.type_name);
    let doc = format!(
        " The `{media_type}` body of `{}`: one of {} forms, as its parts vary.",
        op.id,
        form.variants.len()
    );
    let forms = form.variants.iter().map(|(variant, form)| {
        let doc = format!(
            " The `{variant}` form of `{}`: one part per field (a list, one per item).",
            op.id
        );
        one_form(form, &media_type, &doc, models)
    });
    let variants = form.variants.iter().map(|(variant, form)| {
        let variant = ident(variant);
        let form = ident(&form.type_name);
        let doc = format!(" The parts of a `{form}`.");
        quote!(#[doc = #doc] #variant(#form),)
    });
    let arms = form.variants.iter().map(|(variant, _)| {
        let variant = ident(variant);
        quote!(Self::#variant(form) => form.into_multipart(),)
    });
    quote! {
        #(#forms)*

        #[doc = #doc]
        #[derive(Debug)]
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            pub(crate) fn into_multipart(self) -> crate::runtime::Multipart {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

/// The struct holding one form's parts, and how it becomes the runtime's form.
fn one_form(form: &MultipartForm, media_type: &str, doc: &str, models: &Models) -> TokenStream {
    let name = ident(&form.type_name);
    let header_fields = form.parts.iter().flat_map(|part| {
        part.headers.iter().map(move |header| {
            let field = ident(&header.rust_name);
            let t = models.ty(&header.ty);
            let field_ty = if header.required {
                t
            } else {
                quote!(Option<#t>)
            };
            let what = format!("The `{}` header of the `{}` part.", header.name, part.name);
            let text = match &header.doc {
                Some(doc) => format!("{what}\n\n{doc}"),
                None => what,
            };
            let doc = doc_or(Some(&text), "");
            quote!(#doc pub #field: #field_ty,)
        })
    });
    let fields = form.parts.iter().map(|part| {
        let field = ident(&part.rust_name);
        let field_ty = match (&part.kind, part.required) {
            (PartKind::File, true) => quote!(crate::FilePart),
            (PartKind::File, false) => quote!(Option<crate::FilePart>),
            (PartKind::Files, _) => quote!(Vec<crate::FilePart>),
            (PartKind::Value(t) | PartKind::Json(t), true) => models.ty(t),
            (PartKind::Value(t) | PartKind::Json(t), false) => {
                let t = models.ty(t);
                quote!(Option<#t>)
            }
        };
        let fallback = match part.kind {
            PartKind::File => format!("The `{}` file.", part.name),
            PartKind::Files => format!("The `{}` files, one part each.", part.name),
            _ => format!("The `{}` part.", part.name),
        };
        let doc = doc_or(part.doc.as_deref(), &fallback);
        quote!(#doc pub #field: #field_ty,)
    });
    let parts = form.parts.iter().map(|part| {
        let wire = &part.name;
        let field = ident(&part.rust_name);
        let headers = part.headers.iter().map(|header| {
            let name = &header.name;
            let field = ident(&header.rust_name);
            quote!(.header(#name, &self.#field))
        });
        let headers = quote!(#(#headers)*);
        let optional_type = |media: &Option<String>| match media {
            Some(media) => quote!(Some(#media)),
            None => quote!(None),
        };
        match &part.kind {
            PartKind::File | PartKind::Files => {
                let media = part
                    .content_type
                    .as_deref()
                    .unwrap_or("application/octet-stream");
                let files = if part.kind == PartKind::File && part.required {
                    quote!([self.#field])
                } else {
                    quote!(self.#field)
                };
                quote!(.files(#wire, #files, #media) #headers)
            }
            PartKind::Value(_) => {
                let media = optional_type(&part.content_type);
                quote!(.value(#wire, &self.#field, #media) #headers)
            }
            PartKind::Json(_) => {
                let media = part.content_type.as_deref().unwrap_or("application/json");
                quote!(.json(#wire, &self.#field, #media) #headers)
            }
        }
    });
    let new = if media_type == "multipart/form-data" {
        quote!(crate::runtime::Multipart::new())
    } else {
        quote!(crate::runtime::Multipart::new().media_type(#media_type))
    };
    let (other_field, other_parts) = match &form.other_parts {
        Some(field) => {
            let field = ident(field);
            let doc = lines(
                "Parts the document does not list, each a name and its content: a file, or text\n\
                 as `FilePart::bytes(text).content_type(\"text/plain\")`.",
            );
            (
                quote!(#doc pub #field: Vec<(String, crate::FilePart)>,),
                quote!(.named_files(self.#field)),
            )
        }
        None => (TokenStream::new(), TokenStream::new()),
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        pub struct #name {
            #(#fields)*
            #(#header_fields)*
            #other_field
        }

        impl #name {
            pub(crate) fn into_multipart(self) -> crate::runtime::Multipart {
                #new #(#parts)* #other_parts
            }
        }
    }
}
