//! One call of an operation: its parameters, per-call options, and the attempt loop that sends
//! it, retries it and decodes the answer.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, USER_AGENT,
};
use reqwest::StatusCode;
use secrecy::ExposeSecret;
use tokio::time::Instant;
use tracing::Instrument;

use crate::auth::{check_cookie, placement, push_cookie, CookieError, Placement};
use crate::client::{Client, Inner};
use crate::encoding::{self, Style};
use crate::error::{
    bounded, snippet, ApiError, DecodeError, Error, ErrorResponses, TimeoutKind, MAX_KEPT_BODY,
};
use crate::exchange::{self, Body, Cap, Failure, Limits};
use crate::hooks::HookContext;
use crate::multipart::Multipart;
use crate::redirect::{Chain, Stop};
use crate::retry::{worth_retrying, RetryPolicy};
use crate::spec::OperationSpec;

/// Turns a documented success status and its body into the success type; `None` when the
/// status is not a documented success.
/// The body comes as `Bytes` so a binary success shares it rather than copying it.
pub type DecodeSuccess<T> = fn(status: u16, body: &Bytes) -> Option<Result<T, DecodeError>>;

impl Client {
    /// Starts a call of `op`, decoding a success with `decode`; the generated method fills in
    /// its parameters and body. For generated code.
    #[doc(hidden)]
    pub fn call<T: Send + 'static, E: ErrorResponses>(
        &self,
        op: &'static OperationSpec,
        decode: DecodeSuccess<T>,
    ) -> Call<T, E> {
        Call::new(self.clone(), op, decode)
    }
}

/// A successful response: the decoded body with the status and headers it came with.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers (request ids, rate-limit headers...).
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
}

impl<T> Response<T> {
    /// Takes the decoded body.
    pub fn into_body(self) -> T {
        self.body
    }
}

/// A call ready to send: `.await` it for the decoded body, or use
/// [`send_with_response`](Call::send_with_response) to see the status and headers too. Per-call
/// options (`timeout`, `retry`, `base_url`, `header`) override the client's.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<T, E> {
    client: Client,
    op: &'static OperationSpec,
    decode: DecodeSuccess<T>,
    /// Each path parameter's name and encoded value, expanded into the template when sent.
    path_params: Vec<(&'static str, String)>,
    /// Query pairs, percent-encoded.
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    /// Cookie parameters, each name and value checked when set.
    cookies: Vec<(String, String)>,
    body: Option<Bytes>,
    /// A multipart body, built into a form for each attempt (its boundary in the content type).
    multipart: Option<Multipart>,
    content_type: &'static str,
    timeout: Option<Duration>,
    /// This call's attempt timeout, when it overrides the client's.
    attempt_timeout: Option<Option<Duration>>,
    /// This call's largest body, when it overrides the client's.
    max_body_size: Option<usize>,
    retry: Option<RetryPolicy>,
    base_url: Option<String>,
    invalid: Option<String>,
    /// Whether a success body is left unread for the caller to stream.
    streaming: bool,
    error: PhantomData<fn() -> E>,
}

