//! What each authentication scheme puts on the wire (basic, a scheme of the API's own, cookie,
//! header and query keys, alone and combined), and that none of those secrets is ever shown:
//! the `wire-sdk` crate against a loopback server.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use wire_sdk::{BasicCredentials, Client, ClientBuilder, Error, Hook, HookContext};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const USERNAME: &str = "wire-user";
const PASSWORD: &str = "wire-S3CR3T-password";
/// `wire-user:wire-S3CR3T-password` in base64, worked out independently of the SDK.
const BASIC: &str = "Basic d2lyZS11c2VyOndpcmUtUzNDUjNULXBhc3N3b3Jk";
const SESSION: &str = "session-S3CR3T";
const CSRF: &str = "csrf-S3CR3T";
const CUSTOM: &str = "custom-S3CR3T";
const HEADER_KEY: &str = "header-key-S3CR3T";
const QUERY_KEY: &str = "query-key-S3CR3T";

/// Every secret a test client holds, and the forms they travel in.
const SECRETS: &[&str] = &[
    PASSWORD,
    "d2lyZS11c2VyOndpcmUtUzNDUjNULXBhc3N3b3Jk",
    SESSION,
    CSRF,
    CUSTOM,
    HEADER_KEY,
    QUERY_KEY,
];

fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .retry(wire_sdk::RetryPolicy::disabled())
}

/// The requests the server received for `route`.
async fn received(server: &MockServer, route: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() == route)
        .collect()
}

fn header_values(request: &Request, name: &str) -> Vec<String> {
    request
        .headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn basic_credentials_are_sent_base64_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/auth/basic"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server).basic(USERNAME, PASSWORD).build().unwrap();
    client.auth().get_with_basic().await.unwrap();
    let requests = received(&server, "/auth/basic").await;
    assert_eq!(header_values(&requests[0], "authorization"), [BASIC]);
}

