//! Contract tests: the generated SDK against Stoplight Prism, an independent mock server that
//! reads `spec/konnect.yaml`, rejects requests that violate it (`--errors`), and answers from the
//! document's examples, with random schema-valid data (`Prefer: dynamic=true`), or with a chosen
//! documented status (`Prefer: code=NNN`). `cargo xtask test` starts Prism and sets `PRISM_URL`.

use std::fmt::Debug;

use chrono::TimeZone;
use konnect_sdk::models::{
    CreateAwsRoleDelegationAuthCredential, CreateAwsRoleDelegationAuthCredentialConfig,
    CreateGithubAppInstallationCredential, CreateGithubAppInstallationCredentialConfig,
    CreateIntegrationInstanceAuthCredential, CreateMultiKeyAuthCredential,
    CreateMultiKeyAuthCredentialConfig, CreateMultiKeyAuthCredentialConfigHeadersItem,
    CreateOauthCredential, CreateOauthCredentialConfig, CreateOauthCredentialConfigGrantType,
    CreatePersonalAccessTokenRequest, UpdatePersonalAccessTokenDetailsRequest,
};
use konnect_sdk::{Call, Client, Error, ErrorResponses, RetryPolicy};

/// Dynamic responses decoded per operation.
const DYNAMIC_RUNS: usize = 50;
const USER: &str = "5f9fd312-a987-4628-b4c5-bb4f4fddd5f7";
const TOKEN_ID: &str = "7f9fd312-a987-4628-b4c5-bb4f4fddd5f8";
const INSTANCE: &str = "3f51fa25-310a-421d-bd1a-007f859021a3";

fn client() -> Client {
    let url = std::env::var("PRISM_URL").expect(
        "PRISM_URL is not set: run the contract tests with `cargo xtask test`, which starts Prism",
    );
    Client::builder()
        .personal_access_token("kpat_contract")
        .base_url(url)
        .retry(RetryPolicy::disabled())
        .build()
        .expect("client builds")
}

/// Fails with Prism's own explanation when it rejected the request.
fn explain<E: Debug>(label: &str, error: &Error<E>) -> String {
    let violations = error
        .headers()
        .and_then(|h| h.get("sl-violations"))
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none");
    format!("{label}: {error}\nPrism's violations: {violations}")
}

/// Runs one operation through the three kinds of responses and prints the counts.
async fn exercise<T, E>(label: &str, statuses: &[u16], make: impl Fn(&Client) -> Call<T, E>)
where
    T: Debug + Send + 'static,
    E: ErrorResponses,
{
    let client = client();
    let mut requests = 0;
    make(&client)
        .await
        .unwrap_or_else(|e| panic!("{}", explain(label, &e)));
    requests += 1;
    for run in 0..DYNAMIC_RUNS {
        make(&client)
            .header("Prefer", "dynamic=true")
            .await
            .unwrap_or_else(|e| panic!("{}", explain(&format!("{label}, dynamic run {run}"), &e)));
        requests += 1;
    }
    for &status in statuses {
        let error = make(&client)
            .header("Prefer", &format!("code={status}"))
            .await
            .expect_err("a forced error status fails");
        requests += 1;
        match &error {
            Error::Api(api) => {
                assert_eq!(api.status().as_u16(), status, "{label}");
                assert_eq!(
                    api.error().status(),
                    status,
                    "{label}: decoded as {:?}",
                    api.error()
                );
            }
            other => panic!("{}", explain(&format!("{label}, forced {status}"), other)),
        }
    }
    println!(
        "{label}: {requests} requests validated by Prism, {} responses decoded ({DYNAMIC_RUNS} dynamic), {} error statuses mapped",
        1 + DYNAMIC_RUNS,
        statuses.len()
    );
}

const PAT_ERRORS: &[u16] = &[400, 401, 403, 404];

#[tokio::test]
async fn list_users_personal_access_tokens() {
    exercise("list-users-personal-access-tokens", PAT_ERRORS, |c| {
        c.personal_access_tokens()
            .list_users_personal_access_tokens(USER.parse().unwrap())
            .into_call()
    })
    .await;
}

#[tokio::test]
async fn create_personal_access_token() {
    let body = CreatePersonalAccessTokenRequest {
        name: "contract token".to_owned(),
        expires_at: chrono::Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap(),
    };
    exercise(
        "create-personal-access-token",
        &[400, 401, 403, 404, 409],
        |c| {
            c.personal_access_tokens()
                .create_personal_access_token(USER.parse().unwrap())
                .body(body.clone())
                .into_call()
        },
    )
    .await;
}

