//! What goes over the wire for constructs beyond the Konnect groups: the `wire-sdk` crate,
//! generated from `sdk-tests/wire.yaml`, against a loopback server.

use wiremock::matchers::{body_bytes, body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "wire-S3CR3T";

fn client(server: &MockServer) -> wire_sdk::Client {
    wire_sdk::Client::builder()
        .bearer(TOKEN)
        .base_url(server.uri())
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn text_request_bodies_are_sent_as_is_with_their_media_type() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/notes"))
        .and(header("content-type", "text/plain"))
        .and(body_string("héllo\n"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).bodies().put_note("héllo\n").await.unwrap();
}

#[tokio::test]
async fn binary_request_bodies_are_sent_byte_for_byte() {
    let server = MockServer::start().await;
    let bytes: Vec<u8> = (0..=255).collect();
    Mock::given(method("PUT"))
        .and(path("/blobs"))
        .and(header("content-type", "application/octet-stream"))
        .and(body_bytes(bytes.clone()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).bodies().put_blob(bytes).await.unwrap();
}
