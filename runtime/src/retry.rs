//! When and how long to wait before trying a call again.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

use crate::error::{not_http, Error, Phase, TimeoutKind};

/// Retries with jittered exponential backoff.
///
/// The wait before retry `n` is `initial_interval × multiplier^(n-1)`, capped at
/// `max_interval`, then multiplied by a random factor in `[0.5, 1.5]` (and capped again). A
/// `Retry-After` header replaces the computed wait, capped at `max_interval`. No retry starts
/// once `max_elapsed` has passed since the first attempt.
///
/// Defaults: 3 attempts, 500 ms initial interval, 60 s maximum interval, multiplier 1.5,
/// 5 minutes maximum elapsed time.
///
/// What is retried: a connection that could not be made (refused, or past the connect
/// timeout), for every method; a connection that failed after the request was sent, before or
/// while the body was read, and an attempt that ran out of time, for idempotent methods (GET,
/// HEAD, PUT, DELETE, OPTIONS, TRACE); and 429, 502, 503, 504 responses, plus 500 for
/// idempotent methods. POST and PATCH are retried only when the request certainly did not
/// reach the server or the server asked for a retry (429 or 503 with `Retry-After`), so a
/// create is never sent twice by accident. Never retried: a reply that is not HTTP, a body over
/// the size limit, a success that does not decode, a redirect loop, the call's budget spent.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_interval: Duration,
    max_interval: Duration,
    multiplier: f64,
    max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(60),
            multiplier: 1.5,
            max_elapsed: Duration::from_secs(300),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Total attempts, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry.
    pub fn initial_interval(mut self, interval: Duration) -> Self {
        self.initial_interval = interval;
        self
    }

    /// The longest single wait, also the cap on `Retry-After`.
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// How much each wait grows over the previous one (at least 1).
    pub fn multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = if multiplier.is_finite() {
            multiplier.max(1.0)
        } else {
            1.0
        };
        self
    }

    /// No retry starts after this much time since the first attempt.
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// Whether another attempt may follow attempt number `attempt` (1-based).
    pub(crate) fn allows_retry(&self, attempt: u32, elapsed: Duration) -> bool {
        attempt < self.max_attempts && elapsed < self.max_elapsed
    }

    /// The wait before retry number `retry` (1-based), without jitter.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exponent = i32::try_from(retry.saturating_sub(1)).unwrap_or(i32::MAX);
        let seconds = self.initial_interval.as_secs_f64() * self.multiplier.powi(exponent);
        duration_capped(seconds, self.max_interval)
    }

    /// The backoff with jitter in `[0.5, 1.5]`, capped at the maximum interval.
    pub(crate) fn jittered(&self, retry: u32) -> Duration {
        let base = self.backoff(retry).as_secs_f64();
        duration_capped(base * (0.5 + fastrand::f64()), self.max_interval)
    }

    /// The wait a `Retry-After` header asks for, capped at the maximum interval.
    pub(crate) fn retry_after(&self, headers: &HeaderMap) -> Option<Duration> {
        parse_retry_after(headers, SystemTime::now()).map(|d| d.min(self.max_interval))
    }
}

fn duration_capped(seconds: f64, cap: Duration) -> Duration {
    match Duration::try_from_secs_f64(seconds) {
        Ok(duration) => duration.min(cap),
        // Beyond `Duration::MAX`; negative or NaN (a zero interval times an infinite growth)
        // waits nothing.
        Err(_) if seconds > 0.0 => cap,
        Err(_) => Duration::ZERO,
    }
}

/// `Retry-After` as seconds or an HTTP date.
pub(crate) fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Whether repeating the method cannot change the outcome.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

/// Whether a failed attempt of a `method` request is worth another. A connection that could
/// not be made never reached the server: any method is tried again. A connection that failed
/// later, or an attempt that ran out of time, may have been applied: only a method that can be
/// repeated is. A response is judged by its status (a success that did not decode is never
/// retried). Everything else would fail the same way again: a reply that is not HTTP, a body
/// over the limit, a redirect loop, the call's budget spent.
pub(crate) fn worth_retrying<E>(error: &Error<E>, method: &Method) -> bool {
    match error {
        Error::Transport {
            phase: Phase::Connect,
            ..
        }
        | Error::Timeout {
            kind: TimeoutKind::Connect,
            ..
        } => true,
        Error::Transport { source, .. } if not_http(source).is_some() => false,
        Error::Transport { .. }
        | Error::Timeout {
            kind: TimeoutKind::Attempt(_) | TimeoutKind::Read(_),
            ..
        } => is_idempotent(method),
        Error::Api(_) | Error::UnexpectedStatus { .. } | Error::Decode { .. } => {
            match (error.status(), error.headers()) {
                (Some(status), Some(headers)) => retryable_status(method, status, headers),
                _ => false,
            }
        }
        _ => false,
    }
}

