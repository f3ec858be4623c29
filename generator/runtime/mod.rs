//! The SDK runtime: HTTP, authentication, retries, timeouts, errors and serde helpers that the
//! generated code calls. Ordinary Rust, identical in every generated crate.

// Errors keep the whole response (status, headers, body) by design; they are the rare path.
#![allow(clippy::result_large_err)]

mod auth;
mod call;
mod client;
mod encoding;
mod error;
mod hooks;
mod retry;
mod serde_helpers;

pub use auth::TokenProvider;
pub use call::{Call, Response};
pub use client::{BuildError, Client, ClientBuilder};
pub use error::{ApiError, DecodeError, Error, ErrorResponses};
pub use hooks::{Hook, HookContext};
pub use retry::RetryPolicy;

pub(crate) use call::DecodeSuccess;
pub(crate) use client::{ApiSpec, OperationSpec, SchemeKind, SchemeSpec};
pub(crate) use error::decode_json;
pub(crate) use serde_helpers::{double_option, from_value, serialize_tagged};
