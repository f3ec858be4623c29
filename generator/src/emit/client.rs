//! Emits `src/lib.rs` and `src/client.rs`: the crate root, the API's static description, the
//! server enum, the credential setters and the group accessors.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::tokens::ident;
use crate::ir::{Api, SchemeKind};
use crate::naming::{CLIENT_TYPES, RUNTIME_EXPORTS};

/// The crate root.
pub fn lib_rs(api: &Api) -> TokenStream {
    let modules = api.groups.iter().map(|g| {
        let module = ident(&g.module);
        let doc = format!(" Operations on {}.", g.tag);
        let feature = &g.feature;
        quote!(#[doc = #doc] #[cfg(feature = #feature)] #[rustfmt::skip] pub mod #module;)
    });
    let webhooks = (!api.webhooks.is_empty()).then(|| {
        let module = ident(&api.webhooks_module);
        quote!(#[rustfmt::skip] pub mod #module;)
    });
    let exports = RUNTIME_EXPORTS.iter().map(|e| ident(e));
    let client_exports = CLIENT_TYPES
        .iter()
        .copied()
        .chain((!api.servers.is_empty()).then_some("Server"))
        .map(ident);
    let group_docs = api.groups.iter().map(|g| {
        let path = format!(
            "../docs/sdks/{}/README.md",
            g.module.trim_start_matches("r#")
        );
        let name = ident(&format!("{}Docs", g.type_name));
        let feature = &g.feature;
        quote! {
            /// Compiles the examples of the group's Markdown docs.
            #[cfg(all(doctest, feature = #feature))]
            #[doc = include_str!(#path)]
            pub struct #name;
        }
    });
    // The README's examples call every group: it is the crate's documentation when they are
    // all compiled in (the default), and a pointer to it otherwise.
    let features: Vec<&String> = api.groups.iter().map(|g| &g.feature).collect();
    let readme = if api.groups.is_empty() {
        quote!(#![doc = include_str!("../README.md")])
    } else {
        quote! {
            #![cfg_attr(all(#(feature = #features),*), doc = include_str!("../README.md"))]
            #![cfg_attr(not(all(#(feature = #features),*)), doc = "A typed client for the API. The guide (`README.md`) is the crate's documentation when every group's Cargo feature is on, as by default.")]
        }
    };
    quote! {
        #readme
        #![forbid(unsafe_code)]
        #![deny(missing_docs)]
        // The files are formatted by the generator (prettyplease); rustfmt would disagree.
        #![cfg_attr(rustfmt, rustfmt::skip)]

        #[rustfmt::skip]
        mod client;
        #[rustfmt::skip]
        pub mod models;
        /// What the generated code uses of the runtime (`sdkgen-runtime`), by short paths.
        // Every API uses only what its operations need.
        #[allow(unused_imports)]
        mod runtime {
            pub(crate) use sdkgen_runtime::codegen::*;
            pub(crate) use sdkgen_runtime::spec::*;
            pub(crate) use sdkgen_runtime::{DecodeError, ErrorResponses};
        }
        #(#modules)*
        #webhooks

        pub use client::{#(#client_exports),*};
        pub use sdkgen_runtime::{#(#exports),*};
        /// The HTTP client library, for hooks and custom clients.
        pub use reqwest;
        /// The secret string type token providers return.
        pub use secrecy::SecretString;
        /// The JSON library, for the fields that hold any JSON value (`serde_json::Value`,
        /// written with `serde_json::json!`).
        pub use serde_json;

        #(#group_docs)*
    }
}

/// The client module.
pub fn client_rs(api: &Api) -> TokenStream {
    let default_server = api.servers.first().map_or("", |s| s.url.as_str());
    let schemes = api.security_schemes.iter().map(|s| {
        let key = &s.key;
        let kind = match &s.kind {
            SchemeKind::Bearer => quote!(crate::runtime::SchemeKind::Bearer),
            SchemeKind::Basic => quote!(crate::runtime::SchemeKind::Basic),
            SchemeKind::Http(scheme) => quote!(crate::runtime::SchemeKind::Http(#scheme)),
            SchemeKind::ApiKeyHeader(name) => {
                quote!(crate::runtime::SchemeKind::ApiKeyHeader(#name))
            }
            SchemeKind::ApiKeyQuery(name) => quote!(crate::runtime::SchemeKind::ApiKeyQuery(#name)),
            SchemeKind::ApiKeyCookie(name) => {
                quote!(crate::runtime::SchemeKind::ApiKeyCookie(#name))
            }
        };
        quote!(crate::runtime::SchemeSpec { name: #key, kind: #kind })
    });
    let sensitive = &api.sensitive_fields;
    let accessors = api.groups.iter().map(|g| {
        let module = ident(&g.module);
        let client = ident(&g.type_name);
        let doc = doc_attrs(Some(&format!(
            "Operations on {}.\n\nCompiled with the `{}` Cargo feature (on by default).",
            g.tag, g.feature
        )));
        let feature = &g.feature;
        quote! {
            #doc
            #[cfg(feature = #feature)]
            pub fn #module(&self) -> crate::#module::#client<'_> {
                crate::#module::#client::new(self)
            }
        }
    });
    let credentials = api.security_schemes.iter().map(|s| {
        let key = &s.key;
        let method = ident(&s.method);
        let provider = ident(&s.provider_method);
        let how = match &s.kind {
            SchemeKind::Bearer => "sent as `Authorization: Bearer <token>`".to_owned(),
            SchemeKind::Basic => {
                "HTTP basic authentication: sent as `Authorization: Basic <base64 of username:password>`".to_owned()
            }
            SchemeKind::Http(scheme) => format!(
                "sent as `Authorization: {scheme} <token>`, the token exactly as given"
            ),
            SchemeKind::ApiKeyHeader(name) => format!("sent in the `{name}` header"),
            SchemeKind::ApiKeyQuery(name) => format!("sent as the `{name}` query parameter"),
            SchemeKind::ApiKeyCookie(name) => format!("sent as the `{name}` cookie"),
        };
        let mut doc = format!("Authenticates with the `{key}` scheme, {how}.");
        if let Some(description) = &s.description {
            doc = format!("{doc}\n\n{description}");
        }
        let doc = doc_attrs(Some(&doc));
        if s.kind == SchemeKind::Basic {
            let provider_doc = format!(
                " Authenticates with the `{key}` scheme, asking `provider` for the user name and password before every attempt (for rotating credentials)."
            );
            return quote! {
                #doc
                pub fn #method(self, username: impl Into<String>, password: impl Into<String>) -> Self {
                    self.basic_credential(#key, crate::BasicCredentials::new(username, password))
                }

                #[doc = #provider_doc]
                pub fn #provider(self, provider: impl crate::BasicAuthProvider) -> Self {
                    self.basic_credential_provider(#key, std::sync::Arc::new(provider))
                }
            };
        }
        let provider_doc = format!(
            " Authenticates with the `{key}` scheme, asking `provider` for the token before every attempt (for rotating tokens): a closure, or an asynchronous provider that fetches it ([`AsyncTokenProvider`](crate::AsyncTokenProvider), [`TokenProvider`](crate::TokenProvider))."
        );
        quote! {
            #doc
            pub fn #method(self, token: impl Into<String>) -> Self {
                self.credential(#key, secrecy::SecretString::from(token.into()))
            }

            #[doc = #provider_doc]
            pub fn #provider(self, provider: impl crate::TokenProvider) -> Self {
                self.credential_provider(#key, std::sync::Arc::new(provider))
            }
        }
    });
    let server_enum = server_enum(api);
    let server_setter = (!api.servers.is_empty()).then(|| {
        quote! {
            /// Sends requests to `server`. Operations the API pins to a server of their own keep
            /// it; [`base_url`](Self::base_url) overrides both.
            pub fn server(self, server: Server) -> Self {
                self.server_url(server.url())
            }
        }
    });
    quote! {
        //! The API's description for the runtime, the server enum, and the client and its
        //! builder: the runtime's, with the API's own methods.

        sdkgen_runtime::client!();

        static API: crate::runtime::ApiSpec = crate::runtime::ApiSpec {
            default_server: #default_server,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
            security_schemes: &[#(#schemes),*],
            sensitive_fields: &[#(#sensitive),*],
        };

        #server_enum

        impl crate::Client {
            /// Starts configuring a client.
            pub fn builder() -> crate::ClientBuilder {
                crate::ClientBuilder::new(&API)
            }

            #(#accessors)*
        }

        impl crate::ClientBuilder {
            #server_setter
            #(#credentials)*
        }
    }
}

fn server_enum(api: &Api) -> TokenStream {
    if api.servers.is_empty() {
        return TokenStream::new();
    }
    let variants = api.servers.iter().enumerate().map(|(i, s)| {
        let variant = ident(&s.variant);
        let doc = match &s.description {
            Some(d) => format!("{d} (`{}`)", s.url),
            None => format!("`{}`", s.url),
        };
        let doc = doc_attrs(Some(&doc));
        let default = (i == 0).then(|| quote!(#[default]));
        quote!(#doc #default #variant,)
    });
    let urls = api.servers.iter().map(|s| {
        let variant = ident(&s.variant);
        let url = &s.url;
        quote!(Self::#variant => #url,)
    });
    quote! {
        /// The servers the API is served from; the first is the default.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[non_exhaustive]
        pub enum Server {
            #(#variants)*
        }

        impl Server {
            /// The server's base URL.
            pub const fn url(self) -> &'static str {
                match self {
                    #(#urls)*
                }
            }
        }
    }
}
