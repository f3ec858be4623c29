//! Every call ends: the connect, attempt and read timeouts against servers that never answer,
//! trickle a body or stall halfway (small limits here so the suite stays fast), and the
//! defaults that are on without any configuration.

use std::time::{Duration, Instant};

use konnect_sdk::{Client, ClientBuilder, Error, Phase, RetryPolicy, TimeoutKind};

use crate::rogue::Rogue;
use crate::{fast_retries, INSTANCE, TOKEN, USER};

fn builder(server: &Rogue) -> ClientBuilder {
    Client::builder()
        .personal_access_token(TOKEN)
        .base_url(server.url())
        .retry(fast_retries())
}

#[tokio::test]
async fn every_timeout_is_on_by_default() {
    let client = Client::builder().build().unwrap();
    let debug = format!("{client:?}");
    for set in [
        "timeout: None",
        "connect_timeout: Some(10s)",
        "attempt_timeout: Some(60s)",
        "read_timeout: Some(30s)",
    ] {
        assert!(debug.contains(set), "{set} in {debug}");
    }
    let off = Client::builder()
        .connect_timeout(None)
        .attempt_timeout(None)
        .read_timeout(None)
        .build()
        .unwrap();
    let debug = format!("{off:?}");
    assert!(
        debug.contains("connect_timeout: None, attempt_timeout: None, read_timeout: None"),
        "{debug}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_fails_each_attempt_at_the_attempt_timeout() {
    let server = Rogue::start(|conn| conn.hang()).await;
    let client = builder(&server)
        .attempt_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                kind: TimeoutKind::Attempt(Phase::Response),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert_eq!(
        error.to_string(),
        "`get-integration-instance-auth-credential` got no response within 200ms (the attempt timeout); the request was sent"
    );
    // A GET is tried again: every attempt ran out.
    assert_eq!(server.requests().len(), 3);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );

    // A POST that may have been applied is not.
    let error = client
        .personal_access_tokens()
        .create_personal_access_token(USER.parse().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    let methods: Vec<String> = server.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["GET", "GET", "GET", "POST"]);
}

#[tokio::test]
async fn a_trickled_body_fails_at_the_attempt_timeout_saying_how_far_it_got() {
    let server = Rogue::start(|mut conn| async move {
        let _ = conn
            .head(
                "200 OK",
                &[
                    ("content-type", "application/json"),
                    ("content-length", "1000"),
                ],
            )
            .await;
        conn.trickle(&[b' '; 1000], Duration::from_millis(20)).await;
    })
    .await;
    let started = Instant::now();
    let error = builder(&server)
        .attempt_timeout(Duration::from_millis(300))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let Error::Timeout {
        kind: TimeoutKind::Attempt(Phase::Body { status, read }),
        after,
        ..
    } = error
    else {
        panic!("an attempt timeout while the body was read: {error:?}");
    };
    assert_eq!((status.as_u16(), after), (200, Duration::from_millis(300)));
    assert!(read > 0 && read < 1000, "{read} bytes read");
    assert!(
        error.to_string().contains(&format!(
            "200 OK arrived, {read} bytes of its body were read"
        )),
        "{error}"
    );
}

#[tokio::test]
async fn a_body_that_stalls_fails_at_the_read_timeout() {
    let server = Rogue::start(|mut conn| async move {
        let _ = conn
            .head(
                "200 OK",
                &[
                    ("content-type", "application/json"),
                    ("content-length", "1000"),
                ],
            )
            .await;
        let _ = conn.body(&[b' '; 10]).await;
        conn.hang().await;
    })
    .await;
    let error = builder(&server)
        .attempt_timeout(None)
        .read_timeout(Duration::from_millis(200))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    let Error::Timeout {
        kind: TimeoutKind::Read(Phase::Body { status, read }),
        ..
    } = error
    else {
        panic!("a read timeout: {error:?}");
    };
    assert_eq!((status.as_u16(), read), (200, 10));
    assert!(
        error.to_string().ends_with(
            "no data for 200ms (the read timeout) while reading the body of a 200 OK response, after 10 bytes"
        ),
        "{error}"
    );
}

#[tokio::test]
async fn a_streamed_download_that_stalls_fails_at_the_read_timeout() {
    let server = Rogue::start(|mut conn| async move {
        let _ = conn
            .head(
                "200 OK",
                &[("content-type", "image/png"), ("content-length", "1000")],
            )
            .await;
        let _ = conn.body(&[7; 10]).await;
        conn.hang().await;
    })
    .await;
    let response = wire_sdk::Client::builder()
        .bearer(TOKEN)
        .base_url(server.url())
        .read_timeout(Duration::from_millis(200))
        .build()
        .unwrap()
        .bodies()
        .get_item_image("a")
        .send_streaming()
        .await
        .unwrap();
    let mut download = response.into_body();
    assert_eq!(download.chunk().await.unwrap().unwrap().as_ref(), &[7; 10]);
    let error = download.chunk().await.unwrap_err();
    assert!(
        matches!(
            error,
            wire_sdk::Error::Timeout {
                kind: wire_sdk::TimeoutKind::Read(wire_sdk::Phase::Body { read: 10, .. }),
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn timeouts_switched_off_leave_the_call_budget() {
    let server = Rogue::start(|conn| conn.hang()).await;
    let client = builder(&server)
        .attempt_timeout(None)
        .read_timeout(None)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = client
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                kind: TimeoutKind::Call,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 1, "one attempt, never answered");
    // A call may set its own attempt timeout.
    let error = client
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .attempt_timeout(Duration::from_millis(50))
        .retry(RetryPolicy::disabled())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                kind: TimeoutKind::Attempt(_),
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn connecting_fails_at_the_connect_timeout_and_is_retried() {
    // A listener whose accept queue is full drops new connection attempts (SYNs) on Linux, so
    // connecting hangs: the state of an unreachable host.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..4 {
        if let Ok(Ok(stream)) = tokio::time::timeout(
            Duration::from_millis(100),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            fillers.push(stream);
        }
    }
    let started = Instant::now();
    let error = Client::builder()
        .personal_access_token(TOKEN)
        .base_url(format!("http://{addr}"))
        .connect_timeout(Duration::from_millis(150))
        .retry(fast_retries())
        .build()
        .unwrap()
        .personal_access_tokens()
        .create_personal_access_token(USER.parse().unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                kind: TimeoutKind::Connect,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("could not connect to the server within"),
        "{error}"
    );
    // Three attempts of 150 ms, even for a POST: nothing was sent.
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(450) && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
    drop(listener);
}
