//! Redirects: which ones a call follows, and what the request keeps on the way.

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, LOCATION, USER_AGENT};
use reqwest::{Method, StatusCode, Url};

/// Which redirects (301, 302, 303, 307, 308 with a `Location`) the client follows.
///
/// By default none: a redirect is the answer the caller gets, typed when the API documents it
/// (a `3XX` pointing at a download, say), as the server sent it. When following:
///
/// - Only to the same origin (scheme, host and port) as the call, unless
///   [`other_origins`](Self::other_origins) allows others. Credentials (every scheme's,
///   cookies included), the call's own headers and its body go only to the call's origin: a
///   request to another origin carries the user agent and `Accept` alone.
/// - A body is resent only by 307 and 308 (and 301, 302 of a method other than POST), to the
///   same origin, and never when it was a stream already read. 303, and 301 or 302 of a POST,
///   become a GET without a body. A redirect that would resend a body elsewhere is not
///   followed.
/// - Never from `https` to `http`.
/// - A redirect not followed is the call's answer, like any response. A loop (a URL requested
///   twice with the same method), or more redirects than the policy's maximum (10 by
///   default), fails the call with [`Error::Redirect`](crate::Error::Redirect), which is not
///   retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectPolicy {
    max_redirects: u32,
    other_origins: bool,
}

impl Default for RedirectPolicy {
    fn default() -> Self {
        Self::none()
    }
}

impl RedirectPolicy {
    /// Follows no redirect: the default.
    pub fn none() -> Self {
        RedirectPolicy {
            max_redirects: 0,
            other_origins: false,
        }
    }

    /// Follows up to 10 redirects to the call's origin.
    pub fn follow() -> Self {
        RedirectPolicy {
            max_redirects: 10,
            other_origins: false,
        }
    }

    /// The most redirects one attempt follows (0 follows none).
    pub fn max_redirects(mut self, redirects: u32) -> Self {
        self.max_redirects = redirects;
        self
    }

    /// Whether redirects to other origins are followed too (without credentials, the call's
    /// headers or a body).
    pub fn other_origins(mut self, allowed: bool) -> Self {
        self.other_origins = allowed;
        self
    }

    /// Whether any redirect is followed.
    pub(crate) fn follows(&self) -> bool {
        self.max_redirects > 0
    }
}

/// The next request of a redirect that is followed.
#[derive(Debug)]
pub(crate) struct Hop {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
    /// Whether the call's body goes with it.
    pub(crate) body: bool,
    /// Whether the call's credentials and cookies go with it (the call's origin only).
    pub(crate) credentials: bool,
}

/// Why following stopped with an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The redirect leads to a request already made.
    Loop,
    /// The policy's maximum was reached.
    TooMany,
}

/// The redirects of one attempt so far.
pub(crate) struct Chain {
    /// The call's own URL, whose origin credentials belong to.
    origin: Url,
    /// The request made last.
    method: Method,
    url: Url,
    /// Every request made, to tell a loop.
    visited: Vec<(Method, Url)>,
    /// The headers every hop to the call's origin sends (credentials are added per hop).
    headers: HeaderMap,
}

impl Chain {
    /// A chain starting at the call's request.
    pub(crate) fn new(method: &Method, url: &Url, headers: HeaderMap) -> Self {
        Chain {
            origin: url.clone(),
            method: method.clone(),
            url: url.clone(),
            visited: vec![(method.clone(), url.clone())],
            headers,
        }
    }

    /// How many redirects were followed.
    pub(crate) fn followed(&self) -> u32 {
        (self.visited.len() - 1) as u32
    }

    /// The request that follows a `status` response with `headers`: `Ok(None)` when it is
    /// not followed (the response is then the answer), an error for a loop or one redirect
    /// too many. `body` says whether the call has a body, `replayable` whether it can be
    /// sent again.
    pub(crate) fn next(
        &mut self,
        policy: &RedirectPolicy,
        status: StatusCode,
        headers: &HeaderMap,
        body: bool,
        replayable: bool,
    ) -> Result<Option<Hop>, Stop> {
        if !policy.follows() {
            return Ok(None);
        }
        let hop = match rules(
            policy,
            status,
            headers.get(LOCATION),
            self,
            body,
            replayable,
        ) {
            Ok(hop) => hop,
            Err(why) => {
                tracing::debug!(status = status.as_u16(), why, "redirect not followed");
                return Ok(None);
            }
        };
        if self
            .visited
            .iter()
            .any(|(method, url)| *method == hop.method && *url == hop.url)
        {
            return Err(Stop::Loop);
        }
        if self.followed() >= policy.max_redirects {
            return Err(Stop::TooMany);
        }
        tracing::debug!(status = status.as_u16(), "following a redirect");
        self.method = hop.method.clone();
        self.url = hop.url.clone();
        self.visited.push((hop.method.clone(), hop.url.clone()));
        Ok(Some(hop))
    }
}

