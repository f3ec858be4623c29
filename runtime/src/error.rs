//! The SDK's error type: documented API errors with their typed bodies, and everything else a
//! call can run into. Nothing here ever prints a credential or a sensitive field.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// The most of a response body an error keeps.
pub(crate) const MAX_KEPT_BODY: usize = 64 * 1024;
/// The most of a body shown in messages.
const MAX_SNIPPET: usize = 512;

/// An operation's documented error responses, decoded by status. Implemented by the generated
/// `…Error` enums.
pub trait ErrorResponses: Sized + fmt::Debug + Send + Sync + 'static {
    /// Decodes a documented error status; `None` when the status is not documented.
    fn decode(status: u16, body: &[u8]) -> Option<Result<Self, DecodeError>>;

    /// The HTTP status this error was documented for.
    fn status(&self) -> u16;
}

/// A body that did not match the type the API description promises.
#[derive(Debug, Clone)]
pub struct DecodeError {
    type_name: &'static str,
    reason: String,
    snippet: String,
}

impl DecodeError {
    /// The Rust type that failed to decode.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// Why, with the JSON path where it failed.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The start of the body, with sensitive fields redacted.
    pub fn snippet(&self) -> &str {
        &self.snippet
    }

    /// The error for a body cut at `kept` bytes: what is left cannot be decoded as `T`.
    pub(crate) fn cut_off<T>(kept: usize) -> Self {
        DecodeError {
            type_name: short_type_name::<T>(),
            reason: format!(
                "the body is longer than the {} an error response is read to; the rest was not read",
                size(kept as u64)
            ),
            snippet: String::new(),
        }
    }

    pub(crate) fn with_snippet(mut self, body: &[u8], sensitive: &[&str]) -> Self {
        self.snippet = snippet(body, sensitive);
        self
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot decode the body as {}: {}",
            self.type_name, self.reason
        )?;
        if !self.snippet.is_empty() {
            write!(f, " (body: {})", self.snippet)?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// A size as people read it: `64 KiB`, `1 MiB`, or `1000 bytes` when neither divides it.
pub(crate) fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    match bytes {
        0 => "0 bytes".to_owned(),
        b if b % MIB == 0 => format!("{} MiB", b / MIB),
        b if b % KIB == 0 => format!("{} KiB", b / KIB),
        b => format!("{b} bytes"),
    }
}

/// Decodes a JSON body into `T`, naming the path where decoding failed. The error has no
/// snippet yet: the call adds one, redacted with the API's sensitive fields.
pub fn decode_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    // An empty body (a JSON media type documented without a schema, answered with nothing)
    // reads as `null`: a type that allows it (`serde_json::Value`, an `Option`) decodes.
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    // The fast path decodes without tracking where it is (path tracking allocates per field);
    // only a failure is decoded again to say where it failed.
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(plain) => Err(DecodeError {
            type_name: short_type_name::<T>(),
            reason: locate_failure::<T>(body).unwrap_or_else(|| plain.to_string()),
            snippet: String::new(),
        }),
    }
}

/// A text body as a `String`; it must be UTF-8.
pub fn decode_text(body: &[u8]) -> Result<String, DecodeError> {
    String::from_utf8(body.to_vec()).map_err(|e| DecodeError {
        type_name: "String",
        reason: format!("the text is not UTF-8: {}", e.utf8_error()),
        snippet: String::new(),
    })
}

/// Why and where a body failed to decode, with its JSON path when there is one.
fn locate_failure<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<String> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(error) => {
            let path = error.path().to_string();
            Some(if path == "." || path.is_empty() {
                error.into_inner().to_string()
            } else {
                format!("at `{path}`: {}", error.into_inner())
            })
        }
        // The value decoded, so what failed is what follows it.
        Ok(_) => deserializer.end().err().map(|error| error.to_string()),
    }
}

fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    // `konnect_sdk::models::Foo` reads better as `models::Foo`; generics keep their full path.
    if full.contains('<') {
        full
    } else {
        full.rfind("::")
            .and_then(|i| full[..i].rfind("::").map(|j| &full[j + 2..]))
            .unwrap_or(full)
    }
}

