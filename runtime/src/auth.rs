//! Credentials: fixed tokens and providers that can rotate them, and where each scheme puts
//! them on a request.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION};
use secrecy::{ExposeSecret, SecretString};

use crate::spec::SchemeKind;

/// What a provider fails with: any error, never quoting the credential.
pub type ProviderError = Box<dyn std::error::Error + Send + Sync>;

/// Supplies the token for a security scheme. Asked before every attempt of every call, so a
/// long-running program can rotate tokens without rebuilding the client, and asynchronously,
/// so the token can be fetched or refreshed over the network (an OAuth token endpoint, a
/// secrets vault) without blocking.
///
/// Any `Fn() -> SecretString` closure is a provider; so is an async closure wrapped in
/// [`AsyncTokenProvider`]. A type of your own returns a [`TokenFuture`]:
///
/// ```
/// use sdkgen_runtime::{TokenFuture, TokenProvider};
///
/// struct Vault {
///     path: String,
/// }
///
/// impl Vault {
///     async fn read_secret(&self, name: &str) -> Result<String, std::io::Error> {
///         // A request to the vault would go here.
///         Ok(format!("{}/{name}", self.path))
///     }
/// }
///
/// impl TokenProvider for Vault {
///     fn token(&self) -> TokenFuture<'_> {
///         TokenFuture::new(async move { self.read_secret("api-token").await })
///     }
/// }
/// ```
pub trait TokenProvider: Send + Sync + 'static {
    /// The token to send now.
    fn token(&self) -> TokenFuture<'_>;
}

impl<F> TokenProvider for F
where
    F: Fn() -> SecretString + Send + Sync + 'static,
{
    fn token(&self) -> TokenFuture<'_> {
        TokenFuture::ready(Ok(self()))
    }
}

/// A token on its way, from [`TokenProvider::token`]: ready at once (a token at hand, which
/// costs no allocation) or a future.
pub struct TokenFuture<'a>(Pending<'a>);

type BoxedToken<'a> =
    Pin<Box<dyn Future<Output = Result<SecretString, ProviderError>> + Send + 'a>>;

enum Pending<'a> {
    Ready(Option<Result<SecretString, ProviderError>>),
    Boxed(BoxedToken<'a>),
}

impl<'a> TokenFuture<'a> {
    /// A token (or a failure) already at hand.
    pub fn ready(token: Result<SecretString, ProviderError>) -> Self {
        TokenFuture(Pending::Ready(Some(token)))
    }

    /// A token that `future` will produce.
    pub fn new<T, E>(future: impl Future<Output = Result<T, E>> + Send + 'a) -> Self
    where
        T: Into<SecretString>,
        E: Into<ProviderError>,
    {
        TokenFuture(Pending::Boxed(Box::pin(async move {
            future.await.map(Into::into).map_err(Into::into)
        })))
    }
}

impl Future for TokenFuture<'_> {
    type Output = Result<SecretString, ProviderError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.0 {
            Pending::Ready(token) => {
                Poll::Ready(token.take().unwrap_or_else(|| {
                    Err("the token future was polled after it completed".into())
                }))
            }
            Pending::Boxed(future) => future.as_mut().poll(cx),
        }
    }
}

impl fmt::Debug for TokenFuture<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenFuture").finish_non_exhaustive()
    }
}

/// An async closure as a [`TokenProvider`]: `AsyncTokenProvider::new(|| async { ... })`, the
/// closure's future giving the token (a `String` or a `SecretString`) or any error.
pub struct AsyncTokenProvider<F>(F);

impl<F> AsyncTokenProvider<F> {
    /// A provider asking `fetch` for every token.
    pub fn new(fetch: F) -> Self {
        AsyncTokenProvider(fetch)
    }
}

impl<F> fmt::Debug for AsyncTokenProvider<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncTokenProvider").finish_non_exhaustive()
    }
}

impl<F, Fut, T, E> TokenProvider for AsyncTokenProvider<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
    T: Into<SecretString>,
    E: Into<ProviderError>,
{
    fn token(&self) -> TokenFuture<'_> {
        TokenFuture::new((self.0)())
    }
}

/// A user name and password for HTTP basic authentication (RFC 7617). Both are kept as
/// secrets: some APIs take an API key as the user name.
#[derive(Clone)]
pub struct BasicCredentials {
    username: SecretString,
    password: SecretString,
}

