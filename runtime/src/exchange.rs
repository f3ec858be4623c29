//! One exchange with the server: a request sent and its response read, each step within the
//! attempt's time limits, and what went wrong said with how far it got.

use std::future::Future;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::time::Instant;

use crate::error::{Error, Phase, TimeoutKind};

/// The time limits of one attempt.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// When the attempt must be over, and the timeout that set it.
    attempt: Option<(Instant, Duration)>,
    /// How long a body may stall.
    read: Option<Duration>,
}

impl Limits {
    /// Limits for an attempt starting now. A timeout too large to represent never runs out.
    pub(crate) fn new(attempt: Option<Duration>, read: Option<Duration>) -> Self {
        Limits {
            attempt: attempt.and_then(|t| Some((Instant::now().checked_add(t)?, t))),
            read,
        }
    }

    /// The limits left for reading a streamed body: the attempt is over, stalls still count.
    pub(crate) fn stalls_only(self) -> Self {
        Limits {
            attempt: None,
            ..self
        }
    }
}

/// Why an exchange failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The connection failed or broke.
    Transport {
        phase: Phase,
        source: reqwest::Error,
    },
    /// A time limit ran out.
    Timeout { kind: TimeoutKind, after: Duration },
}

impl Failure {
    /// The call's error for this failure.
    pub(crate) fn into_error<E>(self, operation_id: &'static str) -> Error<E> {
        match self {
            Failure::Transport { phase, source } => Error::Transport {
                operation_id,
                phase,
                source,
            },
            Failure::Timeout { kind, after } => Error::Timeout {
                operation_id,
                after,
                kind,
            },
        }
    }
}

/// `future`'s output, or `None` when `deadline` passes first.
async fn before<F: Future>(deadline: Option<Instant>, future: F) -> Option<F::Output> {
    match deadline {
        Some(deadline) => tokio::time::timeout_at(deadline, future).await.ok(),
        None => Some(future.await),
    }
}

/// Sends `request` and waits for its response's status and headers.
pub(crate) async fn send(
    http: &reqwest::Client,
    request: reqwest::Request,
    limits: Limits,
) -> Result<reqwest::Response, Failure> {
    let started = Instant::now();
    match before(limits.attempt.map(|(at, _)| at), http.execute(request)).await {
        Some(Ok(response)) => Ok(response),
        Some(Err(error)) => Err(failed(error, Phase::Response, started)),
        None => Err(Failure::Timeout {
            kind: TimeoutKind::Attempt(Phase::Response),
            after: limits
                .attempt
                .map_or(Duration::ZERO, |(_, timeout)| timeout),
        }),
    }
}

/// A failure reported by the HTTP client: a connection that could not be made is told apart
/// from one that failed later, and timeouts (the connect timeout, or one the caller's own
/// HTTP client set) from other failures. The error loses its URL: it may carry an API key.
fn failed(error: reqwest::Error, phase: Phase, started: Instant) -> Failure {
    let error = error.without_url();
    let phase = if error.is_connect() {
        Phase::Connect
    } else {
        phase
    };
    if !error.is_timeout() {
        return Failure::Transport {
            phase,
            source: error,
        };
    }
    let kind = match phase {
        Phase::Connect => TimeoutKind::Connect,
        phase => TimeoutKind::Attempt(phase),
    };
    Failure::Timeout {
        kind,
        after: started.elapsed(),
    }
}

/// The next chunk of `response`'s body, of which `read` bytes were read, before the attempt's
/// deadline and the read timeout; `None` at its end.
pub(crate) async fn chunk(
    response: &mut reqwest::Response,
    read: u64,
    limits: Limits,
) -> Result<Option<Bytes>, Failure> {
    let phase = Phase::Body {
        status: response.status(),
        read,
    };
    let started = Instant::now();
    let stall = limits
        .read
        .and_then(|t| Some((started.checked_add(t)?, TimeoutKind::Read(phase), t)));
    let attempt = limits
        .attempt
        .map(|(at, t)| (at, TimeoutKind::Attempt(phase), t));
    // Whichever limit comes first is the one that can run out.
    let limit = match (attempt, stall) {
        (Some(a), Some(s)) => Some(if a.0 <= s.0 { a } else { s }),
        (a, s) => a.or(s),
    };
    match before(limit.map(|(at, _, _)| at), response.chunk()).await {
        Some(Ok(chunk)) => Ok(chunk),
        Some(Err(error)) => Err(failed(error, phase, started)),
        None => {
            let (_, kind, after) = limit.expect("only a limit runs out");
            Err(Failure::Timeout { kind, after })
        }
    }
}

