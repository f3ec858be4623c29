//! Credentials: scheme choice, missing credentials, rotation, hooks, and secrets never shown.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use konnect_sdk::{
    AsyncTokenProvider, Client, Error, Hook, HookContext, Server, TokenFuture, TokenProvider,
};
use secrecy::SecretString;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{credential_json, problem, INSTANCE, TOKEN, USER};

#[tokio::test]
async fn a_call_without_an_allowed_credential_fails_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    // The personal-access-token operations accept neither system account tokens...
    let client = Client::builder()
        .system_account_access_token(TOKEN)
        .base_url(server.uri())
        .build()
        .unwrap();
    let error = client
        .personal_access_tokens()
        .list_users_personal_access_tokens(USER.parse().unwrap())
        .await
        .unwrap_err();
    let Error::MissingCredentials { schemes, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        schemes,
        &[
            "personalAccessToken",
            "konnectAccessToken",
            "serviceAccessToken"
        ]
    );
    assert!(error.to_string().contains("personalAccessToken"));
}

#[tokio::test]
async fn any_allowed_scheme_is_sent_as_a_bearer_token() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer system-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(credential_json("oauth")))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .system_account_access_token("system-token")
        .base_url(server.uri())
        .build()
        .unwrap();
    client
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_token_provider_is_asked_before_every_attempt() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer rotated-1"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(header("authorization", "Bearer rotated-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(credential_json("oauth")))
        .expect(1)
        .mount(&server)
        .await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let client = Client::builder()
        .konnect_access_token_provider(move || {
            SecretString::from(format!(
                "rotated-{}",
                counter.fetch_add(1, Ordering::SeqCst) + 1
            ))
        })
        .base_url(server.uri())
        .retry(crate::fast_retries())
        .build()
        .unwrap();
    client
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

/// An OAuth client-credentials provider: fetches a token from the token endpoint over the
/// network, keeps it, and hands the kept one out after that.
struct ClientCredentials {
    http: reqwest::Client,
    token_url: String,
    kept: std::sync::Mutex<Option<String>>,
}

impl TokenProvider for ClientCredentials {
    fn token(&self) -> TokenFuture<'_> {
        TokenFuture::new(async move {
            if let Some(token) = self.kept.lock().unwrap().clone() {
                return Ok::<_, Box<dyn std::error::Error + Send + Sync>>(token);
            }
            let reply = self
                .http
                .post(&self.token_url)
                .body("grant_type=client_credentials")
                .send()
                .await?
                .error_for_status()?
                .text()
                .await?;
            let reply: serde_json::Value = serde_json::from_str(&reply)?;
            let token = reply["access_token"]
                .as_str()
                .ok_or("no access_token in the reply")?
                .to_owned();
            *self.kept.lock().unwrap() = Some(token.clone());
            Ok(token)
        })
    }
}

#[tokio::test]
async fn an_async_provider_fetches_its_token_over_the_network() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "fetched-1"}))
                // The provider really waits for it.
                .set_delay(std::time::Duration::from_millis(50)),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer fetched-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(credential_json("oauth")))
        .expect(2)
        .mount(&server)
        .await;
    let client = Client::builder()
        .konnect_access_token_provider(ClientCredentials {
            http: reqwest::Client::new(),
            token_url: format!("{}/oauth/token", server.uri()),
            kept: Default::default(),
        })
        .base_url(server.uri())
        .build()
        .unwrap();
    let group = client.integration_instance_auth_credentials();
    group
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap();
    group
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_async_closure_is_a_provider_and_its_failure_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer after-a-wait"))
        .respond_with(ResponseTemplate::new(200).set_body_json(credential_json("oauth")))
        .expect(1)
        .mount(&server)
        .await;
    let waiting = AsyncTokenProvider::new(|| async {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        Ok::<_, std::convert::Infallible>("after-a-wait".to_owned())
    });
    Client::builder()
        .konnect_access_token_provider(waiting)
        .base_url(server.uri())
        .build()
        .unwrap()
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap();
    let sealed = AsyncTokenProvider::new(|| async { Err::<String, _>("the vault is sealed") });
    let error = Client::builder()
        .konnect_access_token_provider(sealed)
        .base_url(server.uri())
        .build()
        .unwrap()
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Credentials { .. }), "{error:?}");
    assert!(
        error.to_string().ends_with("the vault is sealed"),
        "{error}"
    );
}