impl BasicCredentials {
    /// Credentials from a user name and a password.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        BasicCredentials {
            username: SecretString::from(username.into()),
            password: SecretString::from(password.into()),
        }
    }

    /// `user:password`, what basic authentication encodes; why not, when it cannot be sent.
    /// The reason never quotes either secret.
    fn joined(&self) -> Result<SecretString, String> {
        let username = self.username.expose_secret();
        let password = self.password.expose_secret();
        if username.contains(':') {
            return Err(
                "the user name contains a colon, which basic authentication cannot carry"
                    .to_owned(),
            );
        }
        if username
            .chars()
            .chain(password.chars())
            .any(char::is_control)
        {
            return Err(
                "the user name or password contains a control character, which basic authentication cannot carry"
                    .to_owned(),
            );
        }
        Ok(SecretString::from(format!("{username}:{password}")))
    }
}

impl fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicCredentials")
            .field("username", &"[redacted]")
            .field("password", &"[redacted]")
            .finish()
    }
}

/// Supplies the user name and password of a basic authentication scheme. Called before every
/// attempt of every call, like a [`TokenProvider`].
///
/// Any `Fn() -> BasicCredentials` closure is a provider.
pub trait BasicAuthProvider: Send + Sync + 'static {
    /// The credentials to send now.
    fn credentials(&self) -> Result<BasicCredentials, ProviderError>;
}

impl<F> BasicAuthProvider for F
where
    F: Fn() -> BasicCredentials + Send + Sync + 'static,
{
    fn credentials(&self) -> Result<BasicCredentials, ProviderError> {
        Ok(self())
    }
}

/// A token set once on the builder.
pub(crate) struct FixedToken(pub(crate) SecretString);

impl TokenProvider for FixedToken {
    fn token(&self) -> TokenFuture<'_> {
        TokenFuture::ready(Ok(self.0.clone()))
    }
}

/// A basic authentication provider seen as a token provider: its token is `user:password`,
/// which the basic scheme's placement encodes.
struct BasicToken(Arc<dyn BasicAuthProvider>);

impl TokenProvider for BasicToken {
    fn token(&self) -> TokenFuture<'_> {
        let joined = self
            .0
            .credentials()
            .and_then(|credentials| credentials.joined().map_err(Into::into));
        TokenFuture::ready(joined)
    }
}

/// Credentials that can never be sent: every call needing them fails, saying why.
struct Unusable(String);

impl TokenProvider for Unusable {
    fn token(&self) -> TokenFuture<'_> {
        TokenFuture::ready(Err(self.0.clone().into()))
    }
}

/// Where a scheme's token comes from, as the builder was told.
pub(crate) enum TokenSource {
    /// A token set once.
    Fixed(SecretString),
    /// Asked for before every attempt.
    Provider(Arc<dyn TokenProvider>),
}

impl TokenSource {
    /// Fixed basic credentials. Ones that cannot be sent are reported by every call that
    /// needs them, as a fixed token that makes no valid header is.
    pub(crate) fn basic(credentials: &BasicCredentials) -> Self {
        match credentials.joined() {
            Ok(joined) => TokenSource::Fixed(joined),
            Err(reason) => TokenSource::Provider(Arc::new(Unusable(reason))),
        }
    }

    /// A basic authentication provider.
    pub(crate) fn basic_provider(provider: Arc<dyn BasicAuthProvider>) -> Self {
        TokenSource::Provider(Arc::new(BasicToken(provider)))
    }
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
    /// A cookie of this name, with the token as its value; every cookie of a request goes in
    /// one `Cookie` header.
    Cookie(&'static str),
}

/// Where `kind` puts `token`; why not, when the token or the name cannot be sent. The reason
/// never quotes the token.
pub(crate) fn placement(kind: &SchemeKind, token: &str) -> Result<Placement, String> {
    let (name, value) = match kind {
        SchemeKind::Bearer => (AUTHORIZATION, format!("Bearer {token}")),
        SchemeKind::Basic => (AUTHORIZATION, format!("Basic {}", base64(token.as_bytes()))),
        SchemeKind::Http(scheme) => (AUTHORIZATION, format!("{scheme} {token}")),
        SchemeKind::ApiKeyHeader(name) => (
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("{name:?} is not a valid header name"))?,
            token.to_owned(),
        ),
        SchemeKind::ApiKeyQuery(name) => return Ok(Placement::Query(name)),
        SchemeKind::ApiKeyCookie(name) => {
            return match check_cookie(name, token) {
                Ok(()) => Ok(Placement::Cookie(name)),
                Err(CookieError::Name) => Err(format!("{name:?} is not a valid cookie name")),
                Err(CookieError::Value) => Err("the token is not a valid cookie value".to_owned()),
            };
        }
    };
    let mut value = HeaderValue::from_str(&value)
        .map_err(|_| "the token is not a valid header value".to_owned())?;
    value.set_sensitive(true);
    Ok(Placement::Header(name, value))
}

