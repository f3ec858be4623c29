//! Credentials: fixed tokens and providers that can rotate them.

use secrecy::SecretString;

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
