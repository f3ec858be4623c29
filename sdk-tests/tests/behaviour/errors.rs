//! Error responses: dispatched on status, decoded by the documented schema, raw parts kept.

use konnect_sdk::integration_instance_auth_credentials::GetIntegrationInstanceAuthCredentialError;
use konnect_sdk::models::InvalidParametersItem;
use konnect_sdk::personal_access_tokens::CreatePersonalAccessTokenError;
use konnect_sdk::Error;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{client, problem, INSTANCE, USER};

async fn create_pat_failing_with(
    status: u16,
    title: &str,
) -> Error<CreatePersonalAccessTokenError> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(status)
                .insert_header("content-type", "application/problem+json")
                .insert_header("x-kong-request-id", "req-123")
                .set_body_json(problem(status, title)),
        )
        .mount(&server)
        .await;
    client(&server)
        .personal_access_tokens()
        .create_personal_access_token(USER.parse().unwrap())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn every_documented_status_decodes_to_its_variant() {
    use CreatePersonalAccessTokenError as E;
    for (status, title) in [
        (400, "Bad Request"),
        (401, "Unauthorized"),
        (403, "Forbidden"),
        (404, "Not Found"),
        (409, "Conflict"),
    ] {
        let error = create_pat_failing_with(status, title).await;
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(
            error
                .headers()
                .and_then(|h| h.get("x-kong-request-id"))
                .unwrap(),
            "req-123"
        );
        let Error::Api(api) = &error else {
            panic!("{status}: {error:?}")
        };
        assert!(!api.body().is_empty());
        match api.error() {
            E::BadRequest(body) => {
                assert_eq!(status, 400);
                assert_eq!(body.invalid_parameters.len(), 3);
                assert!(matches!(
                    body.invalid_parameters[0],
                    InvalidParametersItem::InvalidParameterMinimumLength(_)
                ));
                assert!(matches!(
                    body.invalid_parameters[1],
                    InvalidParametersItem::InvalidParameterStandard(_)
                ));
                assert!(matches!(
                    body.invalid_parameters[2],
                    InvalidParametersItem::InvalidParameterChoiceItem(_)
                ));
            }
            E::Unauthorized(body) => assert_eq!((status, body.title.as_str()), (401, title)),
            E::Forbidden(body) => assert_eq!((status, body.title.as_str()), (403, title)),
            E::NotFound(body) => assert_eq!((status, body.title.as_str()), (404, title)),
            E::Conflict(body) => assert_eq!((status, body.title.as_str()), (409, title)),
        }
        assert_eq!(api.error().status(), status);
    }
}

#[tokio::test]
async fn an_undocumented_status_keeps_its_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(418).set_body_string("short and stout"))
        .mount(&server)
        .await;
    let error = client(&server)
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    match &error {
        Error::UnexpectedStatus { status, body, .. } => {
            assert_eq!(status.as_u16(), 418);
            assert_eq!(&body[..], b"short and stout");
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("short and stout"));
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_naming_the_type() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"id\": 12"))
        .mount(&server)
        .await;
    let error = client(&server)
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    let Error::Decode { source, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(
        source
            .type_name()
            .contains("IntegrationInstanceAuthCredential"),
        "{source}"
    );
    assert!(error.to_string().contains("{\"id\": 12"), "{error}");
}

#[tokio::test]
async fn an_error_body_that_does_not_match_its_schema_says_why() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(serde_json::json!({"status": "nope"})),
        )
        .mount(&server)
        .await;
    let error = client(&server)
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    let Error::Decode { source, status, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(status.as_u16(), 404);
    // `NotFoundError` repeats `BaseError`'s shape: the 404 decodes into `BaseError`.
    assert!(source.type_name().contains("BaseError"), "{source}");
    assert!(source.reason().contains("status"), "{source}");
}

#[tokio::test]
async fn documented_401_decodes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(problem(401, "Unauthorized")))
        .mount(&server)
        .await;
    let error = client(&server)
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    assert!(matches!(
        error.api_error(),
        Some(GetIntegrationInstanceAuthCredentialError::Unauthorized(_))
    ));
}
