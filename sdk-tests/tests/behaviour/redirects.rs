//! Redirects: none followed by default; followed to the call's origin with its credentials
//! when the policy says so; a body never resent to another origin (127.0.0.2 is another
//! origin than 127.0.0.1), credentials never sent there; loops and long chains fail once,
//! without retries. (https to http is refused too: `runtime/redirect.rs` tests it, loopback
//! has no TLS.)

use konnect_sdk::models::CreatePersonalAccessTokenRequest;
use konnect_sdk::{Client, Error, RedirectPolicy};

use crate::rogue::Rogue;
use crate::{credential_json, fast_retries, pat_json, INSTANCE, TOKEN, USER};

fn client(server: &Rogue, policy: RedirectPolicy) -> Client {
    Client::builder()
        .personal_access_token(TOKEN)
        .base_url(server.url())
        .retry(fast_retries())
        .redirect(policy)
        .build()
        .unwrap()
}

/// A request body, which may hold a secret: it must not leave the call's origin.
fn body() -> CreatePersonalAccessTokenRequest {
    CreatePersonalAccessTokenRequest {
        name: "ci token".to_owned(),
        expires_at: "2030-01-01T00:00:00Z".parse().unwrap(),
    }
}

/// What creating a token answers.
fn created() -> serde_json::Value {
    let mut created = pat_json();
    created["konnect_token"] = serde_json::json!("kpat_new");
    created
}

/// A server answering every request with `status` and `Location: location`.
async fn redirecting(ip: &str, status: &'static str, location: String) -> Rogue {
    Rogue::start_on(ip, move |mut conn| {
        let location = location.clone();
        async move {
            let _ = conn
                .head(status, &[("location", &location), ("content-length", "0")])
                .await;
        }
    })
    .await
}

/// A server answering every request with `status` and `body` as JSON.
async fn answering(ip: &str, status: &'static str, body: serde_json::Value) -> Rogue {
    Rogue::start_on(ip, move |mut conn| {
        let body = body.to_string();
        async move {
            let length = body.len().to_string();
            let headers = [
                ("content-type", "application/json"),
                ("content-length", length.as_str()),
            ];
            if conn.head(status, &headers).await.is_ok() {
                let _ = conn.body(body.as_bytes()).await;
            }
        }
    })
    .await
}

#[tokio::test]
async fn no_redirect_is_followed_by_default() {
    let target = answering("127.0.0.1", "200 OK", credential_json("oauth")).await;
    let server = redirecting("127.0.0.1", "307 Temporary Redirect", target.url()).await;
    let error = Client::builder()
        .personal_access_token(TOKEN)
        .base_url(server.url())
        .build()
        .unwrap()
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(307), "{error:?}");
    assert!(target.requests().is_empty());
}