impl<T, E> fmt::Debug for Call<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("operation_id", &self.op.operation_id)
            .field("method", &self.op.method)
            .field("path_template", &self.op.path_template)
            .field(
                "path_params",
                &self.path_params.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            )
            .field(
                "query",
                &self
                    .query
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>(),
            )
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>(),
            )
            .field(
                "cookies",
                &self
                    .cookies
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("body_bytes", &self.body.as_ref().map(Bytes::len))
            .field("multipart", &self.multipart)
            .field("timeout", &self.timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("max_body_size", &self.max_body_size)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static, E: ErrorResponses> Call<T, E> {
    pub(crate) fn new(
        client: Client,
        op: &'static OperationSpec,
        decode: DecodeSuccess<T>,
    ) -> Self {
        Call {
            client,
            op,
            decode,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            multipart: None,
            content_type: "application/json",
            timeout: None,
            attempt_timeout: None,
            max_body_size: None,
            retry: None,
            base_url: None,
            invalid: None,
            streaming: false,
            error: PhantomData,
        }
    }

    fn fail(&mut self, message: String) {
        self.invalid.get_or_insert(message);
    }

    /// `value` as JSON; `what` names it in the error, formatted only then.
    fn json<V: serde::Serialize + ?Sized>(
        &mut self,
        value: &V,
        what: impl FnOnce() -> String,
    ) -> Option<serde_json::Value> {
        match serde_json::to_value(value) {
            Ok(value) => Some(value),
            Err(e) => {
                self.fail(format!("cannot serialise {}: {e}", what()));
                None
            }
        }
    }

    /// A path parameter in `simple` style.
    #[doc(hidden)]
    pub fn path_param<V: serde::Serialize + ?Sized>(self, name: &'static str, value: &V) -> Self {
        self.path_styled(name, value, Style::Simple { explode: false })
    }

    /// A path parameter written as `style` says.
    #[doc(hidden)]
    pub fn path_styled<V: serde::Serialize + ?Sized>(
        mut self,
        name: &'static str,
        value: &V,
        style: Style,
    ) -> Self {
        if let Some(value) = self.json(value, || format!("path parameter `{name}`")) {
            match encoding::path_segment(name, value, style) {
                Ok(segment) => self.path_params.push((name, segment)),
                Err(message) => self.fail(message),
            }
        }
        self
    }

    /// A query parameter in `form` style, exploded.
    #[doc(hidden)]
    pub fn query<V: serde::Serialize + ?Sized>(self, name: &str, value: &V) -> Self {
        self.query_styled(name, value, Style::Form { explode: true })
    }

    /// A query parameter written as `style` says.
    #[doc(hidden)]
    pub fn query_styled<V: serde::Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &V,
        style: Style,
    ) -> Self {
        if let Some(value) = self.json(value, || format!("query parameter `{name}`")) {
            encoding::query_pairs(name, &value, style, &mut self.query);
        }
        self
    }

    /// A header parameter in `simple` style.
    #[doc(hidden)]
    pub fn header_param<V: serde::Serialize + ?Sized>(self, name: &str, value: &V) -> Self {
        self.header_styled(name, value, Style::Simple { explode: false })
    }

    /// A header parameter written as `style` says.
    #[doc(hidden)]
    pub fn header_styled<V: serde::Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &V,
        style: Style,
    ) -> Self {
        if let Some(value) = self.json(value, || format!("header `{name}`")) {
            if let Some(text) = encoding::header_value(&value, style) {
                self.headers.push((name.to_owned(), text));
            }
        }
        self
    }

    /// A cookie parameter in `form` style, exploded: `name=value` in the `Cookie` header, a
    /// list one cookie per item. A value a cookie cannot hold (`;`, `,`, a space, a quote...)
    /// fails the call before it is sent.
    #[doc(hidden)]
    pub fn cookie_param<V: serde::Serialize + ?Sized>(self, name: &'static str, value: &V) -> Self {
        self.cookie_styled(name, value, Style::Form { explode: true })
    }

    /// A cookie parameter written as `style` says. Unexploded, a list is one cookie of
    /// comma-separated items (OpenAPI's `form` style): each item is checked, and the commas
    /// between them are the only ones the value holds.
    #[doc(hidden)]
    pub fn cookie_styled<V: serde::Serialize + ?Sized>(
        mut self,
        name: &'static str,
        value: &V,
        style: Style,
    ) -> Self {
        let Some(value) = self.json(value, || format!("cookie `{name}`")) else {
            return self;
        };
        for (cookie, items) in encoding::cookies(name, &value, style) {
            let checked = items
                .iter()
                .try_for_each(|item| check_cookie(&cookie, item));
            match checked {
                Ok(()) => self.cookies.push((cookie, items.join(","))),
                Err(CookieError::Name) => {
                    self.fail(format!("{cookie:?} is not a valid cookie name"))
                }
                Err(CookieError::Value) => self.fail(format!(
                    "the value of cookie `{cookie}` holds a character a cookie cannot carry (a space, `\"`, `,`, `;`, `\\` or a non-ASCII or control character)"
                )),
            }
        }
        self
    }

    /// A JSON body of the media type the operation documents (`application/json`, or any
    /// `+json` type).
    #[doc(hidden)]
    pub fn json_body<B: serde::Serialize + ?Sized>(
        mut self,
        content_type: &'static str,
        body: &B,
    ) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(Bytes::from(bytes)),
            Err(e) => self.fail(format!("cannot serialise the request body: {e}")),
        }
        self.content_type = content_type;
        self
    }

    /// An `application/x-www-form-urlencoded` body from a model's top-level fields.
    #[doc(hidden)]
    pub fn form_body<B: serde::Serialize + ?Sized>(self, body: &B) -> Self {
        self.form_body_styled(body, &[])
    }

    /// The same, the fields `styles` names written in their own style (an `encoding` entry).
    #[doc(hidden)]
    pub fn form_body_styled<B: serde::Serialize + ?Sized>(
        mut self,
        body: &B,
        styles: &[(&str, Style)],
    ) -> Self {
        if let Some(value) = self.json(body, || "the request body".to_owned()) {
            match encoding::form(&value, styles) {
                Ok(text) => self.body = Some(Bytes::from(text)),
                Err(message) => self.fail(message),
            }
        }
        self.content_type = "application/x-www-form-urlencoded";
        self
    }

    /// A body sent as is, with its media type.
    #[doc(hidden)]
    pub fn raw_body(mut self, content_type: &'static str, body: impl Into<Bytes>) -> Self {
        self.body = Some(body.into());
        self.content_type = content_type;
        self
    }

    /// A `multipart/form-data` body. One holding a stream is sent once: the call is then
    /// never retried.
    #[doc(hidden)]
    pub fn multipart_body(mut self, body: Multipart) -> Self {
        if let Some(message) = body.invalid() {
            self.fail(message.to_owned());
        }
        self.multipart = Some(body);
        self
    }

    /// Limits this call to `timeout`, all attempts and waits included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Limits each attempt of this call to `timeout` instead of the client's attempt timeout
    /// (`None` removes the limit): for an operation known to take long.
    pub fn attempt_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.attempt_timeout = Some(timeout.into());
        self
    }

    /// Reads at most `bytes` of this call's response body instead of the client's
    /// [`max_body_size`](crate::ClientBuilder::max_body_size).
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = Some(bytes);
        self
    }

    /// Uses `policy` for this call instead of the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends this call to `url`, whatever the client and the operation say.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Adds a header to this call's requests.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sends the call and decodes the body.
    pub async fn send(self) -> Result<T, Error<E>> {
        self.send_with_response().await.map(Response::into_body)
    }

    /// Sends the call; the result keeps the status and headers beside the body.
    pub async fn send_with_response(self) -> Result<Response<T>, Error<E>> {
        let operation_id = self.op.operation_id;
        match self.run().await? {
            Outcome::Decoded(response, _) => Ok(response),
            // Only a streaming call leaves a body unread.
            Outcome::Unread { .. } => Err(Error::InvalidRequest {
                operation_id,
                message: "the body was left unread".to_owned(),
            }),
        }
    }

    /// Sends the call like [`send_with_response`](Call::send_with_response), and hands back
    /// the body the response was decoded from too: pagination reads where the next page is
    /// from it.
    pub(crate) async fn send_keeping_body(self) -> Result<(Response<T>, Bytes), Error<E>> {
        let operation_id = self.op.operation_id;
        match self.run().await? {
            Outcome::Decoded(response, body) => Ok((response, body)),
            Outcome::Unread { .. } => Err(Error::InvalidRequest {
                operation_id,
                message: "the body was left unread".to_owned(),
            }),
        }
    }

    /// The same call again, to send with other query parameters (the next page). A multipart
    /// body is not copied (a stream can be read once): the copy fails when sent.
    pub(crate) fn fork(&self) -> Self {
        let mut invalid = self.invalid.clone();
        if self.multipart.is_some() {
            invalid.get_or_insert_with(|| {
                "a call with a multipart body cannot be sent again for the next page".to_owned()
            });
        }
        Call {
            client: self.client.clone(),
            op: self.op,
            decode: self.decode,
            path_params: self.path_params.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            cookies: self.cookies.clone(),
            body: self.body.clone(),
            multipart: None,
            content_type: self.content_type,
            timeout: self.timeout,
            attempt_timeout: self.attempt_timeout,
            max_body_size: self.max_body_size,
            retry: self.retry.clone(),
            base_url: self.base_url.clone(),
            invalid,
            streaming: self.streaming,
            error: PhantomData,
        }
    }

    /// Sets the query parameter `name` (`form` style) to `value`, replacing what it held.
    pub(crate) fn replace_query(&mut self, name: &str, value: &serde_json::Value) {
        let key = encoding::encode(name);
        self.query.retain(|(k, _)| *k != key);
        encoding::query_pairs(name, value, Style::Form { explode: true }, &mut self.query);
    }

    /// The value of the query parameter `name` as set (its first, decoded), if it is.
    pub(crate) fn query_value(&self, name: &str) -> Option<String> {
        let key = encoding::encode(name);
        self.query.iter().find(|(k, _)| *k == key).map(|(_, v)| {
            percent_encoding::percent_decode_str(v)
                .decode_utf8_lossy()
                .into_owned()
        })
    }

    /// Sends the call, retrying as configured, until a final outcome.
    async fn run(self) -> Result<Outcome<T>, Error<E>> {
        let op = self.op;
        let span = tracing::info_span!(
            "api_call",
            operation_id = op.operation_id,
            method = %op.method,
            path = op.path_template,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        let budget = self.timeout.or(self.client.inner.timeout);
        // No deadline when the budget is too large to represent: it is then never reached.
        let deadline = budget.and_then(|b| Instant::now().checked_add(b));
        let attempts = async move {
            let attempts = self.attempts(deadline, &span);
            // A span no subscriber wants costs a wrapper on every poll: skip it.
            if span.is_disabled() {
                attempts.await
            } else {
                attempts.instrument(span.clone()).await
            }
        };
        match budget {
            Some(after) => {
                tokio::time::timeout(after, attempts)
                    .await
                    .unwrap_or(Err(Error::Timeout {
                        operation_id: op.operation_id,
                        after,
                        kind: TimeoutKind::Call,
                    }))
            }
            None => attempts.await,
        }
    }

    /// The attempt loop: prepare once, then send, classify what came back, and wait before
    /// the next attempt while the policy allows one.
    async fn attempts(
        mut self,
        deadline: Option<Instant>,
        span: &tracing::Span,
    ) -> Result<Outcome<T>, Error<E>> {
        let Prepared {
            url,
            headers,
            credentials,
            policy,
        } = self.prepare()?;
        let started = Instant::now();
        // The URL and headers go into every attempt's request: copied while another attempt
        // may follow, moved into the last one.
        let mut parts = Some((url, headers));
        let mut attempt = 0;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            let next = if policy.allows_retry(attempt, Duration::ZERO) {
                parts.clone()
            } else {
                parts.take()
            };
            // Only an attempt that allowed another one loops back, and that one copied.
            let Some((url, headers)) = next else {
                return Err(self.invalid("the request was already sent".to_owned()));
            };
            let answer = self
                .send_attempt(url, headers, credentials, attempt, span)
                .await;
            let (error, wait) = match self.classify(answer, &policy, attempt, started) {
                Verdict::Done(outcome) => return outcome,
                Verdict::Retry { error, wait } => (error, wait),
            };
            if !wait_for_retry(wait, deadline, attempt).await {
                return Err(error);
            }
        }
    }

    fn invalid(&self, message: String) -> Error<E> {
        Error::InvalidRequest {
            operation_id: self.op.operation_id,
            message,
        }
    }

    /// What every attempt shares: the URL, the headers, which credentials go with them and
    /// the retry policy. Whatever makes the call unsendable fails it here, before anything is
    /// sent.
    fn prepare(&self) -> Result<Prepared, Error<E>> {
        let op = self.op;
        if let Some(message) = self.invalid.clone() {
            return Err(self.invalid(message));
        }
        let inner = &self.client.inner;
        let credentials = self.credentials()?;
        let base = resolve_base(
            self.base_url.as_deref(),
            inner.base_url.as_deref(),
            op.servers,
            inner.server_url,
        );
        let url = join_url(base, op.path_template, &self.path_params, &self.query)
            .map_err(|message| self.invalid(message))?;
        let mut headers = HeaderMap::new();
        headers.insert(USER_AGENT, inner.user_agent.clone());
        headers.insert(ACCEPT, op.accept.clone());
        if self.body.is_some() {
            let content_type = static_header(self.content_type).ok_or_else(|| {
                self.invalid(format!("invalid content type {:?}", self.content_type))
            })?;
            headers.insert(CONTENT_TYPE, content_type);
        }
        // Caller headers replace the defaults of the same name; repeated names are all sent.
        let mut extra = HeaderMap::new();
        for (name, value) in &self.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| self.invalid(format!("invalid header name {name:?}")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| self.invalid(format!("invalid value for header `{name}`")))?;
            extra.append(name, value);
        }
        for name in extra.keys() {
            headers.remove(name);
        }
        for (name, value) in &extra {
            headers.append(name, value.clone());
        }
        let mut policy = self.retry.clone().unwrap_or_else(|| inner.retry.clone());
        // A stream can be read once: its request cannot be sent again.
        if self.multipart.as_ref().is_some_and(|m| !m.replayable()) {
            policy = RetryPolicy::disabled();
        }
        Ok(Prepared {
            url,
            headers,
            credentials,
            policy,
        })
    }

    /// One attempt: the request built (body, credentials, hooks), sent (following redirects
    /// as the policy says), and its response read, all within the attempt's time limits.
    async fn send_attempt(
        &mut self,
        url: reqwest::Url,
        headers: HeaderMap,
        credentials: &'static [&'static str],
        attempt: u32,
        span: &tracing::Span,
    ) -> Result<Answer, Error<E>> {
        // A handle of its own, so the request can be built from `self` while it is used.
        let client = self.client.clone();
        let inner = &client.inner;
        let attempt = Attempt {
            inner,
            context: HookContext {
                operation_id: self.op.operation_id,
                method: self.op.method.clone(),
                path_template: self.op.path_template,
                attempt,
            },
            limits: Limits::new(
                self.attempt_timeout.unwrap_or(inner.attempt_timeout),
                inner.read_timeout,
            ),
            span,
        };
        let (response, status, headers) =
            self.exchange(&attempt, url, headers, credentials).await?;
        self.read_answer(&attempt, response, status, headers).await
    }

    /// Sends the attempt's request and, while the redirect policy follows, the next one:
    /// the response that ends the chain, its status and headers taken from it.
    async fn exchange(
        &mut self,
        attempt: &Attempt<'_>,
        url: reqwest::Url,
        headers: HeaderMap,
        credentials: &'static [&'static str],
    ) -> Result<(reqwest::Response, StatusCode, HeaderMap), Error<E>> {
        let op = self.op;
        let inner = attempt.inner;
        // Following redirects rebuilds the request from what every hop to the call's origin
        // shares: kept only when the policy follows any.
        let mut chain = inner
            .redirect
            .follows()
            .then(|| Chain::new(&op.method, &url, headers.clone()));
        let has_body = self.body.is_some() || self.multipart.is_some();
        let replayable = self.multipart.as_ref().is_none_or(Multipart::replayable);
        let mut request = self
            .request(
                inner,
                op.method.clone(),
                url,
                headers,
                true,
                Some(credentials),
            )
            .await?;
        loop {
            for hook in &inner.hooks {
                hook.before_request(&attempt.context, &mut request);
            }
            let mut response = exchange::send(&inner.http, request, attempt.limits)
                .await
                .map_err(|failure| attempt.failed(failure))?;
            let status = response.status();
            // Taken, not cloned: the body is all that is read from the response after this.
            let headers = std::mem::take(response.headers_mut());
            attempt.span.record("status", status.as_u16());
            for hook in &inner.hooks {
                hook.after_response(&attempt.context, status, &headers);
            }
            let Some(chain) = chain.as_mut().filter(|_| status.is_redirection()) else {
                return Ok((response, status, headers));
            };
            match chain.next(&inner.redirect, status, &headers, has_body, replayable) {
                Ok(Some(hop)) => {
                    let credentials = hop.credentials.then_some(credentials);
                    request = self
                        .request(
                            inner,
                            hop.method,
                            hop.url,
                            hop.headers,
                            hop.body,
                            credentials,
                        )
                        .await?;
                }
                // Not followed: the redirect is the answer.
                Ok(None) => return Ok((response, status, headers)),
                Err(stop) => {
                    return Err(Error::Redirect {
                        operation_id: op.operation_id,
                        status,
                        headers,
                        followed: chain.followed(),
                        looped: stop == Stop::Loop,
                    })
                }
            }
        }
    }

    /// The response's body, read as far as its status allows: a success up to the body size
    /// limit (or left unread for a streaming call), an error only as far as the error keeps.
    async fn read_answer(
        &self,
        attempt: &Attempt<'_>,
        mut response: reqwest::Response,
        status: StatusCode,
        headers: HeaderMap,
    ) -> Result<Answer, Error<E>> {
        let inner = attempt.inner;
        if self.streaming && status.is_success() {
            return Ok(Answer::Unread {
                status,
                headers,
                response,
                read_timeout: inner.read_timeout,
            });
        }
        // An error keeps the start of its body: the rest is left unread, and the connection
        // dropped, however long the server's error page.
        let limit = self.max_body_size.unwrap_or(inner.max_body_size);
        let cap = if status.is_client_error() || status.is_server_error() {
            Cap::Truncate(MAX_KEPT_BODY)
        } else {
            Cap::Refuse(limit)
        };
        let (body, truncated) = match exchange::read_body(&mut response, attempt.limits, cap)
            .await
            .map_err(|failure| attempt.failed(failure))?
        {
            Body::Whole(body) => (body, false),
            Body::Truncated(body) => (body, true),
            Body::TooLarge { length } => {
                return Err(Error::BodyTooLarge {
                    operation_id: self.op.operation_id,
                    status,
                    headers,
                    limit,
                    length,
                })
            }
        };
        Ok(Answer::Read {
            status,
            headers,
            body,
            truncated,
        })
    }

    /// One request: its body when `body` says so, and the credentials of the security
    /// alternative `credentials` (with the call's cookies) when given.
    async fn request(
        &mut self,
        inner: &Inner,
        method: reqwest::Method,
        url: reqwest::Url,
        headers: HeaderMap,
        body: bool,
        credentials: Option<&'static [&'static str]>,
    ) -> Result<reqwest::Request, Error<E>> {
        let op = self.op;
        let invalid = |message: String| Error::InvalidRequest {
            operation_id: op.operation_id,
            message,
        };
        let mut request = reqwest::Request::new(method, url);
        *request.headers_mut() = headers;
        if body {
            if let Some(body) = &self.body {
                *request.body_mut() = Some(body.clone().into());
            }
            if let Some(multipart) = &mut self.multipart {
                let form = multipart.form().map_err(invalid)?;
                set_form(&mut request, &inner.http, form, multipart.content_type())
                    .map_err(invalid)?;
            }
        }
        if let Some(credentials) = credentials {
            apply_credentials(
                &mut request,
                inner,
                credentials,
                &self.cookies,
                op.operation_id,
            )
            .await?;
        }
        Ok(request)
    }

    /// What an attempt's answer means: a final outcome, or a failure worth another attempt
    /// after a wait (the server's `Retry-After`, or the policy's backoff).
    fn classify(
        &self,
        answer: Result<Answer, Error<E>>,
        policy: &RetryPolicy,
        attempt: u32,
        started: Instant,
    ) -> Verdict<T, E> {
        let error = match answer {
            Ok(Answer::Unread {
                status,
                headers,
                response,
                read_timeout,
            }) => {
                return Verdict::Done(Ok(Outcome::Unread {
                    status,
                    headers,
                    response,
                    read_timeout,
                }))
            }
            Ok(Answer::Read {
                status,
                headers,
                body,
                truncated,
            }) => match self.finish(status, headers, body, truncated) {
                // A documented success is never retried, whatever its status.
                Ok((response, body)) => return Verdict::Done(Ok(Outcome::Decoded(response, body))),
                Err(error) => error,
            },
            Err(error) => error,
        };
        if !worth_retrying(&error, &self.op.method)
            || !policy.allows_retry(attempt, started.elapsed())
        {
            return Verdict::Done(Err(error));
        }
        let wait = error
            .headers()
            .and_then(|headers| policy.retry_after(headers))
            .unwrap_or_else(|| policy.jittered(attempt));
        Verdict::Retry { error, wait }
    }

    /// The first security alternative the client has every credential for.
    fn credentials(&self) -> Result<&'static [&'static str], Error<E>> {
        let op = self.op;
        let held = &self.client.inner.credentials;
        if op.security.is_empty() {
            return Ok(&[]);
        }
        if let Some(alternative) = op.security.iter().find(|alternative| {
            alternative
                .iter()
                .all(|scheme| held.iter().any(|(name, _)| name == scheme))
        }) {
            return Ok(alternative);
        }
        let mut schemes: Vec<&'static str> = Vec::new();
        for scheme in op.security.iter().flat_map(|a| a.iter().copied()) {
            if !schemes.contains(&scheme) {
                schemes.push(scheme);
            }
        }
        Err(Error::MissingCredentials {
            operation_id: op.operation_id,
            schemes,
        })
    }

    /// The decoded success, with the body it was decoded from, or the error the response
    /// stands for.
    fn finish(
        &self,
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        truncated: bool,
    ) -> Result<(Response<T>, Bytes), Error<E>> {
        let op = self.op;
        let sensitive = self.client.inner.api.sensitive_fields;
        let decode_error = |source: DecodeError, headers: HeaderMap| Error::Decode {
            operation_id: op.operation_id,
            status,
            headers,
            source: source.with_snippet(&body, sensitive),
        };
        match (self.decode)(status.as_u16(), &body) {
            // A documented body cut short is not what the server sent: never decoded.
            Some(_) if truncated => {
                return Err(decode_error(DecodeError::cut_off::<T>(body.len()), headers))
            }
            Some(Ok(decoded)) => {
                let response = Response {
                    status,
                    headers,
                    body: decoded,
                };
                return Ok((response, body));
            }
            Some(Err(source)) => return Err(decode_error(source, headers)),
            None => {}
        }
        match E::decode(status.as_u16(), &body) {
            Some(_) if truncated => {
                Err(decode_error(DecodeError::cut_off::<E>(body.len()), headers))
            }
            Some(Ok(error)) => Err(Error::Api(ApiError {
                operation_id: op.operation_id,
                status,
                headers,
                snippet: snippet(&body, sensitive),
                body: bounded(&body),
                error,
            })),
            Some(Err(source)) => Err(decode_error(source, headers)),
            None => Err(Error::UnexpectedStatus {
                operation_id: op.operation_id,
                status,
                headers,
                snippet: snippet(&body, sensitive),
                body: bounded(&body),
            }),
        }
    }
}