/// Where a redirect leads and what goes there, or why it is not followed.
fn rules(
    policy: &RedirectPolicy,
    status: StatusCode,
    location: Option<&HeaderValue>,
    chain: &Chain,
    body: bool,
    replayable: bool,
) -> Result<Hop, &'static str> {
    let current = &chain.method;
    // RFC 9110 §15.4: 303 always, and 301 and 302 of a POST as every user agent does, turn
    // into a GET (a HEAD stays one); 307 and 308 repeat the request as it was.
    let keeps_method = match status.as_u16() {
        301 | 302 => *current != Method::POST,
        303 => false,
        307 | 308 => true,
        _ => return Err("not a redirect status"),
    };
    let location = location
        .and_then(|value| value.to_str().ok())
        .ok_or("no usable Location header")?;
    let mut url = chain
        .url
        .join(location)
        .map_err(|_| "the Location is not a URL")?;
    url.set_fragment(None);
    if !matches!(url.scheme(), "http" | "https") {
        return Err("the Location is not an http(s) URL");
    }
    if chain.url.scheme() == "https" && url.scheme() == "http" {
        return Err("it would go from https to http");
    }
    let method = if keeps_method || *current == Method::HEAD {
        current.clone()
    } else {
        Method::GET
    };
    let body = body && keeps_method;
    let same_origin = url.origin() == chain.origin.origin();
    if !same_origin {
        if !policy.other_origins {
            return Err("it leads to another origin");
        }
        if body {
            return Err("it would resend the body to another origin");
        }
    }
    if body && !replayable {
        return Err("the body was a stream, which is read once");
    }
    let headers = if same_origin {
        let mut headers = chain.headers.clone();
        if !body {
            headers.remove(CONTENT_TYPE);
        }
        headers
    } else {
        let mut headers = HeaderMap::new();
        for name in [USER_AGENT, ACCEPT] {
            if let Some(value) = chain.headers.get(&name) {
                headers.insert(name, value.clone());
            }
        }
        headers
    };
    Ok(Hop {
        method,
        url,
        headers,
        body,
        credentials: same_origin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(method: Method, url: &str) -> Chain {
        let mut headers = HeaderMap::new();
        headers.insert(USER_AGENT, HeaderValue::from_static("sdk/1"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert("x-caller", HeaderValue::from_static("secret"));
        Chain::new(&method, &Url::parse(url).unwrap(), headers)
    }

    fn answer(status: u16, location: &str) -> (StatusCode, HeaderMap) {
        let mut headers = HeaderMap::new();
        headers.insert(LOCATION, HeaderValue::from_str(location).unwrap());
        (StatusCode::from_u16(status).unwrap(), headers)
    }

    fn next(
        chain: &mut Chain,
        policy: &RedirectPolicy,
        status: u16,
        location: &str,
        body: bool,
    ) -> Result<Option<Hop>, Stop> {
        let (status, headers) = answer(status, location);
        chain.next(policy, status, &headers, body, true)
    }

    #[test]
    fn nothing_is_followed_by_default() {
        let mut chain = chain(Method::GET, "https://api.example.com/a");
        let policy = RedirectPolicy::default();
        assert_eq!(policy, RedirectPolicy::none());
        assert!(next(&mut chain, &policy, 302, "/b", false)
            .unwrap()
            .is_none());
    }

    #[test]
    fn same_origin_redirects_keep_credentials_and_resend_bodies_only_when_asked() {
        let policy = RedirectPolicy::follow();
        let mut post = chain(Method::POST, "https://api.example.com/a");
        let hop = next(&mut post, &policy, 307, "/b?x=1#frag", true)
            .unwrap()
            .unwrap();
        assert_eq!(hop.method, Method::POST);
        assert_eq!(hop.url.as_str(), "https://api.example.com/b?x=1");
        assert!(hop.body && hop.credentials);
        assert_eq!(hop.headers.get("x-caller").unwrap(), "secret");
        assert!(hop.headers.contains_key(CONTENT_TYPE));
        // 303, and 301 or 302 of a POST, become a GET without a body.
        for status in [301, 302, 303] {
            let mut post = chain(Method::POST, "https://api.example.com/a");
            let hop = next(&mut post, &policy, status, "/b", true)
                .unwrap()
                .unwrap();
            assert_eq!((hop.method, hop.body), (Method::GET, false), "{status}");
            assert!(!hop.headers.contains_key(CONTENT_TYPE));
        }
        let mut put = chain(Method::PUT, "https://api.example.com/a");
        let hop = next(&mut put, &policy, 301, "/b", true).unwrap().unwrap();
        assert_eq!((hop.method, hop.body), (Method::PUT, true));
        let mut head = chain(Method::HEAD, "https://api.example.com/a");
        let hop = next(&mut head, &policy, 303, "/b", false).unwrap().unwrap();
        assert_eq!(hop.method, Method::HEAD);
        // A stream cannot be sent twice.
        let mut post = chain(Method::POST, "https://api.example.com/a");
        let (status, headers) = answer(307, "/b");
        assert!(post
            .next(&policy, status, &headers, true, false)
            .unwrap()
            .is_none());
    }

    #[test]
    fn other_origins_get_no_credentials_headers_or_body() {
        let same_only = RedirectPolicy::follow();
        let any = RedirectPolicy::follow().other_origins(true);
        let mut get = chain(Method::GET, "https://api.example.com/a");
        assert!(next(
            &mut get,
            &same_only,
            302,
            "https://cdn.example.com/x",
            false
        )
        .unwrap()
        .is_none());
        // Another port is another origin.
        assert!(next(
            &mut get,
            &same_only,
            302,
            "https://api.example.com:8443/x",
            false
        )
        .unwrap()
        .is_none());
        let hop = next(&mut get, &any, 302, "https://cdn.example.com/x", false)
            .unwrap()
            .unwrap();
        assert!(!hop.credentials && !hop.body);
        let names: Vec<_> = hop.headers.keys().map(|n| n.as_str()).collect();
        assert_eq!(names, ["user-agent", "accept"]);
        // A body never leaves for another origin: the redirect is the answer.
        let mut post = chain(Method::POST, "https://api.example.com/a");
        assert!(
            next(&mut post, &any, 307, "https://other.example.com/b", true)
                .unwrap()
                .is_none()
        );
        // A 303 to another origin is a GET without the body: followed.
        let hop = next(&mut post, &any, 303, "https://other.example.com/b", true)
            .unwrap()
            .unwrap();
        assert_eq!(
            (hop.method, hop.body, hop.credentials),
            (Method::GET, false, false)
        );
    }

    #[test]
    fn https_never_goes_to_http() {
        let any = RedirectPolicy::follow().other_origins(true);
        let mut get = chain(Method::GET, "https://api.example.com/a");
        for location in ["http://api.example.com/a", "http://other.example.com/"] {
            assert!(next(&mut get, &any, 301, location, false)
                .unwrap()
                .is_none());
        }
        let mut plain = chain(Method::GET, "http://api.example.com/a");
        let hop = next(&mut plain, &any, 301, "https://api.example.com/a", false)
            .unwrap()
            .unwrap();
        assert_eq!(hop.url.scheme(), "https");
    }

    #[test]
    fn odd_locations_are_not_followed() {
        let policy = RedirectPolicy::follow();
        let mut get = chain(Method::GET, "https://api.example.com/a");
        assert!(next(&mut get, &policy, 300, "/b", false).unwrap().is_none());
        assert!(next(&mut get, &policy, 304, "/b", false).unwrap().is_none());
        assert!(next(&mut get, &policy, 302, "mailto:x@example.com", false)
            .unwrap()
            .is_none());
        let (status, _) = answer(302, "/b");
        assert!(get
            .next(&policy, status, &HeaderMap::new(), false, true)
            .unwrap()
            .is_none());
    }

    #[test]
    fn loops_and_long_chains_stop() {
        let policy = RedirectPolicy::follow();
        let mut get = chain(Method::GET, "https://api.example.com/a");
        assert_eq!(
            next(&mut get, &policy, 302, "/a", false).unwrap_err(),
            Stop::Loop
        );
        let mut get = chain(Method::GET, "https://api.example.com/a");
        next(&mut get, &policy, 302, "/b", false).unwrap().unwrap();
        assert_eq!(
            next(&mut get, &policy, 302, "/a", false).unwrap_err(),
            Stop::Loop
        );
        // The same URL with another method is another request.
        let mut post = chain(Method::POST, "https://api.example.com/a");
        assert!(next(&mut post, &policy, 303, "/a", true).unwrap().is_some());
        let short = RedirectPolicy::follow().max_redirects(2);
        let mut get = chain(Method::GET, "https://api.example.com/0");
        next(&mut get, &short, 302, "/1", false).unwrap().unwrap();
        next(&mut get, &short, 302, "/2", false).unwrap().unwrap();
        assert_eq!(get.followed(), 2);
        assert_eq!(
            next(&mut get, &short, 302, "/3", false).unwrap_err(),
            Stop::TooMany
        );
    }
}
