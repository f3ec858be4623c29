//! Credentials: fixed tokens and providers that can rotate them.

use std::sync::Arc;

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION};
use secrecy::{ExposeSecret, SecretString};

use super::client::SchemeKind;

/// Supplies the token for a security scheme. Called before every attempt of every call, so a
/// long-running program can rotate tokens without rebuilding the client.
///
/// Any `Fn() -> SecretString` closure is a provider.
pub trait TokenProvider: Send + Sync + 'static {
    /// The token to send now.
    fn token(&self) -> Result<SecretString, Box<dyn std::error::Error + Send + Sync>>;
}

impl<F> TokenProvider for F
where
    F: Fn() -> SecretString + Send + Sync + 'static,
{
    fn token(&self) -> Result<SecretString, Box<dyn std::error::Error + Send + Sync>> {
        Ok(self())
    }
}

/// A token set once on the builder.
pub(crate) struct FixedToken(pub(crate) SecretString);

impl TokenProvider for FixedToken {
    fn token(&self) -> Result<SecretString, Box<dyn std::error::Error + Send + Sync>> {
        Ok(self.0.clone())
    }
}

/// Where a scheme's token comes from, as the builder was told.
pub(crate) enum TokenSource {
    /// A token set once.
    Fixed(SecretString),
    /// Asked for before every attempt.
    Provider(Arc<dyn TokenProvider>),
}

/// A credential as the client holds it.
pub(crate) struct Credential {
    pub(crate) provider: Arc<dyn TokenProvider>,
    /// For a fixed token sent in a header, that header, built once (marked sensitive) rather
    /// than on every call.
    pub(crate) fixed_header: Option<(HeaderName, HeaderValue)>,
}

impl Credential {
    pub(crate) fn new(source: TokenSource, kind: Option<&SchemeKind>) -> Self {
        match source {
            TokenSource::Provider(provider) => Credential {
                provider,
                fixed_header: None,
            },
            TokenSource::Fixed(token) => {
                // A token that makes no valid header is reported by the call, as a provider's is.
                let fixed_header = match kind.map(|kind| placement(kind, token.expose_secret())) {
                    Some(Ok(Placement::Header(name, value))) => Some((name, value)),
                    _ => None,
                };
                Credential {
                    provider: Arc::new(FixedToken(token)),
                    fixed_header,
                }
            }
        }
    }
}

/// Where a token goes on a request.
pub(crate) enum Placement {
    /// This header, its value marked sensitive.
    Header(HeaderName, HeaderValue),
    /// A query parameter of this name, with the token as its value.
    Query(&'static str),
}

/// Where `kind` puts `token`; why not, when the token or the header name cannot be sent.
pub(crate) fn placement(kind: &SchemeKind, token: &str) -> Result<Placement, String> {
    let (name, value) = match kind {
        SchemeKind::Bearer => (AUTHORIZATION, format!("Bearer {token}")),
        SchemeKind::ApiKeyHeader(name) => (
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("{name:?} is not a valid header name"))?,
            token.to_owned(),
        ),
        SchemeKind::ApiKeyQuery(name) => return Ok(Placement::Query(name)),
    };
    let mut value = HeaderValue::from_str(&value)
        .map_err(|_| "the token is not a valid header value".to_owned())?;
    value.set_sensitive(true);
    Ok(Placement::Header(name, value))
}