/// Puts the credential of each scheme of `alternative` where the scheme says, secret headers
/// marked sensitive. Cookies (the call's cookie parameters, then the credentials') join the
/// request's own in one `Cookie` header (RFC 6265 §5.4).
async fn apply_credentials<E>(
    request: &mut reqwest::Request,
    inner: &Inner,
    alternative: &[&'static str],
    parameters: &[(String, String)],
    operation_id: &'static str,
) -> Result<(), Error<E>> {
    let mut cookies: Vec<u8> = Vec::new();
    for (name, value) in parameters {
        push_cookie(&mut cookies, name, value);
    }
    for scheme_name in alternative {
        let (Some((_, credential)), Some(scheme)) = (
            inner
                .credentials
                .iter()
                .find(|(name, _)| name == scheme_name),
            inner
                .api
                .security_schemes
                .iter()
                .find(|s| s.name == *scheme_name),
        ) else {
            continue;
        };
        if let Some((name, value)) = &credential.fixed_header {
            request.headers_mut().insert(name.clone(), value.clone());
            continue;
        }
        let failed = |source: Box<dyn std::error::Error + Send + Sync>| Error::Credentials {
            operation_id,
            scheme: scheme.name,
            source,
        };
        let token = credential.provider.token().await.map_err(failed)?;
        let token = token.expose_secret();
        match placement(&scheme.kind, token).map_err(|message| failed(message.into()))? {
            Placement::Header(name, value) => {
                request.headers_mut().insert(name, value);
            }
            Placement::Query(name) => {
                request.url_mut().query_pairs_mut().append_pair(name, token);
            }
            Placement::Cookie(name) => push_cookie(&mut cookies, name, token),
        }
    }
    if !cookies.is_empty() {
        let mut all: Vec<u8> = Vec::new();
        for value in request.headers().get_all(COOKIE) {
            all.extend_from_slice(value.as_bytes());
            all.extend_from_slice(b"; ");
        }
        all.append(&mut cookies);
        // Placement checked every name and value, and caller headers were checked when set.
        let mut value = HeaderValue::from_bytes(&all).map_err(|_| Error::InvalidRequest {
            operation_id,
            message: "the cookies do not make a valid `Cookie` header".to_owned(),
        })?;
        value.set_sensitive(true);
        request.headers_mut().insert(COOKIE, value);
    }
    Ok(())
}

/// Puts a multipart form on `request`: its stream as the body, its content type (with the
/// boundary) and its length when known, as reqwest's own builder writes them. They replace
/// any the caller set: another content type would lose the boundary the body is cut by.
fn set_form(
    request: &mut reqwest::Request,
    http: &reqwest::Client,
    form: reqwest::multipart::Form,
    media_type: &str,
) -> Result<(), String> {
    // reqwest writes `multipart/form-data`; another multipart type keeps the same boundary.
    let content_type = (media_type != "multipart/form-data")
        .then(|| HeaderValue::from_str(&format!("{media_type}; boundary={}", form.boundary())))
        .transpose()
        .map_err(|_| format!("{media_type:?} is not a valid media type"))?;
    let mut built = http
        .request(reqwest::Method::POST, request.url().clone())
        .multipart(form)
        .build()
        .map_err(|e| format!("cannot build the multipart body: {e}"))?;
    for name in [CONTENT_TYPE, CONTENT_LENGTH] {
        request.headers_mut().remove(&name);
        if let Some(value) = built.headers_mut().remove(&name) {
            request.headers_mut().insert(name, value);
        }
    }
    if let Some(content_type) = content_type {
        request.headers_mut().insert(CONTENT_TYPE, content_type);
    }
    *request.body_mut() = built.body_mut().take();
    Ok(())
}

/// A header value from a static string, without copying it when it is valid as is.
fn static_header(value: &'static str) -> Option<HeaderValue> {
    // `from_static` accepts exactly visible ASCII and tabs, and panics on anything else.
    if value
        .bytes()
        .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
    {
        Some(HeaderValue::from_static(value))
    } else {
        HeaderValue::from_str(value).ok()
    }
}

/// One attempt in progress: what its steps share.
struct Attempt<'a> {
    inner: &'a Inner,
    /// What hooks are told.
    context: HookContext,
    limits: Limits,
    span: &'a tracing::Span,
}

