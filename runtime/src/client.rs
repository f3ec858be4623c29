//! The client and its builder: the configuration every call of an SDK shares.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::SecretString;

use crate::auth::{BasicAuthProvider, BasicCredentials, Credential, TokenProvider, TokenSource};
use crate::hooks::Hook;
use crate::redirect::RedirectPolicy;
use crate::retry::RetryPolicy;
use crate::spec::ApiSpec;

/// A configured API client. Cheap to clone (one `Arc`) and safe to share across tasks.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

/// How long connecting may take by default: between aws-sdk-rust's 3.1 s and the Google API
/// clients' 20 s, as Azure's Java SDK; enough for a slow TLS handshake across continents.
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one attempt may take by default, from sending the request to the last byte of its
/// response: Azure's Java SDK waits 60 s for a response, Google's client libraries give most
/// calls 60 s.
pub(crate) const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a body may stall by default (no byte arriving): the Google API clients' read
/// timeout is 20 s, Azure's Java SDK's 60 s.
pub(crate) const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest body read into memory by default: far beyond any JSON page of an API such
/// as Konnect's (tens of kilobytes), small enough that a runaway response cannot exhaust a
/// service's memory (its decoded value takes a few times more).
pub(crate) const DEFAULT_MAX_BODY_SIZE: usize = 64 * 1024 * 1024;