/// What makes a cookie unsendable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CookieError {
    /// The name is not an HTTP token.
    Name,
    /// The value holds a byte a cookie value cannot (RFC 6265 §4.1.1).
    Value,
}

/// Checks that `name=value` can go in a `Cookie` header as one cookie: credentials and cookie
/// parameters alike, so neither can end the cookie or start another one.
pub(crate) fn check_cookie(name: &str, value: &str) -> Result<(), CookieError> {
    if name.is_empty() || !name.bytes().all(is_token_byte) {
        return Err(CookieError::Name);
    }
    if !value.bytes().all(is_cookie_octet) {
        return Err(CookieError::Value);
    }
    Ok(())
}

/// Appends a checked `name=value` to the cookies of a `Cookie` header, `; `-separated.
pub(crate) fn push_cookie(cookies: &mut Vec<u8>, name: &str, value: &str) {
    if !cookies.is_empty() {
        cookies.extend_from_slice(b"; ");
    }
    cookies.extend_from_slice(name.as_bytes());
    cookies.push(b'=');
    cookies.extend_from_slice(value.as_bytes());
}

/// A byte of an HTTP token (RFC 9110 §5.6.2), what a cookie name is made of.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A byte a cookie value may hold (RFC 6265 §4.1.1): visible ASCII but `"`, `,`, `;` and `\`.
/// Anything else would end the cookie or start another one.
fn is_cookie_octet(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
}