impl Attempt<'_> {
    /// The call's error for a failed exchange, after telling the hooks.
    fn failed<E: ErrorResponses>(&self, failure: Failure) -> Error<E> {
        let error = failure.into_error(self.context.operation_id);
        for hook in &self.inner.hooks {
            hook.on_error(&self.context, &error);
        }
        error
    }
}

/// What every attempt of a call shares.
struct Prepared {
    url: reqwest::Url,
    headers: HeaderMap,
    /// The security alternative whose credentials are sent.
    credentials: &'static [&'static str],
    policy: RetryPolicy,
}

/// A response as one attempt got it.
enum Answer {
    /// Its body read whole, or only its start when `truncated` (an error's).
    Read {
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        truncated: bool,
    },
    /// A success whose body is left for the caller to stream.
    Unread {
        status: StatusCode,
        headers: HeaderMap,
        response: reqwest::Response,
        read_timeout: Option<Duration>,
    },
}

/// What the attempt loop does after an attempt.
enum Verdict<T, E> {
    /// Returns this.
    Done(Result<Outcome<T>, Error<E>>),
    /// Tries again after `wait`, or fails with `error` when no time is left for it.
    Retry { error: Error<E>, wait: Duration },
}

/// Sleeps `wait` before attempt `attempt + 1`; false, without sleeping, when the call's
/// deadline would pass first: the last failure is then reported instead.
async fn wait_for_retry(wait: Duration, deadline: Option<Instant>, attempt: u32) -> bool {
    let wakes = Instant::now().checked_add(wait);
    if deadline.is_some_and(|d| wakes.is_none_or(|t| t >= d)) {
        return false;
    }
    let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
    tracing::debug!(attempt, wait_ms, "retrying");
    tokio::time::sleep(wait).await;
    true
}

