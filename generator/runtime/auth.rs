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
                let fixed_header = kind.and_then(|kind| fixed_header(kind, token.expose_secret()));
                Credential {
                    provider: Arc::new(FixedToken(token)),
                    fixed_header,
                }
            }
        }
    }
}

fn fixed_header(kind: &SchemeKind, token: &str) -> Option<(HeaderName, HeaderValue)> {
    let (name, value) = match kind {
        SchemeKind::Bearer => (AUTHORIZATION, format!("Bearer {token}")),
        SchemeKind::ApiKeyHeader(name) => (
            HeaderName::from_bytes(name.as_bytes()).ok()?,
            token.to_owned(),
        ),
        SchemeKind::ApiKeyQuery(_) => return None,
    };
    let mut value = HeaderValue::from_str(&value).ok()?;
    value.set_sensitive(true);
    Some((name, value))
}