#[derive(Default, Clone)]
struct Recorder {
    seen: Arc<std::sync::Mutex<Vec<String>>>,
}

impl Hook for Recorder {
    fn before_request(&self, context: &HookContext, request: &mut reqwest::Request) {
        request
            .headers_mut()
            .insert("x-trace", "hooked".parse().unwrap());
        self.seen.lock().unwrap().push(format!(
            "before {} #{}",
            context.operation_id, context.attempt
        ));
    }

    fn after_response(
        &self,
        context: &HookContext,
        status: reqwest::StatusCode,
        _: &reqwest::header::HeaderMap,
    ) {
        self.seen.lock().unwrap().push(format!(
            "after {} {}",
            context.operation_id,
            status.as_u16()
        ));
    }
}

#[tokio::test]
async fn hooks_see_and_change_requests() {
    let server = MockServer::start().await;
    Mock::given(header("x-trace", "hooked"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let recorder = Recorder::default();
    let client = Client::builder()
        .personal_access_token(TOKEN)
        .base_url(server.uri())
        .hook(recorder.clone())
        .build()
        .unwrap();
    client
        .integration_instance_auth_credentials()
        .delete_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap();
    assert_eq!(
        *recorder.seen.lock().unwrap(),
        [
            "before delete-integration-instance-auth-credential #1",
            "after delete-integration-instance-auth-credential 204"
        ]
    );
}

#[test]
fn regions_and_pinned_servers() {
    assert_eq!(Server::default(), Server::Global);
    assert_eq!(Server::Eu.url(), "https://eu.api.konghq.com");
    assert_eq!(Server::Au.url(), "https://au.api.konghq.com");
}

#[tokio::test]
async fn no_secret_in_any_formatted_output() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(problem(401, "Unauthorized")))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(418))
        .mount(&server)
        .await;
    let mut created = crate::pat_json();
    created["konnect_token"] = serde_json::json!(TOKEN);
    created["state"] = serde_json::json!(42);
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(created))
        .mount(&server)
        .await;
    let builder = Client::builder()
        .personal_access_token(TOKEN)
        .base_url(server.uri());
    let mut outputs = vec![format!("{builder:?}")];
    let client = builder.build().unwrap();
    outputs.push(format!("{client:?}"));
    let group = client.integration_instance_auth_credentials();
    let call = group.get_integration_instance_auth_credential(INSTANCE);
    outputs.push(format!("{call:?}"));
    let api_error = call.await.unwrap_err();
    let unexpected = group
        .delete_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    let decode = client
        .personal_access_tokens()
        .create_personal_access_token(USER.parse().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(decode, Error::Decode { .. }), "{decode:?}");
    let missing = Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap()
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    for error in [
        format!("{api_error:?}"),
        format!("{api_error}"),
        format!("{unexpected:?}"),
        format!("{unexpected}"),
    ] {
        outputs.push(error);
    }
    outputs.extend([
        format!("{decode:?}"),
        format!("{decode}"),
        format!("{missing:?}"),
        format!("{missing}"),
    ]);
    for output in &outputs {
        assert!(!output.contains(TOKEN), "a secret leaked: {output}");
    }
}

#[tokio::test]
async fn each_call_has_a_span_without_secrets() {
    let (captured, _guard) = crate::capture_tracing();
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = Client::builder()
        .personal_access_token(TOKEN)
        .base_url(server.uri())
        .retry(crate::fast_retries())
        .build()
        .unwrap();
    client
        .integration_instance_auth_credentials()
        .delete_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap();
    let output = captured.text();
    assert!(
        output.contains("operation_id=\"delete-integration-instance-auth-credential\""),
        "{output}"
    );
    assert!(
        output
            .contains("path=\"/v1/integration-instances/{integrationInstanceId}/auth-credential\""),
        "{output}"
    );
    assert!(
        output.contains("attempt=2") && output.contains("status=204"),
        "{output}"
    );
    assert!(!output.contains(TOKEN), "{output}");
}