/// What the attempt loop ends with.
enum Outcome<T> {
    /// A decoded response, with the body it was decoded from.
    Decoded(Response<T>, Bytes),
    /// A success whose body is left for the caller to stream.
    Unread {
        status: StatusCode,
        headers: HeaderMap,
        response: reqwest::Response,
        read_timeout: Option<Duration>,
    },
}

impl<E: ErrorResponses> Call<Bytes, E> {
    /// Sends the call and returns as soon as a success status and its headers arrive, with
    /// the body left to read chunk by chunk ([`ByteStream::chunk`]): for downloads too large
    /// to hold in memory. Retries, the attempt timeout and the call's time budget apply until
    /// then, the read timeout to each chunk after; an error status is read and decoded as
    /// [`send`](Call::send) does.
    pub async fn send_streaming(mut self) -> Result<Response<ByteStream<E>>, Error<E>> {
        self.streaming = true;
        let operation_id = self.op.operation_id;
        let (status, headers, source) = match self.run().await? {
            Outcome::Unread {
                status,
                headers,
                response,
                read_timeout,
            } => (
                status,
                headers,
                Source::Live {
                    response,
                    read: 0,
                    limits: Limits::new(None, read_timeout),
                },
            ),
            // A documented success outside 2XX (a 304, say) was read like any other.
            Outcome::Decoded(response, _) => (
                response.status,
                response.headers,
                Source::Read(Some(response.body)),
            ),
        };
        Ok(Response {
            status,
            headers,
            body: ByteStream {
                source,
                operation_id,
                error: PhantomData,
            },
        })
    }
}

