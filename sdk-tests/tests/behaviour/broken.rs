//! Connections that break and replies that are not HTTP: what is retried (a request that can
//! be repeated, broken before or after the headers; anything that never reached the server),
//! what is not (a POST that may have been applied; whatever would fail the same way again),
//! and messages that say what happened.

use konnect_sdk::{Client, Error, Phase, RetryPolicy};

use crate::rogue::{Conn, Rogue};
use crate::{credential_json, fast_retries, INSTANCE, TOKEN, USER};

fn client(server: &Rogue) -> Client {
    Client::builder()
        .personal_access_token(TOKEN)
        .base_url(server.url())
        .retry(fast_retries())
        .build()
        .unwrap()
}

async fn get(server: &Rogue) -> Result<(), Error<impl std::fmt::Debug>> {
    client(server)
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .map(drop)
}

async fn post(server: &Rogue) -> Result<(), Error<impl std::fmt::Debug>> {
    client(server)
        .personal_access_tokens()
        .create_personal_access_token(USER.parse().unwrap())
        .await
        .map(drop)
}

/// Sends a 200 whose body promises 1000 bytes, then 10 of them.
async fn half_a_body(conn: &mut Conn) {
    let headers = [
        ("content-type", "application/json"),
        ("content-length", "1000"),
    ];
    if conn.head("200 OK", &headers).await.is_ok() {
        let _ = conn.body(&[b' '; 10]).await;
    }
}

/// Sends the whole credential.
async fn whole(conn: &mut Conn) {
    let body = credential_json("oauth").to_string();
    let length = body.len().to_string();
    let headers = [
        ("content-type", "application/json"),
        ("content-length", length.as_str()),
    ];
    if conn.head("200 OK", &headers).await.is_ok() {
        let _ = conn.body(body.as_bytes()).await;
    }
}

#[tokio::test]
async fn a_get_whose_body_breaks_off_is_tried_again() {
    let server = Rogue::start(|mut conn| async move {
        if conn.index == 0 {
            half_a_body(&mut conn).await;
        } else {
            whole(&mut conn).await;
        }
    })
    .await;
    get(&server).await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_reset_while_the_body_is_read_says_how_far_it_got() {
    let server = Rogue::start(|mut conn| async move {
        half_a_body(&mut conn).await;
        // Let the client read what was sent before the reset discards it.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        conn.reset();
    })
    .await;
    let error = get(&server).await.unwrap_err();
    assert_eq!(
        server.requests().len(),
        3,
        "a GET is tried until the policy stops"
    );
    let Error::Transport { phase, .. } = &error else {
        panic!("a transport failure: {error:?}");
    };
    assert!(
        matches!(phase, Phase::Body { status, read: 10 } if status.as_u16() == 200),
        "{phase:?}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with("`get-integration-instance-auth-credential`: the connection failed while reading the body of a 200 OK response, after 10 bytes: "),
        "{message}"
    );
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_post_whose_body_breaks_off_is_never_sent_again() {
    let server = Rogue::start(|mut conn| async move { half_a_body(&mut conn).await }).await;
    let error = post(&server).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                phase: Phase::Body { .. },
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_connection_closed_before_any_response() {
    // The request is read, then the connection closed without a word.
    let server = Rogue::start(|conn| async move { drop(conn) }).await;
    let error = get(&server).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                phase: Phase::Response,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().starts_with(
            "`get-integration-instance-auth-credential`: the connection failed after the request was sent, before any response: "
        ),
        "{error}"
    );
    assert_eq!(server.requests().len(), 3, "a GET is tried again");
    post(&server).await.unwrap_err();
    assert_eq!(
        server.requests().len(),
        4,
        "a POST, which may have been applied, is not"
    );
}

#[tokio::test]
async fn a_reply_that_is_not_http_is_not_tried_again() {
    let server = Rogue::start(|mut conn| async move {
        let _ = conn.raw(b"SSH-2.0-OpenSSH_9.6\r\n\r\n").await;
    })
    .await;
    let error = get(&server).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                phase: Phase::Response,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.is_retryable(), "{error}");
    assert!(error.to_string().contains("not HTTP"), "{error}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_reply_with_too_many_headers_is_not_tried_again() {
    let server = Rogue::start(|mut conn| async move {
        let names: Vec<String> = (0..500).map(|i| format!("x-header-{i}")).collect();
        let headers: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
        let _ = conn.head("200 OK", &headers).await;
    })
    .await;
    let error = get(&server).await.unwrap_err();
    assert!(!error.is_retryable(), "{error}");
    assert!(error.to_string().contains("not HTTP"), "{error}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_success_that_does_not_decode_is_not_tried_again() {
    let server = Rogue::start(|mut conn| async move {
        let headers = [
            ("content-type", "application/json"),
            ("content-length", "7"),
        ];
        if conn.head("200 OK", &headers).await.is_ok() {
            let _ = conn.body(b"{oops}\n").await;
        }
    })
    .await;
    let error = get(&server).await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn nothing_is_retried_with_retries_off() {
    let server = Rogue::start(|conn| async move { drop(conn) }).await;
    client(&server)
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .retry(RetryPolicy::disabled())
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1);
}