#[tokio::test]
async fn get_personal_access_token_details() {
    exercise("get-personal-access-token-details", PAT_ERRORS, |c| {
        c.personal_access_tokens()
            .get_personal_access_token_details(USER.parse().unwrap(), TOKEN_ID.parse().unwrap())
            .into_call()
    })
    .await;
}

#[tokio::test]
async fn update_personal_access_token_details() {
    let body = UpdatePersonalAccessTokenDetailsRequest {
        name: Some("renamed token".to_owned()),
    };
    exercise("update-personal-access-token-details", PAT_ERRORS, |c| {
        c.personal_access_tokens()
            .update_personal_access_token_details(USER.parse().unwrap(), TOKEN_ID.parse().unwrap())
            .body(body.clone())
            .into_call()
    })
    .await;
}

#[tokio::test]
async fn delete_personal_access_token() {
    exercise("delete-personal-access-token", PAT_ERRORS, |c| {
        c.personal_access_tokens()
            .delete_personal_access_token(USER.parse().unwrap(), TOKEN_ID.parse().unwrap())
            .into_call()
    })
    .await;
}

#[tokio::test]
async fn revoke_personal_access_token() {
    exercise("revoke-personal-access-token", PAT_ERRORS, |c| {
        c.personal_access_tokens()
            .revoke_personal_access_token(USER.parse().unwrap(), TOKEN_ID.parse().unwrap())
            .into_call()
    })
    .await;
}

#[tokio::test]
async fn create_integration_instance_auth_credential() {
    let bodies = [
        CreateIntegrationInstanceAuthCredential::Oauth(CreateOauthCredential {
            config: CreateOauthCredentialConfig {
                grant_type: CreateOauthCredentialConfigGrantType::AuthorizationCode,
                code: "Yzk5ZDczMzRlNDEwY".to_owned(),
                redirect_uri:
                    "https://cloud.konghq.com/us/service-catalog/integrations/pagerduty/oauth"
                        .to_owned(),
            },
        }),
        CreateIntegrationInstanceAuthCredential::GithubAppInstallation(
            CreateGithubAppInstallationCredential {
                config: CreateGithubAppInstallationCredentialConfig {
                    installation_id: "46952218".to_owned(),
                    code: "Yzk5ZDczMzRlNDEwY".to_owned(),
                    app_installed_by: None,
                },
            },
        ),
        CreateIntegrationInstanceAuthCredential::MultiKeyAuth(CreateMultiKeyAuthCredential {
            config: CreateMultiKeyAuthCredentialConfig {
                headers: vec![CreateMultiKeyAuthCredentialConfigHeadersItem {
                    name: "x-api-key".to_owned(),
                    key: "s3cr3t".to_owned(),
                }],
            },
        }),
        CreateIntegrationInstanceAuthCredential::AwsRoleDelegation(
            CreateAwsRoleDelegationAuthCredential {
                config: CreateAwsRoleDelegationAuthCredentialConfig {
                    role_arn: "arn:aws:iam::084735895545:role/KonnectServiceCatalogRole".to_owned(),
                },
            },
        ),
    ];
    for (i, body) in bodies.iter().enumerate() {
        exercise(
            &format!("create-integration-instance-auth-credential #{i}"),
            &[400, 401, 403, 404, 409],
            |c| {
                c.integration_instance_auth_credentials()
                    .create_integration_instance_auth_credential(INSTANCE, body.clone())
                    .into_call()
            },
        )
        .await;
    }
}

#[tokio::test]
async fn get_integration_instance_auth_credential() {
    exercise(
        "get-integration-instance-auth-credential",
        &[401, 403, 404],
        |c| {
            c.integration_instance_auth_credentials()
                .get_integration_instance_auth_credential(INSTANCE)
                .into_call()
        },
    )
    .await;
}

#[tokio::test]
async fn delete_integration_instance_auth_credential() {
    exercise(
        "delete-integration-instance-auth-credential",
        &[401, 403, 404],
        |c| {
            c.integration_instance_auth_credentials()
                .delete_integration_instance_auth_credential(INSTANCE)
                .into_call()
        },
    )
    .await;
}

#[tokio::test]
async fn a_request_that_violates_the_spec_is_caught() {
    // An empty name breaks PATName's minLength: Prism must reject it, proving it validates.
    let body = CreatePersonalAccessTokenRequest {
        name: String::new(),
        expires_at: chrono::Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap(),
    };
    let error = client()
        .personal_access_tokens()
        .create_personal_access_token(USER.parse().unwrap())
        .body(body)
        .await
        .expect_err("Prism rejects an invalid body");
    assert!(
        error
            .headers()
            .is_some_and(|h| h.contains_key("sl-violations")),
        "{error:?}"
    );
}