/// A success body read as it arrives; from [`Call::send_streaming`].
pub struct ByteStream<E> {
    source: Source,
    operation_id: &'static str,
    error: PhantomData<fn() -> E>,
}

enum Source {
    Live {
        response: reqwest::Response,
        /// How many bytes were read so far.
        read: u64,
        limits: Limits,
    },
    Read(Option<Bytes>),
}

impl<E> ByteStream<E> {
    /// The next chunk of the body; `None` once all of it has been read. Fails when the
    /// connection breaks, or when no byte arrives for the client's read timeout.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error<E>> {
        match &mut self.source {
            Source::Live {
                response,
                read,
                limits,
            } => {
                let chunk = exchange::chunk(response, *read, limits.stalls_only())
                    .await
                    .map_err(|failure| failure.into_error(self.operation_id))?;
                if let Some(chunk) = &chunk {
                    *read += chunk.len() as u64;
                }
                Ok(chunk)
            }
            Source::Read(body) => Ok(body.take().filter(|b| !b.is_empty())),
        }
    }
}

impl<E> fmt::Debug for ByteStream<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let length = match &self.source {
            Source::Live { response, .. } => response.content_length(),
            Source::Read(body) => body.as_ref().map(|b| b.len() as u64),
        };
        f.debug_struct("ByteStream")
            .field("operation_id", &self.operation_id)
            .field("content_length", &length)
            .finish_non_exhaustive()
    }
}