/// Records whether the Authorization header is marked sensitive.
#[derive(Clone, Default)]
struct SensitiveCheck(Arc<std::sync::Mutex<Option<bool>>>);

impl Hook for SensitiveCheck {
    fn before_request(&self, _: &HookContext, request: &mut reqwest::Request) {
        let sensitive = request
            .headers()
            .get(reqwest::header::AUTHORIZATION)
            .map(|v| v.is_sensitive());
        *self.0.lock().unwrap() = sensitive;
        assert!(!format!("{request:?}").contains(TOKEN));
    }
}

#[tokio::test]
async fn the_authorization_header_is_sensitive_and_a_custom_http_client_is_used() {
    let server = MockServer::start().await;
    Mock::given(header("x-from-custom-client", "yes"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-from-custom-client", "yes".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(defaults)
        .build()
        .unwrap();
    let check = SensitiveCheck::default();
    let client = Client::builder()
        .personal_access_token(TOKEN)
        .base_url(server.uri())
        .http_client(http)
        .hook(check.clone())
        .build()
        .unwrap();
    client
        .integration_instance_auth_credentials()
        .delete_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap();
    assert_eq!(*check.0.lock().unwrap(), Some(true));
}

#[tokio::test]
async fn a_call_can_override_the_base_url() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    // The client points at a closed port; the call's own base URL wins.
    let client = Client::builder()
        .personal_access_token(TOKEN)
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    client
        .integration_instance_auth_credentials()
        .delete_integration_instance_auth_credential(INSTANCE)
        .base_url(server.uri())
        .await
        .unwrap();
}

#[tokio::test]
async fn no_secret_in_the_remaining_error_kinds_or_responses() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(credential_json("oauth"))
                .set_delay(std::time::Duration::from_millis(300)),
        )
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = Client::builder()
        .personal_access_token(TOKEN)
        .base_url(server.uri())
        .build()
        .unwrap();
    let group = client.integration_instance_auth_credentials();
    let mut outputs = Vec::new();
    let response = group
        .delete_integration_instance_auth_credential(INSTANCE)
        .send_with_response()
        .await
        .unwrap();
    outputs.push(format!("{response:?}"));
    let timeout = group
        .get_integration_instance_auth_credential(INSTANCE)
        .timeout(std::time::Duration::from_millis(50))
        .await
        .unwrap_err();
    assert!(matches!(timeout, Error::Timeout { .. }));
    let invalid = group
        .delete_integration_instance_auth_credential(INSTANCE)
        .header("x-bad", "line\nbreak")
        .await
        .unwrap_err();
    assert!(
        matches!(invalid, Error::InvalidRequest { .. }),
        "{invalid:?}"
    );
    let refused = Client::builder()
        .personal_access_token(TOKEN)
        .base_url("http://127.0.0.1:9")
        .retry(konnect_sdk::RetryPolicy::disabled())
        .build()
        .unwrap()
        .integration_instance_auth_credentials()
        .delete_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Transport { .. }), "{refused:?}");
    // A token that cannot be a header value fails before sending, without echoing it.
    let bad_token = format!("{TOKEN}\n");
    let credentials = Client::builder()
        .personal_access_token(bad_token)
        .base_url(server.uri())
        .build()
        .unwrap()
        .integration_instance_auth_credentials()
        .delete_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    assert!(
        matches!(credentials, Error::Credentials { .. }),
        "{credentials:?}"
    );
    let errors: [&(dyn std::error::Error + 'static); 4] =
        [&timeout, &invalid, &refused, &credentials];
    for error in errors {
        outputs.push(format!("{error:?}"));
        outputs.push(format!("{error:#?}"));
        outputs.push(format!("{error}"));
        let mut source = error.source();
        while let Some(cause) = source {
            outputs.push(format!("{cause:?} {cause}"));
            source = cause.source();
        }
    }
    for output in &outputs {
        assert!(!output.contains(TOKEN), "a secret leaked: {output}");
    }
}