/// The most of a body parsed as JSON to redact it; longer bodies are redacted as text.
const MAX_PARSED: usize = 1024 * 1024;
/// What replaces a sensitive value.
const REDACTED: &str = "[redacted]";

/// The start of a body for messages, at most [`MAX_SNIPPET`] bytes (cut on a character
/// boundary, `…` marking the cut). Values under sensitive keys are redacted: through a JSON
/// parse when the body is JSON, else by a lexical scan of `"key": value` pairs, so a truncated
/// or malformed body does not leak them either.
pub(crate) fn snippet(body: &[u8], sensitive: &[&str]) -> String {
    let parsed = if body.len() <= MAX_PARSED {
        serde_json::from_slice::<serde_json::Value>(body).ok()
    } else {
        None
    };
    let text = match parsed {
        Some(mut value) => {
            redact(&mut value, sensitive);
            value.to_string()
        }
        None => {
            // Enough text for the snippet; a value cut here is redacted to the end.
            let head = &body[..body.len().min(4 * MAX_SNIPPET)];
            redact_text(&String::from_utf8_lossy(head), sensitive)
        }
    };
    truncate(text, MAX_SNIPPET)
}

/// Cuts `text` to at most `max` bytes on a character boundary, ending with `…` when cut.
fn truncate(mut text: String, max: usize) -> String {
    const ELLIPSIS: char = '…';
    if text.len() <= max {
        return text;
    }
    let mut end = max.saturating_sub(ELLIPSIS.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.push(ELLIPSIS);
    text
}

fn is_sensitive(key: &str, sensitive: &[&str]) -> bool {
    sensitive.iter().any(|s| s.eq_ignore_ascii_case(key))
}

fn redact(value: &mut serde_json::Value, sensitive: &[&str]) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if is_sensitive(key, sensitive) {
                    *item = serde_json::Value::String(REDACTED.to_owned());
                } else {
                    redact(item, sensitive);
                }
            }
        }
        serde_json::Value::Array(items) => {
            items.iter_mut().for_each(|item| redact(item, sensitive))
        }
        _ => {}
    }
}

/// The index of the quote closing a JSON string whose content starts at `from`, or the length
/// of `bytes` when the string is not closed.
fn string_end(bytes: &[u8], mut from: usize) -> usize {
    while from < bytes.len() {
        match bytes[from] {
            b'\\' => from += 2,
            b'"' => return from,
            _ => from += 1,
        }
    }
    bytes.len()
}

fn skip_whitespace(bytes: &[u8], mut from: usize) -> usize {
    while from < bytes.len() && bytes[from].is_ascii_whitespace() {
        from += 1;
    }
    from
}

/// Redacts `"key": value` pairs in text that is not (complete) JSON. Cuts happen only at ASCII
/// bytes, so every slice is on a character boundary.
fn redact_text(text: &str, sensitive: &[&str]) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'"' {
            at += 1;
            continue;
        }
        let key_end = string_end(bytes, at + 1);
        if key_end >= bytes.len() {
            break;
        }
        let key = &text[at + 1..key_end];
        let colon = skip_whitespace(bytes, key_end + 1);
        if colon >= bytes.len() || bytes[colon] != b':' || !is_sensitive(key, sensitive) {
            at = key_end + 1;
            continue;
        }
        let start = skip_whitespace(bytes, colon + 1);
        let end = if start < bytes.len() && bytes[start] == b'"' {
            (string_end(bytes, start + 1) + 1).min(bytes.len())
        } else {
            let mut end = start;
            while end < bytes.len() && !matches!(bytes[end], b',' | b'}' | b']' | b'\n') {
                end += 1;
            }
            end
        };
        out.push_str(&text[copied..start]);
        out.push('"');
        out.push_str(REDACTED);
        out.push('"');
        copied = end;
        at = end;
    }
    out.push_str(&text[copied..]);
    out
}

/// Keeps at most [`MAX_KEPT_BODY`] bytes of a body.
pub(crate) fn bounded(body: &Bytes) -> Bytes {
    body.slice(..body.len().min(MAX_KEPT_BODY))
}

