//! Each of the 9 operations sends the exact request and decodes its documented success.

use chrono::TimeZone;
use konnect_sdk::models::{
    CreateIntegrationInstanceAuthCredential, CreateOauthCredential, CreateOauthCredentialConfig,
    CreateOauthCredentialConfigGrantType, CreatePersonalAccessTokenRequest,
    IntegrationInstanceAuthCredential, PersonalAccessTokenState,
    UpdatePersonalAccessTokenDetailsRequest,
};
use serde_json::json;
use wiremock::matchers::{body_json, header, headers, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{client, credential_json, pat_json, INSTANCE, TOKEN, TOKEN_ID, USER};

fn user() -> uuid::Uuid {
    USER.parse().unwrap()
}

fn token_id() -> uuid::Uuid {
    TOKEN_ID.parse().unwrap()
}

#[tokio::test]
async fn list_users_personal_access_tokens() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v3/users/{USER}/access-tokens")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(headers(
            "accept",
            vec!["application/json", "application/problem+json"],
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "meta": {"number": 1, "size": 10, "total": 1},
            "data": [pat_json()],
        })))
        .expect(1)
        .mount(&server)
        .await;
    let list = client(&server)
        .personal_access_tokens()
        .list_users_personal_access_tokens(user())
        .await
        .unwrap();
    assert_eq!(list.data.len(), 1);
    assert_eq!(list.data[0].state, PersonalAccessTokenState::Active);
}