#[tokio::test]
async fn a_redirect_to_the_same_origin_is_followed_with_the_credentials() {
    let server = Rogue::start(|mut conn| async move {
        if conn.request.target.starts_with("/moved") {
            let body = credential_json("oauth").to_string();
            let length = body.len().to_string();
            let headers = [
                ("content-type", "application/json"),
                ("content-length", length.as_str()),
            ];
            if conn.head("200 OK", &headers).await.is_ok() {
                let _ = conn.body(body.as_bytes()).await;
            }
        } else {
            let _ = conn
                .head(
                    "302 Found",
                    &[("location", "/moved"), ("content-length", "0")],
                )
                .await;
        }
    })
    .await;
    client(&server, RedirectPolicy::follow())
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].target, "/moved");
    assert_eq!(
        requests[1].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[tokio::test]
async fn a_post_body_is_never_resent_to_another_origin() {
    let elsewhere = answering("127.0.0.2", "201 Created", created()).await;
    let server = redirecting(
        "127.0.0.1",
        "307 Temporary Redirect",
        format!("{}/v3/users/{USER}/personal-access-tokens", elsewhere.url()),
    )
    .await;
    let policy = RedirectPolicy::follow().other_origins(true);
    let error = client(&server, policy)
        .personal_access_tokens()
        .create_personal_access_token(USER.parse().unwrap())
        .body(body())
        .await
        .unwrap_err();
    // The 307 is the answer: following it would resend the body elsewhere.
    assert_eq!(error.status().map(|s| s.as_u16()), Some(307), "{error:?}");
    assert!(elsewhere.requests().is_empty());
    assert_eq!(
        server.requests().len(),
        1,
        "a POST after a 307 is not retried"
    );
}

#[tokio::test]
async fn a_see_other_to_another_origin_is_a_get_without_body_or_credentials() {
    let elsewhere = answering("127.0.0.2", "201 Created", created()).await;
    let server = redirecting(
        "127.0.0.1",
        "303 See Other",
        format!("{}/created?x=1", elsewhere.url()),
    )
    .await;
    // To the call's origin only (the default when following), it is the answer.
    let error = client(&server, RedirectPolicy::follow())
        .personal_access_tokens()
        .create_personal_access_token(USER.parse().unwrap())
        .body(body())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(303), "{error:?}");
    assert!(elsewhere.requests().is_empty());
    // Other origins allowed, it is followed as a bare GET.
    let created = client(&server, RedirectPolicy::follow().other_origins(true))
        .personal_access_tokens()
        .create_personal_access_token(USER.parse().unwrap())
        .body(body())
        .header("x-trace", "t-1")
        .await
        .unwrap();
    assert_eq!(created.name, "ci token");
    let sent = server.requests();
    assert_eq!(sent.last().unwrap().method, "POST");
    assert!(!sent.last().unwrap().body.is_empty());
    let requests = elsewhere.requests();
    assert_eq!(requests.len(), 1);
    let followed = &requests[0];
    assert_eq!(
        (followed.method.as_str(), followed.target.as_str()),
        ("GET", "/created?x=1")
    );
    assert!(followed.body.is_empty());
    let names: Vec<&str> = followed.headers.iter().map(|(n, _)| n.as_str()).collect();
    for absent in ["authorization", "x-trace", "content-type", "cookie"] {
        assert!(
            !names.contains(&absent),
            "{absent} sent to another origin: {names:?}"
        );
    }
}

#[tokio::test]
async fn a_temporary_redirect_to_the_same_origin_resends_the_body() {
    let server = Rogue::start(|mut conn| async move {
        if conn.request.target == "/again" {
            let body = created().to_string();
            let length = body.len().to_string();
            let headers = [
                ("content-type", "application/json"),
                ("content-length", length.as_str()),
            ];
            if conn.head("201 Created", &headers).await.is_ok() {
                let _ = conn.body(body.as_bytes()).await;
            }
        } else {
            let _ = conn
                .head(
                    "307 Temporary Redirect",
                    &[("location", "/again"), ("content-length", "0")],
                )
                .await;
        }
    })
    .await;
    client(&server, RedirectPolicy::follow())
        .personal_access_tokens()
        .create_personal_access_token(USER.parse().unwrap())
        .body(body())
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].method, "POST");
    assert_eq!(requests[1].body, requests[0].body);
    assert_eq!(
        requests[1].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[tokio::test]
async fn a_redirect_loop_fails_once_and_is_not_retried() {
    // The call's path -> /a -> /b -> /a.
    let server = Rogue::start(|mut conn| async move {
        let to = if conn.request.target == "/a" {
            "/b"
        } else {
            "/a"
        };
        let _ = conn
            .head("302 Found", &[("location", to), ("content-length", "0")])
            .await;
    })
    .await;
    let error = client(&server, RedirectPolicy::follow())
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Redirect {
                looped: true,
                followed: 2,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.is_retryable());
    assert!(
        error.to_string().contains("redirected in a loop"),
        "{error}"
    );
    // The call's request, /a and /b: one attempt, not retried.
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets[1..], ["/a", "/b"]);
}

#[tokio::test]
async fn a_chain_longer_than_the_policy_allows_fails_once() {
    let server = Rogue::start(|mut conn| async move {
        let next = format!("/hop{}", conn.index);
        let _ = conn
            .head(
                "301 Moved Permanently",
                &[("location", &next), ("content-length", "0")],
            )
            .await;
    })
    .await;
    let error = client(&server, RedirectPolicy::follow().max_redirects(3))
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Redirect {
                looped: false,
                followed: 3,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 4, "one attempt: not retried");
}
