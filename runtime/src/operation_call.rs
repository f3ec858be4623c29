//! The call type of one operation: a generated SDK declares one per operation with
//! [`operation_call!`](crate::operation_call), wrapping the runtime's [`Call`](crate::Call) so
//! the operation's optional parameters can be setters on it (`.page_size(10)`) beside the
//! settings every call shares, which the macro forwards once for all operations.

/// Declares an operation's call type in the calling module: a struct holding the runtime's
/// [`Call`](crate::Call) (field `call`) and, when the operation has optional parameters, their
/// values (field `params`, set by the generated setters or all at once by `with_params`),
/// with the settings every call shares (`timeout`, `retry`, `header`...), `send`,
/// `send_with_response`, `into_call` and [`IntoFuture`](std::future::IntoFuture). The calling
/// module defines `fn apply(self) -> Call<T, E>`, which writes the optional parameters into
/// the call when it is sent. For generated code.
///
/// The futures `send` and `send_with_response` return are `Send` (as the runtime's are) without
/// saying so: a bound here would be proven once per operation, which costs a large SDK's
/// compile time dearly.
///
/// ```
/// mod sdk {
///     sdkgen_runtime::client!();
///
///     #[derive(Debug, Clone, PartialEq)]
///     pub enum NoError {}
///
///     impl sdkgen_runtime::ErrorResponses for NoError {
///         fn decode(_: u16, _: &[u8]) -> Option<Result<Self, sdkgen_runtime::DecodeError>> {
///             None
///         }
///         fn status(&self) -> u16 {
///             match *self {}
///         }
///     }
///
///     /// Optional parameters.
///     #[derive(Debug, Default)]
///     pub struct PingParams {
///         /// `?verbose=`.
///         pub verbose: Option<bool>,
///     }
///
///     sdkgen_runtime::operation_call! {
///         /// A call of `ping`.
///         PingCall<(), NoError>, PingParams
///     }
///
///     impl PingCall {
///         fn apply(self) -> sdkgen_runtime::Call<(), NoError> {
///             self.call.query("verbose", &self.params.verbose)
///         }
///
///         /// Sets `verbose`.
///         pub fn verbose(mut self, verbose: bool) -> Self {
///             self.params.verbose = Some(verbose);
///             self
///         }
///     }
///
///     static PING: sdkgen_runtime::spec::OperationSpec = sdkgen_runtime::spec::OperationSpec {
///         operation_id: "ping",
///         method: sdkgen_runtime::codegen::reqwest::Method::GET,
///         path_template: "/ping",
///         security: &[],
///         servers: &[],
///         accept: sdkgen_runtime::codegen::reqwest::header::HeaderValue::from_static("*/*"),
///     };
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
///
///         /// Pings.
///         pub fn ping(&self) -> PingCall {
///             PingCall {
///                 call: self.call(&PING, |status, _| (status == 204).then_some(Ok(()))),
///                 params: PingParams::default(),
///             }
///         }
///     }
/// }
///
/// let client = sdk::Client::builder().build().unwrap();
/// let call = client
///     .ping()
///     .verbose(true)
///     .timeout(std::time::Duration::from_secs(1))
///     .into_call();
/// assert!(format!("{call:?}").contains("query: [\"verbose\"]"));
/// ```
#[macro_export]
macro_rules! operation_call {
    ($(#[$attr:meta])* $name:ident<$ok:ty, $err:ty>) => {
        $(#[$attr])*
        #[must_use = "a call does nothing until it is awaited"]
        #[derive(Debug)]
        pub struct $name {
            call: $crate::Call<$ok, $err>,
        }

        impl $name {
            fn apply(self) -> $crate::Call<$ok, $err> {
                self.call
            }
        }

        $crate::operation_call!(@common $name<$ok, $err>);
    };
    ($(#[$attr:meta])* $name:ident<$ok:ty, $err:ty>, $params:ty) => {
        $(#[$attr])*
        #[must_use = "a call does nothing until it is awaited"]
        #[derive(Debug)]
        pub struct $name {
            call: $crate::Call<$ok, $err>,
            params: $params,
        }

        impl $name {
            /// Sets every optional parameter at once, replacing those set before.
            pub fn with_params(mut self, params: $params) -> Self {
                self.params = params;
                self
            }
        }

        $crate::operation_call!(@common $name<$ok, $err>);
    };
    (@common $name:ident<$ok:ty, $err:ty>) => {
        impl $name {
            /// Limits this call to `timeout`, all attempts and waits included.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.call = self.call.timeout(timeout);
                self
            }

            /// Limits each attempt of this call to `timeout` instead of the client's attempt
            /// timeout (`None` removes the limit): for an operation known to take long.
            pub fn attempt_timeout(
                mut self,
                timeout: impl Into<Option<::std::time::Duration>>,
            ) -> Self {
                self.call = self.call.attempt_timeout(timeout);
                self
            }

            /// Reads at most `bytes` of this call's response body instead of the client's
            /// `max_body_size`.
            pub fn max_body_size(mut self, bytes: usize) -> Self {
                self.call = self.call.max_body_size(bytes);
                self
            }

            /// Uses `policy` for this call instead of the client's.
            pub fn retry(mut self, policy: $crate::RetryPolicy) -> Self {
                self.call = self.call.retry(policy);
                self
            }

            /// Sends this call to `url`, whatever the client and the operation say.
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.call = self.call.base_url(url);
                self
            }

            /// Adds a header to this call's requests.
            pub fn header(mut self, name: &str, value: &str) -> Self {
                self.call = self.call.header(name, value);
                self
            }

            /// The runtime's call, every parameter set so far written into it.
            pub fn into_call(self) -> $crate::Call<$ok, $err> {
                self.apply()
            }

            /// Sends the call and decodes the body (what `.await` does).
            pub fn send(
                self,
            ) -> impl ::std::future::Future<Output = Result<$ok, $crate::Error<$err>>> {
                self.apply().send()
            }

            /// Sends the call; the result keeps the status and headers beside the body.
            pub fn send_with_response(
                self,
            ) -> impl ::std::future::Future<
                Output = Result<$crate::Response<$ok>, $crate::Error<$err>>,
            > {
                self.apply().send_with_response()
            }
        }

        impl ::std::future::IntoFuture for $name {
            type Output = Result<$ok, $crate::Error<$err>>;
            type IntoFuture = ::std::pin::Pin<
                Box<dyn ::std::future::Future<Output = Self::Output> + Send>,
            >;

            fn into_future(self) -> Self::IntoFuture {
                ::std::future::IntoFuture::into_future(self.apply())
            }
        }
    };
}