pub(crate) struct Inner {
    pub(crate) api: &'static ApiSpec,
    pub(crate) base_url: Option<String>,
    pub(crate) server_url: &'static str,
    pub(crate) credentials: Vec<(&'static str, Credential)>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) read_timeout: Option<Duration>,
    pub(crate) max_body_size: usize,
    pub(crate) redirect: RedirectPolicy,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: HeaderValue,
    pub(crate) http: reqwest::Client,
    pub(crate) hooks: Vec<Arc<dyn Hook>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("server_url", &inner.server_url)
            .field(
                "credentials",
                &inner
                    .credentials
                    .iter()
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>(),
            )
            .field("timeout", &inner.timeout)
            .field("connect_timeout", &inner.connect_timeout)
            .field("attempt_timeout", &inner.attempt_timeout)
            .field("read_timeout", &inner.read_timeout)
            .field("max_body_size", &inner.max_body_size)
            .field("redirect", &inner.redirect)
            .field("retry", &inner.retry)
            .field("hooks", &inner.hooks.len())
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`]: credentials, server, timeout, retries, user agent, HTTP client and
/// hooks. Get one from `Client::builder()`.
pub struct ClientBuilder {
    api: &'static ApiSpec,
    base_url: Option<String>,
    server_url: Option<&'static str>,
    credentials: Vec<(&'static str, TokenSource)>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    max_body_size: usize,
    redirect: RedirectPolicy,
    retry: RetryPolicy,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    hooks: Vec<Arc<dyn Hook>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("server_url", &self.server_url)
            .field(
                "credentials",
                &self
                    .credentials
                    .iter()
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("max_body_size", &self.max_body_size)
            .field("redirect", &self.redirect)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("hooks", &self.hooks.len())
            .finish_non_exhaustive()
    }
}

/// Why a client could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL does not parse as an absolute URL.
    InvalidBaseUrl(String),
    /// The user agent is not a valid header value.
    InvalidUserAgent(String),
    /// The HTTP client could not be created (TLS initialisation, for instance).
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::InvalidBaseUrl(url) => write!(f, "invalid base URL {url:?}"),
            BuildError::InvalidUserAgent(ua) => write!(f, "invalid user agent {ua:?}"),
            BuildError::Http(e) => write!(f, "cannot create the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Http(e) => Some(e),
            _ => None,
        }
    }
}

impl ClientBuilder {
    /// A builder for the API `api` describes; an SDK's `Client::builder()` calls it.
    #[doc(hidden)]
    pub fn new(api: &'static ApiSpec) -> Self {
        ClientBuilder {
            api,
            base_url: None,
            server_url: None,
            credentials: Vec::new(),
            timeout: None,
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            attempt_timeout: Some(DEFAULT_ATTEMPT_TIMEOUT),
            read_timeout: Some(DEFAULT_READ_TIMEOUT),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            redirect: RedirectPolicy::none(),
            retry: RetryPolicy::default(),
            user_agent: None,
            http: None,
            hooks: Vec::new(),
        }
    }

    /// Sends requests to `url`, one of the API's servers. For generated code.
    #[doc(hidden)]
    pub fn server_url(mut self, url: &'static str) -> Self {
        self.server_url = Some(url);
        self
    }

    /// Authenticates with `scheme`, sending `token`. For generated code.
    #[doc(hidden)]
    pub fn credential(self, scheme: &'static str, token: SecretString) -> Self {
        self.set_credential(scheme, TokenSource::Fixed(token))
    }

    /// Authenticates with `scheme`, asking `provider` for the token. For generated code.
    #[doc(hidden)]
    pub fn credential_provider(
        self,
        scheme: &'static str,
        provider: Arc<dyn TokenProvider>,
    ) -> Self {
        self.set_credential(scheme, TokenSource::Provider(provider))
    }

    /// Authenticates with the basic scheme `scheme`. For generated code.
    #[doc(hidden)]
    pub fn basic_credential(self, scheme: &'static str, credentials: BasicCredentials) -> Self {
        self.set_credential(scheme, TokenSource::basic(&credentials))
    }

    /// Authenticates with the basic scheme `scheme`, asking `provider`. For generated code.
    #[doc(hidden)]
    pub fn basic_credential_provider(
        self,
        scheme: &'static str,
        provider: Arc<dyn BasicAuthProvider>,
    ) -> Self {
        self.set_credential(scheme, TokenSource::basic_provider(provider))
    }

    fn set_credential(mut self, scheme: &'static str, source: TokenSource) -> Self {
        self.credentials.retain(|(name, _)| *name != scheme);
        self.credentials.push((scheme, source));
        self
    }

    /// Sends every request to `url` (e.g. a mock server or a proxy), overriding the region and
    /// the servers operations are pinned to. A call's own `base_url` still wins.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The time budget of each call, every attempt and wait included; none by default (the
    /// attempt timeout and the retry policy bound a call already). `None` removes it.
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeout = timeout.into();
        self
    }

    /// How long connecting to the server (DNS, TCP and TLS) may take: 10 s by default. `None`
    /// waits as long as the system does. A client given with
    /// [`http_client`](Self::http_client) keeps its own connect timeout; the attempt timeout
    /// still bounds it.
    pub fn connect_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.connect_timeout = timeout.into();
        self
    }

    /// How long one attempt may take, from sending the request to the last byte of its
    /// response (for [`send_streaming`](crate::Call::send_streaming), to its status and
    /// headers): 60 s by default. An attempt that runs out is retried as a connection failure
    /// would be. `None` removes the limit.
    pub fn attempt_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.attempt_timeout = timeout.into();
        self
    }

    /// How long a response body may stall, no byte arriving, before the attempt fails: 30 s by
    /// default. It also bounds each chunk of a streamed download. `None` removes the limit.
    pub fn read_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.read_timeout = timeout.into();
        self
    }

    /// The largest response body read into memory, in bytes: 64 MiB by default. A longer one
    /// fails the call with [`Error::BodyTooLarge`](crate::Error::BodyTooLarge), without being
    /// read when its `Content-Length` says so; a download streamed with
    /// [`send_streaming`](crate::Call::send_streaming) is not held, so not limited. Error
    /// responses are read only as far as the error keeps (64 KiB) whatever this says.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// Which redirects calls follow (see [`RedirectPolicy`]): none by default, a redirect
    /// being an answer like any other. The client follows them itself, so a
    /// `reqwest::Client` given with [`http_client`](Self::http_client) must keep reqwest's
    /// own following off (`reqwest::redirect::Policy::none()`), or it would follow every
    /// redirect, bodies included, before this policy sees it.
    pub fn redirect(mut self, policy: RedirectPolicy) -> Self {
        self.redirect = policy;
        self
    }

    /// The retry policy of every call (see [`RetryPolicy`] for the defaults).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Replaces the `User-Agent` header (`crate-name/version` by default).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses a `reqwest::Client` you configured (proxies, certificates, connection pools).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Adds a hook; hooks run in the order they are added.
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        if let Some(url) = &self.base_url {
            match reqwest::Url::parse(url) {
                Ok(parsed) if !parsed.cannot_be_a_base() => {}
                _ => return Err(BuildError::InvalidBaseUrl(url.clone())),
            }
        }
        let user_agent = self.user_agent.as_deref().unwrap_or(self.api.user_agent);
        let user_agent = HeaderValue::from_str(user_agent)
            .map_err(|_| BuildError::InvalidUserAgent(user_agent.to_owned()))?;
        let http = match self.http {
            Some(http) => http,
            // The runtime follows redirects itself, as its `RedirectPolicy` says: reqwest's
            // own following would resend bodies and API keys to wherever a server points.
            None => {
                let mut builder =
                    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                builder.build().map_err(BuildError::Http)?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                api: self.api,
                base_url: self.base_url,
                server_url: self.server_url.unwrap_or(self.api.default_server),
                credentials: self
                    .credentials
                    .into_iter()
                    .map(|(name, source)| {
                        let kind = self
                            .api
                            .security_schemes
                            .iter()
                            .find(|s| s.name == name)
                            .map(|s| &s.kind);
                        (name, Credential::new(source, kind))
                    })
                    .collect(),
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
                attempt_timeout: self.attempt_timeout,
                read_timeout: self.read_timeout,
                max_body_size: self.max_body_size,
                redirect: self.redirect,
                retry: self.retry,
                user_agent,
                http,
                hooks: self.hooks,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static API: ApiSpec = ApiSpec {
        default_server: "https://api.example.com",
        user_agent: "test/1",
        security_schemes: &[],
        sensitive_fields: &[],
    };

    #[test]
    fn every_call_is_bounded_by_default() {
        let client = ClientBuilder::new(&API).build().unwrap();
        let inner = &client.inner;
        assert_eq!(inner.connect_timeout, Some(Duration::from_secs(10)));
        assert_eq!(inner.attempt_timeout, Some(Duration::from_secs(60)));
        assert_eq!(inner.read_timeout, Some(Duration::from_secs(30)));
        assert_eq!(inner.timeout, None);
        assert_eq!(inner.max_body_size, 64 << 20);
        let off = ClientBuilder::new(&API)
            .connect_timeout(None)
            .attempt_timeout(None)
            .read_timeout(None)
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        let inner = &off.inner;
        assert_eq!(
            (
                inner.connect_timeout,
                inner.attempt_timeout,
                inner.read_timeout
            ),
            (None, None, None)
        );
        assert_eq!(inner.timeout, Some(Duration::from_secs(5)));
    }
}