#[tokio::test]
async fn create_personal_access_token() {
    let server = MockServer::start().await;
    let mut created = pat_json();
    created["konnect_token"] = json!("kpat_new");
    Mock::given(method("POST"))
        .and(path(format!("/v3/users/{USER}/access-tokens")))
        .and(header("content-type", "application/json"))
        .and(body_json(
            json!({"name": "ci token", "expires_at": "2023-11-04T20:10:06Z"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(created))
        .expect(1)
        .mount(&server)
        .await;
    let body = CreatePersonalAccessTokenRequest {
        name: "ci token".to_owned(),
        expires_at: chrono::Utc
            .with_ymd_and_hms(2023, 11, 4, 20, 10, 6)
            .unwrap(),
    };
    let token = client(&server)
        .personal_access_tokens()
        .create_personal_access_token(user())
        .body(body.clone())
        .await
        .unwrap();
    assert_eq!(token.konnect_token, "kpat_new");
    assert!(
        !format!("{token:?}").contains("kpat_new"),
        "the new token is sensitive"
    );
}

#[tokio::test]
async fn get_personal_access_token_details() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v3/users/{USER}/access-tokens/{TOKEN_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(pat_json()))
        .expect(1)
        .mount(&server)
        .await;
    let token = client(&server)
        .personal_access_tokens()
        .get_personal_access_token_details(user(), token_id())
        .await
        .unwrap();
    assert_eq!(token.id, token_id());
}

#[tokio::test]
async fn update_personal_access_token_details() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(format!("/v3/users/{USER}/access-tokens/{TOKEN_ID}")))
        .and(body_json(json!({"name": "renamed"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(pat_json()))
        .expect(1)
        .mount(&server)
        .await;
    let body = UpdatePersonalAccessTokenDetailsRequest {
        name: Some("renamed".to_owned()),
    };
    client(&server)
        .personal_access_tokens()
        .update_personal_access_token_details(user(), token_id())
        .body(body.clone())
        .await
        .unwrap();
}

#[tokio::test]
async fn delete_personal_access_token_returns_unit_on_204() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/v3/users/{USER}/access-tokens/{TOKEN_ID}")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .personal_access_tokens()
        .delete_personal_access_token(user(), token_id())
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.status.as_u16(), 204);
    let () = response.body;
}

#[tokio::test]
async fn revoke_personal_access_token() {
    let server = MockServer::start().await;
    let mut revoked = pat_json();
    revoked["state"] = json!("REVOKED");
    Mock::given(method("PATCH"))
        .and(path(format!(
            "/v3/users/{USER}/access-tokens/{TOKEN_ID}/revoke"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(revoked))
        .expect(1)
        .mount(&server)
        .await;
    let token = client(&server)
        .personal_access_tokens()
        .revoke_personal_access_token(user(), token_id())
        .await
        .unwrap();
    assert_eq!(token.state, PersonalAccessTokenState::Revoked);
}

#[tokio::test]
async fn create_integration_instance_auth_credential() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/integration-instances/{INSTANCE}/auth-credential")))
        .and(body_json(json!({
            "type": "oauth",
            "config": {"grant_type": "authorization_code", "code": "c0de", "redirect_uri": "https://example.com/cb"},
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(credential_json("oauth")))
        .expect(1)
        .mount(&server)
        .await;
    let body = CreateIntegrationInstanceAuthCredential::Oauth(CreateOauthCredential {
        config: CreateOauthCredentialConfig {
            grant_type: CreateOauthCredentialConfigGrantType::AuthorizationCode,
            code: "c0de".to_owned(),
            redirect_uri: "https://example.com/cb".to_owned(),
        },
    });
    assert!(
        !format!("{body:?}").contains("c0de"),
        "the OAuth code is sensitive"
    );
    let credential = client(&server)
        .integration_instance_auth_credentials()
        .create_integration_instance_auth_credential(INSTANCE, body.clone())
        .await
        .unwrap();
    assert!(matches!(
        credential,
        IntegrationInstanceAuthCredential::Oauth(_)
    ));
}

#[tokio::test]
async fn get_integration_instance_auth_credential() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/v1/integration-instances/{INSTANCE}/auth-credential"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(credential_json("multi_key_auth")))
        .expect(1)
        .mount(&server)
        .await;
    let credential = client(&server)
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap();
    match credential {
        IntegrationInstanceAuthCredential::MultiKeyAuth(c) => {
            assert_eq!(c.integration_instance.name, "aws-lambda-prod")
        }
        other => panic!("wrong variant: {other:?}"),
    }
}

#[tokio::test]
async fn delete_integration_instance_auth_credential() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(format!(
            "/v1/integration-instances/{INSTANCE}/auth-credential"
        )))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .integration_instance_auth_credentials()
        .delete_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap();
}

#[tokio::test]
async fn unknown_values_decode_without_failing() {
    let server = MockServer::start().await;
    let mut token = pat_json();
    token["state"] = json!("SUSPENDED");
    token["added_by_a_newer_server"] = json!({"x": 1});
    Mock::given(method("GET"))
        .and(path(format!("/v3/users/{USER}/access-tokens/{TOKEN_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(token))
        .mount(&server)
        .await;
    let mut credential = credential_json("carrier_pigeon");
    credential["config"] = json!({"secret": "do-not-print"});
    Mock::given(method("GET"))
        .and(path(format!(
            "/v1/integration-instances/{INSTANCE}/auth-credential"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(credential))
        .mount(&server)
        .await;
    let client = client(&server);
    let token = client
        .personal_access_tokens()
        .get_personal_access_token_details(user(), token_id())
        .await
        .unwrap();
    assert_eq!(
        token.state,
        PersonalAccessTokenState::Unknown("SUSPENDED".to_owned())
    );
    let credential = client
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap();
    assert_eq!(credential.tag(), Some("carrier_pigeon"));
    assert!(matches!(
        credential,
        IntegrationInstanceAuthCredential::Unknown(_)
    ));
    assert!(!format!("{credential:?}").contains("do-not-print"));
}

#[tokio::test]
async fn path_parameters_stay_inside_their_segment() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/v1/integration-instances/..%2Fx/auth-credential"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v1/integration-instances/a%2Fb%3Fc/auth-credential"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let group = client.integration_instance_auth_credentials();
    group
        .delete_integration_instance_auth_credential("../x")
        .await
        .unwrap();
    group
        .delete_integration_instance_auth_credential("a/b?c")
        .await
        .unwrap();
    let refused = group
        .delete_integration_instance_auth_credential("..")
        .await
        .unwrap_err();
    assert!(
        matches!(refused, konnect_sdk::Error::InvalidRequest { .. }),
        "{refused:?}"
    );
}
