//! The calling surface: optional parameters and an optional body as setters of the call (the
//! last value set wins; `with_params` sets them all at once), and the group traits, which
//! `Client` implements by sending the call and a test's fake implements instead.

use konnect_sdk::models::CreatePersonalAccessTokenRequest;
use konnect_sdk::personal_access_tokens::{
    BadRequestUnauthorizedForbiddenNotFoundError, CreatePersonalAccessTokenError,
    CreatePersonalAccessTokenParams, PersonalAccessTokensApi,
};
use konnect_sdk::Error;
use wire_sdk::parameters::{ParametersApi, SearchParams};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::{client, USER};

fn wire_client(server: &MockServer) -> wire_sdk::Client {
    wire_sdk::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client builds")
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

#[tokio::test]
async fn the_last_value_a_setter_is_given_is_the_one_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    wire_client(&server)
        .parameters()
        .search(&["x".to_owned()], &[1])
        .ids(vec![1])
        .x_tags(vec!["t1".to_owned()])
        .ids(vec![2, 3])
        .header("x-extra", "kept")
        .await
        .unwrap();
    // `with_params` replaces whatever the setters set before it.
    wire_client(&server)
        .parameters()
        .search(&["x".to_owned()], &[1])
        .ids(vec![1])
        .with_params(SearchParams {
            words: Some(vec!["a".to_owned(), "b".to_owned()]),
            ..SearchParams::default()
        })
        .await
        .unwrap();
    let requests = requests(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].url.query(), Some("ids=2&ids=3"));
    assert_eq!(requests[0].headers["x-tags"], "t1");
    assert_eq!(requests[0].headers["x-extra"], "kept");
    assert_eq!(requests[1].url.query(), Some("words=a%20b"));
    assert!(requests[1].headers.get("x-tags").is_none());
}

#[tokio::test]
async fn an_optional_body_is_sent_only_when_set() {
    let server = MockServer::start().await;
    let mut created = crate::pat_json();
    created["konnect_token"] = serde_json::json!("kpat_new");
    Mock::given(method("POST"))
        .and(path(format!("/v3/users/{USER}/access-tokens")))
        .respond_with(ResponseTemplate::new(201).set_body_json(created))
        .mount(&server)
        .await;
    let api = client(&server);
    let body = CreatePersonalAccessTokenRequest::builder()
        .name("ci token".to_owned())
        .expires_at(
            "2023-11-04T20:10:06Z"
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap(),
        )
        .build()
        .unwrap();
    api.personal_access_tokens()
        .create_personal_access_token(USER.parse().unwrap())
        .await
        .unwrap();
    api.personal_access_tokens()
        .create_personal_access_token(USER.parse().unwrap())
        .body(body.clone())
        .await
        .unwrap();
    let requests = requests(&server).await;
    assert!(requests[0].body.is_empty());
    assert!(requests[0].headers.get("content-type").is_none());
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&requests[1].body).unwrap(),
        serde_json::json!({"name": "ci token", "expires_at": "2023-11-04T20:10:06Z"})
    );
}

/// Code under test, generic over the group's trait.
async fn create_token<A: PersonalAccessTokensApi>(
    api: &A,
    name: &str,
) -> Result<String, Error<CreatePersonalAccessTokenError>> {
    let body = CreatePersonalAccessTokenRequest::builder()
        .name(name.to_owned())
        .expires_at(
            "2023-11-04T20:10:06Z"
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap(),
        )
        .build()
        .unwrap();
    let params = CreatePersonalAccessTokenParams { body: Some(body) };
    let created = api
        .create_personal_access_token(USER.parse().unwrap(), params)
        .await?;
    Ok(created.konnect_token)
}

#[tokio::test]
async fn the_client_implements_each_group_trait_by_sending_the_call() {
    let server = MockServer::start().await;
    let mut created = crate::pat_json();
    created["konnect_token"] = serde_json::json!("kpat_new");
    Mock::given(method("POST"))
        .and(path(format!("/v3/users/{USER}/access-tokens")))
        .and(body_json(
            serde_json::json!({"name": "through the trait", "expires_at": "2023-11-04T20:10:06Z"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(created))
        .expect(1)
        .mount(&server)
        .await;
    let token = create_token(&client(&server), "through the trait")
        .await
        .unwrap();
    assert_eq!(token, "kpat_new");
    // A future of the trait can be spawned: it is `Send`.
    let server_uri = server.uri();
    let spawned = tokio::spawn(async move {
        let api = wire_sdk::Client::builder()
            .base_url(server_uri)
            .build()
            .unwrap();
        api.search(&["x".to_owned()], &[1], SearchParams::default())
            .await
    });
    // The wire server is not this one: the call fails, but it was sent from another task.
    assert!(spawned.await.unwrap().is_err());
}

/// A fake that answers one operation and fails it on demand.
struct Fake {
    fail: bool,
}

impl PersonalAccessTokensApi for Fake {
    async fn create_personal_access_token(
        &self,
        _user_id: uuid::Uuid,
        params: CreatePersonalAccessTokenParams,
    ) -> Result<
        konnect_sdk::models::PersonalAccessTokenCreateResponse,
        Error<CreatePersonalAccessTokenError>,
    > {
        if self.fail {
            return Err(Error::api(
                "create-personal-access-token",
                CreatePersonalAccessTokenError::Conflict(conflict()),
            ));
        }
        let mut created = crate::pat_json();
        created["name"] = serde_json::json!(params.body.map(|b| b.name).unwrap_or_default());
        created["konnect_token"] = serde_json::json!("kpat_fake");
        Ok(serde_json::from_value(created).unwrap())
    }
}

fn conflict() -> konnect_sdk::models::BaseError {
    serde_json::from_value(serde_json::json!({
        "status": 409,
        "title": "Conflict",
        "instance": "kong:trace:1",
        "detail": "a token of that name exists"
    }))
    .unwrap()
}

#[tokio::test]
async fn a_fake_implements_only_what_the_code_under_test_calls() {
    assert_eq!(
        create_token(&Fake { fail: false }, "faked").await.unwrap(),
        "kpat_fake"
    );
    let error = create_token(&Fake { fail: true }, "faked")
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(409));
    assert!(matches!(
        error.api_error(),
        Some(CreatePersonalAccessTokenError::Conflict(_))
    ));
    // What the fake leaves out fails, naming the operation.
    let error = Fake { fail: false }
        .list_users_personal_access_tokens(USER.parse().unwrap())
        .await
        .unwrap_err();
    let Error::InvalidRequest { operation_id, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(*operation_id, "list-users-personal-access-tokens");
    let _: Option<&BadRequestUnauthorizedForbiddenNotFoundError> = error.api_error();
}