/// A documented error response: its typed body and the raw response.
pub struct ApiError<E> {
    pub(crate) operation_id: &'static str,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) snippet: String,
    pub(crate) error: E,
}

impl<E> ApiError<E> {
    /// The typed error, one variant per documented status.
    pub fn error(&self) -> &E {
        &self.error
    }

    /// Takes the typed error.
    pub fn into_error(self) -> E {
        self.error
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers (request ids, rate limits...).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The raw body, at most 64 KiB.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The operation that failed.
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("operation_id", &self.operation_id)
            .field("status", &self.status)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

/// How far an attempt had got when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Phase {
    /// Connecting to the server (DNS, TCP, TLS): nothing was sent.
    Connect,
    /// Sending the request, or waiting for the status and headers of its response.
    Response,
    /// Reading the body of a response whose status and headers arrived.
    Body {
        /// The response's status.
        status: StatusCode,
        /// How many bytes of the body had been read.
        read: u64,
    },
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Phase::Connect => f.write_str("while connecting"),
            Phase::Response => f.write_str("after the request was sent, before any response"),
            Phase::Body { status, read } => write!(
                f,
                "while reading the body of a {status} response, after {read} bytes"
            ),
        }
    }
}

/// Which time limit ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// The call's budget (`timeout`), every attempt and wait included; never retried.
    Call,
    /// Connecting to the server (`connect_timeout`).
    Connect,
    /// One attempt (`attempt_timeout`), with how far it had got.
    Attempt(Phase),
    /// No data arrived for `read_timeout` while a body was read.
    Read(Phase),
}

/// Why a failure is a reply that is not HTTP (garbage, another protocol, a head too large),
/// which would be the same on every attempt; `None` for any other failure.
pub(crate) fn not_http(error: &reqwest::Error) -> Option<&hyper::Error> {
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        if let Some(hyper) = inner.downcast_ref::<hyper::Error>() {
            return hyper.is_parse().then_some(hyper);
        }
        cause = inner.source();
    }
    None
}

