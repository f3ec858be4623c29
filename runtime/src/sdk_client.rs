//! The `Client` and `ClientBuilder` of a generated SDK: the runtime's, wrapped in types the
//! SDK crate defines, so the generated code can give them the API's own methods (its
//! resource groups, credential setters and servers), which Rust allows only on local types.

/// Defines `Client` and `ClientBuilder` in the calling module: an SDK's generated `client.rs`
/// invokes it once, then adds the API's methods in `impl Client` and `impl ClientBuilder`
/// blocks of its own. Each builder method hands over to [`ClientBuilder`](crate::ClientBuilder),
/// where it is implemented and tested; the docs here are the ones the SDK's users read.
///
/// ```
/// mod sdk {
///     sdkgen_runtime::client!();
///
///     static API: sdkgen_runtime::spec::ApiSpec = sdkgen_runtime::spec::ApiSpec {
///         default_server: "https://api.example.com",
///         user_agent: "example-sdk/1.0.0",
///         security_schemes: &[],
///         sensitive_fields: &[],
///     };
///
///     impl Client {
///         /// Starts configuring a client.
///         pub fn builder() -> ClientBuilder {
///             ClientBuilder::new(&API)
///         }
///     }
/// }
///
/// let client = sdk::Client::builder()
///     .attempt_timeout(std::time::Duration::from_secs(20))
///     .build()
///     .unwrap();
/// assert!(format!("{client:?}").contains("attempt_timeout: Some(20s)"));
/// ```
#[macro_export]
macro_rules! client {
    () => {
        /// A configured API client. Cheap to clone (one `Arc`) and safe to share across tasks.
        #[derive(Clone)]
        pub struct Client($crate::Client);

        impl ::std::fmt::Debug for Client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }

        impl Client {
            /// Starts a call of `op`; the generated methods fill in its parameters and body.
            // An API with no operation calls nothing.
            #[allow(dead_code)]
            pub(crate) fn call<T: Send + 'static, E: $crate::ErrorResponses>(
                &self,
                op: &'static $crate::spec::OperationSpec,
                decode: $crate::codegen::DecodeSuccess<T>,
            ) -> $crate::Call<T, E> {
                self.0.call(op, decode)
            }
        }

        /// Configures a [`Client`]: credentials, server, timeouts, body size limit, redirects,
        /// retries, user agent, HTTP client and hooks. Get one from `Client::builder()`.
        pub struct ClientBuilder($crate::ClientBuilder);

        impl ::std::fmt::Debug for ClientBuilder {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }

        // The credential and server setters serve the generated ones; an API without
        // security schemes or servers leaves them unused.
        #[allow(dead_code)]
        impl ClientBuilder {
            /// A builder for the API `api` describes.
            pub(crate) fn new(api: &'static $crate::spec::ApiSpec) -> Self {
                ClientBuilder($crate::ClientBuilder::new(api))
            }

            pub(crate) fn server_url(self, url: &'static str) -> Self {
                ClientBuilder(self.0.server_url(url))
            }

            pub(crate) fn credential(
                self,
                scheme: &'static str,
                token: $crate::codegen::SecretString,
            ) -> Self {
                ClientBuilder(self.0.credential(scheme, token))
            }

            pub(crate) fn credential_provider(
                self,
                scheme: &'static str,
                provider: ::std::sync::Arc<dyn $crate::TokenProvider>,
            ) -> Self {
                ClientBuilder(self.0.credential_provider(scheme, provider))
            }

            pub(crate) fn basic_credential(
                self,
                scheme: &'static str,
                credentials: $crate::BasicCredentials,
            ) -> Self {
                ClientBuilder(self.0.basic_credential(scheme, credentials))
            }

            pub(crate) fn basic_credential_provider(
                self,
                scheme: &'static str,
                provider: ::std::sync::Arc<dyn $crate::BasicAuthProvider>,
            ) -> Self {
                ClientBuilder(self.0.basic_credential_provider(scheme, provider))
            }

            /// Sends every request to `url` (e.g. a mock server or a proxy), overriding the
            /// region and the servers operations are pinned to. A call's own `base_url` still
            /// wins.
            pub fn base_url(self, url: impl Into<String>) -> Self {
                ClientBuilder(self.0.base_url(url))
            }

            /// The time budget of each call, every attempt and wait included; none by default
            /// (the attempt timeout and the retry policy bound a call already). `None` removes
            /// it.
            pub fn timeout(self, timeout: impl Into<Option<::std::time::Duration>>) -> Self {
                ClientBuilder(self.0.timeout(timeout))
            }

            /// How long connecting to the server (DNS, TCP and TLS) may take: 10 s by default.
            /// `None` waits as long as the system does. A client given with
            /// [`http_client`](Self::http_client) keeps its own connect timeout; the attempt
            /// timeout still bounds it.
            pub fn connect_timeout(
                self,
                timeout: impl Into<Option<::std::time::Duration>>,
            ) -> Self {
                ClientBuilder(self.0.connect_timeout(timeout))
            }

            /// How long one attempt may take, from sending the request to the last byte of its
            /// response (for `send_streaming`, to its status and headers): 60 s by default. An
            /// attempt that runs out is retried as a connection failure would be. `None`
            /// removes the limit.
            pub fn attempt_timeout(
                self,
                timeout: impl Into<Option<::std::time::Duration>>,
            ) -> Self {
                ClientBuilder(self.0.attempt_timeout(timeout))
            }

            /// How long a response body may stall, no byte arriving, before the attempt fails:
            /// 30 s by default. It also bounds each chunk of a streamed download. `None`
            /// removes the limit.
            pub fn read_timeout(self, timeout: impl Into<Option<::std::time::Duration>>) -> Self {
                ClientBuilder(self.0.read_timeout(timeout))
            }

            /// The largest response body read into memory, in bytes: 64 MiB by default. A
            /// longer one fails the call with `Error::BodyTooLarge`, without being read when
            /// its `Content-Length` says so; a download streamed with `send_streaming` is not
            /// held, so not limited. Error responses are read only as far as the error keeps
            /// (64 KiB) whatever this says.
            pub fn max_body_size(self, bytes: usize) -> Self {
                ClientBuilder(self.0.max_body_size(bytes))
            }

            /// Which redirects calls follow (see `RedirectPolicy`): none by default, a
            /// redirect being an answer like any other. A `reqwest::Client` given with
            /// [`http_client`](Self::http_client) must keep reqwest's own following off
            /// (`reqwest::redirect::Policy::none()`), or it would follow every redirect,
            /// bodies included, before this policy sees it.
            pub fn redirect(self, policy: $crate::RedirectPolicy) -> Self {
                ClientBuilder(self.0.redirect(policy))
            }

            /// The retry policy of every call (see `RetryPolicy` for the defaults).
            pub fn retry(self, policy: $crate::RetryPolicy) -> Self {
                ClientBuilder(self.0.retry(policy))
            }

            /// Replaces the `User-Agent` header (`crate-name/version` by default).
            pub fn user_agent(self, user_agent: impl Into<String>) -> Self {
                ClientBuilder(self.0.user_agent(user_agent))
            }

            /// Uses a `reqwest::Client` you configured (proxies, certificates, connection
            /// pools).
            pub fn http_client(self, client: $crate::codegen::reqwest::Client) -> Self {
                ClientBuilder(self.0.http_client(client))
            }

            /// Adds a hook; hooks run in the order they are added.
            pub fn hook(self, hook: impl $crate::Hook) -> Self {
                ClientBuilder(self.0.hook(hook))
            }

            /// Builds the client.
            pub fn build(self) -> Result<Client, $crate::BuildError> {
                self.0.build().map(Client)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    mod sdk {
        crate::client!();

        pub static API: crate::spec::ApiSpec = crate::spec::ApiSpec {
            default_server: "https://api.example.com",
            user_agent: "test/1",
            security_schemes: &[crate::spec::SchemeSpec {
                name: "token",
                kind: crate::spec::SchemeKind::Bearer,
            }],
            sensitive_fields: &[],
        };
    }

    #[test]
    fn the_sdk_builder_hands_every_setting_over() {
        let client = sdk::ClientBuilder::new(&sdk::API)
            .credential("token", "t0k".to_owned().into())
            .base_url("http://127.0.0.1:1")
            .timeout(Duration::from_secs(5))
            .connect_timeout(None)
            .attempt_timeout(Duration::from_secs(7))
            .read_timeout(Duration::from_secs(8))
            .max_body_size(1024)
            .redirect(crate::RedirectPolicy::follow())
            .retry(crate::RetryPolicy::disabled())
            .user_agent("ua/2")
            .build()
            .unwrap();
        let debug = format!("{client:?}");
        for expected in [
            "base_url: Some(\"http://127.0.0.1:1\")",
            "credentials: [\"token\"]",
            "timeout: Some(5s)",
            "connect_timeout: None",
            "attempt_timeout: Some(7s)",
            "read_timeout: Some(8s)",
            "max_body_size: 1024",
            "max_redirects: 10",
            "max_attempts: 1",
        ] {
            assert!(debug.contains(expected), "{expected} in {debug}");
        }
        assert!(!debug.contains("t0k"), "{debug}");
        let refused = sdk::ClientBuilder::new(&sdk::API)
            .user_agent("line\nbreak")
            .build()
            .unwrap_err();
        assert!(refused.to_string().starts_with("invalid user agent"));
    }
}
