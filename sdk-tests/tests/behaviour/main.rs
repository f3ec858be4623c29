//! Behaviour tests: the generated SDK against real HTTP servers on loopback (`wiremock`).

mod bodies;
mod broken;
mod builders;
mod errors;
mod operations;
mod pagination;
mod redirects;
mod resilience;
mod rogue;
mod security;
mod surface;
mod timeouts;
mod wire;
mod wire_auth;
mod wire_multipart;
mod wire_params;

use std::time::Duration;

use konnect_sdk::{Client, RetryPolicy};
use serde_json::{json, Value};
use wiremock::MockServer;

/// The token every test client sends; tests assert it never appears in formatted output.
pub const TOKEN: &str = "kpat_S3CR3T-token-value";
pub const USER: &str = "5f9fd312-a987-4628-b4c5-bb4f4fddd5f7";
pub const TOKEN_ID: &str = "7f9fd312-a987-4628-b4c5-bb4f4fddd5f8";
pub const INSTANCE: &str = "3f51fa25-310a-421d-bd1a-007f859021a3";

/// Everything `tracing` writes while the guard lives, for tests that look for secrets in it.
#[derive(Clone, Default)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Captured {
    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures every span and event of this thread, at every level, while the guard lives.
pub fn capture_tracing() -> (Captured, tracing::subscriber::DefaultGuard) {
    use tracing_subscriber::fmt::format::FmtSpan;

    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

/// Fast retries so the suite stays quick.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_interval(Duration::from_millis(10))
        .max_interval(Duration::from_millis(50))
}

/// A client pointed at `server`, authenticated with a personal access token.
pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .personal_access_token(TOKEN)
        .base_url(server.uri())
        .retry(fast_retries())
        .build()
        .expect("client builds")
}

pub fn pat_json() -> Value {
    json!({
        "id": TOKEN_ID,
        "user_id": USER,
        "name": "ci token",
        "state": "ACTIVE",
        "created_at": "2022-11-04T20:10:06.927Z",
        "updated_at": "2022-11-04T20:10:06.927Z",
        "expires_at": "2023-11-04T20:10:06.927Z",
    })
}

pub fn credential_json(kind: &str) -> Value {
    json!({
        "id": "4f535923-ec24-456c-b4e5-e67f65c8c208",
        "integration_instance": {"id": INSTANCE, "name": "aws-lambda-prod", "display_name": "AWS (prod)"},
        "missing_permissions": [{"scopes": ["incident:read"], "message": "missing"}],
        "tainted": false,
        "expires_at": null,
        "created_at": "2022-11-04T20:10:06.927Z",
        "type": kind,
    })
}

/// A problem+json body for `status`.
pub fn problem(status: u16, title: &str) -> Value {
    let mut body = json!({
        "status": status,
        "title": title,
        "type": format!("https://httpstatuses.com/{status}"),
        "instance": "kong:trace:1234567890",
        "detail": title,
    });
    if status == 400 {
        body["invalid_parameters"] = json!([
            {"field": "name", "rule": "min_length", "minimum": 8, "source": "body", "reason": "must have at least 8 characters"},
            {"field": "name", "rule": "required", "reason": "is a required field"},
            {"field": "kind", "rule": "enum", "choices": ["a", "b"], "reason": "must be one of a, b"},
        ]);
    }
    body
}