/// Everything a call can fail with.
#[non_exhaustive]
pub enum Error<E> {
    /// The API answered with an error status its description documents; the body is typed.
    Api(ApiError<E>),
    /// The API answered with a status its description does not document.
    UnexpectedStatus {
        /// The operation.
        operation_id: &'static str,
        /// The status.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The raw body, at most 64 KiB.
        body: Bytes,
        /// The start of the body, sensitive fields redacted.
        snippet: String,
    },
    /// A documented response whose body does not match its documented type.
    Decode {
        /// The operation.
        operation_id: &'static str,
        /// The status.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// What failed and why.
        source: DecodeError,
    },
    /// A response body longer than the most the client reads into memory
    /// ([`max_body_size`](crate::ClientBuilder::max_body_size)); the rest was not read, and
    /// the connection was dropped.
    BodyTooLarge {
        /// The operation.
        operation_id: &'static str,
        /// The status.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The limit, in bytes.
        limit: usize,
        /// The length the response declared (`Content-Length`), when it declared one.
        length: Option<u64>,
    },
    /// Redirects the [`RedirectPolicy`](crate::RedirectPolicy) follows went round in a loop,
    /// or past its maximum; not retried, since another attempt would do the same.
    Redirect {
        /// The operation.
        operation_id: &'static str,
        /// The status of the redirect that was not followed.
        status: StatusCode,
        /// Its headers.
        headers: HeaderMap,
        /// How many redirects were followed before it.
        followed: u32,
        /// Whether it led back to a request already made (else the maximum was reached).
        looped: bool,
    },
    /// The connection could not be made, or failed before the whole response arrived.
    Transport {
        /// The operation.
        operation_id: &'static str,
        /// How far the attempt had got.
        phase: Phase,
        /// The underlying failure (its URL removed: it may carry an API key).
        source: reqwest::Error,
    },
    /// A time limit ran out: the call's budget, or one attempt's connect, attempt or read
    /// timeout (then after the retries it allows).
    Timeout {
        /// The operation.
        operation_id: &'static str,
        /// The limit that ran out (for a connect timeout, how long connecting took).
        after: Duration,
        /// Which limit, and how far the attempt had got.
        kind: TimeoutKind,
    },
    /// None of the security schemes the operation accepts is configured; nothing was sent.
    MissingCredentials {
        /// The operation.
        operation_id: &'static str,
        /// The schemes it accepts, any one of which would do.
        schemes: Vec<&'static str>,
    },
    /// A credential provider failed, or the credential cannot be sent (a token that is not a
    /// valid header or cookie value, a basic user name with a colon); nothing was sent.
    Credentials {
        /// The operation.
        operation_id: &'static str,
        /// The scheme whose credential failed.
        scheme: &'static str,
        /// Why, never quoting the credential.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The request could not be built (a bad header value, an unusable parameter...).
    InvalidRequest {
        /// The operation.
        operation_id: &'static str,
        /// What is wrong.
        message: String,
    },
}

impl<E: ErrorResponses> Error<E> {
    /// A documented error response of `operation_id` holding `error`, with its documented
    /// status, no headers and no body: what a fake of the API returns in a test.
    ///
    /// ```
    /// # #[derive(Debug, Clone, PartialEq)]
    /// # enum NotFound { NotFound }
    /// # impl sdkgen_runtime::ErrorResponses for NotFound {
    /// #     fn decode(_: u16, _: &[u8]) -> Option<Result<Self, sdkgen_runtime::DecodeError>> { None }
    /// #     fn status(&self) -> u16 { 404 }
    /// # }
    /// let error = sdkgen_runtime::Error::api("get-user", NotFound::NotFound);
    /// assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    /// assert_eq!(error.api_error(), Some(&NotFound::NotFound));
    /// ```
    pub fn api(operation_id: &'static str, error: E) -> Self {
        Error::Api(ApiError {
            operation_id,
            status: StatusCode::from_u16(error.status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers: HeaderMap::new(),
            body: Bytes::new(),
            snippet: String::new(),
            error,
        })
    }
}

impl<E> Error<E> {
    /// The typed error, when the API answered with a documented error status.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Api(api) => Some(&api.error),
            _ => None,
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::UnexpectedStatus { status, .. }
            | Error::Decode { status, .. }
            | Error::BodyTooLarge { status, .. }
            | Error::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The response headers, when a response arrived.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api(api) => Some(&api.headers),
            Error::UnexpectedStatus { headers, .. }
            | Error::Decode { headers, .. }
            | Error::BodyTooLarge { headers, .. }
            | Error::Redirect { headers, .. } => Some(headers),
            _ => None,
        }
    }

    /// The raw response body (at most 64 KiB), when a response with a documented error status
    /// or an undocumented status arrived.
    pub fn body(&self) -> Option<&[u8]> {
        match self {
            Error::Api(api) => Some(&api.body),
            Error::UnexpectedStatus { body, .. } => Some(body),
            _ => None,
        }
    }

