//! What the generated code describes: the API as a whole and each operation, as statics the
//! runtime reads. A leaf: it names nothing else of the runtime.

use reqwest::header::HeaderValue;

/// The API as a whole: emitted once by the generator.
#[derive(Debug)]
pub struct ApiSpec {
    /// The first server of the description: used when nothing else is chosen.
    pub default_server: &'static str,
    /// `crate-name/version`.
    pub user_agent: &'static str,
    /// The security schemes.
    pub security_schemes: &'static [SchemeSpec],
    /// JSON keys whose values are redacted from every error message.
    pub sensitive_fields: &'static [&'static str],
}

/// One security scheme.
#[derive(Debug)]
pub struct SchemeSpec {
    /// Its key in the description, e.g. `personalAccessToken`.
    pub name: &'static str,
    /// How the credential is sent.
    pub kind: SchemeKind,
}

/// How a credential is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <base64 of user:password>`.
    Basic,
    /// `Authorization: <scheme> <credential>`, the credential as the user gives it: any other
    /// HTTP authentication scheme.
    Http(&'static str),
    /// In the named header.
    ApiKeyHeader(&'static str),
    /// As the named query parameter.
    ApiKeyQuery(&'static str),
    /// As the named cookie.
    ApiKeyCookie(&'static str),
}

/// One operation: emitted by the generator as a static beside its method.
#[derive(Debug)]
pub struct OperationSpec {
    /// The id in the description.
    pub operation_id: &'static str,
    /// The HTTP method.
    pub method: reqwest::Method,
    /// The path, with `{name}` placeholders.
    pub path_template: &'static str,
    /// Alternatives (any one will do) of schemes (all needed); empty when none is needed.
    pub security: &'static [&'static [&'static str]],
    /// Servers this operation is pinned to; empty to use the client's.
    pub servers: &'static [&'static str],
    /// The `Accept` header.
    pub accept: HeaderValue,
}
