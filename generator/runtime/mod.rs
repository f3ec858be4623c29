//! The SDK runtime: HTTP, authentication, retries, timeouts, errors and serde helpers that the
//! generated code calls. Ordinary Rust, identical in every generated crate.

// Errors keep the whole response (status, headers, body) by design; they are the rare path.
#![allow(clippy::result_large_err)]

mod auth;
mod call;
mod client;
mod encoding;
mod error;
mod exchange;
mod hooks;
mod multipart;
mod redirect;
mod retry;
mod serde_helpers;

pub use auth::{
    AsyncTokenProvider, BasicAuthProvider, BasicCredentials, ProviderError, TokenFuture,
    TokenProvider,
};
pub use call::{ByteStream, Call, Response};
pub use client::{BuildError, Client, ClientBuilder};
pub use error::{ApiError, DecodeError, Error, ErrorResponses, Phase, TimeoutKind};
pub use hooks::{Hook, HookContext};
pub use multipart::FilePart;
pub use redirect::RedirectPolicy;
pub use retry::RetryPolicy;

// What the generated code uses; a crate whose API needs no tagged union (say) leaves some
// unused, which is fine.
#[allow(unused_imports)]
pub(crate) use call::DecodeSuccess;
#[allow(unused_imports)]
pub(crate) use client::{ApiSpec, OperationSpec, SchemeKind, SchemeSpec};
#[allow(unused_imports)]
pub(crate) use encoding::Style;
#[allow(unused_imports)]
pub(crate) use error::{decode_json, decode_text};
#[allow(unused_imports)]
pub(crate) use multipart::Multipart;
#[allow(unused_imports)]
pub(crate) use serde_helpers::{
    date_time, double_option, from_value, optional_date_time, serialize_tagged,
};