#[tokio::test]
async fn a_basic_provider_is_asked_before_every_attempt() {
    let server = MockServer::start().await;
    Mock::given(header(
        "authorization",
        "Basic cm90YXRlZC11c2VyLTE6cm90YXRlZC1TM0NSM1QtMQ==",
    ))
    .respond_with(ResponseTemplate::new(503))
    .expect(1)
    .mount(&server)
    .await;
    Mock::given(header(
        "authorization",
        "Basic cm90YXRlZC11c2VyLTI6cm90YXRlZC1TM0NSM1QtMg==",
    ))
    .respond_with(ResponseTemplate::new(204))
    .expect(1)
    .mount(&server)
    .await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let client = Client::builder()
        .base_url(server.uri())
        .retry(
            wire_sdk::RetryPolicy::default()
                .initial_interval(std::time::Duration::from_millis(10))
                .max_interval(std::time::Duration::from_millis(20)),
        )
        .basic_provider(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            BasicCredentials::new(format!("rotated-user-{n}"), format!("rotated-S3CR3T-{n}"))
        })
        .build()
        .unwrap();
    client.auth().get_with_basic().await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_scheme_of_the_apis_own_sends_the_credential_as_given() {
    let server = MockServer::start().await;
    Mock::given(path("/auth/custom"))
        .and(header("authorization", "X-Wire-Token custom-S3CR3T"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server).custom(CUSTOM).build().unwrap();
    client.auth().get_with_custom_scheme().await.unwrap();
}

#[tokio::test]
async fn cookie_keys_share_one_cookie_header_with_the_callers_cookies() {
    let server = MockServer::start().await;
    Mock::given(path("/auth/cookies"))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&server)
        .await;
    let client = builder(&server)
        .session(SESSION)
        .csrf_provider(|| secrecy::SecretString::from(CSRF))
        .build()
        .unwrap();
    client.auth().get_with_cookies().await.unwrap();
    client
        .auth()
        .get_with_cookies()
        .header("cookie", "theme=dark")
        .await
        .unwrap();
    let requests = received(&server, "/auth/cookies").await;
    assert_eq!(
        header_values(&requests[0], "cookie"),
        ["SESSION=session-S3CR3T; csrf_token=csrf-S3CR3T"]
    );
    assert_eq!(
        header_values(&requests[1], "cookie"),
        ["theme=dark; SESSION=session-S3CR3T; csrf_token=csrf-S3CR3T"]
    );
    assert!(requests[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn header_and_query_keys_travel_together_when_required_together() {
    let server = MockServer::start().await;
    Mock::given(path("/auth/keys"))
        .and(header("x-api-key", HEADER_KEY))
        .and(query_param("api_key", QUERY_KEY))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    // Basic is not configured: the other alternative, both keys, is chosen.
    let client = builder(&server)
        .header_key(HEADER_KEY)
        .query_key(QUERY_KEY)
        .build()
        .unwrap();
    client.auth().get_with_keys().await.unwrap();
    let requests = received(&server, "/auth/keys").await;
    assert_eq!(requests[0].url.query(), Some("api_key=query-key-S3CR3T"));
    assert!(requests[0].headers.get("authorization").is_none());
    // Only half of that alternative, and no basic: nothing is sent.
    let error = builder(&server)
        .header_key(HEADER_KEY)
        .build()
        .unwrap()
        .auth()
        .get_with_keys()
        .await
        .unwrap_err();
    let Error::MissingCredentials { schemes, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(schemes, &["basic", "headerKey", "queryKey"]);
}

#[tokio::test]
async fn the_first_alternative_the_client_can_satisfy_is_used() {
    let server = MockServer::start().await;
    Mock::given(path("/auth/keys"))
        .and(header("authorization", BASIC))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server)
        .basic(USERNAME, PASSWORD)
        .header_key(HEADER_KEY)
        .query_key(QUERY_KEY)
        .build()
        .unwrap();
    client.auth().get_with_keys().await.unwrap();
    let requests = received(&server, "/auth/keys").await;
    assert!(requests[0].headers.get("x-api-key").is_none());
    assert_eq!(requests[0].url.query(), None);
}

/// Records whether each credential header of a request is marked sensitive, and that the
/// request's `Debug` output shows none of them.
#[derive(Clone, Default)]
struct SensitiveCheck(Arc<Mutex<Vec<(String, bool)>>>);

impl Hook for SensitiveCheck {
    fn before_request(&self, _: &HookContext, request: &mut reqwest::Request) {
        let mut seen = self.0.lock().unwrap();
        for name in ["authorization", "cookie", "x-api-key"] {
            if let Some(value) = request.headers().get(name) {
                seen.push((name.to_owned(), value.is_sensitive()));
            }
        }
        let debug = format!("{:?}", request.headers());
        for secret in SECRETS {
            assert!(!debug.contains(secret), "{debug}");
        }
    }
}

#[tokio::test]
async fn credential_headers_are_marked_sensitive() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let check = SensitiveCheck::default();
    let client = builder(&server)
        .basic(USERNAME, PASSWORD)
        .custom(CUSTOM)
        .session(SESSION)
        .csrf(CSRF)
        .hook(check.clone())
        .build()
        .unwrap();
    let auth = client.auth();
    auth.get_with_basic().await.unwrap();
    auth.get_with_custom_scheme().await.unwrap();
    auth.get_with_cookies().await.unwrap();
    let client = builder(&server)
        .header_key(HEADER_KEY)
        .query_key(QUERY_KEY)
        .hook(check.clone())
        .build()
        .unwrap();
    client.auth().get_with_keys().await.unwrap();
    assert_eq!(
        *check.0.lock().unwrap(),
        [
            ("authorization".to_owned(), true),
            ("authorization".to_owned(), true),
            ("cookie".to_owned(), true),
            ("x-api-key".to_owned(), true),
        ]
    );
}

#[tokio::test]
async fn credentials_that_cannot_be_sent_fail_before_sending_without_being_shown() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .expect(0)
        .mount(&server)
        .await;
    // A colon ends the user name in basic authentication; a semicolon would start a cookie.
    let colon = builder(&server)
        .basic("wire:user", PASSWORD)
        .build()
        .unwrap()
        .auth()
        .get_with_basic()
        .await
        .unwrap_err();
    let injected = builder(&server)
        .session(format!("{SESSION}; admin=1"))
        .csrf(CSRF)
        .build()
        .unwrap()
        .auth()
        .get_with_cookies()
        .await
        .unwrap_err();
    let provided = builder(&server)
        .basic_provider(|| BasicCredentials::new("a\u{7f}", PASSWORD))
        .build()
        .unwrap()
        .auth()
        .get_with_basic()
        .await
        .unwrap_err();
    for ((failed, shown), scheme) in [
        (credential_failure(&colon), "basic"),
        (credential_failure(&injected), "session"),
        (credential_failure(&provided), "basic"),
    ] {
        assert_eq!(failed, scheme);
        for secret in SECRETS.iter().chain(&["wire:user", "admin=1"]) {
            assert!(!shown.contains(secret), "a secret leaked: {shown}");
        }
    }
    assert_eq!(
        colon.to_string(),
        "`get-with-basic`: the credential for `basic` cannot be used: the user name contains a colon, which basic authentication cannot carry"
    );
    assert!(injected
        .to_string()
        .ends_with("the token is not a valid cookie value"));
}

/// The scheme of a credentials error, and everything the error shows.
fn credential_failure<E: std::fmt::Debug>(error: &Error<E>) -> (&'static str, String) {
    let Error::Credentials { scheme, .. } = error else {
        panic!("{error:?}")
    };
    (scheme, format!("{error} {error:?} {error:#?}"))
}

#[tokio::test]
async fn no_secret_in_debug_output_errors_or_spans() {
    let (captured, _guard) = crate::capture_tracing();
    let server = MockServer::start().await;
    Mock::given(path("/auth/basic"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(path("/auth/cookies"))
        .respond_with(ResponseTemplate::new(418).set_body_string("no tea"))
        .mount(&server)
        .await;
    let full = builder(&server)
        .basic(USERNAME, PASSWORD)
        .custom(CUSTOM)
        .session(SESSION)
        .csrf(CSRF)
        .header_key(HEADER_KEY)
        .query_key(QUERY_KEY);
    let mut outputs = vec![format!("{full:?}"), format!("{full:#?}")];
    let client = full.build().unwrap();
    outputs.push(format!("{client:?}"));
    let call = client.auth().get_with_basic();
    outputs.push(format!("{call:?}"));
    let documented = call.await.unwrap_err();
    assert_eq!(documented.status().map(|s| s.as_u16()), Some(401));
    let undocumented = client.auth().get_with_cookies().await.unwrap_err();
    let unreachable = Client::builder()
        .base_url("http://127.0.0.1:9")
        .retry(wire_sdk::RetryPolicy::disabled())
        .header_key(HEADER_KEY)
        .query_key(QUERY_KEY)
        .build()
        .unwrap()
        .auth()
        .get_with_keys()
        .await
        .unwrap_err();
    assert!(
        matches!(unreachable, Error::Transport { .. }),
        "{unreachable:?}"
    );
    let errors: [&(dyn std::error::Error + 'static); 3] =
        [&documented, &undocumented, &unreachable];
    for error in errors {
        outputs.push(format!("{error} {error:?} {error:#?}"));
        let mut source = error.source();
        while let Some(cause) = source {
            outputs.push(format!("{cause:?} {cause}"));
            source = cause.source();
        }
    }
    outputs.push(format!("{:?}", BasicCredentials::new(USERNAME, PASSWORD)));
    outputs.push(captured.text());
    // The span of each call was written, so the check below looked at something.
    assert!(outputs.last().unwrap().contains("get-with-basic"));
    for output in &outputs {
        for secret in SECRETS {
            assert!(!output.contains(secret), "a secret leaked: {output}");
        }
    }
    assert_eq!(undocumented.body(), Some(&b"no tea"[..]));
}
