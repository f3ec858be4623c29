//! Models built with their builders, as users write them: a request body, and a response a
//! fake of the client returns in a test (models are `#[non_exhaustive]`: no struct literals).

use konnect_sdk::models::{
    CreatePersonalAccessTokenRequest, PersonalAccessToken, PersonalAccessTokenState,
};
use konnect_sdk::MissingFields;

use crate::{pat_json, TOKEN_ID, USER};

#[test]
fn a_response_model_built_with_its_builder_equals_the_decoded_one() {
    let decoded: PersonalAccessToken = serde_json::from_value(pat_json()).unwrap();
    let built = PersonalAccessToken::builder()
        .id(TOKEN_ID.parse().unwrap())
        .user_id(USER.parse().unwrap())
        .name("ci token")
        .state(PersonalAccessTokenState::Active)
        .created_at("2022-11-04T20:10:06.927Z".parse().unwrap())
        .updated_at("2022-11-04T20:10:06.927Z".parse().unwrap())
        .expires_at("2023-11-04T20:10:06.927Z".parse().unwrap())
        .build()
        .unwrap();
    assert_eq!(built, decoded);
}

#[test]
fn build_names_the_required_fields_not_set_by_their_json_names() {
    let error: MissingFields = PersonalAccessToken::builder()
        .name("ci token")
        .build()
        .unwrap_err();
    assert_eq!(error.model(), "PersonalAccessToken");
    assert_eq!(
        error.fields(),
        ["id", "user_id", "state", "created_at", "updated_at"]
    );
    // A required nullable field may be left unset: it is sent as `null`.
    assert!(!error.fields().contains(&"expires_at"));
    let error = CreatePersonalAccessTokenRequest::builder()
        .name("ci token")
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot build `CreatePersonalAccessTokenRequest`: required field not set: expires_at"
    );
}

#[test]
fn a_request_model_built_with_its_builder_encodes_the_json_the_document_describes() {
    let body = CreatePersonalAccessTokenRequest::builder()
        .name("ci token")
        .expires_at("2030-01-01T00:00:00Z".parse().unwrap())
        .build()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        serde_json::json!({"name": "ci token", "expires_at": "2030-01-01T00:00:00Z"})
    );
}