    /// Whether the same request might succeed if tried later: transport failures, timeouts,
    /// and statuses 429, 500, 502, 503 and 504. This does not weigh whether repeating the
    /// request is safe (a `POST` may have been applied); the built-in retries do.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { source, .. } => not_http(source).is_none(),
            Error::Timeout { .. } => true,
            Error::Api(_) | Error::UnexpectedStatus { .. } | Error::Decode { .. } => matches!(
                self.status().map(|s| s.as_u16()),
                Some(429 | 500 | 502 | 503 | 504)
            ),
            _ => false,
        }
    }

    /// The operation that failed.
    pub fn operation_id(&self) -> &'static str {
        match self {
            Error::Api(api) => api.operation_id,
            Error::UnexpectedStatus { operation_id, .. }
            | Error::Decode { operation_id, .. }
            | Error::BodyTooLarge { operation_id, .. }
            | Error::Redirect { operation_id, .. }
            | Error::Transport { operation_id, .. }
            | Error::Timeout { operation_id, .. }
            | Error::MissingCredentials { operation_id, .. }
            | Error::Credentials { operation_id, .. }
            | Error::InvalidRequest { operation_id, .. } => operation_id,
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = self.operation_id();
        match self {
            // The body snippet (sensitive fields redacted) rather than the typed error's
            // `Debug`, which would show every field.
            Error::Api(api) => {
                write!(f, "`{op}` failed with {}", api.status)?;
                with_snippet(f, &api.snippet)
            }
            Error::UnexpectedStatus {
                status, snippet, ..
            } => {
                write!(f, "`{op}` returned undocumented status {status}")?;
                with_snippet(f, snippet)
            }
            Error::Decode { status, source, .. } => {
                write!(f, "`{op}` returned {status}, but {source}")
            }
            Error::BodyTooLarge {
                status,
                limit,
                length,
                ..
            } => {
                write!(
                    f,
                    "`{op}`: the body of the {status} response is larger than the {} limit",
                    size(*limit as u64)
                )?;
                match length {
                    Some(length) => write!(f, " (it declared {length} bytes); it was not read")?,
                    None => write!(f, "; reading stopped there")?,
                }
                write!(
                    f,
                    ". Raise the limit with `max_body_size`, or stream a download with `send_streaming`"
                )
            }
            Error::Redirect {
                status,
                followed,
                looped: true,
                ..
            } => write!(
                f,
                "`{op}` was redirected in a loop: after {followed} redirect(s), a {status} led back to a request already made"
            ),
            Error::Redirect {
                status, followed, ..
            } => write!(
                f,
                "`{op}` was redirected more than the redirect policy's {followed} times; the last answer was {status}"
            ),
            Error::Transport { phase, source, .. } => {
                if let Some(reason) = not_http(source) {
                    return write!(
                        f,
                        "`{op}`: the server's reply is not HTTP ({reason}); it is not tried again"
                    );
                }
                match phase {
                    Phase::Connect => write!(f, "`{op}` could not connect to the server")?,
                    phase => write!(f, "`{op}`: the connection failed {phase}")?,
                }
                // reqwest's own message is generic ("error sending request"): its causes say
                // what happened.
                write!(f, ": {source}")?;
                let mut cause = std::error::Error::source(source);
                while let Some(inner) = cause {
                    write!(f, ": {inner}")?;
                    cause = inner.source();
                }
                Ok(())
            }
            Error::Timeout { after, kind, .. } => match kind {
                TimeoutKind::Call => write!(
                    f,
                    "`{op}` timed out after {after:?} (the call's time budget, every attempt and wait included)"
                ),
                TimeoutKind::Connect => write!(
                    f,
                    "`{op}` could not connect to the server within {after:?} (the connect timeout)"
                ),
                TimeoutKind::Attempt(Phase::Body { status, read }) => write!(
                    f,
                    "`{op}` did not get its whole response within {after:?} (the attempt timeout): {status} arrived, {read} bytes of its body were read"
                ),
                TimeoutKind::Attempt(_) => write!(
                    f,
                    "`{op}` got no response within {after:?} (the attempt timeout); the request was sent"
                ),
                TimeoutKind::Read(phase) => write!(
                    f,
                    "`{op}`: no data for {after:?} (the read timeout) {phase}"
                ),
            },
            Error::MissingCredentials { schemes, .. } => write!(
                f,
                "`{op}` needs credentials for one of: {}; none is configured on the client",
                schemes.join(", ")
            ),
            Error::Credentials { scheme, source, .. } => {
                write!(
                    f,
                    "`{op}`: the credential for `{scheme}` cannot be used: {source}"
                )
            }
            Error::InvalidRequest { message, .. } => {
                write!(f, "`{op}`: invalid request: {message}")
            }
        }
    }
}

