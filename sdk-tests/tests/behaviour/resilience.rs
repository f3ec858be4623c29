//! Retries, `Retry-After`, timeouts and transport failures.

use std::time::{Duration, Instant};

use konnect_sdk::{Client, Error, RetryPolicy};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{client, credential_json, pat_json, INSTANCE, TOKEN, USER};

#[tokio::test]
async fn a_get_is_retried_after_503_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(credential_json("oauth")))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap();
}

#[tokio::test]
async fn retry_after_is_honoured_and_lets_a_post_retry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    let mut created = pat_json();
    created["konnect_token"] = serde_json::json!("kpat_new");
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(created))
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    client(&server)
        .personal_access_tokens()
        .create_personal_access_token(USER.parse().unwrap())
        .retry(RetryPolicy::default().initial_interval(Duration::from_millis(1)))
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_post_is_not_retried_after_500() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .personal_access_tokens()
        .create_personal_access_token(USER.parse().unwrap())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
}

#[tokio::test]
async fn retries_stop_after_max_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(502))
        .expect(3)
        .mount(&server)
        .await;
    let error = client(&server)
        .integration_instance_auth_credentials()
        .delete_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
}

#[tokio::test]
async fn retries_can_be_switched_off_per_call() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .integration_instance_auth_credentials()
        .delete_integration_instance_auth_credential(INSTANCE)
        .retry(RetryPolicy::disabled())
        .await
        .unwrap_err();
}

#[tokio::test]
async fn per_call_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let started = Instant::now();
    let error = client(&server)
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .timeout(Duration::from_millis(200))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn client_timeout_covers_every_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_delay(Duration::from_millis(150)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .personal_access_token(TOKEN)
        .base_url(server.uri())
        .timeout(Duration::from_millis(250))
        .retry(
            RetryPolicy::default()
                .max_attempts(10)
                .initial_interval(Duration::from_millis(10)),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(
            error,
            Error::Timeout { .. } | Error::UnexpectedStatus { .. }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = Client::builder()
        .personal_access_token(TOKEN)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(crate::fast_retries())
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
            Error::Transport {
                phase: konnect_sdk::Phase::Connect,
                ..
            }
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with(
            "`get-integration-instance-auth-credential` could not connect to the server: "
        ) && message.contains("Connection refused"),
        "{message}"
    );
}