/// Standard base64 with padding (RFC 4648 §4), as basic authentication sends `user:password`.
/// Written here rather than taken from a crate: encoding is all the SDK needs, in a dozen lines.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let triple = byte(0) << 16 | byte(1) << 8 | byte(2);
        // A chunk of n bytes fills n + 1 characters; padding completes the four.
        for i in 0..4 {
            if i <= chunk.len() {
                let index = (triple >> (18 - 6 * i)) & 0x3F;
                out.push(char::from(ALPHABET[index as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs a future that never waits (the providers here), without a runtime.
    fn block_on<F: Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut cx = Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => output,
            Poll::Pending => panic!("the future waited"),
        }
    }

    #[test]
    fn sync_closures_and_async_closures_are_providers() {
        let sync = || SecretString::from("s1".to_owned());
        assert_eq!(block_on(sync.token()).unwrap().expose_secret(), "s1");
        let fetch = AsyncTokenProvider::new(|| async { Ok::<_, std::io::Error>("s2".to_owned()) });
        assert_eq!(block_on(fetch.token()).unwrap().expose_secret(), "s2");
        let failing = AsyncTokenProvider::new(|| async { Err::<String, _>("vault sealed") });
        assert_eq!(
            block_on(failing.token()).unwrap_err().to_string(),
            "vault sealed"
        );
        assert!(format!("{:?}", fetch.token()).starts_with("TokenFuture"));
    }

    #[test]
    fn base64_matches_the_rfc_4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, encoded) in vectors {
            assert_eq!(base64(input.as_bytes()), encoded, "{input:?}");
        }
        assert_eq!(base64(&[0xFF, 0xFE, 0xFD]), "//79");
        assert_eq!(base64(&[0xFB, 0xFF]), "+/8=");
    }

    #[test]
    fn basic_credentials_are_encoded_as_rfc_7617_shows() {
        let header = |user: &str, password: &str| {
            let joined = BasicCredentials::new(user, password).joined().unwrap();
            match placement(&SchemeKind::Basic, joined.expose_secret()) {
                Ok(Placement::Header(name, value)) => {
                    assert_eq!(name, AUTHORIZATION);
                    assert!(value.is_sensitive());
                    value.to_str().unwrap().to_owned()
                }
                _ => panic!("basic credentials go in a header"),
            }
        };
        assert_eq!(
            header("Aladdin", "open sesame"),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        // UTF-8, as RFC 7617 §2.1's example with `charset="UTF-8"`.
        assert_eq!(header("test", "123\u{a3}"), "Basic dGVzdDoxMjPCow==");
        // A colon may appear in the password, never in the user name.
        assert_eq!(header("u", "a:b"), "Basic dTphOmI=");
    }

    #[test]
    fn unusable_basic_credentials_say_why_without_quoting_them() {
        for (user, password) in [("ali:ce", "s3cret"), ("alice", "s3\ncret")] {
            let reason = BasicCredentials::new(user, password).joined().unwrap_err();
            assert!(
                !reason.contains("ali") && !reason.contains("s3"),
                "{reason}"
            );
            let TokenSource::Provider(provider) =
                TokenSource::basic(&BasicCredentials::new(user, password))
            else {
                panic!("unusable credentials must fail every call")
            };
            let token = block_on(provider.token());
            assert_eq!(token.unwrap_err().to_string(), reason);
        }
        let debug = format!("{:?}", BasicCredentials::new("alice", "s3cret"));
        assert!(
            !debug.contains("alice") && !debug.contains("s3cret"),
            "{debug}"
        );
    }

    #[test]
    fn every_http_scheme_and_key_location_places_the_token() {
        let header = |kind: &SchemeKind, token: &str| match placement(kind, token) {
            Ok(Placement::Header(name, value)) => (name.to_string(), value),
            _ => panic!("a header is expected"),
        };
        let (name, value) = header(&SchemeKind::Http("Digest"), "username=\"a\"");
        assert_eq!(
            (name.as_str(), value.to_str().unwrap()),
            ("authorization", "Digest username=\"a\"")
        );
        assert!(value.is_sensitive());
        let (name, value) = header(&SchemeKind::ApiKeyHeader("X-Key"), "k");
        assert_eq!((name.as_str(), value.to_str().unwrap()), ("x-key", "k"));
        assert!(value.is_sensitive());
        assert!(matches!(
            placement(&SchemeKind::ApiKeyQuery("key"), "k"),
            Ok(Placement::Query("key"))
        ));
        assert!(matches!(
            placement(&SchemeKind::ApiKeyCookie("session"), "abc-123"),
            Ok(Placement::Cookie("session"))
        ));
    }

    #[test]
    fn cookies_are_checked_and_joined() {
        assert_eq!(
            check_cookie("session", "abc-123_!#$%&'()*+./:<=>?@[]^`{|}~"),
            Ok(())
        );
        for value in ["a b", "a;b", "a,b", "\"a\"", "a\\b", "caf\u{e9}", "a\tb"] {
            assert_eq!(
                check_cookie("session", value),
                Err(CookieError::Value),
                "{value:?}"
            );
        }
        for name in ["", "a b", "a=b", "a;b", "(a)"] {
            assert_eq!(check_cookie(name, "v"), Err(CookieError::Name), "{name:?}");
        }
        let mut cookies = Vec::new();
        push_cookie(&mut cookies, "a", "1");
        push_cookie(&mut cookies, "b", "");
        push_cookie(&mut cookies, "c", "3");
        assert_eq!(cookies, b"a=1; b=; c=3");
    }

    #[test]
    fn tokens_that_would_break_their_place_are_refused_without_being_quoted() {
        let refused = |kind: SchemeKind, token: &str| match placement(&kind, token) {
            Err(reason) => {
                assert!(!reason.contains(token), "{reason}");
                reason
            }
            Ok(_) => panic!("{token:?} must be refused"),
        };
        assert_eq!(
            refused(SchemeKind::ApiKeyCookie("session"), "a; admin=1"),
            "the token is not a valid cookie value"
        );
        refused(SchemeKind::ApiKeyCookie("session"), "\"quoted\"");
        refused(SchemeKind::Bearer, "line\nbreak");
        assert_eq!(
            refused(SchemeKind::ApiKeyCookie("bad name"), "token"),
            "\"bad name\" is not a valid cookie name"
        );
    }
}