/// The base URL of a call: the call's own, then the client's custom one, then the server the
/// operation is pinned to, then the client's server (its region, or the API's default).
pub(crate) fn resolve_base<'a>(
    call: Option<&'a str>,
    client: Option<&'a str>,
    operation: &'a [&'a str],
    server: &'a str,
) -> &'a str {
    call.or(client)
        .or(operation.first().copied())
        .unwrap_or(server)
}

/// `base` (trailing slashes dropped) + the path template with its parameters' encoded values,
/// then the query pairs. Built in one buffer, in one pass over the template.
pub(crate) fn join_url(
    base: &str,
    template: &str,
    params: &[(&str, String)],
    query: &[(String, String)],
) -> Result<reqwest::Url, String> {
    let base_trimmed = base.trim_end_matches('/');
    let values: usize = params.iter().map(|(_, v)| v.len()).sum();
    let mut text = String::with_capacity(base_trimmed.len() + template.len() + values);
    text.push_str(base_trimmed);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            // A lone brace is literal text.
            text.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let name = &after[..close];
        // The last value set for a name wins.
        match params.iter().rev().find(|(n, _)| *n == name) {
            Some((_, value)) => text.push_str(value),
            None => return Err(format!("path parameter `{name}` is not set")),
        }
        rest = &after[close + 1..];
    }
    text.push_str(rest);
    let mut url =
        reqwest::Url::parse(&text).map_err(|e| format!("invalid URL from base {base:?}: {e}"))?;
    if url.cannot_be_a_base() {
        return Err(format!("invalid base URL {base:?}"));
    }
    if !query.is_empty() {
        // The pairs are encoded already, their delimiters (`,`, `%20`, `%7C`) in place.
        let text: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        url.set_query(Some(&text.join("&")));
    }
    Ok(url)
}

