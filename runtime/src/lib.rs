//! The runtime of the SDKs `sdkgen` generates from OpenAPI documents:
//! HTTP calls bounded in time and memory, retries that classify what happened, an explicit
//! redirect policy, credentials (fixed, rotating or fetched asynchronously), typed errors that
//! never print a secret, and the parameter encodings and serde helpers generated code calls.
//!
//! A generated SDK is thin: its models, one method per operation describing it
//! ([`spec::OperationSpec`]) and the API as a whole ([`spec::ApiSpec`]), and its `Client` and
//! `ClientBuilder` (made by [`client!`], so the SDK can add the API's own methods to them). Everything
//! else is here, compiled once and tested as ordinary Rust.
//!
//! Module dependencies run one way: [`spec`] (what generated code describes), `error`,
//! `encoding`, `hooks`, `redirect` and `multipart` name nothing of the rest; `auth` reads
//! [`spec`]; `retry` reads `error`; `client` holds the configuration; `exchange` sends one
//! request and reads its response within the limits; `call` drives the attempts;
//! `pagination` walks a list's pages, one call per page ([`PageStream`], [`ItemStream`]).

// Errors keep the whole response (status, headers, body) by design; they are the rare path.
#![allow(clippy::result_large_err)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod auth;
mod builder;
mod call;
mod client;
mod encoding;
mod error;
mod exchange;
mod hooks;
mod multipart;
mod operation_call;
mod pagination;
mod redirect;
mod retry;
mod sdk_client;
mod serde_helpers;
pub mod spec;

pub use auth::{
    AsyncTokenProvider, BasicAuthProvider, BasicCredentials, ProviderError, TokenFuture,
    TokenProvider,
};
pub use builder::{IntoNullable, MissingFields};
pub use call::{ByteStream, Call, Response};
pub use client::{BuildError, Client, ClientBuilder};
pub use error::{ApiError, DecodeError, Error, ErrorResponses, Phase, TimeoutKind};
pub use hooks::{Hook, HookContext};
pub use multipart::FilePart;
pub use pagination::{ItemStream, PageStream};
pub use redirect::RedirectPolicy;
pub use retry::RetryPolicy;

/// What generated code calls beyond the public API: decoding, parameter styles, multipart
/// bodies and serde helpers. Not meant for hand-written code, and not covered by semver
/// beyond what the generator of the same version emits.
#[doc(hidden)]
pub mod codegen {
    pub use reqwest;
    pub use secrecy::SecretString;

    pub use crate::call::DecodeSuccess;
    pub use crate::encoding::Style;
    pub use crate::error::{decode_json, decode_text};
    pub use crate::model_builder;
    pub use crate::multipart::Multipart;
    pub use crate::operation_call;
    pub use crate::serde_helpers::{
        date_time, double_option, from_value, optional_date_time, serialize_tagged, untagged,
        Member,
    };
}