/// How much of a body is read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cap {
    /// At most this many bytes, or none: a longer body is refused, up front when its
    /// `Content-Length` says so.
    Refuse(usize),
    /// At most this many bytes; the rest is left unread (the connection is then dropped).
    Truncate(usize),
}

/// A body as far as it was read.
#[derive(Debug)]
pub(crate) enum Body {
    /// All of it.
    Whole(Bytes),
    /// Its first bytes, up to the cap; more followed.
    Truncated(Bytes),
    /// Longer than the cap: its declared length, when it had one.
    TooLarge { length: Option<u64> },
}

/// Reads the rest of `response`'s body, as far as `cap` allows. A body in one chunk is kept as
/// it came, without a copy; a longer one is gathered in a buffer sized from its
/// `Content-Length` (never trusted beyond the cap and a few megabytes).
pub(crate) async fn read_body(
    response: &mut reqwest::Response,
    limits: Limits,
    cap: Cap,
) -> Result<Body, Failure> {
    let (Cap::Refuse(max) | Cap::Truncate(max)) = cap;
    let declared = response.content_length();
    if matches!(cap, Cap::Refuse(_)) && declared.is_some_and(|length| length > max as u64) {
        return Ok(Body::TooLarge { length: declared });
    }
    let mut read: u64 = 0;
    let mut first: Option<Bytes> = None;
    let mut gathered: Option<BytesMut> = None;
    while let Some(next) = chunk(response, read, limits).await? {
        read += next.len() as u64;
        let mut next = next;
        if read > max as u64 {
            match cap {
                Cap::Refuse(_) => return Ok(Body::TooLarge { length: declared }),
                Cap::Truncate(_) => {
                    // Keep what fits under the cap: the body so far plus part of this chunk.
                    let over = (read - max as u64) as usize;
                    next.truncate(next.len() - over);
                }
            }
        }
        match (&mut first, &mut gathered) {
            (None, _) => first = Some(next),
            (Some(head), None) => {
                let expected = declared
                    .and_then(|length| usize::try_from(length).ok())
                    .unwrap_or(0)
                    .min(max)
                    .min(MAX_PREALLOCATED);
                let mut buffer = BytesMut::with_capacity(expected.max(head.len() + next.len()));
                buffer.extend_from_slice(head);
                buffer.extend_from_slice(&next);
                gathered = Some(buffer);
            }
            (Some(_), Some(buffer)) => buffer.extend_from_slice(&next),
        }
        if read > max as u64 {
            let kept = gathered.map_or_else(|| first.unwrap_or_default(), BytesMut::freeze);
            return Ok(Body::Truncated(kept));
        }
    }
    Ok(Body::Whole(gathered.map_or_else(
        || first.unwrap_or_default(),
        BytesMut::freeze,
    )))
}

/// The most a declared length reserves up front; a body beyond it grows as it arrives.
const MAX_PREALLOCATED: usize = 8 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_too_large_to_represent_never_runs_out() {
        let limits = Limits::new(Some(Duration::MAX), Some(Duration::MAX));
        assert!(limits.attempt.is_none());
        let limits = Limits::new(Some(Duration::from_secs(60)), None);
        let (at, timeout) = limits.attempt.unwrap();
        assert_eq!(timeout, Duration::from_secs(60));
        assert!(at > Instant::now());
        assert!(limits.stalls_only().attempt.is_none());
    }

    #[test]
    fn failures_become_the_calls_errors() {
        let error: Error<()> = Failure::Timeout {
            kind: TimeoutKind::Read(Phase::Body {
                status: reqwest::StatusCode::OK,
                read: 3,
            }),
            after: Duration::from_secs(30),
        }
        .into_error("op");
        assert_eq!(
            error.to_string(),
            "`op`: no data for 30s (the read timeout) while reading the body of a 200 OK response, after 3 bytes"
        );
        assert!(error.is_retryable());
    }
}