fn with_snippet(f: &mut fmt::Formatter<'_>, snippet: &str) -> fmt::Result {
    if snippet.is_empty() {
        Ok(())
    } else {
        write!(f, ": {snippet}")
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) => f.debug_tuple("Api").field(api).finish(),
            Error::UnexpectedStatus {
                operation_id,
                status,
                snippet,
                ..
            } => f
                .debug_struct("UnexpectedStatus")
                .field("operation_id", operation_id)
                .field("status", status)
                .field("body", snippet)
                .finish_non_exhaustive(),
            Error::Decode {
                operation_id,
                status,
                source,
                ..
            } => f
                .debug_struct("Decode")
                .field("operation_id", operation_id)
                .field("status", status)
                .field("source", source)
                .finish_non_exhaustive(),
            Error::BodyTooLarge {
                operation_id,
                status,
                limit,
                length,
                ..
            } => f
                .debug_struct("BodyTooLarge")
                .field("operation_id", operation_id)
                .field("status", status)
                .field("limit", limit)
                .field("length", length)
                .finish_non_exhaustive(),
            Error::Redirect {
                operation_id,
                status,
                followed,
                looped,
                ..
            } => f
                .debug_struct("Redirect")
                .field("operation_id", operation_id)
                .field("status", status)
                .field("followed", followed)
                .field("looped", looped)
                .finish_non_exhaustive(),
            Error::Transport {
                operation_id,
                phase,
                source,
            } => f
                .debug_struct("Transport")
                .field("operation_id", operation_id)
                .field("phase", phase)
                .field("source", source)
                .finish(),
            Error::Timeout {
                operation_id,
                after,
                kind,
            } => f
                .debug_struct("Timeout")
                .field("operation_id", operation_id)
                .field("after", after)
                .field("kind", kind)
                .finish(),
            Error::MissingCredentials {
                operation_id,
                schemes,
            } => f
                .debug_struct("MissingCredentials")
                .field("operation_id", operation_id)
                .field("schemes", schemes)
                .finish(),
            Error::Credentials {
                operation_id,
                scheme,
                source,
            } => f
                .debug_struct("Credentials")
                .field("operation_id", operation_id)
                .field("scheme", scheme)
                .field("source", source)
                .finish(),
            Error::InvalidRequest {
                operation_id,
                message,
            } => f
                .debug_struct("InvalidRequest")
                .field("operation_id", operation_id)
                .field("message", message)
                .finish(),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } => Some(source),
            Error::Transport { source, .. } => Some(source),
            Error::Credentials { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Token {
        id: u32,
        secret: String,
    }

    #[test]
    fn an_empty_body_decodes_as_null_where_null_is_allowed() {
        assert_eq!(
            decode_json::<serde_json::Value>(b"").ok(),
            Some(serde_json::Value::Null)
        );
        assert_eq!(decode_json::<Option<u8>>(b" \n").ok(), Some(None));
        assert!(decode_json::<u8>(b"").is_err());
    }

    #[test]
    fn decode_errors_name_the_type_the_path_and_redact() {
        let body = br#"{"id": "seven", "secret": "hunter2"}"#;
        let error = decode_json::<Token>(body)
            .unwrap_err()
            .with_snippet(body, &["secret"]);
        let message = error.to_string();
        assert!(message.contains("Token"), "{message}");
        assert!(message.contains("at `id`"), "{message}");
        assert!(message.contains("[redacted]"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn snippets_are_bounded_on_char_boundaries() {
        for prefix in ["", "a", "ab"] {
            let body = format!("{prefix}{}", "é".repeat(1000));
            let text = snippet(body.as_bytes(), &[]);
            assert!(text.len() <= MAX_SNIPPET, "{}", text.len());
            assert!(text.len() > MAX_SNIPPET - 8, "{}", text.len());
            assert!(text.ends_with('…'));
        }
        assert_eq!(snippet(b"short", &[]), "short");
        assert_eq!(snippet(b"", &[]), "");
        let invalid_utf8 = [0xff_u8; 2000];
        assert!(snippet(&invalid_utf8, &[]).len() <= MAX_SNIPPET);
    }

    #[test]
    fn json_snippets_redact_sensitive_values_at_any_depth() {
        let body = br#"{"data":[{"token":"s3cret","name":"n","Code":{"x":1}}],"key":7}"#;
        let text = snippet(body, &["token", "code", "key"]);
        assert!(!text.contains("s3cret") && !text.contains('7'), "{text}");
        assert!(text.contains(r#""name":"n""#), "{text}");
        assert_eq!(text.matches("[redacted]").count(), 3, "{text}");
    }

    #[test]
    fn malformed_and_truncated_bodies_are_redacted_as_text() {
        let sensitive = ["token", "code"];
        let cases = [
            (
                r#"{"token": "s3cret", "name": "#,
                r#"{"token": "[redacted]", "name": "#,
            ),
            (
                r#"{"a":1,"token" :"s3cr\"et","b":2"#,
                r#"{"a":1,"token" :"[redacted]","b":2"#,
            ),
            (
                r#"{"code": 12345, "x": "#,
                r#"{"code": "[redacted]", "x": "#,
            ),
            (r#"{"token": "s3cr"#, r#"{"token": "[redacted]""#),
            (r#"oops "token": "#, r#"oops "token": "[redacted]""#),
            (r#"{"name": "token", "v": "#, r#"{"name": "token", "v": "#),
            (r#"{"é": "ü", "tok"#, r#"{"é": "ü", "tok"#),
        ];
        for (body, expected) in cases {
            assert_eq!(snippet(body.as_bytes(), &sensitive), expected, "{body}");
        }
        let long = format!(r#"{{"pad":"{}","token":"s3cret""#, "x".repeat(600));
        assert!(!snippet(long.as_bytes(), &sensitive).contains("s3cret"));
    }

    #[test]
    fn decode_errors_at_the_root_have_no_path() {
        let error = decode_json::<Token>(br#""text""#).unwrap_err();
        assert!(!error.reason().contains("at `"), "{}", error.reason());
        assert!(
            error.type_name().ends_with("Token"),
            "{}",
            error.type_name()
        );
        assert!(decode_json::<Token>(b"").is_err());
        assert!(decode_json::<Token>(br#"{"id":1,"secret":"s"} trailing"#).is_err());
    }

    #[test]
    fn short_type_names_keep_the_module() {
        assert_eq!(short_type_name::<Token>(), "tests::Token");
        assert_eq!(short_type_name::<u32>(), "u32");
        assert!(short_type_name::<Vec<Token>>().contains("Vec<"));
    }

    #[derive(Debug)]
    struct Documented;

    fn unexpected(status: u16, body: &'static [u8]) -> Error<Documented> {
        Error::UnexpectedStatus {
            operation_id: "op",
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: Bytes::from_static(body),
            snippet: snippet(body, &["token"]),
        }
    }

    #[test]
    fn messages_and_helpers() {
        let error = unexpected(418, b"");
        assert_eq!(
            error.to_string(),
            "`op` returned undocumented status 418 I'm a teapot"
        );
        assert!(!error.is_retryable());
        assert_eq!(error.body(), Some(&b""[..]));
        let error = unexpected(503, br#"{"token":"t0k"}"#);
        assert_eq!(
            error.to_string(),
            r#"`op` returned undocumented status 503 Service Unavailable: {"token":"[redacted]"}"#
        );
        assert!(error.is_retryable());
        assert_eq!(error.operation_id(), "op");
        assert!(error.api_error().is_none());
        let api: Error<Documented> = Error::Api(ApiError {
            operation_id: "op",
            status: StatusCode::NOT_FOUND,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            snippet: String::new(),
            error: Documented,
        });
        assert_eq!(api.to_string(), "`op` failed with 404 Not Found");
        assert!(api.api_error().is_some());
        let missing: Error<Documented> = Error::MissingCredentials {
            operation_id: "op",
            schemes: vec!["a", "b"],
        };
        assert!(missing.to_string().contains("one of: a, b"));
        assert!(missing.status().is_none() && missing.headers().is_none());
        assert!(!missing.is_retryable());
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size(64 * 1024 * 1024), "64 MiB");
        assert_eq!(size(64 * 1024), "64 KiB");
        assert_eq!(size(1000), "1000 bytes");
        assert_eq!(size(0), "0 bytes");
        let cut = DecodeError::cut_off::<Token>(64 * 1024);
        assert_eq!(cut.type_name(), "tests::Token");
        assert_eq!(
            cut.reason(),
            "the body is longer than the 64 KiB an error response is read to; the rest was not read"
        );
    }

    #[test]
    fn kept_bodies_are_bounded() {
        let body = Bytes::from(vec![b'x'; MAX_KEPT_BODY + 10]);
        assert_eq!(bounded(&body).len(), MAX_KEPT_BODY);
        assert_eq!(bounded(&Bytes::from_static(b"ab")).len(), 2);
    }
}
