//! Hooks: caller code that sees (and may change) each request and sees each response or error.

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

/// What a hook is told about the attempt in progress.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HookContext {
    /// The operation's id in the API description, e.g. `create-personal-access-token`.
    pub operation_id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template, e.g. `/v3/users/{userId}/access-tokens`.
    pub path_template: &'static str,
    /// 1 for the first attempt, 2 for the first retry, and so on.
    pub attempt: u32,
}

/// Observes and adjusts calls. Every method has a no-op default; hooks run in the order they
/// were registered, once per attempt.
pub trait Hook: Send + Sync + 'static {
    /// Called just before a request is sent; may change it (add headers, for instance).
    fn before_request(&self, context: &HookContext, request: &mut reqwest::Request) {
        let _ = (context, request);
    }

    /// Called when a response's status and headers arrive.
    fn after_response(&self, context: &HookContext, status: StatusCode, headers: &HeaderMap) {
        let _ = (context, status, headers);
    }

    /// Called when an attempt fails before its whole response arrived: the connection could
    /// not be made or broke, the reply was not HTTP, or a connect, attempt or read timeout ran
    /// out (after [`after_response`](Self::after_response) when the status had arrived).
    /// `error` is the call's own error for it (`Error::Transport` or `Error::Timeout`), which
    /// says how far the attempt got and never holds a credential.
    fn on_error(&self, context: &HookContext, error: &(dyn std::error::Error + 'static)) {
        let _ = (context, error);
    }
}