/// Whether a response status is worth another attempt for this method.
pub(crate) fn retryable_status(method: &Method, status: StatusCode, headers: &HeaderMap) -> bool {
    let status = status.as_u16();
    if is_idempotent(method) {
        matches!(status, 429 | 500 | 502 | 503 | 504)
    } else {
        matches!(status, 429 | 503) && headers.contains_key(RETRY_AFTER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        let policy = RetryPolicy::default()
            .initial_interval(Duration::from_millis(100))
            .multiplier(2.0)
            .max_interval(Duration::from_millis(500));
        assert_eq!(policy.backoff(1), Duration::from_millis(100));
        assert_eq!(policy.backoff(2), Duration::from_millis(200));
        assert_eq!(policy.backoff(3), Duration::from_millis(400));
        assert_eq!(policy.backoff(4), Duration::from_millis(500));
        assert_eq!(policy.backoff(u32::MAX), Duration::from_millis(500));
        for retry in 1..10 {
            let wait = policy.jittered(retry);
            assert!(
                wait >= policy.backoff(retry) / 2 && wait <= Duration::from_millis(500),
                "{wait:?}"
            );
        }
    }

    #[test]
    fn attempts_and_elapsed_bound_retries() {
        let policy = RetryPolicy::default();
        assert!(policy.allows_retry(1, Duration::ZERO));
        assert!(policy.allows_retry(2, Duration::ZERO));
        assert!(!policy.allows_retry(3, Duration::ZERO));
        assert!(!policy.allows_retry(1, Duration::from_secs(301)));
        assert!(!RetryPolicy::disabled().allows_retry(1, Duration::ZERO));
    }

    #[test]
    fn retry_after_in_both_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(
            parse_retry_after(&headers, now),
            Some(Duration::from_secs(7))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        headers.insert(RETRY_AFTER, later.parse().unwrap());
        assert_eq!(
            parse_retry_after(&headers, now),
            Some(Duration::from_secs(30))
        );
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(parse_retry_after(&headers, now), None);
        headers.insert(RETRY_AFTER, "999999".parse().unwrap());
        let policy = RetryPolicy::default().max_interval(Duration::from_secs(2));
        assert_eq!(policy.retry_after(&headers), Some(Duration::from_secs(2)));
    }

    #[test]
    fn creates_are_retried_only_when_the_server_asks() {
        let mut with_retry_after = HeaderMap::new();
        with_retry_after.insert(RETRY_AFTER, "1".parse().unwrap());
        let none = HeaderMap::new();
        let status = |s| StatusCode::from_u16(s).unwrap();
        assert!(retryable_status(&Method::GET, status(500), &none));
        assert!(retryable_status(&Method::DELETE, status(503), &none));
        assert!(!retryable_status(&Method::GET, status(404), &none));
        assert!(!retryable_status(
            &Method::POST,
            status(500),
            &with_retry_after
        ));
        assert!(!retryable_status(&Method::POST, status(503), &none));
        assert!(retryable_status(
            &Method::POST,
            status(503),
            &with_retry_after
        ));
        assert!(retryable_status(
            &Method::PATCH,
            status(429),
            &with_retry_after
        ));
        assert!(!retryable_status(
            &Method::PATCH,
            status(502),
            &with_retry_after
        ));
    }

    #[test]
    fn failures_are_retried_by_what_happened() {
        let timeout = |kind| Error::<()>::Timeout {
            operation_id: "op",
            after: Duration::ZERO,
            kind,
        };
        let body = Phase::Body {
            status: StatusCode::OK,
            read: 10,
        };
        // Nothing was sent: any method.
        assert!(worth_retrying(
            &timeout(TimeoutKind::Connect),
            &Method::POST
        ));
        // Sent: only what can be repeated.
        for kind in [
            TimeoutKind::Attempt(Phase::Response),
            TimeoutKind::Attempt(body),
            TimeoutKind::Read(body),
        ] {
            assert!(worth_retrying(&timeout(kind), &Method::GET), "{kind:?}");
            assert!(!worth_retrying(&timeout(kind), &Method::POST), "{kind:?}");
        }
        assert!(!worth_retrying(&timeout(TimeoutKind::Call), &Method::GET));
        let status = |code| StatusCode::from_u16(code).unwrap();
        let too_large = Error::<()>::BodyTooLarge {
            operation_id: "op",
            status: status(200),
            headers: HeaderMap::new(),
            limit: 1,
            length: None,
        };
        let looped = Error::<()>::Redirect {
            operation_id: "op",
            status: status(302),
            headers: HeaderMap::new(),
            followed: 1,
            looped: true,
        };
        let unexpected = |code| Error::<()>::UnexpectedStatus {
            operation_id: "op",
            status: status(code),
            headers: HeaderMap::new(),
            body: bytes::Bytes::new(),
            snippet: String::new(),
        };
        assert!(!worth_retrying(&too_large, &Method::GET));
        assert!(!worth_retrying(&looped, &Method::GET));
        assert!(worth_retrying(&unexpected(503), &Method::GET));
        assert!(!worth_retrying(&unexpected(500), &Method::POST));
        assert!(!worth_retrying(&unexpected(404), &Method::GET));
    }

    #[test]
    fn jitter_stays_within_half_to_one_and_a_half_times_the_interval() {
        let policy = RetryPolicy::default()
            .initial_interval(Duration::from_millis(100))
            .multiplier(1.5)
            .max_interval(Duration::from_secs(60));
        let (mut low, mut high) = (Duration::MAX, Duration::ZERO);
        for _ in 0..2000 {
            let wait = policy.jittered(1);
            assert!(wait >= Duration::from_millis(50), "{wait:?}");
            assert!(wait <= Duration::from_millis(150), "{wait:?}");
            low = low.min(wait);
            high = high.max(wait);
        }
        // The whole range is used, not just one value.
        assert!(low < Duration::from_millis(60) && high > Duration::from_millis(140));
        assert_eq!(policy.backoff(2), Duration::from_millis(150));
    }

    #[test]
    fn odd_settings_stay_sane() {
        let policy = RetryPolicy::default()
            .multiplier(f64::NAN)
            .max_attempts(0)
            .initial_interval(Duration::from_secs(10))
            .max_interval(Duration::from_secs(1));
        assert_eq!(policy.backoff(3), Duration::from_secs(1));
        assert!(!policy.allows_retry(1, Duration::ZERO));
        let huge = RetryPolicy::default().multiplier(f64::INFINITY);
        assert_eq!(huge.backoff(5), Duration::from_millis(500));
        let growing = RetryPolicy::default().multiplier(1e300);
        assert_eq!(growing.backoff(40), Duration::from_secs(60));
        let unbounded = growing.clone().max_interval(Duration::MAX);
        assert_eq!(unbounded.backoff(40), Duration::MAX);
        assert!(unbounded.jittered(40) > Duration::from_secs(1 << 40));
        let zero = growing.initial_interval(Duration::ZERO);
        assert_eq!(zero.backoff(40), Duration::ZERO);
        assert_eq!(zero.jittered(40), Duration::ZERO);
    }

    #[test]
    fn retry_after_in_the_past_or_padded() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut headers = HeaderMap::new();
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        headers.insert(RETRY_AFTER, earlier.parse().unwrap());
        assert_eq!(parse_retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, " 3 ".parse().unwrap());
        assert_eq!(
            parse_retry_after(&headers, now),
            Some(Duration::from_secs(3))
        );
        headers.insert(RETRY_AFTER, "-3".parse().unwrap());
        assert_eq!(parse_retry_after(&headers, now), None);
        assert_eq!(parse_retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn idempotent_methods() {
        for method in [
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ] {
            assert!(is_idempotent(&method), "{method}");
        }
        assert!(!is_idempotent(&Method::POST));
        assert!(!is_idempotent(&Method::PATCH));
    }
}