impl<T: Send + 'static, E: ErrorResponses> IntoFuture for Call<T, E> {
    type Output = Result<T, Error<E>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_fill_every_placeholder_of_their_name() {
        let params = [
            ("id", "7".to_owned()),
            ("tokenId", "%7Bx%7D".to_owned()),
            ("i", String::new()),
        ];
        let url = join_url(
            "http://h/",
            "/users/{id}/peers/{id}/tokens/{tokenId}/{i}/x",
            &params,
            &[],
        )
        .unwrap();
        assert_eq!(url.as_str(), "http://h/users/7/peers/7/tokens/%7Bx%7D//x");
        let err = join_url("http://h", "/users/{id}/{missing}", &params, &[]).unwrap_err();
        assert_eq!(err, "path parameter `missing` is not set");
        let url = join_url("http://h", "/odd{brace", &params, &[]).unwrap();
        assert_eq!(url.path(), "/odd%7Bbrace");
    }

    #[test]
    fn static_header_values_are_checked() {
        assert_eq!(
            static_header("application/json").unwrap(),
            "application/json"
        );
        assert_eq!(static_header("a\tb").unwrap(), "a\tb");
        assert!(static_header("line\nbreak").is_none());
    }

    #[test]
    fn base_urls_take_precedence_in_order() {
        let op = ["https://op.example/v3"];
        let server = "https://us.example/v3";
        assert_eq!(
            resolve_base(Some("http://call"), Some("http://client"), &op, server),
            "http://call"
        );
        assert_eq!(
            resolve_base(None, Some("http://client"), &op, server),
            "http://client"
        );
        assert_eq!(
            resolve_base(None, None, &op, server),
            "https://op.example/v3"
        );
        assert_eq!(resolve_base(None, None, &[], server), server);
    }

    #[test]
    fn urls_join_base_path_and_query() {
        let mut query = Vec::new();
        encoding::query_pairs(
            "tag",
            &serde_json::json!("a b"),
            Style::Form { explode: true },
            &mut query,
        );
        encoding::query_pairs(
            "filter",
            &serde_json::json!({"name": "x&y"}),
            Style::DeepObject,
            &mut query,
        );
        encoding::query_pairs(
            "ids",
            &serde_json::json!([1, 2]),
            Style::Form { explode: false },
            &mut query,
        );
        let url = join_url("http://h:1/v3//", "/users/a%2Fb", &[], &query).unwrap();
        assert_eq!(
            url.as_str(),
            "http://h:1/v3/users/a%2Fb?tag=a%20b&filter%5Bname%5D=x%26y&ids=1,2"
        );
        let url = join_url("http://h", "/users/1", &[], &[]).unwrap();
        assert_eq!(url.as_str(), "http://h/users/1");
        assert!(join_url("not a url", "/x", &[], &[]).is_err());
        assert!(join_url("mailto:", "x", &[], &[]).is_err());
    }

    #[test]
    fn encoded_dot_segments_would_be_resolved_by_the_url_parser() {
        // Why `.` and `..` path values are refused rather than percent-encoded: URL parsers
        // treat `%2E%2E` as `..` and would address another resource.
        let url = join_url("http://h", "/users/%2E%2E/tokens", &[], &[]).unwrap();
        assert_eq!(url.path(), "/tokens");
    }
}
